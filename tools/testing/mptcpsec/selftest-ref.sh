#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftest-ref.sh - host stage of `make check` for the MPTCPsec Python
# reference: its self test (RFC 5869, AEAD round trips, bit flips, key
# separation) and the recomputation of every known-answer vector of
# testdata/vectors.txt, as one KTAP document.  Exit 1 on any failure.
# Runs from any cwd.  Needs Debian's /usr/bin/python3 with python3-cryptography.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
py=/usr/bin/python3

if ! "$py" -c 'import cryptography' 2> /dev/null; then
	echo "KTAP version 1"
	echo "1..1"
	echo "not ok 1 - mptcpsec_ref"
	echo "# $py cannot import cryptography (apt-get install python3-cryptography)"
	exit 1
fi

exec "$py" "$here/mptcpsec_ref.py" selftest \
	--with-vectors "$here/testdata/vectors.txt"
