-- Markdown tables from the bt.* tables written by forecast_backtest.sql.
\pset format unaligned
\pset tuples_only on
\pset fieldsep ''
SET search_path = edupredict, public;

\echo '### Whole supply: every tutor placed, including recruits (issue 14)'
\echo ''
\echo 'Per cell (seed, origin, horizon, local authority): supply_forecast (known tutors'' Poisson-binomial count plus the recruits'' Poisson count, convolved) against the number of all tutors placed in the target term, including those who registered after as_of. Naive = the count placed in as_of - 1; seasonal naive = the count placed in the latest term of the same season known at as_of (target - 3 at horizons 1 and 2, target - 6 at horizon 3). Improvement = 1 - MAE forecast / MAE of the better naive (goal: at least 20%). Nominal coverage = the mean probability that the forecast distribution itself puts on [p10, p90] (computed exactly with count_mass; goal: realised coverage within 3 points of it).'
\echo ''
\echo '| horizon | cells | MAE forecast | MAE naive | MAE seasonal naive | improvement on the better naive | mean error (expected - realised) | p10-p90 coverage | nominal coverage | mean realised | mean recruits |'
\echo '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
SELECT format('| %s | %s | %s | %s | %s | %s%% | %s | %s%% +- %s | %s%% | %s | %s |', horizon, count(*),
			  round(avg(abs(expected - realised))::numeric, 2), round(avg(abs(naive - realised))::numeric, 2),
			  round(avg(abs(seasonal_naive - realised))::numeric, 2),
			  round(100 * (1 - avg(abs(expected - realised)) / least(avg(abs(naive - realised)), avg(abs(seasonal_naive - realised))))::numeric, 1),
			  round(avg(expected - realised)::numeric, 2),
			  round(100 * avg((realised BETWEEN p10 AND p90)::int)::numeric, 1),
			  round(100 * sqrt(avg((realised BETWEEN p10 AND p90)::int) * (1 - avg((realised BETWEEN p10 AND p90)::int)) / count(*))::numeric, 1),
			  round(100 * avg(nominal)::numeric, 1), round(avg(realised)::numeric, 2), round(avg(recruits_expected)::numeric, 2))
FROM bt.total GROUP BY horizon ORDER BY horizon;
\echo ''
\echo 'By season of the target term (whole supply):'
\echo ''
\echo '| horizon | target season | cells | mean error (expected - realised) | MAE forecast | MAE better naive | p10-p90 coverage | nominal coverage |'
\echo '|---:|---|---:|---:|---:|---:|---:|---:|'
SELECT format('| %s | %s | %s | %s | %s | %s | %s%% | %s%% |', horizon, term_season(term), count(*),
			  round(avg(expected - realised)::numeric, 2), round(avg(abs(expected - realised))::numeric, 2),
			  round(least(avg(abs(naive - realised)), avg(abs(seasonal_naive - realised)))::numeric, 2),
			  round(100 * avg((realised BETWEEN p10 AND p90)::int)::numeric, 1), round(100 * avg(nominal)::numeric, 1))
FROM bt.total GROUP BY horizon, term_season(term) ORDER BY horizon, min(term - '1000 Spring'::school_term) % 3;
\echo ''
\echo 'The learnt error that widens the ranges (supply_forecast reads the forecasts of the earlier origins of the same seed, recorded with record_forecast, whose target term was realised before as_of; error_scale = error_sd / known_expected, the same for every area of an origin and horizon; the first origins of each seed have none):'
\echo ''
\echo '| horizon | origins | origins with a learnt error | mean error_scale | mean error_sd per local authority | mean model sd per local authority |'
\echo '|---:|---:|---:|---:|---:|---:|'
SELECT format('| %s | %s | %s | %s | %s | %s |', horizon, count(*), count(*) FILTER (WHERE scale > 0),
			  round(avg(scale)::numeric, 3), round(avg(esd)::numeric, 2), round(avg(msd)::numeric, 2))
FROM (SELECT s.seed, s.as_of, s.horizon, max(s.error_sd / nullif(s.known_expected, 0)) AS scale,
			 avg(s.error_sd) AS esd, avg(s.model_sd) AS msd
	  FROM bt.supply s JOIN bt.total t USING (seed, as_of, horizon, local_authority)
	  GROUP BY 1, 2, 3) x
GROUP BY horizon ORDER BY horizon;
\echo ''
\echo 'London-wide total (all local authorities of a seed and origin summed; forecast = sum of expected):'
\echo ''
\echo '| horizon | totals | MAE forecast | MAE naive | MAE seasonal naive | mean error | p10-p90 coverage of the London-wide row | nominal |'
\echo '|---:|---:|---:|---:|---:|---:|---:|---:|'
SELECT format('| %s | %s | %s | %s | %s | %s | %s of %s | %s%% |', x.horizon, count(*), round(avg(abs(e - r))::numeric, 1),
			  round(avg(abs(n - r))::numeric, 1), round(avg(abs(sn - r))::numeric, 1), round(avg(e - r)::numeric, 1),
			  count(*) FILTER (WHERE r BETWEEN l.total_p10 AND l.total_p90), count(l.*),
			  round(100 * avg(count_mass(l.total_distribution, l.total_p10, l.total_p90))::numeric, 1))
