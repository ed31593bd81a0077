-- Pseudonymise a generated list of contact records with sha256_pii.
-- Every 5th person appears a second time, typed differently (case, spaces,
-- phone format), as happens when two staff members enter the same tutor.
\echo '--- contacts: pseudonymising generated personal data'
CREATE TABLE edupredict_data.contacts AS
WITH first_names(i, n) AS (
  SELECT row_number() OVER (), n FROM unnest(ARRAY['Amara','Ben','Chloé','Dev','Ella','Femi','Grace','Hamza',
    'Isla','Jonah','Kemi','Leo','Maya','Noah','Olu','Priya','Quinn','Rosa','Sami','Tom','Uma','Vik','Wen','Zoë']) n),
last_names(i, n) AS (
  SELECT row_number() OVER (), n FROM unnest(ARRAY['Adeyemi','Brown','Chen','Dubois','Evans','Fischer','Gupta',
    'Hughes','Ibrahim','Jones','Khan','López','Murphy','Nowak','O''Brien','Patel','Rossi','Smith','Taylor','Wright']) n),
people AS (
  SELECT p, f.n AS first_name, l.n AS last_name, s.postcode,
         lpad(((p * 7919) % 10000000)::text, 7, '0') AS phone_digits
  FROM generate_series(1, 2000) p
  JOIN first_names f ON f.i = 1 + (p * 7) % 24
  JOIN last_names l ON l.i = 1 + (p * 13) % 20
  JOIN LATERAL (SELECT postcode FROM edupredict_data.schools WHERE postcode IS NOT NULL
                ORDER BY school_id OFFSET (p * 37) % 3400 LIMIT 1) s ON true)
SELECT row_number() OVER (ORDER BY p, copy) AS contact_id, p AS person, full_name, email, postcode, phone
FROM (
  SELECT p, 1 AS copy, first_name || ' ' || last_name AS full_name,
         lower(first_name || '.' || replace(last_name, '''', '') || p) || '@example.ac.uk' AS email,
         postcode, '07' || substr(phone_digits, 1, 3) || ' ' || substr(phone_digits, 4) AS phone
  FROM people
  UNION ALL
  SELECT p, 2, '  ' || upper(last_name) || '  ' || ' ' || first_name,        -- not the same order: a different name
         ' ' || first_name || '.' || replace(last_name, '''', '') || p || '@EXAMPLE.ac.uk ',
         lower(replace(postcode, ' ', '')), '+44 (0)7' || phone_digits
  FROM people WHERE p % 5 = 0) c;

CREATE TABLE edupredict_data.contacts_pseudonymised AS
SELECT contact_id,
       edupredict.sha256_pii(full_name, 'name') AS name_hash,
       edupredict.sha256_pii(email, 'email') AS email_hash,
       edupredict.sha256_pii(postcode, 'postcode') AS postcode_hash,
       edupredict.sha256_pii(phone, 'phone') AS phone_hash,
       left(postcode, strpos(postcode || ' ', ' ') - 1) AS postcode_district
FROM edupredict_data.contacts;

\copy (SELECT * FROM edupredict_data.contacts_pseudonymised ORDER BY contact_id) TO 'out/contacts_pseudonymised.csv' WITH (FORMAT csv, HEADER true)
\copy (SELECT 'schools' AS table_name, count(*) AS n_rows FROM edupredict_data.schools UNION ALL SELECT 'contacts', count(*) FROM edupredict_data.contacts) TO 'out/loaded_tables.csv' WITH (FORMAT csv, HEADER true)

SELECT count(*) AS contact_records,
       count(DISTINCT email_hash) AS distinct_emails,
       count(DISTINCT phone_hash) AS distinct_phones,
       count(DISTINCT postcode_hash) AS distinct_postcodes,
       count(DISTINCT name_hash) AS distinct_names
FROM edupredict_data.contacts_pseudonymised;
