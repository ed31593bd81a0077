#!/usr/bin/env bash
# Charts for the forecast demo (demo/50_forecast.sql), self-contained SVGs (also PNGs when
# rsvg-convert exists):
#   out/forecast_shortfall.svg     expected tutors (known + recruits, p10-p90 range) against expected
#                                  placements per term, for the ten local authorities with the largest shortfall;
#   out/forecast_supply_total.svg  whole supply London-wide and per sub-region: known tutors and recruits
#                                  stacked, with the p10-p90 band of their total.
set -euo pipefail
: "${DEMO_PSQL:?set by scripts/demo.sh}" "${OUT:?set by scripts/demo.sh}"
svg="$OUT/forecast_shortfall.svg"
$DEMO_PSQL -A -t -f - >"$svg" <<'SQL'
SET search_path = edupredict, public;
WITH top AS (
	SELECT local_authority, max(shortfall) AS recruit, sum(shortfall) AS demand
	FROM tutoring.supply_demand WHERE local_authority <> 'London-wide'
	GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1 LIMIT 10),
ranked AS (SELECT t.*, row_number() OVER (ORDER BY recruit DESC, demand DESC, local_authority) - 1 AS k FROM top t),
cells AS (
	SELECT r.k, r.local_authority, r.recruit, s.horizon, s.term, s.expected_tutors::numeric AS expected_tutors,
		   s.tutors_p10, s.tutors_p90, s.expected_placements::numeric AS expected_placements
	FROM ranked r JOIN tutoring.supply_demand s USING (local_authority)),
scale AS (
	-- A shared y axis, rounded up to a multiple of 10.
	SELECT greatest(10, ceil(max(greatest(tutors_p90, expected_placements)) / 10.0) * 10)::integer AS ymax FROM cells),
geo AS (
	SELECT c.*, s.ymax,
		   60 + (c.k % 5) * 205 AS px, 110 + (c.k / 5) * 270 AS py,   -- panel origin
		   60 + (c.k % 5) * 205 + 45 + (c.horizon - 1) * 55 AS cx     -- term centre
	FROM cells c, scale s),
y AS (SELECT g.*, 200.0 / g.ymax::numeric AS f FROM geo g),   -- plot area 200 px high, top at py + 20
marks AS (
	SELECT k, string_agg(format(
		'<rect x="%s" y="%s" width="18" height="%s" fill="#9ecae1"><title>%s %s: %s expected placements</title></rect>'
		'<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#d95f02" stroke-width="2"/>'
		'<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#d95f02" stroke-width="2"/>'
		'<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#d95f02" stroke-width="2"/>'
		'<circle cx="%s" cy="%s" r="4.5" fill="#d95f02"><title>%s %s: %s expected tutors (p10 %s, p90 %s)</title></circle>'
		'<text x="%s" y="%s" font-size="11" text-anchor="middle" fill="#333">%s</text>',
		cx - 21, round(py + 220 - expected_placements * f, 1), round(expected_placements * f, 1),
		local_authority, term, round(expected_placements::numeric, 1),
		cx + 8, cx + 8, round(py + 220 - tutors_p10 * f, 1), round(py + 220 - tutors_p90 * f, 1),
		cx + 4, cx + 12, round(py + 220 - tutors_p10 * f, 1), round(py + 220 - tutors_p10 * f, 1),
		cx + 4, cx + 12, round(py + 220 - tutors_p90 * f, 1), round(py + 220 - tutors_p90 * f, 1),
		cx + 8, round(py + 220 - expected_tutors * f, 1), local_authority, term,
		round(expected_tutors::numeric, 1), tutors_p10, tutors_p90,
		cx - 4, py + 236, left(edupredict.term_season(term), 3) || ' ' || right(edupredict.term_year(term)::text, 2)
	), '' ORDER BY horizon) AS body
	FROM y GROUP BY k),
