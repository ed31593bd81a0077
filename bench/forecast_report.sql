-- Markdown tables from the bt.* tables written by forecast_backtest.sql.
\pset format unaligned
\pset tuples_only on
\pset fieldsep ''
SET search_path = edupredict, public;

\echo '### Probabilities: Brier score and calibration of p_available'
\echo ''
\echo 'Brier score = mean (p - outcome)^2 over tutor forecasts. "true p" is the probability the generator drew the outcome from (it knows the intervening terms, so it is a floor no forecast made at as_of can reach); "base rate" forecasts every tutor with the training positive rate of the horizon. Calibration error = mean over ten equal-count bins of predicted p of |mean predicted - observed rate|, weighted by bin size; "vs true p" uses the mean true probability of the bin instead of the observed rate.'
\echo ''
\echo '| horizon | forecasts | Brier (model) | Brier (true p) | Brier (base rate) | calibration error vs outcomes | calibration error vs true p |'
\echo '|---:|---:|---:|---:|---:|---:|---:|'
WITH base AS (SELECT horizon, avg(placed) AS rate FROM bt.eval GROUP BY horizon),
bins AS (
	SELECT horizon, ntile(10) OVER (PARTITION BY horizon ORDER BY p_available) AS bin, p_available, placed, true_p
	FROM bt.eval),
cal AS (
	SELECT horizon, sum(n * abs(mp - mo)) / sum(n) AS ece, sum(n * abs(mp - mt)) / sum(n) AS ece_true
	FROM (SELECT horizon, bin, count(*) AS n, avg(p_available) AS mp, avg(placed) AS mo, avg(true_p) AS mt
		  FROM bins GROUP BY 1, 2) b GROUP BY 1)
SELECT format('| %s | %s | %s | %s | %s | %s | %s |', e.horizon, count(*),
			  round(avg((e.p_available - e.placed) ^ 2)::numeric, 4),
			  round(avg((e.true_p - e.placed) ^ 2)::numeric, 4),
			  round(avg((b.rate - e.placed) ^ 2)::numeric, 4),
			  round(min(c.ece)::numeric, 4), round(min(c.ece_true)::numeric, 4))
FROM bt.eval e JOIN base b USING (horizon) JOIN cal c USING (horizon)
GROUP BY e.horizon ORDER BY e.horizon;
\echo ''
\echo 'Calibration by decile of predicted p (all horizons pooled):'
\echo ''
\echo '| decile | forecasts | mean predicted p | mean true p | observed rate |'
\echo '|---:|---:|---:|---:|---:|'
SELECT format('| %s | %s | %s | %s | %s |', bin, count(*), round(avg(p_available)::numeric, 3),
			  round(avg(true_p)::numeric, 3), round(avg(placed)::numeric, 3))
FROM (SELECT ntile(10) OVER (ORDER BY p_available) AS bin, * FROM bt.eval) x GROUP BY bin ORDER BY bin;
\echo ''
\echo '### Counts per local authority: error and interval coverage'
\echo ''
\echo 'Per local authority (54), origin and horizon: the expected number of the as_of tutors placed in the target term (sum of p_available) against the number realised; naive = the number of tutors placed in the term before as_of. Coverage = share of cells whose realised count lies in [p10, p90] of expected_count (nominal 80%).'
\echo ''
\echo '"nominal" = the coverage the same intervals would have if the forecast probabilities were exactly right (40 simulated outcomes per cell drawn from the forecast itself): counts are integers and the interval includes both ends, so it is above 80%.'
\echo ''
\echo '| horizon | cells | MAE model | MAE naive | model better | p10-p90 coverage | nominal coverage | mean realised |'
\echo '|---:|---:|---:|---:|:---:|---:|---:|---:|'
SELECT format('| %s | %s | %s | %s | %s | %s | %s | %s |', c.horizon, count(*),
			  round(avg(abs(c.expected - c.realised))::numeric, 2), round(avg(abs(c.naive - c.realised))::numeric, 2),
			  CASE WHEN avg(abs(c.expected - c.realised)) < avg(abs(c.naive - c.realised)) THEN 'yes' ELSE 'no' END,
			  round(100 * avg((c.realised BETWEEN c.p10 AND c.p90)::int)::numeric, 1) || '%',
			  round(100 * avg(coalesce(n.nominal_coverage, 1))::numeric, 1) || '%',
			  round(avg(c.realised)::numeric, 1))
FROM bt.counts c LEFT JOIN bt.nominal n USING (as_of, horizon, local_authority)
GROUP BY c.horizon ORDER BY c.horizon;
\echo ''
\echo 'The same with survey responses (p_effective = p_available x p_response against tutors placed and responding; naive = tutors placed and responding in the term before as_of):'
\echo ''
\echo '| horizon | cells | MAE model | MAE naive | model better | p10-p90 coverage | mean realised |'
\echo '|---:|---:|---:|---:|:---:|---:|---:|'
SELECT format('| %s | %s | %s | %s | %s | %s | %s |', horizon, count(*),
			  round(avg(abs(expected_eff - realised_eff))::numeric, 2), round(avg(abs(naive_eff - realised_eff))::numeric, 2),
			  CASE WHEN avg(abs(expected_eff - realised_eff)) < avg(abs(naive_eff - realised_eff)) THEN 'yes' ELSE 'no' END,
			  round(100 * avg((realised_eff BETWEEN p10_eff AND p90_eff)::int)::numeric, 1) || '%',
			  round(avg(realised_eff)::numeric, 1))
FROM bt.counts GROUP BY horizon ORDER BY horizon;
\echo ''
\echo 'Per origin (London-wide totals, p_available):'
\echo ''
\echo '| as_of | horizon | term | expected | realised | naive |'
\echo '|---|---:|---|---:|---:|---:|'
SELECT format('| %s | %s | %s | %s | %s | %s |', as_of, horizon, as_of + horizon, round(sum(expected)::numeric, 1),
			  sum(realised), sum(naive))
FROM bt.counts GROUP BY as_of, horizon ORDER BY as_of, horizon;
\echo ''
\echo '| as_of | training rows h1/h2/h3 | training seconds (3 forests) |'
\echo '|---|---|---:|'
SELECT format('| %s | %s | %s |', as_of, string_agg(n_rows::text, '/' ORDER BY horizon), round(max(seconds)::numeric, 1))
FROM bt.train_log GROUP BY as_of ORDER BY as_of;
