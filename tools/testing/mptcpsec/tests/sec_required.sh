#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The REQUIRED policy end to end, one result per hole (one path).  The
# client side runs in lib/sec_required.py (one "driver" process for every
# client command and capture check, one server process with every real
# listener), fake peers and forged segments in lib/sec_fakepeer.py (scapy,
# one process per namespace, started once: each Python start costs seconds
# in a TCG guest, scapy's import more); tcpdump captures the server side of
# the path for the whole test but the flood.  Every attack proves it
# landed (a counter grew, the capture or the fake peer shows it) and every
# check has a positive control:
#
#  retry_*          one socket, policy 2, a 32-byte key, suites 23,21; the
#                   first connect() fails (refused: no listener; reset: a
#                   server with another key, EKEYREJECTED/ECONNRESET,
#                   connect(AF_UNSPEC) if connect() had returned; timeout:
#                   SYNs dropped, tcp_syn_retries=1; v1_peer: a policy-0
#                   server, EPROTONOSUPPORT; af_unspec: a secured
#                   connection, then connect(AF_UNSPEC)); policy and suites
#                   read back unchanged, the second connect() to a policy-1
#                   server with the same key is secured on both ends (suite
#                   0x23) and the pattern of either attempt is nowhere in
#                   the capture (control: a policy-0 transfer's pattern is)
#  tfo_ignored_policy2  TCP_FASTOPEN_CONNECT with policy 2 (client
#                   tcp_fastopen=5): normal handshake, no payload and no
#                   TFO option in the SYN, secured, pattern not captured;
#                   MSG_FASTOPEN EOPNOTSUPP (control: policy 0 puts the
#                   pattern in the SYN)
#  sysctl2_*        net.mptcp.sec_enabled=2 without a key: a listener
#                   refuses a plain client (ECONNREFUSED, SecNegRefused;
#                   control: a listener made under 0 accepts it); a client
#                   gets ENOKEY and sends no SYN (control: policy 0 set on
#                   the same kind of socket, its SYN is captured); the
#                   policy is the one at socket creation
#  long_offer_ignored_counted  20 SYNs with a 24-byte MP_SEC offer: clean
#                   v1 SYN/ACKs without MP_SEC, SecNegMalformed grew
#                   (control: valid offers get MP_SEC select)
#  keyless_v2_synack_refused  a plain client answered by a 4-byte
#                   MP_CAPABLE v2: connect() EPROTO, RST, no MP_CAPABLE ACK
#                   (control: a v1 SYN/ACK from the same fake connects)
#  forged_tcprst_0x0f_econnreset  a forged RST with MP_TCPRST 0x0f at the
#                   client's exact rcv_nxt: recv() ECONNRESET, not
#                   EKEYREJECTED; MPRstRx grew
#  unproven_keys_*  a fake server selects MPTCPsec but never proves the
#                   keys (no_dss) or sends a bare Data-ACK DSS (forged_dss,
#                   SecUnauthOptDrop grew): write() returns, the client
#                   stays pending, then fails (ETIMEDOUT) within 20 s and
#                   never sent payload
#  listener_flood   1200 valid offers in 10 s (>= 1000 needed) while the
#                   listener is closed and made again every 50 ms (>= 20
#                   closes needed); a secured transfer afterwards (the
#                   harness scans the kernel log for the rest)
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
. "$here/lib/topo.sh"
. "$here/lib/sec.sh"
PY=/usr/bin/python3
REQ=$here/lib/sec_required.py
declare -A DFD

ktap_begin 15

topo_setup --paths 1 || { ktap_diag "topology setup failed"; exit 1; }
srv=$(topo_srv_addr 1)
cli=$(topo_cli_addr 1)
pcap=$TOPO_TMP/all.pcap
K=$SEC_KEY

mark() { ktap_diag "[${SECONDS}s] $*"; }

