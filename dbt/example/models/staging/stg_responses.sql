SELECT tutor_id, term, responded, available FROM {{ source('raw', 'availability_responses') }}
