#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Figure 9 of the MPTCPsec paper: one changed byte against TLS over MPTCP,
# plain MPTCP and MPTCPsec.
#
#   client ==== path 1 (router: the attacker) ==== server
#          ==== path 2 (direct)               ====
#
# Each mode uploads FIG9_SIZE (default 1M) in 4096-byte writes over two
# subflows (path 1 through the router, path 2 direct, both rate-limited by
# netem so the transfer lasts long enough to see).  On path 1 the attacker
# (attack/mptcpsec-nfq) XORs byte 100 of the first data segment at or
# beyond connection offset FIG9_AFTER (default 500K, from the DSS mapping)
# with 0xff, once, and fixes the TCP checksum.
#   TLS/MPTCP  aborted (bad record MAC)
#   MPTCP      completes, with corrupted data (sha256 mismatch)
#   MPTCPsec   completes intact; the server counts SecAuthFailData and
#              SecSubflowReset: one subflow reset, the rest via path 2
# Per mode the server's timeline (seconds,bytes received) and a summary
# go to $MPTCPSEC_OUT/fig9/ for attack/fig9_plot.py; lines starting with
# "demo: " are what `make demo` shows.
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
. "$here/lib/topo.sh"
. "$here/lib/xfer.sh"
. "$here/attack/attack.sh"
size=${FIG9_SIZE:-1M}
after=${FIG9_AFTER:-500K}
rate=${FIG9_RATE:-16mbit}
modes=${FIG9_MODES:-tls plain sec}
out=${MPTCPSEC_OUT:-/tmp}/fig9
port=10900

to_bytes() {
	case $1 in
	*K) echo $((${1%K} * 1024)) ;;
	*M) echo $((${1%M} * 1024 * 1024)) ;;
	*) echo "$1" ;;
	esac
}
bytes=$(to_bytes "$size")
say() { echo "demo: $*"; }

n=0
for m in $modes; do
	case $m in
	tls) n=$((n + 2)) ;;
	plain) n=$((n + 2)) ;;
	sec) n=$((n + 3)) ;;
	esac
