
-- Safe exports (issue 14): small-cell suppression of a two-way table of counts, such as local
-- authority x term.  Primary: a cell below k (edupredict.min_cell, default 5, superuser-only; an
-- argument may raise k, never lower it) is suppressed.  Secondary: while some row or column has
-- exactly one suppressed cell, the smallest published cell of that row or column (ties: the first
-- key) is suppressed too, so no suppressed cell equals a published row or column total minus the
-- published cells.  Every round suppresses at least one more cell, so it ends.
-- k is read through _min_cell(), a function of the library, never with current_setting(): before
-- the library is loaded in a backend (without shared_preload_libraries) edupredict.min_cell is a
-- placeholder any role can SET; calling the library's function loads it, and its superuser-only
-- definition discards such a value.
CREATE FUNCTION edupredict._min_cell()
RETURNS integer
AS 'MODULE_PATHNAME', 'forecast_min_cell'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict._min_cell() IS
'internal: edupredict.min_cell as the library defines it (superuser-only); calling it loads the library, which discards a placeholder value an ordinary role set';

CREATE FUNCTION edupredict.suppress_small_cells(
	cells regclass,
	row_column name,
	column_column name,
	value_column name,
	min_cell integer DEFAULT NULL)
RETURNS TABLE (row_key text, column_key text, value double precision, suppressed boolean, reason text)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	k integer := GREATEST(edupredict._min_cell(),
						  COALESCE(min_cell, 0));
	problem text[];
	rk text[];
	ck text[];
	v float8[];
	why text[];
	pick bigint[];
	i bigint;
BEGIN
	IF cells IS NULL OR row_column IS NULL OR column_column IS NULL OR value_column IS NULL THEN
		RAISE EXCEPTION 'cells, row_column, column_column and value_column must not be NULL' USING ERRCODE = '22004';
	END IF;
	-- an empty name is no column: name the argument (the shared check would list ", c, n")
	IF '' OPERATOR(pg_catalog.=) ANY (ARRAY[row_column, column_column, value_column]::text[]) THEN
		RAISE EXCEPTION '% must not be empty',
			CASE WHEN row_column OPERATOR(pg_catalog.=) '' THEN 'row_column'
				 WHEN column_column OPERATOR(pg_catalog.=) '' THEN 'column_column' ELSE 'value_column' END
			USING ERRCODE = '22023',
			HINT = 'Pass the names of the cells relation''s columns holding the row key, the column key and the value.';
	END IF;
	problem := edupredict._relation_problem(cells, 'cells', ARRAY[row_column, column_column, value_column]::text[],
											ARRAY['text', 'text', 'double precision']);
	IF problem IS NOT NULL THEN
		RAISE EXCEPTION USING ERRCODE = problem[1], MESSAGE = problem[2], DETAIL = problem[3], HINT = problem[4];
	END IF;
	EXECUTE pg_catalog.format(
		'SELECT pg_catalog.array_agg(c.r ORDER BY c.r, c.c), pg_catalog.array_agg(c.c ORDER BY c.r, c.c),
				pg_catalog.array_agg(c.v ORDER BY c.r, c.c)
		 FROM (SELECT x.%1$I::text AS r, x.%2$I::text AS c, x.%3$I::float8 AS v FROM %4$s x) c',
		row_column, column_column, value_column, cells) INTO rk, ck, v;
	IF rk IS NULL THEN
		RETURN;
	END IF;
	IF pg_catalog.cardinality(rk) OPERATOR(pg_catalog.>) 1000000 THEN
		RAISE EXCEPTION 'suppress_small_cells takes at most 1000000 cells' USING ERRCODE = '54000',
			DETAIL = pg_catalog.format('Got %s.', pg_catalog.cardinality(rk));
	END IF;
	SELECT pg_catalog.array_agg(CASE WHEN x.v OPERATOR(pg_catalog.<) k THEN 'primary' END ORDER BY x.i) INTO why
	FROM pg_catalog.unnest(v) WITH ORDINALITY x(v, i);
	LOOP
		-- Rows and columns with exactly one suppressed cell: suppress their smallest published cell.
		WITH c AS (
			SELECT x.r, x.c, x.v, x.w IS NOT NULL AS s, x.i
			FROM ROWS FROM (pg_catalog.unnest(rk), pg_catalog.unnest(ck), pg_catalog.unnest(v), pg_catalog.unnest(why))
				 WITH ORDINALITY x(r, c, v, w, i)),
		lines AS (
			SELECT 'r' AS kind, c.r AS line, c.c AS other, c.v, c.s, c.i FROM c
			UNION ALL
			SELECT 'c', c.c, c.r, c.v, c.s, c.i FROM c),
		open_lines AS (
			SELECT l.kind, l.line FROM lines l GROUP BY l.kind, l.line
			HAVING pg_catalog.count(*) FILTER (WHERE l.s) OPERATOR(pg_catalog.=) 1
			   AND pg_catalog.count(*) FILTER (WHERE NOT l.s AND l.v IS NOT NULL) OPERATOR(pg_catalog.>) 0)
		SELECT pg_catalog.array_agg(DISTINCT p.i) INTO pick
		FROM (SELECT DISTINCT ON (l.kind, l.line) l.i
			  FROM lines l JOIN open_lines o ON o.kind OPERATOR(pg_catalog.=) l.kind AND o.line OPERATOR(pg_catalog.=) l.line
			  WHERE NOT l.s AND l.v IS NOT NULL
			  ORDER BY l.kind, l.line, l.v, l.other) p;
		EXIT WHEN pick IS NULL;
		FOREACH i IN ARRAY pick LOOP
			why[i] := 'secondary';
		END LOOP;
	END LOOP;
	RETURN QUERY
	SELECT x.r, x.c, CASE WHEN x.w IS NULL THEN x.v END, x.w IS NOT NULL, x.w
	FROM ROWS FROM (pg_catalog.unnest(rk), pg_catalog.unnest(ck), pg_catalog.unnest(v), pg_catalog.unnest(why)) x(r, c, v, w);
END
$$;
COMMENT ON FUNCTION edupredict.suppress_small_cells(regclass, name, name, name, integer) IS
'small-cell suppression of a two-way table of counts (one row per cell: row key, column key, value): values below edupredict.min_cell (or min_cell, if higher) become NULL (primary), and further cells (secondary) so that none is a row or column total minus the published cells of that line';
