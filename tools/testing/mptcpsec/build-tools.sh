#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the userspace programs the VM tests run, against the headers of
# the patched test kernel:
#   build/bin/mptcpsec-xfer          our client/server
#   build/bin/libmptcpsec-preload.so MPTCPsec for unmodified programs
#   build/bin/mptcpsec-nfq           the attacker's NFQUEUE helper (attack/)
#   build/selftests/mptcp/           upstream MPTCP selftests (scripts + binaries)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
build=${BUILD:-$repo/build}
src=$build/src/linux-source-6.1
kout=$build/kernel-test
hdr=$kout/usr/include

say() { echo "build-tools: $*"; }

[ -d "$kout" ] || { echo "build-tools: build the test kernel first (make kernel-test)" >&2; exit 1; }
make -s -C "$src" O="$kout" headers >/dev/null

mkdir -p "$build/bin"
# the repo's include/uapi (linux/mptcp_sec.h) comes before the system headers
make -s -C "$here/xfer" O="$build/bin" UAPI="$repo/include/uapi" \
	KHDR_INCLUDES="-isystem $hdr"

make -s -C "$here/preload" O="$build/bin" UAPI="$repo/include/uapi" \
	KHDR_INCLUDES="-isystem $hdr"
make -s -C "$here/attack" O="$build/bin"

st=$build/selftests/mptcp
mkdir -p "$st"
make -s -C "$src/tools/testing/selftests/net/mptcp" OUTPUT="$st" \
	KHDR_INCLUDES="-isystem $hdr" CC="ccache gcc" > "$st/build.log" 2>&1 ||
	{ cat "$st/build.log" >&2; echo "build-tools: upstream selftests failed to build" >&2; exit 1; }
for f in "$src"/tools/testing/selftests/net/mptcp/*.sh \
	 "$src"/tools/testing/selftests/net/mptcp/settings; do
	cmp -s "$f" "$st/$(basename "$f")" || cp "$f" "$st/"
done
for b in mptcp_connect pm_nl_ctl mptcp_sockopt mptcp_inq; do
	[ -x "$st/$b" ] || { echo "build-tools: upstream selftest $b was not built" >&2; exit 1; }
done
say "tools ready: build/bin/mptcpsec-xfer, build/bin/mptcpsec-nfq, build/selftests/mptcp/"
