
-- school_term: a term of the English school year (src/school_term.c, docs/forecasting.md).
CREATE TYPE edupredict.school_term;

CREATE FUNCTION edupredict.school_term_in(cstring) RETURNS edupredict.school_term
AS 'MODULE_PATHNAME', 'school_term_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.school_term_out(edupredict.school_term) RETURNS cstring
AS 'MODULE_PATHNAME', 'school_term_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.school_term_recv(internal) RETURNS edupredict.school_term
AS 'MODULE_PATHNAME', 'school_term_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.school_term_send(edupredict.school_term) RETURNS bytea
AS 'MODULE_PATHNAME', 'school_term_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE edupredict.school_term (
	INPUT = edupredict.school_term_in,
	OUTPUT = edupredict.school_term_out,
	RECEIVE = edupredict.school_term_recv,
	SEND = edupredict.school_term_send,
	INTERNALLENGTH = 4,
	PASSEDBYVALUE,
	ALIGNMENT = int4,
	STORAGE = plain
);
COMMENT ON TYPE edupredict.school_term IS
'a school term such as ''2023 Summer'': Spring is January-March, Summer April-August, Autumn September-December';

COMMENT ON FUNCTION edupredict.school_term_in(cstring) IS 'school_term text input: ''YYYY Spring|Summer|Autumn''';
COMMENT ON FUNCTION edupredict.school_term_out(edupredict.school_term) IS 'school_term text output';
COMMENT ON FUNCTION edupredict.school_term_recv(internal) IS 'school_term binary input (int4 year * 3 + season)';
COMMENT ON FUNCTION edupredict.school_term_send(edupredict.school_term) IS 'school_term binary output (int4 year * 3 + season)';

-- Comparison.
CREATE FUNCTION edupredict.school_term_lt(edupredict.school_term, edupredict.school_term) RETURNS boolean
AS 'MODULE_PATHNAME', 'school_term_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION edupredict.school_term_le(edupredict.school_term, edupredict.school_term) RETURNS boolean
AS 'MODULE_PATHNAME', 'school_term_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION edupredict.school_term_eq(edupredict.school_term, edupredict.school_term) RETURNS boolean
AS 'MODULE_PATHNAME', 'school_term_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION edupredict.school_term_ne(edupredict.school_term, edupredict.school_term) RETURNS boolean
AS 'MODULE_PATHNAME', 'school_term_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION edupredict.school_term_ge(edupredict.school_term, edupredict.school_term) RETURNS boolean
AS 'MODULE_PATHNAME', 'school_term_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION edupredict.school_term_gt(edupredict.school_term, edupredict.school_term) RETURNS boolean
AS 'MODULE_PATHNAME', 'school_term_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION edupredict.school_term_cmp(edupredict.school_term, edupredict.school_term) RETURNS integer
AS 'MODULE_PATHNAME', 'school_term_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION edupredict.school_term_sortsupport(internal) RETURNS void
AS 'MODULE_PATHNAME', 'school_term_sortsupport' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.school_term_hash(edupredict.school_term) RETURNS integer
AS 'MODULE_PATHNAME', 'school_term_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION edupredict.school_term_hash_extended(edupredict.school_term, bigint) RETURNS bigint
AS 'MODULE_PATHNAME', 'school_term_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION edupredict.school_term_smaller(edupredict.school_term, edupredict.school_term) RETURNS edupredict.school_term
AS 'MODULE_PATHNAME', 'school_term_smaller' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.school_term_larger(edupredict.school_term, edupredict.school_term) RETURNS edupredict.school_term
AS 'MODULE_PATHNAME', 'school_term_larger' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION edupredict.school_term_lt(edupredict.school_term, edupredict.school_term) IS 'school_term less than';
COMMENT ON FUNCTION edupredict.school_term_le(edupredict.school_term, edupredict.school_term) IS 'school_term less than or equal';
COMMENT ON FUNCTION edupredict.school_term_eq(edupredict.school_term, edupredict.school_term) IS 'school_term equal';
COMMENT ON FUNCTION edupredict.school_term_ne(edupredict.school_term, edupredict.school_term) IS 'school_term not equal';
COMMENT ON FUNCTION edupredict.school_term_ge(edupredict.school_term, edupredict.school_term) IS 'school_term greater than or equal';
COMMENT ON FUNCTION edupredict.school_term_gt(edupredict.school_term, edupredict.school_term) IS 'school_term greater than';
COMMENT ON FUNCTION edupredict.school_term_cmp(edupredict.school_term, edupredict.school_term) IS 'school_term btree comparison: -1, 0 or 1';
COMMENT ON FUNCTION edupredict.school_term_sortsupport(internal) IS 'school_term btree sort support';
COMMENT ON FUNCTION edupredict.school_term_hash(edupredict.school_term) IS 'school_term hash';
COMMENT ON FUNCTION edupredict.school_term_hash_extended(edupredict.school_term, bigint) IS 'school_term seeded 64-bit hash';
COMMENT ON FUNCTION edupredict.school_term_smaller(edupredict.school_term, edupredict.school_term) IS 'the earlier of two terms (min support)';
COMMENT ON FUNCTION edupredict.school_term_larger(edupredict.school_term, edupredict.school_term) IS 'the later of two terms (max support)';

