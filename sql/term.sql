-- school_term: parsing, output, order, arithmetic, calendar, binary I/O, errors.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS edupredict CASCADE;
RESET client_min_messages;
SET search_path = edupredict, public;

-- Parsing: case-insensitive season, surrounding and inner whitespace.
SELECT '2023 Summer'::school_term, ' 2023   autumn '::school_term, '1000 SPRING'::school_term,
       '9999 Autumn'::school_term;
SELECT '2023 Summer'::school_term::text = '2023 Summer' AS round_trip;
-- Leading zeros are ignored, as int4 and date input ignore them ('02023-01-01'::date is
-- 2023-01-01), however many there are.
SELECT '02023 Autumn'::school_term, '000000000000002023 Spring'::school_term, ' 0001000 summer'::school_term,
       '02023 Autumn'::school_term = term_of('02023-09-01'::date) AS same_as_date;

-- Bad text: 22P02 with the accepted form.
\set VERBOSITY default
SELECT 'Summer 2023'::school_term;
SELECT '2023 Winter'::school_term;
SELECT '2023'::school_term;
SELECT ''::school_term;
SELECT '2023Summer'::school_term;
SELECT '2023 Summer x'::school_term;
SELECT '-2023 Summer'::school_term;
-- Out-of-range years: 22008.
SELECT '999 Autumn'::school_term;
SELECT '10000 Spring'::school_term;
SELECT '99999999999999999999 Spring'::school_term;
-- (with leading zeros too: they do not make a year)
SELECT '0999 Autumn'::school_term;
SELECT '0000 Spring'::school_term;
\set VERBOSITY terse
DO $$ BEGIN PERFORM 'nonsense'::edupredict.school_term;
EXCEPTION WHEN invalid_text_representation THEN RAISE NOTICE 'sqlstate 22P02 ok'; END $$;
DO $$ BEGIN PERFORM '12345 Summer'::edupredict.school_term;
EXCEPTION WHEN datetime_field_overflow THEN RAISE NOTICE 'sqlstate 22008 ok'; END $$;

-- Order and equality.
SELECT t FROM (VALUES ('2024 Spring'::school_term), ('2023 Autumn'), ('2023 Spring'), ('2023 Summer'),
                      ('2022 Autumn')) v(t) ORDER BY t;
SELECT '2023 Spring'::school_term < '2023 Summer', '2023 Summer'::school_term < '2023 Autumn',
       '2023 Autumn'::school_term < '2024 Spring', '2023 Autumn'::school_term <= '2023 Autumn',
       '2023 Autumn'::school_term = '2023 autumn', '2023 Autumn'::school_term <> '2023 Summer',
       '2024 Spring'::school_term >= '2023 Autumn', '2024 Spring'::school_term > '2024 Spring';
SELECT min(t), max(t) FROM (VALUES ('2024 Spring'::school_term), ('2019 Autumn'), (NULL)) v(t);

-- Arithmetic.
SELECT '2023 Autumn'::school_term + 1 AS next, 1 + '2023 Autumn'::school_term AS next_commuted,
       '2024 Spring'::school_term - 1 AS previous, '2023 Summer'::school_term + 7 AS plus7,
       '2023 Summer'::school_term - 7 AS minus7, '2023 Summer'::school_term + 0 AS same;
SELECT '2024 Spring'::school_term - '2023 Autumn'::school_term AS one,
       '2017 Autumn'::school_term - '2023 Summer'::school_term AS minus17,
       '9999 Autumn'::school_term - '1000 Spring'::school_term AS whole_range;
SELECT '9999 Autumn'::school_term + 1;
SELECT '1000 Spring'::school_term - 1;
SELECT '2023 Summer'::school_term + 2147483647;
SELECT '2023 Summer'::school_term - (-2147483647 - 1);

-- Calendar: term_of, term_start, term_end at every boundary.
SELECT d, term_of(d) FROM (VALUES ('2023-01-01'::date), ('2023-03-31'), ('2023-04-01'), ('2023-08-31'),
                                  ('2023-09-01'), ('2023-12-31'), ('2024-02-29')) v(d) ORDER BY d;
