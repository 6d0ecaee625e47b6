#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the MPTCPsec tests (tests/sec_*.sh), on top of
# lib/topo.sh and lib/xfer.sh.
#
#   SEC_KEY, SEC_KEY2        two different random 32-byte keys (hex)
#   sec_sysctl NS VALUE      net.mptcp.sec_enabled in NS (cli/srv/...)
#   sec_secured_pair NAME SUITE   both ends of transfer NAME report
#                            sec_state=secured, suite SUITE (hex, e.g. 23)
#                            and the same session id, starting with SUITE
#   sec_snap_bytes / sec_paths_carried tx|rx MIN
#                            bytes moved on each client veth since the snapshot
#   sec_nstat_grew NS SNAPSHOT COUNTER   COUNTER increased since SNAPSHOT
#   sec_nstat_line NS SNAPSHOT COUNTER... "name=delta ..." for diagnostics

sec_rand_hex() {
	od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'
}
SEC_KEY=$(sec_rand_hex 32)
SEC_KEY2=$(sec_rand_hex 32)
while [ "$SEC_KEY2" = "$SEC_KEY" ]; do SEC_KEY2=$(sec_rand_hex 32); done

sec_sysctl() {
	topo_exec "$1" sysctl -q -w "net.mptcp.sec_enabled=$2"
}

sec_secured_pair() {
	local name=$1 suite=$2 f st su id ids=() ok=0
	for f in "$TOPO_TMP/$name.cli" "$TOPO_TMP/$name.srv"; do
		st=$(xfer_field sec_state "$f")
		su=$(xfer_field suite "$f")
		id=$(xfer_field session_id "$f")
		echo "${f##*.}: sec_state=$st suite=$su session_id=$id"
		[ "$st" = secured ] || ok=1
		[ "$su" = "0x$suite" ] || ok=1
		# the session id is the suite byte followed by 32 bytes
		[ "${#id}" = 66 ] && [ "${id:0:2}" = "$suite" ] || ok=1
		ids+=("$id")
	done
	[ "${ids[0]}" = "${ids[1]}" ] || { echo "session ids differ"; ok=1; }
	return $ok
}

sec_snap_bytes() {
	local i
	for i in $(seq 1 "$TOPO_NPATHS"); do
		echo "$(topo_if_bytes "$TOPO_NS_CLI" "$(topo_cli_if "$i")" tx)" \
			"$(topo_if_bytes "$TOPO_NS_CLI" "$(topo_cli_if "$i")" rx)" \
			> "$TOPO_TMP/bytes.$i"
	done
}

# sec_path_bytes I tx|rx: bytes moved on client veth I since the snapshot
sec_path_bytes() {
	local tx0 rx0
	read -r tx0 rx0 < "$TOPO_TMP/bytes.$1"
	if [ "$2" = tx ]; then
		echo $(($(topo_if_bytes "$TOPO_NS_CLI" "$(topo_cli_if "$1")" tx) - tx0))
	else
		echo $(($(topo_if_bytes "$TOPO_NS_CLI" "$(topo_cli_if "$1")" rx) - rx0))
	fi
}

sec_paths_carried() {
	local dir=$1 min=$2 i d ok=0
	for i in $(seq 1 "$TOPO_NPATHS"); do
		d=$(sec_path_bytes "$i" "$dir")
		echo "path $i: $d bytes $dir (need >= $min)"
		[ "$d" -ge "$min" ] || ok=1
	done
	return $ok
}

sec_nstat_grew() {
	local d
	d=$(topo_nstat_delta "$1" "$2" "$3") || return 1
	echo "$1 $3 +$d"
	[ "$d" -gt 0 ]
}

sec_nstat_line() {
	local ns=$1 snap=$2 c out=
	shift 2
	for c in "$@"; do
		out+="$c=$(topo_nstat_delta "$ns" "$snap" "MPTcpExt$c") "
	done
	echo "$out"
}
