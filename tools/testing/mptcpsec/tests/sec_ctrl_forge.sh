#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Forged and replayed MPTCP control segments, injected with scapy
# (lib/mptcp_forge.py) from the router namespace into a live transfer,
# against MPTCPsec and against plain MPTCP.  Both paths go through the
# router.  Before forging, the test stops the direction it forges in on
# path 1 (nft drop), so the last segment forwarded there gives the
# receiver's sequence number exactly; the forged segment carries it, the
# current acknowledgment number and timestamps, and for plain MPTCP the
# keys read from the MP_CAPABLE of the capture: it is what a plain MPTCP
# host accepts.
#
#   forgery               plain MPTCP shows          MPTCPsec counts (and no effect)
#   ADD_ADDR              AddAddr                    SecUnauthOptDrop
#   MP_PRIO               MPPrioRx                   SecUnauthOptDrop
#   MP_FASTCLOSE          MPFastcloseRx, client      SecFastcloseBad
#                         aborted
#   replayed ADD_ADDR     AddAddr a second time      SecAuthFailCtrl (path 1 reset)
#   replayed control rec. (plain: a captured DSS     SecAuthFailCtrl (path 1 reset)
#                         ACK, ignored: resists)
#   REMOVE_ADDR           RmAddr, subflow 2 closed   SecUnauthOptDrop, 2 subflows
#   DATA_FIN              transfer truncated         SecUnauthOptDrop
#   JOIN, B bit flipped   MPJoinSynBackupRx          MPJoinSynAckHMacFailure,
#                         (path demoted)             SecJoinBad, no join
#   JOIN, stale token     MPJoinNoTokenFound         MPJoinNoTokenFound
#                         (plain resists too: its token lookup)
# Every MPTCPsec transfer must arrive intact and secured.  Every result
# first requires that its forgery arrived: lib/mptcp_forge.py marks what
# it forges (IP ID 0xa77c, TOS 0x28) and a counter in the input of both
# ends counts the marked segments of the case (the B-bit case: the
# router rule's own counter).
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
. "$here/lib/topo.sh"
. "$here/lib/xfer.sh"
. "$here/lib/sec.sh"
size=${MPTCPSEC_FORGE_SIZE:-12M}
port=10800

ktap_begin 18

topo_setup --paths 2 --router-paths "1 2" || { ktap_diag "topology setup failed"; exit 1; }
topo_netem 1 rate 8mbit || exit 1
topo_netem 2 rate 8mbit || exit 1

# one lib/mptcp_forge.py server in the router namespace for the whole test:
# importing scapy takes tens of seconds under TCG, longer than a transfer
fdir=$TOPO_TMP/forger
mkdir -p "$fdir" &&
	topo_bg "$TOPO_NS_RTR" "$TOPO_TMP/forger.log" \
		/usr/bin/python3 "$here/lib/mptcp_forge.py" serve "$fdir" > /dev/null ||
	{ ktap_diag "cannot start lib/mptcp_forge.py"; exit 1; }
freq=0
hold=$TOPO_TMP/hold

# forger ARGS...: one command of lib/mptcp_forge.py, run by that server;
# its output as diagnostics
forger() {
	local t0=$SECONDS
	freq=$((freq + 1))
	printf '%s\n' "$@" > "$fdir/$freq.tmp" && mv "$fdir/$freq.tmp" "$fdir/$freq.req"
	if topo_wait_for 120 test -e "$fdir/$freq.out"; then
		sed 's/^/# /' "$fdir/$freq.out"
		ktap_diag "forged in $((SECONDS - t0)) s"
	else
		ktap_diag "lib/mptcp_forge.py did not answer: $(tail -n 3 "$TOPO_TMP/forger.log")"
	fi
}

to_bytes() {
	case $1 in
	*K) echo $((${1%K} * 1024)) ;;
	*M) echo $((${1%M} * 1024 * 1024)) ;;
	*) echo "$1" ;;
	esac
}
EVIDENCE=

nsub() {
	topo_exec srv ss -tnH state established "( sport = :$port )" | wc -l
}
nsub_is() { [ "$(nsub)" = "$1" ]; }
grown() { [ "$(topo_nstat "$1" "$2")" -ge "$3" ]; }
cnt() { topo_nstat "$1" "$2"; }
moved() { [ "$(topo_if_bytes cli cli-p1 "$1")" -ge $(( base + $2 )) ]; }

# freeze on|off DIR: stop DIR (s2c or c2s) of the connection on path 1
freeze() {
	if [ "$1" = off ]; then
		topo_rtr nft delete table inet forge 2>/dev/null
		return 0
	fi
	local m
	if [ "$2" = s2c ]; then m="iifname \"rtr-s1\" tcp sport $port"
	else m="iifname \"rtr-c1\" tcp dport $port"; fi
	topo_rtr nft -f - <<-EOT
	table inet forge {
		chain c {
			type filter hook forward priority 0; policy accept;
			$m drop
		}
	}
	EOT
}

