SELECT tutor_id, school_urn, term FROM {{ source('raw', 'placements') }}
