#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# No plaintext on the wire: a known pattern (random letters, fresh each run)
# goes both ways over two paths while tcpdump captures both paths in the
# server namespace; lib/pcap_tcp.py looks for every 8-byte window of the
# pattern in every TCP payload.  With MPTCPsec it must find none; with
# MPTCPsec off the same check must find it (the check sees plaintext).
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
. "$here/lib/topo.sh"
. "$here/lib/xfer.sh"
. "$here/lib/sec.sh"
size=${MPTCPSEC_SIZE:-4M}
size=$((${size%M} * 1024 * 1024))
size=$((size / 2))
pattern=$(tr -dc a-z < /dev/urandom | head -c 61)
port=10200

ktap_begin 2

topo_setup --paths 2 || { ktap_diag "topology setup failed"; exit 1; }
topo_mptcp_endpoints --client-subflow
topo_netem 1 rate 50mbit
topo_netem 2 rate 50mbit

# capture_case NAME XFER-SEC-ARGS...: prints the scan result
capture_case() {
	local name=$1 p1 p2
	shift
	port=$((port + 1))
	p1=$(topo_capture_start 1 "$TOPO_TMP/$name.1.pcap" srv tcp port "$port") || return 1
	p2=$(topo_capture_start 2 "$TOPO_TMP/$name.2.pcap" srv tcp port "$port") || return 1
	xfer_run "$name" "$port" -k "$pattern" -s "$size" -r "$size" "$@" -- \
		-k "$pattern" -s "$size" -r "$size" "$@" || return 1
	topo_capture_stop "$p1" && topo_capture_stop "$p2" || return 1
	/usr/bin/python3 "$here/lib/pcap_tcp.py" scan "$pattern" \
		"$TOPO_TMP/$name.1.pcap" "$TOPO_TMP/$name.2.pcap"
}

# field KEY TEXT: value of KEY=... in the scanner's line
field() { sed -n "s/.*\<$1=\([0-9]*\).*/\1/p" <<< "$2" | tail -n1; }

out=$(capture_case sec --sec-policy 1 --sec-key "$SEC_KEY" --expect-sec secured 2>&1)
rc=$?
hits=$(field hits "$out") bytes=$(field payload_bytes "$out")
# the capture must have seen at least one direction's worth of payload
if [ "$rc" = 0 ] && [ "${bytes:-0}" -ge "$size" ] && [ "$hits" = 0 ]; then
	ktap_diag "$out"
	ktap_ok "secured_no_plaintext_on_wire"
else
	ktap_not_ok "secured_no_plaintext_on_wire" "$out"
fi

# plain MPTCP: no key, no option (this half also runs on kernels without
# MPTCPsec, whose capture shows the check can see plaintext at all)
out=$(capture_case plain 2>&1)
rc=$?
hits=$(field hits "$out") bytes=$(field payload_bytes "$out")
if [ "$rc" = 0 ] && [ "${bytes:-0}" -ge "$size" ] && [ "${hits:-0}" -gt 0 ]; then
	ktap_diag "$out"
	ktap_ok "plain_mptcp_plaintext_found"
else
	ktap_not_ok "plain_mptcp_plaintext_found" "$out"
fi
topo_cleanup
ktap_end
