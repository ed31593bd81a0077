#!/usr/bin/env bash
# Maps for the hubs demo (demo/40_hubs.sql): London schools coloured by hub
# over the local authority boundaries, as self-contained SVG (British National
# Grid), plus PNG when rsvg-convert exists.  Writes out/hubs_30_40.svg and
# out/hubs_k6.svg.
set -euo pipefail
: "${DEMO_PSQL:?set by scripts/demo.sh}" "${OUT:?set by scripts/demo.sh}"
for col in hub_30_40 hub_k6; do
  name=${col#hub_}
  svg="$OUT/hubs_$name.svg"
  $DEMO_PSQL -A -t -v col="$col" -f - >"$svg" <<'SQL'
WITH lad AS (SELECT name, ST_Transform(geom, 27700) AS g FROM edupredict_data.lad_boundaries),
pts AS (SELECT :col AS hub, school_id, name, ST_Transform(geom, 27700) AS g FROM edupredict_data.school_hubs),
nh AS (SELECT count(DISTINCT hub) AS n, min(c) AS lo, max(c) AS hi
       FROM (SELECT hub, count(*) AS c FROM pts GROUP BY hub) x),
box AS (SELECT ST_XMin(e) - 1000 AS x0, ST_YMax(e) + 1000 AS y1,
               ST_XMax(e) - ST_XMin(e) + 2000 AS w, ST_YMax(e) - ST_YMin(e) + 2000 AS h
        FROM (SELECT ST_Extent(g)::geometry AS e FROM lad) b),
cent AS (SELECT hub, ST_Centroid(ST_Collect(g)) AS c FROM pts GROUP BY hub)
SELECT concat(
  format('<svg xmlns="http://www.w3.org/2000/svg" viewBox="%s %s %s %s" width="1200" height="%s" font-family="sans-serif">',
         x0, -y1, w, h + 9000, round(1200 * (h + 9000) / w)),
  format('<rect x="%s" y="%s" width="%s" height="%s" fill="#ffffff"/>', x0, -y1, w, h + 9000),
  (SELECT string_agg(format('<path d="%s" fill="#f0f0f0" stroke="#888" stroke-width="120"><title>%s</title></path>',
                            ST_AsSVG(g, 0, 0), name), '' ORDER BY name) FROM lad),
  (SELECT string_agg(format('<circle cx="%s" cy="%s" r="%s" fill="hsl(%s,%s%%,%s%%)" stroke="#333" stroke-width="40"><title>%s: hub %s</title></circle>',
                            round(ST_X(g)), round(-ST_Y(g)), CASE WHEN (SELECT n FROM nh) <= 12 THEN 330 ELSE 260 END, round((hub * 137.508)::numeric % 360),
                            60 + (hub % 3) * 15, 35 + (hub % 4) * 8, replace(replace(name, '&', '&amp;'), '<', '&lt;'), hub),
                     '' ORDER BY school_id) FROM pts),
  CASE WHEN (SELECT n FROM nh) <= 12 THEN
    (SELECT string_agg(format('<text x="%s" y="%s" font-size="2600" font-weight="bold" text-anchor="middle" fill="#000" stroke="#fff" stroke-width="300" paint-order="stroke">%s</text>',
                              round(ST_X(c)), round(-ST_Y(c)), hub), '' ORDER BY hub) FROM cent)
  ELSE '' END,
  format('<text x="%s" y="%s" font-size="1700">%s London schools in %s balanced hubs of %s to %s schools (edupredict.balanced_spectral_cluster)</text>',
         x0 + 1500, -y1 + h + 3000, (SELECT count(*) FROM pts), n, lo, hi),
  format('<text x="%s" y="%s" font-size="1200" fill="#555">Schools: London Schools Atlas (Greater London Authority, OGL). Boundaries: ONS LAD 2013 generalised, contains OS data</text>',
         x0 + 1500, -y1 + h + 5600),
  format('<text x="%s" y="%s" font-size="1200" fill="#555">© Crown copyright and database right 2016 (OGL v3); GeoJSON conversion © Martin Chorley (CC BY 4.0).</text>',
         x0 + 1500, -y1 + h + 7400),
  '</svg>')
FROM box, nh;
SQL
  if command -v rsvg-convert >/dev/null 2>&1; then
    rsvg-convert -w 1200 "$svg" -o "${svg%.svg}.png"
  fi
  echo "wrote $svg"
done
