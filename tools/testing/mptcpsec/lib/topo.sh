#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# topo.sh - network namespace topology library for MPTCPsec end-to-end tests.
#
# Source it from bash (bash 5: it uses EPOCHREALTIME, BASHPID, locals):
#
#	. "$(dirname "$0")/../lib/topo.sh"
#	topo_setup --paths 2 --router-paths "1"
#	topo_mptcp_endpoints --client-subflow
#	...
#
# A client and a server namespace are joined by N paths (1..8).  Each path
# is either a direct veth pair or goes through one shared router namespace.
# All namespaces get random names (ns-cli-<tag>, ns-srv-<tag>, ns-rtr-<tag>).
#
#  Direct path I (default):
#
#   +----------------------------+            +----------------------------+
#   | TOPO_NS_CLI                |    veth    | TOPO_NS_SRV                |
#   |  cli-pI  10.0.I.1/24       +------------+  srv-pI  10.0.I.2/24       |
#   |          fd00:I::1/64      |            |          fd00:I::2/64      |
#   +----------------------------+            +----------------------------+
#
#  Routed path I (--router or --router-paths "... I ..."):
#
#   +-------------------+        +-------------------------+        +-------------------+
#   | TOPO_NS_CLI       |  veth  | TOPO_NS_RTR (ip_forward)|  veth  | TOPO_NS_SRV       |
#   | cli-pI 10.0.I.1   +--------+ rtr-cI 10.0.I.254       |        |                   |
#   |      fd00:I::1    |        |        fd00:I::254      |        |                   |
#   |                   |        | rtr-sI 10.1.I.254       +--------+ srv-pI 10.1.I.2   |
#   |                   |        |        fd01:I::254      |        |      fd01:I::2    |
#   +-------------------+        +-------------------------+        +-------------------+
#
#  All prefixes are /24 (IPv4) and /64 (IPv6).  Both address families are
#  always configured; --ipv6 only changes the family printed by
#  topo_cli_addr/topo_srv_addr and used by topo_mptcp_endpoints.
#
#  Routing (keeps every path symmetric, whichever addresses a subflow uses):
#
#   client: main table: connected routes, plus for a routed path
#             10.1.I.0/24 via 10.0.I.254 (fd01:I::/64 via fd00:I::254)
#           pref 1000+I: from <client addr I>  lookup 100+I
#           table 100+I: <path I subnet> dev cli-pI; default via <next hop I>
#           => a subflow bound to client address I leaves by cli-pI, even
#              when it targets the server address of another path.
#   server: the mirror image, plus
#           pref  900+I: to 10.0.I.0/24 (fd00:I::/64) lookup 100+I
#           so replies always go back over the path of the client address
#           (the source-address rule alone would send the replies of a
#           "client addr 2 -> server addr 1" subflow over path 1).
#           pref 1000+I: from <server addr I> lookup 100+I
#   router: pref 1000+I: iif rtr-cI lookup 100+I (default via server addr I)
#           pref 1100+I: iif rtr-sI lookup 200+I (default via client addr I)
#           so a routed path never crosses over to another path.
#   rp_filter is off everywhere, IPv6 DAD is off, keep_addr_on_down is on.
#
# Conventions: every function returns non-zero on failure after printing
# "topo: <what failed>" on stderr, so the library works with and without
# "set -e".  Wherever a namespace is expected, "cli", "srv" and "rtr" may
# be used as shorthands for $TOPO_NS_CLI, $TOPO_NS_SRV and $TOPO_NS_RTR.
# Nothing sleeps for a fixed time: waits poll (topo_wait_for).
#
# topo_setup installs an EXIT trap running topo_cleanup; an EXIT trap that
# was already set in the same shell is chained (it runs after topo_cleanup,
# with the same $?, and the exit status is kept).  An EXIT trap set *after*
# topo_setup replaces it: call topo_cleanup from your own trap then.
# Bash shows the parent's traps inside a subshell without running them, so
# when topo_setup runs in a subshell, such an inherited trap is not chained.
# One topology per shell (or subshell) at a time.
#
# Temporary files live in $TOPO_TMP (mktemp -d under ${TMPDIR:-/tmp}),
# removed by topo_cleanup.
#
# Exposed variables after topo_setup:
#   TOPO_NS_CLI TOPO_NS_SRV TOPO_NS_RTR (empty without router)
#   TOPO_NPATHS TOPO_ROUTED_PATHS (space separated) TOPO_FAMILY (4 or 6)
#   TOPO_TMP    TOPO_LAST_PID (set by topo_bg)
#
# Functions (NS: a namespace name or cli/srv/rtr; I, PATH: 1..N):
#   topo_setup [--paths N] [--router] [--router-paths "1 2"] [--ipv6]
#   topo_cleanup                       kill jobs, delete namespaces, verify
#   topo_cli_addr I [4|6]              client address of path I
#   topo_srv_addr I [4|6]              server address of path I
#   topo_rtr_addr I cli|srv [4|6]      router address of path I
#   topo_cli_if I / topo_srv_if I      cli-pI / srv-pI
#   topo_rtr_if I cli|srv              rtr-cI / rtr-sI
#   topo_path_routed I                 true if path I goes through the router
#   topo_mptcp_endpoints [--client-subflow] [--server-signal] [--ipv4|--ipv6]
#                        [--paths "2 3"] [--flags "backup ..."]
#   topo_netem PATH NETEM-ARGS...      netem on both directions of PATH
#   topo_netem_clear PATH              remove it
#   topo_link_down PATH / topo_link_up PATH
#   topo_exec NS CMD... / topo_cli / topo_srv / topo_rtr CMD...
#   topo_bg NS OUTFILE CMD...          background job, prints its PID
#   topo_wait_pid PID [TIMEOUT]        its exit status, 124 on timeout
#   topo_wait_for [-t] [SECS] CMD...   poll CMD until it succeeds
#   topo_nstat NS COUNTER              value since topo_nstat_reset NS
#   topo_nstat_raw NS COUNTER          absolute value
#   topo_nstat_reset NS
#   topo_nstat_snapshot NS FILE / topo_nstat_delta NS [FILE] COUNTER
#   topo_assert_counter NS COUNTER OP VALUE [MSG]
#   topo_if_bytes NS IF tx|rx
#   topo_sha256 FILE
#   topo_capture_start PATH FILE [cli|srv|rtr-cli|rtr-srv [FILTER...]]
#   topo_capture_stop [PID]
# CMD given to topo_exec/topo_bg is run by "ip netns exec": an executable,
# not a shell function.

TOPO_NS_CLI=${TOPO_NS_CLI-}
TOPO_NS_SRV=${TOPO_NS_SRV-}
TOPO_NS_RTR=${TOPO_NS_RTR-}
TOPO_NPATHS=${TOPO_NPATHS-}
TOPO_ROUTED_PATHS=${TOPO_ROUTED_PATHS-}
TOPO_FAMILY=${TOPO_FAMILY-4}
TOPO_TMP=${TOPO_TMP-}
TOPO_LAST_PID=${TOPO_LAST_PID-}
TOPO_WAIT_TIMEOUT=${TOPO_WAIT_TIMEOUT:-10}

_TOPO_NS_LIST=${_TOPO_NS_LIST-}
_TOPO_OWNER=${_TOPO_OWNER-}
_TOPO_TRAP_PID=${_TOPO_TRAP_PID-}
_TOPO_PREV_EXIT_TRAP=${_TOPO_PREV_EXIT_TRAP-}

# ---------------------------------------------------------------------------
# internal helpers

_topo_err()
{
	echo "topo: $*" >&2
	return 1
}

