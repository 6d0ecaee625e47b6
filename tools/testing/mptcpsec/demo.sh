#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: boot the test kernel and show a two-path MPTCP transfer.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
build=${BUILD:-$repo/build}

echo "demo: booting the MPTCPsec test kernel in QEMU (software emulation, ~1 min)..."
# shellcheck disable=SC2086
"$here/vm/run-vm.sh" ${VM_OPTS:-} demo_two_path:600 > "$build/demo-vm.out" 2>&1
rc=$?
log=$build/vm/latest/demo_two_path.log
if [ -f "$log" ]; then
	sed -n 's/^demo: //p' "$log"
fi
if [ "$rc" != 0 ]; then
	echo "demo: the VM run failed; details:"
	tail -n 30 "$build/demo-vm.out"
	exit 1
fi
echo "demo: full guest log: ${build#"$repo"/}/vm/latest/console.log"
