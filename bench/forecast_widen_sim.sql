-- Offline simulation (issue 14, not wired into bench/forecast.sh): would widening each local
-- authority's total by an error learnt from earlier forecasts bring the p10-p90 coverage to its
-- nominal level?  Run in the cluster where bench/forecast_backtest.sql left its bt.* tables:
--   psql -v seeds=42,7 -v n_tutors=4000 -v origins= -v min_history=5 -v min_leaf=25 -f bench/forecast_backtest.sql
--   psql -f bench/forecast_widen_sim.sql
-- Per seed, origin and horizon: tau^2 = max(0, sum((realised - expected)^2 - sd^2)) / sum(known^2) over
-- the earlier forecasts of that horizon whose target term was realised before as_of (none: no
-- widening); the total is convolved with a discretised Normal(0, (tau * known_expected)^2) and folded
-- at 0 (pg_temp.widen, plain PL/pgSQL over the count state).  Measured at 8002c77: h1 87.9% / 87.9%
-- nominal, h2 87.2% / 87.8%, h3 85.7% / 87.2% (without widening 86.9/88.1, 86.8/87.8, 80.7/87.6).
SET search_path = edupredict, public;
CREATE OR REPLACE FUNCTION pg_temp.widen(st float8[], sd float8, OUT p10 bigint, OUT p90 bigint, OUT mass float8)
LANGUAGE plpgsql AS $$
DECLARE
  off int := st[5]::int; len int := st[6]::int; kk int; pm float8[]; w float8[]; tot float8 := 0;
  m int; c float8; j int; k int; hi int;
BEGIN
  IF sd <= 0.01 THEN kk := 0; ELSE kk := ceil(6 * sd)::int; END IF;
  w := array_fill(0::float8, ARRAY[2*kk+1]);
  FOR j IN -kk..kk LOOP w[j+kk+1] := CASE WHEN kk = 0 THEN 1 ELSE exp(greatest(-700, -(j*j)/(2*sd*sd))) END; tot := tot + w[j+kk+1]; END LOOP;
  hi := off + len - 1 + kk;
  pm := array_fill(0::float8, ARRAY[hi + 1]);   -- pm[m+1] = P(M = m), m >= 0
  FOR k IN 0..len-1 LOOP
    FOR j IN -kk..kk LOOP
      m := greatest(off + k + j, 0);
      pm[m+1] := pm[m+1] + st[8+k] * w[j+kk+1] / tot;
    END LOOP;
  END LOOP;
  c := 0; p10 := NULL; p90 := NULL;
  FOR m IN 0..hi LOOP
    c := c + pm[m+1];
    IF p10 IS NULL AND c >= 0.1 THEN p10 := m; END IF;
    IF p90 IS NULL AND c >= 0.9 THEN p90 := m; END IF;
  END LOOP;
  mass := 0;
  FOR m IN p10..p90 LOOP mass := mass + pm[m+1]; END LOOP;
END $$;
DROP TABLE IF EXISTS cellsx, tau; CREATE TEMP TABLE cellsx AS
SELECT t.seed, t.as_of, t.horizon, t.term, t.local_authority, t.known_expected, t.expected, t.realised, t.p10, t.p90, t.nominal,
       s.total_sd, s.total_distribution
FROM bt.total t JOIN bt.supply s ON s.seed = t.seed AND s.as_of = t.as_of AND s.horizon = t.horizon AND s.local_authority = t.local_authority;
-- expanding-window tau2 per seed, origin, horizon from earlier realised cells (term < as_of)
CREATE TEMP TABLE tau AS
SELECT o.seed, o.as_of, o.horizon,
       (SELECT greatest(0, sum((p.realised - p.expected)^2 - p.total_sd^2)) / nullif(sum(p.known_expected^2), 0)
        FROM cellsx p WHERE p.seed = o.seed AND p.horizon = o.horizon AND p.term < o.as_of) AS tau2,
       (SELECT count(*) FROM cellsx p WHERE p.seed = o.seed AND p.horizon = o.horizon AND p.term < o.as_of) AS n_past
FROM (SELECT DISTINCT seed, as_of, horizon FROM cellsx) o;
SELECT c.horizon, count(*),
  round(avg((c.realised BETWEEN c.p10 AND c.p90)::int)::numeric, 3) AS cov_now, round(avg(c.nominal)::numeric, 3) AS nom_now,
  round(avg((c.realised BETWEEN w.p10 AND w.p90)::int)::numeric, 3) AS cov_widened, round(avg(w.mass)::numeric, 3) AS nom_widened,
  round(avg(abs(c.realised - c.expected))::numeric, 3) AS mae
FROM cellsx c JOIN tau t USING (seed, as_of, horizon),
     pg_temp.widen(c.total_distribution, sqrt(coalesce(t.tau2, 0)) * c.known_expected) w
GROUP BY 1 ORDER BY 1;