# microseconds since the epoch, no fork
_topo_now_us()
{
	local t=${EPOCHREALTIME//[!0-9]/}

	if [ -z "$t" ]; then
		t=$(date +%s%6N)
	fi
	_TOPO_NOW=$t
}

# _topo_sleep SECS: sleep without a fork when possible ("read -t" on a FIFO
# nobody writes to, opened by topo_setup): every process costs a lot in a
# TCG guest, and the polling loops sleep often.
_topo_sleep()
{
	if [ -n "${_TOPO_SLEEP_FD:-}" ] && { : >&"$_TOPO_SLEEP_FD"; } 2>/dev/null; then
		read -r -t "$1" -u "$_TOPO_SLEEP_FD" _ 2>/dev/null || :
	else
		sleep "$1"
	fi
}

# _topo_seq A B: the numbers A..B on one line, no fork
_topo_seq()
{
	local i=$1 out=""

	while [ "$i" -le "$2" ]; do
		out="$out${out:+ }$i"
		i=$((i + 1))
	done
	echo "$out"
}

# _topo_secs_us SECS -> _TOPO_US (accepts 5, 0.5, 2.25)
_topo_secs_us()
{
	local s=$1 int frac

	case $s in
	''|*[!0-9.]*|*.*.*|.) return 1 ;;
	esac
	int=${s%%.*}
	frac=
	case $s in *.*) frac=${s#*.} ;; esac
	frac=${frac}000000
	frac=${frac:0:6}
	_TOPO_US=$(( 10#${int:-0} * 1000000 + 10#$frac ))
}

# _topo_ns NAME: resolve cli/srv/rtr shorthands
_topo_ns()
{
	case $1 in
	cli|client) _TOPO_NSR=$TOPO_NS_CLI ;;
	srv|server) _TOPO_NSR=$TOPO_NS_SRV ;;
	rtr|router) _TOPO_NSR=$TOPO_NS_RTR ;;
	*) _TOPO_NSR=$1 ;;
	esac
	if [ -z "$_TOPO_NSR" ]; then
		_topo_err "no namespace for '$1' (topology not set up?)"
		return 1
	fi
}

_topo_need_topo()
{
	if [ -z "$TOPO_NS_CLI" ] || [ -z "$TOPO_TMP" ] || [ ! -d "$TOPO_TMP" ]; then
		_topo_err "${1:-function} called without a topology (run topo_setup)"
		return 1
	fi
}

# _topo_path I: validate a path number
_topo_path()
{
	_topo_need_topo "${2:-}" || return 1
	case $1 in
	''|*[!0-9]*) _topo_err "bad path number '$1'"; return 1 ;;
	esac
	if [ "$1" -lt 1 ] || [ "$1" -gt "$TOPO_NPATHS" ]; then
		_topo_err "path $1 out of range 1..$TOPO_NPATHS"
		return 1
	fi
}

_topo_routed()
{
	case " $TOPO_ROUTED_PATHS " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# _topo_family ARG: 4, 6, -4, -6, v4, v6, ipv4, ipv6 or empty (default)
_topo_family()
{
	case ${1:-$TOPO_FAMILY} in
	4|-4|v4|ipv4|--ipv4) _TOPO_FAM=4 ;;
	6|-6|v6|ipv6|--ipv6) _TOPO_FAM=6 ;;
	*) _topo_err "bad address family '$1'"; return 1 ;;
	esac
}

_topo_ip()
{
	local ns=$1

	shift
	ip -n "$ns" "$@" || _topo_err "ip -n $ns $* failed"
}

_topo_sysctl()
{
	local ns=$1

	shift
	ip netns exec "$ns" sysctl -q -w "$@" >/dev/null ||
		_topo_err "sysctl in $ns failed: $*"
}

