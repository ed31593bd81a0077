-- Long loops of the forecasting code stop soon after a cancel (statement_timeout): each statement
-- below would run for minutes; it must end within 3 s of its 300 ms timeout (the bound allows for a
-- loaded machine; no timing is printed).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;
\set VERBOSITY terse
CREATE TEMP TABLE cancel_t0 (t timestamptz);

-- expected_count over 50 million inputs (minutes).
INSERT INTO cancel_t0 VALUES (clock_timestamp());
SET statement_timeout = '300ms';
SELECT (expected_count(0.5::float8)).p50 FROM generate_series(1, 50000000);
RESET statement_timeout;
SELECT clock_timestamp() - t < interval '3.3 s' AS expected_count_stopped FROM cancel_t0;

-- The generator: 200,000 tutors over 24 terms (minutes).
UPDATE cancel_t0 SET t = clock_timestamp();
SET statement_timeout = '300ms';
SELECT * FROM generate_tutor_data('cancel_gen', 1, 200000, '2015 Autumn', '2023 Summer');
RESET statement_timeout;
SELECT clock_timestamp() - t < interval '3.3 s' AS generator_stopped, to_regclass('cancel_gen.tutors') IS NULL AS nothing_left
FROM cancel_t0;

-- Convolving wide count distributions (the sum of 40 Poisson(1e7) counts: minutes of convolution).
UPDATE cancel_t0 SET t = clock_timestamp();
SET statement_timeout = '300ms';
SELECT (count_summary(convolve_counts(count_poisson(1e7)))).p50 FROM generate_series(1, 40);
RESET statement_timeout;
SELECT clock_timestamp() - t < interval '3.3 s' AS convolution_stopped FROM cancel_t0;
