-- Raw contacts -> pseudonymised: e-mail and name replaced by keyed pseudonyms before anything else
-- reads them; the model only needs dates and the local authority.
SELECT tutor_id,
       {{ edupredict.pseudonymise('email', 'email') }} AS email_pseudonym,
       {{ edupredict.pseudonymise('full_name', 'name') }} AS name_pseudonym,
       registered_on, phd_start, phd_end, local_authority
FROM {{ source('raw', 'tutors') }}