# _topo_alive PID: running and not a zombie
_topo_alive()
{
	local st

	kill -0 "$1" 2>/dev/null || return 1
	st=
	read -r st < "/proc/$1/stat" 2>/dev/null || return 1
	st=${st##*) }
	st=${st%% *}
	[ "$st" != Z ] && [ "$st" != X ]
}

# _topo_kill_wait PID...: TERM, wait up to 3s, then KILL; reap our children
_topo_kill_wait()
{
	local pid left i

	for pid in "$@"; do
		kill -TERM "$pid" 2>/dev/null || :
	done
	for i in 1 2; do
		_topo_now_us
		local deadline=$((_TOPO_NOW + (i == 1 ? 3000000 : 2000000)))
		while :; do
			left=
			for pid in "$@"; do
				if _topo_alive "$pid"; then
					left="$left $pid"
				fi
			done
			[ -z "$left" ] && break
			_topo_now_us
			[ "$_TOPO_NOW" -ge "$deadline" ] && break
			_topo_sleep 0.05
		done
		[ -z "$left" ] && break
		if [ "$i" = 1 ]; then
			for pid in $left; do
				kill -KILL "$pid" 2>/dev/null || :
			done
		fi
	done
	for pid in "$@"; do
		wait "$pid" 2>/dev/null || :
	done
	[ -z "$left" ]
}

_topo_v4_cli() { echo "10.0.$1.1"; }
_topo_v6_cli() { echo "fd00:$1::1"; }
_topo_v4_srv() { if _topo_routed "$1"; then echo "10.1.$1.2"; else echo "10.0.$1.2"; fi; }
_topo_v6_srv() { if _topo_routed "$1"; then echo "fd01:$1::2"; else echo "fd00:$1::2"; fi; }

# Configuration is generated as "ip -batch" text: one ip process per
# namespace instead of one per command (each process costs ~0.5 s in a TCG
# guest).  ip -batch has no per-line -4/-6: addresses and routes get their
# family from the addresses, but "ip rule" defaults to IPv4, so the IPv6
# rules go to a second batch run with -6:
#   _TOPO_B_CLI _TOPO_B_SRV _TOPO_B_RTR       everything else
#   _TOPO_B_CLI6 _TOPO_B_SRV6 _TOPO_B_RTR6    IPv6 rules

# _topo_add VAR LINE: append LINE to batch VAR
_topo_add()
{
	printf -v "$1" '%s%s\n' "${!1}" "$2"
}

_topo_batch_reset()
{
	_TOPO_B_CLI='' _TOPO_B_CLI6='' _TOPO_B_SRV='' _TOPO_B_SRV6=''
	_TOPO_B_RTR='' _TOPO_B_RTR6=''
}

# _topo_batch NS FAMILY-OPTION TEXT: run TEXT with "ip [-6] -n NS -batch -"
_topo_batch()
{
	local ns=$1 fam=$2 cmds=$3 err n line=""

	[ -n "$cmds" ] || return 0
	# shellcheck disable=SC2086
	err=$(printf '%s' "$cmds" | ip $fam -n "$ns" -batch - 2>&1 > /dev/null) && return 0
	n=$(printf '%s\n' "$err" | sed -n 's/^Command failed -:\([0-9]*\)$/\1/p' | head -n 1)
	[ -z "$n" ] || line=$(printf '%s' "$cmds" | sed -n "${n}p")
	err=$(printf '%s\n' "$err" | grep -v '^Command failed' | tr '\n' ' ')
	_topo_err "ip${fam:+ $fam} -n $ns ${line:-"-batch"} failed: ${err% }"
}

# _topo_batch_run: run the pending batches: client, router, server (the
# order in which the veths appear), then the IPv6 rules
_topo_batch_run()
{
	_topo_batch "$TOPO_NS_CLI" "" "$_TOPO_B_CLI" || return 1
	if [ -n "$TOPO_NS_RTR" ]; then
		_topo_batch "$TOPO_NS_RTR" "" "$_TOPO_B_RTR" || return 1
		_topo_batch "$TOPO_NS_RTR" -6 "$_TOPO_B_RTR6" || return 1
	fi
	_topo_batch "$TOPO_NS_SRV" "" "$_TOPO_B_SRV" || return 1
	_topo_batch "$TOPO_NS_CLI" -6 "$_TOPO_B_CLI6" || return 1
	_topo_batch "$TOPO_NS_SRV" -6 "$_TOPO_B_SRV6" || return 1
	_topo_batch_reset
}

# Client side routes of path I (idempotent: "replace"; re-run on link up,
# since taking a link down flushes the routes through it).
_topo_routes_cli()
{
	local i=$1 dev="cli-p$1" t=$((100 + $1)) gw4 gw6

	if _topo_routed "$i"; then
		gw4="10.0.$i.254"
		gw6="fd00:$i::254"
		_topo_add _TOPO_B_CLI "route replace 10.1.$i.0/24 via $gw4 dev $dev onlink"
		_topo_add _TOPO_B_CLI "route replace fd01:$i::/64 via $gw6 dev $dev onlink"
	else
		gw4="10.0.$i.2"
		gw6="fd00:$i::2"
	fi
	_topo_add _TOPO_B_CLI "route replace 10.0.$i.0/24 dev $dev src 10.0.$i.1 table $t"
	_topo_add _TOPO_B_CLI "route replace default via $gw4 dev $dev onlink table $t"
	_topo_add _TOPO_B_CLI "route replace fd00:$i::/64 dev $dev table $t"
	_topo_add _TOPO_B_CLI "route replace default via $gw6 dev $dev onlink table $t"
}

_topo_routes_srv()
{
	local i=$1 dev="srv-p$1" t=$((100 + $1))
	local net4 net6 a4 gw4 gw6

	if _topo_routed "$i"; then
		net4="10.1.$i.0/24"; net6="fd01:$i::/64"; a4="10.1.$i.2"
		gw4="10.1.$i.254"; gw6="fd01:$i::254"
		_topo_add _TOPO_B_SRV "route replace 10.0.$i.0/24 via $gw4 dev $dev onlink"
		_topo_add _TOPO_B_SRV "route replace fd00:$i::/64 via $gw6 dev $dev onlink"
	else
		net4="10.0.$i.0/24"; net6="fd00:$i::/64"; a4="10.0.$i.2"
		gw4="10.0.$i.1"; gw6="fd00:$i::1"
	fi
	_topo_add _TOPO_B_SRV "route replace $net4 dev $dev src $a4 table $t"
	_topo_add _TOPO_B_SRV "route replace default via $gw4 dev $dev onlink table $t"
	_topo_add _TOPO_B_SRV "route replace $net6 dev $dev table $t"
	_topo_add _TOPO_B_SRV "route replace default via $gw6 dev $dev onlink table $t"
}

_topo_routes_rtr()
{
	local i=$1

	_topo_add _TOPO_B_RTR "route replace default via 10.1.$i.2 dev rtr-s$i onlink table $((100 + i))"
	_topo_add _TOPO_B_RTR "route replace default via fd01:$i::2 dev rtr-s$i onlink table $((100 + i))"
	_topo_add _TOPO_B_RTR "route replace default via 10.0.$i.1 dev rtr-c$i onlink table $((200 + i))"
	_topo_add _TOPO_B_RTR "route replace default via fd00:$i::1 dev rtr-c$i onlink table $((200 + i))"
}

_topo_exit_trap()
{
	local rc=$?

	set +e
	topo_cleanup
	if [ -n "$_TOPO_PREV_EXIT_TRAP" ]; then
		(exit "$rc")
		eval "$_TOPO_PREV_EXIT_TRAP"
	fi
	exit "$rc"
}

_topo_install_trap()
{
	local cur

	[ "$_TOPO_TRAP_PID" = "$BASHPID" ] && return 0
	cur=$(trap -p EXIT)
	_TOPO_PREV_EXIT_TRAP=
	# In a subshell, "trap -p" shows the parent's (inactive) trap: skip it.
	if [ -n "$cur" ] && [ "$BASHPID" = "$$" ]; then
		cur=${cur#trap -- }
		cur=${cur% EXIT}
		eval "_TOPO_PREV_EXIT_TRAP=$cur"
		case $_TOPO_PREV_EXIT_TRAP in
		_topo_exit_trap) _TOPO_PREV_EXIT_TRAP= ;;
		esac
	fi
	trap _topo_exit_trap EXIT
	_TOPO_TRAP_PID=$BASHPID
}

# ---------------------------------------------------------------------------
# setup / teardown

# topo_setup [--paths N] [--router] [--router-paths "1 2"] [--ipv6|--ipv4]
#   --paths N          number of paths, 1..8 (default 2)
#   --router           route every path through the router namespace
#   --router-paths L   route only the paths in L (space or comma separated)
#   --ipv6             default address family of topo_*_addr is IPv6
# Creates the namespaces, veths, addresses, rules and routes, enables MPTCP
# and sets "ip mptcp limits set subflows 8 add_addr_accepted 8" on both ends.
# On failure, whatever was created is removed again.
topo_setup()
{
	if [ -n "$TOPO_NS_CLI" ] && [ "$_TOPO_OWNER" = "$BASHPID" ]; then
		_topo_err "topology already set up ($TOPO_NS_CLI); run topo_cleanup first"
		return 1
	fi
	if ! _topo_setup "$@"; then
		topo_cleanup >/dev/null 2>&1
		return 1
	fi
}

_topo_setup()
{
	local npaths=2 router=0 rpaths="" rpset=0 family=4 i p tag rnd
	local cli srv rtr=""

	while [ $# -gt 0 ]; do
		case $1 in
		--paths)
			[ $# -ge 2 ] || { _topo_err "--paths needs a value"; return 1; }
			npaths=$2; shift ;;
		--paths=*) npaths=${1#*=} ;;
		--router) router=1 ;;
		--router-paths)
			[ $# -ge 2 ] || { _topo_err "--router-paths needs a value"; return 1; }
			rpaths=$2; rpset=1; shift ;;
		--router-paths=*) rpaths=${1#*=}; rpset=1 ;;
		--ipv6|-6) family=6 ;;
		--ipv4|-4) family=4 ;;
		*) _topo_err "topo_setup: unknown argument '$1'"; return 1 ;;
		esac
		shift
	done
	case $npaths in
	''|*[!0-9]*) _topo_err "bad --paths '$npaths'"; return 1 ;;
	esac
	if [ "$npaths" -lt 1 ] || [ "$npaths" -gt 8 ]; then
		_topo_err "--paths must be 1..8 (got $npaths)"
		return 1
	fi
	rpaths=${rpaths//,/ }
	if [ "$router" = 1 ] && [ "$rpset" = 0 ]; then
		rpaths=$(_topo_seq 1 "$npaths")
	fi
	TOPO_ROUTED_PATHS=
	for p in $rpaths; do
		case $p in
		''|*[!0-9]*) _topo_err "bad --router-paths entry '$p'"; return 1 ;;
		esac
		if [ "$p" -lt 1 ] || [ "$p" -gt "$npaths" ]; then
			_topo_err "--router-paths entry $p out of range 1..$npaths"
			return 1
		fi
		_topo_routed "$p" || TOPO_ROUTED_PATHS="${TOPO_ROUTED_PATHS:+$TOPO_ROUTED_PATHS }$p"
	done

	for p in ip sysctl; do
		command -v "$p" >/dev/null || { _topo_err "'$p' not found"; return 1; }
	done

	TOPO_NPATHS=$npaths
	TOPO_FAMILY=$family
	_TOPO_OWNER=$BASHPID
	_TOPO_NS_LIST=
	TOPO_NS_CLI='' TOPO_NS_SRV='' TOPO_NS_RTR=''
	TOPO_LAST_PID=

	TOPO_TMP=$(mktemp -d "${TMPDIR:-/tmp}/topo.XXXXXX") ||
		{ _topo_err "mktemp -d failed"; TOPO_TMP=; return 1; }
	: > "$TOPO_TMP/pids"
	: > "$TOPO_TMP/captures"
	_topo_install_trap
	if mkfifo -m 600 "$TOPO_TMP/sleep" 2>/dev/null; then
		exec {_TOPO_SLEEP_FD}<>"$TOPO_TMP/sleep"
	fi

	# like "mktemp -u XXXXXX", without a fork; the PID keeps concurrent
	# topologies apart
	local chars=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789
	rnd=
	for i in 1 2 3 4 5 6; do
		rnd="$rnd${chars:RANDOM % 62:1}"
	done
	tag="$BASHPID-$rnd"
	cli="ns-cli-$tag"
	srv="ns-srv-$tag"
	[ -n "$TOPO_ROUTED_PATHS" ] && rtr="ns-rtr-$tag"

	# recorded first: topo_cleanup deletes whatever of them exists
	_TOPO_NS_LIST="$cli $srv${rtr:+ $rtr}"
	# shellcheck disable=SC2086
	printf 'netns add %s\n' $_TOPO_NS_LIST | ip -batch - ||
		{ _topo_err "ip netns add $_TOPO_NS_LIST failed"; return 1; }
	TOPO_NS_CLI=$cli
	TOPO_NS_SRV=$srv
	TOPO_NS_RTR=$rtr

	# before any link exists, so that new links inherit the "default"s
	local common="net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
		net.ipv6.conf.all.keep_addr_on_down=1 net.ipv6.conf.default.keep_addr_on_down=1"
	for p in "$cli" "$srv"; do
		# shellcheck disable=SC2086
		_topo_sysctl "$p" $common net.mptcp.enabled=1 ||
			{ _topo_err "cannot configure $p (kernel without MPTCP?)"; return 1; }
	done
	if [ -n "$rtr" ]; then
		# shellcheck disable=SC2086
		_topo_sysctl "$rtr" $common net.ipv4.ip_forward=1 \
			net.ipv6.conf.all.forwarding=1 || return 1
	fi

	# veths are created from the client and router sides, with the peer
	# directly in its namespace: the client batch runs first, then the
	# router's, then the server's (see _topo_batch_run)
	_topo_batch_reset
	for p in CLI SRV RTR; do
		_topo_add "_TOPO_B_$p" "link set lo up"
	done
	for ((i = 1; i <= npaths; i++)); do
		if _topo_routed "$i"; then
			_topo_add _TOPO_B_CLI "link add cli-p$i type veth peer name rtr-c$i netns $rtr"
			_topo_add _TOPO_B_RTR "link add rtr-s$i type veth peer name srv-p$i netns $srv"
		else
			_topo_add _TOPO_B_CLI "link add cli-p$i type veth peer name srv-p$i netns $srv"
		fi
	done
	_topo_add _TOPO_B_CLI "mptcp limits set subflows 8 add_addr_accepted 8"
	_topo_add _TOPO_B_SRV "mptcp limits set subflows 8 add_addr_accepted 8"
	for ((i = 1; i <= npaths; i++)); do
		_topo_setup_path "$i"
	done
	[ -n "$rtr" ] || _TOPO_B_RTR=''
	_topo_batch_run || return 1
	_topo_anchors_start
	return 0
}

