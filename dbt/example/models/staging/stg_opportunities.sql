SELECT opportunity_id, school_urn, local_authority, term, stage, probability, n_placements
FROM {{ source('raw', 'opportunities') }}
