#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The cases are called as "case_$name": not unreachable.
# shellcheck disable=SC2317
#
# selftest-topo.sh - self test of lib/topo.sh.  Needs root.  KTAP v1 output;
# exits 0 when every case passed or was skipped, 1 otherwise.
#
# Each case runs in its own subshell with "set -e" and its own topology, so
# the EXIT trap that topo_setup installs there tears it down when the case
# ends, pass or fail.  A case's lines starting with "# " are shown; when a
# case fails, its whole log is shown as diagnostics.

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=topo.sh
. "$LIB_DIR/topo.sh"

ST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/selftest-topo.XXXXXX") || exit 1
trap 'rm -rf -- "$ST_TMP"' EXIT
NS_RECORD="$ST_TMP/namespaces"
PID_RECORD="$ST_TMP/pids"
: > "$NS_RECORD"
: > "$PID_RECORD"

SKIP_RC=4

fail() { echo "# FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit "$SKIP_RC"; }
diag() { echo "# $*"; }

# remember the namespaces of the current topology for the final leak check
record_ns()
{
	local ns

	for ns in "$TOPO_NS_CLI" "$TOPO_NS_SRV" "$TOPO_NS_RTR"; do
		[ -n "$ns" ] && echo "$ns" >> "$NS_RECORD"
	done
	return 0
}

setup()
{
	topo_setup "$@"
	record_ns
}

# ping_ok NS SRC DST: one echo from SRC to DST answered
ping_ok()
{
	topo_exec "$1" ping -q -n -c 1 -W 2 -I "$2" "$3" > /dev/null 2>&1
}

# ping_fails NS SRC DST: no answer to one echo (waits 1 s at most)
ping_fails()
{
	! topo_exec "$1" ping -q -n -c 1 -W 1 -I "$2" "$3" > /dev/null 2>&1
}

# ping_all NS SRC DST [SRC DST]...: one echo per pair, all from one process
# (each process costs ~0.5 s in a TCG guest); prints the failed pairs
ping_all()
{
	local ns=$1

	shift
	# shellcheck disable=SC2016 # expanded by the inner bash
	topo_exec "$ns" bash -c '
		rc=0
		while [ $# -ge 2 ]; do
			ping -q -n -c 1 -W 2 -I "$1" "$2" > /dev/null 2>&1 ||
				{ echo "ping $1 -> $2 failed"; rc=1; }
			shift 2
		done
		exit $rc' ping_all "$@"
}

# ping_rtt_min NS SRC DST: "rtt min" in ms of ping -c 3
ping_rtt_min()
{
	local out

	out=$(topo_exec "$1" ping -q -n -c 3 -i 0.2 -W 2 -I "$2" "$3") ||
		{ echo "ping $2 -> $3 failed: $out" >&2; return 1; }
	# rtt min/avg/max/mdev = 0.041/0.052/0.066/0.010 ms
	out=$(printf '%s\n' "$out" | sed -n 's|^.* = \([0-9.]*\)/.*|\1|p')
	[ -n "$out" ] || { echo "no rtt in ping output" >&2; return 1; }
	echo "$out"
}

# float_cmp A OP B (OP: lt ge)
float_cmp()
{
	awk -v a="$1" -v b="$3" -v op="$2" \
		'BEGIN { exit !((op == "lt" && a < b) || (op == "ge" && a >= b)) }'
}

# ns_running NS COMM: a process named COMM runs in network namespace NS
# (pgrep would look at the whole PID namespace, i.e. the host)
ns_running()
{
	local pid comm

	_topo_ns "$1" || return 1
	for pid in $(ip netns pids "$_TOPO_NSR"); do
		# not the namespace's anchor (topo.sh)
		[ "$pid" = "${_TOPO_ANCHOR[$_TOPO_NSR]:-}" ] && continue
		comm=$(cat "/proc/$pid/comm" 2> /dev/null) || continue
		[ "$comm" = "$2" ] && return 0
	done
	return 1
}

netem_available()
{
	topo_cli tc qdisc add dev lo root netem delay 0ms > /dev/null 2>&1 || return 1
	topo_cli tc qdisc del dev lo root > /dev/null 2>&1 || :
	return 0
}

# check_all_paths: every path pings in both directions, v4 and v6
check_all_paths()
{
	local i fam c s fwd="" rev="" out

	for ((i = 1; i <= TOPO_NPATHS; i++)); do
		for fam in 4 6; do
			c=$(topo_cli_addr "$i" "$fam")
			s=$(topo_srv_addr "$i" "$fam")
			fwd="$fwd $c $s"
			rev="$rev $s $c"
		done
	done
	# shellcheck disable=SC2086
	out=$(ping_all cli $fwd) || fail "$out"
	# shellcheck disable=SC2086
	out=$(ping_all srv $rev) || fail "$out"
	diag "paths 1..$TOPO_NPATHS ping both ways (IPv4 and IPv6)"
}

# ---------------------------------------------------------------------------

case_direct_ping()
{
	setup --paths 2
	[ -z "$TOPO_NS_RTR" ] || fail "router namespace without --router"
	[ "$TOPO_NPATHS" = 2 ] || fail "TOPO_NPATHS=$TOPO_NPATHS"
	[ "$(topo_cli_if 2)" = cli-p2 ] || fail "topo_cli_if 2"
	[ "$(topo_srv_if 1)" = srv-p1 ] || fail "topo_srv_if 1"
	[ "$(topo_srv_addr 2)" = 10.0.2.2 ] || fail "topo_srv_addr 2 = $(topo_srv_addr 2)"
	[ "$(topo_cli_addr 1 6)" = fd00:1::1 ] || fail "topo_cli_addr 1 6"
	check_all_paths
	# source routing: from the path 2 address to the path 1 server
	# address leaves by cli-p2 and the replies come back by srv-p2
	check_path_of 10.0.2.1 10.0.1.2 2
	check_path_of fd00:2::1 fd00:1::2 2
}

# check_path_of SRC DST I: 20 pings SRC -> DST (98 bytes on the wire each)
# go out by cli-pI and come back by srv-pI, not by path 1 or 2 (the other)
check_path_of()
{
	local src=$1 dst=$2 i=$3 o c0 c1 s0 s1 oc0 oc1 os0 os1

	o=$((i == 1 ? 2 : 1))
	c0=$(topo_if_bytes cli "cli-p$i" tx); oc0=$(topo_if_bytes cli "cli-p$o" tx)
	s0=$(topo_if_bytes srv "srv-p$i" tx); os0=$(topo_if_bytes srv "srv-p$o" tx)
	topo_cli ping -q -n -c 20 -i 0.01 -W 2 -I "$src" "$dst" > /dev/null ||
		fail "ping $src -> $dst"
	c1=$(topo_if_bytes cli "cli-p$i" tx); oc1=$(topo_if_bytes cli "cli-p$o" tx)
	s1=$(topo_if_bytes srv "srv-p$i" tx); os1=$(topo_if_bytes srv "srv-p$o" tx)
	diag "$src -> $dst: cli-p$i tx +$((c1 - c0)) cli-p$o tx +$((oc1 - oc0))," \
		"srv-p$i tx +$((s1 - s0)) srv-p$o tx +$((os1 - os0))"
	[ $((c1 - c0)) -ge 1960 ] || fail "requests $src -> $dst not on cli-p$i"
	[ $((s1 - s0)) -ge 1960 ] || fail "replies $dst -> $src not on srv-p$i"
	[ $((oc1 - oc0)) -lt 980 ] || fail "requests $src -> $dst on cli-p$o"
	[ $((os1 - os0)) -lt 980 ] || fail "replies $dst -> $src on srv-p$o"
}

case_router_ping()
{
	local f0 f1

	setup --paths 2 --router-paths "1"
	[ -n "$TOPO_NS_RTR" ] || fail "no router namespace"
	[ "$(topo_srv_addr 1)" = 10.1.1.2 ] || fail "topo_srv_addr 1 = $(topo_srv_addr 1)"
	[ "$(topo_srv_addr 2)" = 10.0.2.2 ] || fail "topo_srv_addr 2 = $(topo_srv_addr 2)"
	[ "$(topo_srv_addr 1 6)" = fd01:1::2 ] || fail "topo_srv_addr 1 6"
	[ "$(topo_rtr_if 1 cli)" = rtr-c1 ] || fail "topo_rtr_if 1 cli"
	[ "$(topo_rtr_if 1 srv)" = rtr-s1 ] || fail "topo_rtr_if 1 srv"
	if topo_rtr_if 2 cli > /dev/null 2>&1; then
		fail "topo_rtr_if accepted the direct path 2"
	fi
	f0=$(topo_nstat rtr IpForwDatagrams)
	check_all_paths
	f1=$(topo_nstat rtr IpForwDatagrams)
	diag "router forwarded $((f1 - f0)) IPv4 datagrams"
	[ $((f1 - f0)) -ge 4 ] || fail "router did not forward the path 1 pings"
	# crossing: client path 2 address to the routed server address
	ping_ok cli 10.0.2.1 10.1.1.2 || fail "ping 10.0.2.1 -> 10.1.1.2"
	ping_ok cli 10.0.1.1 10.0.2.2 || fail "ping 10.0.1.1 -> 10.0.2.2"
	ping_ok cli fd00:2::1 fd01:1::2 || fail "ping fd00:2::1 -> fd01:1::2"
}

case_router_8_paths()
{
	setup --paths 8 --router --ipv6
	[ "$(topo_srv_addr 8)" = fd01:8::2 ] || fail "topo_srv_addr 8 with --ipv6"
	[ "$(topo_srv_addr 8 4)" = 10.1.8.2 ] || fail "topo_srv_addr 8 4"
	check_all_paths
}

netem_case()
{
	local r1 r2

	netem_available || skip "netem qdisc not available on this kernel"
	topo_netem 1 delay 50ms
	r1=$(ping_rtt_min cli "$(topo_cli_addr 1)" "$(topo_srv_addr 1)")
	r2=$(ping_rtt_min cli "$(topo_cli_addr 2)" "$(topo_srv_addr 2)")
	diag "rtt min: path 1 (delay 50ms) $r1 ms, path 2 $r2 ms"
	float_cmp "$r1" ge 100 || fail "path 1 rtt $r1 < 100 ms"
	float_cmp "$r2" lt 50 || fail "path 2 rtt $r2 >= 50 ms"
	topo_netem 1 delay 10ms loss 0% rate 100mbit
	topo_netem_clear 1
	r1=$(ping_rtt_min cli "$(topo_cli_addr 1)" "$(topo_srv_addr 1)")
	diag "rtt min after topo_netem_clear: $r1 ms"
	float_cmp "$r1" lt 50 || fail "path 1 rtt $r1 >= 50 ms after clear"
}

case_netem_direct()
{
	setup --paths 2
	netem_case
}

case_netem_routed()
{
	setup --paths 2 --router-paths 1
	netem_case
}

case_link_down_up()
{
	local i fam c s

	setup --paths 3 --router-paths 2
	for i in 1 2; do
		topo_link_down "$i"
		for fam in 4 6; do
			c=$(topo_cli_addr "$i" "$fam")
			s=$(topo_srv_addr "$i" "$fam")
			ping_fails cli "$c" "$s" ||
				fail "path $i down but ping $c -> $s works"
		done
		ping_ok cli "$(topo_cli_addr 3)" "$(topo_srv_addr 3)" ||
			fail "path 3 broken while path $i is down"
		topo_link_up "$i"
		for fam in 4 6; do
			c=$(topo_cli_addr "$i" "$fam")
			s=$(topo_srv_addr "$i" "$fam")
			topo_wait_for 5 ping_ok cli "$c" "$s" ||
				fail "path $i up but ping $c -> $s fails"
			ping_ok srv "$s" "$c" || fail "path $i up but ping $s -> $c fails"
		done
		# the source routing table was restored too
		ping_ok cli "$(topo_cli_addr "$i")" "$(topo_srv_addr 3)" ||
			fail "path $i: source route to path 3 address not restored"
		diag "path $i ($(topo_path_routed "$i" && echo routed || echo direct)): down blocks, up restores"
	done
}

case_mptcp_endpoints()
{
	local out

	setup --paths 3
	out=$(ip -n "$TOPO_NS_CLI" mptcp limits show)
	diag "client limits: $out"
	case $out in
	*"subflows 8"*) ;;
	*) fail "client subflows limit not 8: $out" ;;
	esac
	case $(ip -n "$TOPO_NS_SRV" mptcp limits show) in
	*"add_addr_accepted 8"*) ;;
	*) fail "server add_addr_accepted limit not 8" ;;
	esac
	[ "$(topo_srv sysctl -n net.mptcp.enabled)" = 1 ] || fail "net.mptcp.enabled"

	topo_mptcp_endpoints --client-subflow
	out=$(ip -n "$TOPO_NS_CLI" mptcp endpoint show)
	printf '%s\n' "$out" | sed 's/^/# client endpoint: /'
	printf '%s\n' "$out" | grep -Eq '^10\.0\.2\.1 id 2 .*subflow.*dev cli-p2' ||
		fail "no subflow endpoint 10.0.2.1 id 2 dev cli-p2"
	printf '%s\n' "$out" | grep -Eq '^10\.0\.3\.1 id 3 .*subflow' ||
		fail "no subflow endpoint for path 3"
	if printf '%s\n' "$out" | grep -q '10\.0\.1\.1'; then
		fail "endpoint for path 1 (the initial subflow) added"
	fi

	topo_mptcp_endpoints --server-signal --ipv6 --paths 2
	out=$(ip -n "$TOPO_NS_SRV" mptcp endpoint show)
	printf '%s\n' "$out" | sed 's/^/# server endpoint: /'
	printf '%s\n' "$out" | grep -Eq '^fd00:2::2 id 2 .*signal.*dev srv-p2' ||
		fail "no signal endpoint fd00:2::2 id 2 dev srv-p2"
}