# One idle process per namespace (an "anchor"): its /proc/PID/net/ is the
# namespace's /proc/net, which the counter helpers read with bash builtins
# instead of starting "ip netns exec" and nstat (several seconds each in
# the debug kernel under TCG).  topo_cleanup kills them (and every other
# process of the namespaces).  Without an anchor the helpers fall back.
declare -gA _TOPO_ANCHOR=()
_topo_anchors_start()
{
	local ns pid i

	_TOPO_ANCHOR=()
	for ns in $_TOPO_NS_LIST; do
		pid=$( (ip netns exec "$ns" sleep 2147483647 > /dev/null 2>&1 < /dev/null &
			echo "$!") )
		[ -n "$pid" ] || continue
		_TOPO_ANCHOR[$ns]=$pid
		# until ip netns exec has entered the namespace, the anchor is
		# still in ours: wait for that, so that cleanup finds it there
		for ((i = 0; i < 100; i++)); do
			_topo_anchor "$ns" && break
			sleep 0.1
		done
	done
}

# _topo_anchor NS: the anchor's /proc/PID/net of namespace NS (a name as
# resolved by _topo_ns) in _TOPO_NETDIR; fails unless a live anchor is in
# that very namespace.  Builtins only (no process started).
_topo_anchor()
{
	local pid=${_TOPO_ANCHOR[$1]:-}
	[ -n "$pid" ] && [ -e "/run/netns/$1" ] &&
		[ "/proc/$pid/ns/net" -ef "/run/netns/$1" ] || return 1
	_TOPO_NETDIR=/proc/$pid/net
}

