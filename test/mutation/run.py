#!/usr/bin/python3
"""Mutation testing of edupredict: does the suite catch small semantic bugs?

Each mutation of the commit's test/mutation/mutations.toml (--check: the
working tree's) is applied alone to a clean copy of the committed tree (a
clone in a temporary folder, reset to the commit before every mutation) and
scripts/test.sh runs there on a subset that holds
every test able to run the mutated code (see SUBSET below).  A mutation is
caught when a test that passes on the unmutated tree fails.  Run on demand,
not in CI: the suite takes a few minutes per mutation.

  test/mutation/run.py --check              which mutations still apply to the working tree (seconds; no git)
  test/mutation/run.py --check --compile    also: does each C mutation compile? (the mutated
                                            file, or every file including a mutated header,
                                            as make would build it; about 2 min)
  test/mutation/run.py --check --load       also: does each SQL mutation load? (make assembles
                                            the scripts in a scratch copy; each runs as CREATE
                                            EXTENSION and as the upgrade of a database with
                                            models, in one temporary cluster, and every function
                                            body must parse; about 1 min, under the install lock)
  test/mutation/run.py                      all of them (about 2-3 min each)
  test/mutation/run.py --only ID [ID...]    some of them
  test/mutation/run.py --section            also write bench/RESULTS.md's
                                            "mutation" section (bench/lib/section.sh)
Options: --commit REV (default HEAD), --out FILE (the markdown table; default
in $TMPDIR), --keep (keep the clone and logs), --no-baseline, --quick (first
run only the tests of the mutation's engine, QUICK below or the mutation's own
`quick` list; the whole subset runs only when those miss it, so a caught
mutation costs a minute instead of the subset's five, and "caught by" names
the quick tests that failed).
"""
import argparse
import concurrent.futures
import fcntl
import filecmp
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
LIST = os.path.join(ROOT, "test", "mutation", "mutations.toml")

# SUBSET: scripts/test.sh patterns run for every mutation: every pg_regress,
# pgTAP and isolation test, the no-preload and log checks and the
# documentation blocks, i.e. everything that runs extension code.  Added when
# they can see the mutated file: the fuzz run (test/fuzz/run.sh compiles the
# file, named there or in test/fuzz/sources.sh), the SQL lint (a file
# under sql/) and the message lint (a file under src/).  Left out: the runner's self-tests and the committed-install-
# script check, which run no extension code (the latter fails by design on
# any edit of the SQL).
SUBSET = ["regress", "pgtap", "isolation", "docs", "log:"]

# QUICK: scripts/test.sh patterns most likely to catch a mutation of each
# engine.  Only a shortcut: a mutation they miss gets the whole SUBSET.
QUICK = {
    "metrics": ["regress:model_metrics", "regress:calibrate"],
    "training": ["regress:forest", "regress:model_seeds", "fuzz"],
    "prediction": ["regress:forest", "regress:calibrate", "regress:scoring"],
    "model-reader": ["fuzz", "regress:model_integrity", "regress:format_compat"],
    "clustering": ["regress:cluster"],
    "pii": ["regress:pii"],
    "terms": ["regress:term"],
    "expected_count": ["regress:expected_count", "regress:forecast_total"],
    "forecasting": ["regress:forecast"],
    "explanation": ["regress:explain", "fuzz"],
    "calibration": ["regress:calibrate", "regress:oob_calibration", "regress:cv_calibration"],
    "drift": ["regress:drift"],
    "tuning": ["regress:tune", "regress:cv_threads"],
}


def sh(args, cwd, **kw):
    return subprocess.run(args, cwd=cwd, check=True, text=True, capture_output=True, **kw).stdout


def load(path=LIST):
    with open(path, "rb") as f:
        muts = tomllib.load(f)["mutation"]
    ids = [m["id"] for m in muts]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        sys.exit(f"duplicate mutation ids: {', '.join(sorted(dup))}")
    for m in muts:
        for key in ("id", "engine", "file", "find", "replace", "what"):
            if key not in m:
                sys.exit(f"mutation {m.get('id', '?')}: no {key}")
    return muts


def locate(tree, m):
    """The one file holding m['find'] exactly once, or (None, reason)."""
    files = sorted(p for p in glob.glob(os.path.join(tree, m["file"])) if os.path.isfile(p))
    if not files:
        return None, f"no file matches {m['file']}"
    hits = []
    for p in files:
        with open(p, encoding="utf-8") as f:
            n = f.read().count(m["find"])
        hits += [p] * n
    if len(hits) != 1:
        return None, f"the text occurs {len(hits)} times in {m['file']}"
    return hits[0], None



