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
import glob
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
    ap.add_argument("--only", nargs="+", metavar="ID")
    ap.add_argument("--commit", default="HEAD")
    ap.add_argument("--out")
    ap.add_argument("--section", action="store_true")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    if a.compile and not a.check:
        ap.error("--compile goes with --check")

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
        sys.exit(1 if stale or not_compiling else 0)
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
