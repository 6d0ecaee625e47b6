#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: Figure 8.  One VM run on the perf kernel
# (tests/bench_throughput.sh: plain MPTCP, TLS/MPTCP and MPTCPsec with each
# suite, BENCH_REPEATS runs of BENCH_SIZE each, and the in-kernel AEAD
# speed), then on the host the table, the ratios and the plot:
#
#   build/bench/bench.csv      every run (kind,mode,size,run,mbit,detail)
#   build/bench/bench.png      bar chart, mean and min/max per mode
#   build/bench/ratios.txt     the table printed at the end
#
#   BENCH_SIZE=256M BENCH_REPEATS=5 make bench
#
# Figures, not tests: the exit status is non-zero only when a transfer
# failed or the VM run did (the speeds are never checked).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
build=${BUILD:-$repo/build}
size=${BENCH_SIZE:-32M}
repeats=${BENCH_REPEATS:-3}
aead_secs=${BENCH_AEAD_SECONDS:-2}
vmdir=$build/vm/bench
out=$build/bench

bytes=$(numfmt --from=iec "$size" 2>/dev/null) ||
	{ echo "bench: bad BENCH_SIZE '$size' (e.g. 64M, 1G)" >&2; exit 2; }
[[ "$repeats" =~ ^[1-9][0-9]*$ ]] ||
	{ echo "bench: bad BENCH_REPEATS '$repeats'" >&2; exit 2; }
# time limit: 5 modes x repeats transfers at >= 5 Mbit/s, the AEAD runs,
# and setup
tmo=$((5 * repeats * (bytes * 8 / 5000000 + 20) + 3 * repeats * aead_secs + 300))
echo "bench: $size per transfer, $repeats runs of plain MPTCP, TLS/MPTCP and MPTCPsec 0x21/0x22/0x23, then the AEAD speed; one VM run (limit ${tmo}s)"
# shellcheck disable=SC2086
"$here/vm/run-vm.sh" ${VM_OPTS:-} --out "$vmdir" \
	--kernel "$build/kernel-perf/arch/x86/boot/bzImage" \
	--env "BENCH_SIZE=$size" --env "BENCH_REPEATS=$repeats" \
	--env "BENCH_AEAD_SECONDS=$aead_secs" "bench_throughput:$tmo"
rc=$?
if [ ! -s "$vmdir/bench.csv" ]; then
	echo "bench: no results in ${vmdir#"$repo"/}/bench.csv (see bench_throughput.log there)" >&2
	exit 1
fi
mkdir -p "$out"
cp "$vmdir/bench.csv" "$out/bench.csv"
echo
/usr/bin/python3 "$here/bench_report.py" "$out/bench.csv" "$out/bench.png" \
	"$out/ratios.txt" || rc=1
echo "bench: ${out#"$repo"/}/bench.csv, bench.png, ratios.txt"
exit "$rc"