def report_stale(tree, muts):
    """The mutations whose text does not occur exactly once in tree, as (m, why), each printed."""
    stale = [(m, why) for m in muts for _, why in [locate(tree, m)] if why]
    for m, why in stale:
        print(f"STALE {m['id']} ({m['file']}): {why}")
    return stale


def compile_command():
    """make's command for one object of src/, less its -c -o OBJ SRC (make -n: nothing built) and
    the dependency-file flags (-MMD -MP: compiled to /dev/null, gcc would write /dev/null.d)."""
    pg_config = os.environ.get("PG_CONFIG", "/usr/lib/postgresql/15/bin/pg_config")
    obj = "src/edupredict.o"
    out = sh(["make", "-s", "-n", "-B", f"PG_CONFIG={pg_config}", obj], ROOT)
    tail = f" -c -o {obj} src/edupredict.c"
    for line in out.splitlines():
        if line.rstrip().endswith(tail):
            return " ".join(w for w in line.rstrip()[: -len(tail)].split(" ") if w not in ("-MMD", "-MP"))
    sys.exit(f"mutation: no compile command for {obj} in make -n's output")


def including(src, header):
    """The .c files of src that include header, directly or through other headers of src."""
    names, found = {header}, True
    texts = {}
    for p in glob.glob(os.path.join(src, "*.[ch]")):
        with open(p, encoding="utf-8") as f:
            texts[os.path.basename(p)] = f.read()
    while found:
        found = False
        for name, text in texts.items():
            if name.endswith(".h") and name not in names and any(f'#include "{h}"' in text for h in names):
                names.add(name)
                found = True
    return sorted(n for n, t in texts.items() if n.endswith(".c") and any(f'#include "{h}"' in t for h in names))


def check_compile(muts):
    """Each C mutation (src/*.c, src/*.h) applied to a copy of src/ and compiled as make would
    (to /dev/null): a mutation that does not compile is "caught" by the build, not by a test."""
    cmd = compile_command()
    work = tempfile.mkdtemp(prefix="edupredict-mutation-compile-")
    sources = shutil.ignore_patterns("*.o", "*.bc", "*.so", "*.d")
    base = os.path.join(work, "base", "src")
    shutil.copytree(os.path.join(ROOT, "src"), base, ignore=sources)
    jobs, skipped = [], 0
    try:
        for i, m in enumerate(muts):
            path, why = locate(ROOT, m)
            rel = os.path.relpath(path, ROOT) if path else ""
            if why or not re.fullmatch(r"src/[^/]+\.[ch]", rel):
                skipped += 0 if why else 1
                continue
            name = os.path.basename(rel)
            if name.endswith(".c"):
                # beside the original, so that its includes resolve as they do for it
                mutated = f"{name[:-2]}.mutation{i}.c"
                shutil.copyfile(path, os.path.join(base, mutated))
                apply(os.path.join(base, mutated), m)
                jobs.append((m, rel, base, [mutated]))
            else:
                # a header: a copy of src/ of its own, every file including it compiled
                src = os.path.join(work, str(i), "src")
                shutil.copytree(os.path.join(ROOT, "src"), src, ignore=sources)
                apply(os.path.join(src, name), m)
                jobs.append((m, rel, src, including(src, name)))

        def build(job):
            m, rel, src, files = job
            for name in files:
                r = subprocess.run(f"{cmd} -c -o /dev/null src/{name}", shell=True, cwd=os.path.dirname(src),
                                   text=True, capture_output=True)
                if r.returncode != 0:
                    first = next((ln for ln in r.stderr.splitlines() if "error" in ln), r.stderr.strip()[:200])
                    return m, rel, first if rel.endswith(".c") else f"src/{name}: {first}"
            return m, rel, None

        failed = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as ex:
            for m, rel, err in ex.map(build, jobs):
                if err:
                    failed.append(m)
                    print(f"DOES NOT COMPILE {m['id']} ({rel}): {err.split(os.path.join(work, ''))[-1]}")
    finally:
        shutil.rmtree(work)
    print(f"{len(jobs) - len(failed)} compile, {len(failed)} do not; {skipped} outside src/*.[ch] not compiled")
    return failed


