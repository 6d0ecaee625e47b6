#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A listener that requires MPTCPsec never gets a plain child, also when it
# became "required" after the SYN was checked (issue 11, item 7):
#
#   ns-cli  plain MPTCP client (policy 0) --- ns-srv  listener, policy 1
#           nft drops its ACKs                         and a key
#
#   1. the client connects; its third ACK is dropped (nft counter > 0);
#   2. the listener's policy is set to 2 (read back);
#   3. the drop rule goes; the ACK gets through (a SYN/ACK retransmission
#      or the client's first data);
#   => accept() gets nothing, SecNegRefused grew; the server resets a
#      third ACK and drops the ACK of a cookie (the client times out).
#
# Twice: with a request socket (third ACK) and with syncookies
# (net.ipv4.tcp_syncookies=2: the ACK of a cookie).  Each has a control
# where the policy stays 1, which must be accepted as plain (state 3),
# so the scenario is known to reach the child creation.
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
. "$here/lib/topo.sh"
. "$here/lib/sec.sh"
py=$here/lib/sec_listener_policy.py

ktap_begin 4
topo_setup --paths 1 || { ktap_diag "topology setup failed"; exit 1; }
srv=$(topo_srv_addr 1)

# one run: NAME PORT NEWPOLICY; sets $res (server line), $cres (client
# line), $drops (third ACKs dropped), $refused (SecNegRefused delta),
# $cookies (TcpExtSyncookiesSent delta)
run_case() {
	local name=$1 port=$2 newpol=$3 trig=$TOPO_TMP/$1.trigger spid cpid i
	rm -f "$trig" "$trig.done" "$TOPO_TMP/$name.go"
	topo_nstat_snapshot srv "$TOPO_TMP/$name.nstat"
	topo_cli nft add table inet "lp_$name"
	topo_cli nft add chain inet "lp_$name" out \
		'{ type filter hook output priority 0; policy accept; }'
	topo_cli nft add rule inet "lp_$name" out tcp dport "$port" \
		'tcp flags & syn == 0' counter drop
	spid=$(topo_bg srv "$TOPO_TMP/$name.srv" /usr/bin/python3 "$py" server \
		"$port" "$SEC_KEY" "$trig" 15 "$newpol")
	topo_wait_for 60 grep -q READY "$TOPO_TMP/$name.srv"
	cpid=$(topo_bg cli "$TOPO_TMP/$name.cli" /usr/bin/python3 "$py" client \
		"$srv" "$port" "$TOPO_TMP/$name.go")
	# the third ACK was dropped
	drops=0
	for i in $(seq 1 100); do
		drops=$(topo_cli nft list table inet "lp_$name" |
			sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
		[ "${drops:-0}" -gt 0 ] && break
		sleep 0.1
	done
	touch "$trig"
	topo_wait_for 20 test -f "$trig.done"
	topo_cli nft delete table inet "lp_$name"
	# a SYN/ACK retransmission (about 1 s) brings the ACK again; with a
	# cookie the client's data is the ACK
	sleep 2
	touch "$TOPO_TMP/$name.go"
	topo_wait_pid "$cpid" 40
	topo_wait_pid "$spid" 40
	res=$(grep '^SERVER' "$TOPO_TMP/$name.srv")
	cres=$(grep '^CLIENT' "$TOPO_TMP/$name.cli")
	refused=$(topo_nstat_delta srv "$TOPO_TMP/$name.nstat" MPTcpExtSecNegRefused)
	cookies=$(topo_nstat_delta srv "$TOPO_TMP/$name.nstat" TcpExtSyncookiesSent)
	ktap_diag "$name: third ACKs dropped ${drops:-0}; $res; $cres; SecNegRefused +${refused:-0}; SyncookiesSent +${cookies:-0}"
	ktap_diag "$name: server $(sec_nstat_line srv "$TOPO_TMP/$name.nstat" \
		MPCapableSYNRX MPCapableACKRX MPCapableFallbackACK SecNegPlain \
		SecNegStripped MPTCPRetrans) $(for c in TcpExtListenDrops \
		TcpExtTCPReqQFullDrop TcpExtSyncookiesRecv TcpExtSyncookiesFailed \
		TcpExtTCPAbortOnData TcpOutRsts; do
		printf '%s=%s ' "$c" "$(topo_nstat_delta srv "$TOPO_TMP/$name.nstat" "$c")"
		done)"
	ktap_diag "$name: server output: $(tr '\n' ' ' < "$TOPO_TMP/$name.srv")"
}

# judge NAME: the required case (policy read back 2, nothing accepted,
# counted, the client reset, or for a cookie left without an answer)
# once the scenario is proven (ACK dropped; for cookies, a cookie sent)
judge_required() {
	local name=$1 want_cookie=$2 why=
	[ "${drops:-0}" -gt 0 ] || why+="the third ACK was never dropped; "
	[ "$want_cookie" = 0 ] || [ "${cookies:-0}" -gt 0 ] ||
		why+="no syncookie was sent; "
	[[ $res == *"policy=2 "* ]] || why+="listener policy not 2: $res; "
	[[ $res == *"accepted=0"* ]] || why+="a child was accepted: $res; "
	[ "${refused:-0}" -gt 0 ] || why+="SecNegRefused did not grow; "
	# a third ACK is reset; the ACK of a cookie is dropped (spec,
	# "Policy"): that client gets nothing and ends in a timeout
	if [ "$want_cookie" = 0 ]; then
		[[ $cres == *"connect=ok"* ]] && [[ $cres != *"recv=data"* ]] &&
			[[ $cres =~ (ECONNRESET|EPIPE) ]] ||
			why+="client not reset: $cres; "
	else
		[[ $cres == *"connect=ok"* ]] && [[ $cres != *"recv=data"* ]] &&
			[[ $cres =~ (ECONNRESET|EPIPE|recv=timeout) ]] ||
			why+="client got data or no error: $cres; "
	fi
	if [ -z "$why" ]; then ktap_ok "$name"; else ktap_not_ok "$name" "$why"; fi
}

judge_control() {
	local name=$1 why=
	[ "${drops:-0}" -gt 0 ] || why+="the third ACK was never dropped; "
	[[ $res == *"policy=1 accepted=1 state=3"* ]] ||
		why+="not accepted as plain: $res; "
	if [ -z "$why" ]; then ktap_ok "$name"; else ktap_not_ok "$name" "$why"; fi
}

run_case ctl_reqsk 10801 1
judge_control control_reqsk_plain_child_accepted
run_case reqsk 10802 2
judge_required listener_made_required_refuses_plain_child 0

topo_srv sysctl -q -w net.ipv4.tcp_syncookies=2
run_case ctl_cookie 10803 1
judge_control control_syncookie_plain_child_accepted
run_case cookie 10804 2
judge_required listener_made_required_refuses_syncookie_child 1
topo_srv sysctl -q -w net.ipv4.tcp_syncookies=1

topo_cleanup
ktap_end
