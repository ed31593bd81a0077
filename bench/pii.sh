#!/usr/bin/env bash
# Times sha256_pii(x,'email') against core sha256 and pgcrypto hmac on the
# same 1,000,000 generated e-mail addresses, in one run, and writes the
# ratios to bench/RESULTS.md (section "pii").
#   bench/pii.sh            (installs, builds and uses a throwaway cluster)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages "${CORE_PACKAGES[@]}"
build_and_install
exec scripts/with_cluster.sh bench/pii_in_cluster.sh