# _topo_nstat_proc DIR: "Name value" of every counter of DIR/netstat,
# DIR/snmp (pairs of lines "Prefix: names" / "Prefix: values") and
# DIR/snmp6 ("Name value"), the names nstat gives them
_topo_nstat_proc()
{
	local f hdr val i pre
	for f in "$1/netstat" "$1/snmp"; do
		[ -r "$f" ] || return 1
		while read -r -a hdr && read -r -a val; do
			pre=${hdr[0]%:}
			for ((i = 1; i < ${#hdr[@]}; i++)); do
				echo "$pre${hdr[i]} ${val[i]}"
			done
		done < "$f"
	done
	[ -r "$1/snmp6" ] || return 0
	while read -r pre val; do
		echo "$pre $val"
	done < "$1/snmp6"
}

# _topo_setup_path I: queue the addresses, rules and routes of path I
_topo_setup_path()
{
	local i=$1 t=$((100 + $1)) a4 a6 sa4 sa6

	if _topo_routed "$i"; then
		_topo_add _TOPO_B_RTR "addr add 10.0.$i.254/24 dev rtr-c$i"
		_topo_add _TOPO_B_RTR "addr add 10.1.$i.254/24 dev rtr-s$i"
		_topo_add _TOPO_B_RTR "link set rtr-c$i up"
		_topo_add _TOPO_B_RTR "link set rtr-s$i up"
		_topo_add _TOPO_B_RTR "addr add fd00:$i::254/64 dev rtr-c$i nodad"
		_topo_add _TOPO_B_RTR "addr add fd01:$i::254/64 dev rtr-s$i nodad"
		_topo_add _TOPO_B_RTR "rule add pref $((1000 + i)) iif rtr-c$i table $t"
		_topo_add _TOPO_B_RTR6 "rule add pref $((1000 + i)) iif rtr-c$i table $t"
		_topo_add _TOPO_B_RTR "rule add pref $((1100 + i)) iif rtr-s$i table $((200 + i))"
		_topo_add _TOPO_B_RTR6 "rule add pref $((1100 + i)) iif rtr-s$i table $((200 + i))"
		_topo_routes_rtr "$i"
	fi

	# client side
	a4="10.0.$i.1"; a6="fd00:$i::1"
	_topo_add _TOPO_B_CLI "addr add $a4/24 dev cli-p$i"
	_topo_add _TOPO_B_CLI "link set cli-p$i up"
	_topo_add _TOPO_B_CLI "rule add pref $((1000 + i)) from $a4 table $t"
	_topo_add _TOPO_B_CLI "addr add $a6/64 dev cli-p$i nodad"
	_topo_add _TOPO_B_CLI6 "rule add pref $((1000 + i)) from $a6 table $t"
	_topo_routes_cli "$i"

	# server side
	if _topo_routed "$i"; then
		sa4="10.1.$i.2"; sa6="fd01:$i::2"
	else
		sa4="10.0.$i.2"; sa6="fd00:$i::2"
	fi
	_topo_add _TOPO_B_SRV "addr add $sa4/24 dev srv-p$i"
	_topo_add _TOPO_B_SRV "link set srv-p$i up"
	_topo_add _TOPO_B_SRV "rule add pref $((900 + i)) to 10.0.$i.0/24 table $t"
	_topo_add _TOPO_B_SRV "rule add pref $((1000 + i)) from $sa4 table $t"
	_topo_add _TOPO_B_SRV "addr add $sa6/64 dev srv-p$i nodad"
	_topo_add _TOPO_B_SRV6 "rule add pref $((900 + i)) to fd00:$i::/64 table $t"
	_topo_add _TOPO_B_SRV6 "rule add pref $((1000 + i)) from $sa6 table $t"
	_topo_routes_srv "$i"
}

# _topo_ns_pids NS...: PIDs of the processes in these network namespaces
# (what "ip netns pids" prints, without one ip process per namespace)
_topo_ns_pids()
{
	local ns d files="" f p pid out=""

	for ns in "$@"; do
		for d in /run/netns /var/run/netns; do
			if [ -e "$d/$ns" ]; then
				files="$files $d/$ns"
				break
			fi
		done
	done
	[ -n "$files" ] || return 0
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ] && continue
		for f in $files; do
			if [ "$p/ns/net" -ef "$f" ]; then
				out="$out $pid"
				break
			fi
		done
	done
	echo "$out"
}

# topo_cleanup: stop captures and background jobs, kill whatever still runs
# in the namespaces, delete them, verify they are gone, remove $TOPO_TMP.
# Idempotent; silent on success.
topo_cleanup()
{
	local rc=0 errexit=0 ns pids pid p list

	case $- in *e*) errexit=1; set +e ;; esac

	if [ -n "$TOPO_TMP" ] && [ -d "$TOPO_TMP" ]; then
		_topo_capture_stop_all 0
		_topo_bg_kill_all
	fi

	if [ -n "$_TOPO_NS_LIST" ]; then
		# shellcheck disable=SC2086
		pids=$(_topo_ns_pids $_TOPO_NS_LIST)
		# the anchors too, wherever they are
		for p in "${_TOPO_ANCHOR[@]}"; do
			case " $pids " in *" $p "*) ;; *) [ -d "/proc/$p" ] && pids+=" $p" ;; esac
		done
		_TOPO_ANCHOR=()
		if [ -n "$pids" ]; then
			# shellcheck disable=SC2086
			_topo_kill_wait $pids ||
				{ _topo_err "processes survived SIGKILL in the namespaces:$pids"; rc=1; }
		fi
		# shellcheck disable=SC2086
		printf 'netns del %s\n' $_TOPO_NS_LIST | ip -force -batch - > /dev/null 2>&1
	fi

	if [ -n "$_TOPO_NS_LIST" ]; then
		list=$(ip netns list 2>/dev/null)
		for ns in $_TOPO_NS_LIST; do
			while read -r p _; do
				if [ "$p" = "$ns" ]; then
					_topo_err "namespace $ns still present"
					rc=1
				fi
			done <<< "$list"
		done
	fi

	if [ -n "${_TOPO_SLEEP_FD:-}" ]; then
		exec {_TOPO_SLEEP_FD}>&-
		_TOPO_SLEEP_FD=
	fi
	if [ -n "$TOPO_TMP" ] && [ -d "$TOPO_TMP" ]; then
		rm -rf -- "$TOPO_TMP" || { _topo_err "cannot remove $TOPO_TMP"; rc=1; }
	fi
	if [ "$rc" = 0 ]; then
		TOPO_TMP='' TOPO_NS_CLI='' TOPO_NS_SRV='' TOPO_NS_RTR=''
		TOPO_NPATHS='' TOPO_ROUTED_PATHS='' TOPO_LAST_PID=''
		_TOPO_NS_LIST='' _TOPO_OWNER=''
	fi
	[ "$errexit" = 1 ] && set -e
	return "$rc"
}

# ---------------------------------------------------------------------------
# addresses and names

# topo_cli_addr I [4|6]: client address of path I (what the server targets)
topo_cli_addr()
{
	_topo_path "$1" topo_cli_addr || return 1
	_topo_family "${2:-}" || return 1
	"_topo_v${_TOPO_FAM}_cli" "$1"
}

# topo_srv_addr I [4|6]: server address of path I (what the client targets)
topo_srv_addr()
{
	_topo_path "$1" topo_srv_addr || return 1
	_topo_family "${2:-}" || return 1
	"_topo_v${_TOPO_FAM}_srv" "$1"
}

# topo_rtr_addr I cli|srv [4|6]: router address on path I, client/server side
topo_rtr_addr()
{
	_topo_path "$1" topo_rtr_addr || return 1
	_topo_routed "$1" || { _topo_err "path $1 is not routed"; return 1; }
	_topo_family "${3:-}" || return 1
	case $2 in
	c|cli|client) [ "$_TOPO_FAM" = 4 ] && echo "10.0.$1.254" || echo "fd00:$1::254" ;;
	s|srv|server) [ "$_TOPO_FAM" = 4 ] && echo "10.1.$1.254" || echo "fd01:$1::254" ;;
	*) _topo_err "topo_rtr_addr: side must be cli or srv"; return 1 ;;
	esac
}

topo_cli_if() { _topo_path "$1" topo_cli_if || return 1; echo "cli-p$1"; }
topo_srv_if() { _topo_path "$1" topo_srv_if || return 1; echo "srv-p$1"; }

# topo_rtr_if I cli|srv: router interface of path I facing client/server
topo_rtr_if()
{
	_topo_path "$1" topo_rtr_if || return 1
	_topo_routed "$1" || { _topo_err "path $1 is not routed"; return 1; }
	case $2 in
	c|cli|client) echo "rtr-c$1" ;;
	s|srv|server) echo "rtr-s$1" ;;
	*) _topo_err "topo_rtr_if: side must be cli or srv"; return 1 ;;
	esac
}

# topo_path_routed I: true if path I goes through the router
topo_path_routed()
{
	_topo_path "$1" topo_path_routed || return 1
	_topo_routed "$1"
}

# ---------------------------------------------------------------------------
# execution

