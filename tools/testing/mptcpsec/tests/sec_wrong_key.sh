#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A client with the wrong key: the server resets the connection on the bad
# Finished value, the client's connect() or next call fails (EKEYREJECTED,
# ECONNRESET accepted, the errno is printed), nothing reaches the server
# application (its one accept() gets the next, good client), and
# MPTcpExtSecNegFinishedBad counts it on the server.
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
. "$here/lib/topo.sh"
. "$here/lib/xfer.sh"
. "$here/lib/sec.sh"
port=10300
n=$((256 * 1024))

ktap_begin 3

topo_setup --paths 1 || { ktap_diag "topology setup failed"; exit 1; }
sec_sysctl cli 1
sec_sysctl srv 1
topo_nstat_snapshot srv "$TOPO_TMP/srv.nstat"

port=$((port + 1))
spid=$(xfer_server srv "$port" --sec-key "$SEC_KEY" -r "$n" -n 1 \
	--expect-sec secured)
srv_up=$?
xfer_client bad "$port" --sec-key "$SEC_KEY2" -s "$n" \
	--expect-errno EKEYREJECTED,ECONNRESET
rc=$?
out=$(cat "$TOPO_TMP/bad.cli")
if [ "$srv_up" = 0 ] && [ "$rc" = 0 ]; then
	ktap_diag "$out"
	ktap_ok "wrong_key_client_fails_errno_$(xfer_field errno "$TOPO_TMP/bad.cli")"
else
	ktap_not_ok "wrong_key_client_fails" "server up: $srv_up, client exit $rc"$'\n'"$out"
fi

# the server's only accept() must be this good client, with its bytes only
if [ "$srv_up" = 0 ]; then
	xfer_client good "$port" --sec-key "$SEC_KEY" -s "$n" --expect-sec secured
	rc=$?
	if [ "$rc" = 0 ]; then xfer_server_wait "$spid"; else topo_wait_pid "$spid" 1; fi
	rc_s=$?
else
	rc=1 rc_s=1
fi
out=$(cat "$TOPO_TMP/good.cli" "$TOPO_TMP/srv.srv" 2>&1)
nsum=$(grep -c 'role=server' "$TOPO_TMP/srv.srv")
if [ "$rc" = 0 ] && [ "$rc_s" = 0 ] && [ "$nsum" = 1 ] &&
   [ "$(xfer_field recv "$TOPO_TMP/srv.srv")" = "$n" ]; then
	ktap_diag "$out"
	ktap_ok "nothing_delivered_to_server_app"
else
	ktap_not_ok "nothing_delivered_to_server_app" \
		"good client exit $rc, server exit $rc_s, server summaries $nsum"$'\n'"$out"
fi

d=$(topo_nstat_delta srv "$TOPO_TMP/srv.nstat" MPTcpExtSecNegFinishedBad)
if [ "${d:-0}" -ge 1 ]; then
	ktap_ok "finished_bad_counted"
else
	ktap_not_ok "finished_bad_counted" "MPTcpExtSecNegFinishedBad delta ${d:-none}, expected >= 1"
fi
topo_cleanup
ktap_end
