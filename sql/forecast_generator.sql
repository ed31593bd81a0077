-- generate_tutor_data: contract, invariants, determinism, errors.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;

-- Seeded draws depend only on their arguments.
SELECT seeded_uniform(42, 1, 2, 3) = seeded_uniform(42, 1, 2, 3) AS same,
	   seeded_uniform(42, 1, 2, 3) <> seeded_uniform(43, 1, 2, 3) AS seed_matters,
	   seeded_uniform(42, 1, 2) = seeded_uniform(42, 1, 2, 0) AS default_key;
SELECT round(avg(u)::numeric, 2) AS mean_u, min(u) > 0 AS above_0, max(u) < 1 AS below_1,
	   round(avg(z)::numeric, 1) AS mean_z, round(stddev(z)::numeric, 1) AS sd_z
FROM (SELECT seeded_uniform(7, 99, i) AS u, seeded_normal(7, 99, i) AS z FROM generate_series(1, 100000) i) d;

-- The bundled schools.
SELECT count(*) AS schools, count(DISTINCT la_name) AS local_authorities FROM london_schools;

SELECT * FROM generate_tutor_data('gen_a', 7, 300, '2019 Autumn', '2021 Summer');

-- Column contract (docs/forecasting.md).
SELECT c.relname, string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = 'gen_a' AND c.relkind = 'r' GROUP BY c.relname ORDER BY c.relname;

-- Invariants.
SELECT count(*) FILTER (WHERE p.term < term_of(t.registered_on) + 1) AS placed_before_registration,
	   count(*) FILTER (WHERE s.la_name <> t.local_authority) AS placed_outside_home_la,
	   count(*) FILTER (WHERE ta.tutor_id IS NULL) AS placed_without_truth
FROM gen_a.placements p JOIN gen_a.tutors t USING (tutor_id)
JOIN london_schools s ON s.urn = p.school_urn
LEFT JOIN gen_a.true_availability ta ON ta.tutor_id = p.tutor_id AND ta.term = p.term;
SELECT count(*) FILTER (WHERE responded AND available IS NULL) AS responded_no_answer,
	   count(*) FILTER (WHERE NOT responded AND available IS NOT NULL) AS answer_without_response,
	   count(*) FILTER (WHERE responded AND available <> (p.tutor_id IS NOT NULL)) AS untruthful,
	   round(avg(responded::int), 1) BETWEEN 0.3 AND 0.7 AS response_rate_plausible
FROM gen_a.availability_responses r
LEFT JOIN gen_a.placements p USING (tutor_id, term);
SELECT min(p_available) > 0 AND max(p_available) < 1 AS p_in_0_1, min(p_response) > 0 AND max(p_response) < 1 AS r_in_0_1,
	   count(*) = (SELECT count(*) FROM gen_a.availability_responses) AS one_truth_per_response
FROM gen_a.true_availability;
SELECT bool_and(phd_start <= registered_on AND registered_on < phd_end) AS phd_spans_registration,
	   bool_and(email LIKE '%@example.ac.uk') AS fake_emails,
	   count(DISTINCT local_authority) > 10 AS many_las
FROM gen_a.tutors;
SELECT stage, min(probability) AS min_p, max(probability) AS max_p, min(term) AS first_term, max(term) AS last_term
FROM gen_a.opportunities GROUP BY stage ORDER BY stage;
SELECT count(*) FILTER (WHERE o.local_authority <> s.la_name) AS la_mismatch
FROM gen_a.opportunities o JOIN london_schools s ON s.urn = o.school_urn;

-- Deterministic for a seed; another seed differs.
SELECT * FROM generate_tutor_data('gen_b', 7, 300, '2019 Autumn', '2021 Summer');
SELECT * FROM generate_tutor_data('gen_c', 8, 300, '2019 Autumn', '2021 Summer');
SELECT (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM gen_a.tutors x)
	 = (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM gen_b.tutors x) AS tutors_same,
	   (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM gen_a.placements x)
	 = (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM gen_b.placements x) AS placements_same,
	   (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM gen_a.availability_responses x)
	 = (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM gen_b.availability_responses x) AS responses_same,
	   (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM gen_a.opportunities x)
	 = (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM gen_b.opportunities x) AS opportunities_same,
	   (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM gen_a.true_availability x)
	 = (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM gen_b.true_availability x) AS truth_same,
	   (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM gen_a.placements x)
	<> (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM gen_c.placements x) AS other_seed_differs;

-- Errors.
\set SHOW_CONTEXT never
SELECT * FROM generate_tutor_data('gen_a', 7, 300, '2019 Autumn', '2021 Summer');
SELECT * FROM generate_tutor_data('gen_d', 7, 0);
SELECT * FROM generate_tutor_data('gen_d', 7, 300, '2021 Summer', '2019 Autumn');
SELECT * FROM generate_tutor_data('gen_d', 7, 300, '2000 Spring', '2030 Spring');
SELECT * FROM generate_tutor_data('gen_d', 7, 300, '1800 Spring', '1801 Spring');
SELECT * FROM generate_tutor_data('', 7);
SELECT * FROM generate_tutor_data('gen_d', NULL);
SELECT * FROM generate_tutor_data('gen_d', 7, 300, '2019 Winter');

SET client_min_messages = warning;
DROP SCHEMA gen_a, gen_b, gen_c CASCADE;