# topo_exec NS CMD...: run CMD in namespace NS
topo_exec()
{
	[ $# -ge 2 ] || { _topo_err "usage: topo_exec NS CMD..."; return 1; }
	_topo_ns "$1" || return 1
	shift
	ip netns exec "$_TOPO_NSR" "$@"
}

topo_cli() { topo_exec "$TOPO_NS_CLI" "$@"; }
topo_srv() { topo_exec "$TOPO_NS_SRV" "$@"; }
topo_rtr() { topo_exec "$TOPO_NS_RTR" "$@"; }

# topo_wait_for [-t SECS | SECS] CMD...: run CMD every 0.1s until it
# succeeds; fail after SECS (default $TOPO_WAIT_TIMEOUT, 10).
topo_wait_for()
{
	local to=$TOPO_WAIT_TIMEOUT deadline

	if [ "${1:-}" = -t ]; then
		to=${2:-}
		shift 2 || { _topo_err "topo_wait_for: -t needs a value"; return 1; }
	elif [ $# -ge 2 ] && _topo_secs_us "$1"; then
		to=$1
		shift
	fi
	[ $# -ge 1 ] || { _topo_err "usage: topo_wait_for [-t SECS] CMD..."; return 1; }
	_topo_secs_us "$to" || { _topo_err "topo_wait_for: bad timeout '$to'"; return 1; }
	_topo_now_us
	deadline=$((_TOPO_NOW + _TOPO_US))
	while :; do
		"$@" && return 0
		_topo_now_us
		if [ "$_TOPO_NOW" -ge "$deadline" ]; then
			_topo_err "timeout (${to}s) waiting for: $*"
			return 1
		fi
		_topo_sleep 0.1
	done
}

# Background wrapper, with stdout/stderr already on OUTFILE.  It is started
# "double forked" (not a child of the caller's shell: bash would otherwise
# print "wait_for: No record of process" when such a child ends during an
# EXIT trap), so it records the command's PID and, when the command ends,
# its exit status: topo_wait_pid reads that, from any (sub)shell.
_topo_bg_wrapper()
{
	local ns=$1 child='' killed='' rc rc2 dir=$TOPO_TMP

	shift
	set +e
	trap 'killed=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM
	ip netns exec "$ns" "$@" < /dev/null &
	child=$!
	echo "$child" > "$dir/bg.$BASHPID.child"
	# TERM before "child" was set: the trap could not forward it
	[ -n "$killed" ] && kill -TERM "$child" 2>/dev/null
	wait "$child"
	rc=$?
	if [ -n "$killed" ]; then
		wait "$child" 2>/dev/null
		rc2=$?
		[ "$rc2" = 127 ] || rc=$rc2
	fi
	echo "$rc" > "$dir/bg.$BASHPID.rc.tmp" && mv "$dir/bg.$BASHPID.rc.tmp" "$dir/bg.$BASHPID.rc"
	exit "$rc"
}

# topo_bg NS OUTFILE CMD...: start CMD in NS in the background, stdout and
# stderr to OUTFILE; prints the PID (also in $TOPO_LAST_PID) to pass to
# topo_wait_pid.  topo_cleanup kills it if it still runs.
topo_bg()
{
	local ns out pid

	[ $# -ge 3 ] || { _topo_err "usage: topo_bg NS OUTFILE CMD..."; return 1; }
	_topo_need_topo topo_bg || return 1
	_topo_ns "$1" || return 1
	ns=$_TOPO_NSR
	out=$2
	shift 2
	: > "$out" || { _topo_err "topo_bg: cannot write $out"; return 1; }
	pid=$( (_topo_bg_wrapper "$ns" "$@" > "$out" 2>&1 < /dev/null & echo "$!") )
	[ -n "$pid" ] || { _topo_err "topo_bg: could not start $*"; return 1; }
	echo "$pid" >> "$TOPO_TMP/pids"
	TOPO_LAST_PID=$pid
	echo "$pid"
}

# topo_wait_pid PID [TIMEOUT]: wait for PID (default 60s), return its exit
# status; on timeout kill it and return 124.
topo_wait_pid()
{
	local pid=${1:-} to=${2:-60} deadline rc rcf="" child=""

	case $pid in
	''|*[!0-9]*) _topo_err "topo_wait_pid: bad pid '$pid'"; return 1 ;;
	esac
	_topo_secs_us "$to" || { _topo_err "topo_wait_pid: bad timeout '$to'"; return 1; }
	if [ -n "$TOPO_TMP" ]; then
		rcf="$TOPO_TMP/bg.$pid.rc"
		child="$TOPO_TMP/bg.$pid.child"
	fi
	_topo_now_us
	deadline=$((_TOPO_NOW + _TOPO_US))
	while :; do
		[ -n "$rcf" ] && [ -f "$rcf" ] && break
		_topo_alive "$pid" || break
		_topo_now_us
		if [ "$_TOPO_NOW" -ge "$deadline" ]; then
			if [ -n "$child" ] && [ -f "$child" ]; then
				_topo_kill_wait "$(cat "$child")" "$pid" || :
			else
				_topo_kill_wait "$pid" || :
			fi
			_topo_forget_pid "$pid"
			_topo_err "pid $pid timed out after ${to}s, killed"
			return 124
		fi
		_topo_sleep 0.05
	done
	if [ -n "$rcf" ] && [ -f "$rcf" ]; then
		rc=$(cat "$rcf")
		wait "$pid" 2>/dev/null || :
	else
		wait "$pid" 2>/dev/null && rc=0 || rc=$?
		if [ "$rc" = 127 ] && [ -n "$rcf" ]; then
			_topo_err "cannot get the exit status of pid $pid (not a child, not from topo_bg)"
		fi
	fi
	_topo_forget_pid "$pid"
	return "$rc"
}

_topo_forget_pid()
{
	local f="$TOPO_TMP/pids" p keep=""

	[ -n "$TOPO_TMP" ] && [ -f "$f" ] || return 0
	while read -r p; do
		[ "$p" = "$1" ] || keep="$keep$p"$'\n'
	done < "$f"
	printf '%s' "$keep" > "$f"
}

_topo_bg_kill_all()
{
	local f="$TOPO_TMP/pids" p c kill=""

	[ -f "$f" ] || return 0
	while read -r p; do
		[ -n "$p" ] || continue
		# finished wrappers leave an rc file: never signal a recycled pid
		if [ -f "$TOPO_TMP/bg.$p.rc" ]; then
			wait "$p" 2>/dev/null || :
			continue
		fi
		if [ -f "$TOPO_TMP/bg.$p.child" ]; then
			read -r c < "$TOPO_TMP/bg.$p.child" && kill="$kill $c"
		fi
		kill="$kill $p"
	done < "$f"
	if [ -n "$kill" ]; then
		# shellcheck disable=SC2086
		_topo_kill_wait $kill ||
			_topo_err "background processes survived SIGKILL:$kill"
	fi
	: > "$f"
}

# ---------------------------------------------------------------------------
# MPTCP configuration

# topo_mptcp_endpoints [--client-subflow] [--server-signal] [--ipv4|--ipv6]
#                      [--paths "2 3"] [--flags "backup"]
# Default: --client-subflow on paths 2..N: the client adds
#   ip mptcp endpoint add <cli addr I> dev cli-pI id I subflow
# --server-signal: the server adds "<srv addr I> dev srv-pI id I signal".
topo_mptcp_endpoints()
{
	local cli=0 srv=0 fam="" paths="" flags="" i a

	_topo_need_topo topo_mptcp_endpoints || return 1
	while [ $# -gt 0 ]; do
		case $1 in
		--client-subflow) cli=1 ;;
		--server-signal) srv=1 ;;
		--ipv4|-4) fam=4 ;;
		--ipv6|-6) fam=6 ;;
		--paths) paths=${2:-}; shift ;;
		--flags) flags=${2:-}; shift ;;
		*) _topo_err "topo_mptcp_endpoints: unknown argument '$1'"; return 1 ;;
		esac
		shift
	done
	[ "$cli" = 0 ] && [ "$srv" = 0 ] && cli=1
	[ -n "$paths" ] || paths=$(_topo_seq 2 "$TOPO_NPATHS")
	for i in $paths; do
		_topo_path "$i" topo_mptcp_endpoints || return 1
		if [ "$cli" = 1 ]; then
			a=$(topo_cli_addr "$i" "$fam") || return 1
			# shellcheck disable=SC2086
			_topo_ip "$TOPO_NS_CLI" mptcp endpoint add "$a" dev "cli-p$i" id "$i" subflow $flags || return 1
		fi
		if [ "$srv" = 1 ]; then
			a=$(topo_srv_addr "$i" "$fam") || return 1
			# shellcheck disable=SC2086
			_topo_ip "$TOPO_NS_SRV" mptcp endpoint add "$a" dev "srv-p$i" id "$i" signal $flags || return 1
		fi
	done
	return 0
}

