-- generate_tutor_data: contract, invariants, determinism, errors.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;

-- Seeded draws depend only on their arguments.
SELECT seeded_uniform(42, 1, 2, 3) = seeded_uniform(42, 1, 2, 3) AS same,
	   seeded_uniform(42, 1, 2, 3) <> seeded_uniform(43, 1, 2, 3) AS seed_matters,
	   seeded_uniform(42, 1, 2) = seeded_uniform(42, 1, 2, 0) AS default_key;
-- 100,000 draws: each moment within 4 standard errors of its true value, and the uniform draws
-- spread over ten equal bins (chi-square with 9 degrees of freedom below 27.9, its 0.1% point).
SELECT abs(avg(u) - 0.5) < 4 * sqrt(1 / 12.0 / 100000) AS mean_u_ok, min(u) > 0 AS above_0, max(u) < 1 AS below_1,
	   abs(avg(z)) < 4 / sqrt(100000) AS mean_z_ok, abs(stddev(z) - 1) < 4 * sqrt(1 / 200000.0) AS sd_z_ok
FROM (SELECT seeded_uniform(7, 99, i) AS u, seeded_normal(7, 99, i) AS z FROM generate_series(1, 100000) i) d;
SELECT sum((n - 10000.0) ^ 2 / 10000.0) < 27.9 AS uniform_bins_ok
FROM (SELECT floor(seeded_uniform(7, 98, i) * 10) AS bin, count(*) AS n FROM generate_series(1, 100000) i GROUP BY 1) b;

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
	   count(*) AS surveys
FROM gen_a.availability_responses r
LEFT JOIN gen_a.placements p USING (tutor_id, term);
-- The outcomes are drawn from the recorded true probabilities: placements and responses each within
-- 3 standard deviations of their expected number (sum p, sd sqrt(sum p(1-p))), overall and per season.
SELECT coalesce(term_season(ta.term), 'all') AS season,
	   abs(count(p.tutor_id) - sum(ta.p_available)) < 3 * sqrt(sum(ta.p_available * (1 - ta.p_available))) AS placements_ok,
	   abs(count(*) FILTER (WHERE r.responded) - sum(ta.p_response)) < 3 * sqrt(sum(ta.p_response * (1 - ta.p_response))) AS responses_ok
FROM gen_a.true_availability ta
JOIN gen_a.availability_responses r USING (tutor_id, term)
LEFT JOIN gen_a.placements p USING (tutor_id, term)
GROUP BY ROLLUP (term_season(ta.term)) ORDER BY 1;
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

-- Deterministic for a seed (the default 42 and 7); another seed differs.
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
SELECT count(*) FROM generate_tutor_data('gen_d1', n_tutors => 200, first_term => '2020 Autumn', last_term => '2021 Autumn');
SELECT count(*) FROM generate_tutor_data('gen_d2', 42, 200, '2020 Autumn', '2021 Autumn');
SELECT (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM gen_d1.placements x)
	 = (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM gen_d2.placements x) AS default_seed_same,
	   (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM gen_d1.opportunities x)
	 = (SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM gen_d2.opportunities x) AS default_seed_demand_same;

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
DROP SCHEMA gen_a, gen_b, gen_c, gen_d1, gen_d2 CASCADE;
