#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The attack matrix: every attack of attack/ against plain MPTCP, TLS over
# MPTCP and MPTCPsec (policy required, AES-128-GCM), one upload of
# MATRIX_SIZE (default 1M, 4096-byte writes) per cell.
#
#   client ==== path 1 (router: the attacker) ==== server
#          ==== path 2 (direct)               ====
#
# For each cell: did the transfer complete, was the data intact, was the
# connection aborted, were subflows reset (MPTcpExtSecSubflowReset on
# either end, or more TcpEstabResets than in the mode's no-attack control
# row: MPTCPsec closes its subflows with resets), plus what the row
# measures itself (e.g. whether the pattern was visible in the capture).
#
# Every attacked cell first proves that the attack happened: its row
# prints evidence=yes only with its own proof (the helper fired, the forged
# segment was sent, the option was stripped, the capture holds the whole
# transfer, the forged RST reached the server), and EXPECT requires it.
# Where MPTCPsec must reset a subflow, SecSubflowReset and an
# authentication failure (SecAuthFail*, SecBadRecord) must both have been
# counted; where TLS must abort, TLS must have rejected the record
# (bad_record_mac; a forged segment over a record header: its framing); where
# plain MPTCP must be corrupted, the server's first changed byte must lie
# in the segment the attacker changed.  A cell without its evidence fails
# (racy rows are tried again first).  Results:
# $MPTCPSEC_OUT/attack/matrix.csv and matrix.md; KTAP: one result per
# cell, checking the expectations in EXPECT below.
#
# Adding a row: write row_NAME MODE CELL PORT (run the transfer under the
# attack, print extra key=value pairs), add "NAME|description" to ROWS and
# its expectations to EXPECT.
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
. "$here/lib/topo.sh"
. "$here/lib/xfer.sh"
. "$here/attack/attack.sh"
size=${MATRIX_SIZE:-1M}
after=${MATRIX_AFTER:-300K}
modes=${MATRIX_MODES:-plain tls sec}
out=${MPTCPSEC_OUT:-/tmp}/attack
port=11000
case $size in
*K) bytes=$((${size%K} * 1024)) ;;
*M) bytes=$((${size%M} * 1024 * 1024)) ;;
*) bytes=$size ;;
esac
pattern=$(tr -dc a-z < /dev/urandom | head -c 61)

# name|what the attacker on path 1 does
ROWS="none|no attack (control)
eavesdrop|passive capture of both paths; is the sent pattern visible?
modify|XOR one payload byte of one segment after $after of the connection
inject|forged segment (attacker bytes, live seq and DSS) ahead of the genuine one
replay|an earlier data segment's payload re-sent with the current seq and DSS
mpc_strip|MP_CAPABLE (and MP_SEC) removed from the SYN
rst|forged RST with the live seq on path 1"
[ -z "${MATRIX_ROWS_EXTRA:-}" ] || ROWS+=$'\n'$MATRIX_ROWS_EXTRA
[ -n "${MATRIX_ONLY:-}" ] && ROWS=$(grep -E "^(${MATRIX_ONLY// /|})\|" <<< "$ROWS")

