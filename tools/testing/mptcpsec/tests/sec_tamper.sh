#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One payload byte of one TCP segment is changed on path 1 (nftables in the
# router, after ~500 KB of that subflow, once: quota, then limit; an nft
# counter proves it fired exactly once).
#   MPTCPsec: the upload still arrives intact and secured; the server counts
#   the authentication failure and the subflow reset, path 1 shows an
#   MP_TCPRST with reason 0x0f on that subflow, no data follows it on that
#   subflow beyond what was in flight (1 s), and path 2 carried everything
#   path 1 had not carried before the reset.
#   plain MPTCP, same rule: the server receives corrupted data, which
#   mptcpsec-xfer reports as a mismatch (the expected outcome there).
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
. "$here/lib/topo.sh"
. "$here/lib/xfer.sh"
. "$here/lib/sec.sh"
size=${MPTCPSEC_SIZE:-4M}
bytes=$((${size%M} * 1024 * 1024))
# lowercase letters only: never 0x5a, so the plain case always sees the
# first candidate segment changed
pattern=$(tr -dc a-z < /dev/urandom | head -c 61)
port=10500

ktap_begin 8

topo_setup --paths 2 --router-paths "1" || { ktap_diag "topology setup failed"; exit 1; }
topo_mptcp_endpoints --client-subflow
topo_netem 1 rate 50mbit
topo_netem 2 rate 50mbit

# tamper_rule PORT: (re)load the rule for uploads to PORT on path 1.
# The quota counts the bytes of that subflow through the router; past
# 500000 the first segment whose payload byte 100 is not 0x5a gets 0x5a
# there (the compare comes before the limit, so the change is real), and
# the limit lets that happen once.  No conntrack needed.
tamper_rule() {
	topo_rtr nft delete table inet mptcpsec_tamper 2>/dev/null
	topo_rtr nft -f - <<-EOT
	table inet mptcpsec_tamper {
		chain tamp {
			type filter hook forward priority mangle; policy accept;
			iifname "rtr-c1" tcp dport $1 quota over 500000 bytes ip length > 1000 @ih,800,8 != 0x5a limit rate 1/day burst 1 packets counter @ih,800,8 set 0x5a
		}
	}
	EOT
}

