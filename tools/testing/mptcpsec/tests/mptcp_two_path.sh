#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Plain MPTCP over two paths, with mptcpsec-xfer verifying every byte:
# upload, download and both at once, each path carrying part of the data,
# and the same through a router namespace with netem on path 1.
#
#   client 10.0.1.1 ---- path 1 (50 Mbit/s) ---- 10.0.1.2 server
#          10.0.2.1 ---- path 2 (50 Mbit/s) ---- 10.0.2.2
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
. "$here/lib/topo.sh"
. "$here/lib/xfer.sh"
size=${MPTCPSEC_SIZE:-8M}
port=10000

ktap_begin 5

# both_paths_carried DIR MIN: each client veth moved at least MIN bytes
# in direction DIR (tx or rx) since the snapshot in $TOPO_TMP/bytes.*
snap_bytes() {
	local i
	for i in 1 2; do
		echo "$(topo_if_bytes "$TOPO_NS_CLI" "$(topo_cli_if $i)" tx)" \
			"$(topo_if_bytes "$TOPO_NS_CLI" "$(topo_cli_if $i)" rx)" \
			> "$TOPO_TMP/bytes.$i"
	done
}
both_paths_carried() {
	local dir=$1 min=$2 i tx rx tx0 rx0 d ok=0
	for i in 1 2; do
		read -r tx0 rx0 < "$TOPO_TMP/bytes.$i"
		tx=$(topo_if_bytes "$TOPO_NS_CLI" "$(topo_cli_if $i)" tx)
		rx=$(topo_if_bytes "$TOPO_NS_CLI" "$(topo_cli_if $i)" rx)
		if [ "$dir" = tx ]; then d=$((tx - tx0)); else d=$((rx - rx0)); fi
		echo "path $i: $d bytes $dir"
		[ "$d" -ge "$min" ] || ok=1
	done
	return $ok
}

topo_setup --paths 2 || { ktap_diag "topology setup failed"; exit 1; }
topo_mptcp_endpoints --client-subflow
# Rate-limit both links, as real access links are: on unlimited veths the
# upstream scheduler keeps every byte on the first subflow it finds fastest.
topo_netem 1 rate 50mbit
topo_netem 2 rate 50mbit
topo_nstat_snapshot "$TOPO_NS_SRV" "$TOPO_TMP/srv.nstat"
min=$((1024 * 1024))

for dir in upload download bidir; do
	case $dir in
	upload) c=(-s "$size"); s=(-r "$size"); want=tx ;;
	download) c=(-r "$size"); s=(-s "$size"); want=rx ;;
	bidir) c=(-s "$size" -r "$size"); s=(-s "$size" -r "$size"); want=both ;;
	esac
	snap_bytes
	port=$((port + 1))
	if out=$(xfer_run "$dir" "$port" "${c[@]}" -- "${s[@]}" 2>&1) &&
	   out+=$'\n'$(if [ $want = both ]; then both_paths_carried tx $min &&
			both_paths_carried rx $min; else both_paths_carried $want $min; fi); then
		ktap_diag "$out"
		ktap_ok "two_path_${dir}_$size"
	else
		ktap_not_ok "two_path_${dir}_$size" "$out"
	fi
done

# each of the three connections joined a second subflow
j=$(topo_nstat_delta "$TOPO_NS_SRV" "$TOPO_TMP/srv.nstat" MPTcpExtMPJoinAckRx)
if [ "${j:-0}" -ge 3 ]; then
	ktap_ok "second_subflow_joined"
else
	ktap_not_ok "second_subflow_joined" "MPTcpExtMPJoinAckRx delta ${j:-none}, expected >= 3"
fi
topo_cleanup

# path 1 through a router with delay, loss and reordering
topo_setup --paths 2 --router --router-paths "1" || { ktap_diag "setup failed"; exit 1; }
topo_mptcp_endpoints --client-subflow
topo_netem 1 delay 5ms loss 1% reorder 10% 50% rate 50mbit
topo_netem 2 rate 50mbit
port=$((port + 1))
if out=$(xfer_run routed "$port" -s 4M -r 4M -- -s 4M -r 4M 2>&1); then
	ktap_diag "$out"
	ktap_ok "routed_netem_bidir_4M"
else
	ktap_not_ok "routed_netem_bidir_4M" "$out"
fi
topo_cleanup
ktap_end
