-- expected_count(p): Poisson-binomial distribution, against brute force and closed forms.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;

-- Brute force: enumerate all 2^n outcomes.
CREATE FUNCTION pg_temp.brute(ps float8[]) RETURNS count_distribution LANGUAGE plpgsql AS $$
DECLARE
  n int := coalesce(array_length(ps, 1), 0);
  pmf float8[] := array_fill(0::float8, ARRAY[n + 1], ARRAY[0]);
  prob float8; cnt int; mean float8 := 0; var float8 := 0; cum float8; r count_distribution;
  qs float8[] := '{0.1,0.5,0.9}'; res bigint[] := '{}';
BEGIN
  FOR mask IN 0 .. (1 << n) - 1 LOOP
    prob := 1; cnt := 0;
    FOR i IN 1 .. n LOOP
      IF (mask >> (i - 1)) & 1 = 1 THEN prob := prob * ps[i]; cnt := cnt + 1;
      ELSE prob := prob * (1 - ps[i]); END IF;
    END LOOP;
    pmf[cnt] := pmf[cnt] + prob;
  END LOOP;
  FOR k IN 0 .. n LOOP mean := mean + k * pmf[k]; END LOOP;
  FOR k IN 0 .. n LOOP var := var + (k - mean) ^ 2 * pmf[k]; END LOOP;
  FOREACH prob IN ARRAY qs LOOP
    cum := 0;
    FOR k IN 0 .. n LOOP
      cum := cum + pmf[k];
      IF cum >= prob * (1 - 1e-12) OR k = n THEN res := res || k::bigint; EXIT; END IF;
    END LOOP;
  END LOOP;
  r := (mean, sqrt(var), res[1], res[2], res[3]);
  RETURN r;
END $$;

-- 40 deterministic probability sets of 0 to 11 values, including exact 0, 1/2 and 1 and tiny values.
CREATE TEMP TABLE sets AS
SELECT s, i, CASE WHEN (s * 7 + i) % 13 = 0 THEN 0.0
                  WHEN (s * 5 + i) % 11 = 0 THEN 1.0
                  WHEN (s + i) % 9 = 0 THEN 0.5
                  WHEN (s * 3 + i) % 17 = 0 THEN 1e-9
                  ELSE ((s * 0.7548776662 + i * 0.5698402910) % 1.0)::float8 END AS p
FROM generate_series(1, 40) s, generate_series(1, 11) i
WHERE i <= s % 12;

WITH agg AS (SELECT s, expected_count(p ORDER BY i) AS e, array_agg(p ORDER BY i) AS ps FROM sets GROUP BY s),
cmp AS (SELECT s, e, pg_temp.brute(ps) AS b FROM agg)
SELECT count(*) AS sets,
       count(*) FILTER (WHERE abs((e).expected - (b).expected) < 1e-9 AND abs((e).sd - (b).sd) < 1e-9) AS moments_match,
       count(*) FILTER (WHERE (e).p10 = (b).p10 AND (e).p50 = (b).p50 AND (e).p90 = (b).p90) AS percentiles_match
FROM cmp;

-- 600 inputs against an independent dynamic programme without trimming (plain plpgsql, O(n^2)):
-- where trimming drops tails, the percentiles must still be exact and the moments agree to 1e-12.
CREATE FUNCTION pg_temp.dp(ps float8[]) RETURNS count_distribution LANGUAGE plpgsql AS $$
DECLARE
  n int := array_length(ps, 1);
  pmf float8[] := array_fill(0::float8, ARRAY[n + 1], ARRAY[0]);
  nxt float8[];
  r count_distribution;
  res bigint[] := '{}';
  q float8;
  cum float8;
BEGIN
  pmf[0] := 1;
  FOR i IN 1 .. n LOOP
    nxt := array_fill(0::float8, ARRAY[n + 1], ARRAY[0]);
    FOR k IN 0 .. i LOOP
      -- (entries below 1e-280 are set to 0: float8 multiplication raises on underflow)
      nxt[k] := CASE WHEN pmf[k] < 1e-280 THEN 0 ELSE pmf[k] * (1 - ps[i]) END
                + CASE WHEN k > 0 AND pmf[k - 1] >= 1e-280 THEN pmf[k - 1] * ps[i] ELSE 0 END;
    END LOOP;
    pmf := nxt;
  END LOOP;
  FOREACH q IN ARRAY ARRAY[0.1, 0.5, 0.9]::float8[] LOOP
    cum := 0;
    FOR k IN 0 .. n LOOP
      cum := cum + pmf[k];
      IF cum >= q * (1 - 1e-12) THEN res := res || k::bigint; EXIT; END IF;
    END LOOP;
  END LOOP;
  r := ((SELECT sum(p) FROM unnest(ps) p), (SELECT sqrt(sum(p * (1 - p))) FROM unnest(ps) p), res[1], res[2], res[3]);
  RETURN r;