FROM (SELECT seed, as_of, horizon, sum(expected) AS e, sum(realised) AS r, sum(naive) AS n, sum(seasonal_naive) AS sn
	  FROM bt.total GROUP BY 1, 2, 3) x
LEFT JOIN bt.supply l ON l.seed = x.seed AND l.as_of = x.as_of AND l.horizon = x.horizon AND l.local_authority = 'London-wide'
GROUP BY x.horizon ORDER BY x.horizon;
\echo ''
\echo '### What the figures rest on'
\echo ''
\echo 'A forecast made at origin as_of for horizon h is scored only if the generator realised the target term as_of + h. Outcomes: "forecasts" = tutor x target term pairs (the tutors registered before as_of), "cells" = local authority x target term counts (54 local authorities).'
\echo ''
\echo '| horizon | seeds | origins per seed | first - last origin | forecasts | cells |'
\echo '|---:|---:|---:|---|---:|---:|'
SELECT format('| %s | %s | %s | %s - %s | %s | %s |', c.horizon, count(DISTINCT c.seed),
			  count(DISTINCT (c.seed, c.as_of)) / count(DISTINCT c.seed), min(c.as_of), max(c.as_of),
			  (SELECT count(*) FROM bt.eval e WHERE e.horizon = c.horizon), count(*))
FROM bt.counts c GROUP BY c.horizon ORDER BY c.horizon;
\echo ''
\echo '### Probabilities: Brier score and calibration of p_available'
\echo ''
\echo 'Brier score = mean (p - outcome)^2 over tutor forecasts. "true p" is the probability the generator drew the outcome from (it knows the intervening terms, so it is a floor no forecast made at as_of can reach); "base rate" forecasts every tutor with the positive rate of the training rows of the forest that made the forecast. Calibration error = mean over ten equal-count bins of predicted p (per horizon) of |mean predicted - observed rate|, weighted by bin size; "vs true p" uses the mean true probability of the bin instead of the observed rate.'
\echo ''
\echo '| horizon | forecasts | Brier (model) | Brier (true p) | Brier (base rate) | calibration error vs outcomes | calibration error vs true p |'
\echo '|---:|---:|---:|---:|---:|---:|---:|'
WITH bins AS (
	SELECT horizon, ntile(10) OVER (PARTITION BY horizon ORDER BY p_available, seed, as_of, tutor_id) AS bin, p_available, placed, true_p
	FROM bt.eval),
cal AS (
	SELECT horizon, sum(n * abs(mp - mo)) / sum(n) AS ece, sum(n * abs(mp - mt)) / sum(n) AS ece_true
	FROM (SELECT horizon, bin, count(*) AS n, avg(p_available) AS mp, avg(placed) AS mo, avg(true_p) AS mt
		  FROM bins GROUP BY 1, 2) b GROUP BY 1)
SELECT format('| %s | %s | %s | %s | %s | %s | %s |', e.horizon, count(*),
			  round(avg((e.p_available - e.placed) ^ 2)::numeric, 4),
			  round(avg((e.true_p - e.placed) ^ 2)::numeric, 4),
			  round(avg((e.base_rate - e.placed) ^ 2)::numeric, 4),
			  round(min(c.ece)::numeric, 4), round(min(c.ece_true)::numeric, 4))
FROM bt.eval e JOIN cal c USING (horizon)
GROUP BY e.horizon ORDER BY e.horizon;
\echo ''
\echo 'Reliability by decile of predicted p, per horizon: mean predicted p / observed rate / mean true p of the forecasts in the bin (each bin holds a tenth of the forecasts of its horizon).'
\echo ''
\echo '| decile | horizon 1 | horizon 2 | horizon 3 |'
\echo '|---:|---|---|---|'
WITH b AS (
	SELECT horizon, bin, format('%s / %s / %s', round(avg(p_available)::numeric, 3), round(avg(placed)::numeric, 3),
								round(avg(true_p)::numeric, 3)) AS cell
	FROM (SELECT ntile(10) OVER (PARTITION BY horizon ORDER BY p_available, seed, as_of, tutor_id) AS bin, * FROM bt.eval) x
	GROUP BY horizon, bin)
SELECT format('| %s | %s | %s | %s |', bin, max(cell) FILTER (WHERE horizon = 1), max(cell) FILTER (WHERE horizon = 2),
			  max(cell) FILTER (WHERE horizon = 3))
