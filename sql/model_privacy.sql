SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS edupredict CASCADE; RESET client_min_messages;
-- Model bytes carry no raw text values by default (issue 9 §4): a text
-- feature's codebook is kept as keyed hashes, salted from the rows and the
-- seed; keep_category_names => true keeps the readable codebook.  A text
-- column that differs in most rows (an identifier or a name) is refused
-- unless the caller names it.
CREATE TABLE mp_pupils AS
SELECT i AS id, 'surname_' || lpad(i::text, 4, '0') AS surname,
       (ARRAY['Hackney', 'Camden', 'Croydon', 'Ealing'])[1 + i % 4] AS borough,
       (i % 17)::float8 AS attendance,
       CASE WHEN i % 4 = 1 OR i % 17 < 4 THEN 'leaves' ELSE 'stays' END AS outcome
FROM generate_series(1, 400) i;
-- features => NULL would take the surname: refused, naming the column
SELECT edupredict.train_forest('mp_all', 'mp_pupils', 'outcome');
-- named explicitly, it is accepted (the caller asked for it)
SELECT version FROM edupredict.train_forest('mp_named', 'mp_pupils', 'outcome', ARRAY['surname', 'attendance'], n_trees => 3);
-- default: hashed codebook; keep_category_names: readable
SELECT version FROM edupredict.train_forest('mp_hashed', 'mp_pupils', 'outcome', ARRAY['borough', 'attendance', 'surname'], n_trees => 10);
SELECT version FROM edupredict.train_forest('mp_named_cb', 'mp_pupils', 'outcome', ARRAY['borough', 'attendance', 'surname'], n_trees => 10,
                                            keep_category_names => true);
SELECT m.name,
       (SELECT count(*) FROM mp_pupils p WHERE position(convert_to(p.surname, 'UTF8') IN m.model) > 0) AS surnames_in_bytes,
       (SELECT count(*) FROM (VALUES ('Hackney'), ('Camden'), ('Croydon'), ('Ealing')) b(v)
         WHERE position(convert_to(b.v, 'UTF8') IN m.model) > 0) AS boroughs_in_bytes,
       get_byte(m.model, 4) AS format_version
FROM edupredict.models m WHERE m.name IN ('mp_hashed', 'mp_named_cb') ORDER BY 1;
-- prediction still matches categories by their hash: the borough decides
-- (Camden rows, i % 4 = 1, always leave), an unseen borough is missing
SELECT edupredict.predict('mp_hashed', r) AS hackney, edupredict.predict('mp_hashed', s) AS camden
FROM (SELECT 'Hackney' AS borough, 10.0::float8 AS attendance, 'x' AS surname) r,
     (SELECT 'Camden' AS borough, 10.0::float8 AS attendance, 'x' AS surname) s;
SELECT edupredict.predict_proba('mp_hashed', r)::text = edupredict.predict_proba('mp_hashed', s)::text AS unseen_is_missing
FROM (SELECT 'Islington' AS borough, 10.0::float8 AS attendance, 'x' AS surname) r,
     (SELECT NULL::text AS borough, 10.0::float8 AS attendance, 'x' AS surname) s;
SELECT count(*) FILTER (WHERE edupredict.predict('mp_hashed', p) = p.outcome)::float8 / count(*) > 0.95 AS fits,
       count(*) FILTER (WHERE edupredict.predict('mp_hashed', p) <> edupredict.predict('mp_named_cb', p)) AS disagree_with_named
FROM mp_pupils p;
-- the same rows in another order: the same bytes (the salt comes from the
-- rows' contents, not their order)
CREATE TABLE mp_pupils_rev AS SELECT * FROM mp_pupils ORDER BY id DESC;
SELECT version FROM edupredict.train_forest('mp_hashed_rev', 'mp_pupils_rev', 'outcome', ARRAY['borough', 'attendance', 'surname'], n_trees => 10);
SELECT (SELECT model FROM edupredict.models WHERE name = 'mp_hashed') =
       (SELECT model FROM edupredict.models WHERE name = 'mp_hashed_rev') AS same_bytes_reversed;
SELECT edupredict.drop_model(n) FROM unnest(ARRAY['mp_named', 'mp_hashed', 'mp_named_cb', 'mp_hashed_rev']) n;
DROP TABLE mp_pupils, mp_pupils_rev;
