#!/usr/bin/python3
"""Catalog-driven fuzz of every SQL function of schema edupredict (run by
test/fuzz/sql_args.sh inside a throwaway cluster, PG* set).

Every function, aggregate and window function of the schema whose arguments
are not `internal` is called from a valid-ish baseline, varying ONE argument
at a time through hostile values of its type (NULL, extremes, empty and odd
arrays, forged model bytes, odd jsonb, rows of the wrong shape ...).
Aggregates and window functions also run over 0 rows, 1 row and rows with
NULLs.  The transition, combine and final functions of an aggregate with a
bytea state (forest_agg_trees's) run only inside an aggregate, so they are
called through aggregates built on them (sql_args_setup.sql), with hostile
states; a state they read as a protocol message (08P01) is a failure too.  Each call runs in its own transaction (rolled back) with
statement_timeout 5s.  A call must succeed or fail with an error whose
SQLSTATE is not of class XX, and must not take the server down.

Then the calls run again (sampled) as two untrusted roles, one holding
edupredict_user and one holding nothing, on their own copies of the state and
on the superuser's models and tables, and as a third role the superuser
granted some of its models (see "roles" below).  Such a call must also leave
the superuser's registry rows, runs, tables and the extension's catalog
entries as they were, and a call naming the superuser's model (one not
granted to the role) or table must fail (42501/42704) or return nothing but
NULLs (OTHER_EXPECT lists the functions that may answer otherwise, with the
reason); the grantee's calls that would change a granted model must fail
with 42501 (GRANTEE_DENIED).

Prints one line per failing call and "sql-args: N calls, M failures";
exits 1 on any failure.  Standard library only: the calls go through psql.
  SQLFUZZ_ONLY=REGEX  only functions whose name matches (for debugging)
  SQLFUZZ_LOG=FILE    every call's outcome, tab-separated (role, mode, function,
                      argument, value, SQLSTATE or ok, non-NULL rows and their text, message)
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = "5s"

# Findings that are not defects of edupredict, each with the reason.  Keys are
# (function name, SQLSTATE, message regex); nothing is allowed yet.
ALLOWED = [
]


def psql(sql, check=True):
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       capture_output=True, text=True)
    if check and r.returncode != 0:
        sys.exit("sql-args: psql failed: " + r.stderr)
    return r.stdout


def q(s):
    return "'" + s.replace("'", "''") + "'"


# ---------------------------------------------------------------- values
BIG = "big"  # a value given to one argument of a function only (1,000,000 elements)


def mb(kind):
    return f"(SELECT b FROM fz.mb WHERE k = {q(kind)})"


def forged_bytes():
    """Real model bytes truncated and with flipped bytes, empty, zero, random."""
    out = [("''", "''::bytea"), ("'\\x00'", "'\\x00'::bytea"), ("random 600 bytes", mb("random"))]
    pos = {"half": "length(x) / 2", "third": "length(x) / 3", "len-1": "length(x) - 1", "len-8": "length(x) - 8"}
    for kind in ("fz_forest", "fz_boost", "fz_reg"):
        of = f"FROM fz.mb m(k, x) WHERE k = {q(kind)})"
        for n in (1, 4, 8, 16, 40, "half", "len-1"):
            out.append((f"{kind} truncated at {n}", f"(SELECT substr(x, 1, {pos.get(n, n)}) {of}"))
        for p in (0, 4, 8, 9, 12, 16, 20, 24, 32, 48, "third", "half", "len-8", "len-1"):
            at = pos.get(p, p)
            out.append((f"{kind} byte {p} flipped", f"(SELECT set_byte(x, {at}, get_byte(x, {at}) # 255) {of}"))
        out.append((f"{kind} + trailing byte", f"(SELECT x || '\\x00'::bytea {of}"))
    return out


PARAM_KEYS = ["n_trees", "max_depth", "min_samples_leaf", "max_features", "seed", "task", "n_rounds",
              "learning_rate", "class_weight", "sample_fraction", "max_leaves", "subsample", "colsample",
              "l2", "loss", "min_child_weight", "early_stopping_rounds", "huber_delta", "test_fraction",
              "keep_category_names", "calibration", "calibration_folds", "validation_fraction"]
WRONG_JSON = ['"x"', "[]", "{}", "null", "true", "1.5", "-1", "0", "1e400", "-1e400", "99999999999999999999"]


def jsonb_values(argname):
    out = [(v, f"{q(v)}::jsonb") for v in ("{}", "[]", "null", '"x"', "1e400", '{"": 1}')]
    out.append(("deep nesting 5000", "(repeat('[', 5000) || repeat(']', 5000))::jsonb"))
    out.append(("deep object 200", "(repeat('{\"a\":', 200) || '1' || repeat('}', 200))::jsonb"))
    for k in PARAM_KEYS:
        for w in WRONG_JSON:
            v = '{"%s": %s}' % (k, w)
            out.append((v, f"{q(v)}::jsonb"))
    if argname == "space":  # tune's search space: a list or a range per key
        for v in ('{"max_depth": []}', '{"max_depth": [null]}', '{"max_depth": {"range": []}}',
                  '{"max_depth": {"range": [1e308, -1e308]}}', '{"max_depth": {"range": ["a", "b"]}}',
                  '{"max_depth": {"range": [2, 3], "log": true}}', '{"max_features": {"range": [0, 0]}}',
                  '{"max_depth": {"range": [2147483647, 9223372036854775807]}}', '{"nope": [1, 2]}'):
            out.append((v, f"{q(v)}::jsonb"))
    return out


TEXTS = [("''", "''"), ("100 kB", "repeat('x', 100000)"), ("control byte", "E'a\\x01b'"),
         ("quotes/dots/semicolons", q('"we""ird".na;me\'')), ("injection", q("public.x; DROP TABLE t")),
         ("no such relation", q("fz.no_such_relation")), ("unicode", q("é\u2028"))]


def array_values(elem, ok, first_array):
    """ok: two valid elements as SQL literals inside an array literal."""
    a, b = ok
    out = [("'{}'", "'{}'"), ("'{NULL}'", "'{NULL}'"),
           ("2-D", "'{{%s,%s},{%s,%s}}'" % (a, b, a, b)),
           ("lower bound 5", "'[5:6]={%s,%s}'" % (a, b)),
           ("mixed NULLs", "'{%s,NULL,%s}'" % (a, b))]
    if elem == "float8":
        out += [("NaN", "'{NaN,NaN}'"), ("Infinity", "'{Infinity,-Infinity}'"),
                ("1e308", "'{1e308,-1e308}'"), ("denormal, -0", "'{5e-324,-0}'")]
    if elem == "int4":
        out += [("{0}", "'{0}'"), ("{-1}", "'{-1}'"), ("int max", "'{2147483647}'"),
                ("int min", "'{-2147483647}'")]
    if elem == "text":
        out += [("{\"\"}", "'{\"\"}'"), ("100 kB element", "ARRAY[repeat('x', 100000)]"),
                ("duplicates", "'{%s,%s}'" % (a, a)), ("injection", q('{"x; DROP TABLE t"}'))]
    if first_array:
        out.append((BIG, "array_fill(%s::%s, ARRAY[1000000])" % (q(a.strip('"')), elem)))
    return out


def hostile(typ, argname, first_array):
    """[(label, sql expression)] for a type; NULL first."""
    ints = [("0", "0"), ("-1", "-1"), ("2^31-1", "2147483647"), ("-(2^31-1)", "-2147483647")]
    vals = []
    if typ == "integer":
        vals = ints
    elif typ == "bigint":
        vals = ints + [("2^63-1", "9223372036854775807"), ("-(2^63-1)", "-9223372036854775807")]
    elif typ == "double precision":
        vals = [(v, f"{q(v)}::float8") for v in ("NaN", "Infinity", "-Infinity", "-0", "1e308", "-1e308",
                                                   "5e-324", "0", "-1")]
    elif typ in ("text", "name", "cstring"):
        vals = TEXTS
    elif typ == "boolean":
        vals = [("true", "true"), ("false", "false")]
    elif typ == "jsonb":
        vals = jsonb_values(argname)
    elif typ == "bytea":
        vals = forged_bytes()
    elif typ == "regclass":
        vals = [("oid 0", "0::oid"), ("no such oid", "4294967295::oid"), ("empty table", "'fz.empty'"),
                ("wrong columns", "'fz.wrong'"), ("NULL/NaN rows", "'fz.nulls'"), ("view", "'fz.feat_view'"),
                ("sequence", "'fz.seq'"), ("index", "'fz.feat_pkey'"), ("catalog", "'pg_catalog.pg_class'"),
                ("registry", "'edupredict.models'")]
    elif typ == "regrole":
        vals = [("oid 0", "0::oid"), ("no such oid", "4294967295::oid"), ("pg_monitor", "'pg_monitor'")]
    elif typ == "date":
        vals = [(v, q(v)) for v in ("infinity", "-infinity", "4713-01-01 BC", "5874897-12-31")]
    elif typ == "edupredict.school_term":
        vals = [(v, q(v)) for v in ("1 Autumn", "9999 Summer", "0 Spring", "2021 Autumn")]
        vals += [("max term", "'2021 Autumn'::edupredict.school_term OPERATOR(edupredict.+) 2147483647")]
    elif typ == "double precision[]":
        vals = array_values("float8", ("0.5", "0.25"), first_array)
    elif typ == "integer[]":
        vals = array_values("int4", ("1", "2"), first_array)
    elif typ == "text[]":
        vals = array_values("text", ("a", "b"), first_array)
    elif typ == "geometry":
        vals = [(v, q(v)) for v in ("POINT EMPTY", "GEOMETRYCOLLECTION EMPTY", "LINESTRING(0 0,1 1)",
                                     "SRID=3857;POINT(0 0)", "POINT(1e308 -1e308)", "POINT Z (0 0 0)")]
    elif typ == "geometry[]":
        vals = [("'{}'", "'{}'"), ("{NULL}", "ARRAY[NULL]::geometry[]"),
                ("2-D", "ARRAY[ARRAY['POINT(0 0)'::geometry, 'POINT(0 1)'], ARRAY['POINT(1 0)', 'POINT(1 1)']]"),
                ("lower bound 5", "array_fill('POINT(0 0)'::geometry, ARRAY[2], ARRAY[5])"),
                ("mixed NULLs", "ARRAY['POINT(0 0)'::geometry, NULL, 'POINT(1 1)']"),
                ("EMPTY", "ARRAY['POINT EMPTY'::geometry, 'POINT EMPTY']")]
        if first_array:
            vals.append((BIG, "array_fill('POINT(0 0)'::geometry, ARRAY[1000000])"))
    elif typ == "record":
        vals = [("ROW(1)", "ROW(1)"), ("ROW('a','b')", "ROW('a', 'b')"),
                ("ROW of 12", "ROW(1,2,3,4,5,6,7,8,9,10,11,12)"),
                ("wrong types", "(SELECT w FROM fz.wrong w LIMIT 1)"),
                ("all NULL", "(SELECT n FROM fz.nulls n WHERE id = 1)"),
                ("NaN/Infinity", "(SELECT n FROM fz.nulls n WHERE id = 2)"),
                ("row of NULLs", "ROW(NULL, NULL, NULL)")]
        return [("NULL", "NULL::record")] + vals
    elif typ == "edupredict.model_ref":
        ref = "edupredict.model_ref_lookup('fz_boost', 1, 0)"
        vals = [("all fields NULL", "ROW(NULL, NULL, NULL, NULL)::edupredict.model_ref"),
                ("no such name", f"(SELECT ROW('fz_nope', r.id, r.row_version, r.model)::edupredict.model_ref FROM {ref} r)"),
                ("id -1", f"(SELECT ROW(r.name, -1, r.row_version, r.model)::edupredict.model_ref FROM {ref} r)"),
                ("row_version ''", f"(SELECT ROW(r.name, r.id, '', r.model)::edupredict.model_ref FROM {ref} r)"),
                ("model NULL", f"(SELECT ROW(r.name, r.id, r.row_version, NULL)::edupredict.model_ref FROM {ref} r)"),
                ("other model's bytes", f"(SELECT ROW(r.name, r.id, r.row_version, {mb('fz_forest')})::edupredict.model_ref FROM {ref} r)")]
        for lab, b in forged_bytes():
            vals.append(("bytes: " + lab,
                         f"(SELECT ROW(r.name, r.id, r.row_version, {b})::edupredict.model_ref FROM {ref} r)"))
    return [("NULL", "NULL")] + vals


# ------------------------------------------------------------- baselines
# By argument name (and type), then the argument's default, then by type.
BY_NAME = {
    "model_name": "'fz_forest'", "relation": "'fz.feat'", "target": "'target'", "features": "'{a,b,c}'",
    "row": "(SELECT f FROM fz.feat f WHERE id = 1)", "class": "'yes'", "version": "1",
    "tutors": "'fzt.tutors'", "placements": "'fzt.placements'", "responses": "'fzt.availability_responses'",
    "opportunities": "'fzt.opportunities'", "as_of": "'2021 Summer'", "predictions": "'fz.pred'",
    "recruits": "'fz.rec'", "n_trees": "3", "n_rounds": "3", "trials": "2", "folds": "2", "n_tutors": "40",
    "n_repeats": "1", "target_schema": "'fz_gen'", "params": "'{\"n_trees\": 3}'",
    "space": "'{\"max_depth\": [2, 3]}'", "algorithm": "'forest'", "cells": "'fz.cells'",
    "row_column": "'r'", "column_column": "'c'", "value_column": "'n'", "output": "'fz.panel2'",
    "events": "'fz.ev'", "entity": "'{student}'", "time_column": "'day'", "panel": "'fz.panel'",
    "train_until": "2", "output_column": "'risk'", "anchor": "0", "p": "0.5", "mu": "2", "lo": "0",
    "hi": "2", "sd": "0.5", "d": "'2021-01-15'", "term": "'2021 Autumn'", "value": "'alice@example.com'",
    "kind": "'email'", "rel": "'fz.feat'", "owner": "'postgres'", "name_owner": "'postgres'",
    "role": "'postgres'", "action": "'train'", "hubs": "NULL", "sub_regions": "NULL", "horizons": "'{1,2,3}'", "first_t": "'2020 Autumn'",
    "last_t": "'2021 Spring'", "first_term": "'2020 Autumn'", "last_term": "'2021 Spring'",
    "k": "2", "min_size": "5", "max_size": "15", "phone_country": "'44'",
    "state": "(SELECT edupredict.expected_count_state(x) FROM (VALUES (0.2), (0.7)) v(x))",
    "a": "(SELECT edupredict.expected_count_state(x) FROM (VALUES (0.2), (0.7)) v(x))",
    "b": "(SELECT edupredict.expected_count_state(x) FROM (VALUES (0.4)) v(x))",
    "geom": "(SELECT array_agg(geom ORDER BY id) FROM fz.pts)",
    "hub": "(SELECT array_agg(id % 2 ORDER BY id) FROM fz.pts)",
    "model": "(SELECT b FROM fz.mb WHERE k = 'fz_boost')",
}
BY_TYPE = {
    "integer": "1", "bigint": "1", "double precision": "0.5", "text": "'x'", "name": "'x'", "boolean": "false",
    "jsonb": "'{}'", "bytea": "(SELECT b FROM fz.mb WHERE k = 'fz_forest')", "regclass": "'fz.feat'",
    "regrole": "'postgres'", "date": "'2021-01-15'", "edupredict.school_term": "'2021 Autumn'",
    "double precision[]": "'{0.5,0.5}'", "integer[]": "'{1}'", "text[]": "'{a}'",
    "record": "(SELECT f FROM fz.feat f WHERE id = 1)", "cstring": "'2021 Autumn'",
    "geometry": "'SRID=4326;POINT(0 51)'",
}


def baselines(fn):
    names, types = fn["argnames"], fn["argtypes"]
    has = set(names)
    out = []
    for i, (n, t) in enumerate(zip(names, types)):
        v = None
        if t == "double precision[]" and n == "features":
            v = "'{0.5,0.5}'"  # fz_boost's two features
        elif t == "edupredict.model_ref":
            v = "edupredict.model_ref_lookup('fz_boost', 1, 0)"
        elif n == "model_name" and ("tutors" in has or fn["name"].startswith("_availability")
                                    or fn["name"].startswith("availability")):
            v = "'fz_avail'"
        elif n == "model_name" and ("double precision[]" in types or fn["name"] == "model_reserve"):
            v = "'fz_boost'" if fn["name"] != "model_reserve" else "'fz_new'"
        elif n == "as_of" and t != "edupredict.school_term":
            v = "'2021 Summer'" if fn["name"] == "_train_forest_as_of" else None
        elif n in ("casts", "keys", "columns", "not_null") and fn["name"].startswith("_"):
            v = {"casts": "'{float8}'", "keys": "'{id}'", "columns": "'{a}'", "not_null": "'{}'"}[n]
        elif n == "rel" and fn["name"] == "_reserved_area_problem":
            v = "'fzt.tutors'"
        elif n == "tbl":
            v = "'fz.scored2'" if fn["name"] == "detach_scoring" else "'fz.scored'"
        elif n == "model_name" and fn["name"] == "tune":
            v = "'fz_tune'"
        elif n in ("features", "columns", "keys", "casts", "not_null", "key_values", "measures", "areas") and t == "text[]":
            v = {"features": "'{a,b,c}'", "measures": "'{count}'"}.get(n, "'{a}'")
        elif n == "target" and fn["name"].endswith("_by_ref"):
            v = None
        elif n in BY_NAME and not (n == "features" and t != "text[]") and not (
                n in ("a", "b", "state") and t != "double precision[]") and not (
                n in ("geom",) and t != "geometry[]") and not (n == "p" and t != "double precision"):
            v = BY_NAME[n]
        if v is None and fn["defaults"][i] is not None:
            v = fn["defaults"][i]
        if v is None:
            v = BY_TYPE.get(t, "NULL")
        out.append(v)
    return out


def cast(expr, typ):
    if typ == "record":
        return expr
    return f"({expr})::{typ}"


# ----------------------------------------------------------------- calls
def plain_calls(fn):
    """(argument, value label, SQL) for a function or procedure."""
    base = baselines(fn)
    types = fn["argtypes"]
    qname = f"edupredict.{fn['qname']}"

    def sql(args):
        a = ", ".join(cast(v, t) for v, t in zip(args, types))
        if fn["kind"] == "p":
            return f"CALL {qname}({a})"
        if fn["rettype"] == "trigger":
            return f"SELECT {qname}({a})"
        return f"SELECT count(*) FROM (SELECT * FROM {qname}({a})) s"

    calls = [("-", "baseline", sql(base))]
    first_array = True
    for i, t in enumerate(types):
        is_array = t.endswith("[]")
        for lab, v in hostile(t, fn["argnames"][i], first_array and is_array):
            args = list(base)
            args[i] = v
            calls.append((fn["argnames"][i] or f"${i + 1}", lab, sql(args)))
        if is_array:
            first_array = False
    return calls


AGG_ROWS = {  # per-row baseline of each aggregate's arguments, over fz.feat f
    "forest_agg": ["ARRAY[f.a, f.b]", None, "'{\"n_trees\": 3}'"],
    "forest_agg_trees": ["ARRAY[f.a, f.b]", None, "'{\"n_trees\": 3}'"],
    "boost_agg": ["ARRAY[f.a, f.b]", None, "'{\"n_rounds\": 3}'"],
    "min": ["edupredict.term_of(date '2019-01-01' + f.id * 40)"],
    "max": ["edupredict.term_of(date '2019-01-01' + f.id * 40)"],
    "expected_count": ["f.a"], "expected_count_state": ["f.a"],
    "convolve_counts": ["edupredict.count_poisson(f.a)"],
}


def agg_calls(fn):
    types = fn["argtypes"]
    base = list(AGG_ROWS.get(fn["name"], [None] * len(types)))
    for i, t in enumerate(types):
        if base[i] is None:
            base[i] = "f.y" if t == "double precision" else "f.target" if t == "text" else BY_TYPE.get(t, "NULL")
    if fn["name"] == "forest_agg_trees" and types[1] == "double precision":
        base[2] = "'{\"n_trees\": 3, \"task\": \"regression\"}'"  # a numeric target needs the task
    qname = f"edupredict.{fn['name']}"

    def sql(args, where="true"):
        a = ", ".join(cast(v, t) for v, t in zip(args, types))
        return f"SELECT count(*) FROM (SELECT {qname}({a}) FROM fz.feat f WHERE {where}) s"

    calls = [("-", "baseline", sql(base)), ("-", "0 rows", sql(base, "false")),
             ("-", "1 row", sql(base, "f.id = 1"))]
    first_array = True
    for i, t in enumerate(types):
        nul = list(base)
        nul[i] = f"CASE WHEN f.id % 3 = 0 THEN NULL ELSE {cast(base[i], t)} END"
        calls.append((f"${i + 1}", "NULL in some rows", sql(nul)))
        is_array = t.endswith("[]")
        for lab, v in hostile(t, "params" if t == "jsonb" else "", first_array and is_array):
            args = list(base)
            args[i] = v
            calls.append((f"${i + 1}", lab + " (every row)", sql(args)))
            if lab != BIG:
                args[i] = f"CASE WHEN f.id = 7 THEN {cast(v, t)} ELSE {cast(base[i], t)} END"
                calls.append((f"${i + 1}", lab + " (row 7)", sql(args)))
        if is_array:
            first_array = False
    return calls


def state_values():
    """Hostile states of forest_agg_trees: NULL, the valid states of sql_args_setup.sql
    (one of trees, one of rows) cut short and with flipped bytes, and odd bytes."""
    out = [("NULL", "NULL"), ("''", "''::bytea"), ("'\\x00'", "'\\x00'::bytea"), ("random 600 bytes", mb("random")),
           ("model bytes", mb("agg"))]
    pos = {"half": "length(x) / 2", "third": "length(x) / 3", "len-1": "length(x) - 1", "len-8": "length(x) - 8"}
    for kind in ("trees_state", "trees_rows"):
        of = f"FROM fz.mb m(k, x) WHERE k = {q(kind)})"
        out.append((kind, mb(kind)))
        for n in (4, 8, 12, 16, 20, 21, 24, 40, "third", "half", "len-1"):
            out.append((f"{kind} truncated at {n}", f"(SELECT substr(x, 1, {pos.get(n, n)}) {of}"))
        # the header's fields, the forest and constant-part counts, then (trees_rows) the rows' fields
        for p in (0, 4, 5, 6, 7, 8, 11, 12, 15, 16, 19, 20, 23, 24, 27, 30, 34, 38, 42, 45, 46, 47, 54, 58,
                  76, 80, 81, "third", "half", "len-8", "len-1"):
            at = pos.get(p, p)
            out.append((f"{kind} byte {p} flipped", f"(SELECT set_byte(x, {at}, get_byte(x, {at}) # 255) {of}"))
        out.append((f"{kind} + trailing byte", f"(SELECT x || '\\x00'::bytea {of}"))
        out.append((f"{kind} twice", f"(SELECT x || x {of}"))
    return out


def agg_support_calls(fn):
    """A support function of an aggregate with a bytea state (forest_agg_trees's)
    refuses to run outside an aggregate (0A000), so it is called the way any role
    can reach it: through an aggregate built on it (sql_args_setup.sql), each
    hostile state as a row to combine (alone and after a valid state), as
    the state to finish, or as the state a row is added to."""
    support = fn["support"].split(",")
    numeric = "trans" in support and fn["argtypes"][2] == "double precision"
    valid = f"{mb('trees_state_reg' if numeric else 'trees_state')}::bytea"
    calls = []
    for lab, v in [("valid", None)] + state_values():
        h = valid if v is None else f"({v})::bytea"
        name = "baseline" if v is None else lab
        if "combine" in support:
            for how, rows in (("alone", f"(1, {h})"), ("after a state", f"(1, {valid}), (2, {h})")):
                calls.append(("state", name if v is None and how == "alone" else f"{lab} ({how})",
                              f"{COUNT}SELECT fz.trees_merge(x ORDER BY o) FROM (VALUES {rows}) v(o, x)) s"))
        if "final" in support:
            calls.append(("state", name, f"{COUNT}SELECT fz.trees_final(x) FROM (VALUES ({h})) v(x)) s"))
        if "trans" in support:
            calls.append(("state", name, f"{COUNT}SELECT fz.trees_from({h}, {str(numeric).lower()})) s"))
    return calls


def window_calls(fn):
    types, names = fn["argtypes"], fn["argnames"]
    base = baselines(fn)
    base = ["p.geom" if n == "geom" else v for n, v in zip(names, base)]
    qname = f"edupredict.{fn['name']}"

    def sql(args, where="true"):
        a = ", ".join(cast(v, t) for v, t in zip(args, types))
        return f"SELECT count(*) FROM (SELECT {qname}({a}) OVER () FROM fz.pts p WHERE {where}) s"

    calls = [("-", "baseline", sql(base)), ("-", "0 rows", sql(base, "false")),
             ("-", "1 row", sql(base, "p.id = 1")), ("-", "2 rows", sql(base, "p.id <= 2"))]
    for i, t in enumerate(types):
        nul = list(base)
        nul[i] = f"CASE WHEN p.id % 3 = 0 THEN NULL ELSE {cast(base[i], t)} END"
        calls.append((names[i], "NULL in some rows", sql(nul)))
        if t == "integer":
            var = list(base)
            var[i] = "p.id % 4"
            calls.append((names[i], "varies by row", sql(var)))
        for lab, v in hostile(t, names[i], False):
            args = list(base)
            args[i] = v
            calls.append((names[i], lab + " (every row)", sql(args)))
            if t == "geometry":
                args[i] = f"CASE WHEN p.id = 7 THEN {cast(v, t)} ELSE p.geom END"
                calls.append((names[i], lab + " (row 7)", sql(args)))
    return calls


def catalog_rows():
    """One dict per function (arguments by position, types as regtype text)."""
    sep = "\x1e"
    out = psql(r"""
SELECT concat_ws(E'\x1e', p.proname, p.prokind, p.oid::regprocedure::text, p.prorettype::regtype::text,
       array_to_string(ARRAY(SELECT t::regtype::text FROM unnest(p.proargtypes) WITH ORDINALITY u(t, o) ORDER BY o), E'\x1d'),
       CASE WHEN p.proargnames IS NULL THEN '' ELSE array_to_string(ARRAY(
         SELECT coalesce(nullif(n, ''), '?') FROM unnest(p.proargnames, coalesce(p.proargmodes,
                  array_fill('i'::"char", ARRAY[cardinality(p.proargnames)]))) WITH ORDINALITY u(n, m, o)
         WHERE m IN ('i', 'b', 'v') ORDER BY o), E'\x1d') END,
       array_to_string(ARRAY(SELECT coalesce(pg_get_function_arg_default(p.oid, i), '<none>')
                             FROM generate_series(1, p.pronargs) i ORDER BY i), E'\x1d'),
       (SELECT string_agg(DISTINCT CASE p.oid WHEN a.aggtransfn THEN 'trans' WHEN a.aggcombinefn THEN 'combine'
                                   ELSE 'final' END, ',')
        FROM pg_aggregate a JOIN pg_proc ap ON ap.oid = a.aggfnoid
        WHERE ap.pronamespace = 'edupredict'::regnamespace AND a.aggtranstype = 'bytea'::regtype
          AND p.oid IN (a.aggtransfn, a.aggcombinefn, a.aggfinalfn)))
FROM pg_proc p
WHERE p.pronamespace = 'edupredict'::regnamespace
  AND NOT ('internal'::regtype = ANY (p.proargtypes)) AND p.prorettype <> 'internal'::regtype
ORDER BY p.oid::regprocedure::text""")
    fns = []
    for line in out.split("\n"):
        if not line:
            continue
        f = line.split(sep)
        f += [""] * (8 - len(f))
        n = len(f[4].split("\x1d")) if f[4] else 0
        types = f[4].split("\x1d") if n else []
        names = f[5].split("\x1d") if f[5] else ["?"] * n
        defaults = [None if d == "<none>" else d for d in f[6].split("\x1d")] if n else []
        names = ["" if x == "?" else x for x in names]
        fns.append(dict(name=f[0], kind=f[1], sig=f[2], rettype=f[3], argtypes=types,
                        argnames=names, defaults=defaults, qname=f[0], support=f[7]))
    return fns


# ------------------------------------------------------------------- run
ERR_RE = re.compile(r"^(?:psql:[^:]*:\d+: )?(ERROR|FATAL|PANIC):  ([0-9A-Z]{5}): (.*)$")
LOST_RE = re.compile(r"server closed the connection unexpectedly|connection to server was lost|"
                     r"no connection to the server|terminating connection because of crash")


def server_log():
    try:
        r = subprocess.run(["pg_lsclusters", "-h", os.environ.get("PGVERSION", "15"), "regress"],
                           capture_output=True, text=True)
        return r.stdout.split()[-1]
    except (OSError, IndexError):
        return None


def crashes_in_log(path):
    if not path or not os.path.exists(path):
        return 0
    with open(path, errors="replace") as f:
        return sum(1 for line in f if "terminated by signal" in line)


def wait_for_server():
    for _ in range(120):
        r = subprocess.run(["psql", "-X", "-q", "-At", "-c", "SELECT 1"], capture_output=True, text=True)
        if r.returncode == 0:
            return
        time.sleep(0.5)
    sys.exit("sql-args: the server did not come back after a crash")


COUNT = "SELECT count(*) FROM ("
# count(*) alone lets the planner drop an aggregate or window call from the
# subquery, never evaluating it: count the rows that are not NULL instead.
USE_ROWS = "SELECT count(*) FILTER (WHERE NOT (s IS NULL)) FROM ("
COUNT_NOT_NULL = ("SELECT count(*) FILTER (WHERE NOT (s IS NULL)) AS fz_n, "
                  "translate(left(string_agg(s::text, ' | '), 300), E'\\n\\r', '  ') AS fz_v FROM (")


def run_batch(calls, start, workdir):
    """Runs calls[start:] in one psql session; returns ({index: (state, msg)}, {index: (rows
    that are not NULL, their text cut at 300 characters)} for the roles' calls, index of the
    call in progress when the connection was lost, or None).  A role's call runs under SET
    LOCAL ROLE; then, back as the superuser, fz.fp_check() fails (FZ001) if it changed what
    belongs to the superuser."""
    script = os.path.join(workdir, "calls.sql")
    with open(script, "w") as f:
        f.write("SET client_min_messages = error;\n\\set VERBOSITY verbose\n")
        for i in range(start, len(calls)):
            sql, role = calls[i][3], calls[i][4]
            f.write(f"\\warn @@{i}\nBEGIN;\nSET LOCAL statement_timeout = '{TIMEOUT}';\n")
            if role is None:
                if sql.startswith(COUNT):  # reads the rows, so that an aggregate or window call is evaluated
                    sql = USE_ROWS + sql[len(COUNT):]
                f.write(f"{sql};\nROLLBACK;\n")
                continue
            f.write(f"SET LOCAL ROLE {role};\n")
            if sql.startswith(COUNT):
                f.write("\\set fz_n -\n\\set fz_v ''\n" + COUNT_NOT_NULL + sql[len(COUNT):]
                        + " \\gset\n\\warn @@n :fz_n :fz_v\n")
            else:
                f.write(sql + ";\n")
            f.write("RESET ROLE;\nSELECT fz.fp_check();\nROLLBACK;\n")
        f.write("\\warn @@end\n")
    r = subprocess.run(["psql", "-X", "-q", "-o", "/dev/null", "-f", script],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace")
    results, rows, cur, lost = {}, {}, None, False
    for line in r.stderr.split("\n"):
        if line.startswith("@@n "):
            n, _sp, v = line[4:].partition(" ")
            if cur is not None and n.isdigit():
                rows[cur] = (int(n), "" if v == ":fz_v" else v)
            continue
        if line.startswith("@@"):
            cur = None if line == "@@end" else int(line[2:])
            continue
        m = ERR_RE.match(line)
        if m and cur is not None and cur not in results:
            results[cur] = (m.group(2), m.group(3))
        if LOST_RE.search(line):
            lost = True
    if lost or r.returncode != 0 and cur is not None:
        return results, rows, cur
    return results, rows, None


# ----------------------------------------------------------------- roles
# The same calls again as untrusted roles (docs/security.md): fz_user holds
# edupredict_user, fz_pub holds nothing.  Each has its own copy of the state
# (schemas fzu/fzut, fzp/fzpt, models fzu_*, fzp_*) and calls in three modes:
#   own           its own tables and models (a sample of the hostile values)
#   other-model   its own tables, the superuser's models (fz_forest, ... by name)
#   other-tables  the superuser's tables (named by regclass or text), its own models
# fz_grant holds edupredict_user and was granted the superuser's fz_forest,
# fz_boost and fz_reg (grant_model, sql_args_setup.sql); with its own state
# (fzg/fzgt, fzg_*) it calls in two modes:
#   granted-model its own tables, the granted models by name (its own fzg_avail):
#                 a call may answer, but one of GRANTEE_DENIED must fail (42501)
#   other-model   its own tables, the superuser's models it was NOT granted:
#                 fz_avail, and fz_forest_ng, fz_boost_ng, fz_reg_ng (copies)
# After each call fz.fp_check() (sql_args_setup.sql) fails with FZ001 if the
# superuser's registry rows, runs, tables or the extension's catalog entries
# changed.  In the other-* modes a call must not return data: see OTHER_EXPECT.
ROLES = [("fz_user", "fzu"), ("fz_pub", "fzp"), ("fz_grant", "fzg")]
MODES = {"fz_user": ("own", "other-model", "other-tables"), "fz_pub": ("own", "other-model", "other-tables"),
         "fz_grant": ("granted-model", "other-model")}
GRANTEE = "fz_grant"
SU_MODELS = r"fz_(?:forest|reg|boost|avail)"
GRANTED = r"fz_(?:forest|reg|boost)"
NOT_GRANTED = r"fz_(?:forest_ng|reg_ng|boost_ng|avail)"
SU_ONLY = re.compile(r"CREATE EXTENSION|ALTER SYSTEM|pg_reload_conf|^CREATE SCHEMA fz;")
# Sampling (1 in N calls of a function, its baseline always) keeping the step within 90 s on 2 cores.
SAMPLE = {("fz_user", "own"): 4, ("fz_user", "other-model"): 3, ("fz_user", "other-tables"): 3,
          ("fz_pub", "own"): 10, ("fz_pub", "other-model"): 6, ("fz_pub", "other-tables"): 6,
          ("fz_grant", "granted-model"): 4, ("fz_grant", "other-model"): 6}
# Functions that change a model name (train a version of it, deploy, drop,
# grant): only members of its owner may (docs/security.md), so the grantee's
# baseline call naming a granted model must fail with 42501.
GRANTEE_DENIED = {"drop_model", "deploy", "undeploy", "calibrate", "choose_threshold", "model_profile",
                  "grant_model", "revoke_model", "model_reserve", "tune", "train_forest", "train_boosting"}

# The expected outcome of a role's call naming the superuser's model or table,
# per function: by default it fails with 42501 (no right) or 42704 (no such
# model, as the role sees the registry) or returns only NULLs / no rows; an
# internal *_problem function may instead return its {sqlstate, message, ...}
# array, which counts as that error.  The baseline call (valid arguments) must
# end in one of OTHER_STATES; a hostile variant may fail otherwise (a bad
# argument) but never return data.  Functions listed here may return data
# matching the regex (on the rows' text, ' | '-separated), with the reason.
OTHER_STATES = {"42501", "42704", "empty"}
OTHER_EXPECT = {
    "_model_name_exists": (r"\(t\)", "docs/security.md: reveals only whether a name is taken, as training it does"),
    "_model_readable": (r"\(f\)", "whether the CALLER may read the name's models: false for another's model"),
    "_run_model_readable": (r"\(f\)", "whether the CALLER may read the name's models: false for another's model"),
    "_supply_demand_sql": (r".*", "returns the text of a query over the relations it is given; reads no table"),
}
PROBLEM_RE = re.compile(r'^\("?\{"?([0-9A-Z]{5})[",]')


def subst(sql, p, tables, models):
    """The SQL of a call for the role whose schemas are p and pt: its own tables
    (tables=True: every fz.X and fzt.X; else only rows read in FROM clauses and
    model bytes), its own model names (models=True; else the superuser's, also
    for the new name of model_reserve and tune)."""
    if tables:
        sql = re.sub(r"\bfz\.", p + ".", sql)
        sql = re.sub(r"\bfzt\b", p + "t", sql)
    else:
        sql = re.sub(r"\bFROM fz\.", "FROM " + p + ".", sql)
        sql = re.sub(r"\bFROM fzt\.", "FROM " + p + "t.", sql)
        sql = re.sub(r"\bfz\.mb\b", p + ".mb", sql)
    if models:
        sql = re.sub(r"\b(" + SU_MODELS + r")\b", lambda m: p + m.group(1)[2:], sql)
    sql = re.sub(r"(WHERE k = )'fz_", r"\1'" + p + "_", sql)  # its own copy of the model bytes
    if not models:  # model_reserve and tune of a name the superuser holds
        sql = re.sub(r"'fz_(tune|new)'", "'fz_forest'", sql)
    return re.sub(r"\bfz_(tune|new|nope|gen)\b", p + r"_\1", sql)


def names_superusers(sql, mode, role):
    if mode == "granted-model":
        return re.search(r"'" + GRANTED + r"'", sql) is not None
    if mode == "other-model":
        return re.search(r"'" + (NOT_GRANTED if role == GRANTEE else SU_MODELS) + r"'", sql) is not None
    return re.search(r"'fzt?\.(?!no_such_relation)", sql) is not None


def grantee_subst(sql, p, mode):
    """The grantee's models: granted-model keeps the granted names (fz_avail
    becomes its own); other-model names the copies it was not granted."""
    if mode == "granted-model":
        return re.sub(r"\bfz_avail\b", p + "_avail", sql)
    return re.sub(r"\b(fz_(?:forest|reg|boost))\b", r"\1_ng", sql)


def role_setup():
    """Each role builds its own copy of sql_args_setup.sql's state; what fz_pub cannot
    build (registry models) it gets as copies of fz_user's tables, then fz.fp0."""
    with open(os.path.join(HERE, "sql_args_setup.sql")) as f:
        text = f.read().split("-- Untrusted roles")[0]
    text = "\n".join(line for line in text.split("\n") if not SU_ONLY.search(line))
    for role, p in ROLES:
        script = subst(text, p, True, True)
        if role == "fz_pub":  # fails to train (42501): its models come from fz_user below
            script = script.replace("\\set ON_ERROR_STOP 1", "")
        r = subprocess.run(["psql", "-X", "-q", "-o", "/dev/null"],
                           input=script, capture_output=True, text=True,
                           env=dict(os.environ, PGOPTIONS="-c role=" + role))
        if r.returncode != 0:
            sys.exit(f"sql-args: the state of {role} failed: {r.stderr}")
    psql(r"""
DO $$
DECLARE r record;
BEGIN
  CREATE SCHEMA IF NOT EXISTS fzpt AUTHORIZATION fz_pub;
  FOR r IN SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname IN ('fzu', 'fzut') AND c.relkind = 'r'
             AND to_regclass(format('%I.%I', replace(n.nspname, 'fzu', 'fzp'), c.relname)) IS NULL LOOP
    EXECUTE format('CREATE TABLE %I.%I AS TABLE %I.%I', replace(r.nspname, 'fzu', 'fzp'), r.relname,
                   r.nspname, r.relname);
    EXECUTE format('ALTER TABLE %I.%I OWNER TO fz_pub', replace(r.nspname, 'fzu', 'fzp'), r.relname);
  END LOOP;
END
$$;
INSERT INTO fzp.mb SELECT * FROM fzu.mb u WHERE u.k NOT IN (SELECT k FROM fzp.mb);
INSERT INTO fz.fp0 SELECT fz.fp();""")