case_nstat()
{
	local snap d hist hist_before hist_after

	# nstat's default history file, which must stay untouched
	hist="/tmp/.nstat.u$(id -u)"
	hist_before=$(stat -c %Y:%s "$hist" 2>/dev/null || echo none)
	setup --paths 2
	snap="$TOPO_TMP/cli.snap"
	topo_nstat_snapshot cli "$snap"
	topo_nstat_reset srv
	topo_cli ping -q -c 5 -i 0.01 "$(topo_srv_addr 1)" > /dev/null
	d=$(topo_nstat_delta cli "$snap" IcmpOutEchos)
	diag "IcmpOutEchos delta $d"
	[ "$d" = 5 ] || fail "IcmpOutEchos delta $d, expected 5"
	d=$(topo_nstat_delta cli "$snap" IpExtInOctets)
	diag "IpExtInOctets delta $d"
	[ "$d" -ge 420 ] || fail "IpExtInOctets delta $d, expected >= 5 * 84"
	[ "$(topo_nstat cli NoSuchCounterX)" = 0 ] || fail "absent counter not 0"
	topo_assert_counter srv IcmpInEchos -eq 5 "echo requests since reset"
	topo_assert_counter "$TOPO_NS_SRV" IcmpOutEchoReps '>=' 5
	if topo_assert_counter srv IcmpInEchos -eq 6 > "$TOPO_TMP/assert.out"; then
		fail "topo_assert_counter did not fail"
	fi
	grep -q '^# counter IcmpInEchos = 5 (expected -eq 6)$' "$TOPO_TMP/assert.out" ||
		fail "unexpected assert output: $(cat "$TOPO_TMP/assert.out")"
	d=$(topo_nstat_raw srv IcmpInEchos)
	[ "$d" -ge 5 ] || fail "topo_nstat_raw IcmpInEchos $d"
	hist_after=$(stat -c %Y:%s "$hist" 2>/dev/null || echo none)
	[ "$hist_before" = "$hist_after" ] || fail "$hist was touched"
	ls "$TOPO_TMP"/nstat.*.hist > /dev/null 2>&1 &&
		fail "a private nstat history file was written"
	return 0
}

