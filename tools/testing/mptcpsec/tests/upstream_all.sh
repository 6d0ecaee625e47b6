#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every upstream MPTCP selftest script of the linux-source package (built
# by build-tools.sh), one KTAP result each.  Long: mptcp_join.sh alone
# takes more than 15 minutes under TCG.  `make check-upstream-full`.
here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/../../.." && pwd)
. "$here/lib/ktap.sh"
st=${BUILD:-$repo/build}/selftests/mptcp
progs="mptcp_connect.sh mptcp_connect_mmap.sh mptcp_connect_sendfile.sh
	mptcp_connect_checksum.sh pm_netlink.sh mptcp_join.sh diag.sh
	simult_flows.sh mptcp_sockopt.sh userspace_pm.sh"

ktap_begin "$(wc -w <<< "$progs")"
cd "$st" || { ktap_diag "upstream selftests not built in $st"; exit 1; }
for p in $progs; do
	out=$(timeout -k 10 3600 bash "./$p" 2>&1)
	rc=$?
	ktap_diag "$(grep -cE '\[ *ok *\]|\[ *OK *\]' <<< "$out") ok lines, $(grep -ciE '\[ *fail' <<< "$out") fail lines"
	case $rc in
	0) ktap_ok "${p%.sh}" ;;
	4) ktap_skip "${p%.sh}" "the script skipped itself" ;;
	*) ktap_diag "$(grep -iE 'fail|error' <<< "$out" | tail -n 30)"
	   ktap_not_ok "${p%.sh}" "$p exit status $rc" ;;
	esac
done
ktap_end