panels AS (
	SELECT DISTINCT ON (k) k, local_authority, recruit, px, py, ymax FROM y ORDER BY k),
panel_svg AS (
	SELECT p.k, format(
		'<g><rect x="%s" y="%s" width="190" height="220" fill="#fafafa" stroke="#ddd"/>'
		'<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#e5e5e5"/>'
		'<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#e5e5e5"/>'
		'<text x="%s" y="%s" font-size="13" font-weight="bold" fill="#222">%s</text>'
		'<text x="%s" y="%s" font-size="11" fill="#b30000">short of up to %s tutors a term</text>'
		'%s%s</g>',
		p.px, p.py + 20, p.px, p.px + 190, p.py + 120, p.py + 120, p.px, p.px + 190, p.py + 20, p.py + 20,
		p.px, p.py - 8, p.local_authority, p.px, p.py + 8, p.recruit,
		CASE WHEN p.k % 5 = 0 THEN format(
			'<text x="%s" y="%s" font-size="10" text-anchor="end" fill="#666">%s</text>'
			'<text x="%s" y="%s" font-size="10" text-anchor="end" fill="#666">%s</text>'
			'<text x="%s" y="%s" font-size="10" text-anchor="end" fill="#666">0</text>'
			'<text transform="translate(%s,%s) rotate(-90)" font-size="11" text-anchor="middle" fill="#444">tutors / placements</text>',
			p.px - 4, p.py + 24, p.ymax, p.px - 4, p.py + 124, p.ymax / 2, p.px - 4, p.py + 224,
			p.px - 34, p.py + 120) ELSE '' END,
		m.body) AS svg
	FROM panels p JOIN marks m USING (k))
SELECT '<svg xmlns="http://www.w3.org/2000/svg" width="1110" height="680" viewBox="0 0 1110 680" '
	|| 'font-family="DejaVu Sans, Arial, sans-serif">'
	|| '<rect width="1110" height="680" fill="white"/>'
	|| '<text x="20" y="30" font-size="18" font-weight="bold" fill="#111">Tutor supply against school demand, next three terms</text>'
	|| format('<text x="20" y="52" font-size="12" fill="#444">The ten local authorities with the largest shortfall. '
			  'Forecast as of %s from seed-42 generated data; tutors = known and recruits, available and answering the survey.</text>',
			  (SELECT min(term) - 1 FROM tutoring.supply_demand))
	|| '<rect x="20" y="64" width="14" height="12" fill="#9ecae1"/>'
	|| '<text x="40" y="75" font-size="12" fill="#333">expected placements (confirmed + probability-weighted pipeline)</text>'
	|| '<circle cx="467" cy="70" r="4.5" fill="#d95f02"/><line x1="467" x2="467" y1="62" y2="78" stroke="#d95f02" stroke-width="2"/>'
	|| '<text x="478" y="75" font-size="12" fill="#333">expected tutors, line = 10th to 90th percentile</text>'
	|| string_agg(svg, '' ORDER BY k)
	|| '</svg>'
FROM panel_svg;
SQL
echo "wrote $svg"

total="$OUT/forecast_supply_total.svg"
$DEMO_PSQL -A -t -f - >"$total" <<'SQL'
SET search_path = edupredict, public;
WITH p AS (
	SELECT r.*, CASE r.area WHEN 'London-wide' THEN 0 WHEN 'Inner London' THEN 1 WHEN 'Outer London' THEN 2 ELSE 3 END AS k
	FROM tutoring.supply_rollup r WHERE r.level IN ('London-wide', 'sub-region')),
scale AS (SELECT k, (ceil(max(total_p90) / 50.0) * 50)::integer AS ymax FROM p GROUP BY k),
g AS (SELECT p.*, s.ymax, 40 + p.k * 265 AS px, 230.0 / s.ymax AS f, 40 + p.k * 265 + 30 + (p.horizon - 1) * 70 AS cx
	  FROM p JOIN scale s USING (k)),
