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
  SQLFUZZ_COMBO=N     combination mode: also N calls per function (default 0,
                      off) in which 2 or 3 arguments at once take hostile or
                      boundary values (BOUNDS), as the superuser
  SQLFUZZ_SEED=S      the seed of those draws (default 1, printed): a function's
                      calls depend only on the seed and its signature
  SQLFUZZ_LOG=FILE    every call's outcome, tab-separated (role, mode, function,
                      argument, value, SQLSTATE or ok, non-NULL rows and their text, message)
"""
import os
import random
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
WRONG_JSON = ['"x"', "[]", "{}", "null", "true", "1.5", "-1", "0", "1e400", "-1e400", "1e-400", "-1e-400",
              "99999999999999999999"]


# class_weight as an object of class labels to weights (the fuzz tables' classes
# are 'yes' and 'no'): (label, SQL text of the object), given as the named
# text argument and as params.class_weight (space.class_weight: a list of it)
CLASS_WEIGHT_OBJECTS = [("valid", q('{"yes": 2, "no": 0.5}')), ("unknown label", q('{"nope": 2}')),
                        ("weight 0", q('{"yes": 0}')), ("weight 1e400", q('{"yes": 1e400}')),
                        ("weight 1000001", q('{"yes": 1000001}')), ("nested object", q('{"yes": {"no": 1}}')),
                        ("weight a string", q('{"yes": "3"}')), ("weight null", q('{"yes": null}')),
                        ("weight 1e200000", q('{"yes": 1e200000}')),
                        ("huge key", "jsonb_build_object(repeat('k', 100000), 1)::text"),
                        ("huge key weight 0", "jsonb_build_object(repeat('é', 50000), 0)::text")]


def jsonb_values(argname):
    out = [(v, f"{q(v)}::jsonb") for v in ("{}", "[]", "null", '"x"', "1e400", '{"": 1}')]
    out.append(("deep nesting 5000", "(repeat('[', 5000) || repeat(']', 5000))::jsonb"))
    out.append(("deep object 200", "(repeat('{\"a\":', 200) || '1' || repeat('}', 200))::jsonb"))
    for k in PARAM_KEYS:
        for w in WRONG_JSON:
            v = '{"%s": %s}' % (k, w)
            out.append((v, f"{q(v)}::jsonb"))
    for lab, o in CLASS_WEIGHT_OBJECTS:
        out.append(("class_weight object: " + lab, f"jsonb_build_object('class_weight', ({o})::jsonb)"))
        if argname == "space":
            out.append(("class_weight list of object: " + lab,
                        f"jsonb_build_object('class_weight', jsonb_build_array(({o})::jsonb))"))
    if argname == "space":  # tune's search space: a list or a range per key
        for v in ('{"max_depth": []}', '{"max_depth": [null]}', '{"max_depth": {"range": []}}',
                  '{"max_depth": {"range": [1e308, -1e308]}}', '{"max_depth": {"range": ["a", "b"]}}',
                  '{"max_depth": {"range": [2, 3], "log": true}}', '{"max_features": {"range": [0, 0]}}',
                  '{"max_depth": {"range": [2147483647, 9223372036854775807]}}', '{"nope": [1, 2]}',
                  '{"learning_rate": {"log": [1e-400, 1e999]}}', '{"learning_rate": {"log": [1e-400, 0.3]}}',
                  '{"max_depth": {"range": [1e-400, 1e400]}}', '{"max_depth": [3, 1e400, 5]}'):
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
        if argname == "class_weight":
            vals = TEXTS + [("object: " + lab, o) for lab, o in CLASS_WEIGHT_OBJECTS]
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
def plain_calls(fn, combo=False):
    """(argument, value label, SQL) for a function or procedure (combo: its
    calls of the combination mode instead)."""
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

    if combo:
        return combo_calls(fn, base, fn["argnames"], types, sql)
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


def agg_calls(fn, combo=False):
    types = fn["argtypes"]
    base = list(AGG_ROWS.get(fn["name"], []))[:len(types)]
    base += [None] * (len(types) - len(base))
    if fn["name"] in ("forest_agg", "boost_agg") and len(types) == 4:
        base[3] = "'g' || f.id % 5"  # the group key of the 4-argument forms
    for i, t in enumerate(types):
        if base[i] is None:
            base[i] = "f.y" if t == "double precision" else "f.target" if t == "text" else BY_TYPE.get(t, "NULL")
    if fn["name"] == "forest_agg_trees" and types[1] == "double precision":
        base[2] = "'{\"n_trees\": 3, \"task\": \"regression\"}'"  # a numeric target needs the task
    qname = f"edupredict.{fn['name']}"

    def sql(args, where="true"):
        a = ", ".join(cast(v, t) for v, t in zip(args, types))
        return f"SELECT count(*) FROM (SELECT {qname}({a}) FROM fz.feat f WHERE {where}) s"

    if combo:
        return combo_calls(fn, base, ["params" if t == "jsonb" else "" for t in types], types, sql, "f")
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


def window_calls(fn, combo=False):
    types, names = fn["argtypes"], fn["argnames"]
    base = baselines(fn)
    base = ["p.geom" if n == "geom" else v for n, v in zip(names, base)]
    qname = f"edupredict.{fn['name']}"

    def sql(args, where="true"):
        a = ", ".join(cast(v, t) for v, t in zip(args, types))
        return f"SELECT count(*) FROM (SELECT {qname}({a}) OVER () FROM fz.pts p WHERE {where}) s"

    if combo:
        return combo_calls(fn, base, names, types, sql, "p")
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


# ------------------------------------------------------ combination mode
# Arguments each acceptable alone can be bad together (max_leaves with a
# max_depth, folds with a relation of few rows, k with few points, a min/max
# pair reversed, two arrays of different lengths, a time split's gap ...):
# with SQLFUZZ_COMBO=N every function also gets N calls in which 2 or 3
# arguments at once (often a group of GROUPS) take a value of their BOUNDS (a
# jsonb one of PARAM_BOUNDS) or else of their type's hostile pool (hostile(),
# without the 1,000,000-element arrays).
COMBO = int(os.environ.get("SQLFUZZ_COMBO") or 0)
SEED = int(os.environ.get("SQLFUZZ_SEED") or 1)
SERIES = "(SELECT array_agg(g) FROM generate_series(1, {}) g)"
PTS = "(SELECT array_agg({} ORDER BY id) FROM fz.pts WHERE id <= {})"
FZT = ["'fzt.tutors'", "'fzt.placements'", "'fzt.availability_responses'", "'fzt.opportunities'", "'fz.pred'",
       "'fz.rec'"]
# Boundary values of an argument's documented range, by argument name: both
# ends and just beyond them, the values of a text argument's choice, names of
# fz.feat's columns (60 rows, 3 values of c, 2 of target), fz.few (4 rows of
# fz.feat), fz.pts (20 points).  The docs say where each range comes from.
BOUNDS = {
    # docs/forest.md (train_forest's arguments and errors), docs/forecasting.md (train_availability)
    "n_trees": ["1", "10000", "10001"], "max_depth": ["1", "32", "33", "100000", "100001"],
    "min_samples_leaf": ["1", "30", "60", "61"], "max_features": ["5e-324", "1", "1.0000000000000002"],
    "sample_fraction": ["5e-324", "1", "1.0000000000000002"], "test_fraction": ["0", "0.9999999999999999", "1"],
    "calibration": ["'isotonic'", "'sigmoid'"], "calibration_folds": ["1", "2", "20", "21"],
    "class_weight": ["'balanced'"], "task": ["'auto'", "'classification'", "'regression'"],
    "keep_category_names": ["true"], "seed": ["0", "-9223372036854775807"],
    # docs/boosting.md (the knobs)
    "n_rounds": ["1", "10000", "10001"], "learning_rate": ["5e-324", "1", "1.0000000000000002"],
    "max_leaves": ["1", "2", "3", "60"], "min_child_weight": ["0", "60", "61"], "l2": ["0", "1e308"],
    "subsample": ["5e-324", "1"], "colsample": ["5e-324", "1"], "early_stopping_rounds": ["1", "10000"],
    "validation_fraction": ["5e-324", "0.9999999999999999"], "huber_delta": ["5e-324", "1e308"],
    "loss": ["'logistic'", "'softmax'", "'squared'", "'absolute'", "'huber'"],
    # docs/tuning.md (cross_validate, tune): folds against 60 or 4 rows, a time split's gap
    "folds": ["2", "3", "4", "5", "59", "60", "61"], "split": ["'random'", "'group'", "'time'"],
    "group_by": ["'c'", "'target'", "'id'", "'a'"], "order_by": ["'id'", "'c'", "'target'", "'a'", "'y'"],
    "gap": ["0", "1", "2", "3", "58", "59"], "trials": ["1", "2", "3"],
    "method": ["'random'", "'grid'", "'halving'", "'isotonic'", "'sigmoid'"], "algorithm": ["'forest'", "'boosting'"],
    "metric": ["'accuracy'", "'roc_auc'", "'log_loss'", "'f1_macro'", "'r2'", "'rmse'", "'mae'"],
    "deploy": ["'no'", "'yes'", "'if_better'"],
    "relation": ["'fz.few'", "'fz.feat'", "'fz.nulls'"], "target": ["'c'", "'y'", "'id'", "'a'"],
    "features": ["'{a}'", "'{c}'", "'{a,b,c,y,id}'", "'{target}'", "'{y}'"],
    # docs/explain.md (the SQL reference, choose_threshold's rules)
    "version": ["0", "1", "2"], "class": ["'no'", "'yes'", "'p'"], "top_k": ["0", "1", "2", "3", "4"],
    "bins": ["1", "2", "60", "61"], "n_repeats": ["1", "2"], "threshold": ["0", "1", "5e-324", "0.9999999999999999"],
    "rule": ["'top_k 1'", "'top_k 0'", "'top_k 61'", "'prior'", "'max_f1'", "'recall >= 1'", "'precision >= 1'",
             "'recall >= 0.0000001'", "'precision >= 0.0000001'"],
    # docs/clustering.md: k, sizes and neighbours against 20 points; two arrays of different lengths
    "k": ["1", "2", "10", "19", "20", "21"], "min_size": ["1", "2", "10", "19", "20", "21"],
    "max_size": ["1", "2", "10", "19", "20", "21"], "n_neighbors": ["1", "2", "19", "20", "21"],
    "on_infeasible": ["'error'", "'nearest'"],
    "geom": [PTS.format("geom", 19), PTS.format("geom", 1), "ARRAY[(SELECT geom FROM fz.pts WHERE id = 1)]"],
    "hub": [PTS.format("id % 2", 19), PTS.format("id % 2", 1), PTS.format("0", 20), PTS.format("id", 20),
            PTS.format("-1", 20), PTS.format("2147483647", 20)],
    # docs/panels.md: at most 8 entity columns, 64 lags and windows, 1 to 10,000 periods
    "horizon": ["0", "1", "10000", "10001"], "lags": ["'{1}'", "'{10000}'", "'{10001}'", SERIES.format(64),
                                                     SERIES.format(65)],
    "rolling": ["'{1}'", "'{10000}'", "'{10001}'", SERIES.format(64), SERIES.format(65)],
    "period": ["'day'", "'week'", "'month'", "'school_term'", "'year'", "'1'", "'7'", "'10000'"],
    "label": ["'end'", "'inactive'", "'event'"], "fill": ["'zero'", "'carry_forward'", "'interpolate'"],
    "entity": ["'{student}'", "'{student,student}'", "'{day}'", "'{score}'"],
    "time_column": ["'day'", "'student'", "'score'"],
    "measures": ["'{count}'", "'{days_active}'", "'{since_last}'", "'{sum(score)}'",
                 "'{count,days_active,since_last,sum(score),mean(score),max(score),min(score)}'"],
    "time_zone": ["'UTC'", "'+14'", "'Pacific/Kiritimati'"],
    # panel_split: period numbers lie in -2^30 .. 2^30 - 1; its views' bounds are bigint
    "train_until": ["0", "1", "2", "3", "1073741823", "1073741824", "-1073741824", "-1073741825"],
    "test_periods": ["0", "1", "2", "10000", "2147483647"],
    # docs/forecasting.md: horizons 1 to 12, terms 1900 Spring to 2200 Autumn, min/max pairs
    "horizons": ["'{1}'", "'{12}'", "'{1,12}'", "'{13}'", SERIES.format(12)],
    "as_of": ["'1900 Spring'", "'2200 Autumn'", "'2019 Autumn'", "'2021 Autumn'"],
    "term": ["'1900 Spring'", "'2200 Autumn'", "'2019 Autumn'", "'2021 Autumn'"],
    "first_term": ["'1900 Spring'", "'2200 Autumn'", "'2021 Spring'"],
    "last_term": ["'1900 Spring'", "'2200 Autumn'", "'2020 Autumn'"],
    "first_t": ["'1900 Spring'", "'2200 Autumn'", "'2021 Spring'"],
    "last_t": ["'1900 Spring'", "'2200 Autumn'", "'2020 Autumn'"],
    "lo": ["0", "1", "2", "3"], "hi": ["0", "1", "2", "3"], "mu": ["0", "5e-324", "1e6"],
    "n_tutors": ["1", "2"], "min_cell": ["0", "1", "20", "21"],
    # one relation, column or model where another is expected, or given twice
    "model_name": ["'fz_forest'", "'fz_boost'", "'fz_reg'", "'fz_avail'"],
    "tutors": FZT, "placements": FZT, "responses": FZT, "opportunities": FZT, "predictions": FZT, "recruits": FZT,
    "tbl": ["'fz.scored'", "'fz.scored2'", "'fz.feat'", "'fz.panel'"], "output": ["'fz.panel'", "'fz.ev'", "'fz.new'"],
    "events": ["'fz.ev'", "'fz.panel'", "'fz.feat'"], "panel": ["'fz.panel'", "'fz.ev'", "'fz.feat'"],
    "cells": ["'fz.cells'", "'fz.feat'"], "row_column": ["'r'", "'c'", "'n'"], "column_column": ["'r'", "'c'", "'n'"],
    "value_column": ["'r'", "'c'", "'n'"], "output_column": ["'risk'", "'a'", "'id'", "'c'"],
    "label_column": ["'day'", "'score'", "'student'"],
}
# Boundary values of the params keys (docs/forest.md, docs/boosting.md), put
# 2 or 3 at a time into one jsonb params of one learner's keys (forest_params.c,
# boost_learner.c; the aggregates' task and seed too), a list of one value each
# for tune's space.
PARAM_BOUNDS = {
    "n_trees": ["1", "3"], "max_depth": ["1", "32", "33", "null"], "max_leaves": ["1", "2", "3", "null"],
    "min_samples_leaf": ["1", "60"], "max_features": ["5e-324", "1"], "seed": ["0"],
    "task": ['"classification"', '"regression"'], "n_rounds": ["1", "3"], "learning_rate": ["5e-324", "1"],
    "class_weight": ['"balanced"'], "sample_fraction": ["5e-324", "1"], "subsample": ["5e-324", "1"],
    "colsample": ["5e-324", "1"], "l2": ["0"], "min_child_weight": ["0", "60"],
    "loss": ['"logistic"', '"softmax"', '"squared"', '"absolute"', '"huber"'],
    "early_stopping_rounds": ["1"], "huber_delta": ["5e-324"],
    "validation_fraction": ["5e-324", "0.9999999999999999"],
    "calibration": ['"isotonic"', '"sigmoid"'], "calibration_folds": ["2", "20"],
}
LEARNER_KEYS = {
    "forest": ["n_trees", "max_depth", "min_samples_leaf", "max_features", "class_weight", "sample_fraction",
               "calibration", "calibration_folds"],
    "boost": ["n_rounds", "learning_rate", "max_depth", "max_leaves", "min_child_weight", "l2", "subsample",
              "colsample", "early_stopping_rounds", "class_weight", "loss", "huber_delta", "validation_fraction"],
}
# Arguments that depend on one another (docs/*.md): 2 in 3 draws of a function
# that has all of one group's arguments vary that group (and maybe one more),
# with boundary values 9 times in 10.
GROUPS = [("split", "order_by", "gap"), ("split", "group_by", "folds"), ("relation", "folds", "split"),
          ("algorithm", "params"), ("algorithm", "space"), ("min_size", "max_size", "n_neighbors"),
          ("k", "n_neighbors"), ("first_term", "last_term"), ("first_t", "last_t"), ("lo", "hi"),
          ("geom", "hub"), ("max_depth", "max_leaves"), ("calibration", "calibration_folds", "n_trees"),
          ("target", "task", "loss"), ("class_weight", "calibration"), ("early_stopping_rounds", "validation_fraction"),
          ("test_fraction", "validation_fraction"), ("lags", "rolling", "horizon"), ("period", "time_column"),
          ("label", "horizon"), ("train_until", "horizon", "test_periods"), ("as_of", "horizons"),
          ("relation", "target", "features"), ("features", "params"), ("target", "params"), ("trials", "method"), ("rule", "class"), ("bins", "class"),
          ("relation", "n_repeats", "metric"), ("top_k", "class"), ("version", "threshold"),
          ("row_column", "column_column", "value_column"), ("tbl", "output_column"), ("model_name", "tbl"),
          ("tutors", "placements"), ("placements", "responses"), ("tutors", "opportunities"),
          ("predictions", "recruits"), ("events", "entity", "time_column"), ("label", "label_column"),
          ("model_name", "features"), ("model_name", "relation"), ("model_name", "class"), ("model_name", "version")]


def combo_value(rng, typ, name, pool, learner, p_bound):
    """(label, SQL) for one argument of a combination: a boundary value (with
    probability p_bound, where it has some) or a hostile one."""
    if typ == "jsonb" and rng.random() < p_bound:
        keys = LEARNER_KEYS[learner or rng.choice(sorted(LEARNER_KEYS))]
        keys = rng.sample(keys + (["task", "seed"] if name == "params" else []), rng.choice((2, 3)))
        vals = [rng.choice(PARAM_BOUNDS[k]) for k in keys]
        if name == "space":
            vals = ["[%s]" % v for v in vals]
        v = "{%s}" % ", ".join('"%s": %s' % kv for kv in zip(keys, vals))
        return v, f"{q(v)}::jsonb"
    if name in BOUNDS and (name != "geom" or typ == "geometry[]") and rng.random() < p_bound:
        v = rng.choice(BOUNDS[name])
        return "bound " + v, v
    return rng.choice(pool)


def combo_args(rng, names, n):
    """The positions a combination varies, and whether they are one of GROUPS
    (2 draws in 3, when the function has one; maybe with one more argument)."""
    groups = [g for g in GROUPS if set(g) <= set(names)]
    if groups and rng.random() < 2 / 3:
        idx = {names.index(a) for a in rng.choice(groups)}
        if len(idx) < 3 and rng.random() < 0.5:
            idx.add(rng.randrange(n))
        return sorted(idx), True
    return sorted(rng.sample(range(n), min(n, rng.choice((2, 3))))), False


def combo_calls(fn, base, names, types, sql, row=None):
    """COMBO calls of fn from its baseline, 2 or 3 arguments at once varied;
    drawn from the seed and the signature only, so SQLFUZZ_ONLY keeps them.
    An aggregate or window function (row: the name of its rows' alias) gets a
    varied argument in every row or, half the time, in row 7 only."""
    if len(types) < 2:
        return []
    rng = random.Random(f"{SEED}:{fn['sig']}")
    pools = [[v for v in hostile(t, n, False) if v[0] != BIG] for t, n in zip(types, names)]
    if row == "p":  # a window function's integer that varies by row
        pools = [p + [("varies by row", "p.id % 4"), ("19..21 by row", "19 + p.id % 3")] if t == "integer" else p
                 for p, t in zip(pools, types)]
    learner = "boost" if "boost" in fn["name"] else "forest" if "forest" in fn["name"] else None
    calls = []
    for _ in range(COMBO):
        idx, grouped = combo_args(rng, names, len(types))
        args, labels = list(base), []
        for i in idx:
            label, args[i] = combo_value(rng, types[i], names[i], pools[i], learner, 0.9 if grouped else 2 / 3)
            if row and rng.random() < 0.5:
                args[i] = f"CASE WHEN {row}.id = 7 THEN {cast(args[i], types[i])} ELSE {cast(base[i], types[i])} END"
                label += " (row 7)"
            labels.append(label)
        calls.append(("+".join(names[i] or f"${i + 1}" for i in idx), " & ".join(labels), sql(args)))
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
    calls, combos = [], []
    for fn in fns:
        if fn["support"]:
            cs = agg_support_calls(fn)
        else:
            make = agg_calls if fn["kind"] == "a" else window_calls if fn["kind"] == "w" else plain_calls
            cs = make(fn)
            if COMBO > 0:
                combos += [(fn["sig"], a, v, s, None, "combo") for a, v, s in make(fn, combo=True)]
        calls += [(fn["sig"], a, v, s, None, "superuser") for a, v, s in cs]
    if COMBO > 0:
        print(f"sql-args: combination mode, {len(combos)} calls ({COMBO} a function), SQLFUZZ_SEED={SEED}")
    t0 = time.time()
    role_setup()
    calls += role_calls(calls) + combos
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
        if role or mode == "combo":
            sig = f"[{role or 'superuser'} {mode}] {sig}"
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