done
ktap_begin "$n"
say "setting up: client, server and router namespaces, two paths"
mkdir -p "$out"
rm -f "$out"/*

topo_setup --paths 2 --router-paths "1" || { ktap_diag "topology setup failed"; exit 1; }
topo_mptcp_endpoints --client-subflow
topo_netem 1 rate "$rate" delay 5ms
topo_netem 2 rate "$rate" delay 5ms
topo_exec cli sysctl -q -w net.mptcp.sec_enabled=0
topo_exec srv sysctl -q -w net.mptcp.sec_enabled=0

# nstat_d cli|srv NAME COUNTER: its increase between the two snapshots
nstat_d() {
	awk -v c="$3" 'FNR == NR { if ($1 == c) a = $2; next }
		$1 == c { b = $2 } END { print b - a }' \
		"$TOPO_TMP/$2.$1.nstat" "$TOPO_TMP/$2.$1.nstat2"
}

# run_mode MODE: one transfer under attack; writes $out/MODE.{timeline,summary}
run_mode() {
	local m=$1 name=fig9_$1 o t_syn t_fire rel f p1 p2 c auth reset
	port=$((port + 1))
	topo_nstat_snapshot srv "$TOPO_TMP/$name.srv.nstat"
	topo_nstat_snapshot cli "$TOPO_TMP/$name.cli.nstat"
	attack_start "$name" "$port" -- --after-dsn "$after" --flip 100 || return 1
	attack_xfer "$name" "$port" "$m" "$bytes"
	attack_stop "$name"
	o=$(attack_outcome "$name" "$bytes")
	# time zero: the handshake's last ACK passing the attacker (the server
	# accepts the connection and starts its timeline right after it)
	t_syn=$(attack_event "$name" established t)
	[ -n "$t_syn" ] || t_syn=$(attack_event "$name" syn t)
	t_fire=$(attack_event "$name" fired t)
	rel=
	[ -n "$t_syn" ] && [ -n "$t_fire" ] &&
		rel=$(awk -v a="$t_fire" -v b="$t_syn" 'BEGIN { printf "%.3f", a - b }')
	# one dump per namespace after the run (nstat is slow under TCG)
	topo_nstat_snapshot srv "$TOPO_TMP/$name.srv.nstat2"
	topo_nstat_snapshot cli "$TOPO_TMP/$name.cli.nstat2"
	auth=$(nstat_d srv "$name" MPTcpExtSecAuthFailData)
	reset=$(( $(nstat_d srv "$name" MPTcpExtSecSubflowReset) +
		$(nstat_d cli "$name" MPTcpExtSecSubflowReset) ))
	p1=$(nstat_d srv "$name" TcpEstabResets)
	p2=$(nstat_d cli "$name" TcpEstabResets)
	c=$(grep -c . "$TOPO_TMP/$name.timeline" 2>/dev/null || echo 0)
	cp "$TOPO_TMP/$name.timeline" "$out/$m.timeline" 2>/dev/null || : > "$out/$m.timeline"
	{
		echo "mode=$m $o fired=$(attack_fired "$name") tamper_t=${rel:-?}" \
			"tamper_dsn_off=$(attack_event "$name" fired dsn_off)" \
			"tamper_byte=$(attack_event "$name" fired byte)" \
			"SecAuthFailData=$auth SecSubflowReset=$reset" \
			"TcpEstabResets=$((p1 + p2)) timeline_points=$c size=$bytes"
	} > "$out/$m.summary"
	cat "$out/$m.summary"
	cat "$TOPO_TMP/$name.nfq" "$TOPO_TMP/$name.cli" "$TOPO_TMP/$name.srv"
}

for m in $modes; do
	if ! attack_mode_ok "$m"; then
		ktap_skip "fig9_${m}_attack_fired_once" "mptcpsec-xfer has no --tls"
		ktap_skip "fig9_${m}_outcome" "mptcpsec-xfer has no --tls"
		echo "mode=$m skipped=no-tls-in-mptcpsec-xfer" > "$out/$m.summary"
		say "$(attack_mode_name "$m"): skipped, this mptcpsec-xfer has no --tls"
		continue
	fi
	say "running $(attack_mode_name "$m"): $size upload, one byte changed on path 1 after $after ..."
	log=$(run_mode "$m" 2>&1)
	s=$(cat "$out/$m.summary" 2>/dev/null)
	if [ "$(attack_kv fired "$s")" = 1 ]; then
		ktap_diag "$log"
		ktap_ok "fig9_${m}_attack_fired_once"
	else
		ktap_not_ok "fig9_${m}_attack_fired_once" "$log"
	fi
	comp=$(attack_kv completed "$s") intact=$(attack_kv intact "$s")
	abort=$(attack_kv aborted "$s")
	case $m in
	tls)
		say "  TLS/MPTCP: $(attack_kv recv "$s") of $bytes bytes received, aborted=$abort (error $(attack_kv error "$s"))"
		# aborted because of the changed byte: TLS's bad_record_mac
		if [ "$abort" = yes ] && [ "$comp" = no ] &&
		   [ "$(attack_kv tls_cause "$s")" = bad_record_mac ]; then
			ktap_ok "fig9_tls_aborted"
		else
			ktap_not_ok "fig9_tls_aborted" "$s"
		fi ;;
	plain)
		say "  MPTCP: completed=$comp, data intact=$intact"
		# corrupted exactly where the attacker changed the byte
		want=$(awk -v o="$(attack_kv tamper_dsn_off "$s")" -v b="$(attack_kv tamper_byte "$s")" \
			'BEGIN { if (o ~ /^[0-9]+$/ && b ~ /^[0-9]+$/) print o + b }')
		say "  MPTCP: first changed byte at offset $(attack_kv mismatch_at "$s"), the attacker's is ${want:-?}"
		if [ "$comp" = yes ] && [ "$intact" = no ] &&
		   [ "$(attack_kv mismatch_at "$s")" = "${want:-none}" ]; then
			ktap_ok "fig9_plain_completed_corrupted"
		else
			ktap_not_ok "fig9_plain_completed_corrupted" "$s"
		fi ;;
	sec)
		say "  MPTCPsec: completed=$comp, data intact=$intact, SecAuthFailData=$(attack_kv SecAuthFailData "$s"), SecSubflowReset=$(attack_kv SecSubflowReset "$s")"
		if [ "$comp" = yes ] && [ "$intact" = yes ] && [ "$(attack_kv sec_state "$s")" = secured ]; then
			ktap_ok "fig9_sec_completed_intact"
		else
			ktap_not_ok "fig9_sec_completed_intact" "$s"
		fi
		if [ "$(attack_kv SecAuthFailData "$s")" -ge 1 ] &&
		   [ "$(attack_kv SecSubflowReset "$s")" -ge 1 ]; then
			ktap_ok "fig9_sec_auth_failure_and_subflow_reset"
		else
			ktap_not_ok "fig9_sec_auth_failure_and_subflow_reset" "$s"
		fi ;;
	esac
done
topo_cleanup
ktap_end