# --check --load.  A mutated script cannot be installed for CREATE EXTENSION
# to run: PostgreSQL 15 reads extension scripts from its one share directory
# (extension_control_path is PG18+), which every run and helper shares, and
# nothing mutated may land there.  So the base version is installed by CREATE
# EXTENSION itself (its script is released and frozen: the installed copy is
# the tree's, checked first), and the mutated upgrade scripts are run by psql
# the way ALTER EXTENSION UPDATE runs them (extension.c,
# execute_extension_script): lines starting \echo blanked, @extschema@,
# @extowner@ and MODULE_PATHNAME substituted ($libdir/edupredict: the
# installed library of the unmutated tree, which a SQL mutation does not
# change), search_path set to the schema and those of the required
# extensions, check_function_bodies off, the chain in one transaction.  Two
# things that only the machinery may do are prepared instead: the base
# version's functions, types and other non-relation objects are taken out of
# the extension (pg_depend), as an upgrade outside the machinery could not
# drop them otherwise (the tables stay members: 20_registry.sql's checks look
# for them), and pg_extension_config_dump(), which refuses to run
# outside CREATE EXTENSION, is a no-op in pg_temp that still type-checks its
# arguments.  A mutated base script (it is frozen: none should be) is run the
# same way from a database holding only the required extensions.  Run so, the
# unmutated scripts give the same functions, tables, grants and policies as
# CREATE EXTENSION.
LOAD_DISSOLVE = """
DELETE FROM pg_catalog.pg_depend d USING pg_catalog.pg_extension e
WHERE e.extname = %(ext)s AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
  AND d.refobjid = e.oid AND d.deptype = 'e' AND d.classid <> 'pg_catalog.pg_class'::pg_catalog.regclass;
"""
# What the base version's database holds before the upgrade path runs, as
# sql/registry_upgrade.sql has it: models of two names (one trained by a role
# dropped since, whose name the upgrade gives to the extension owner) and a
# deployed version.
LOAD_SEED = """
CREATE ROLE edupredict_mutation_gone;
CREATE TABLE public.up_train AS
SELECT x::float8 AS x, CASE WHEN x > 10 THEN 'hi' ELSE 'lo' END AS y FROM generate_series(1, 20) x;
SELECT edupredict.train_forest('up_m', 'up_train', 'y', n_trees => 1, test_fraction => 0);
SELECT edupredict.train_forest('up_m', 'up_train', 'y', n_trees => 1, test_fraction => 0);
INSERT INTO edupredict.models (name, version, task, target, features, classes, params, metrics, n_rows,
                               train_seconds, created_by, model)
SELECT 'up_orphan', 1, task, target, features, classes, params, metrics, n_rows, train_seconds,
       'edupredict_mutation_gone', model
FROM edupredict.models WHERE name = 'up_m' AND version = 1;
DROP ROLE edupredict_mutation_gone;
SELECT edupredict.deploy('up_m', 1);
"""
# Every function body of the schema, parsed by its language's validator once
# the scripts are in: CREATE EXTENSION checks none (check_function_bodies is
# off there), so a plpgsql body that does not parse would fail only when
# called, and every test calling it would "catch" the mutation alike.
LOAD_BODIES = """
SET check_function_bodies = on;
DO $$
DECLARE
    r record;
    bad text[] := '{}';
BEGIN
    FOR r IN SELECT p.oid, p.oid::regprocedure AS f, l.lanvalidator::regproc AS v
             FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
             WHERE p.pronamespace = %(schema)s::regnamespace AND l.lanname NOT IN ('c', 'internal')
               AND l.lanvalidator <> 0 AND NOT p.oid::regprocedure::text = ANY (%(skip)s::text[])
             ORDER BY 2::text LOOP
        BEGIN
            EXECUTE format('SELECT %%s(%%s)', r.v, r.oid);
        EXCEPTION WHEN OTHERS THEN
            bad := bad || format('%%s: %%s', r.f, SQLERRM);
        END;
    END LOOP;
    IF cardinality(bad) > 0 THEN
        RAISE EXCEPTION 'BODIES %%', array_to_string(bad, ' | ');
    END IF;
END
$$;
"""


def make_print(tree, names):
    """The values of make variables NAMES in tree's Makefile (nothing built), as lists of words."""
    pg_config = os.environ.get("PG_CONFIG", "/usr/lib/postgresql/15/bin/pg_config")
    rule = "print-vars:\n" + "".join(f"\t@echo '{n}=$({n})'\n" for n in names)
    out = subprocess.run(["make", "-s", "--no-print-directory", "-f", "Makefile", "-f", "-", f"PG_CONFIG={pg_config}",
                          "print-vars"], cwd=tree, input=rule, text=True, capture_output=True, check=True).stdout
    return {k: v.split() for k, _, v in (ln.partition("=") for ln in out.splitlines()) if k in names}


