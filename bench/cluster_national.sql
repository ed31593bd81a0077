-- National-scale test set for bench/cluster.sh, generated from the London
-- schools (one row per URN) by a fixed rule: the 3,493 points plus six copies whose
-- centroid is moved to Birmingham, Manchester, Leeds, Bristol, Newcastle and
-- Liverpool city centres (plain longitude/latitude translation), each point
-- jittered by up to +-0.001 degrees from (school_id, copy) so that copies are
-- not exact translates.  point_id = copy * 100000 + school_id.  7 x 3,493 = 24,451 points; the Manchester and
-- Liverpool copies overlap, the rest are separate groups.
DROP TABLE IF EXISTS edupredict_data.schools_national;
CREATE TABLE edupredict_data.schools_national AS
WITH c AS (SELECT avg(longitude) AS lon, avg(latitude) AS lat FROM edupredict_data.schools),
     cities(copy, lon, lat) AS (VALUES (1, -1.8904, 52.4862), (2, -2.2426, 53.4808), (3, -1.5491, 53.8008),
                                       (4, -2.5879, 51.4545), (5, -1.6178, 54.9783), (6, -2.9916, 53.4084))
SELECT 0 AS copy, s.school_id AS point_id, s.geom FROM edupredict_data.schools s
UNION ALL
SELECT t.copy, t.copy * 100000 + s.school_id AS point_id,
       ST_SetSRID(ST_MakePoint(s.longitude - c.lon + t.lon + ((s.school_id * 7919 + t.copy * 104729) % 1000 / 1000.0 - 0.5) * 0.002,
                               s.latitude - c.lat + t.lat + ((s.school_id * 6271 + t.copy * 15485863) % 1000 / 1000.0 - 0.5) * 0.002),
                  4326)
FROM edupredict_data.schools s, c, cities t;
ANALYZE edupredict_data.schools_national;