# row mode key=value...: what the cell must show (checked in KTAP).
# MPTCPsec must never lose the connection nor deliver a changed byte; the
# baselines must keep showing their failure.
EXPECT="none plain completed=yes intact=yes
none tls completed=yes intact=yes
none sec completed=yes intact=yes sec_state=secured
eavesdrop plain evidence=yes plaintext=yes
eavesdrop tls evidence=yes plaintext=no completed=yes intact=yes
eavesdrop sec evidence=yes plaintext=no completed=yes intact=yes sec_state=secured
modify plain evidence=yes completed=yes intact=no corrupted_where_attacked=yes
modify tls evidence=yes aborted=yes intact=no tls_cause=bad_record_mac
modify sec evidence=yes completed=yes intact=yes sec_rejected=yes sec_state=secured
inject plain evidence=yes completed=yes intact=no corrupted_where_attacked=yes
inject tls evidence=yes aborted=yes intact=no tls_rejected_record=yes
inject sec evidence=yes completed=yes intact=yes sec_rejected=yes sec_state=secured
replay plain evidence=yes completed=yes intact=no corrupted_where_attacked=yes
replay tls evidence=yes aborted=yes intact=no tls_rejected_record=yes
replay sec evidence=yes completed=yes intact=yes sec_rejected=yes sec_state=secured
mpc_strip plain evidence=yes completed=yes intact=yes mptcp=no
mpc_strip tls evidence=yes completed=yes intact=yes mptcp=no
mpc_strip sec evidence=yes aborted=yes error=ECONNREFUSED recv=0 srv_neg_refused=yes plaintext_delivered=no
rst plain evidence=yes completed=yes intact=yes
rst tls evidence=yes completed=yes intact=yes
rst sec evidence=yes completed=yes intact=yes sec_state=secured
${MATRIX_EXPECT_EXTRA:-}"

# Rows whose forged segment races the genuine one: the router holds the
# genuine segment while attack.py builds the forgery (30-250 ms under TCG),
# and MPTCP may meanwhile deliver the same data-level range over path 2
# (the server then drops the forgery as old data: MPTcpExtDuplicateData or
# TcpExtDelayedACKLost).  The held range becomes the oldest unacknowledged
# data of the connection, and MPTCP resends it on another subflow when its
# retransmission timer fires, which follows the subflows' timers: the tail
# loss probe (2 RTT) and the RTO.  So during these rows the client has no
# tail loss probe (net.ipv4.tcp_early_retrans=0) and its routes carry
# rto_min MATRIX_RTO_MIN (2s); and such a cell is run again, up to
# MATRIX_TRIES (4) times, until its expectation shows the forgery landed.
# MPTCPsec must complete intact on every attempt.
RACY_ROWS="inject replay"

# client_slow_timers set|restore: no tail loss probe on the client, and
# rto_min on every unicast route of it (both families, all tables); or
# put the saved routes and the sysctl back
client_slow_timers() {
	local f=$TOPO_TMP/cli.routes r fam
	if [ "$1" = set ]; then
		topo_cli sysctl -n net.ipv4.tcp_early_retrans > "$TOPO_TMP/cli.er"
		topo_cli sysctl -q -w net.ipv4.tcp_early_retrans=0
		: > "$f"
		for fam in -4 -6; do
			topo_cli ip "$fam" route show table all |
				grep -Ev '^(local|broadcast|multicast|anycast) |table local' |
				sed "s/^/$fam /" >> "$f"
		done
		while read -r fam r; do
			# shellcheck disable=SC2086 # a route is a list of words
			topo_cli ip "$fam" route replace $r rto_min "${MATRIX_RTO_MIN:-2s}" ||
				echo "rto_min not set on: $r" >&2
		done < "$f"
	else
		topo_cli sysctl -q -w "net.ipv4.tcp_early_retrans=$(cat "$TOPO_TMP/cli.er")"
		while read -r fam r; do
			# shellcheck disable=SC2086
			topo_cli ip "$fam" route replace $r
		done < "$f"
	fi
}

# ------------------------------------------------------------------ rows

row_none() {
	attack_xfer "$2" "$3" "$1" "$bytes"
}

# evidence yes|no WHY: the row's proof that its attack was applied
evidence() {
	echo "evidence=$1"
	[ "$1" = yes ] || echo "no evidence of the attack: $2" >&2
}

