#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MPTCPsec over two paths, path 1 goes down during an upload of
# MPTCPSEC_SIZE bytes (default 8M): once the server has received a quarter
# (its --timeline, polled), the client's path 1 link is set down; the
# upload still completes intact and secured, over path 2.
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
. "$here/lib/topo.sh"
. "$here/lib/xfer.sh"
. "$here/lib/sec.sh"
size=${MPTCPSEC_SIZE:-8M}
bytes=$((${size%M} * 1024 * 1024))
port=10700

ktap_begin 2

topo_setup --paths 2 || { ktap_diag "topology setup failed"; exit 1; }
topo_mptcp_endpoints --client-subflow
# slow enough that three quarters of the upload take seconds
topo_netem 1 rate 5mbit
topo_netem 2 rate 5mbit
sec_sysctl cli 1
sec_sysctl srv 1

# received BYTES: the server's timeline has reached BYTES
received() {
	local last
	last=$(tail -n1 "$TOPO_TMP/timeline" 2>/dev/null)
	[ "${last#*,}" -ge "$1" ] 2>/dev/null
}

port=$((port + 1))
: > "$TOPO_TMP/timeline"
down_at= ok=1
if spid=$(xfer_server down "$port" -r "$size" --sec-key "$SEC_KEY" \
		--expect-sec secured --timeline "$TOPO_TMP/timeline"); then
	cpid=$(topo_bg cli "$TOPO_TMP/down.cli" "$XFER_BIN" client \
		-a "$(topo_srv_addr 1)" -p "$port" -t 300 -s "$size" \
		--sec-key "$SEC_KEY" --expect-sec secured)
	if topo_wait_for 120 received $((bytes / 4)); then
		# path 2's counter and the link in one command: every command
		# is slow in a loaded TCG guest (KASAN: a second or more), and
		# a snapshot taken apart from the link change could come after
		# the end of the upload
		p2_0=$(topo_cli sh -c "cat /sys/class/net/$(topo_cli_if 2)/statistics/tx_bytes &&
			ip link set $(topo_cli_if 1) down")
		down_at=$(tail -n1 "$TOPO_TMP/timeline")
		down_at=${down_at#*,}
	fi
	topo_wait_pid "$cpid" 300
	rc_c=$?
	xfer_server_wait "$spid"
	rc_s=$?
	[ "$rc_c" = 0 ] && [ "$rc_s" = 0 ] && ok=0
fi
out=$(cat "$TOPO_TMP/down.cli" "$TOPO_TMP/down.srv" 2>&1)
out+=$'\n'$(sec_secured_pair down 21) || ok=1
if [ "$ok" = 0 ] && [ -n "$down_at" ]; then
	ktap_diag "$out"
	ktap_ok "sec_linkdown_transfer_intact_$size"
else
	ktap_not_ok "sec_linkdown_transfer_intact_$size" "$out"$'\n'"link down at ${down_at:-never} bytes"
fi

# the link went down before the end, and path 2 carried the rest: at least
# half of what the server still lacked then (a margin for what path 1 had
# already delivered but the server's timeline did not show yet)
p2=
[ -z "${p2_0:-}" ] || p2=$(($(topo_if_bytes cli "$(topo_cli_if 2)" tx) - p2_0))
if [ -n "$down_at" ] && [ "$down_at" -lt "$bytes" ] &&
   [ "${p2:-0}" -ge $(((bytes - down_at) / 2)) ] &&
   [ "$ok" = 0 ]; then
	ktap_diag "path 1 down after $down_at of $bytes bytes; path 2 then sent $p2 bytes"
	ktap_ok "sec_linkdown_rest_on_path2"
else
	ktap_not_ok "sec_linkdown_rest_on_path2" \
		"link down at ${down_at:-never} of $bytes bytes, path 2 then sent ${p2:-?} bytes"
fi
topo_cleanup
ktap_end