def control(tree):
    """The extension's control file (EXTENSION of the Makefile) as a dict, its name as "name"."""
    ext = make_print(tree, ["EXTENSION"])["EXTENSION"][0]
    ctl = {"name": ext}
    with open(os.path.join(tree, f"{ext}.control"), encoding="utf-8") as f:
        for ln in f:
            k, eq, v = ln.partition("=")
            if eq and not ln.lstrip().startswith("#"):
                ctl[k.strip()] = v.strip().strip("'")
    return ctl


def install_chain(ext, scripts, version):
    """The scripts CREATE EXTENSION runs for version, as [(from, to, path)]: the version's full
    script, else a full script and the shortest path of upgrades from it (PostgreSQL's choice)."""
    full, steps = {}, {}
    for p in scripts:
        parts = os.path.basename(p)[len(ext) + 2:-4].split("--")
        if len(parts) == 1:
            full[parts[0]] = p
        else:
            steps.setdefault(parts[0], []).append((parts[1], p))
    if version in full:
        return [(None, version, full[version])]
    paths = [[(None, v, p)] for v, p in sorted(full.items())]
    seen = set(full)
    while paths:
        nxt = []
        for path in paths:
            for to, p in steps.get(path[-1][1], []):
                if to == version:
                    return path + [(path[-1][1], to, p)]
                if to not in seen:
                    seen.add(to)
                    nxt.append(path + [(path[-1][1], to, p)])
        paths = nxt
    sys.exit(f"mutation: no install script or upgrade path to {ext} {version}")


def fragments(tree, folder, script):
    """[(line, fragment)]: where each fragment of folder (sorted, as the Makefile's UPDATE_PARTS)
    starts in script, when script is their concatenation; else []."""
    parts, text, line = [], "", 1
    for p in sorted(glob.glob(os.path.join(tree, folder, "*.sql"))):
        with open(p, encoding="utf-8") as f:
            t = f.read()
        parts.append((line, os.path.relpath(p, tree)))
        text += t
        line += t.count("\n")
    with open(os.path.join(tree, script), encoding="utf-8") as f:
        return parts if parts and f.read() == text else []