# the capture (path 1 at the router, path 2 at the server) must hold at
# least the whole transfer and the scanner must have read it, else "no
# plaintext" proves nothing
row_eavesdrop() {
	local cap cap2 r c
	cap=$(attack_capture_start "$2" "$3") || return 1
	cap2=$(topo_capture_start 2 "$TOPO_TMP/$2.p2.pcap" srv tcp port "$3") ||
		{ attack_capture_stop "$cap"; return 1; }
	attack_xfer "$2" "$3" "$1" "$bytes" -k "$pattern" -- -k "$pattern"
	attack_capture_stop "$cap"
	topo_capture_stop "$cap2"
	r=$(/usr/bin/python3 "$here/lib/pcap_tcp.py" scan "$pattern" \
		"$TOPO_TMP/$2.pcap" "$TOPO_TMP/$2.p2.pcap")
	echo "$r" >&2
	c=$(attack_kv payload_bytes "$r")
	if [ "$(attack_kv hits "$r")" -gt 0 ] 2>/dev/null; then
		echo "plaintext=yes"
	else
		echo "plaintext=no"
	fi
	echo "capture=${c:-none}B"
	if [ -n "$(attack_kv hits "$r")" ] && [ "${c:-0}" -ge "$bytes" ] 2>/dev/null; then
		evidence yes
	else
		evidence no "capture of ${c:-no} payload bytes, scanner: ${r:-no output}"
	fi
}

# fired: the helper changed a byte; where it did (for the plain row)
row_modify() {
	local f
	attack_start "$2" "$3" -- --after-dsn "$after" --flip 100 || return 1
	attack_xfer "$2" "$3" "$1" "$bytes"
	attack_stop "$2"
	f=$(attack_fired "$2")
	echo "fired=$f"
	if [ "$f" = 1 ]; then evidence yes; else evidence no "fired=$f"; fi
	_row_where "$2"
}

# _row_where CELL: did the server's first changed byte fall in the segment
# the helper fired on
_row_where() {
	echo "mismatch_at=$(attack_mismatch_at "$1") fired_dsn_off=$(attack_event "$1" fired dsn_off)"
	echo "corrupted_where_attacked=$(attack_landed_in "$1")"
}

# _row_forge MODE CELL PORT FORGE [NFQ-ARGS]: hold a segment, forge one
_row_forge() {
	local m=$1 cell=$2 p=$3 what=$4
	shift 4
	attack_start "$cell" "$p" -- --after-dsn "$after" --hold "$TOPO_TMP/$cell.hold" "$@" || return 1
	attack_forge "$cell" "$what" || return 1
	attack_xfer "$cell" "$p" "$m" "$bytes"
	attack_stop "$cell"
	cat "$TOPO_TMP/$cell.forge" >&2
	FIRED=$(attack_fired "$cell")
	FORGED=$(grep -c '^attack: .* sent' "$TOPO_TMP/$cell.forge")
	echo "fired=$FIRED forged=$FORGED"
}

# the segment was held and the forgery sent
_row_forged() {
	if [ "$FIRED" = 1 ] && [ "$FORGED" = 1 ]; then
		evidence yes
	else
		evidence no "fired=$FIRED forged=$FORGED"
	fi
}

row_inject() {
	_row_forge "$1" "$2" "$3" inject
	_row_forged
	_row_where "$2"
}

row_replay() {
	_row_forge "$1" "$2" "$3" replay --record-at 50K
	_row_forged
	_row_where "$2"
}

