#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One mptcpsec-xfer connection across a topology of lib/topo.sh.
#
#   . lib/topo.sh; . lib/xfer.sh
#   xfer_run NAME PORT CLIENT-ARGS... -- SERVER-ARGS...
#
# Starts the server in $TOPO_NS_SRV, waits until it listens, runs the client
# in $TOPO_NS_CLI towards path 1's server address, waits for the server.
# Returns 0 when both ends exit 0 (both report result=ok); their outputs
# are in $TOPO_TMP/NAME.cli and $TOPO_TMP/NAME.srv and are also printed.

XFER_BIN=${BUILD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)/build}/bin/mptcpsec-xfer

xfer_run() {
	local name=$1 port=$2 cargs=() pid rc_c rc_s
	shift 2
	while [ "$1" != -- ]; do cargs+=("$1"); shift; done
	shift
	rm -f "$TOPO_TMP/$name.ready"
	pid=$(topo_bg "$TOPO_NS_SRV" "$TOPO_TMP/$name.srv" "$XFER_BIN" server \
		-p "$port" --ready-file "$TOPO_TMP/$name.ready" -t 300 "$@")
	topo_wait_for 30 test -f "$TOPO_TMP/$name.ready" || return 1
	topo_cli "$XFER_BIN" client -a "$(topo_srv_addr 1)" -p "$port" -t 300 \
		"${cargs[@]}" > "$TOPO_TMP/$name.cli" 2>&1
	rc_c=$?
	topo_wait_pid "$pid" 60
	rc_s=$?
	cat "$TOPO_TMP/$name.cli" "$TOPO_TMP/$name.srv"
	[ "$rc_c" = 0 ] && [ "$rc_s" = 0 ]
}

# xfer_field KEY FILE: a key=value field of mptcpsec-xfer's summary line
xfer_field() {
	sed -n "s/.*[ :]$1=\([^ ]*\).*/\1/p" "$2" | head -n1
}