def check_load(muts):
    """Each mutation of an install script or an upgrade fragment (sql/<ext>--*.sql, sql/update/)
    applied to a scratch copy of the tree, the scripts assembled by make there, and loaded into
    a database of its own in one temporary cluster: the fresh install (CREATE EXTENSION) and,
    when the mutated file feeds an upgrade, ALTER EXTENSION UPDATE of a base-version database
    holding models; then every function body of the schema must parse.  A mutation that fails
    there is "caught" by every test alike and guards nothing (see the comment of LOAD_DISSOLVE)."""
    ctl = control(ROOT)
    ext, version = ctl["name"], ctl["default_version"]
    var = make_print(ROOT, ["DATA", "DATA_built"])
    scripts = [p for p in var.get("DATA", []) + var.get("DATA_built", []) if re.fullmatch(rf"sql/{ext}--.*\.sql", p)]
    chain = install_chain(ext, scripts, version)
    jobs, skipped = [], 0
    for m in muts:
        path, why = locate(ROOT, m)
        rel = os.path.relpath(path, ROOT) if path else ""
        if why or not re.fullmatch(rf"sql/({re.escape(ext)}--[^/]+|update/.+)\.sql", rel):
            skipped += 0 if why else 1
            continue
        jobs.append((m, rel))
    pg_config = os.environ.get("PG_CONFIG", "/usr/lib/postgresql/15/bin/pg_config")
    started = time.time()
    work = tempfile.mkdtemp(prefix="edupredict-mutation-load-")
    unused = []
    try:
        # the scratch tree: what make needs to assemble the scripts
        tree = os.path.join(work, "tree")
        os.mkdir(tree)
        for name in ("Makefile", f"{ext}.control"):
            shutil.copyfile(os.path.join(ROOT, name), os.path.join(tree, name))
        shutil.copytree(os.path.join(ROOT, "sql"), os.path.join(tree, "sql"))

        def assemble(name, m=None, rel=None):
            """make's scripts (DATA_built) in the scratch tree, m applied; the chain copied to work/name."""
            if m:
                apply(os.path.join(tree, rel), m)
            try:
                sh(["make", "-s", f"PG_CONFIG={pg_config}", *var.get("DATA_built", [])], tree)
                os.mkdir(os.path.join(work, name))
                parts = {}
                for f, t, p in chain:
                    shutil.copyfile(os.path.join(tree, p), os.path.join(work, name, os.path.basename(p)))
                    parts[os.path.basename(p)] = fragments(tree, f"sql/update/{f}--{t}", p)
                return parts
            finally:
                if m:
                    shutil.copyfile(os.path.join(ROOT, rel), os.path.join(tree, rel))

        plan = {"ext": ext, "schema": ctl.get("schema", ext), "requires": ctl.get("requires", ""),
                "module_pathname": ctl.get("module_pathname", ""), "seed": LOAD_SEED if ext == "edupredict" else "",
                "chain": [[f, t, os.path.basename(p)] for f, t, p in chain], "jobs": []}
        plan["base_parts"] = assemble("base")
        for i, (m, rel) in enumerate(jobs):
            parts = assemble(str(i), m, rel)
            changed = [not filecmp.cmp(os.path.join(work, "base", os.path.basename(p)),
                                       os.path.join(work, str(i), os.path.basename(p)), shallow=False)
                       for _, _, p in chain]
            if not any(changed):
                unused.append((m, rel))
                continue
            plan["jobs"].append({"id": m["id"], "dir": str(i), "base": changed[0] or len(chain) == 1, "parts": parts})
        with open(os.path.join(work, "plan.json"), "w") as f:
            json.dump(plan, f)
        # scripts/test.sh's lock: no run installs another library while this one loads it
        waiting = time.time()
        with open(os.path.join(os.environ.get("TMPDIR", "/tmp"), "edupredict-test.lock"), "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                print("mutation: waiting for the install lock (a scripts/test.sh run)", flush=True)
                fcntl.flock(lock, fcntl.LOCK_EX)
            waited = time.time() - waiting
            if len(chain) > 1:
                # CREATE EXTENSION installs the base version from the shared install: it must be the tree's
                installed = os.path.join(sh([pg_config, "--sharedir"], ROOT).strip(), "extension",
                                         os.path.basename(chain[0][2]))
                if not (os.path.exists(installed) and
                        filecmp.cmp(installed, os.path.join(ROOT, chain[0][2]), shallow=False)):
                    sys.exit(f"mutation: {installed} is not this tree's {chain[0][2]}: install this tree's "
                             "build (scripts/test.sh build)")
            r = subprocess.run([os.path.join(ROOT, "scripts", "with_cluster.sh"), sys.executable,
                                os.path.abspath(__file__), "--load-in-cluster", work],
                               cwd=ROOT, text=True, capture_output=True)
        if r.returncode != 0:
            sys.exit(f"mutation: loading failed:\n{r.stderr[-3000:]}")
        with open(os.path.join(work, "result.json")) as f:
            result = json.load(f)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    failed = []
    for m, rel in unused:
        failed.append(m)
        print(f"DOES NOT LOAD {m['id']} ({rel}): it changes no script that CREATE EXTENSION {ext} runs")
    for m, rel in jobs:
        err = result["errors"].get(m["id"])
        if err:
            failed.append(m)
            print(f"DOES NOT LOAD {m['id']} ({rel}): {err.replace('BODIES ', 'function bodies that do not parse: ')}")
    if result["skipped_bodies"]:
        print("not parsed (they do not parse unmutated either): " + ", ".join(result["skipped_bodies"]))
    print(f"{len(jobs) - len(failed)} load, {len(failed)} do not (install and upgrade of a {chain[0][1]} database "
          f"with models; {time.time() - started - waited:.0f} s" + (f", and {waited:.0f} s waiting for the lock"
                                                                     if waited >= 1 else "")
          + f"); {skipped} outside the install scripts and sql/update/ not loaded")
    return failed


def load_in_cluster(work):
    """--check --load's half inside scripts/with_cluster.sh (PGHOST, PGUSER set): loads each job
    of work/plan.json as check_load says, writes work/result.json."""
    with open(os.path.join(work, "plan.json")) as f:
        plan = json.load(f)
    chain, schema, ext = plan["chain"], plan["schema"], plan["ext"]
    chunks = {}  # a generated file: [(its line where a script starts, the script's name)]

    def psql(db, sql=None, file=None):
        """None, or psql's first error (for a generated file: where in which script)."""
        args = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db] + (["-c", sql] if sql else ["-f", file])
        r = subprocess.run(args, text=True, capture_output=True, stdin=subprocess.DEVNULL)
        if r.returncode == 0:
            return None
        lines = [ln for ln in r.stderr.splitlines() if "ERROR:" in ln] or r.stderr.splitlines() or ["psql failed"]
        msg = lines[0].split("ERROR:", 1)[-1].strip()
        at = re.match(r"psql:(.*):(\d+): ERROR:", lines[0])
        if at and at.group(1) in chunks:
            n = int(at.group(2))
            start, name, parts = max(c for c in chunks[at.group(1)] if c[0] <= n)
            n -= start - 1
            # in an assembled script: the line of its fragment
            start, name = max([c for c in parts if c[0] <= n] or [(1, name)])
            msg += f" (the statement ending at line {n - start + 1} of {name})"
        return msg

    def ok(err, what):
        if err:
            sys.exit(f"mutation: {what}: {err}")

    def lit(s):
        return "'" + s.replace("'", "''") + "'"

    def query(db, sql):
        return subprocess.run(["psql", "-XAt", "-d", db, "-c", sql], text=True, capture_output=True,
                              check=True).stdout.strip()

    requires = [r.strip() for r in plan["requires"].split(",") if r.strip()]
    ok(psql("postgres", "CREATE DATABASE mut_template TEMPLATE template0"), "CREATE DATABASE mut_template")
    for r in requires:
        ok(psql("mut_template", f'CREATE EXTENSION "{r}" CASCADE'), f"CREATE EXTENSION {r}")
    owner = query("postgres", "SELECT quote_ident(current_user)")
    path = query("mut_template", "SELECT string_agg(quote_ident(n.nspname), ', ' ORDER BY n.nspname) "
                 "FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                 f"WHERE e.extname = ANY (ARRAY[{', '.join(map(lit, requires)) or 'NULL'}]::text[])")
    search_path = ", ".join(p for p in ['"' + schema + '"', path] if p)

    def script(d, steps, out, parts):
        """The scripts of steps (of work/d) run as CREATE or ALTER EXTENSION runs them, in one file;
        parts: where each script's fragments start (check_load's fragments())."""
        body = ["BEGIN;", "SET LOCAL client_min_messages = warning;", "SET LOCAL check_function_bodies = off;",
                f"SET LOCAL search_path = {search_path};",
                "CREATE FUNCTION pg_temp.pg_extension_config_dump(regclass, text) RETURNS void LANGUAGE sql AS '';"]
        if steps[0][0] is None:
            body.append(f'CREATE SCHEMA "{schema}";')
        chunks[out] = []
        for _, _, name in steps:
            chunks[out].append((sum(b.count("\n") + 1 for b in body) + 1, name, [tuple(p) for p in parts[name]]))
            with open(os.path.join(work, d, name), encoding="utf-8") as f:
                text = f.read()
            text = re.sub(r"(?m)^\\echo.*$", "", text)
            text = text.replace("@extschema@", f'"{schema}"').replace("@extowner@", owner)
            if plan["module_pathname"]:
                text = text.replace("MODULE_PATHNAME", plan["module_pathname"])
            body.append(text.replace("pg_catalog.pg_extension_config_dump(", "pg_temp.pg_extension_config_dump("))
        body.append("COMMIT;")
        with open(out, "w", encoding="utf-8") as f:
            f.write("\n".join(body))
        return out

    if len(chain) > 1:
        # the base version by CREATE EXTENSION: bare, and with the models of the upgrade path
        for db, seed in (("mut_install", ""), ("mut_seeded", plan["seed"])):
            ok(psql("postgres", f"CREATE DATABASE {db} TEMPLATE mut_template"), f"CREATE DATABASE {db}")
            ok(psql(db, f"SET client_min_messages = warning; CREATE EXTENSION \"{ext}\" VERSION {lit(chain[0][1])}"),
               f"CREATE EXTENSION {ext} VERSION {lit(chain[0][1])}")
            ok(seed and psql(db, seed), f"the models of {db}")
            ok(psql(db, LOAD_DISSOLVE % {"ext": lit(ext)}), f"the members of {ext} in {db}")

    def bodies(skip):
        items = ('"' + f.replace("\\", "\\\\").replace('"', '\\"') + '"' for f in skip)
        return LOAD_BODIES % {"schema": lit(schema), "skip": lit("{" + ",".join(items) + "}")}

    def load(i, job, skip):
        """None, or why the scripts of work/job["dir"] do not load."""
        runs = ([("CREATE EXTENSION", "mut_template", chain)] if job["base"] else
                [("CREATE EXTENSION", "mut_install", chain[1:]),
                 (f"ALTER EXTENSION UPDATE from {chain[0][1]} with models", "mut_seeded", chain[1:])])
        for k, (what, template, steps) in enumerate(runs):
            db = f"mut_{i}_{k}"
            ok(psql("postgres", f"CREATE DATABASE {db} TEMPLATE {template}"), f"CREATE DATABASE {db}")
            err = psql(db, file=script(job["dir"], steps, os.path.join(work, job["dir"], f"{k}.sql"), job["parts"]))
            if not err:
                err = psql(db, bodies(skip))
            ok(psql("postgres", f"DROP DATABASE {db}"), f"DROP DATABASE {db}")
            if err:
                return f"{what}: {err}"
        return None

    # the unmutated scripts first: what fails there is no mutation's doing
    skip = []
    for base in ({"dir": "base", "base": False, "parts": plan["base_parts"]},
                 {"dir": "base", "base": True, "parts": plan["base_parts"]}):
        err = load("base", base, skip)
        if err and err.split(": ", 1)[1].startswith("BODIES "):
            skip += [b.split(": ")[0] for b in err.split("BODIES ", 1)[1].split(" | ")]
            err = load("base", base, skip)
        ok(err, "the unmutated scripts do not load against the installed library (install this tree's build: "
                "scripts/test.sh build)")
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as ex:
        errs = list(ex.map(lambda ij: load(*ij, skip), enumerate(plan["jobs"])))
    with open(os.path.join(work, "result.json"), "w") as f:
        json.dump({"errors": {j["id"]: e for j, e in zip(plan["jobs"], errs) if e}, "skipped_bodies": skip}, f)


def apply(path, m):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(m["find"], m["replace"], 1))