# the forged RST must reach the server: a counter in the server's input
# for the forged RST (attack.py marks it: IP ID 0xa77c, TOS 0x28) on path 1
row_rst() {
	local n
	topo_srv nft -f - <<-EOT
	table inet mptcpsec_rst {
		chain in {
			type filter hook input priority -10; policy accept;
			iifname "$(topo_srv_if 1)" ip id 0xa77c ip dscp 0x0a tcp dport $3 tcp flags & rst == rst counter
		}
	}
	EOT
	_row_forge "$1" "$2" "$3" rst
	n=$(topo_srv nft list table inet mptcpsec_rst 2>/dev/null |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p' | head -n1)
	topo_srv nft delete table inet mptcpsec_rst 2>/dev/null
	echo "rst_arrived=${n:-0}"
	if [ "$FIRED" = 1 ] && [ "$FORGED" = 1 ] && [ "${n:-0}" -ge 1 ]; then
		evidence yes
	else
		evidence no "fired=$FIRED forged=$FORGED rst_arrived=${n:-0}"
	fi
}

row_mpc_strip() {
	local n
	attack_start "$2" "$3" --syn-only -- --strip 0,15 || return 1
	attack_xfer "$2" "$3" "$1" "$bytes"
	attack_stop "$2"
	n=$(sed -n 's/^nfq: summary .*stripped=\([0-9]*\).*/\1/p' "$TOPO_TMP/$2.nfq")
	echo "stripped=${n:-0}"
	if [ "${n:-0}" -ge 1 ]; then evidence yes; else evidence no "stripped=${n:-0}"; fi
}

# ------------------------------------------------------------------ cells

# nstat_d cli|srv CELL COUNTER: its increase between the two snapshots
nstat_d() {
	awk -v c="$3" 'FNR == NR { if ($1 == c) a = $2; next }
		$1 == c { b = $2 } END { print b - a }' \
		"$TOPO_TMP/$2.$1.nstat" "$TOPO_TMP/$2.$1.nstat2"
}

# cell ROW MODE: run one cell, its key=value pairs in CELL_LINE (not in a
# subshell: the control row sets the reset baseline of its mode)
cell() {
	local row=$1 m=$2 name="$1_$2" extra o r1 r2 s1 s2 a mpc v c
	port=$((port + 1))
	topo_nstat_snapshot srv "$TOPO_TMP/$name.srv.nstat"
	topo_nstat_snapshot cli "$TOPO_TMP/$name.cli.nstat"
	extra=$("row_$row" "$m" "$name" "$port" 2>"$TOPO_TMP/$name.diag" | tr '\n' ' ')
	o=$(attack_outcome "$name" "$bytes")
	# one dump per namespace after the transfer (nstat is slow under TCG)
	topo_nstat_snapshot srv "$TOPO_TMP/$name.srv.nstat2"
	topo_nstat_snapshot cli "$TOPO_TMP/$name.cli.nstat2"
	r1=$(nstat_d srv "$name" TcpEstabResets)
	r2=$(nstat_d cli "$name" TcpEstabResets)
	s1=$(nstat_d srv "$name" MPTcpExtSecSubflowReset)
	s2=$(nstat_d cli "$name" MPTcpExtSecSubflowReset)
	a=$(nstat_d srv "$name" MPTcpExtSecAuthFailData)
	mpc=$(nstat_d srv "$name" MPTcpExtMPCapableSYNRX)
	# an MPTCPsec reset proven: a subflow reset after a failed verification
	local af=0 ns rej=no nr
	for ns in srv cli; do
		for c in SecAuthFailData SecAuthFailOpt SecAuthFailCtrl SecBadRecord; do
			v=$(nstat_d "$ns" "$name" "MPTcpExt$c")
			af=$((af + ${v:-0}))
		done
	done
	[ $((s1 + s2)) -ge 1 ] && [ "$af" -ge 1 ] && rej=yes
	nr=$(nstat_d srv "$name" MPTcpExtSecNegRefused)
	local reset=no pd=no mp=yes diag=
	# for the diagnostics: what the server's stacks did with odd segments
	for c in TcpInCsumErrors TcpExtTCPOFOQueue TcpExtDelayedACKLost \
		MPTcpExtDuplicateData MPTcpExtDSSNotMatching MPTcpExtInfiniteMapRx \
		MPTcpExtMPRstRx MPTcpExtMPRstTx MPTcpExtSecAuthFailOpt \
		MPTcpExtSecAuthFailCtrl MPTcpExtSecBadRecord; do
		v=$(nstat_d srv "$name" "$c")
		[ "${v:-0}" = 0 ] || diag+="$c=$v "
	done
	echo "server counters: ${diag:-none of interest}" >> "$TOPO_TMP/$name.diag"
	# MPTCPsec ends its subflows with resets even without an attack: count
	# the TCP resets beyond those of the control row ("none") of the mode
	if [ "$row" = none ]; then
		eval "base_resets_$m=$((r1 + r2))"
	fi
	local base="base_resets_$m"
	[ $((r1 + r2)) -gt "${!base:-0}" ] && reset=yes
	[ $((s1 + s2)) -gt 0 ] && reset=yes
	[ "${mpc:-0}" -gt 0 ] || mp=no
	# data accepted by the application without MPTCPsec securing it
	if [ "$m" = sec ] && [ "$(attack_kv recv "$o")" != 0 ] &&
	   [ "$(attack_kv sec_state "$o")" != secured ]; then
		pd=yes
	fi
	CELL_LINE="row=$row mode=$m $o subflows_reset=$reset plaintext_delivered=$pd"
	CELL_LINE+=" mptcp=$mp estab_resets=$((r1 + r2)) sec_subflow_reset=$((s1 + s2))"
	CELL_LINE+=" sec_auth_fail_data=${a:-0} sec_auth_fail=$af sec_rejected=$rej"
	CELL_LINE+=" srv_neg_refused=$([ "${nr:-0}" -ge 1 ] && echo yes || echo no)"
	# TLS rejected a record: its tag (bad_record_mac) or, when the forged
	# segment overwrote a record header, its framing
	case $(attack_kv tls_cause "$o") in
	bad_record_mac|record_layer) CELL_LINE+=" tls_rejected_record=yes" ;;
	*) CELL_LINE+=" tls_rejected_record=no" ;;
	esac
	CELL_LINE+=" $extra"
}

