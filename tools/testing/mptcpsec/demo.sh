#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: the attack of Figure 9, told in plain words.  Boots the test
# kernel in QEMU, runs tests/attack_fig9.sh there (one modified byte
# against TLS over MPTCP, plain MPTCP and MPTCPsec), then draws
# build/demo/fig9.png and build/demo/fig9.csv on the host and explains the
# outcome.  Exit status 0 when every mode behaved as expected.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
build=${BUILD:-$repo/build}
run=$build/vm/demo
dst=$build/demo
rel() { echo "${1#"$repo"/}"; }
say() { echo "demo: $*"; }
kv() { sed -n "s/.*\<$1=\([^ ]*\).*/\1/p" "$2" 2>/dev/null | head -n1; }

mkdir -p "$dst"
start=$(date +%s)
say "What happens: a client uploads 1 MB to a server over ONE Multipath TCP"
say "connection that uses two paths at once (path 1 through a router, path 2"
say "direct).  The router is hostile: after 500 KB it changes ONE byte of one"
say "packet on path 1 (and fixes the TCP checksum so TCP cannot notice)."
say "The same upload runs three times: protected by TLS 1.3 over MPTCP, by"
say "nothing (plain MPTCP), and by MPTCPsec."
say ""
say "booting the MPTCPsec test kernel in QEMU (software emulation, no KVM):"
say "  this takes 3 to 10 minutes (debug kernel; longer on a busy machine);"
say "  progress follows"

log=$run/attack_fig9.log
rm -rf "$run"
# shellcheck disable=SC2086
"$here/vm/run-vm.sh" ${VM_OPTS:-} --out "$run" attack_fig9:900 > "$dst/vm.out" 2>&1 &
vm=$!
shown=0 booted=0
while kill -0 "$vm" 2>/dev/null; do
	sleep 2
	if [ "$booted" = 0 ] && grep -q '^mptcpsec-vm: booted' "$dst/vm.out" 2>/dev/null; then
		booted=1
		echo "demo:   [$(( $(date +%s) - start ))s] the VM is up ($(sed -n 's/^mptcpsec-vm: //p' "$dst/vm.out" | head -n1))"
	fi
	n=$(grep -c '^demo: \(running\|setting up\)' "$log" 2>/dev/null) || n=0
	while [ "$shown" -lt "$n" ]; do
		shown=$((shown + 1))
		echo "demo:   [$(( $(date +%s) - start ))s] $(grep '^demo: \(running\|setting up\)' "$log" | sed -n "${shown}p" | sed 's/^demo: //')"
	done
done
wait "$vm"
rc=$?
echo "demo:   [$(( $(date +%s) - start ))s] the VM has finished"

if [ ! -f "$run/fig9/sec.summary" ]; then
	say "the VM run did not produce results; its output:"
	tail -n 30 "$dst/vm.out"
	exit 1
fi
/usr/bin/python3 "$here/attack/fig9_plot.py" "$run/fig9" "$dst" > "$dst/plot.out" 2>&1 ||
	{ say "plotting failed:"; cat "$dst/plot.out"; rc=1; }

s=$run/fig9
say ""
say "What happened:"
if [ -n "$(kv skipped "$s/tls.summary")" ]; then
	say "  TLS/MPTCP: not run: this mptcpsec-xfer was built without --tls."
elif [ "$(kv aborted "$s/tls.summary")" = yes ]; then
	say "  TLS/MPTCP: the connection was ABORTED after $(( $(kv recv "$s/tls.summary") / 1024 )) KB:"
	say "    TLS found the changed record ($(kv error "$s/tls.summary")) and, as TLS must,"
	say "    gave up on the whole connection.  The rest of the upload never arrived."
else
	say "  TLS/MPTCP: unexpected outcome: $(cat "$s/tls.summary")"
fi
if [ "$(kv completed "$s/plain.summary")" = yes ] && [ "$(kv intact "$s/plain.summary")" = no ]; then
	say "  plain MPTCP: the upload 'completed', but the server got CORRUPTED data:"
	say "    the sha256 of what arrived differs from what was sent, and nothing in"
	say "    the network stack noticed.  (The attacker could also read everything.)"
else
	say "  plain MPTCP: unexpected outcome: $(cat "$s/plain.summary")"
fi
if [ "$(kv completed "$s/sec.summary")" = yes ] && [ "$(kv intact "$s/sec.summary")" = yes ]; then
	say "  MPTCPsec: the upload COMPLETED and every byte is intact (sha256 equal)."
	say "    The server rejected the forged record (MPTcpExtSecAuthFailData=$(kv SecAuthFailData "$s/sec.summary")),"
	say "    reset only the subflow on path 1 (MPTcpExtSecSubflowReset=$(kv SecSubflowReset "$s/sec.summary")); the"
	say "    connection carried on over path 2.  The application never noticed."
else
	say "  MPTCPsec: unexpected outcome: $(cat "$s/sec.summary")"
	rc=1
fi
say ""
if [ -f "$dst/fig9.png" ]; then
	say "The plot: $(rel "$dst/fig9.png") (bytes received against time, one line per"
	say "  mode; dotted lines: the moment the byte was changed; X: abort), data in"
	say "  $(rel "$dst/fig9.csv")."
fi
say "Details: $(rel "$log") (per-mode results), $(rel "$run/console.log") (guest)."
say "took $(( $(date +%s) - start )) s"
if [ "$rc" = 0 ]; then
	say "RESULT: OK - TLS aborted, plain MPTCP was corrupted, MPTCPsec survived intact."
else
	say "RESULT: FAILED - see $(rel "$dst/vm.out")"
fi
exit "$rc"