END $$;
WITH s AS (SELECT g, array_agg(((i * 0.7548776662 + g * 0.31) % 1.0)::float8 ^ g ORDER BY i) AS ps
           FROM generate_series(1, 600) i, generate_series(1, 3) g GROUP BY g),
c AS (SELECT g, pg_temp.dp(ps) AS d, (SELECT expected_count(p) FROM unnest(ps) p) AS e FROM s)
SELECT g, (d).p10, (d).p50, (d).p90, (e).p10 = (d).p10 AND (e).p50 = (d).p50 AND (e).p90 = (d).p90 AS percentiles_match,
       abs((e).expected - (d).expected) < 1e-12 * (d).expected AND abs((e).sd - (d).sd) < 1e-12 * (d).sd AS moments_match
FROM c ORDER BY g;

-- A few results in full.
SELECT (expected_count(p)).* FROM (VALUES (0.5::float8)) v(p);
SELECT (expected_count(p)).* FROM (VALUES (0.5::float8), (0.5)) v(p);
SELECT (expected_count(p)).* FROM (VALUES (0.9::float8), (0.9), (0.9), (0.1)) v(p);
SELECT (expected_count(p)).* FROM (VALUES (1.0::float8), (1.0), (0.0)) v(p);
-- NULLs are ignored; no rows (or only NULLs) is the count 0.
SELECT (expected_count(p)).* FROM (VALUES (0.3::float8), (NULL), (0.3)) v(p);
SELECT (expected_count(p)).* FROM (VALUES (0.3::float8), (0.3)) v(p);
SELECT (expected_count(p)).* FROM (VALUES (NULL::float8)) v(p);
SELECT (expected_count(p)).* FROM (SELECT 0.5::float8 WHERE false) v(p);
-- Grouped, as supply_demand uses it.
SELECT g, round((e).expected::numeric, 6) AS expected, round((e).sd::numeric, 6) AS sd, (e).p10, (e).p50, (e).p90
FROM (SELECT g, expected_count(p) AS e FROM (SELECT i % 3 AS g, (i % 10) / 10.0 AS p FROM generate_series(1, 300) i) x GROUP BY g) y
ORDER BY g;

-- As a window function: running and moving frames (the state is updated in place, finals only read it).
SELECT i, (expected_count(p) OVER (ORDER BY i)).* FROM (SELECT i, 0.5::float8 AS p FROM generate_series(1, 4) i) x;
SELECT i, (expected_count(p) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)).*
FROM (SELECT i, i / 5.0::float8 AS p FROM generate_series(1, 4) i) x;

-- 100,000 inputs: mean and sd match the closed forms; percentiles match the normal
-- approximation within one count (the p values are symmetric around 1/2, so skew is nil).
-- (a plain table: temporary tables are never scanned in parallel)
CREATE TABLE expected_count_big AS
SELECT i, ((i * 0.6180339887498949) % 1.0)::float8 AS p FROM generate_series(1, 100000) i;
ANALYZE expected_count_big;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE big_serial AS
SELECT (expected_count(p)).*, sum(p) AS sum_p, sqrt(sum(p * (1 - p))) AS sd_closed FROM expected_count_big;
SELECT abs(expected - sum_p) / sum_p < 1e-12 AS mean_ok,
       abs(sd - sd_closed) / sd_closed < 1e-12 AS sd_ok,
       abs(p10 - (sum_p - 1.2815515655 * sd_closed)) <= 1 AS p10_ok,
       abs(p50 - sum_p) <= 1 AS p50_ok,
       abs(p90 - (sum_p + 1.2815515655 * sd_closed)) <= 1 AS p90_ok,
       p10 < p50 AND p50 < p90 AS ordered
FROM big_serial;

-- A parallel plan (partial states combined by convolution) gives the same answer.
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT expected_count(p) FROM expected_count_big;
SELECT abs(par.expected - s.expected) < 1e-6 AS mean_same, abs(par.sd - s.sd) < 1e-9 AS sd_same,
       (par.p10, par.p50, par.p90) = (s.p10, s.p50, s.p90) AS percentiles_same
FROM (SELECT (expected_count(p)).* FROM expected_count_big) par, big_serial s;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;
DROP TABLE expected_count_big;

