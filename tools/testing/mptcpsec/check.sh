#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: host-side tests, then the VM tests as KTAP; ends with
# "N passed, N failed, N skipped".  Exit 1 on any failure, timeout or kernel splat.
#
# Two VM runs:
#   debug  the test kernel (KASAN, UBSAN, lockdep, kmemleak): KUnit, the
#          handshake, policy, record and receiver-rule tests;
#   perf   the kernel without debugging (3-5x faster under TCG): the long
#          transfers, the path managers, the attack tests and upstream's
#          mptcp_connect.sh (more than 20 minutes under KASAN+lockdep).
#          Its kernel log is scanned for splats all the same.
#
#   check.sh                   the default lists
#   check.sh --upstream-full   every upstream MPTCP selftest (debug kernel)
#   check.sh --long            sec_transfer_64M and mptcp_join.sh -f -s -r -b (perf)
#   CHECK_TESTS="name[:timeout] ..." check.sh   chosen tests, debug kernel only
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
build=${BUILD:-$repo/build}
vm=$build/vm
. "$here/lib/ktap.sh"

# VM tests and their timeouts in seconds (TCG)
# (sec_* tests: MPTCPSEC_SIZE defaults to 4M, 8M for sec_linkdown; the
# perf kernel runs sec_transfer with 64M through sec_transfer_64M)
debug_tests="kunit sec_kat_crosscheck:120 sysctl_sec_enabled:120
	sec_sockopt:120 sec_transfer:1200 sec_wrong_key:300 sec_interop:600
	sec_loss:600 sec_linkdown:600 sec_required:900 sec_dsn_rewind:300
	sec_syncookie:300"
# the perf kernel (3-5x faster under TCG) runs the longer transfers and
# attack tests; its kernel log is scanned for splats all the same
perf_tests="mptcp_two_path:900 sec_capture:600 sec_tamper:600 sec_pm:900
	tls_transfer:300 attack_fig9:600 sec_ctrl_forge:1500 attack_matrix:900
	sec_listener_policy:600 upstream_mptcp_connect:1500"
if [ "${1:-}" = --long ]; then
	# `make check-long`: the 64 MiB transfers and upstream's mptcp_join.sh
	# groups -f -s -r -b, kept out of `make check` for its time
	debug_tests=
	perf_tests="sec_transfer_64M:900 upstream_mptcp_join:1500"
elif [ "${1:-}" = --upstream-full ]; then
	debug_tests="upstream_all:10800"
	perf_tests=
elif [ "${1:-}" = --topo ]; then
	# the namespace topology library's own tests (the test harness, not
	# MPTCPsec): `make check-topo`
	debug_tests="topo_selftest:600"
	perf_tests=
elif [ -n "${CHECK_TESTS:-}" ]; then
	debug_tests=$CHECK_TESTS
	perf_tests=
fi

start=$(date +%s)
passed=0 failed=0 skipped=0

# vm_run DIR RUN-VM-ARGS...: one VM run; adds its summary to the totals.
# A run that stops before report.sh wrote a fresh summary is one failure.
vm_run() {
	local dir=$1 p f s rc
	shift
	rm -f "$dir/summary"
	"$here/vm/run-vm.sh" --out "$dir" "$@"
	rc=$?
	if [ "$rc" -gt 1 ] || ! read -r p f s < "$dir/summary"; then
		echo "not ok - vm run in ${dir#"$repo"/} # run-vm.sh exit status $rc, no summary"
		p=0 f=1 s=0
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + ${s:-0}))
}

# host_test NAME SCRIPT: a host-side KTAP script; a non-zero exit without
# a failed result still counts as one failure
host_test() {
	local out r p f s
	echo "# host tests: $1"
	out=$("$2" 2>&1)
	r=$?
	echo "$out"
	read -r p f s < <(ktap_count <(echo "$out"))
	[ "$r" = 0 ] || [ "$f" != 0 ] || f=1
	[ $((p + f + s)) != 0 ] || f=1
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}

host_test "splat scanner on canned logs" "$here/selftest-splat-scan.sh"
host_test "the series with CONFIG_MPTCP_SEC=n" "$here/selftest-nosec.sh"
host_test "MPTCPsec Python reference and its vectors" "$here/selftest-ref.sh"

if [ -n "$debug_tests" ]; then
	echo "# VM tests, debug kernel (guest log: build/vm/check-debug/console.log)"
	# shellcheck disable=SC2086
	vm_run "$vm/check-debug" ${VM_OPTS:-} $debug_tests
fi

if [ -n "$perf_tests" ]; then
	echo "# VM tests, perf kernel (guest log: build/vm/check-perf/console.log)"
	# shellcheck disable=SC2086
	# attack_matrix: the MPTCPsec column only (each attack proven to land
	# and to fail against MPTCPsec); `make attack` runs all three columns
	vm_run "$vm/check-perf" ${VM_OPTS:-} --env MATRIX_MODES=sec \
		--kernel "$build/kernel-perf/arch/x86/boot/bzImage" $perf_tests
fi

# the attack matrix of the last run, as files (build/attack/matrix.{md,csv})
for d in "$vm/check-debug" "$vm/check-perf"; do
	if [ -f "$d/attack/matrix.md" ]; then
		mkdir -p "$build/attack"
		cp "$d/attack/matrix.md" "$d/attack/matrix.csv" "$build/attack/"
		echo "# attack matrix: ${build#"$repo"/}/attack/matrix.md"
	fi
done

secs=$(( $(date +%s) - start ))
echo "# tests took $((secs / 60)) min $((secs % 60)) s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
