-- Distributed copies of the bundled data for bench/citus/checks.sql, run on
-- the coordinator after data/uci_student_dropout/load.sql and
-- data/london_schools_wlz/load.sql (which leave local tables there: the
-- one-node reference every check compares with).
SET client_min_messages = warning;

-- The UCI students, distributed on student_id (32 shards).  The local table's
-- identity column is not copied (Citus distributes only bigint identities).
CREATE TABLE edupredict_data.students_dist (LIKE edupredict_data.students);
ALTER TABLE edupredict_data.students_dist ADD PRIMARY KEY (student_id);
SELECT create_distributed_table('edupredict_data.students_dist', 'student_id', shard_count => 32);
INSERT INTO edupredict_data.students_dist SELECT * FROM edupredict_data.students;

-- What a model trains on, without the key; no ORDER BY, so rows arrive in
-- the order the shards answer.
-- (the columns of data/uci_student_dropout/load.sql's student_features, read from its view)
DO $$
BEGIN
	EXECUTE format('CREATE VIEW edupredict_data.student_features_dist AS SELECT %s FROM edupredict_data.students_dist',
				   (SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
					WHERE attrelid = 'edupredict_data.student_features'::regclass AND attnum > 0 AND NOT attisdropped));
END $$;

-- A school term per student (a made-up enrolment term), local and distributed
-- on the term itself.
CREATE TABLE edupredict_data.terms AS
SELECT student_id,
       ((2015 + student_id % 8)::text || ' ' ||
        (ARRAY['Spring', 'Summer', 'Autumn'])[1 + student_id % 3])::edupredict.school_term AS term
FROM edupredict_data.students;
CREATE TABLE edupredict_data.terms_dist (LIKE edupredict_data.terms);
SELECT create_distributed_table('edupredict_data.terms_dist', 'term', shard_count => 32);
INSERT INTO edupredict_data.terms_dist SELECT * FROM edupredict_data.terms;

-- London schools, distributed on the local authority (the PARTITION BY of
-- the clustering check).
CREATE TABLE edupredict_data.schools_dist AS
SELECT school_id, la_name, geom FROM edupredict_data.schools WHERE false;
SELECT create_distributed_table('edupredict_data.schools_dist', 'la_name', shard_count => 32);
INSERT INTO edupredict_data.schools_dist SELECT school_id, la_name, geom FROM edupredict_data.schools;

ANALYZE edupredict_data.students_dist;
ANALYZE edupredict_data.terms_dist;
ANALYZE edupredict_data.schools_dist;