SELECT t, term_start(t), term_end(t), term_year(t), term_season(t)
FROM (VALUES ('2023 Spring'::school_term), ('2023 Summer'), ('2023 Autumn'), ('2024 Spring'),
             ('1000 Spring'), ('9999 Autumn')) v(t) ORDER BY t;
-- Every day maps back to its own term.
SELECT count(*) AS days, count(*) FILTER (WHERE term_start(term_of(d)) <= d AND d <= term_end(term_of(d))) AS consistent
FROM (SELECT g::date AS d FROM generate_series('2000-01-01'::date, '2030-12-31', '1 day') g) days;
SELECT term_of('infinity'::date);
SELECT term_of('0999-12-31'::date);
SELECT term_of('10000-01-01'::date);

-- Indexes: btree and hash, and a merge/hash join.
CREATE TEMP TABLE terms AS
SELECT ('2000 Spring'::school_term + i) AS t, i FROM generate_series(0, 299) i;
CREATE INDEX terms_btree ON terms USING btree (t);
CREATE INDEX terms_hash ON terms USING hash (t);
ANALYZE terms;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT i FROM terms WHERE t = '2023 Summer';
SELECT i FROM terms WHERE t = '2023 Summer';
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM terms WHERE t BETWEEN '2020 Spring' AND '2021 Autumn';
SELECT count(*) FROM terms WHERE t BETWEEN '2020 Spring' AND '2021 Autumn';
SET enable_indexscan = off;
SET enable_bitmapscan = on;
EXPLAIN (COSTS OFF) SELECT i FROM terms WHERE t = '2010 Autumn';
SELECT i FROM terms WHERE t = '2010 Autumn';
RESET enable_seqscan; RESET enable_indexscan; RESET enable_bitmapscan;
SET enable_mergejoin = off; SET enable_nestloop = off;
SELECT count(*) FROM terms a JOIN terms b ON a.t = b.t + 1;
RESET enable_mergejoin; SET enable_hashjoin = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM terms a JOIN terms b ON a.t = b.t + 1;
SELECT count(*) FROM terms a JOIN terms b ON a.t = b.t + 1;
RESET enable_hashjoin; RESET enable_nestloop;
SELECT count(DISTINCT t), count(*) FROM (SELECT t FROM terms UNION ALL SELECT t FROM terms) u;

-- Binary send/recv round trip through COPY BINARY.
CREATE TEMP TABLE terms_copy (t school_term);
SELECT school_term_send('2023 Summer') AS wire;
CREATE TEMP TABLE bin AS SELECT t FROM terms WHERE i < 5;
\copy bin TO 'results/term_copy.bin' WITH (FORMAT binary)
\copy terms_copy FROM 'results/term_copy.bin' WITH (FORMAT binary)
SELECT t FROM terms_copy ORDER BY t;
-- A binary value outside the range is rejected by receive (the wire format is an int4).
CREATE TEMP TABLE bad_bin AS SELECT 99 AS t;
\copy bad_bin TO 'results/term_bad.bin' WITH (FORMAT binary)
\copy terms_copy FROM 'results/term_bad.bin' WITH (FORMAT binary)

-- The btree support function says 0 for equal terms (index builds and searches, sorts and
-- merge joins call it); an index scan for one term and a sorted GROUP BY find every row.
SELECT school_term_cmp('2021 Autumn', '2021 Autumn') AS same, school_term_cmp('2021 Autumn', '2022 Spring') AS earlier,
       school_term_cmp('2022 Spring', '2021 Autumn') AS later;
CREATE TEMP TABLE term_idx AS SELECT '2019 Autumn'::school_term + (g % 7) AS term FROM generate_series(1, 700) g;
CREATE INDEX ON term_idx (term);
ANALYZE term_idx;
SET enable_seqscan = off;
SET enable_hashagg = off;
SELECT count(*) AS rows_of_2020_spring FROM term_idx WHERE term = '2020 Spring';
SELECT count(*) AS groups FROM (SELECT term FROM term_idx GROUP BY term) g;
RESET enable_seqscan;
RESET enable_hashagg;