# check ROW MODE LINE: the expectations of EXPECT for the cell
check() {
	local want k v got bad=
	want=$(awk -v r="$1" -v m="$2" '$1 == r && $2 == m { $1 = $2 = ""; print }' <<< "$EXPECT")
	for kv in $want; do
		k=${kv%%=*} v=${kv#*=}
		got=$(attack_kv "$k" "$3")
		[ "$got" = "$v" ] || bad+="$k=${got:-?} (expected $v) "
	done
	[ -z "$bad" ] || { echo "$bad"; return 1; }
}

md_yn() { case $1 in yes) echo "yes" ;; no) echo "no" ;; *) echo "${1:--}" ;; esac; }

nrows=$(grep -c . <<< "$ROWS")
nmodes=$(wc -w <<< "$modes")
ktap_begin $((nrows * nmodes))
mkdir -p "$out"
csv=$out/matrix.csv md=$out/matrix.md
echo "attack,mode,completed,intact,aborted,subflows_reset,error,notes" > "$csv"
{
	echo "| attack | mode | completed | data intact | aborted | subflows reset | notes |"
	echo "|---|---|---|---|---|---|---|"
} > "$md"

topo_setup --paths 2 --router-paths "1" || { ktap_diag "topology setup failed"; exit 1; }
topo_mptcp_endpoints --client-subflow
topo_netem 1 rate "${MATRIX_RATE:-50mbit}"
topo_netem 2 rate "${MATRIX_RATE:-50mbit}"
topo_exec cli sysctl -q -w net.mptcp.sec_enabled=0
topo_exec srv sysctl -q -w net.mptcp.sec_enabled=0