case_bg_wait()
{
	local p rc

	setup --paths 1
	p=$(topo_bg srv "$TOPO_TMP/o1" sh -c 'echo hello; exit 3')
	rc=0
	topo_wait_pid "$p" 10 || rc=$?
	[ "$rc" = 3 ] || fail "exit status $rc, expected 3"
	[ "$(cat "$TOPO_TMP/o1")" = hello ] || fail "output not in OUTFILE"
	topo_bg cli "$TOPO_TMP/o2" sh -c 'exit 0' > /dev/null
	topo_wait_pid "$TOPO_LAST_PID" 10 || fail "exit status of a true command"
	topo_bg cli "$TOPO_TMP/o3" sleep 100 > /dev/null
	rc=0
	topo_wait_pid "$TOPO_LAST_PID" 0.5 2> /dev/null || rc=$?
	[ "$rc" = 124 ] || fail "timeout returned $rc, expected 124"
	if ns_running cli sleep; then
		fail "sleep still running after timeout"
	fi
	# in the namespace, really
	p=$(topo_bg srv "$TOPO_TMP/o4" ip -o link show srv-p1)
	topo_wait_pid "$p" || fail "ip link show srv-p1 in server namespace"
	# leftovers for topo_cleanup: a topo_bg job and a plain & job
	topo_bg cli "$TOPO_TMP/o5" sleep 101 >> "$PID_RECORD"
	topo_srv sleep 102 &
	echo "$!" >> "$PID_RECORD"
	diag "exit status, timeout (124) and OUTFILE work"
}