# dstart NAME NS CMD...: a daemon reading "ID CMD..." lines from a FIFO
# (lib/sec_fakepeer.py, lib/sec_required.py driver), output in NAME.out
dstart() {
	local name=$1 ns=$2 fifo=$TOPO_TMP/$1.in fd
	shift 2
	mkfifo "$fifo" || return 1
	( topo_exec "$ns" "$@" < "$fifo" > "$TOPO_TMP/$name.out" 2>&1 & )
	exec {fd}> "$fifo"
	DFD[$name]=$fd
}

dsend() {
	local name=$1
	shift
	echo "$*" >&"${DFD[$name]}"
}

# dwait NAME ID SECS: wait for "DONE ID", return 0 when it says rc=0
dwait() {
	topo_wait_for "$3" has_line "$TOPO_TMP/$1.out" "DONE $2 " 2>/dev/null ||
		{ ktap_diag "$1: no answer to $2 in $3 s"; return 1; }
	has_line "$TOPO_TMP/$1.out" "DONE $2 rc=0"
}

# drun NAME ID SECS CMD...: dsend then dwait
drun() {
	dsend "$1" "$2" "${@:4}"
	dwait "$1" "$2" "$3"
}

# findl FILE PREFIX: LINE = the first line of FILE starting with PREFIX
# (no fork: every process costs in a TCG guest)
findl() {
	LINE=
	[ -f "$1" ] || return 1
	while IFS= read -r LINE; do
		[[ $LINE == "$2"* ]] && return 0
	done < "$1"
	LINE=
	return 1
}

# has_line FILE PREFIX: the same, for topo_wait_for
# shellcheck disable=SC2317 # called through topo_wait_for
has_line() { findl "$@"; }

# dline NAME ID: the DONE line of ID
dline() { findl "$TOPO_TMP/$1.out" "DONE $2 " || LINE="DONE $2 missing"; echo "$LINE"; }

# out PREFIX: the driver's first line starting with PREFIX
out() { findl "$TOPO_TMP/drv.out" "$1" || LINE="$1 missing"; echo "$LINE"; }

# res NAME: the driver's RESULT line of NAME; pyok NAME: it says ok
res() { out "RESULT $1 "; }
pyok() { findl "$TOPO_TMP/drv.out" "RESULT $1 ok"; }

