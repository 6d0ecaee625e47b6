#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Regression: upstream's tools/testing/selftests/net/mptcp/mptcp_connect.sh
# (from the same linux-source package, built by build-tools.sh) on our
# patched kernel.  Its own output is kept as diagnostics; the result is its
# exit status (0 pass, 4 skip counts as failure here: all it needs is built).
here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/../../.." && pwd)
. "$here/lib/ktap.sh"
st=${BUILD:-$repo/build}/selftests/mptcp

ktap_begin 1
if [ ! -x "$st/mptcp_connect" ]; then
	ktap_not_ok "mptcp_connect_sh" "upstream selftests not built in $st"
	ktap_end
fi
cd "$st" || exit 1
out=$(bash ./mptcp_connect.sh 2>&1)
rc=$?
ktap_diag "$(grep -E '^(ns|New MPTCP|Created|Time|.*\[ *(OK|FAIL|SKIP)|.*FAIL)' <<< "$out" | tail -n 60)"
if [ "$rc" = 0 ]; then
	ktap_ok "mptcp_connect_sh"
else
	ktap_diag "$(tail -n 40 <<< "$out")"
	ktap_not_ok "mptcp_connect_sh" "mptcp_connect.sh exit status $rc"
fi
ktap_end