-- Errors: probabilities outside [0, 1] or NaN; forged states; use outside an aggregate.
SELECT expected_count(p) FROM (VALUES (0.5::float8), (1.5)) v(p);
SELECT expected_count(p) FROM (VALUES (-0.01::float8)) v(p);
SELECT expected_count(p) FROM (VALUES ('NaN'::float8)) v(p);
SELECT expected_count(p) FROM (VALUES ('Infinity'::float8)) v(p);
SELECT expected_count_trans('{7041,0,0,0,0,1,0,1}', 0.5);
SELECT expected_count_final('{1,2,3}');
SELECT expected_count_final('{7041,0,0,0,0,1,0,1,NULL}');
SELECT expected_count_final('{{7041,0},{0,0}}');
SELECT expected_count_final('{7041,0,0,0,0,5,0,1}');
SELECT expected_count_final('{7041,0,0,0,3,1,0,1}');
SELECT expected_count_final('{7041,1,NaN,0,0,1,0,1}');
SELECT expected_count_final('{7041,1,0.5,0.25,0,2,0,0,0}');
SELECT expected_count_combine('{7041,0,0,0,0,1,0,1}', '{7041,0,0,0,0,0,0,1}');
-- The detail prints p exactly (%g printed "Got 1.").
SELECT expected_count(p) FROM (VALUES (1.0000001::float8)) v(p);
-- Forged pmfs: negative, infinite or NaN mass, mass not summing to one, a trimmed mass out of
-- range, a header whose mean or variance is not the pmf's.  Every function reading a state refuses
-- them (they gave count_mass 2 and -2, NaN, and a summary of a count that could not be).
SELECT count_mass('{7041,2,1,0.5,0,3,0,2,-2,1}'::float8[], 0, 0);
SELECT count_mass('{7041,2,1,0.5,0,3,0,2,-2,1}'::float8[], 1, 1);
SELECT count_mass('{7041,2,1,0.5,0,2,0,Infinity,1}'::float8[], 0, 0);
SELECT count_summary('{7041,2,1,0.5,0,2,0,Infinity,1}'::float8[]);
SELECT count_summary('{7041,1,0.5,0.25,0,2,0,NaN,0.5}');
SELECT count_summary('{7041,1,0.5,0.25,0,2,0,0.5,0.6}');
SELECT count_summary('{7041,1,0.5,0.25,0,2,-1e-3,0.5,0.5}');
SELECT count_summary('{7041,1,0.5,0.25,0,2,0.5,0.5,0.5}');
SELECT count_summary('{7041,1,0,0,0,2,0,0.5,0.5}');
SELECT count_summary('{7041,1,0.5,1e300,0,2,0,0.5,0.5}');
SELECT count_summary('{7041,1,0.5,0.1,0,2,0,0.5,0.5}');
SELECT count_summary('{7041,3,1e300,0.5,0,2,0,0.5,0.5}');
SELECT count_widen('{7041,2,1,0.5,0,3,0,2,-2,1}', 1);
SELECT count_convolve('{7041,1,0.5,0.25,0,2,0,0.5,0.5}', '{7041,2,1,0.5,0,3,0,2,-2,1}');
-- A forged initial state of the transition function is refused when the state is read.
CREATE AGGREGATE pg_temp.forged_count(float8) (SFUNC = expected_count_trans, STYPE = float8[],
  INITCOND = '{7041,2,1,0.5,0,3,0,2,-2,1}');
SELECT count_summary(pg_temp.forged_count(p)) FROM (VALUES (0.5::float8)) v(p);
-- Rounding is not forgery: moments and mass off by 1e-9 pass, tiny negative entries too, and
-- so do the largest Poisson state and a widened one (their headers are computed, not summed).
SELECT (count_summary('{7041,1,0.500000001,0.250000001,0,2,0,0.5,0.500000001}')).*;
SELECT (count_summary('{7041,2,0.5,0.25,0,3,0,0.5,0.5,-1e-18}')).*;
SELECT (count_summary(count_poisson(1e7))).expected, round((count_summary(count_poisson(1e7))).sd::numeric, 6) AS sd;
SELECT round((count_summary(count_widen(count_poisson(1e6), 100))).expected::numeric, 6) AS expected;
-- Combine called directly: two states of one fair coin each give two coins.
SELECT (expected_count_final(expected_count_combine('{7041,1,0.5,0.25,0,2,0,0.5,0.5}', '{7041,1,0.5,0.25,0,2,0,0.5,0.5}'))).*;
