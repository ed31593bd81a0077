#!/usr/bin/python3
"""A minimal stand-in for dbt's compile-and-run, to test dbt/example without dbt-core.

dbt-core cannot be installed on these machines, so this renders the example project's models with
Debian's python3-jinja2 and a small, documented imitation of dbt's context, then runs the compiled
SQL with psql in dependency order.  What it imitates (dbt-core 1.5 semantics, dbt-postgres):

  ref('m')           "<database>"."<schema>"."m" of another model (its custom schema as is, as the
                     example's generate_schema_name override makes dbt do)
  source('s', 't')   "<database>"."<source schema>"."t" from models/sources.yml
  var('v')           the project's vars
  config(...)        materialized, pre_hook, post_hook, unique_key; directory defaults (+materialized,
                     +schema) come from dbt_project.yml.  As in dbt, config() takes effect when the
                     model is parsed, where ref() and source() name the model itself, and hooks are
                     rendered when they run: a hook must be a string holding {{ this }} or
                     {{ ref(...) }}, not a value computed from ref() inside config()
  this               the model's own relation
  is_incremental()   true for an incremental model whose table exists
  edupredict.<macro> the package's macros (dbt/edupredict/macros/*.sql)

The session search_path is the example profile's (profiles.example.yml), as dbt-postgres sets it.
Materialisations: view (drop and create), table (drop and create), incremental (create the first
time; then delete the rows whose unique_key is in the new rows, and insert them).  Each model runs in
one transaction with its hooks, like dbt.  Not imitated: adapters' quoting rules, the manifest,
tests, seeds, snapshots, docs, selectors, threads, on-run hooks, grants, model contracts.

usage: dbt_standin.py PROJECT_DIR PACKAGE_DIR COMPILED_DIR   (env DEMO_PSQL: a psql command line)
"""
import os
import re
import shlex
import subprocess
import sys

import jinja2
import yaml


def psql(sql, single_transaction=True, capture=False):
    cmd = shlex.split(os.environ["DEMO_PSQL"]) + ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-At"]
    if single_transaction:
        cmd.append("-1")
    r = subprocess.run(cmd + ["-f", "-"], input=sql, text=True, capture_output=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.strip())
    return r.stdout.strip() if capture else None


class Namespace:
    """The package's macros as attributes (dbt's `package_name.macro_name`)."""

    def __init__(self, env, package_dir):
        for name in sorted(os.listdir(os.path.join(package_dir, "macros"))):
            if name.endswith(".sql"):
                module = env.get_template("macros/" + name).module
                for attr in dir(module):
                    if not attr.startswith("_"):
                        setattr(self, attr, getattr(module, attr))


