#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MPTCPsec against peers without it (one path):
#   opportunistic client (key) + plain MPTCP server / plain TCP server:
#     data both ways, client reports "plain";
#   required client + plain MPTCP / TCP server: connect() fails with
#     EPROTONOSUPPORT and the server application gets nothing (its one
#     accept() is the plain client that follows);
#   opportunistic server (key) + plain MPTCP client: works, server "plain";
#   required server + plain MPTCP client: the client's connection fails
#     (reset or refused) and the server's one accept() is the MPTCPsec
#     client that follows.
# The plain ends have no key (no MPTCPsec offered), the plain server or
# client namespace also net.mptcp.sec_enabled=0.  The MPTCPsec end counts
# each outcome: SecNegPlain (opportunistic), SecNegRefused (required).
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
. "$here/lib/topo.sh"
. "$here/lib/xfer.sh"
. "$here/lib/sec.sh"
n=$((512 * 1024))
port=10600

ktap_begin 6

topo_setup --paths 1 || { ktap_diag "topology setup failed"; exit 1; }

# result NAME STATUS OUTPUT
result() {
	if [ "$2" = 0 ]; then ktap_diag "$3"; ktap_ok "$1"; else ktap_not_ok "$1" "$3"; fi
}

# refused NAME SERVER-ARGS -- REFUSED-CLIENT-ARGS -- FOLLOW-UP-CLIENT-ARGS:
# a server for one connection, a client that must fail, then one that must
# succeed and be the only connection the server application saw
refused() {
	local name=$1 sargs=() rargs=() gargs=() pid rc1 rc2 rc3
	shift
	while [ "$1" != -- ]; do sargs+=("$1"); shift; done
	shift
	while [ "$1" != -- ]; do rargs+=("$1"); shift; done
	shift
	gargs=("$@")
	port=$((port + 1))
	pid=$(xfer_server "$name" "$port" -n 1 -s "$n" -r "$n" "${sargs[@]}") ||
		{ echo "server did not start"; return 1; }
	xfer_client "$name.refused" "$port" "${rargs[@]}"
	rc1=$?
	xfer_client "$name.next" "$port" -s "$n" -r "$n" "${gargs[@]}"
	rc2=$?
	# a failed follow-up client leaves the server waiting: do not
	if [ "$rc2" = 0 ]; then xfer_server_wait "$pid"; else topo_wait_pid "$pid" 1; fi
	rc3=$?
	cat "$TOPO_TMP/$name.refused.cli" "$TOPO_TMP/$name.next.cli" "$TOPO_TMP/$name.srv"
	echo "refused client exit $rc1, next client exit $rc2, server exit $rc3"
	[ "$rc1" = 0 ] && [ "$rc2" = 0 ] && [ "$rc3" = 0 ] &&
		[ "$(grep -c role=server "$TOPO_TMP/$name.srv")" = 1 ]
}

# snap / counted NS COUNTER: COUNTER of NS grew since snap (output: why)
snap() {
	topo_nstat_snapshot cli "$TOPO_TMP/cli.nstat"
	topo_nstat_snapshot srv "$TOPO_TMP/srv.nstat"
}
counted() {
	sec_nstat_grew "$1" "$TOPO_TMP/$1.nstat" "MPTcpExtSec$2"
}

data=(-s "$n" -r "$n")
sec_sysctl cli 1
sec_sysctl srv 0

# opportunistic client, plain servers
port=$((port + 1))
snap
out=$(xfer_run opp_mptcp "$port" "${data[@]}" --sec-key "$SEC_KEY" \
	--sec-policy 1 --expect-sec plain -- "${data[@]}" 2>&1 &&
	counted cli NegPlain)
result opp_client_plain_mptcp_server $? "$out"
port=$((port + 1))
snap
out=$(xfer_run opp_tcp "$port" "${data[@]}" --sec-key "$SEC_KEY" \
	--sec-policy 1 --expect-sec plain -- "${data[@]}" -P tcp 2>&1 &&
	counted cli NegPlain)
result opp_client_tcp_server $? "$out"

# required client, plain servers; the follow-up client is plain MPTCP
snap
out=$(refused req_mptcp -- -r "$n" --sec-key "$SEC_KEY" --sec-policy 2 \
	--expect-errno EPROTONOSUPPORT -- 2>&1 && counted cli NegRefused)
result req_client_plain_mptcp_server_refused $? "$out"
snap
out=$(refused req_tcp -P tcp -- -r "$n" --sec-key "$SEC_KEY" --sec-policy 2 \
	--expect-errno EPROTONOSUPPORT -- -P tcp 2>&1 && counted cli NegRefused)
result req_client_tcp_server_refused $? "$out"

# plain client, MPTCPsec servers
sec_sysctl cli 0
sec_sysctl srv 1
port=$((port + 1))
snap
out=$(xfer_run opp_srv "$port" "${data[@]}" -- "${data[@]}" \
	--sec-key "$SEC_KEY" --sec-policy 1 --expect-sec plain 2>&1 &&
	counted srv NegPlain)
result opp_server_plain_mptcp_client $? "$out"
snap
out=$(refused req_srv --sec-key "$SEC_KEY" --sec-policy 2 --expect-sec secured -- \
	-r "$n" --expect-errno ECONNRESET,ECONNREFUSED,EPROTONOSUPPORT -- \
	--sec-key "$SEC_KEY" --sec-policy 1 --expect-sec secured 2>&1 &&
	counted srv NegRefused)
result req_server_refuses_v1_client $? "$out"
topo_cleanup
ktap_end
