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
# Returns 0 when both ends exit 0 (both report verdict=ok); their outputs
# are in $TOPO_TMP/NAME.cli and $TOPO_TMP/NAME.srv and are also printed.
#
# The pieces, for tests that need more than one client per server:
#   pid=$(xfer_server NAME PORT SERVER-ARGS...)  start, wait until listening
#   xfer_client NAME PORT CLIENT-ARGS...         run a client, its exit status;
#                                                output in $TOPO_TMP/NAME.cli
#   xfer_server_wait PID                         the server's exit status
# XFER_ADDR overrides the server address the client connects to.

XFER_BIN=${BUILD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)/build}/bin/mptcpsec-xfer

xfer_server() {
	local name=$1 port=$2
	shift 2
	rm -f "$TOPO_TMP/$name.ready"
	topo_bg "$TOPO_NS_SRV" "$TOPO_TMP/$name.srv" "$XFER_BIN" server \
		-p "$port" --ready-file "$TOPO_TMP/$name.ready" -t 300 "$@" ||
		return 1
	# stop waiting as soon as the server has exited (topo_bg's rc file)
	topo_wait_for 30 _xfer_ready "$name" "$TOPO_LAST_PID" &&
		[ -f "$TOPO_TMP/$name.ready" ] ||
		{ cat "$TOPO_TMP/$name.srv" >&2; return 1; }
}

_xfer_ready() {
	[ -f "$TOPO_TMP/$1.ready" ] || [ -f "$TOPO_TMP/bg.$2.rc" ]
}

xfer_client() {
	local name=$1 port=$2
	shift 2
	topo_cli "$XFER_BIN" client -a "${XFER_ADDR:-$(topo_srv_addr 1)}" \
		-p "$port" -t 300 "$@" > "$TOPO_TMP/$name.cli" 2>&1
}

xfer_server_wait() {
	topo_wait_pid "$1" 60
}

xfer_run() {
	local name=$1 port=$2 cargs=() pid rc_c rc_s
	shift 2
	while [ "$1" != -- ]; do cargs+=("$1"); shift; done
	shift
	pid=$(xfer_server "$name" "$port" "$@") || return 1
	xfer_client "$name" "$port" "${cargs[@]}"
	rc_c=$?
	# a client that failed may never have reached the server: do not wait
	# the full minute for it (it is killed, exit status 124)
	if [ "$rc_c" = 0 ]; then xfer_server_wait "$pid"; else topo_wait_pid "$pid" 10; fi
	rc_s=$?
	cat "$TOPO_TMP/$name.cli" "$TOPO_TMP/$name.srv"
	[ "$rc_c" = 0 ] && [ "$rc_s" = 0 ]
}

# xfer_field KEY FILE: a key=value field of mptcpsec-xfer's summary line
xfer_field() {
	sed -n "s/.*[ :]$1=\([^ ]*\).*/\1/p" "$2" | head -n1
}
