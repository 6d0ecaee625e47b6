#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Syncookies never carry MPTCPsec (the transcript cannot live in a
# cookie), and a required listener never takes a plain connection through
# them.  The server namespace answers every SYN with a cookie
# (net.ipv4.tcp_syncookies=2).  One path.
#
#   1. control: plain MPTCP client and server: the transfer works and the
#      server took the cookie path (TcpExtSyncookiesRecv grew)
#   2. MPTCPsec client and server, both required: the server answers no
#      MPTCPsec SYN with a cookie (SecSyncookieRefused grew), the client
#      gets no connection, the server application none either
#   3. plain MPTCP client, required server: refused (SecNegRefused), the
#      server application gets nothing
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
. "$here/lib/topo.sh"
. "$here/lib/xfer.sh"
. "$here/lib/sec.sh"
n=$((256 * 1024))
port=11600

ktap_begin 3

topo_setup --paths 1 || { ktap_diag "topology setup failed"; exit 1; }
topo_srv sysctl -q -w net.ipv4.tcp_syncookies=2
sec_sysctl cli 0
sec_sysctl srv 0

snap() {
	topo_nstat_snapshot srv "$TOPO_TMP/srv.nstat"
}
counted() {
	sec_nstat_grew srv "$TOPO_TMP/srv.nstat" "$1"
}

# none NAME PORT CLIENT-ARGS -- SERVER-ARGS: the client must fail within
# 10 s and the server application must see no connection (output: why)
none() {
	local name=$1 port=$2 cargs=() pid rc
	shift 2
	while [ "$1" != -- ]; do cargs+=("$1"); shift; done
	shift
	pid=$(xfer_server "$name" "$port" -n 1 -r "$n" "$@") || { echo "server did not start"; return 1; }
	xfer_client "$name" "$port" -s "$n" -t 10 "${cargs[@]}"
	rc=$?
	topo_wait_pid "$pid" 1 > /dev/null 2>&1
	cat "$TOPO_TMP/$name.cli" "$TOPO_TMP/$name.srv"
	echo "client exit $rc"
	[ "$rc" != 0 ] && ! grep -q "accepted" "$TOPO_TMP/$name.srv"
}

result() {
	if [ "$2" = 0 ]; then ktap_diag "$3"; ktap_ok "$1"; else ktap_not_ok "$1" "$3"; fi
}

port=$((port + 1))
snap
out=$(xfer_run plain "$port" -s "$n" -r "$n" -- -s "$n" -r "$n" 2>&1 &&
	counted TcpExtSyncookiesRecv)
result syncookie_plain_mptcp_works $? "$out"

snap
port=$((port + 1))
out=$(none sec "$port" --sec-key "$SEC_KEY" --sec-policy 2 -- \
	--sec-key "$SEC_KEY" --sec-policy 2 2>&1 && counted MPTcpExtSecSyncookieRefused)
result syncookie_never_for_mptcpsec $? "$out"

snap
port=$((port + 1))
out=$(none req "$port" -- --sec-key "$SEC_KEY" --sec-policy 2 2>&1 &&
	counted MPTcpExtSecNegRefused)
result syncookie_required_listener_refuses_plain $? "$out"
topo_cleanup
ktap_end