# flow ID PORT...: per-port summary of the capture (sec_required.py
# flow) into FL[PORT.FIELD]
declare -A FL
flow() {
	local l kv port
	drun drv "$1" 60 flow "$pcap" "${@:2}" > /dev/null
	while IFS= read -r l; do
		[[ $l == "FLOW $1 port="* ]] || continue
		port=
		for kv in ${l#"FLOW $1 "}; do
			[ -n "$port" ] || port=${kv#port=}
			FL[$port.${kv%%=*}]=${kv#*=}
		done
	done < "$TOPO_TMP/drv.out"
}

# fv PORT FIELD: a field of the last flow; fvn: the same, -1 if not a number
fv() { echo "${FL[$1.$2]-}"; }
fvn() {
	local v=${FL[$1.$2]-}
	[[ $v =~ ^[0-9]+$ ]] && echo "$v" || echo -1
}

# verdict NAME STATUS DIAG
verdict() {
	if [ "$2" = 0 ]; then ktap_diag "$3"; ktap_ok "$1"; else ktap_not_ok "$1" "$3"; fi
}

# cnt NAME ID: the MPTcpExt counters of daemon NAME's namespace into
# CN[ID.COUNTER] (nstat without a process); cdelta ID1 ID2 COUNTER
declare -A CN
cnt() {
	local kv
	drun "$1" "$2" 30 counters > /dev/null
	findl "$TOPO_TMP/$1.out" "COUNTERS $2 " || return 1
	for kv in ${LINE#"COUNTERS $2 "}; do
		CN[$2.${kv%%=*}]=${kv#*=}
	done
}
cdelta() { echo $(( ${CN[$2.$3]:-0} - ${CN[$1.$3]:-0} )); }

# Processes, started once (each Python start costs seconds in a TCG
# guest, scapy's import up to minutes: it reads hundreds of files over
# 9p): the driver, which runs every client-side command and the capture
# checks; one server process with every real listener (10970 made under
# sec_enabled=2 without a key, the ones after it under 0), which takes
# commands as the driver does; tcpdump; then the fake peer, which loads
# during subtests 1, 2 and 7 (they need none).
# before the servers: 10970 is made under 2, its neighbours under 0
sec_sysctl cli 0
sec_sysctl srv 0
mark "namespaces up"
dstart drv cli "$PY" "$REQ" driver || ktap_diag "cannot start the driver"
specs=("10911/1/$K" "10912/1/$K" "10913/1/$K" "10914/1/$K" "10915/1/$K"
	"10916/1/$K" "10917/1/$K" "10920/1/$SEC_KEY2" 10921/0/- 10930/0/- 10931/0/-
	"10940/1/$K" "10941/1/$K" "10980/1/$K" 10970/-/-/2 10971/0/-/0 10972/0/-
	10973/0/-)
dstart serve srv "$PY" "$REQ" serve "${specs[@]}" || ktap_diag "cannot start the servers"
# the server side of the path, the whole test but the flood, started by
# hand (topo_capture_start gives tcpdump 30 s, not always enough in a
# loaded TCG guest); a small buffer: little traffic
topo_bg srv "$TOPO_TMP/tcpdump.log" tcpdump -Z root -U --immediate-mode -n \
	-i "$(topo_srv_if 1)" -B 4096 -w "$pcap" tcp > /dev/null
capid=$TOPO_LAST_PID
# the server side: SYNs to 10922 dropped (retry_timeout); no RST from the
# kernel for the fake servers' ports (no listener there)
topo_srv nft -f - <<-EOT || ktap_diag "cannot install the nftables rules"
table inet req {
	chain in {
		type filter hook input priority 0; policy accept;
		tcp dport 10922 drop
	}
	chain out {
		type filter hook output priority 0; policy accept;
		tcp sport 10950-10953 tcp flags & rst == rst drop
	}
}
EOT
topo_wait_for 180 has_line "$TOPO_TMP/tcpdump.log" "tcpdump: listening on" ||
	ktap_diag "tcpdump did not start: $(cat "$TOPO_TMP/tcpdump.log")"
mark "tcpdump listening"
topo_wait_for 120 has_line "$TOPO_TMP/serve.out" READY ||
	ktap_diag "the servers did not start: $(cat "$TOPO_TMP/serve.out")"
topo_wait_for 120 has_line "$TOPO_TMP/drv.out" READY ||
	ktap_diag "the driver did not start: $(cat "$TOPO_TMP/drv.out")"
dstart srv srv "$PY" "$here/lib/sec_fakepeer.py" "$(topo_srv_if 1)" \
	10950 10951 10952 10953 10980 || ktap_diag "cannot start the fake peer"
mark "set up"

# ---- 1: a retried connect() keeps policy, suites and key
drun drv r1 300 retry "$srv" "$K" \
	retry_refused:refused:10923:10911 retry_reset:reset:10920:10912 \
	retry_timeout:timeout:10922:10913 retry_v1_peer:v1:10921:10914 \
	retry_af_unspec:unspec:10915:10915 capture_control:plain:10930:10930
mark "subtest 1 connections done"
flow f1 10911 10912 10913 10914 10915 10920 10921 10922 10923 10930
ctl_hits=$(fvn 10930 hits)
ctl="capture control (policy 0 transfer on 10930): $(res capture_control), pattern hits $ctl_hits"
ctl_ok=1
pyok capture_control && [ "$ctl_hits" -gt 0 ] && ctl_ok=0
for c in retry_refused:10923:10911 retry_reset:10920:10912 \
	retry_timeout:10922:10913 retry_v1_peer:10921:10914 retry_af_unspec:10915:10915; do
	IFS=: read -r name p1 p2 <<< "$c"
	h1=$(fvn "$p1" hits) h2=$(fvn "$p2" hits)
	st=1
	pyok "$name" && [ "$h1" = 0 ] && [ "$h2" = 0 ] && [ "$ctl_ok" = 0 ] && st=0
	verdict "$name" "$st" "$(res "$name")
capture: first attempt (port $p1) pattern hits $h1, second (port $p2) pattern hits $h2 (want 0 both), client payload bytes to $p2: $(fv "$p2" c_payload)
$ctl"
done
mark "subtest 1 done"

# ---- 2: TCP Fast Open is ignored with policy 2
drun drv t2 120 tfo tfo_p2 "$srv" 10916 2 "$K"
drun drv t2c 120 tfo tfo_p0 "$srv" 10931 0 -
flow f2 10916 10931
st=1
pyok tfo_p2 && [ "$(fvn 10916 syns)" -ge 1 ] &&
	[ "$(fvn 10916 syn_payload)" = 0 ] && [ "$(fvn 10916 syn_tfo)" = 0 ] &&
	[ "$(fvn 10916 hits)" = 0 ] && [ "$(fvn 10931 syn_hits)" -gt 0 ] && st=0
verdict tfo_ignored_policy2 "$st" "$(res tfo_p2)
capture, policy 2 (port 10916): SYNs $(fv 10916 syns), SYN payload bytes $(fv 10916 syn_payload) (want 0), TFO options $(fv 10916 syn_tfo) (want 0), pattern hits $(fv 10916 hits) (want 0)
control, policy 0: $(res tfo_p0)
capture, policy 0 (port 10931): SYN payload bytes $(fv 10931 syn_payload), pattern hits in the SYN $(fv 10931 syn_hits) (TFO active when > 0)"
mark "subtest 2 done"

# ---- 7: net.mptcp.sec_enabled=2 without a key
cnt serve c7a
drun drv s7a 60 plainconnect s7a "$srv" 10970 ECONNREFUSED
drun drv s7ac 60 plainconnect s7a_ctl "$srv" 10971 ok
cnt serve c7b
d=$(cdelta c7a c7b SecNegRefused)
st=1
pyok s7a && pyok s7a_ctl && [ "$d" -gt 0 ] && st=0
verdict sysctl2_server_nokey_refused "$st" "$(grep -E '^(LISTEN|SRV) port=1097[01] ' "$TOPO_TMP/serve.out")
$(res s7a)
server MPTcpExtSecNegRefused +$d (want > 0)
control, listener made under sysctl 0: $(res s7a_ctl)"
drun drv s7b 60 sysctl2 "$srv" 10972 10973
flow f7 10972 10973
st=1
pyok sysctl2_client_nokey_enokey && [ "$(fvn 10972 syns)" = 0 ] &&
	[ "$(fvn 10973 syns)" -ge 1 ] && st=0
verdict sysctl2_client_nokey_enokey "$st" "$(res sysctl2_client_nokey_enokey)
capture: SYNs to 10972 (no key) $(fv 10972 syns) (want 0), control SYNs to 10973 (policy 0) $(fv 10973 syns) (want >= 1)"
st=1
pyok sysctl2_policy_at_creation && st=0
verdict sysctl2_policy_at_creation "$st" "$(res sysctl2_policy_at_creation)"
mark "subtest 7 done"

# ---- the fake peers
topo_wait_for 180 has_line "$TOPO_TMP/srv.out" READY ||
	ktap_diag "fake peer not ready: $(cat "$TOPO_TMP/srv.out")"
mark "fake peer ready"
drun srv f1 20 fake 10950 select
drun srv f2 20 fake 10951 select_dss
drun srv f3 20 fake 10952 v2nokeys
drun srv f4 20 fake 10953 v1
ktap_diag "$(dline srv f1; dline srv f2; dline srv f3; dline srv f4)"

# ---- 3: SECURED only once the peer proved the keys; both clients run in
# the driver (about 15 s each) while 4, 5 and 8 run
cnt drv c3a
dsend drv p3a pending unproven_keys_no_dss "$srv" 10950 "$K"
dsend drv p3b pending unproven_keys_forged_dss "$srv" 10951 "$K"

# ---- 4: a long MP_SEC offer is ignored and counted
cnt serve c4a
drun drv o1 120 offer "$cli" "$srv" 10940 20 long
drun drv o2 60 offer "$cli" "$srv" 10941 2 valid
flow f4 10940 10941
cnt serve c4b
d=$(cdelta c4a c4b SecNegMalformed)
n=$(fvn 10940 synacks)
st=1
[ "$n" -ge 20 ] && [ "$(fvn 10940 synack_clean)" = "$n" ] &&
	[ "$(fvn 10940 synack_mpc_v1)" = "$n" ] && [ "$(fvn 10940 synack_mp_sec)" = 0 ] &&
	[ "$d" -gt 0 ] && [ "$(fvn 10941 synack_mp_sec)" -ge 2 ] &&
	[ "$(fvn 10941 synack_mpc_v2)" -ge 2 ] && st=0
verdict long_offer_ignored_counted "$st" "$(out "OFFER port=10940 ")
$(out "OFFER port=10941 ")
SYN/ACKs to the long offers (port 10940): $(fv 10940 synacks) (want >= 20), clean $(fv 10940 synack_clean), MP_CAPABLE v1 $(fv 10940 synack_mpc_v1), with MP_SEC $(fv 10940 synack_mp_sec) (want 0); unparsable: $(fv 10940 synack_bad)
server MPTcpExtSecNegMalformed +$d (want > 0)
control, valid offers (port 10941): SYN/ACKs $(fv 10941 synacks), MP_CAPABLE v2 $(fv 10941 synack_mpc_v2), MP_SEC select $(fv 10941 synack_mp_sec) (want >= 2 each)"
mark "subtest 4 done"

# ---- 5: a keyless version 2 SYN/ACK is refused by a plain socket
drun drv c5 60 plainconnect keyless_v2 "$srv" 10952 EPROTO
drun drv c5c 60 plainconnect v1_control "$srv" 10953 ok
flow f5 10952 10953
st=1
pyok keyless_v2 && [ "$(fvn 10952 synack_mpc_v2)" -ge 1 ] &&
	[ "$(fvn 10952 c_rst)" -ge 1 ] && [ "$(fvn 10952 c_mpc_ack)" = 0 ] &&
	pyok v1_control && [ "$(fvn 10953 c_mpc_ack)" -ge 1 ] && st=0
verdict keyless_v2_synack_refused "$st" "$(res keyless_v2)
capture (port 10952): SYN/ACKs with a 4-byte MP_CAPABLE v2 $(fv 10952 synack_mpc_v2) (the attack landed when >= 1), client RSTs $(fv 10952 c_rst) (want >= 1), client ACKs with MP_CAPABLE $(fv 10952 c_mpc_ack) (want 0; lengths $(fv 10952 c_mpc_ack_lens))
control, v1 SYN/ACK: $(res v1_control); client ACKs with MP_CAPABLE $(fv 10953 c_mpc_ack) (lengths $(fv 10953 c_mpc_ack_lens))
$(grep -E '^EV [a-z_]+ port=1095[23] ' "$TOPO_TMP/srv.out" | head -n 6)"
mark "subtest 5 done"

# ---- 8: a forged MP_TCPRST 0x0f does not read as EKEYREJECTED
dsend drv i8 idle forged_tcprst "$srv" 10980 "$K"
fo="the client never went idle"
if topo_wait_for 60 has_line "$TOPO_TMP/drv.out" IDLE; then
	# let the secured connection go quiet: the forger takes the client's
	# rcv_nxt from its answer to a probe
	_topo_sleep 1
	cnt drv c8a
	drun srv r1 30 rst 10980
	fo=$(dline srv r1)
fi
dwait drv i8 60
cnt drv c8b
d=$(cdelta c8a c8b MPRstRx)
st=1
pyok forged_tcprst && [[ $fo == "DONE r1 rc=0"* ]] && [ "$d" -gt 0 ] && st=0
verdict forged_tcprst_0x0f_econnreset "$st" "$(out IDLE)
$(res forged_tcprst)
$fo
client MPTcpExtMPRstRx +$d (the forgery landed when > 0)"
mark "subtest 8 done"

# ---- 3, the results
dwait drv p3a 60
dwait drv p3b 60
flow f3 10950 10951
cnt drv c3b
d=$(cdelta c3a c3b SecUnauthOptDrop)
for v in 10950:unproven_keys_no_dss 10951:unproven_keys_forged_dss; do
	IFS=: read -r port name <<< "$v"
	st=1 more=
	if pyok "$name" && [ "$(fvn "$port" synacks)" -ge 1 ] &&
	   [ "$(fvn "$port" c_payload)" = 0 ]; then
		st=0
	fi
	if [ "$port" = 10951 ]; then
		# the forged DSS must have arrived
		[ "$d" -gt 0 ] && [ "$(fvn "$port" s_dss_pure)" -ge 1 ] || st=1
		more="client MPTcpExtSecUnauthOptDrop +$d, forged DSS ACKs in the capture $(fv "$port" s_dss_pure) (the forgery landed when both > 0)"
	fi
	verdict "$name" "$st" "$(res "$name")
capture (port $port): fake SYN/ACKs $(fv "$port" synacks), client payload bytes $(fv "$port" c_payload) in $(fv "$port" c_payload_segs) segments (want 0)${more:+
$more}
$(grep -E "^EV [a-z_]+ port=$port " "$TOPO_TMP/srv.out" | head -n 8)"
done
mark "subtest 3 done"

# ---- 6: listener closed and made again under a flood of offers
kill -TERM "$capid" 2>/dev/null
topo_wait_pid "$capid" 20 > /dev/null 2>&1
dsend serve rl relisten 10960 "$K" 120 "$TOPO_TMP/relisten.stop"
topo_wait_for 60 has_line "$TOPO_TMP/serve.out" "LISTENING port=10960"
drun drv fl1 240 flood "$cli" "$srv" 10960 1200 10
fo=$(out "FLOOD port=10960 ")
: > "$TOPO_TMP/relisten.stop"
dwait serve rl 60
sent=0 t0=0 t1=0
[[ $fo =~ \ sent=([0-9]+)\ .*\ start=([0-9.]+)\ end=([0-9.]+) ]] &&
	sent=${BASH_REMATCH[1]} t0=${BASH_REMATCH[2]} t1=${BASH_REMATCH[3]}
closes=$(awk -v a="$t0" -v b="$t1" '$1 == "CLOSE" && $2 >= a && $2 <= b { n++ } END { print n + 0 }' "$TOPO_TMP/serve.out")
drun drv al 120 retry "$srv" "$K" alive:direct:0:10917
st=1
[ "$sent" -ge 1000 ] && [ "$closes" -ge 20 ] && pyok alive && st=0
verdict listener_flood "$st" "$fo
listener closed $closes times during the flood (want >= 20), $(findl "$TOPO_TMP/serve.out" "RELISTEN port=10960 "; echo "$LINE")
afterwards: $(res alive)"
mark "subtest 6 done"

for n in srv drv serve; do
	fd=${DFD[$n]}
	{ echo "q quit" >&"$fd"; } 2>/dev/null
	exec {fd}>&-
done
topo_cleanup
ktap_end
