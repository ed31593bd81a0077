-- Loads the 54 London-area LAD boundaries (2013, generalised) into
-- edupredict_data.lad_boundaries.  psql script, run from the repository root;
-- idempotent.  See PROVENANCE.md for source, licence and the cutting rule.
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS edupredict_data;
DROP TABLE IF EXISTS edupredict_data.lad_boundaries_raw;
CREATE TABLE edupredict_data.lad_boundaries_raw (lad13cd text, lad13nm text, geometry text);
\copy edupredict_data.lad_boundaries_raw FROM 'data/uk_lad_boundaries/london_area_lad_2013.csv' WITH (FORMAT csv, HEADER true)
DROP TABLE IF EXISTS edupredict_data.lad_boundaries;
CREATE TABLE edupredict_data.lad_boundaries AS
SELECT lad13cd, lad13nm AS name,
       ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326))::geometry(MultiPolygon, 4326) AS geom
FROM edupredict_data.lad_boundaries_raw;
ALTER TABLE edupredict_data.lad_boundaries ADD PRIMARY KEY (lad13cd);
DROP TABLE edupredict_data.lad_boundaries_raw;
ANALYZE edupredict_data.lad_boundaries;
RESET client_min_messages;