FROM b GROUP BY bin ORDER BY bin;
\echo ''
\echo '### Counts per local authority: error and interval coverage'
\echo ''
\echo 'Per cell (seed, origin, horizon, local authority): the expected number of the as_of tutors placed in the target term (sum of p_available) against the number realised; naive = the number of tutors placed in the term before as_of. Coverage = share of cells whose realised count lies in [p10, p90] of expected_count, +- its binomial standard error sqrt(c(1 - c) / cells). That standard error treats cells as independent; they are not quite (the cells of one origin share a model, and the same tutors appear at several horizons and origins), so it is a lower bound on the uncertainty.'
\echo ''
\echo 'Why coverage is above 80%: [p10, p90] is an interval of integer counts that includes both ends, so it holds at least 80% of the forecast distribution and usually more - for a Poisson count with mean 2 it is [0, 4], which holds 95% of the mass; only for large counts, where one integer carries little mass, does it approach 80%. The "nominal" column measures this: the coverage the same intervals would have if the forecast probabilities were exactly right (40 outcomes per cell simulated from the forecast probabilities themselves). Realised coverage should be compared with that, not with 80%.'
\echo ''
\echo '| horizon | cells | MAE model | MAE naive | model better | mean error (expected - realised) | p10-p90 coverage | nominal coverage | mean realised |'
\echo '|---:|---:|---:|---:|:---:|---:|---:|---:|---:|'
SELECT format('| %s | %s | %s | %s | %s | %s | %s%% +- %s | %s%% | %s |', c.horizon, count(*),
			  round(avg(abs(c.expected - c.realised))::numeric, 2), round(avg(abs(c.naive - c.realised))::numeric, 2),
			  CASE WHEN avg(abs(c.expected - c.realised)) < avg(abs(c.naive - c.realised)) THEN 'yes' ELSE 'no' END,
			  round(avg(c.expected - c.realised)::numeric, 2),
			  round(100 * avg((c.realised BETWEEN c.p10 AND c.p90)::int)::numeric, 1),
			  round(100 * sqrt(avg((c.realised BETWEEN c.p10 AND c.p90)::int)
							   * (1 - avg((c.realised BETWEEN c.p10 AND c.p90)::int)) / count(*))::numeric, 1),
			  round(100 * avg(coalesce(n.nominal_coverage, 1))::numeric, 1),
			  round(avg(c.realised)::numeric, 1))
FROM bt.counts c LEFT JOIN bt.nominal n USING (seed, as_of, horizon, local_authority)
GROUP BY c.horizon ORDER BY c.horizon;
\echo ''
\echo 'By season of the target term: a systematic error shared by the tutors of a cell, such as a misjudged season effect, is not in the interval, which treats the forecast probabilities as exact and the tutors as independent.'
\echo ''
\echo '| horizon | target season | cells | mean error (expected - realised) | MAE model | MAE naive | p10-p90 coverage | nominal coverage |'
\echo '|---:|---|---:|---:|---:|---:|---:|---:|'
SELECT format('| %s | %s | %s | %s | %s | %s | %s%% +- %s | %s%% |', c.horizon, term_season(c.as_of + c.horizon), count(*),
			  round(avg(c.expected - c.realised)::numeric, 2), round(avg(abs(c.expected - c.realised))::numeric, 2),
			  round(avg(abs(c.naive - c.realised))::numeric, 2),
			  round(100 * avg((c.realised BETWEEN c.p10 AND c.p90)::int)::numeric, 1),
			  round(100 * sqrt(avg((c.realised BETWEEN c.p10 AND c.p90)::int)
							   * (1 - avg((c.realised BETWEEN c.p10 AND c.p90)::int)) / count(*))::numeric, 1),
			  round(100 * avg(coalesce(n.nominal_coverage, 1))::numeric, 1))
FROM bt.counts c LEFT JOIN bt.nominal n USING (seed, as_of, horizon, local_authority)
GROUP BY c.horizon, (c.as_of + c.horizon - '1000 Spring'::school_term) % 3, term_season(c.as_of + c.horizon)
ORDER BY c.horizon, (c.as_of + c.horizon - '1000 Spring'::school_term) % 3;
\echo ''
\echo 'Coverage by size of the expected count (all horizons pooled): small counts are where the integer interval is widest relative to 80%.'
\echo ''
\echo '| expected count | cells | p10-p90 coverage | nominal coverage | mean width p90 - p10 |'
\echo '|---|---:|---:|---:|---:|'
WITH c AS (
	SELECT CASE WHEN c.expected < 5 THEN 1 WHEN c.expected < 15 THEN 2 WHEN c.expected < 30 THEN 3 ELSE 4 END AS band,
		   (c.realised BETWEEN c.p10 AND c.p90)::int AS covered, coalesce(n.nominal_coverage, 1) AS nominal,
		   c.p90 - c.p10 AS width
	FROM bt.counts c LEFT JOIN bt.nominal n USING (seed, as_of, horizon, local_authority))
