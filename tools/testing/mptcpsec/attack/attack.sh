#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# attack.sh - the in-path attacker of the MPTCPsec attack tests, on top of
# lib/topo.sh and lib/xfer.sh.  Source it after them.
#
#   client ---- path 1 ---- [router: nft queue -> mptcpsec-nfq] ---- server
#          \___________________ path 2 (direct) ___________________/
#
# The router forwards in the kernel.  One nftables rule hands the packets of
# one connection on path 1, client to server (iif rtr-c1, tcp dport PORT;
# with --syn-only its SYNs only), to NFQUEUE $ATTACK_QUEUE, where
# build/bin/mptcpsec-nfq changes, holds or records them; attack.py (scapy)
# forges segments from what mptcpsec-nfq holds.  "bypass": if the helper is
# not there, packets pass untouched (and the helper's log shows nothing
# fired).
#
#   attack_start NAME PORT [--syn-only] -- NFQ-ARGS...
#                          rule + helper (events in $TOPO_TMP/NAME.nfq)
#   attack_forge NAME MODE  attack.py MODE (inject|replay|rst) in the router,
#                          started before the transfer; it acts when the
#                          helper (started with --hold) holds a segment
#   attack_stop NAME       stop both, remove the rule
#   attack_fired NAME      how many times the helper's trigger fired
#   attack_event NAME EVENT KEY   a key=value of the helper's first EVENT line
#   attack_capture_start NAME PORT / attack_capture_stop: tcpdump on rtr-c1
#
# Modes of the transfer (the same mptcpsec-xfer for all three):
#   plain  MPTCP
#   tls    TLS 1.3 over MPTCP (mptcpsec-xfer --tls, OpenSSL, a certificate
#          made by attack_tls_init)
#   sec    MPTCPsec, policy "required" (--sec-policy 2), AES-128-GCM
#   attack_mode_ok MODE              the mode can run here (tls: --tls built)
#   attack_xfer NAME PORT MODE SIZE [CLIENT-ARGS... [-- SERVER-ARGS...]]
#                          upload SIZE from the client in 4096-byte writes;
#                          server timeline in $TOPO_TMP/NAME.timeline
#   attack_outcome NAME SIZE   "completed=yes|no intact=yes|no aborted=yes|no
#                          result=... error=... mismatch_at=... tls_cause=..."
#                          from both summary lines and the server's output
#   attack_mismatch_at NAME / attack_landed_in NAME   where the server saw
#                          the first changed byte; inside the fired segment?

