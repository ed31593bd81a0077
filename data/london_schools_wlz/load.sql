-- Loads the London Schools Atlas into edupredict_data.schools: 3,493 schools,
-- one row per URN (PROVENANCE.md, "One row per URN").
-- psql script, run from the repository root; idempotent.
-- The atlas lists 396 schools twice (once per map layer): the copies are
-- identical except OBJECTID and the layer flag "Primary".  The rule: keep
-- the copy with the lowest OBJECTID; school_id is that OBJECTID.
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS edupredict_data;
DROP TABLE IF EXISTS edupredict_data.schools_raw;
CREATE TABLE edupredict_data.schools_raw (
  objectid text, longitude text, latitude text, urn text, school_nam text, type text, phase text,
  address text, town text, postcode text, status text, gender text, easting text, northing text,
  ward_name text, lsoa_name text, la_name text, weblink text, age text, map_icon text, new_urn text,
  old_urn text, map_icon_l text, "primary" text);
\copy edupredict_data.schools_raw FROM 'data/london_schools_wlz/all_schools_xy_2016.csv' WITH (FORMAT csv, HEADER true)

DROP TABLE IF EXISTS edupredict_data.schools;
CREATE TABLE edupredict_data.schools AS
SELECT * FROM (
SELECT DISTINCT ON (urn::int)
       objectid::int AS school_id,
       urn::int AS urn,
       btrim(school_nam) AS name,
       btrim(la_name) AS la_name,
       btrim(phase) AS phase,
       btrim(type) AS type,
       nullif(btrim(postcode), '') AS postcode,
       longitude::float8 AS longitude,
       latitude::float8 AS latitude,
       easting::float8 AS easting,
       northing::float8 AS northing,
       ST_SetSRID(ST_MakePoint(longitude::float8, latitude::float8), 4326)::geometry(Point, 4326) AS geom,
       ST_SetSRID(ST_MakePoint(easting::float8, northing::float8), 27700)::geometry(Point, 27700) AS geom_bng
FROM edupredict_data.schools_raw
ORDER BY urn::int, objectid::int) one_per_urn
ORDER BY school_id;
ALTER TABLE edupredict_data.schools ADD PRIMARY KEY (school_id), ADD UNIQUE (urn);
DROP TABLE edupredict_data.schools_raw;
ANALYZE edupredict_data.schools;
RESET client_min_messages;
