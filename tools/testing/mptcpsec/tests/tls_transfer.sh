#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The TLS-over-MPTCP baseline of mptcpsec-xfer (--tls: TLS 1.3 with
# OpenSSL, TLS_AES_128_GCM_SHA256), fast enough for the debug kernel:
#
#   client 10.0.1.1 ---- path 1 (20 Mbit/s) ---- 10.0.1.2 server
#          10.0.2.1 ---- path 2 (20 Mbit/s) ---- 10.0.2.2
#
#   1. 1 MB upload in 4096-byte writes over two subflows: result=completed
#      on both sides, TLSv1.3 with TLS_AES_128_GCM_SHA256, the server's
#      sha256= is the client's sent_sha256=;
#   2. both paths carried part of it (a second subflow joined);
#   3. a client whose --tls-ca is another certificate fails the handshake:
#      result=aborted error=ssl:certificate_verify_failed;
#   4. the server sees that client's alert: result=aborted error=ssl:...
#
# The certificates are throwaway self-signed ones made here (openssl CLI).
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
. "$here/lib/topo.sh"
. "$here/lib/xfer.sh"
size=${MPTCPSEC_SIZE:-1M}
port=10400

ktap_begin 4

# tls_cert NAME: self-signed P-256 certificate $TOPO_TMP/NAME.{crt,key}
tls_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		-nodes -days 1 -subj "/CN=mptcpsec-$1" \
		-keyout "$TOPO_TMP/$1.key" -out "$TOPO_TMP/$1.crt" 2>&1
}

# fields FILE KEY...: "KEY=value ..." of a summary line, for diagnostics
fields() {
	local f=$1 k out=
	shift
	for k in "$@"; do out+="$k=$(xfer_field "$k" "$f") "; done
	echo "${f##*/}: $out"
}

topo_setup --paths 2 || { ktap_diag "topology setup failed"; exit 1; }
topo_mptcp_endpoints --client-subflow
# rate-limited, or the scheduler keeps everything on the first subflow
topo_netem 1 rate 20mbit
topo_netem 2 rate 20mbit
if ! out=$(tls_cert server && tls_cert other); then
	ktap_diag "openssl req failed: $out"
	exit 1
fi
srv_tls=(--tls --tls-cert "$TOPO_TMP/server.crt" --tls-key "$TOPO_TMP/server.key")

# 1, 2: a good transfer
for i in 1 2; do
	topo_if_bytes "$TOPO_NS_CLI" "$(topo_cli_if $i)" tx > "$TOPO_TMP/tx.$i"
done
port=$((port + 1))
out=$(xfer_run good "$port" -s "$size" --tls --tls-ca "$TOPO_TMP/server.crt" \
	-- -r "$size" "${srv_tls[@]}" 2>&1)
rc=$?
c=$TOPO_TMP/good.cli s=$TOPO_TMP/good.srv
diag=$(fields "$c" result error transport sent_sha256
       fields "$s" result error transport sha256 recv)
if [ "$rc" = 0 ] &&
   [ "$(xfer_field result "$c")" = completed ] &&
   [ "$(xfer_field result "$s")" = completed ] &&
   [ "$(xfer_field transport "$s")" = tls ] &&
   [ "$(xfer_field sha256 "$s")" = "$(xfer_field sent_sha256 "$c")" ] &&
   grep -q "TLS handshake done: TLSv1.3 TLS_AES_128_GCM_SHA256" "$c" &&
   grep -q "TLS handshake done: TLSv1.3 TLS_AES_128_GCM_SHA256" "$s"; then
	ktap_diag "$diag"
	ktap_ok "tls_1M_completed_both_sides"
else
	ktap_not_ok "tls_1M_completed_both_sides" "xfer exit $rc"$'\n'"$diag"$'\n'"$out"
fi

min=$((64 * 1024)) ok=0 diag=
for i in 1 2; do
	read -r tx0 < "$TOPO_TMP/tx.$i"
	d=$(($(topo_if_bytes "$TOPO_NS_CLI" "$(topo_cli_if $i)" tx) - tx0))
	diag+="${diag:+$'\n'}path $i: $d bytes tx (need >= $min)"
	[ "$d" -ge "$min" ] || ok=1
done
if [ "$ok" = 0 ]; then
	ktap_diag "$diag"
	ktap_ok "tls_both_paths_carried"
else
	ktap_not_ok "tls_both_paths_carried" "$diag"
fi

# 3, 4: the client does not trust the server's certificate
port=$((port + 1))
out=$(xfer_run badca "$port" -s "$size" --tls --tls-ca "$TOPO_TMP/other.crt" \
	-- -r "$size" "${srv_tls[@]}" 2>&1)
rc=$?
c=$TOPO_TMP/badca.cli s=$TOPO_TMP/badca.srv
diag=$(fields "$c" result error recv; fields "$s" result error recv)
if [ "$rc" != 0 ] && [ "$(xfer_field result "$c")" = aborted ] &&
   [ "$(xfer_field error "$c")" = ssl:certificate_verify_failed ]; then
	ktap_diag "$diag"
	ktap_ok "tls_wrong_ca_client_aborted"
else
	ktap_not_ok "tls_wrong_ca_client_aborted" "xfer exit $rc"$'\n'"$diag"$'\n'"$out"
fi
serr=$(xfer_field error "$s")
if [ "$(xfer_field result "$s")" = aborted ] && [ "${serr#ssl:}" != "$serr" ] &&
   [ "$(xfer_field recv "$s")" = 0 ]; then
	ktap_ok "tls_wrong_ca_server_aborted"
else
	ktap_not_ok "tls_wrong_ca_server_aborted" "$diag"$'\n'"$out"
fi
topo_cleanup
ktap_end
