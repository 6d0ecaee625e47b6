#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark, not a test: plain MPTCP and MPTCPsec (each suite) over two
# unlimited veth paths in the same VM run, one after the other, and the
# ratio.  Prints "# bench <name> <Mbit/s>"; a result is "ok" when its
# transfer arrived intact (times are printed, never checked).
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
. "$here/lib/topo.sh"
. "$here/lib/xfer.sh"
. "$here/lib/sec.sh"
size=${MPTCPSEC_BENCH_SIZE:-64M}
port=11000

ktap_begin 4
topo_setup --paths 2 || { ktap_diag "topology setup failed"; exit 1; }
topo_mptcp_endpoints --client-subflow
sec_sysctl cli 1
sec_sysctl srv 1
plain=
for mode in plain 21 22 23; do
	port=$((port + 1))
	if [ $mode = plain ]; then
		c=(-s "$size"); s=(-r "$size")
	else
		list=$mode; [ "$mode" = 21 ] || list=$mode,21
		c=(-s "$size" --sec-key "$SEC_KEY" --sec-suites "$list"
		   --expect-sec secured)
		s=(-r "$size" --sec-key "$SEC_KEY" --expect-sec secured)
	fi
	if out=$(xfer_run "bench_$mode" "$port" "${c[@]}" -- "${s[@]}" 2>&1); then
		secs=$(xfer_field seconds "$TOPO_TMP/bench_$mode.srv")
		bytes=$(xfer_field recv "$TOPO_TMP/bench_$mode.srv")
		mbit=$(awk -v b="$bytes" -v t="$secs" 'BEGIN { printf "%.1f", b * 8 / t / 1e6 }')
		[ $mode = plain ] && plain=$mbit
		ratio=$(awk -v a="$mbit" -v p="${plain:-0}" 'BEGIN { if (p > 0) printf "%.2f", a / p; else print "-" }')
		ktap_diag "bench $mode $size ${mbit} Mbit/s ratio_to_plain=$ratio"
		ktap_ok "bench_$mode"
	else
		ktap_not_ok "bench_$mode" "$out"
	fi
done
topo_cleanup
ktap_end
