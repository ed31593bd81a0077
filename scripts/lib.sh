# Shared helpers for scripts/*.sh: package installation and the build.
# Sourced, not run.

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
PGBIN=$("$PG_CONFIG" --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)
# Runs a command as root: directly when we are root (sudo may not be installed),
# else through sudo.  Environment variables the command needs are passed as
# VAR=value arguments through env, so no sudo option is ever needed.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then env "$@"; else sudo env "$@"; fi
}

# What building, installing and testing need (Debian 12 names).  postgresql-15 is
# listed with its -dev package so the server and headers come from one release.
CORE_PACKAGES=(
  make gcc clang-14 llvm-14-dev libclang-rt-14-dev python3
  postgresql-15 postgresql-server-dev-15 postgresql-contrib
  postgresql-15-postgis-3 postgis
  postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl
  liblapacke-dev libopenblas-dev
  python3-jinja2 python3-yaml
)
# Baselines for bench/ only.
BENCH_PACKAGES=(python3-sklearn python3-numpy r-cran-ranger)

# Installs the named Debian packages that are missing (or whose server and
# headers disagree), non-interactively.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  local srv dev
  srv=$(dpkg-query -W -f='${Version}' postgresql-15 2>/dev/null || true)
  dev=$(dpkg-query -W -f='${Version}' postgresql-server-dev-15 2>/dev/null || true)
  if [ -n "$dev" ] && [ "$srv" != "$dev" ]; then missing+=(postgresql-15 postgresql-server-dev-15); fi
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing Debian packages: ${missing[*]}"
  as_root DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    as_root DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Builds with warnings as errors and installs into the server's directories.
# (Commands chained with &&: scripts/test.sh calls these where set -e is off.)
build_and_install() {
  echo "==> building edupredict"
  make -s PG_CONFIG="$PG_CONFIG" -j2 &&
    as_root make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
}