# arrivals on|NS: count the forged (marked) segments reaching cli and srv
# from now on / print how many reached NS
arrivals() {
	local ns
	if [ "$1" = on ]; then
		for ns in cli srv; do
			topo_exec "$ns" nft delete table inet forged 2>/dev/null
			topo_exec "$ns" nft -f - <<-EOT
			table inet forged {
				chain in {
					type filter hook input priority -10; policy accept;
					ip id 0xa77c ip dscp 0x0a counter
				}
			}
			EOT
		done
		return 0
	fi
	topo_exec "$1" nft list table inet forged 2>/dev/null |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p' | head -n1
}

# start MODE NAME up|down [SUBFLOWS]: a transfer of $size in the
# background, path 1 captured on both router interfaces; returns once it
# moves data on SUBFLOWS (default 2) subflows, and holds it (both ends
# write nothing until finish): the connection is still there whenever the
# forgery comes
start() {
	local mode=$1 name=$2 dir=$3 want=${4:-2} sec=() cargs sargs
	port=$((port + 1))
	if [ "$mode" = sec ]; then
		sec=(--sec-key "$SEC_KEY" --expect-sec secured)
		sec_sysctl cli 1; sec_sysctl srv 1
	else
		sec_sysctl cli 0; sec_sysctl srv 0
	fi
	topo_nstat_reset cli
	topo_nstat_reset srv
	arrivals on
	# headers only and a large buffer: a dropped segment would make the
	# forged sequence number stale (towards the client only what the
	# server sends and the small segments: the handshake, for the keys)
	capc=$(topo_capture_start 1 "$TOPO_TMP/$name.c1.pcap" rtr-cli -s 200 -B 8192 \
		"tcp port $port and (tcp src port $port or less 200)") || return 1
	caps=$(topo_capture_start 1 "$TOPO_TMP/$name.s1.pcap" rtr-srv -s 200 -B 8192 \
		tcp port "$port") || return 1
	# the SYNs on path 2 of the first connection of a mode: its join's
	# token is stale (the connection long gone) by the last case
	capj=
	[ -f "$TOPO_TMP/join.$mode.pcap" ] ||
		capj=$(topo_capture_start 2 "$TOPO_TMP/join.$mode.pcap" rtr-cli \
			"tcp port $port and tcp[tcpflags] & tcp-syn != 0") || return 1
	if [ "$dir" = up ]; then
		cargs=(-s "$size"); sargs=(-r "$size"); xdir=tx
	else
		cargs=(-r "$size"); sargs=(-s "$size"); xdir=rx
	fi
	rm -f "$hold"
	spid=$(xfer_server "$name" "$port" "${sargs[@]}" -k forge --hold-file "$hold" \
		"${sec[@]}") || return 1
	base=$(topo_if_bytes cli cli-p1 "$xdir")
	topo_bg cli "$TOPO_TMP/$name.cli" "$XFER_BIN" client \
		-a "$(topo_srv_addr 1)" -p "$port" -t 300 "${cargs[@]}" -k forge \
		--hold-file "$hold" "${sec[@]}" > /dev/null
	cpid=$TOPO_LAST_PID
	topo_wait_for 60 nsub_is "$want" && topo_wait_for 60 moved "$xdir" 300000 &&
		touch "$hold"
}

# forge DIR ARGS...: freeze DIR on path 1, forge, unfreeze
forge() {
	local dir=$1 pcap
	shift
	if [ "$dir" = s2c ]; then pcap=$TOPO_TMP/$name.c1.pcap iface=rtr-c1
	else pcap=$TOPO_TMP/$name.s1.pcap iface=rtr-s1; fi
	freeze on "$dir"
	# let what passed before the freeze arrive (the netem queues hold at
	# most a few hundred milliseconds)
	sleep 1
	forger "$1" "$pcap" "$iface" "$dir" "$port" "${@:2}"
	freeze off
}

# finish: wait for both ends; sets crc/src (exit status of client/server)
finish() {
	rm -f "$hold"
	topo_wait_pid "$cpid" 300; crc=$?
	# a client that failed may leave the server waiting: do not wait long
	if [ "$crc" = 0 ]; then topo_wait_pid "$spid" 60; else topo_wait_pid "$spid" 10; fi
	src=$?
	topo_capture_stop "$capc" 2>/dev/null
	topo_capture_stop "$caps" 2>/dev/null
	[ -z "$capj" ] || topo_capture_stop "$capj" 2>/dev/null
}

