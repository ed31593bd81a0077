#!/usr/bin/env bash
# Plots for the explanations demo (demo/70_explain.sql) as self-contained SVG:
#   out/dropout_reliability.svg  reliability diagram of P(Dropout) on the held-out
#                                students, before and after calibrate()
#   out/dropout_roc.svg          ROC curve of P(Dropout) on the held-out students
# Drawn by SQL from edupredict.reliability() and edupredict.roc_curve(); PNG
# copies when rsvg-convert exists.
set -euo pipefail
: "${DEMO_PSQL:?set by scripts/demo.sh}" "${OUT:?set by scripts/demo.sh}"

$DEMO_PSQL -A -t -f - >"$OUT/dropout_reliability.svg" <<'SQL'
-- plot area: x 80..580, y 40..540 (probability 0..1)
WITH r AS (
  SELECT v, bin, mean_predicted AS x, observed_rate AS y, n_rows
  FROM unnest(ARRAY[1, 2]) v,
       edupredict.reliability('dropout_cal', 'edupredict_data.students_holdout', 10, 'Dropout', v)),
m AS (
  SELECT v, max(value) FILTER (WHERE metric = 'ece') AS ece, max(value) FILTER (WHERE metric = 'brier_score') AS brier
  FROM unnest(ARRAY[1, 2]) v, edupredict.evaluate('dropout_cal', 'edupredict_data.students_holdout', v) GROUP BY v),
style AS (SELECT * FROM (VALUES (1, '#d95f02', 'before calibration'), (2, '#1b6ca8', 'after calibrate(isotonic)')) s(v, colour, label))
SELECT concat(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 660" width="640" height="660" font-family="sans-serif" font-size="13">',
  '<rect width="640" height="660" fill="#fff"/>',
  '<text x="320" y="24" text-anchor="middle" font-size="15" font-weight="bold">Reliability of the dropout risk, held-out students</text>',
  (SELECT string_agg(format('<line x1="%s" y1="540" x2="%s" y2="40" stroke="#eee"/><line x1="80" y1="%s" x2="580" y2="%s" stroke="#eee"/>'
                            '<text x="%s" y="558" text-anchor="middle">%s</text><text x="72" y="%s" text-anchor="end">%s</text>',
                            80 + g * 50, 80 + g * 50, 540 - g * 50, 540 - g * 50, 80 + g * 50, to_char(g / 10.0, 'FM0.0'), 544 - g * 50, to_char(g / 10.0, 'FM0.0')), '')
   FROM generate_series(0, 10) g),
  '<rect x="80" y="40" width="500" height="500" fill="none" stroke="#333"/>',
  '<line x1="80" y1="540" x2="580" y2="40" stroke="#999" stroke-dasharray="6 4"/>',
  '<text x="330" y="580" text-anchor="middle">mean predicted probability of Dropout (10 equal-count bins)</text>',
  '<text x="24" y="290" text-anchor="middle" transform="rotate(-90 24 290)">observed share of Dropout</text>',
  (SELECT string_agg(format('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>', s.colour,
                            (SELECT string_agg(format('%s,%s', round((80 + 500 * x)::numeric, 1), round((540 - 500 * y)::numeric, 1)), ' ' ORDER BY bin)
                             FROM r WHERE r.v = s.v))
                     || (SELECT string_agg(format('<circle cx="%s" cy="%s" r="4" fill="%s"><title>bin %s: predicted %s, observed %s, %s students</title></circle>',
                                                  round((80 + 500 * x)::numeric, 1), round((540 - 500 * y)::numeric, 1), s.colour,
                                                  bin, round(x::numeric, 3), round(y::numeric, 3), n_rows), '' ORDER BY bin)
                         FROM r WHERE r.v = s.v), '' ORDER BY s.v)
   FROM style s),
  (SELECT string_agg(format('<line x1="100" y1="%s" x2="130" y2="%s" stroke="%s" stroke-width="2"/><text x="138" y="%s">%s: ECE %s, Brier %s</text>',
                            52 + 20 * s.v, 52 + 20 * s.v, s.colour, 56 + 20 * s.v, s.label, round(m.ece::numeric, 3), round(m.brier::numeric, 3)), '' ORDER BY s.v)
   FROM style s JOIN m USING (v)),
  '<text x="320" y="606" text-anchor="middle" fill="#555" font-size="11">Forest on 3/4 of the training students, calibrated on the other 1/4 (edupredict.calibrate);</text>',
  '<text x="320" y="622" text-anchor="middle" fill="#555" font-size="11">a perfectly calibrated model lies on the dashed line.</text>',
  '<text x="320" y="638" text-anchor="middle" fill="#555" font-size="11">Data: UCI Predict Students'' Dropout and Academic Success (CC BY 4.0).</text>',
  '</svg>');
