#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: host-side tests, then one VM run with KUnit and every VM
# test, as KTAP; ends with "N passed, N failed".  Exit 1 on any failure,
# timeout or kernel splat.
#
#   check.sh                   the default list
#   check.sh --upstream-full   all upstream MPTCP selftests instead
#   CHECK_TESTS="name[:timeout] ..." check.sh   a chosen list (plus kunit)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
build=${BUILD:-$repo/build}

# VM tests and their timeouts (seconds, under TCG with the debug kernel)
default_tests="kunit sysctl_sec_enabled:120 topo_selftest:300
	mptcp_two_path:900 upstream_mptcp_connect:2400"
full_tests="upstream_all:7200"

tests=${CHECK_TESTS:-$default_tests}
[ "${1:-}" != --upstream-full ] || tests=$full_tests

start=$(date +%s)
hp=0 hf=0

echo "# host tests"
if out=$("$here/selftest-splat-scan.sh" 2>&1); then r=0; else r=1; fi
echo "$out"
read -r p f < <(awk '/^ok /{p++} /^not ok /{f++} END{print p+0, f+0}' <<< "$out")
hp=$((hp + p)); hf=$((hf + f))
[ "$r" = 0 ] || [ "$f" != 0 ] || hf=$((hf + 1))

echo "# VM tests (TCG; the guest log is in build/vm/latest/console.log)"
# shellcheck disable=SC2086
"$here/vm/run-vm.sh" ${VM_OPTS:-} $tests
read -r vp vf _ < "$build/vm/latest/summary" 2>/dev/null || { vp=0; vf=1; }

secs=$(( $(date +%s) - start ))
echo "# make check took $((secs / 60)) min $((secs % 60)) s"
echo "$((hp + vp)) passed, $((hf + vf)) failed"
[ $((hf + vf)) = 0 ]