# ---------------------------------------------------------------------------
# link conditions

# _topo_path_ifs I: "ns if ns if" pairs carrying the two directions of path I
_topo_path_ifs()
{
	if _topo_routed "$1"; then
		_TOPO_IFS="$TOPO_NS_RTR rtr-c$1 $TOPO_NS_RTR rtr-s$1"
	else
		_TOPO_IFS="$TOPO_NS_CLI cli-p$1 $TOPO_NS_SRV srv-p$1"
	fi
}

# topo_netem PATH NETEM-ARGS...: "tc qdisc replace dev IF root netem ARGS" on
# both directions of PATH (both router interfaces if routed, else both veth
# ends), e.g. topo_netem 1 delay 10ms loss 2% rate 100mbit
# Each direction gets the full ARGS: "delay 50ms" adds 100ms to the RTT.
topo_netem()
{
	local ns1 if1 ns2 if2

	_topo_path "${1:-}" topo_netem || return 1
	command -v tc >/dev/null || { _topo_err "tc not found"; return 1; }
	_topo_path_ifs "$1"
	shift
	read -r ns1 if1 ns2 if2 <<< "$_TOPO_IFS"
	tc -n "$ns1" qdisc replace dev "$if1" root netem "$@" ||
		{ _topo_err "tc -n $ns1 qdisc replace dev $if1 root netem $* failed"; return 1; }
	tc -n "$ns2" qdisc replace dev "$if2" root netem "$@" ||
		{ _topo_err "tc -n $ns2 qdisc replace dev $if2 root netem $* failed"; return 1; }
}

# topo_netem_clear PATH: remove the qdiscs set by topo_netem
topo_netem_clear()
{
	local ns1 if1 ns2 if2

	_topo_path "${1:-}" topo_netem_clear || return 1
	_topo_path_ifs "$1"
	read -r ns1 if1 ns2 if2 <<< "$_TOPO_IFS"
	# deleting the default qdisc fails: that is fine, nothing to clear
	tc -n "$ns1" qdisc del dev "$if1" root 2>/dev/null || :
	tc -n "$ns2" qdisc del dev "$if2" root 2>/dev/null || :
	return 0
}

# _topo_oper_up NS IF: operstate is "up"
_topo_oper_up()
{
	local st

	st=$(ip -n "$1" -o link show dev "$2" 2>/dev/null) || return 1
	case $st in
	*"state UP "*) return 0 ;;
	esac
	return 1
}

# topo_link_down PATH: set the client side veth of PATH down
topo_link_down()
{
	_topo_path "${1:-}" topo_link_down || return 1
	_topo_ip "$TOPO_NS_CLI" link set "cli-p$1" down
}

# topo_link_up PATH: set it up again, restore the routes the kernel flushed
# and wait until both ends of the veth report carrier.
topo_link_up()
{
	local pns pif

	_topo_path "${1:-}" topo_link_up || return 1
	_topo_batch_reset
	_topo_add _TOPO_B_CLI "link set cli-p$1 up"
	_topo_routes_cli "$1"
	_topo_batch_run || return 1
	if _topo_routed "$1"; then
		pns=$TOPO_NS_RTR pif="rtr-c$1"
	else
		pns=$TOPO_NS_SRV pif="srv-p$1"
	fi
	topo_wait_for 5 _topo_oper_up "$TOPO_NS_CLI" "cli-p$1" || return 1
	topo_wait_for 5 _topo_oper_up "$pns" "$pif" || return 1
}

# ---------------------------------------------------------------------------
# counters

# _topo_nstat_dump NS: all counters of NS, absolute ("nstat -a -z -s") with
# a private history file, so no nstat history anywhere is read or written.
_topo_nstat_dump()
{
	_topo_need_topo nstat || return 1
	_topo_ns "$1" || return 1
	if _topo_anchor "$_TOPO_NSR"; then
		_topo_nstat_proc "$_TOPO_NETDIR" && return 0
	fi
	NSTAT_HISTORY="$TOPO_TMP/nstat.$_TOPO_NSR.hist" \
		ip netns exec "$_TOPO_NSR" nstat -a -z -s ||
		{ _topo_err "nstat in $_TOPO_NSR failed"; return 1; }
}

# _topo_nstat_get COUNTER < dump: value, 0 if absent
_topo_nstat_get()
{
	local name val

	while read -r name val _; do
		if [ "$name" = "$1" ]; then
			echo "$val"
			return 0
		fi
	done
	echo 0
}

# topo_nstat_raw NS COUNTER: absolute kernel value (0 if absent)
topo_nstat_raw()
{
	local out

	[ $# -eq 2 ] || { _topo_err "usage: topo_nstat_raw NS COUNTER"; return 1; }
	out=$(_topo_nstat_dump "$1") || return 1
	_topo_nstat_get "$2" <<< "$out"
}

# topo_nstat_snapshot NS FILE: save all counters of NS in FILE
topo_nstat_snapshot()
{
	local out

	[ $# -eq 2 ] || { _topo_err "usage: topo_nstat_snapshot NS FILE"; return 1; }
	out=$(_topo_nstat_dump "$1") || return 1
	printf '%s\n' "$out" > "$2" || { _topo_err "cannot write $2"; return 1; }
}

# topo_nstat_delta NS FILE COUNTER: increase of COUNTER since the snapshot
# topo_nstat_delta NS COUNTER: same, since topo_nstat_reset NS
topo_nstat_delta()
{
	local out now old file

	if [ $# -eq 2 ]; then
		_topo_need_topo topo_nstat_delta || return 1
		_topo_ns "$1" || return 1
		file="$TOPO_TMP/nstat.$_TOPO_NSR.base"
		set -- "$1" "$file" "$2"
		[ -f "$file" ] || { topo_nstat_raw "$1" "$3"; return; }
	fi
	[ $# -eq 3 ] || { _topo_err "usage: topo_nstat_delta NS [FILE] COUNTER"; return 1; }
	[ -r "$2" ] || { _topo_err "no nstat snapshot $2"; return 1; }
	out=$(_topo_nstat_dump "$1") || return 1
	now=$(_topo_nstat_get "$3" <<< "$out")
	old=$(_topo_nstat_get "$3" < "$2")
	echo $((now - old))
}

# topo_nstat_reset NS: make topo_nstat/topo_assert_counter count from now
topo_nstat_reset()
{
	[ $# -eq 1 ] || { _topo_err "usage: topo_nstat_reset NS"; return 1; }
	_topo_need_topo topo_nstat_reset || return 1
	_topo_ns "$1" || return 1
	topo_nstat_snapshot "$_TOPO_NSR" "$TOPO_TMP/nstat.$_TOPO_NSR.base"
}

# topo_nstat NS COUNTER: value of COUNTER (0 if absent), counted from the
# last topo_nstat_reset NS, else the absolute value (fresh namespaces start
# at 0, so that is "since topo_setup").
topo_nstat()
{
	[ $# -eq 2 ] || { _topo_err "usage: topo_nstat NS COUNTER"; return 1; }
	topo_nstat_delta "$1" "$2"
}

# topo_assert_counter NS COUNTER OP VALUE [MSG]: compare topo_nstat NS COUNTER
# with VALUE (OP: -eq -ne -lt -le -gt -ge or == != < <= > >=); prints
# "# counter COUNTER = v (expected OP VALUE)[ - MSG]", returns 1 on mismatch.
topo_assert_counter()
{
	local c=${2:-} op=${3:-} val=${4:-} msg=${5:-} v top

	[ $# -ge 4 ] || { _topo_err "usage: topo_assert_counter NS COUNTER OP VALUE [MSG]"; return 1; }
	case $op in
	-eq|==|=) top=-eq ;;
	-ne|!=) top=-ne ;;
	-lt|'<') top=-lt ;;
	-le|'<=') top=-le ;;
	-gt|'>') top=-gt ;;
	-ge|'>=') top=-ge ;;
	*) _topo_err "topo_assert_counter: bad operator '$op'"; return 1 ;;
	esac
	case $val in
	''|-|*[!0-9-]*|?*-*) _topo_err "topo_assert_counter: bad value '$val'"; return 1 ;;
	esac
	v=$(topo_nstat "$1" "$c") || return 1
	echo "# counter $c = $v (expected $op $val)${msg:+ - $msg}"
	case $top in
	-eq) [ "$v" -eq "$val" ] ;;
	-ne) [ "$v" -ne "$val" ] ;;
	-lt) [ "$v" -lt "$val" ] ;;
	-le) [ "$v" -le "$val" ] ;;
	-gt) [ "$v" -gt "$val" ] ;;
	-ge) [ "$v" -ge "$val" ] ;;
	esac
}