fired_once() {
	local p
	# the rule's own counter (named counters need CONFIG_NFT_OBJREF)
	p=$(topo_rtr nft list chain inet mptcpsec_tamper tamp |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
	echo "tamper rule fired on ${p:-?} packets"
	[ "$p" = 1 ]
}

# --- MPTCPsec
sec_sysctl cli 1
sec_sysctl srv 1
port=$((port + 1))
if tamper_rule "$port"; then
	topo_nstat_snapshot srv "$TOPO_TMP/srv.nstat"
	cap=$(topo_capture_start 1 "$TOPO_TMP/p1.pcap" srv tcp port "$port")
	sec_snap_bytes
	out=$(xfer_run sec "$port" -k "$pattern" -s "$size" --sec-key "$SEC_KEY" \
		--expect-sec secured -- -k "$pattern" -r "$size" \
		--sec-key "$SEC_KEY" --expect-sec secured 2>&1)
	xrc=$?
	p2=$(sec_path_bytes 2 tx)
	[ -z "$cap" ] || topo_capture_stop "$cap"
	rst=$(/usr/bin/python3 "$here/lib/pcap_tcp.py" tcprst "$port" "$TOPO_TMP/p1.pcap" 2>&1)
else
	out="nft rule not loaded" xrc=1 rst=
fi

r=$(fired_once)
if [ "$?" = 0 ]; then ktap_ok "sec_tamper_fired_once"; else ktap_not_ok "sec_tamper_fired_once" "$r"; fi

pair=$(sec_secured_pair sec 21)
prc=$?
if [ "$xrc" = 0 ] && [ "$prc" = 0 ]; then
	ktap_diag "$out"$'\n'"$pair"
	ktap_ok "sec_tamper_transfer_intact"
else
	ktap_not_ok "sec_tamper_transfer_intact" "$out"$'\n'"$pair"
fi

line=$(sec_nstat_line srv "$TOPO_TMP/srv.nstat" SecAuthFailData SecAuthFailOpt \
	SecAuthFailCtrl SecBadRecord SecSubflowReset)
fails=0
for c in SecAuthFailData SecAuthFailOpt SecAuthFailCtrl SecBadRecord; do
	v=$(sed -n "s/.*$c=\([0-9]*\).*/\1/p" <<< "$line")
	fails=$((fails + ${v:-0}))
done
resets=$(sed -n "s/.*SecSubflowReset=\([0-9]*\).*/\1/p" <<< "$line")
if [ "$fails" -ge 1 ] && [ "${resets:-0}" -ge 1 ]; then
	ktap_diag "server: $line"
	ktap_ok "sec_tamper_auth_failure_and_reset_counted"
else
	ktap_not_ok "sec_tamper_auth_failure_and_reset_counted" "server: $line"
fi

n=$(sed -n 's/.*mp_tcprst_0x0f=\([0-9]*\).*/\1/p' <<< "$rst")
after=$(sed -n 's/.*data_after_0x0f=\([0-9]*\).*/\1/p' <<< "$rst")
# bytes the client had in flight before the RST reached it may follow it
if [ "${n:-0}" -ge 1 ]; then
	ktap_diag "after the reset on that subflow: ${after:-0} bytes (in flight)"
	ktap_diag "$rst"
	ktap_ok "sec_tamper_mp_tcprst_0x0f_on_path1"
else
	ktap_not_ok "sec_tamper_mp_tcprst_0x0f_on_path1" "capture of path 1: $rst"
fi

# the reset subflow carries nothing the client sent after it learnt of the
# reset: only what was in flight may arrive (within 1 s)
late=$(sed -n 's/.*data_after_0x0f_late=\([0-9]*\).*/\1/p' <<< "$rst")
if [ "${n:-0}" -ge 1 ] && [ "${late:-x}" = 0 ]; then
	ktap_ok "sec_tamper_no_data_after_reset"
else
	ktap_not_ok "sec_tamper_no_data_after_reset" \
		"${late:-?} bytes on the reset subflow more than 1 s after the reset: $rst"
fi

# what path 1 carried towards the server before the reset (capture,
# payload incl. retransmissions) plus what left the client on path 2
# covers the upload: path 2 carried the rest
p1=$(sed -n 's/.*to_port_before_0x0f=\([0-9]*\).*/\1/p' <<< "$rst")
if [ "$xrc" = 0 ] && [ "${n:-0}" -ge 1 ] && [ -n "$p1" ] &&
   [ "$p1" -lt "$bytes" ] && [ "${p2:-0}" -ge $((bytes - p1)) ]; then
	ktap_diag "path 1 payload before the reset $p1 bytes, path 2 tx $p2 bytes, upload $bytes bytes"
	ktap_ok "sec_tamper_path2_carried_rest"
else
	ktap_not_ok "sec_tamper_path2_carried_rest" \
		"transfer exit $xrc, path 1 payload before the reset ${p1:-?} bytes, path 2 tx ${p2:-?} bytes, upload $bytes bytes"
fi

# --- plain MPTCP (no key), same rule
port=$((port + 1))
sec_sysctl cli 0 2>/dev/null
sec_sysctl srv 0 2>/dev/null
if tamper_rule "$port"; then
	out=$(xfer_run plain "$port" -k "$pattern" -s "$size" -- \
		-k "$pattern" -r "$size" 2>&1)
else
	out="nft rule not loaded"
fi
r=$(fired_once)
if [ "$?" = 0 ]; then ktap_ok "plain_tamper_fired_once"; else ktap_not_ok "plain_tamper_fired_once" "$r"; fi
res=$(xfer_field result "$TOPO_TMP/plain.srv" 2>/dev/null)
if [ "$res" = corrupted ] && grep -q "data mismatch at offset" "$TOPO_TMP/plain.srv"; then
	ktap_diag "$out"
	ktap_ok "plain_tamper_corrupts_data"
else
	ktap_not_ok "plain_tamper_corrupts_data" "server result '${res:-none}', expected corrupted"$'\n'"$out"
fi
topo_cleanup
ktap_end
