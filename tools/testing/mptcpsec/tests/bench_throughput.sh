#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Figure 8, a benchmark, not a test: bulk uploads in 4096-byte writes over
# two unlimited veth paths, all in this one VM run (perf kernel):
#
#   plain   plain MPTCP
#   tls     TLS 1.3 over MPTCP (mptcpsec-xfer --tls, AES-128-GCM, OpenSSL)
#   sec21   MPTCPsec AES-128-GCM
#   sec22   MPTCPsec AES-256-GCM
#   sec23   MPTCPsec ChaCha20-Poly1305
#
# BENCH_SIZE (default 32M) per transfer, BENCH_REPEATS (default 3) runs of
# each mode, interleaved (run 1 of every mode, then run 2, ...) so that a
# slower phase of the host hits every mode alike, after an untimed 1M
# warm-up transfer per mode (the first MPTCPsec connection of a suite
# instantiates and self-tests its AEAD).  Then the in-kernel AEAD
# speed of the synchronous transforms MPTCPsec uses, sealing 16384-byte
# records through AF_ALG (mptcpsec-aead-speed), BENCH_AEAD_SECONDS
# (default 2) per suite and run.
#
# Rows go to $MPTCPSEC_OUT/bench.csv:
#   kind,mode,size,run,mbit,detail
#   xfer,plain|tls|sec21|sec22|sec23,<bytes>,<run>,<Mbit/s>,<result>
#   aead,sec21|sec22|sec23,16384,<run>,<Mbit/s>,<driver>
# The host (bench.sh, bench_report.py) makes the table and the plot.
# Progress goes to the console ("mptcpsec-vm: bench: [3/15] ...").  A KTAP
# result per mode and for the AEAD is "ok" when every transfer of it
# completed intact (result=completed on both sides) and, for MPTCPsec,
# was secured with the suite asked for; speeds are printed, never checked.
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
. "$here/lib/topo.sh"
. "$here/lib/xfer.sh"
. "$here/lib/sec.sh"
size=${BENCH_SIZE:-${MPTCPSEC_BENCH_SIZE:-32M}}
repeats=${BENCH_REPEATS:-3}
aead_secs=${BENCH_AEAD_SECONDS:-2}
modes="plain tls sec21 sec22 sec23"
wsize=4096
rec=16384
out=${MPTCPSEC_OUT:-/tmp}
csv=$out/bench.csv
aead_bin=$(dirname "$XFER_BIN")/mptcpsec-aead-speed
port=11000

# what MPTCPsec allocates: crypto_alloc_aead(name, 0, CRYPTO_ALG_ASYNC),
# the synchronous drivers (README: "The kernel picked ...")
declare -A aead_driver=(
	[sec21]="gcm_base(ctr(aes-aesni),ghash-generic)"
	[sec22]="gcm_base(ctr(aes-aesni),ghash-generic)"
	[sec23]="rfc7539(chacha20-simd,poly1305-simd)"
)
declare -A aead_key=([sec21]=16 [sec22]=32 [sec23]=32)

progress() {
	echo "mptcpsec-vm: bench: $*" > /dev/console
	ktap_diag "bench: $*"
}

ktap_begin 6
nmodes=$(wc -w <<< "$modes")
total=$((nmodes * repeats + 4))
step=0
echo "kind,mode,size,run,mbit,detail" > "$csv"

topo_setup --paths 2 || { ktap_diag "topology setup failed"; exit 1; }
topo_mptcp_endpoints --client-subflow
sec_sysctl cli 1
sec_sysctl srv 1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-days 1 -subj /CN=mptcpsec-bench -keyout "$TOPO_TMP/srv.key" \
	-out "$TOPO_TMP/srv.crt" > "$TOPO_TMP/openssl.log" 2>&1 ||
	{ ktap_diag "openssl req failed: $(cat "$TOPO_TMP/openssl.log")"; exit 1; }
# bytes of BENCH_SIZE, and a timeout for a transfer at >= 5 Mbit/s
bytes=$(numfmt --from=iec "$size") || { ktap_diag "bad BENCH_SIZE $size"; exit 1; }
tmo=$((bytes * 8 / 5000000 + 60))
declare -A bad