def role_calls(su_calls):
    """(sig, arg, val, sql, role, mode) for the roles, from the superuser's calls."""
    out = []
    for role, p in ROLES:
        for mode in MODES[role]:
            k = SAMPLE[(role, mode)]
            for sig, arg, val, sql, _r, _m in su_calls:
                t = subst(sql, p, mode != "other-tables", mode not in ("other-model", "granted-model"))
                if role == GRANTEE:
                    t = grantee_subst(t, p, mode)
                if mode != "own" and not names_superusers(t, mode, role):
                    continue
                if val != "baseline" and zlib.crc32(f"{role}{mode}{sig}{arg}{val}".encode()) % k:
                    continue
                out.append((sig, arg, val, t, role, mode))
    return out


def role_outcome(sig, val, state, result, mode):
    """Why a role's call in an other-* mode, or the grantee's changing a granted
    model, is a finding, or None."""
    name = sig.split("(")[0].split(".")[-1]
    if mode == "granted-model":
        if name in GRANTEE_DENIED and val == "baseline" and state != "42501":
            return "a grantee changed (or tried to change) a granted model: expected 42501"
        return None
    n, v = result if result else (0, "")
    if state == "ok" and n and name.endswith("_problem") and PROBLEM_RE.match(v):
        state, n = PROBLEM_RE.match(v).group(1), 0
    if state == "ok" and n:
        if name in OTHER_EXPECT and re.fullmatch(OTHER_EXPECT[name][0], v):
            return None
        return f"returned {n} non-NULL row(s) ({v[:120]}) naming the superuser's objects"
    if val == "baseline" and (state if state != "ok" else "empty") not in OTHER_STATES and name not in OTHER_EXPECT:
        return f"expected {'/'.join(sorted(OTHER_STATES))}"
    return None


