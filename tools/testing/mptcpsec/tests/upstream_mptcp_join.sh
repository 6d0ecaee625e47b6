#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Upstream's tools/testing/selftests/net/mptcp/mptcp_join.sh on our kernel.
#
#   MPTCPSEC_JOIN_ARGS   its group flags (default "-f -s -r -b": subflows,
#                        signal, remove and backup tests; "" runs them all,
#                        which takes more than 15 minutes under TCG)
#   MPTCPSEC_JOIN_SEC=1  every MPTCP socket of the run is MPTCPsec-required
#                        with one random key (libmptcpsec-preload.so); this
#                        is a report, not a test: the script was written for
#                        plain MPTCP, its counts are given as a diagnostic
#                        and the result is SKIP
# The result is mptcp_join.sh's exit status, with its subtest counts.
here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/../../.." && pwd)
. "$here/lib/ktap.sh"
build=${BUILD:-$repo/build}
st=$build/selftests/mptcp
args=${MPTCPSEC_JOIN_ARGS--f -s -r -b}
name=mptcp_join_sh
[ "${MPTCPSEC_JOIN_SEC:-0}" = 1 ] && name=mptcp_join_sh_sec

ktap_begin 1
if [ ! -x "$st/mptcp_connect" ]; then
	ktap_not_ok "$name" "upstream selftests not built in $st"
	ktap_end
fi
if [ "${MPTCPSEC_JOIN_SEC:-0}" = 1 ]; then
	export MPTCPSEC_KEY
	MPTCPSEC_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
	export LD_PRELOAD=$build/bin/libmptcpsec-preload.so
fi
cd "$st" || exit 1
# shellcheck disable=SC2086
out=$(bash ./mptcp_join.sh $args 2>&1)
rc=$?
unset LD_PRELOAD
okc=$(grep -o '\[ ok \]' <<< "$out" | wc -l)
failc=$(grep -o '\[fail\]' <<< "$out" | wc -l)
skipc=$(grep -o '\[skip\]' <<< "$out" | wc -l)
tests=$(grep -cE '^ *[0-9]+ ' <<< "$out")
failed=$(sed -n 's/^ *\([0-9]*\) failure(s) has(ve) been detected.*/\1/p' <<< "$out" | tail -n1)
# the whole output next to the test log; here the tests with a failed check
[ -n "${MPTCPSEC_OUT:-}" ] && echo "$out" > "$MPTCPSEC_OUT/$name.out"
ktap_diag "$(awk '/^ *[0-9]+ / { t = $0 } /\[fail\]/ && t != "" { print t; t = "" }' <<< "$out" | cut -c1-45)"
summary="$tests tests (${failed:-0} failed), checks: $okc ok, $failc fail, $skipc skip; exit $rc"
ktap_diag "mptcp_join.sh $args: $summary"
if [ "$name" = mptcp_join_sh_sec ]; then
	ktap_skip "$name" "report only: $summary"
elif [ "$rc" = 0 ]; then
	ktap_ok "$name"
else
	ktap_diag "$(tail -n 40 <<< "$out")"
	ktap_not_ok "$name" "$summary"
fi
ktap_end