SELECT format('| %s | %s | %s%% +- %s | %s%% | %s |', (ARRAY['under 5', '5 to 15', '15 to 30', '30 or more'])[band],
			  count(*), round(100 * avg(covered)::numeric, 1),
			  round(100 * sqrt(avg(covered) * (1 - avg(covered)) / count(*))::numeric, 1),
			  round(100 * avg(nominal)::numeric, 1), round(avg(width)::numeric, 1))
FROM c GROUP BY band ORDER BY band;
\echo ''
\echo 'The same with survey responses (p_effective = p_available x p_response against tutors placed and responding; naive = tutors placed and responding in the term before as_of):'
\echo ''
\echo '| horizon | cells | MAE model | MAE naive | model better | p10-p90 coverage | mean realised |'
\echo '|---:|---:|---:|---:|:---:|---:|---:|'
SELECT format('| %s | %s | %s | %s | %s | %s%% +- %s | %s |', horizon, count(*),
			  round(avg(abs(expected_eff - realised_eff))::numeric, 2), round(avg(abs(naive_eff - realised_eff))::numeric, 2),
			  CASE WHEN avg(abs(expected_eff - realised_eff)) < avg(abs(naive_eff - realised_eff)) THEN 'yes' ELSE 'no' END,
			  round(100 * avg((realised_eff BETWEEN p10_eff AND p90_eff)::int)::numeric, 1),
			  round(100 * sqrt(avg((realised_eff BETWEEN p10_eff AND p90_eff)::int)
							   * (1 - avg((realised_eff BETWEEN p10_eff AND p90_eff)::int)) / count(*))::numeric, 1),
			  round(avg(realised_eff)::numeric, 1))
FROM bt.counts GROUP BY horizon ORDER BY horizon;
\echo ''
\echo 'London-wide totals (sum over the 54 local authorities, one per seed, origin and horizon): mean absolute error of the total.'
\echo ''
\echo '| horizon | totals | MAE model | MAE naive | mean realised total |'
\echo '|---:|---:|---:|---:|---:|'
SELECT format('| %s | %s | %s | %s | %s |', horizon, count(*), round(avg(abs(e - r))::numeric, 1),
			  round(avg(abs(n - r))::numeric, 1), round(avg(r)::numeric, 1))
FROM (SELECT seed, as_of, horizon, sum(expected) AS e, sum(realised) AS r, sum(naive) AS n
	  FROM bt.counts GROUP BY 1, 2, 3) t
GROUP BY horizon ORDER BY horizon;
\echo ''
\echo 'Per origin (seeds pooled; "-" = target term not realised by the end of the data). Training rows and seconds are means over seeds; seconds = training the three forests.'
\echo ''
\echo '| as_of | MAE model h1/h2/h3 | MAE naive h1/h2/h3 | coverage h1/h2/h3 | training rows h1/h2/h3 | training seconds |'
\echo '|---|---|---|---|---|---:|'
WITH per AS (
	SELECT as_of, horizon, round(avg(abs(expected - realised))::numeric, 2)::text AS mae,
		   round(avg(abs(naive - realised))::numeric, 2)::text AS mae_naive,
		   round(100 * avg((realised BETWEEN p10 AND p90)::int)::numeric, 0) || '%' AS cov
	FROM bt.counts GROUP BY 1, 2),
grid AS (SELECT DISTINCT o.as_of, h FROM bt.origins o, generate_series(1, 3) h),
tl AS (SELECT as_of, horizon, round(avg(n_rows))::text AS n_rows FROM bt.train_log GROUP BY 1, 2),
secs AS (SELECT as_of, avg(s) AS s FROM (SELECT seed, as_of, max(seconds) AS s FROM bt.train_log GROUP BY 1, 2) x GROUP BY 1)
SELECT format('| %s | %s | %s | %s | %s | %s |', g.as_of,
			  string_agg(coalesce(p.mae, '-'), ' / ' ORDER BY g.h), string_agg(coalesce(p.mae_naive, '-'), ' / ' ORDER BY g.h),
			  string_agg(coalesce(p.cov, '-'), ' / ' ORDER BY g.h), string_agg(coalesce(tl.n_rows, '-'), ' / ' ORDER BY g.h),
			  round(min(secs.s)::numeric, 1))
FROM grid g
LEFT JOIN per p ON p.as_of = g.as_of AND p.horizon = g.h
LEFT JOIN tl ON tl.as_of = g.as_of AND tl.horizon = g.h
LEFT JOIN secs ON secs.as_of = g.as_of
GROUP BY g.as_of ORDER BY g.as_of;
