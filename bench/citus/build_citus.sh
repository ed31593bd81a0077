#!/usr/bin/env bash
# Builds Citus from source against PostgreSQL 15 and installs it into the
# server's directories.  Sourced by bench/citus/run.sh (needs scripts/lib.sh).
#   citus_build_and_install SOURCE
# SOURCE is a Citus git directory (a clone, or a bare snapshot) or a source
# tree.  From git, tag $CITUS_REF (default v12.1.5, the last line supporting
# PostgreSQL 15) is exported and built; a source tree is built as it is.
# Builds are cached in $CITUS_CACHE (default /var/tmp/edupredict-citus), one
# folder per commit (or per tree listing), so a second run only installs.

CITUS_REF=${CITUS_REF:-v12.1.5}
CITUS_CACHE=${CITUS_CACHE:-/var/tmp/edupredict-citus}
CITUS_PACKAGES=(libcurl4-openssl-dev liblz4-dev libzstd-dev libkrb5-dev libselinux1-dev
                libpam0g-dev autoconf flex bison)

# Prints "git" for a git directory (clone or bare), "tree" for a source tree.
citus_source_kind() {
  local src=$1
  if [ -e "$src/.git" ] || { [ -f "$src/HEAD" ] && [ -d "$src/objects" ]; }; then echo git
  elif [ -f "$src/configure" ] && [ -d "$src/src/backend/distributed" ]; then echo tree
  else return 1; fi
}

# The cache key: the commit for git, else a digest of the tree's file listing.
citus_cache_key() {
  local src=$1
  case $(citus_source_kind "$src") in
    git) git -c safe.directory='*' -C "$src" rev-parse --verify "$CITUS_REF^{commit}" ;;
    tree) (cd "$src" && find . -type f -not -path './.git/*' -printf '%P %s %T@\n' | LC_ALL=C sort |
             sha256sum | cut -c1-16 | sed 's/^/tree-/') ;;
  esac
}

citus_build_and_install() {
  local src kind key dir t0
  src=$(readlink -f "$1")
  kind=$(citus_source_kind "$src") ||
    { echo "$1 is neither a Citus git directory nor a Citus source tree" >&2; return 1; }
  key=$(citus_cache_key "$src") || { echo "no $CITUS_REF in $src" >&2; return 1; }
  dir=$CITUS_CACHE/$key
  ensure_packages "${CITUS_PACKAGES[@]}" || return 1
  if [ ! -f "$dir/.built" ]; then
    echo "==> building Citus $key (from $src) in $dir"
    t0=$(date +%s)
    rm -rf "$dir" && mkdir -p "$dir/src" || return 1
    if [ "$kind" = git ]; then
      git -c safe.directory='*' -C "$src" archive --format=tar "$key" | tar -x -C "$dir/src" || return 1
    else
      cp -a "$src/." "$dir/src/" || return 1
    fi
    (cd "$dir/src" && ./configure PG_CONFIG="$PG_CONFIG" >"$dir/configure.log" 2>&1 &&
       make -j2 >"$dir/make.log" 2>&1) ||
      { tail -30 "$dir/configure.log" "$dir/make.log" 2>/dev/null; echo "Citus build failed (logs in $dir)" >&2; return 1; }
    echo "$(( $(date +%s) - t0 ))" >"$dir/.built"
    echo "==> Citus built in $(cat "$dir/.built") s"
  else
    echo "==> Citus $key: cached build in $dir (built in $(cat "$dir/.built") s)"
  fi
  (cd "$dir/src" && as_root make install >"$dir/install.log" 2>&1) ||
    { tail -20 "$dir/install.log"; echo "Citus install failed" >&2; return 1; }
}