def main():
    only = re.compile(os.environ.get("SQLFUZZ_ONLY", "."))
    fns = [f for f in catalog_rows() if only.search(f["name"])]
    calls = []
    for fn in fns:
        if fn["support"]:
            cs = agg_support_calls(fn)
        elif fn["kind"] == "a":
            cs = agg_calls(fn)
        elif fn["kind"] == "w":
            cs = window_calls(fn)
        else:
            cs = plain_calls(fn)
        calls += [(fn["sig"], a, v, s, None, "superuser") for a, v, s in cs]
    t0 = time.time()
    role_setup()
    calls += role_calls(calls)
    log = server_log()
    crashes_before = crashes_in_log(log)
    results, rows, crashed = {}, {}, []
    with tempfile.TemporaryDirectory() as work:
        start = 0
        while start < len(calls):
            res, nrows, lost_at = run_batch(calls, start, work)
            results.update(res)
            rows.update(nrows)
            if lost_at is None:
                break
            crashed.append(lost_at)
            # the postmaster logs the signal when it reaps the backend, maybe after psql saw the loss
            for _ in range(20):
                if crashes_in_log(log) - crashes_before >= len(crashed):
                    break
                time.sleep(0.25)
            results[lost_at] = ("crash", "connection lost (server log: %d 'terminated by signal' so far)"
                                % (crashes_in_log(log) - crashes_before))
            time.sleep(0.5)
            wait_for_server()
            start = lost_at + 1
    failures, timeouts, baseline_errors = [], [], []
    state_readers = {fn["sig"] for fn in fns if fn["support"]}
    logf = open(os.environ["SQLFUZZ_LOG"], "w") if os.environ.get("SQLFUZZ_LOG") else None
    for i, (sig, arg, val, sql, role, mode) in enumerate(calls):
        state, msg = results.get(i, ("ok", ""))
        who = role or "superuser"
        if logf:
            logf.write("\t".join([who, mode, sig, arg, val, state, str(rows.get(i, ""))[:200],
                                   msg.replace("\t", " ")]) + "\n")
        if role:
            sig = f"[{role} {mode}] {sig}"
        if state == "57014":
            timeouts.append((sig, arg, val))
        elif state == "crash" or state.startswith("XX"):
            name = sig.split("(")[0].split(".")[-1]
            if any(n == name and s == state and re.search(r, msg) for n, s, r, _why in ALLOWED):
                continue
            failures.append((sig, arg, val, state, msg))
        elif state == "FZ001":
            failures.append((sig, arg, val, state, msg))
        elif state == "08P01" and sig.split("] ")[-1] in state_readers:
            # a damaged state is bad data (22000): the bytes came from SQL, not the wire
            failures.append((sig, arg, val, state, "a state read as a protocol message: " + msg))
        elif role and mode != "own" and role_outcome(sig, val, state, rows.get(i), mode):
            failures.append((sig, arg, val, state, role_outcome(sig, val, state, rows.get(i), mode)
                             + (": " + msg if msg else "")))
        elif val == "baseline" and state != "ok" and not role:
            baseline_errors.append((sig, state, msg))
    if logf:
        logf.close()
    for sig, arg, val, state, msg in failures:
        print(f"FAIL {sig} | {arg} = {val} | {state} | {msg}")
    for sig, arg, val in timeouts:
        print(f"timeout (5 s, allowed) {sig} | {arg} = {val}")
    for sig, state, msg in baseline_errors:
        print(f"note: baseline call fails: {sig} | {state} | {msg}")
    n_crash = crashes_in_log(log) - crashes_before
    if n_crash and not crashed:
        failures.append(("?", "", "", "crash", "server log"))
        print(f"FAIL the server log has {n_crash} 'terminated by signal' lines")
    print(f"sql-args: {len(calls)} calls, {len(failures)} failures "
          f"({len(timeouts)} timeouts, {len(fns)} functions, {time.time() - t0:.0f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