def patterns(tree, relpath):
    pats = list(SUBSET)
    # run.sh compiles the files it names and those test/fuzz/sources.sh lists
    for name in ("run.sh", "sources.sh"):
        with open(os.path.join(tree, "test", "fuzz", name), encoding="utf-8") as f:
            if relpath in f.read() and "fuzz" not in pats:
                pats.append("fuzz")
    if relpath.startswith("sql/"):
        pats.append("lint:sql")
    if relpath.startswith("src/"):
        pats.append("lint:messages")
    return pats


def run_suite(tree, pats, log):
    """Runs scripts/test.sh PATTERNS in the clone; returns (exit status, failed names)."""
    with open(log, "w") as out:
        rc = subprocess.run(["scripts/test.sh", *pats], cwd=tree, stdout=out,
                            stderr=subprocess.STDOUT, timeout=3600).returncode
    failed = []
    with open(log, errors="replace") as f:
        for line in f:
            mt = re.match(r"^FAILED (.*?) \((.*)\)$", line.rstrip("\n"))
            if mt:
                failed.append(mt.group(1))
    return rc, failed


def reset(tree, commit):
    sh(["git", "reset", "-q", "--hard", commit], tree)
    sh(["git", "clean", "-fdq"], tree)  # keeps ignored build outputs: only changed files rebuild