ATTACK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ATTACK_NFQ=${BUILD:-$(cd "$ATTACK_DIR/../../../.." && pwd)/build}/bin/mptcpsec-nfq
ATTACK_QUEUE=${ATTACK_QUEUE:-7}
ATTACK_SEC_KEY=${ATTACK_SEC_KEY:-$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')}

attack_rule() {
	local port=$1 match=$2
	topo_rtr nft delete table inet mptcpsec_attack 2>/dev/null
	topo_rtr nft -f - <<-EOT
	table inet mptcpsec_attack {
		chain atk {
			type filter hook forward priority mangle; policy accept;
			iifname "rtr-c1" tcp dport $port $match queue num $ATTACK_QUEUE bypass
		}
	}
	EOT
}

_attack_ready() {
	grep -q '^nfq: ready' "$TOPO_TMP/$1.nfqout" 2>/dev/null ||
		[ -f "$TOPO_TMP/bg.$2.rc" ]
}

attack_start() {
	local name=$1 port=$2 match= pid
	shift 2
	if [ "${1:-}" = --syn-only ]; then
		match="tcp flags & (syn | ack) == syn"
		shift
	fi
	[ "${1:-}" = -- ] && shift
	rm -rf "$TOPO_TMP/$name.hold"
	mkdir -p "$TOPO_TMP/$name.hold"
	: > "$TOPO_TMP/$name.nfq"
	pid=$(topo_bg rtr "$TOPO_TMP/$name.nfqout" "$ATTACK_NFQ" -q "$ATTACK_QUEUE" \
		--events "$TOPO_TMP/$name.nfq" "$@") || return 1
	echo "$pid" > "$TOPO_TMP/$name.nfqpid"
	topo_wait_for 30 _attack_ready "$name" "$pid" &&
		grep -q '^nfq: ready' "$TOPO_TMP/$name.nfqout" ||
		{ echo "attack: helper did not start: $(cat "$TOPO_TMP/$name.nfqout")" >&2
		  attack_stop "$name"; return 1; }
	attack_rule "$port" "$match" || { attack_stop "$name"; return 1; }
}

_attack_forge_ready() {
	grep -q '^attack: .* ready' "$TOPO_TMP/$1.forge" 2>/dev/null ||
		[ -f "$TOPO_TMP/bg.$2.rc" ]
}

attack_forge() {
	local name=$1 mode=$2 pid
	pid=$(topo_bg rtr "$TOPO_TMP/$name.forge" /usr/bin/python3 \
		"$ATTACK_DIR/attack.py" "$mode" "$TOPO_TMP/$name.hold") || return 1
	echo "$pid" > "$TOPO_TMP/$name.forgepid"
	# importing scapy takes seconds in a TCG guest
	topo_wait_for 120 _attack_forge_ready "$name" "$pid"
}

attack_stop() {
	local name=$1 pid
	topo_rtr nft delete table inet mptcpsec_attack 2>/dev/null
	if [ -f "$TOPO_TMP/$name.forgepid" ]; then
		pid=$(cat "$TOPO_TMP/$name.forgepid")
		# it gives up by itself once the helper never held anything
		touch "$TOPO_TMP/$name.hold/release"
		kill -TERM "$pid" 2>/dev/null
		topo_wait_pid "$pid" 10 >/dev/null 2>&1
		rm -f "$TOPO_TMP/$name.forgepid"
	fi
	if [ -f "$TOPO_TMP/$name.nfqpid" ]; then
		pid=$(cat "$TOPO_TMP/$name.nfqpid")
		kill -TERM "$pid" 2>/dev/null
		topo_wait_pid "$pid" 10 >/dev/null 2>&1
		rm -f "$TOPO_TMP/$name.nfqpid"
	fi
	return 0
}

attack_fired() {
	grep -c '^nfq: fired' "$TOPO_TMP/$1.nfq" 2>/dev/null || :
}

# attack_event NAME EVENT KEY
attack_event() {
	sed -n "s/^nfq: $2 .*\<$3=\([^ ]*\).*/\1/p" "$TOPO_TMP/$1.nfq" 2>/dev/null | head -n1
}

attack_capture_start() {
	topo_capture_start 1 "$TOPO_TMP/$1.pcap" rtr-cli tcp port "$2"
}

attack_capture_stop() {
	topo_capture_stop "$@"
}

# ---------------------------------------------------------------- modes

attack_has_tls() {
	"$XFER_BIN" --help 2>&1 | grep -q -- '--tls'
}

attack_mode_ok() {
	case $1 in
	plain|sec) return 0 ;;
	tls) attack_has_tls ;;
	*) return 1 ;;
	esac
}

attack_mode_name() {
	case $1 in
	plain) echo "MPTCP" ;;
	tls) echo "TLS/MPTCP" ;;
	sec) echo "MPTCPsec" ;;
	*) echo "$1" ;;
	esac
}

# attack_tls_init: a self-signed EC certificate for the server (OpenSSL
# command line only to make the certificate; the transfer uses the library)
attack_tls_init() {
	[ -f "$TOPO_TMP/tls.crt" ] && return 0
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$TOPO_TMP/tls.key" -out "$TOPO_TMP/tls.crt" \
		-days 1 -subj "/CN=mptcpsec-server" \
		-addext "subjectAltName=IP:$(topo_srv_addr 1)" >/dev/null 2>&1
}

# attack_mode_args MODE cli|srv: the mode's options of mptcpsec-xfer
attack_mode_args() {
	case $1 in
	plain) ;;
	tls)
		if [ "$2" = srv ]; then
			echo "--tls --tls-cert $TOPO_TMP/tls.crt --tls-key $TOPO_TMP/tls.key"
		else
			echo "--tls --tls-ca $TOPO_TMP/tls.crt"
		fi ;;
	sec) echo "--sec-policy 2 --sec-suites 21 --sec-key $ATTACK_SEC_KEY" ;;
	esac
}