# bench_xfer MODE SIZE NAME: one upload; sets rc, res_c, res_s, secs, mbit,
# xout and suite; ok=1 when it completed intact (and secured for sec*)
bench_xfer() {
	local mode=$1 size=$2 name=$3 c s f recv list
	port=$((port + 1))
	c=(-s "$size" -w "$wsize" -t "$tmo" --sec-policy 0)
	s=(-r "$size" -w "$wsize" -t "$tmo" --sec-policy 0)
	case $mode in
	tls)
		c+=(--tls --tls-ca "$TOPO_TMP/srv.crt")
		s+=(--tls --tls-cert "$TOPO_TMP/srv.crt" --tls-key "$TOPO_TMP/srv.key")
		;;
	sec*)
		suite=${mode#sec}
		list=$suite; [ "$suite" = 21 ] || list=$suite,21
		c=(-s "$size" -w "$wsize" -t "$tmo" --sec-key "$SEC_KEY"
		   --sec-suites "$list" --expect-sec secured)
		s=(-r "$size" -w "$wsize" -t "$tmo" --sec-key "$SEC_KEY"
		   --expect-sec secured)
		;;
	esac
	xout=$(xfer_run "$name" "$port" "${c[@]}" -- "${s[@]}" 2>&1)
	rc=$?
	f=$TOPO_TMP/$name.srv
	res_c=$(xfer_field result "$TOPO_TMP/$name.cli")
	res_s=$(xfer_field result "$f")
	secs=$(xfer_field seconds "$f")
	recv=$(xfer_field recv "$f")
	mbit=$(awk -v b="${recv:-0}" -v t="${secs:-0}" \
		'BEGIN { if (t > 0) printf "%.1f", b * 8 / t / 1e6; else print 0 }')
	ok=1
	[ "$rc" = 0 ] && [ "$res_c" = completed ] && [ "$res_s" = completed ] || ok=0
	if [ "${mode#sec}" != "$mode" ] && [ $ok = 1 ]; then
		sec_secured_pair "$name" "$suite" > /dev/null || ok=0
	fi
	rm -f "$TOPO_TMP/$name".*
}

step=$((step + 1))
progress "[$step/$total] warm-up: 1M of each mode, untimed ..."
for mode in $modes; do
	bench_xfer "$mode" 1M "w_$mode"
	[ $ok = 1 ] || bad[$mode]+="warm-up: exit $rc, client ${res_c:-?}, server ${res_s:-?}"$'\n'"$xout"$'\n'
done
for run in $(seq 1 "$repeats"); do
	for mode in $modes; do
		step=$((step + 1))
		progress "[$step/$total] $mode $size run $run ..."
		bench_xfer "$mode" "$size" "b_${mode}_$run"
		if [ $ok = 1 ]; then
			echo "xfer,$mode,$bytes,$run,$mbit,completed" >> "$csv"
			progress "[$step/$total] $mode $size run $run: $mbit Mbit/s in ${secs}s"
		else
			bad[$mode]+="run $run: exit $rc, client ${res_c:-?}, server ${res_s:-?}"$'\n'"$xout"$'\n'
			echo "xfer,$mode,$bytes,$run,0,failed" >> "$csv"
			progress "[$step/$total] $mode $size run $run: FAILED (client ${res_c:-?}, server ${res_s:-?})"
		fi
	done
done
for mode in $modes; do
	if [ -z "${bad[$mode]:-}" ]; then
		ktap_ok "bench_$mode"
	else
		ktap_not_ok "bench_$mode" "${bad[$mode]}"
	fi
done

# which drivers the MPTCPsec runs instantiated (refcnt > 0 or just listed)
ktap_diag "$(grep -A2 -E '^name +: (gcm\(aes\)|rfc7539\(chacha20,poly1305\))' /proc/crypto |
	grep -E '^(name|driver)' | paste - - | sort -u)"
aead_fail=
for mode in sec21 sec22 sec23; do
	step=$((step + 1))
	drv=${aead_driver[$mode]}
	progress "[$step/$total] AEAD $mode $drv, ${rec}-byte records, ${aead_secs}s x $repeats ..."
	line="" m=""
	for run in $(seq 1 "$repeats"); do
		if line=$("$aead_bin" -d "$drv" -k "${aead_key[$mode]}" -s "$rec" \
			-t "$aead_secs" 2>&1); then
			m=$(sed -n 's/.*mbit=\([^ ]*\).*/\1/p' <<< "$line")
			echo "aead,$mode,$rec,$run,$m,$drv" >> "$csv"
			ktap_diag "$mode run $run: $line"
		else
			aead_fail+="$mode: $line"$'\n'
			break
		fi
	done
	progress "[$step/$total] AEAD $mode: ${m:-?} Mbit/s (last run)"
done
if [ -z "$aead_fail" ]; then
	ktap_ok "bench_aead_af_alg"
else
	ktap_not_ok "bench_aead_af_alg" "$aead_fail"
fi
topo_cleanup
ktap_end
