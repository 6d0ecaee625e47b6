#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MPTCPsec with 2% loss and reordering on both paths: MPTCPSEC_SIZE bytes
# (default 4M) each way arrive intact and secured, and the loss really
# happened (TCP retransmitted on both ends).
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
. "$here/lib/topo.sh"
. "$here/lib/xfer.sh"
. "$here/lib/sec.sh"
size=${MPTCPSEC_SIZE:-4M}
port=10400

ktap_begin 2

topo_setup --paths 2 || { ktap_diag "topology setup failed"; exit 1; }
topo_mptcp_endpoints --client-subflow
topo_netem 1 delay 2ms loss 2% reorder 10% 50% rate 50mbit
topo_netem 2 delay 2ms loss 2% reorder 10% 50% rate 50mbit
sec_sysctl cli 1
sec_sysctl srv 1
topo_nstat_snapshot cli "$TOPO_TMP/cli.nstat"
topo_nstat_snapshot srv "$TOPO_TMP/srv.nstat"

port=$((port + 1))
out=$(xfer_run loss "$port" -s "$size" -r "$size" --sec-key "$SEC_KEY" \
	--expect-sec secured -- -s "$size" -r "$size" --sec-key "$SEC_KEY" \
	--expect-sec secured 2>&1)
ok=$?
out+=$'\n'$(sec_secured_pair loss 21) || ok=1
if [ "$ok" = 0 ]; then
	ktap_diag "$out"
	ktap_ok "sec_loss_reorder_bidir_$size"
else
	ktap_not_ok "sec_loss_reorder_bidir_$size" "$out"
fi

c=$(topo_nstat_delta cli "$TOPO_TMP/cli.nstat" TcpRetransSegs)
s=$(topo_nstat_delta srv "$TOPO_TMP/srv.nstat" TcpRetransSegs)
if [ "${c:-0}" -gt 0 ] && [ "${s:-0}" -gt 0 ]; then
	ktap_diag "TcpRetransSegs client +$c server +$s"
	ktap_ok "loss_applied"
else
	ktap_not_ok "loss_applied" "TcpRetransSegs client +${c:-?} server +${s:-?}"
fi
topo_cleanup
ktap_end