CREATE OPERATOR edupredict.< (
	LEFTARG = edupredict.school_term, RIGHTARG = edupredict.school_term,
	FUNCTION = edupredict.school_term_lt, COMMUTATOR = >, NEGATOR = >=,
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR edupredict.<= (
	LEFTARG = edupredict.school_term, RIGHTARG = edupredict.school_term,
	FUNCTION = edupredict.school_term_le, COMMUTATOR = >=, NEGATOR = >,
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR edupredict.= (
	LEFTARG = edupredict.school_term, RIGHTARG = edupredict.school_term,
	FUNCTION = edupredict.school_term_eq, COMMUTATOR = =, NEGATOR = <>,
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR edupredict.<> (
	LEFTARG = edupredict.school_term, RIGHTARG = edupredict.school_term,
	FUNCTION = edupredict.school_term_ne, COMMUTATOR = <>, NEGATOR = =,
	RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR edupredict.>= (
	LEFTARG = edupredict.school_term, RIGHTARG = edupredict.school_term,
	FUNCTION = edupredict.school_term_ge, COMMUTATOR = <=, NEGATOR = <,
	RESTRICT = scalargesel, JOIN = scalargejoinsel);
CREATE OPERATOR edupredict.> (
	LEFTARG = edupredict.school_term, RIGHTARG = edupredict.school_term,
	FUNCTION = edupredict.school_term_gt, COMMUTATOR = <, NEGATOR = <=,
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel);

CREATE OPERATOR CLASS edupredict.school_term_ops
DEFAULT FOR TYPE edupredict.school_term USING btree AS
	OPERATOR 1 edupredict.<,
	OPERATOR 2 edupredict.<=,
	OPERATOR 3 edupredict.=,
	OPERATOR 4 edupredict.>=,
	OPERATOR 5 edupredict.>,
	FUNCTION 1 edupredict.school_term_cmp(edupredict.school_term, edupredict.school_term),
	FUNCTION 2 edupredict.school_term_sortsupport(internal);

CREATE OPERATOR CLASS edupredict.school_term_hash_ops
DEFAULT FOR TYPE edupredict.school_term USING hash AS
	OPERATOR 1 edupredict.=,
	FUNCTION 1 edupredict.school_term_hash(edupredict.school_term),
	FUNCTION 2 edupredict.school_term_hash_extended(edupredict.school_term, bigint);

CREATE AGGREGATE edupredict.min(edupredict.school_term) (
	SFUNC = edupredict.school_term_smaller, STYPE = edupredict.school_term,
	COMBINEFUNC = edupredict.school_term_smaller, SORTOP = OPERATOR(edupredict.<), PARALLEL = SAFE);
CREATE AGGREGATE edupredict.max(edupredict.school_term) (
	SFUNC = edupredict.school_term_larger, STYPE = edupredict.school_term,
	COMBINEFUNC = edupredict.school_term_larger, SORTOP = OPERATOR(edupredict.>), PARALLEL = SAFE);
COMMENT ON AGGREGATE edupredict.min(edupredict.school_term) IS 'the earliest term';
COMMENT ON AGGREGATE edupredict.max(edupredict.school_term) IS 'the latest term';

-- Arithmetic in terms: '2023 Autumn' + 1 = '2024 Spring'.
CREATE FUNCTION edupredict.school_term_pl_int4(edupredict.school_term, integer) RETURNS edupredict.school_term
AS 'MODULE_PATHNAME', 'school_term_pl_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.int4_pl_school_term(integer, edupredict.school_term) RETURNS edupredict.school_term
AS 'MODULE_PATHNAME', 'int4_pl_school_term' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.school_term_mi_int4(edupredict.school_term, integer) RETURNS edupredict.school_term
AS 'MODULE_PATHNAME', 'school_term_mi_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.school_term_mi(edupredict.school_term, edupredict.school_term) RETURNS integer
AS 'MODULE_PATHNAME', 'school_term_mi' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.school_term_pl_int4(edupredict.school_term, integer) IS 'the term n terms later';
COMMENT ON FUNCTION edupredict.int4_pl_school_term(integer, edupredict.school_term) IS 'the term n terms later';
COMMENT ON FUNCTION edupredict.school_term_mi_int4(edupredict.school_term, integer) IS 'the term n terms earlier';
COMMENT ON FUNCTION edupredict.school_term_mi(edupredict.school_term, edupredict.school_term) IS 'the number of terms from the second term to the first';

CREATE OPERATOR edupredict.+ (LEFTARG = edupredict.school_term, RIGHTARG = integer,
	FUNCTION = edupredict.school_term_pl_int4, COMMUTATOR = +);
CREATE OPERATOR edupredict.+ (LEFTARG = integer, RIGHTARG = edupredict.school_term,
	FUNCTION = edupredict.int4_pl_school_term, COMMUTATOR = +);
CREATE OPERATOR edupredict.- (LEFTARG = edupredict.school_term, RIGHTARG = integer,
	FUNCTION = edupredict.school_term_mi_int4);
CREATE OPERATOR edupredict.- (LEFTARG = edupredict.school_term, RIGHTARG = edupredict.school_term,
	FUNCTION = edupredict.school_term_mi);

-- Calendar conversions.
CREATE FUNCTION edupredict.term_of(d date) RETURNS edupredict.school_term
AS 'MODULE_PATHNAME', 'school_term_of_date' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.term_start(term edupredict.school_term) RETURNS date
AS 'MODULE_PATHNAME', 'school_term_start' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.term_end(term edupredict.school_term) RETURNS date
AS 'MODULE_PATHNAME', 'school_term_end' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.term_year(term edupredict.school_term) RETURNS integer
AS 'MODULE_PATHNAME', 'school_term_year' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION edupredict.term_season(term edupredict.school_term) RETURNS text
AS 'MODULE_PATHNAME', 'school_term_season' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION edupredict.term_of(date) IS 'the school term containing a date';
COMMENT ON FUNCTION edupredict.term_start(edupredict.school_term) IS 'the first day of a term (1 January, 1 April or 1 September)';
COMMENT ON FUNCTION edupredict.term_end(edupredict.school_term) IS 'the last day of a term (31 March, 31 August or 31 December)';
COMMENT ON FUNCTION edupredict.term_year(edupredict.school_term) IS 'the calendar year of a term';
COMMENT ON FUNCTION edupredict.term_season(edupredict.school_term) IS 'Spring, Summer or Autumn';