case_capture()
{
	local p n

	command -v tcpdump > /dev/null || skip "tcpdump not installed"
	setup --paths 2 --router-paths 2
	topo_capture_start 1 "$TOPO_TMP/p1.pcap" > /dev/null
	p=$(topo_capture_start 2 "$TOPO_TMP/p2.pcap" rtr-srv icmp)
	topo_cli ping -q -c 3 -i 0.05 "$(topo_srv_addr 1)" > /dev/null
	topo_cli ping -q -c 4 -i 0.05 "$(topo_srv_addr 2)" > /dev/null
	topo_capture_stop "$p"
	topo_capture_stop
	n=$(tcpdump -n -r "$TOPO_TMP/p1.pcap" 'icmp[icmptype] == icmp-echo' 2> /dev/null | wc -l)
	diag "path 1 client side: $n echo requests captured"
	[ "$n" = 3 ] || fail "captured $n echo requests on path 1, expected 3"
	n=$(tcpdump -n -r "$TOPO_TMP/p2.pcap" 2> /dev/null | wc -l)
	diag "path 2 router/server side: $n icmp packets captured"
	[ "$n" = 8 ] || fail "captured $n icmp packets on path 2, expected 8"
	if ns_running cli tcpdump || ns_running rtr tcpdump; then
		fail "tcpdump still running"
	fi
	topo_capture_start 1 "$TOPO_TMP/p3.pcap" > /dev/null	# left for cleanup
}