# verdict NAME COND...: one result, when the forgery arrived (EVIDENCE,
# when set, replaces the count of marked segments); on failure the
# transfer's outputs
verdict() {
	local t=$1 a x y
	shift
	x=$(arrivals cli) y=$(arrivals srv)
	a=${EVIDENCE:-$(( ${x:-0} + ${y:-0} ))}
	EVIDENCE=
	ktap_diag "$t: forged segments arrived: ${a:-0}"
	if [ "${a:-0}" -ge 1 ] && "$@"; then
		ktap_ok "$t"
	else
		[ "${a:-0}" -ge 1 ] || set -- "no forged segment arrived;" "$@"
		ktap_not_ok "$t" "$*"
		sed 's/^/# /' "$TOPO_TMP/$name.cli" "$TOPO_TMP/$name.srv" 2>/dev/null | tail -n 8
		for ns in cli srv; do
			echo "# $ns: $(topo_exec $ns nstat -az | awk '$2 != 0 && $1 ~ /MPTcpExt(Sec|MP|Add|Rm|Echo)|PAWS|OutOfWindow|Challenge|ACKSkipped|TCPAbort/ { printf "%s=%s ", $1, $2 }')"
		done
	fi
}
intact() { [ "$crc" = 0 ] && [ "$src" = 0 ]; }
sec_ok() { intact && sec_secured_pair "$name" 21 > /dev/null; }
wait_grown() { topo_wait_for 20 grown "$@" 2>/dev/null; }

topo_mptcp_endpoints --client-subflow
topo_wait_for 300 test -e "$fdir/ready" ||
	{ ktap_diag "lib/mptcp_forge.py not ready: $(tail -n 3 "$TOPO_TMP/forger.log")"; exit 1; }