marks AS (
	SELECT k, string_agg(format(
		'<rect x="%s" y="%s" width="40" height="%s" fill="#fdae6b" opacity="0.45"><title>%s %s: 10th to 90th percentile %s to %s</title></rect>'
		'<rect x="%s" y="%s" width="22" height="%s" fill="#3182bd"><title>%s %s: %s expected known tutors</title></rect>'
		'<rect x="%s" y="%s" width="22" height="%s" fill="#9ecae1"><title>%s %s: %s expected recruits</title></rect>'
		'<text x="%s" y="%s" font-size="11" text-anchor="middle" fill="#333">%s</text>'
		'<text x="%s" y="%s" font-size="10" text-anchor="middle" fill="#333">%s</text>',
		cx, round((300 - total_p90 * f)::numeric, 1), round(((total_p90 - total_p10) * f)::numeric, 1), area, term, total_p10, total_p90,
		cx + 9, round((300 - known_expected * f)::numeric, 1), round((known_expected * f)::numeric, 1), area, term, round(known_expected::numeric, 1),
		cx + 9, round((300 - (known_expected + recruits_expected) * f)::numeric, 1), round((recruits_expected * f)::numeric, 1), area, term,
		round(recruits_expected::numeric, 1),
		cx + 20, 316, left(term_season(term), 3) || ' ' || right(term_year(term)::text, 2),
		cx + 20, round((296 - total_p90 * f)::numeric, 1), round(total_expected::numeric, 0)), '' ORDER BY horizon) AS body
	FROM g GROUP BY k),
panels AS (SELECT DISTINCT ON (k) k, area, px, ymax FROM g ORDER BY k)
SELECT '<svg xmlns="http://www.w3.org/2000/svg" width="1100" height="360" viewBox="0 0 1100 360" font-family="DejaVu Sans, Arial, sans-serif">'
	|| '<rect width="1100" height="360" fill="white"/>'
	|| '<text x="20" y="24" font-size="17" font-weight="bold" fill="#111">Whole tutor supply, next three terms: tutors we have and tutors yet to register</text>'
	|| '<rect x="20" y="34" width="14" height="12" fill="#3182bd"/><text x="40" y="45" font-size="12" fill="#333">known tutors (registered before the forecast)</text>'
	|| '<rect x="330" y="34" width="14" height="12" fill="#9ecae1"/><text x="350" y="45" font-size="12" fill="#333">recruits (not registered yet)</text>'
	|| '<rect x="560" y="34" width="14" height="12" fill="#fdae6b" opacity="0.45"/><text x="580" y="45" font-size="12" fill="#333">10th to 90th percentile of the total (exact convolution); number = expected total</text>'
	|| string_agg(format('<g><rect x="%s" y="70" width="240" height="230" fill="#fafafa" stroke="#ddd"/>'
						 '<text x="%s" y="64" font-size="13" font-weight="bold" fill="#222">%s</text>'
						 '<text x="%s" y="78" font-size="10" text-anchor="end" fill="#666">%s</text>'
						 '<text x="%s" y="302" font-size="10" text-anchor="end" fill="#666">0</text>%s</g>',
						 pn.px, pn.px, pn.area, pn.px - 3, pn.ymax, pn.px - 3, m.body), '' ORDER BY pn.k)
	|| '<text x="20" y="345" font-size="11" fill="#555">Tutors available and answering the survey; seed-42 generated data, forecast as of '
	|| (SELECT min(term) - 1 FROM tutoring.supply_rollup)::text || '.</text></svg>'
FROM panels pn JOIN marks m USING (k);
SQL
echo "wrote $total"
if command -v rsvg-convert >/dev/null 2>&1; then
  rsvg-convert -o "$OUT/forecast_shortfall.png" "$svg" && echo "wrote $OUT/forecast_shortfall.png"
  rsvg-convert -o "$OUT/forecast_supply_total.png" "$total" && echo "wrote $OUT/forecast_supply_total.png"
fi