SQL

$DEMO_PSQL -A -t -f - >"$OUT/dropout_roc.svg" <<'SQL'
WITH c AS (
  SELECT v, fpr, tpr, threshold
  FROM unnest(ARRAY[1, 2]) v, edupredict.roc_curve('dropout_cal', 'edupredict_data.students_holdout', 'Dropout', v)),
auc AS (  -- one-vs-rest area for Dropout itself, by trapezoids
  SELECT v, sum((fpr - pf) * (tpr + pt) / 2) AS a
  FROM (SELECT v, fpr, tpr, lag(fpr, 1, 0::float8) OVER w AS pf, lag(tpr, 1, 0::float8) OVER w AS pt
        FROM c WINDOW w AS (PARTITION BY v ORDER BY threshold DESC)) t GROUP BY v),
style AS (SELECT * FROM (VALUES (1, '#d95f02', 'before calibration'), (2, '#1b6ca8', 'after calibrate(isotonic)')) s(v, colour, label))
SELECT concat(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 660" width="640" height="660" font-family="sans-serif" font-size="13">',
  '<rect width="640" height="660" fill="#fff"/>',
  '<text x="320" y="24" text-anchor="middle" font-size="15" font-weight="bold">ROC curve of the dropout risk, held-out students</text>',
  (SELECT string_agg(format('<line x1="%s" y1="540" x2="%s" y2="40" stroke="#eee"/><line x1="80" y1="%s" x2="580" y2="%s" stroke="#eee"/>'
                            '<text x="%s" y="558" text-anchor="middle">%s</text><text x="72" y="%s" text-anchor="end">%s</text>',
                            80 + g * 50, 80 + g * 50, 540 - g * 50, 540 - g * 50, 80 + g * 50, to_char(g / 10.0, 'FM0.0'), 544 - g * 50, to_char(g / 10.0, 'FM0.0')), '')
   FROM generate_series(0, 10) g),
  '<rect x="80" y="40" width="500" height="500" fill="none" stroke="#333"/>',
  '<line x1="80" y1="540" x2="580" y2="40" stroke="#999" stroke-dasharray="6 4"/>',
  '<text x="330" y="580" text-anchor="middle">false positive rate (other students flagged)</text>',
  '<text x="24" y="290" text-anchor="middle" transform="rotate(-90 24 290)">true positive rate (dropouts flagged)</text>',
  (SELECT string_agg(format('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>', s.colour,
                            (SELECT string_agg(format('%s,%s', round((80 + 500 * fpr)::numeric, 1), round((540 - 500 * tpr)::numeric, 1)), ' '
                                               ORDER BY threshold DESC)
                             FROM c WHERE c.v = s.v)), '' ORDER BY s.v)
   FROM style s),
  (SELECT string_agg(format('<line x1="330" y1="%s" x2="360" y2="%s" stroke="%s" stroke-width="2"/><text x="368" y="%s">%s: AUC %s</text>',
                            440 + 20 * s.v, 440 + 20 * s.v, s.colour, 444 + 20 * s.v, s.label, round(a.a::numeric, 3)), '' ORDER BY s.v)
   FROM style s JOIN auc a USING (v)),
  '<text x="320" y="606" text-anchor="middle" fill="#555" font-size="11">Dropout against Enrolled and Graduate (edupredict.roc_curve);</text>',
  '<text x="320" y="622" text-anchor="middle" fill="#555" font-size="11">each point is a cut-off on the predicted risk.</text>',
  '<text x="320" y="638" text-anchor="middle" fill="#555" font-size="11">Data: UCI Predict Students'' Dropout and Academic Success (CC BY 4.0).</text>',
  '</svg>');
SQL

if command -v rsvg-convert >/dev/null; then
  for f in dropout_reliability dropout_roc; do rsvg-convert "$OUT/$f.svg" -o "$OUT/$f.png"; done
fi
echo "wrote $OUT/dropout_reliability.svg and $OUT/dropout_roc.svg"
