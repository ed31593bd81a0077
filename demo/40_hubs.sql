-- Balanced hubs of London schools (issue 4, docs/clustering.md): sizes 30..40
-- and k = 6, written to out/hubs_*.csv; demo/40_hubs.sh draws the maps.
SET search_path = edupredict, public;
\echo '==> balanced_spectral_cluster: London schools in hubs of 30 to 40, and in 6 equal hubs'
SET client_min_messages = warning;
DROP TABLE IF EXISTS edupredict_data.school_hubs;
RESET client_min_messages;
CREATE TABLE edupredict_data.school_hubs AS
SELECT school_id, urn, name, la_name, longitude, latitude, geom,
       balanced_spectral_cluster(geom, min_size => 30, max_size => 40) OVER () AS hub_30_40,
       balanced_spectral_cluster(geom, 6) OVER () AS hub_k6
FROM edupredict_data.schools;

\copy (SELECT school_id, urn, name, la_name, longitude, latitude, hub_30_40 AS hub FROM edupredict_data.school_hubs ORDER BY hub, school_id) TO 'out/hubs_30_40.csv' CSV HEADER
\copy (SELECT school_id, urn, name, la_name, longitude, latitude, hub_k6 AS hub FROM edupredict_data.school_hubs ORDER BY hub, school_id) TO 'out/hubs_k6.csv' CSV HEADER
\copy (SELECT s.hub, s.size, round(ST_X(s.centroid)::numeric, 6) AS centroid_lon, round(ST_Y(s.centroid)::numeric, 6) AS centroid_lat, round(s.mean_km::numeric, 3) AS mean_km, round(s.max_km::numeric, 3) AS max_km FROM (SELECT array_agg(geom) AS g, array_agg(hub_30_40) AS h FROM edupredict_data.school_hubs) a, hub_summary(a.g, a.h) s ORDER BY s.hub) TO 'out/hubs_30_40_summary.csv' CSV HEADER
\copy (SELECT s.hub, s.size, round(ST_X(s.centroid)::numeric, 6) AS centroid_lon, round(ST_Y(s.centroid)::numeric, 6) AS centroid_lat, round(s.mean_km::numeric, 3) AS mean_km, round(s.max_km::numeric, 3) AS max_km FROM (SELECT array_agg(geom) AS g, array_agg(hub_k6) AS h FROM edupredict_data.school_hubs) a, hub_summary(a.g, a.h) s ORDER BY s.hub) TO 'out/hubs_k6_summary.csv' CSV HEADER

-- short summary: hub count, size range and compactness (mean over hubs of the
-- mean great-circle km from members to the hub centroid)
SELECT label AS hubs_of, count(*) AS hubs, min(size) AS smallest, max(size) AS largest,
       round(avg(mean_km)::numeric, 2) AS compactness_km, round(max(mean_km)::numeric, 2) AS worst_hub_km
FROM (SELECT '30 to 40 schools' AS label, s.*
      FROM (SELECT array_agg(geom) AS g, array_agg(hub_30_40) AS h FROM edupredict_data.school_hubs) a,
           hub_summary(a.g, a.h) s
      UNION ALL
      SELECT '6 equal hubs', s.*
      FROM (SELECT array_agg(geom) AS g, array_agg(hub_k6) AS h FROM edupredict_data.school_hubs) a,
           hub_summary(a.g, a.h) s) t
GROUP BY label ORDER BY hubs;