# attack_xfer NAME PORT MODE SIZE [CLIENT-ARGS... [-- SERVER-ARGS...]]
attack_xfer() {
	local name=$1 port=$2 mode=$3 size=$4 cargs=() sargs=() pid rc_c
	shift 4
	while [ $# -gt 0 ] && [ "$1" != -- ]; do cargs+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	sargs=("$@")
	[ "$mode" = tls ] && { attack_tls_init || return 1; }
	rm -f "$TOPO_TMP/$name.timeline"
	# shellcheck disable=SC2046
	pid=$(xfer_server "$name" "$port" -q -r "$size" -t 120 \
		--timeline "$TOPO_TMP/$name.timeline" \
		$(attack_mode_args "$mode" srv) "${sargs[@]}") || return 1
	# shellcheck disable=SC2046
	xfer_client "$name" "$port" -q -s "$size" -w 4096 -t 120 \
		$(attack_mode_args "$mode" cli) "${cargs[@]}"
	rc_c=$?
	if [ "$rc_c" = 0 ]; then
		topo_wait_pid "$pid" 120
	else
		topo_wait_pid "$pid" 15
	fi
	return 0
}

# _attack_norm RESULT: completed, corrupted or aborted
_attack_norm() {
	case $1 in
	ok|completed) echo completed ;;
	mismatch|corrupted) echo corrupted ;;
	'') echo none ;;
	*) echo aborted ;;
	esac
}

# attack_outcome NAME SIZE
attack_outcome() {
	local name=$1 size=$2 c="$TOPO_TMP/$1.cli" s="$TOPO_TMP/$1.srv"
	local rc rs recv tx rx err e f comp intact abort
	rc=$(_attack_norm "$(xfer_field result "$c")")
	rs=$(_attack_norm "$(xfer_field result "$s")")
	recv=$(xfer_field recv "$s")
	tx=$(xfer_field sent_sha256 "$c")
	[ -n "$tx" ] || tx=$(xfer_field sha256 "$c")
	rx=$(xfer_field recv_sha256 "$s")
	[ -n "$rx" ] || rx=$(xfer_field sha256 "$s")
	# the receiver's reason first (it detects a bad record), then the sender's
	err=
	for f in "$s" "$c"; do
		e=$(xfer_field error "$f")
		case $e in ''|none) ;; *) err=$e; break ;; esac
		e=$(xfer_field errno "$f")
		case $e in ''|0|none|-) ;; *) err=$e; break ;; esac
	done
	comp=no intact=no abort=no
	if [ "${recv:-0}" = "$size" ] && [ "$rs" != aborted ] && [ "$rs" != none ]; then
		comp=yes
	fi
	if [ "$comp" = yes ] && [ "$rs" = completed ] && [ -n "$tx" ] && [ "$tx" = "$rx" ]; then
		intact=yes
	fi
	# aborted: a summary line says so (a server that printed nothing did
	# not abort: it may never have run)
	if [ "$rc" = aborted ] || [ "$rs" = aborted ]; then
		abort=yes
	fi
	echo "completed=$comp intact=$intact aborted=$abort result_cli=$rc" \
		"result_srv=$rs recv=${recv:-0} error=${err:-none}" \
		"srv_summary=$([ "$rs" = none ] && echo no || echo yes)" \
		"mismatch_at=$(attack_mismatch_at "$name")" \
		"tls_cause=$(_attack_tls_cause "$err")" \
		"sec_state=$(xfer_field sec_state "$c")"
}

# _attack_tls_cause ERROR: bad_record_mac when TLS found a record whose
# tag failed; record_layer when it rejected a record's framing (a forged
# segment that overwrote a record header: wrong version, type or length);
# none otherwise
_attack_tls_cause() {
	case $1 in
	*bad_record_mac*) echo bad_record_mac ;;
	ssl:*wrong_version_number*|ssl:*bad_record_type*|ssl:*length_too_long*|ssl:*record_layer_failure*|ssl:*decryption_failed*)
		echo record_layer ;;
	*) echo none ;;
	esac
}

# attack_mismatch_at NAME: the stream offset of the first byte the server
# received changed (mptcpsec-xfer's "data mismatch at offset N"), or "-"
attack_mismatch_at() {
	local o
	o=$(sed -n 's/.*data mismatch at offset \([0-9]*\).*/\1/p' "$TOPO_TMP/$1.srv" 2>/dev/null | head -n1)
	echo "${o:--}"
}

# attack_landed_in NAME: "yes" when the server's first changed byte lies in
# the segment the helper fired on (dsn_off, len of its "fired" event)
attack_landed_in() {
	local at off len
	at=$(attack_mismatch_at "$1")
	off=$(attack_event "$1" fired dsn_off)
	len=$(attack_event "$1" fired len)
	if [ "$at" != - ] && [ -n "$off" ] && [ -n "$len" ] &&
	   [ "$at" -ge "$off" ] && [ "$at" -lt $((off + len)) ]; then
		echo yes
	else
		echo no
	fi
}

# okv KEY TEXT: the value of KEY=... in TEXT
attack_kv() {
	sed -n "s/.*\<$1=\([^ ]*\).*/\1/p" <<< "$2" | head -n1
}