def main(project_dir, package_dir, compiled_dir):
    project = yaml.safe_load(open(os.path.join(project_dir, "dbt_project.yml")))
    sources = yaml.safe_load(open(os.path.join(project_dir, "models", "sources.yml")))["sources"]
    source_schema = {s["name"]: s.get("schema", s["name"]) for s in sources}
    database = psql("SELECT current_database()", capture=True)
    # The search_path of the example profile (profiles.example.yml), as dbt-postgres sets it.
    profile = yaml.safe_load(open(os.path.join(project_dir, "profiles.example.yml")))
    profile_search_path = profile[project["profile"]]["outputs"]["demo"]["search_path"]
    defaults = project.get("models", {}).get(project["name"], {})
    package = Namespace(jinja2.Environment(loader=jinja2.FileSystemLoader(package_dir)), package_dir)

    models = {}
    for root, _, files in os.walk(os.path.join(project_dir, "models")):
        for f in files:
            if f.endswith(".sql"):
                rel = os.path.relpath(os.path.join(root, f), os.path.join(project_dir, "models"))
                models[f[:-4]] = {"path": os.path.join(root, f), "dir": os.path.dirname(rel),
                                  "text": open(os.path.join(root, f)).read()}

    def folder_config(m):
        cfg = {"materialized": "view", "schema": defaults.get("+schema", "public")}
        level = defaults
        for part in [p for p in m["dir"].split(os.sep) if p]:
            level = level.get(part, {})
            for k in ("materialized", "schema"):
                if "+" + k in level:
                    cfg[k] = level["+" + k]
        return cfg

    for m in models.values():
        m["config"] = folder_config(m)
        m["deps"] = sorted(set(re.findall(r"ref\(\s*['\"](\w+)['\"]\s*\)", m["text"])))

    order, seen = [], set()

    def visit(name, stack=()):
        if name in stack:
            raise RuntimeError("cycle through " + name)
        if name not in seen:
            for d in models[name]["deps"]:
                visit(d, stack + (name,))
            seen.add(name)
            order.append(name)

    for name in sorted(models):
        visit(name)

    def relation(name):
        return '"%s"."%s"."%s"' % (database, models[name]["config"]["schema"], name)

    os.makedirs(compiled_dir, exist_ok=True)
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    for name in order:
        m = models[name]
        cfg = dict(m["config"])

        def exists():
            return psql("SELECT to_regclass('%s') IS NOT NULL" % relation(name).replace("'", "''"), capture=True) == "t"

        def context(parsing):
            # dbt takes a model's config() from the parse, where ref() and source() name the model
            # itself (ParseRefResolver) and is_incremental() is false; at run time config() does nothing.
            def config(**kw):
                if parsing:
                    cfg.update(kw)
                return ""
            own = relation(name)
            return {
                "ref": (lambda *a: own) if parsing else relation,
                "source": (lambda s, t: own) if parsing else
                          (lambda s, t: '"%s"."%s"."%s"' % (database, source_schema[s], t)),
                "var": lambda v: project["vars"][v],
                "config": config,
                "this": own,
                "is_incremental": lambda: not parsing and cfg.get("materialized") == "incremental" and exists(),
                project["name"]: None,
                "edupredict": package,
            }

        env.from_string(m["text"]).render(**context(True))
        ctx = context(False)
        body = env.from_string(m["text"]).render(**ctx).strip()
        schema, this = cfg["schema"], relation(name)
        # dbt renders a hook when it runs it (run_hooks), with the model's context: a hook written as a
        # string holding {{ this }} or {{ ref(...) }} gets the relations of the run.
        hooks = lambda k: [env.from_string(h).render(**ctx).strip()
                           for h in ([cfg[k]] if isinstance(cfg.get(k), str) else cfg.get(k) or [])]
        stmts = ["SET search_path = %s;" % profile_search_path, "SET client_min_messages = warning;",
                 "CREATE SCHEMA IF NOT EXISTS %s;" % schema, "RESET client_min_messages;"] + [h + ";" for h in hooks("pre_hook")]
        kind = cfg["materialized"]
        if kind == "view":
            stmts += ["DROP VIEW IF EXISTS %s CASCADE;" % this, "CREATE VIEW %s AS\n%s\n;" % (this, body)]
        elif kind == "table":
            stmts += ["DROP TABLE IF EXISTS %s CASCADE;" % this, "CREATE TABLE %s AS\n%s\n;" % (this, body)]
        elif kind == "incremental" and not exists():
            stmts += ["CREATE TABLE %s AS\n%s\n;" % (this, body)]
        elif kind == "incremental":
            keys = cfg.get("unique_key") or []
            keys = [keys] if isinstance(keys, str) else keys
            stmts += ["CREATE TEMP TABLE dbt_new ON COMMIT DROP AS\n%s\n;" % body]
            if keys:
                stmts.append("DELETE FROM %s t USING dbt_new n WHERE %s;" % (
                    this, " AND ".join("t.%s = n.%s" % (k, k) for k in keys)))
            stmts.append("INSERT INTO %s SELECT * FROM dbt_new;" % this)
        else:
            raise RuntimeError("%s: materialisation %s is not imitated" % (name, kind))
        stmts += [h + ";" for h in hooks("post_hook")]
        sql = "\n".join(stmts) + "\n"
        with open(os.path.join(compiled_dir, name + ".sql"), "w") as out:
            out.write(sql)
        psql(sql)
        print("%-24s %-12s ok" % (name, kind + (" (incremental run)" if kind == "incremental" and "dbt_new" in sql else "")))


if __name__ == "__main__":
    main(*sys.argv[1:4])
