#!/usr/bin/env bash
# scripts/lib.sh runs apt-get and make install through as_root: directly as
# root (where sudo may not exist), through sudo otherwise.  This runs
# ensure_packages and build_and_install both ways with fake apt-get, make,
# dpkg-query (and sudo) that only record how they were called, so nothing is
# installed or built, and checks the command lines:
#   - as root with no sudo anywhere on PATH;
#   - as an ordinary user (the postgres account) with a fake sudo that records
#     its arguments and runs the command.
# Run by a non-root user, the root case fakes `id -u` instead.
set -uo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp scripts/lib.sh "$tmp/lib.sh"
pg_config=/usr/lib/postgresql/15/bin/pg_config

# tools: only what lib.sh and the fakes need, so no sudo can be found by accident
mkdir "$tmp/tools" "$tmp/fakes" "$tmp/sudo"
for t in bash env id grep cat; do ln -s "$(command -v "$t")" "$tmp/tools/$t"; done
record='printf "%s uid=%s DEBIAN_FRONTEND=%s %s\n" "${0##*/}" "$(id -u)" "${DEBIAN_FRONTEND-unset}" "$*" >>"$LOG"'
for t in apt-get make; do printf '#!/bin/bash\n%s\n' "$record" >"$tmp/fakes/$t"; done
printf '#!/bin/bash\nexit 1\n' >"$tmp/fakes/dpkg-query"          # nothing is installed
printf '#!/bin/bash\nprintf "sudo %%s\\n" "$*" >>"$LOG"\nexec "$@"\n' >"$tmp/sudo/sudo"
chmod 755 "$tmp"/fakes/* "$tmp/sudo/sudo"
chmod -R a+rX "$tmp"       # the postgres account runs from here, whatever the umask
job='cd "$TMPD" && . ./lib.sh && ensure_packages pkg-one pkg-two >/dev/null && build_and_install >/dev/null'

bad=0
expect() {   # expect CASE LOG EXPECTED
  if [ "$(cat "$2" 2>/dev/null)" != "$3" ]; then
    printf 'as_root (%s): wrong commands\n--- expected\n%s\n--- actual\n%s\n' "$1" "$3" "$(cat "$2" 2>/dev/null)"
    bad=1
  fi
}

# 1. root, no sudo on PATH
rootpath=$tmp/fakes:$tmp/tools
if [ "$(id -u)" -ne 0 ]; then      # not root: pretend, with an id that says 0
  mkdir "$tmp/fakeid"
  printf '#!/bin/bash\n[ "$1" = -u ] && { echo 0; exit 0; }\nexec %s "$@"\n' "$(command -v id)" >"$tmp/fakeid/id"
  chmod 755 "$tmp/fakeid/id"
  rootpath=$tmp/fakeid:$rootpath
fi
env -i PATH="$rootpath" bash -c 'command -v sudo' >/dev/null && { echo "as_root: sudo is on the root PATH"; bad=1; }
touch "$tmp/root.log"
env -i PATH="$rootpath" LOG="$tmp/root.log" TMPD="$tmp" bash -c "$job" ||
  { echo "as_root (root): exit status $?"; bad=1; }
expect "root, no sudo" "$tmp/root.log" "apt-get uid=0 DEBIAN_FRONTEND=noninteractive update -qq
apt-get uid=0 DEBIAN_FRONTEND=noninteractive install -y -qq --no-install-recommends pkg-one pkg-two
make uid=0 DEBIAN_FRONTEND=unset -s PG_CONFIG=$pg_config -j2
make uid=0 DEBIAN_FRONTEND=unset -s PG_CONFIG=$pg_config install"

# 2. an ordinary user with sudo
if [ "$(id -u)" -eq 0 ]; then as_user=(runuser -u postgres --); uid=$(id -u postgres); else as_user=(); uid=$(id -u); fi
install -m 666 /dev/null "$tmp/user.log"
"${as_user[@]}" env -i PATH="$tmp/sudo:$tmp/fakes:$tmp/tools" LOG="$tmp/user.log" TMPD="$tmp" bash -c "$job" ||
  { echo "as_root (user): exit status $?"; bad=1; }
expect "user with sudo" "$tmp/user.log" "sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
apt-get uid=$uid DEBIAN_FRONTEND=noninteractive update -qq
sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pkg-one pkg-two
apt-get uid=$uid DEBIAN_FRONTEND=noninteractive install -y -qq --no-install-recommends pkg-one pkg-two
make uid=$uid DEBIAN_FRONTEND=unset -s PG_CONFIG=$pg_config -j2
sudo env make -s PG_CONFIG=$pg_config install
make uid=$uid DEBIAN_FRONTEND=unset -s PG_CONFIG=$pg_config install"

[ $bad -eq 0 ] && echo "as_root: apt-get and make install run as root directly, and through sudo as a user"
exit $bad
