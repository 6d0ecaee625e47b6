#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the patched kernel in one configuration, out of tree and with ccache:
#   build-kernel.sh test   -> build/kernel-test/arch/x86/boot/bzImage
#   build-kernel.sh perf   -> build/kernel-perf/arch/x86/boot/bzImage
# The configuration is allnoconfig + config/base.config + config/<flavour>.config;
# a requested option that does not survive olddefconfig is an error.
set -euo pipefail

flavour=${1:?usage: build-kernel.sh test|perf|nosec}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
build=${BUILD:-$repo/build}
src=$build/src/linux-source-6.1
out=$build/kernel-$flavour
jobs=${JOBS:-$(nproc)}
frags=("$here/config/base.config" "$here/config/$flavour.config")

say() { echo "build-kernel[$flavour]: $*"; }
die() { echo "build-kernel[$flavour]: ERROR: $*" >&2; exit 1; }

[ -f "${frags[1]}" ] || die "no such configuration: ${frags[1]}"
"$here/prepare-tree.sh"
mkdir -p "$out"

# reconfigure when a fragment, our Kconfig, a patch or the package changes
sig=$( (cat "${frags[@]}" "$repo"/patches/*
	dpkg-query -W -f='${Version}' linux-source-6.1) | sha256sum | cut -d' ' -f1)
if [ ! -f "$out/.config" ] || [ "$(cat "$out/.mptcpsec-config-sig" 2>/dev/null)" != "$sig" ]; then
	say "configuring (allnoconfig + ${frags[*]##*/})"
	log=$out/merge_config.log
	(cd "$src" && scripts/kconfig/merge_config.sh -n -O "$out" "${frags[@]}") > "$log" 2>&1 ||
		{ cat "$log" >&2; die "merge_config failed"; }
	missing=$(grep -A2 '^Value requested for' "$log" | grep -v '^--' || true)
	if [ -n "$missing" ]; then
		echo "$missing" >&2
		die "options above were requested but dropped: fix config/*.config"
	fi
	echo "$sig" > "$out/.mptcpsec-config-sig"
fi

start=$(date +%s)
if [ "$flavour" = nosec ]; then
	# CONFIG_MPTCP_SEC=n: compile MPTCP (and what it needs), no image
	say "compiling net/mptcp/ with CONFIG_MPTCP_SEC=n, $jobs jobs (ccache)"
	make -s -C "$src" O="$out" CC="ccache gcc" HOSTCC="ccache gcc" -j"$jobs" \
		net/mptcp/
	grep -q '^# CONFIG_MPTCP_SEC is not set' "$out/.config" ||
		die "CONFIG_MPTCP_SEC is not off in $out/.config"
	! ls "$out"/net/mptcp/sec*.o >/dev/null 2>&1 ||
		die "MPTCPsec objects were built with CONFIG_MPTCP_SEC=n"
	say "net/mptcp/ compiled in $(( $(date +%s) - start )) s with CONFIG_MPTCP_SEC=n"
	exit 0
fi
say "building bzImage with $jobs jobs (ccache)"
make -s -C "$src" O="$out" CC="ccache gcc" HOSTCC="ccache gcc" -j"$jobs" bzImage
say "bzImage ready in $(( $(date +%s) - start )) s: $out/arch/x86/boot/bzImage"