case_helpers()
{
	local sum

	setup --paths 1
	printf 'abc' > "$TOPO_TMP/f"
	sum=$(topo_sha256 "$TOPO_TMP/f")
	[ "$sum" = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad ] ||
		fail "sha256 of abc: $sum"
	topo_wait_for 1 true || fail "topo_wait_for true"
	if topo_wait_for -t 0.3 false 2> /dev/null; then
		fail "topo_wait_for false succeeded"
	fi
	[ "$(topo_exec srv cat /proc/sys/net/mptcp/enabled)" = 1 ] || fail "topo_exec srv"
	if topo_cli_if 2 2> /dev/null; then
		fail "topo_cli_if accepted path 2 of 1"
	fi
	if topo_setup --paths 1 2> /dev/null; then
		fail "second topo_setup in the same shell accepted"
	fi
	diag "topo_sha256, topo_wait_for, topo_exec and argument checks work"
}

case_bad_setup()
{
	local err

	err=$(topo_setup --paths 9 2>&1) && fail "--paths 9 accepted"
	case $err in
	"topo: "*) ;;
	*) fail "error message not 'topo: ...': $err" ;;
	esac
	err=$(topo_setup --paths 2 --router-paths 3 2>&1) && fail "--router-paths 3 of 2 accepted"
	diag "rejected: $err"
	[ -z "$TOPO_NS_CLI" ] || fail "TOPO_NS_CLI set after failed setup"
	return 0
}

