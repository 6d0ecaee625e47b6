#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel in QEMU and run MPTCPsec tests inside it.
#
#   run-vm.sh [options] TEST[:TIMEOUT]...
#     --kernel BZIMAGE   kernel to boot (default build/kernel-test/.../bzImage)
#     --out DIR          run directory (default build/vm/<date>); build/vm/latest
#                        points at the last one
#     --timeout SEC      hard limit for the whole VM run (default: sum of the
#                        test timeouts + 300)
#     --kvm              use KVM instead of TCG (hangs on nested hosts)
#     --mem SIZE, --smp N  guest memory (default 3G) and CPUs (default 2)
#     --shell            no tests: boot to an interactive shell (debugging)
#     --env NAME=VALUE   environment variable for the tests (kernel command
#                        line, so NAME without dots, VALUE without spaces)
#
# TEST is a script tools/testing/mptcpsec/tests/TEST.sh run inside the guest
# with TIMEOUT seconds (default 300), or "kunit": the KUnit suites built into
# the kernel, which run at boot.  The host root filesystem is shared
# read-only over virtio-9p; the run directory is shared read-write.
#
# Exit status: 0 when every test passed and the kernel log has no splat,
# 1 otherwise.  report.sh prints the KTAP results.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
build=$(realpath -m "${BUILD:-$repo/build}")
kernel=$build/kernel-test/arch/x86/boot/bzImage
out=
timeout=
accel="-accel tcg,thread=multi -cpu max"
mem=3G
smp=2
shell=0
envs=

die() { echo "run-vm: ERROR: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--kvm) accel="-accel kvm -cpu host"; shift ;;
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--shell) shell=1; shift ;;
	--env)
		[[ "${2:-}" =~ ^[A-Za-z_][A-Za-z0-9_]*=[^[:space:]]*$ ]] ||
			die "bad --env '${2:-}': expected NAME=VALUE"
		envs+=" $2"; shift 2 ;;
	-h|--help) sed -n '4,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ -f "$kernel" ] || die "no kernel at $kernel (run: make kernel)"
# paths go into the kernel command line and qemu's -fsdev options
for p in "$repo" "$build"; do
	case "$p" in
	*[[:space:],]*) die "the path '$p' has a space or a comma; move the repo" ;;
	esac
done
[ $# -gt 0 ] || [ "$shell" = 1 ] || die "no test given"

if [ -z "$out" ]; then
	out=$build/vm/$(date +%Y%m%d-%H%M%S)
fi
rm -rf "$out"
mkdir -p "$out"
ln -sfn "$(realpath "$out")" "$build/vm/latest" 2>/dev/null || true

total=0
: > "$out/plan"
for t in "$@"; do
	name=${t%%:*}
	tmo=300
	[ "$name" = "$t" ] || tmo=${t#*:}
	[[ "$tmo" =~ ^[0-9]+$ ]] || die "bad timeout in '$t'"
	if [ "$name" = kunit ]; then
		echo kunit > "$out/kunit-requested"
		continue
	fi
	[ -f "$repo/tools/testing/mptcpsec/tests/$name.sh" ] || die "no test script tests/$name.sh"
	echo "$name $tmo" >> "$out/plan"
	total=$((total + tmo))
done
[ -n "$timeout" ] || timeout=$((total + 300))

init=$here/guest-init.sh
cmdline="console=ttyS0,115200 root=/dev/root rootfstype=9p"
# cache=loose: the guest keeps what it read of the (read-only) host root in
# its page cache.  Without it every exec reads its binary and libraries
# again over 9p: /bin/true took 1.4 s in the debug kernel under TCG, 0.5 s
# with it, python3 17 s and 3 s.  Do not edit the tests a VM is running.
cmdline+=" rootflags=trans=virtio,version=9p2000.L,msize=1048576,cache=loose ro"
# no_timer_check: under TCG on a loaded host the boot-time IO-APIC timer
# check can time out and panic ("IO-APIC + timer doesn't work!")
cmdline+=" panic=-1 oops=panic printk.devkmsg=on no_timer_check"
cmdline+=" kmemleak=on net.ifnames=0 MPTCPSEC_BUILD=$build$envs"
if [ "$shell" = 1 ]; then
	cmdline+=" init=/bin/bash"
	serial="-serial mon:stdio"
else
	cmdline+=" init=$init"
	serial="-serial stdio -monitor none"
fi

echo "run-vm: booting $(basename "$kernel") from ${kernel#"$repo"/} (TCG unless --kvm), limit ${timeout}s, results in ${out#"$repo"/}"
set +e
# shellcheck disable=SC2086
timeout -k 10 "$timeout" qemu-system-x86_64 $accel -smp "$smp" -m "$mem" \
	-nodefaults -display none -no-reboot $serial \
	-kernel "$kernel" -append "$cmdline" \
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root \
	-fsdev local,id=out,path="$out",security_model=none,multidevs=remap \
	-device virtio-9p-pci,fsdev=out,mount_tag=mptcpsec_out \
	-device virtio-rng-pci \
	< /dev/null 2>&1 | tee "$out/console.log" |
	grep --line-buffered -E '^mptcpsec-vm: |Kernel panic|BUG:|WARNING:'
qrc=${PIPESTATUS[0]}
set -e
[ "$shell" = 1 ] && exit 0
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "run-vm: the VM exceeded its ${timeout}s limit and was killed" | tee -a "$out/vm-error"
elif [ ! -f "$out/guest-done" ]; then
	echo "run-vm: the VM stopped before finishing its tests (qemu exit $qrc, panic?)" | tee -a "$out/vm-error"
fi
exec "$here/report.sh" "$out"
