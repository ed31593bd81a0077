-- One markdown row summarising the current bt.* backtest (bench/forecast.sh leaf-size sweep):
-- every forecast and cell of all horizons pooled; calibration error per horizon, then averaged.
WITH cal AS (
	SELECT horizon, sum(n * abs(mp - mo)) / sum(n) AS ece
	FROM (SELECT horizon, bin, count(*) AS n, avg(p_available) AS mp, avg(placed) AS mo
		  FROM (SELECT horizon, ntile(10) OVER (PARTITION BY horizon ORDER BY p_available, seed, as_of, tutor_id) AS bin, p_available, placed
				FROM bt.eval) b GROUP BY 1, 2) x GROUP BY 1)
SELECT format('| %s | %s | %s | %s | %s | %s%% +- %s |', :'leaf',
			  (SELECT round(avg((p_available - placed) ^ 2)::numeric, 4) FROM bt.eval),
			  (SELECT round(avg(ece)::numeric, 4) FROM cal),
			  round(avg(abs(expected - realised))::numeric, 2), round(avg(abs(naive - realised))::numeric, 2),
			  round(100 * avg((realised BETWEEN p10 AND p90)::int)::numeric, 1),
			  round(100 * sqrt(avg((realised BETWEEN p10 AND p90)::int) * (1 - avg((realised BETWEEN p10 AND p90)::int))
							   / count(*))::numeric, 1))
FROM bt.counts;