# cleanup: topologies set up in subshells are gone afterwards, an EXIT trap
# set before topo_setup still runs, topo_cleanup is idempotent and silent
case_cleanup()
{
	local names n1 n2 out ns rc

	n1=$( (topo_setup --paths 2 --router && echo "$TOPO_NS_CLI $TOPO_NS_SRV $TOPO_NS_RTR $TOPO_TMP" &&
		topo_bg cli /dev/null sleep 103 > /dev/null) )
	rc=0
	n2=$( (topo_setup --paths 1 && echo "$TOPO_NS_CLI $TOPO_NS_SRV $TOPO_TMP" &&
		exit 7) ) || rc=$?
	[ "$rc" = 7 ] || fail "subshell exit status $rc, expected 7 (trap changed it?)"
	names="$n1 $n2"
	diag "subshell topologies: $names"
	# shellcheck disable=SC2086
	set -- $n1
	[ $# = 4 ] || fail "first subshell did not report 3 namespaces and TOPO_TMP"
	# shellcheck disable=SC2086
	set -- $n2
	[ $# = 3 ] || fail "second subshell did not report 2 namespaces and TOPO_TMP"
	# shellcheck disable=SC2086
	printf '%s\n' $names | grep '^ns-' >> "$NS_RECORD"
	out=$(ip netns list)
	for ns in $names; do
		case $ns in
		/*) [ ! -e "$ns" ] || fail "TOPO_TMP $ns not removed" ;;
		*) printf '%s\n' "$out" | grep -q "^$ns\( \|$\)" && fail "namespace $ns still present" ;;
		esac
	done
	pgrep -f '^sleep 103$' > /dev/null && fail "background sleep survived its topology"

	# chained EXIT trap, in a fresh shell
	n1=0
	out=$(bash -c '. "$1"; trap "echo previous-trap-ran rc=\$?" EXIT;
		topo_setup --paths 1 || exit 9; echo "ns $TOPO_NS_CLI"; exit 5' _ "$LIB_DIR/topo.sh" 2>&1) ||
		n1=$?
	diag "fresh shell: $(printf '%s\n' "$out" | tr '\n' ' ')"
	[ "$n1" = 5 ] || fail "exit status $n1 of the fresh shell, expected 5"
	case $out in
	*"previous-trap-ran rc=5"*) ;;
	*) fail "previous EXIT trap did not run: $out" ;;
	esac
	ns=$(printf '%s\n' "$out" | sed -n 's/^ns //p')
	[ -n "$ns" ] || fail "no namespace name from the fresh shell"
	echo "$ns" >> "$NS_RECORD"
	ip netns list | grep -q "^$ns\( \|$\)" && fail "namespace $ns still present"

	# explicit cleanup: silent, idempotent
	setup --paths 1
	ns=$TOPO_NS_CLI
	out=$(topo_cleanup 2>&1; topo_cleanup 2>&1) || fail "topo_cleanup failed: $out"
	[ -z "$out" ] || fail "topo_cleanup printed: $out"
	topo_cleanup
	topo_cleanup
	[ -z "$TOPO_NS_CLI" ] || fail "TOPO_NS_CLI still set"
	ip netns list | grep -q "^$ns\( \|$\)" && fail "namespace $ns still present"
	return 0
}

# ---------------------------------------------------------------------------

CASES="
direct_ping
router_ping
router_8_paths
netem_direct
netem_routed
link_down_up
mptcp_endpoints
nstat
bg_wait
capture
helpers
bad_setup
cleanup
"

echo "KTAP version 1"
# shellcheck disable=SC2086
set -- $CASES
echo "1..$#"

if [ "$(id -u)" != 0 ]; then
	NUM=0
	for c in $CASES; do
		NUM=$((NUM + 1))
		echo "ok $NUM - $c # SKIP needs root"
	done
	exit 0
fi

NUM=0
FAILED=0
for c in $CASES; do
	NUM=$((NUM + 1))
	log="$ST_TMP/$c.log"
	t0=${EPOCHREALTIME/[!0-9]/}
	(set -e; "case_$c") > "$log" 2>&1
	rc=$?
	t1=${EPOCHREALTIME/[!0-9]/}
	t=$(((t1 - t0) / 10000))
	printf -v t '%d.%02d' $((t / 100)) $((t % 100))
	echo "# time: $c $t s" >> "$log"
	if [ "$rc" = 0 ]; then
		grep '^# ' "$log"
		echo "ok $NUM - $c"
	elif [ "$rc" = "$SKIP_RC" ]; then
		echo "ok $NUM - $c # SKIP $(sed -n 's/^SKIP: //p' "$log" | head -n 1)"
	else
		sed 's/^\(# \)\{0,1\}/# /' "$log"
		echo "# case exited with status $rc"
		echo "not ok $NUM - $c"
		FAILED=$((FAILED + 1))
	fi
done

# nothing may outlive the cases
LEAK=0
NS_NOW=$(ip netns list | awk '{ print $1 }')
while read -r ns; do
	[ -n "$ns" ] || continue
	if printf '%s\n' "$NS_NOW" | grep -qxF "$ns"; then
		echo "# leak: namespace $ns still present"
		LEAK=1
	fi
done < "$NS_RECORD"
while read -r p; do
	[ -n "$p" ] || continue
	if kill -0 "$p" 2> /dev/null; then
		echo "# leak: process $p still running"
		LEAK=1
	fi
done < "$PID_RECORD"
# the commands the cases leave behind for topo_cleanup to kill
if pgrep -f '^sleep 10[0-3]$' > /dev/null; then
	echo "# leak: sleep processes still running: $(pgrep -f '^sleep 10[0-3]$' | tr '\n' ' ')"
	LEAK=1
fi
echo "# $(sort -u "$NS_RECORD" | grep -c .) namespaces created and removed"

if [ "$FAILED" != 0 ] || [ "$LEAK" != 0 ]; then
	echo "# FAILED: $FAILED of $NUM cases failed, leak check: $([ "$LEAK" = 0 ] && echo clean || echo LEAKS)"
	exit 1
fi
echo "# all $NUM cases passed or skipped"
exit 0
