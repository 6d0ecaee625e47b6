#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MPTCPsec over two paths, for each cipher suite: upload, download and both
# at once of MPTCPSEC_SIZE bytes (default 4M), every byte checked by
# mptcpsec-xfer, each path carrying at least 1 MB, both ends secured with
# the suite the client put first ("X,21"), the same session id on both
# ends, and the counters of each end: SecNegOffered (client) and
# SecNegSecured (both), SecRecordsSealed and SecCtrlOpened on the sending
# end(s), SecRecordsOpened and SecCtrlSent on the receiving end(s).
# tests/sec_transfer_64M.sh runs it with 64M (perf kernel).
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
. "$here/lib/topo.sh"
. "$here/lib/xfer.sh"
. "$here/lib/sec.sh"
size=${MPTCPSEC_SIZE:-4M}
min=$((1024 * 1024))
port=10100

# every direction for every suite with MPTCPSEC_TRANSFER_ALL=1 (the perf
# kernel's sec_transfer_64M); else, in the slow debug kernel, 0x21 in
# every direction and the other suites upload only (each AEAD still seals
# on one end and opens on the other)
all=${MPTCPSEC_TRANSFER_ALL:-0}
if [ "$all" = 1 ]; then ktap_begin 9; else ktap_begin 5; fi

topo_setup --paths 2 || { ktap_diag "topology setup failed"; exit 1; }
topo_mptcp_endpoints --client-subflow
# rate-limited, else the scheduler keeps everything on one subflow
topo_netem 1 rate 50mbit
topo_netem 2 rate 50mbit
sec_sysctl cli 1
sec_sysctl srv 1

for suite in 21 22 23; do
	if [ "$suite" = 21 ]; then list=21; else list=$suite,21; fi
	dirs="upload download bidir"
	[ "$all" = 1 ] || [ "$suite" = 21 ] || dirs=upload
	for dir in $dirs; do
		case $dir in
		upload) c=(-s "$size"); s=(-r "$size"); want=tx rcv="srv" snd=cli ;;
		download) c=(-r "$size"); s=(-s "$size"); want=rx rcv="cli" snd=srv ;;
		bidir) c=(-s "$size" -r "$size"); s=(-s "$size" -r "$size")
			want="tx rx" rcv="cli srv" snd="cli srv" ;;
		esac
		name=sec_${suite}_${dir}
		port=$((port + 1))
		sec_snap_bytes
		topo_nstat_snapshot cli "$TOPO_TMP/cli.nstat"
		topo_nstat_snapshot srv "$TOPO_TMP/srv.nstat"
		out=$(xfer_run "$name" "$port" "${c[@]}" --sec-key "$SEC_KEY" \
			--sec-suites "$list" --expect-sec secured -- \
			"${s[@]}" --sec-key "$SEC_KEY" --expect-sec secured 2>&1)
		ok=$?
		out+=$'\n'$(sec_secured_pair "$name" "$suite") || ok=1
		for w in $want; do
			out+=$'\n'$(sec_paths_carried "$w" "$min") || ok=1
		done
		for ns in $rcv; do
			for k in RecordsOpened CtrlSent; do
				out+=$'\n'$(sec_nstat_grew "$ns" "$TOPO_TMP/$ns.nstat" \
					"MPTcpExtSec$k") || ok=1
			done
		done
		for ns in $snd; do
			for k in RecordsSealed CtrlOpened; do
				out+=$'\n'$(sec_nstat_grew "$ns" "$TOPO_TMP/$ns.nstat" \
					"MPTcpExtSec$k") || ok=1
			done
		done
		for k in cli:NegOffered cli:NegSecured srv:NegSecured; do
			out+=$'\n'$(sec_nstat_grew "${k%%:*}" "$TOPO_TMP/${k%%:*}.nstat" \
				"MPTcpExtSec${k#*:}") || ok=1
		done
		if [ "$ok" = 0 ]; then
			ktap_diag "$out"
			ktap_ok "${name}_$size"
		else
			ktap_not_ok "${name}_$size" "$out"
		fi
	done
done
topo_cleanup
ktap_end
