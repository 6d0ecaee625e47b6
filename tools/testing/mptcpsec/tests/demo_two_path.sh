#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`, guest side: one MPTCP connection over two paths, told in
# plain words.  Lines starting with "demo: " are what demo.sh shows.
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/topo.sh"
. "$here/lib/xfer.sh"
size=${MPTCPSEC_DEMO_SIZE:-32M}

say() { echo "demo: $*"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }

topo_setup --paths 2 || exit 1
topo_mptcp_endpoints --client-subflow
topo_netem 1 rate 40mbit delay 2ms
topo_netem 2 rate 60mbit delay 10ms
say "Two hosts, a client and a server, each in its own network namespace,"
say "are joined by two independent links (think Wi-Fi and LTE):"
say "  path 1: client $(topo_cli_addr 1) <-> server $(topo_srv_addr 1)  (40 Mbit/s, 2 ms)"
say "  path 2: client $(topo_cli_addr 2) <-> server $(topo_srv_addr 2)  (60 Mbit/s, 10 ms)"
say "The client opens ONE Multipath TCP connection to $(topo_srv_addr 1) and"
say "uploads $size of random data; the kernel adds a second subflow on path 2."

for i in 1 2; do
	tx0[i]=$(topo_if_bytes "$TOPO_NS_CLI" "$(topo_cli_if $i)" tx)
done
xfer_run demo 10000 -s "$size" -- -r "$size"
ok=$?

sent=$(xfer_field sent_sha256 "$TOPO_TMP/demo.cli")
got=$(xfer_field recv_sha256 "$TOPO_TMP/demo.srv")
secs=$(xfer_field seconds "$TOPO_TMP/demo.srv")
joins=$(topo_nstat "$TOPO_NS_SRV" MPTcpExtMPJoinAckRx)
for i in 1 2; do
	tx=$(topo_if_bytes "$TOPO_NS_CLI" "$(topo_cli_if $i)" tx)
	say "  path $i carried $(mb $((tx - tx0[i]))) from the client"
done
say "  the server accepted ${joins:-0} extra subflow(s) (MPTcpExtMPJoinAckRx)"
if [ "$ok" = 0 ] && [ -n "$sent" ] && [ "$sent" = "$got" ]; then
	say "  every byte arrived intact in ${secs}s: sha256 sent = sha256 received"
	say "  ($sent)"
	say "RESULT: OK - one connection, two paths, no byte lost or changed."
	status=0
else
	say "RESULT: FAILED - see the client and server output above, sha256 $sent vs $got"
	status=1
fi
say "This is plain MPTCP: anyone on either path can read or change it."
say "MPTCPsec (net.mptcp.sec_enabled, now $(sysctl -n net.mptcp.sec_enabled))"
say "will encrypt it and survive tampering; that is the work of the next issues."
topo_cleanup
exit $status