while IFS='|' read -r row desc; do
	[ -n "$row" ] || continue
	ktap_diag "attack $row: $desc"
	for m in $modes; do
		if ! attack_mode_ok "$m"; then
			ktap_skip "${row}_$m" "mptcpsec-xfer has no --tls"
			echo "$row,$m,,,,,,skipped: no --tls in mptcpsec-xfer" >> "$csv"
			continue
		fi
		t0=$SECONDS
		tries=1 try=0 retry_diag= racy=0
		case " $RACY_ROWS " in
		*" $row "*) racy=1 tries=${MATRIX_TRIES:-4}; client_slow_timers set ;;
		esac
		while :; do
			try=$((try + 1))
			cell "$row" "$m"
			line=$CELL_LINE
			# MPTCPsec must hold on every attempt, landed or not
			if [ "$m" = sec ] && [ "$row" != mpc_strip ] &&
			   { [ "$(attack_kv completed "$line")" != yes ] ||
			     [ "$(attack_kv intact "$line")" != yes ]; }; then
				break
			fi
			bad=$(check "$row" "$m" "$line") && break
			# other rows: once more only when the attack left no evidence
			if [ "$racy" = 0 ]; then
				[ "$try" = 1 ] && [ "$(attack_kv evidence "$line")" = no ] || break
			elif [ "$try" -ge "$tries" ]; then
				break
			fi
			retry_diag+="attempt $try: the attack did not land ($bad), again: $line"$'\n'
			retry_diag+="$(cat "$TOPO_TMP/${row}_$m.diag" 2>/dev/null)"$'\n'
		done
		[ "$racy" = 0 ] || client_slow_timers restore
		notes=
		case $row in
		eavesdrop) notes="plaintext visible: $(attack_kv plaintext "$line"), captured $(attack_kv capture "$line")" ;;
		mpc_strip) notes="stripped $(attack_kv stripped "$line"), MPTCP negotiated: $(attack_kv mptcp "$line")" ;;
		rst) notes="forged RST arrived $(attack_kv rst_arrived "$line")" ;;
		modify|inject|replay)
			notes="fired $(attack_kv fired "$line")"
			[ "$m" = plain ] && notes+=", first changed byte at $(attack_kv mismatch_at "$line") (segment at $(attack_kv fired_dsn_off "$line"))"
			[ "$m" = tls ] && notes+=", TLS cause $(attack_kv tls_cause "$line")" ;;
		esac
		[ "$m" = sec ] && notes+="${notes:+; }sec_state $(attack_kv sec_state "$line"), SecAuthFailData $(attack_kv sec_auth_fail_data "$line")"
		notes+="${notes:+; }TCP resets $(attack_kv estab_resets "$line")"
		[ "$m" = sec ] && notes+=", SecSubflowReset $(attack_kv sec_subflow_reset "$line")"
		[ "$try" = 1 ] || notes+="; attempt $try of $([ "$racy" = 1 ] && echo "$tries" || echo 2)"
		err=$(attack_kv error "$line")
		echo "$row,$m,$(attack_kv completed "$line"),$(attack_kv intact "$line"),$(attack_kv aborted "$line"),$(attack_kv subflows_reset "$line"),$err,\"$notes\"" >> "$csv"
		echo "| $row | $(attack_mode_name "$m") | $(md_yn "$(attack_kv completed "$line")") | $(md_yn "$(attack_kv intact "$line")") | $(md_yn "$(attack_kv aborted "$line")")${err:+ ($err)} | $(md_yn "$(attack_kv subflows_reset "$line")") | $notes |" |
			sed 's/ (none)//' >> "$md"
		diag="$retry_diag$line took=$((SECONDS - t0))s"$'\n'"$(cat "$TOPO_TMP/${row}_$m.diag" 2>/dev/null)"
		diag+=$'\n'"$(cat "$TOPO_TMP/${row}_$m.cli" "$TOPO_TMP/${row}_$m.srv" "$TOPO_TMP/${row}_$m.nfq" 2>/dev/null)"
		if bad=$(check "$row" "$m" "$line"); then
			ktap_diag "$diag"
			ktap_ok "${row}_$m"
		else
			ktap_not_ok "${row}_$m" "$bad"$'\n'"$diag"
		fi
	done
done <<< "$ROWS"
cat "$md"
topo_cleanup
ktap_end
