#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cross-check of the two implementations of the MPTCPsec cryptography:
# the kernel's KUnit suite "mptcp-sec" prints every known-answer value it
# computes ("kat <suite> <name> <hex>"); the independent Python reference
# (mptcpsec_ref.py, written from the spec) must agree with each of them
# and with testdata/vectors.txt.  One KTAP result per vector.
here=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dmesg > "$log"
exec /usr/bin/python3 "$here/mptcpsec_ref.py" compare-kunit "$log" \
	"$here/testdata/vectors.txt"
