#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An attacker on path 1 moves the data sequence number of every DSS
# mapping 2^62 into the past (mptcpsec-nfq --dsn-rewind, payload
# untouched) after 100 KB of a 1 MB upload over two 5 Mbit/s paths.  Such
# a record looks like data the server already has: unless its option tag
# is verified first, it is consumed and TCP-acknowledged as a duplicate,
# path 1 becomes a black hole and the connection crawls (before the fix:
# 192 KB in 200 s).  MPTCPsec must reject the first such record
# (SecAuthFailOpt), reset path 1 (SecSubflowReset) and finish the upload
# on path 2, intact and secured, within the client's 60 s.
#
#   1. the attack happened: the helper rewound DSNs (its summary)
#   2. the upload completed intact and secured
#   3. the server counted the failed option tag and reset the subflow
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
. "$here/lib/topo.sh"
. "$here/lib/xfer.sh"
. "$here/lib/sec.sh"
. "$here/attack/attack.sh"
bytes=$((1024 * 1024))
port=11500
name=rewind

ktap_begin 3

topo_setup --paths 2 --router-paths "1" || { ktap_diag "topology setup failed"; exit 1; }
topo_mptcp_endpoints --client-subflow
topo_netem 1 rate 5mbit
topo_netem 2 rate 5mbit
topo_exec cli sysctl -q -w net.mptcp.sec_enabled=0
topo_exec srv sysctl -q -w net.mptcp.sec_enabled=0

topo_nstat_snapshot srv "$TOPO_TMP/srv.nstat"
t0=$SECONDS
if attack_start "$name" "$port" -- --after-dsn 100K --dsn-rewind; then
	attack_xfer "$name" "$port" sec "$bytes" -t 60 -- -t 60
	attack_stop "$name"
fi
took=$((SECONDS - t0))
o=$(attack_outcome "$name" "$bytes")
n=$(sed -n 's/^nfq: summary .*rewound=\([0-9]*\).*/\1/p' "$TOPO_TMP/$name.nfq")
diag="$o took=${took}s rewound=${n:-0}"$'\n'"$(cat "$TOPO_TMP/$name.nfq" "$TOPO_TMP/$name.cli" "$TOPO_TMP/$name.srv" 2>/dev/null)"

if [ "$(attack_fired "$name")" = 1 ] && [ "${n:-0}" -ge 1 ]; then
	ktap_ok "rewind_attack_applied"
else
	ktap_not_ok "rewind_attack_applied" "$diag"
fi

if [ "$(attack_kv completed "$o")" = yes ] && [ "$(attack_kv intact "$o")" = yes ] &&
   [ "$(attack_kv sec_state "$o")" = secured ]; then
	ktap_diag "$o took=${took}s"
	ktap_ok "rewind_upload_intact_secured"
else
	ktap_not_ok "rewind_upload_intact_secured" "$diag"
fi

line=$(sec_nstat_line srv "$TOPO_TMP/srv.nstat" SecAuthFailOpt SecSubflowReset SecDupRecord)
af=$(sed -n 's/.*SecAuthFailOpt=\([0-9]*\).*/\1/p' <<< "$line")
rs=$(sed -n 's/.*SecSubflowReset=\([0-9]*\).*/\1/p' <<< "$line")
if [ "${af:-0}" -ge 1 ] && [ "${rs:-0}" -ge 1 ]; then
	ktap_diag "server: $line"
	ktap_ok "rewind_rejected_and_path_reset"
else
	ktap_not_ok "rewind_rejected_and_path_reset" "server: $line"
fi
topo_cleanup
ktap_end