def table(rows, commit, started, load_before, load_after, cmd):
    caught = sum(r["result"] == "caught" for r in rows)
    survived = sum(r["result"] == "SURVIVED" for r in rows)
    other = len(rows) - caught - survived
    rate = f"{100.0 * caught / (caught + survived):.0f}%" if caught + survived else "n/a"
    lines = [
        "## Mutation testing (test/mutation/run.py)",
        "",
        f"Commit {commit[:12]}, {time.strftime('%Y-%m-%d', time.gmtime(started))}; command: `{cmd}`.",
        f"Load average before: {load_before}; after: {load_after}.",
        "",
        f"**Kill rate: {caught} of {caught + survived} mutations caught ({rate})**"
        + (f"; {other} not run (stale or not building)." if other else "."),
        "",
        "| # | engine | mutation | file | result | caught by |",
        "|---|---|---|---|---|---|",
    ]
    for i, r in enumerate(rows, 1):
        m = r["m"]
        what = m["what"] + (" (issue 16)" if m.get("issue") == "16" else "")
        by = ", ".join(r["by"][:4]) + (f" (+{len(r['by']) - 4})" if len(r["by"]) > 4 else "")
        lines.append(f"| {i} | {m['engine']} | `{m['id']}`: {what} | {r['file']} | {r['result']} | {by} |")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--compile", action="store_true", help="with --check: compile each C mutation")
    ap.add_argument("--load", action="store_true", help="with --check: load each SQL mutation's scripts")
    ap.add_argument("--load-in-cluster", metavar="DIR", help=argparse.SUPPRESS)
    ap.add_argument("--only", nargs="+", metavar="ID")
    ap.add_argument("--commit", default="HEAD")
    ap.add_argument("--out")
    ap.add_argument("--section", action="store_true")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    if (a.compile or a.load) and not a.check:
        ap.error("--compile and --load go with --check")
    if a.load_in_cluster:
        load_in_cluster(a.load_in_cluster)
        return

    def select(muts):
        if a.only:
            unknown = set(a.only) - {m["id"] for m in muts}
            if unknown:
                sys.exit(f"unknown mutation ids: {', '.join(sorted(unknown))}")
            muts = [m for m in muts if m["id"] in a.only]
        return muts

    if a.check:
        # the working tree as it is (the suite's lint step: no git needed, nothing cloned)
        muts = select(load())
        stale = report_stale(ROOT, muts)
        print(f"{len(muts) - len(stale)} apply, {len(stale)} stale")
        not_compiling = check_compile(muts) if a.compile else []
        not_loading = check_load(muts) if a.load else []
        sys.exit(1 if stale or not_compiling or not_loading else 0)
    commit = sh(["git", "rev-parse", a.commit], ROOT).strip()
    work = tempfile.mkdtemp(prefix="edupredict-mutation-")
    tree = os.path.join(work, "tree")
    sh(["git", "clone", "-q", "--shared", "--no-checkout", ROOT, tree], work)
    sh(["git", "checkout", "-q", "--detach", commit], tree)
    # the commit's own list, so that a result names what that commit holds
    tree_list = os.path.join(tree, "test", "mutation", "mutations.toml")
    with open(LIST, "rb") as f, open(tree_list, "rb") as g:
        if f.read() != g.read():
            print(f"mutation: the working tree's mutations.toml differs from {a.commit}'s; "
                  f"running {a.commit}'s (commit the list to run its changes)", flush=True)
    try:
        muts = select(load(tree_list))
    except SystemExit:
        shutil.rmtree(work)
        raise
    print(f"mutation: {len(muts)} mutations of commit {commit[:12]} in {tree}", flush=True)

    stale = report_stale(tree, muts)

    started = time.time()
    load_before = os.getloadavg()
    base_failed = set()
    if not a.no_baseline:
        pats = sorted(set(SUBSET + ["fuzz", "lint:sql", "lint:messages"]))
        print("mutation: baseline run of the unmutated tree: scripts/test.sh " + " ".join(pats), flush=True)
        rc, failed = run_suite(tree, pats, os.path.join(work, "baseline.log"))
        base_failed = set(failed)
        if "build" in base_failed:
            sys.exit(f"the unmutated tree does not build (log: {work}/baseline.log)")
        if rc != 0:
            print("mutation: WARNING the unmutated tree already fails: "
                  + ", ".join(sorted(base_failed)) + "; these cannot count as catching a mutation", flush=True)

    rows = []
    stale_ids = {m["id"] for m, _ in stale}
    for m in muts:
        if m["id"] in stale_ids:
            rows.append({"m": m, "file": m["file"], "result": "stale", "by": []})
            continue
        reset(tree, commit)
        path, _ = locate(tree, m)
        rel = os.path.relpath(path, tree)
        apply(path, m)
        pats = patterns(tree, rel)
        log = os.path.join(work, f"{m['id']}.log")
        t0 = time.time()
        failed = []
        quick = m.get("quick") or QUICK.get(m["engine"]) if a.quick else None
        if quick:
            rc, failed = run_suite(tree, quick, log)
            if "build" not in failed and not [f for f in failed if f not in base_failed]:
                failed = []
        if not failed:
            rc, failed = run_suite(tree, pats, log)
        by = [f for f in failed if f not in base_failed]
        if "build" in failed:
            result = "does not build"
        elif by:
            result = "caught"
        else:
            result = "SURVIVED"
        rows.append({"m": m, "file": rel, "result": result, "by": by})
        print(f"{result:>14}  {m['id']:<34} {time.time() - t0:5.0f} s  {', '.join(by[:4])}", flush=True)
    reset(tree, commit)

    cmd = "test/mutation/run.py" + (" --quick" if a.quick else "") + (" --only " + " ".join(a.only) if a.only else "")
    md = table(rows, commit, started, "%.2f %.2f %.2f" % load_before, "%.2f %.2f %.2f" % os.getloadavg(), cmd)
    out = a.out or os.path.join(tempfile.gettempdir(), f"edupredict-mutation-{commit[:12]}.md")
    with open(out, "w") as f:
        f.write(md)
    print(md)
    print(f"mutation: table written to {out}")
    if a.section:
        subprocess.run([os.path.join(ROOT, "bench", "lib", "section.sh"), "mutation", out], check=True)
        print("mutation: bench/RESULTS.md section 'mutation' updated")
    if a.keep:
        print(f"mutation: clone and logs kept in {work}")
    else:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