# ---- forged options towards the client during an upload
for mode in ${MPTCPSEC_FORGE_MODES:-plain sec}; do
	name=${mode}_addaddr
	start "$mode" "$name" up && forge s2c opt add_addr 9 "$(topo_srv_addr 2)"
	if [ "$mode" = plain ]; then
		wait_grown cli MPTcpExtAddAddr 1; finish
		verdict plain_add_addr_accepted grown cli MPTcpExtAddAddr 1
	else
		wait_grown cli MPTcpExtSecUnauthOptDrop 1; finish
		verdict sec_add_addr_ignored eval 'grown cli MPTcpExtSecUnauthOptDrop 1 &&
			[ "$(cnt cli MPTcpExtAddAddr)" = 0 ] && sec_ok'
	fi

	name=${mode}_prio
	start "$mode" "$name" up && forge s2c opt mp_prio
	if [ "$mode" = plain ]; then
		wait_grown cli MPTcpExtMPPrioRx 1; finish
		verdict plain_mp_prio_applied grown cli MPTcpExtMPPrioRx 1
	else
		wait_grown cli MPTcpExtSecUnauthOptDrop 1; finish
		verdict sec_mp_prio_ignored eval 'grown cli MPTcpExtSecUnauthOptDrop 1 &&
			[ "$(cnt cli MPTcpExtMPPrioRx)" = 0 ] && sec_ok'
	fi

	name=${mode}_fastclose
	start "$mode" "$name" up && forge s2c opt fastclose
	if [ "$mode" = plain ]; then
		finish
		verdict plain_fastclose_kills eval 'grown cli MPTcpExtMPFastcloseRx 1 && [ "$crc" != 0 ]'
	else
		wait_grown cli MPTcpExtSecFastcloseBad 1; finish
		verdict sec_fastclose_ignored eval 'grown cli MPTcpExtSecFastcloseBad 1 &&
			[ "$(cnt cli MPTcpExtMPFastcloseRx)" = 0 ] && sec_ok'
	fi

	# the server announces its path 2 address: a real ADD_ADDR to replay
	# (a forged ADD_ADDR joined there before: drop its implicit endpoint)
	topo_exec srv ip mptcp endpoint flush
	topo_exec srv ip mptcp endpoint add "$(topo_srv_addr 2)" dev srv-p2 id 2 signal
	name=${mode}_replay_addaddr
	start "$mode" "$name" up 3 && topo_wait_for 20 grown cli MPTcpExtAddAddr 1 &&
		forge s2c replay add_addr
	if [ "$mode" = plain ]; then
		wait_grown cli MPTcpExtAddAddr 2; finish
		verdict plain_replayed_add_addr_accepted grown cli MPTcpExtAddAddr 2
	else
		wait_grown cli MPTcpExtSecAuthFailCtrl 1; finish
		verdict sec_replayed_add_addr_rejected eval 'grown cli MPTcpExtSecAuthFailCtrl 1 &&
			[ "$(cnt cli MPTcpExtAddAddr)" = 1 ] && sec_ok'
	fi
	topo_exec srv ip mptcp endpoint delete id 2

	name=${mode}_replay_ctrl
	start "$mode" "$name" up && forge s2c replay ctrl
	if [ "$mode" = plain ]; then
		finish
		verdict plain_replayed_dss_ack_resisted intact
	else
		wait_grown cli MPTcpExtSecAuthFailCtrl 1; finish
		verdict sec_replayed_ctrl_rejected eval 'grown cli MPTcpExtSecAuthFailCtrl 1 && sec_ok'
	fi

	# ---- towards the server
	name=${mode}_rmaddr
	start "$mode" "$name" down && forge c2s opt rm_addr 2
	if [ "$mode" = plain ]; then
		wait_grown srv MPTcpExtRmAddr 1
		topo_wait_for 20 nsub_is 1 2>/dev/null
		n=$(nsub)
		finish
		verdict plain_rm_addr_removes eval 'grown srv MPTcpExtRmAddr 1 && [ "$n" = 1 ]'
	else
		wait_grown srv MPTcpExtSecUnauthOptDrop 1
		n=$(nsub)
		finish
		verdict sec_rm_addr_ignored eval 'grown srv MPTcpExtSecUnauthOptDrop 1 &&
			[ "$(cnt srv MPTcpExtRmAddr)" = 0 ] && [ "$n" = 2 ] && sec_ok'
	fi

	name=${mode}_datafin
	start "$mode" "$name" up && forge c2s opt data_fin
	finish
	if [ "$mode" = plain ]; then
		# the server saw the end of the stream early: the upload cut
		verdict plain_data_fin_truncates eval '! intact &&
			[ "$(xfer_field error "$TOPO_TMP/$name.srv")" = early_eof ] &&
			[ "$(xfer_field recv "$TOPO_TMP/$name.srv")" -lt "$(to_bytes "$size")" ]'
	else
		verdict sec_data_fin_ignored eval 'grown srv MPTcpExtSecUnauthOptDrop 1 && sec_ok'
	fi

	# ---- MP_JOIN with the B bit set on its way (path 2)
	topo_exec cli ip mptcp endpoint flush
	name=${mode}_join_b
	if start "$mode" "$name" up 1; then
		topo_rtr nft -f - <<-EOT
		table inet flipb {
			chain c {
				type filter hook forward priority -1; policy accept;
				iifname "rtr-c2" tcp dport $port tcp flags & (syn | ack) == syn @th,320,8 30 @th,336,8 0x10 counter @th,336,8 set 0x11
			}
		}
		EOT
		topo_exec cli ip mptcp endpoint add "$(topo_cli_addr 2)" dev cli-p2 id 2 subflow
		if [ "$mode" = plain ]; then
			wait_grown srv MPTcpExtMPJoinSynBackupRx 1
		else
			wait_grown cli MPTcpExtMPJoinSynAckHMacFailure 1
		fi
		fired=$(topo_rtr nft list table inet flipb | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
		EVIDENCE=${fired:-0}
		ktap_diag "B-bit rule fired on ${fired:-?} SYNs"
		topo_rtr nft delete table inet flipb
	fi
	finish
	[ -n "$EVIDENCE" ] || EVIDENCE=0
	if [ "$mode" = plain ]; then
		verdict plain_join_b_bit_demotes eval 'grown srv MPTcpExtMPJoinSynBackupRx 1 && intact'
	else
		verdict sec_join_b_bit_rejected eval 'grown cli MPTcpExtMPJoinSynAckHMacFailure 1 &&
			grown cli MPTcpExtSecJoinBad 1 && sec_ok'
	fi

	# ---- MP_JOIN SYN with the token of this mode's first connection,
	# long gone.  A SYN that came after the transfer ended would find no
	# listener (a plain TCP reset, nothing counted): the listener must
	# still be there after the forgery.
	name=${mode}_join_token lst=0
	if start "$mode" "$name" up; then
		forger join "$TOPO_TMP/join.$mode.pcap" "$(topo_cli_addr 2)" \
			"$(topo_srv_addr 2)" "$port" rtr-s2
		wait_grown srv MPTcpExtMPJoinNoTokenFound 1
		lst=$(topo_exec srv ss -Hltn "( sport = :$port )" | wc -l)
		ktap_diag "listener after the forged JOIN: $lst"
	fi
	finish
	if [ "$mode" = plain ]; then
		verdict plain_join_stale_token_refused eval '[ "$lst" = 1 ] &&
			grown srv MPTcpExtMPJoinNoTokenFound 1 && intact'
	else
		verdict sec_join_stale_token_refused eval '[ "$lst" = 1 ] &&
			grown srv MPTcpExtMPJoinNoTokenFound 1 && sec_ok'
	fi
done

ktap_end