# topo_if_bytes NS IF tx|rx: byte counter of IF in NS
topo_if_bytes()
{
	local dir

	[ $# -eq 3 ] || { _topo_err "usage: topo_if_bytes NS IF tx|rx"; return 1; }
	case $3 in
	tx|rx) dir=$3 ;;
	*) _topo_err "topo_if_bytes: direction must be tx or rx"; return 1 ;;
	esac
	_topo_ns "$1" || return 1
	# /proc/net/dev: "IF: rx_bytes (7 more rx fields) tx_bytes ..."
	if _topo_anchor "$_TOPO_NSR"; then
		local name f
		while read -r name f; do
			[ "$name" = "$2:" ] || continue
			read -r -a f <<< "$f"
			if [ "$dir" = rx ]; then echo "${f[0]}"; else echo "${f[8]}"; fi
			return 0
		done < "$_TOPO_NETDIR/dev"
	fi
	ip netns exec "$_TOPO_NSR" cat "/sys/class/net/$2/statistics/${dir}_bytes" ||
		{ _topo_err "cannot read ${dir}_bytes of $2 in $_TOPO_NSR"; return 1; }
}

# topo_sha256 FILE: print the SHA-256 of FILE
topo_sha256()
{
	local out

	[ -r "${1:-}" ] || { _topo_err "topo_sha256: cannot read '${1:-}'"; return 1; }
	out=$(sha256sum -- "$1") || { _topo_err "sha256sum $1 failed"; return 1; }
	echo "${out%% *}"
}

# ---------------------------------------------------------------------------
# packet capture

# topo_capture_start PATH FILE [cli|srv|rtr-cli|rtr-srv [FILTER...]]
# Start "tcpdump -U -w FILE" on one interface of PATH (default: the client
# side veth) and return once tcpdump is listening.  Prints the tcpdump PID.
topo_capture_start()
{
	local path=${1:-} file=${2:-} side=${3:-cli} ns dev log pid

	[ $# -ge 2 ] || { _topo_err "usage: topo_capture_start PATH FILE [SIDE [FILTER...]]"; return 1; }
	_topo_path "$path" topo_capture_start || return 1
	shift 2
	[ $# -gt 0 ] && shift
	command -v tcpdump >/dev/null || { _topo_err "tcpdump not found"; return 1; }
	case $side in
	cli|client) ns=$TOPO_NS_CLI dev="cli-p$path" ;;
	srv|server) ns=$TOPO_NS_SRV dev="srv-p$path" ;;
	rtr-cli|rtr-c|rtr)
		_topo_routed "$path" || { _topo_err "path $path is not routed"; return 1; }
		ns=$TOPO_NS_RTR dev="rtr-c$path" ;;
	rtr-srv|rtr-s)
		_topo_routed "$path" || { _topo_err "path $path is not routed"; return 1; }
		ns=$TOPO_NS_RTR dev="rtr-s$path" ;;
	*) _topo_err "topo_capture_start: bad side '$side'"; return 1 ;;
	esac
	log="$TOPO_TMP/tcpdump.$path.$side.$RANDOM.log"
	# -Z root: Debian's tcpdump would otherwise drop to user "tcpdump",
	# which may not be allowed to write FILE
	# -B: a large kernel buffer (KiB), or a loaded TCG guest drops
	# packets before tcpdump reads them (seen in CI: a third of a path)
	# double fork, see _topo_bg_wrapper
	pid=$( (ip netns exec "$ns" tcpdump -Z root -U --immediate-mode -n -i "$dev" \
		-B "${TOPO_CAPTURE_BUF_KB:-32768}" -w "$file" "$@" > "$log" 2>&1 < /dev/null &
		echo "$!") )
	[ -n "$pid" ] || { _topo_err "could not start tcpdump"; return 1; }
	echo "$pid" >> "$TOPO_TMP/pids"
	echo "$pid $file $log" >> "$TOPO_TMP/captures"
	# generous: starting tcpdump takes seconds in a TCG guest
	if ! topo_wait_for 30 _topo_capture_ready "$pid" "$log" ||
	   ! _topo_alive "$pid"; then
		_topo_err "tcpdump on $dev in $ns did not start: $(cat "$log")"
		_topo_capture_stop_all 0 "$pid" || :
		return 1
	fi
	echo "$pid"
}

_topo_capture_ready()
{
	# a dead tcpdump will never listen: stop polling
	_topo_alive "$1" || return 0
	grep -q "listening on" "$2" 2>/dev/null
}

_topo_file_size()
{
	local s

	s=$(stat -c %s -- "$1" 2>/dev/null) || s=0
	echo "$s"
}

# _topo_capture_stop_all SETTLE [PID]: stop captures (all, or PID)
_topo_capture_stop_all()
{
	local settle=$1 want=${2:-} f="$TOPO_TMP/captures" pid file log keep="" rc=0
	local s1 s2 n n2

	[ -f "$f" ] || return 0
	while read -r pid file log; do
		[ -n "$pid" ] || continue
		if [ -n "$want" ] && [ "$pid" != "$want" ]; then
			keep="$keep$pid $file $log"$'\n'
			continue
		fi
		if [ "$settle" = 1 ] && _topo_alive "$pid"; then
			# let tcpdump write what is already queued: wait until
			# the file stops growing (3 x 0.1s unchanged, max 3s)
			s1=$(_topo_file_size "$file")
			n=0
			for ((n2 = 0; n2 < 30; n2++)); do
				_topo_sleep 0.1
				s2=$(_topo_file_size "$file")
				if [ "$s2" = "$s1" ]; then
					n=$((n + 1))
					[ "$n" -ge 3 ] && break
				else
					n=0
					s1=$s2
				fi
			done
		fi
		_topo_kill_wait "$pid" || rc=1
		_topo_forget_pid "$pid"
	done < "$f"
	printf '%s' "$keep" > "$f"
	return "$rc"
}

# topo_capture_stop [PID]: stop all captures (or the one with PID), after
# letting tcpdump write out what it already captured.
topo_capture_stop()
{
	_topo_need_topo topo_capture_stop || return 1
	if [ -n "${1:-}" ] && ! grep -q "^$1 " "$TOPO_TMP/captures"; then
		_topo_err "topo_capture_stop: no capture with pid $1"
		return 1
	fi
	_topo_capture_stop_all 1 "${1:-}" ||
		{ _topo_err "tcpdump did not stop"; return 1; }
}
