#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Errno matrix of MPTCP_SEC_KEY, MPTCP_SEC_POLICY, MPTCP_SEC_SUITES and
# MPTCP_SEC_INFO (lib/sec_sockopt.py, one result per group): bad key
# lengths EINVAL, key with policy off or read back EOPNOTSUPP, EBUSY while
# connecting (SYNs to a port dropped by nftables), EISCONN once connected,
# bad policy values and suite lists EINVAL, MPTCP_SEC_INFO of a plain
# MPTCP connection "off".  Each group has positive controls.
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"
names="key_length_einval key_policy_off_eopnotsupp ebusy_during_connect
	eisconn_after_connect policy_values suite_lists info_plain_socket_off"
ns=sec-sockopt-$(mktemp -u XXXXXX)
cleanup() { ip netns del "$ns" 2>/dev/null; }
trap cleanup EXIT

ktap_begin 7
ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" sysctl -q -w net.mptcp.enabled=1
ip netns exec "$ns" sysctl -q -w net.mptcp.sec_enabled=0 ||
	ktap_diag "cannot set net.mptcp.sec_enabled=0"
ip netns exec "$ns" nft add table inet sockopt &&
ip netns exec "$ns" nft add chain inet sockopt out \
	'{ type filter hook output priority 0; policy accept; }' &&
ip netns exec "$ns" nft add rule inet sockopt out tcp dport 9 drop ||
	ktap_diag "cannot install the nftables drop rule"
out=$(ip netns exec "$ns" /usr/bin/python3 "$here/lib/sec_sockopt.py" 9 2>&1)
for n in $names; do
	line=$(grep "^RESULT $n " <<< "$out")
	case $line in
	"RESULT $n ok "*) ktap_diag "${line#RESULT "$n" ok }"; ktap_ok "$n" ;;
	"RESULT $n fail "*) ktap_not_ok "$n" "${line#RESULT "$n" fail }" ;;
	*) ktap_not_ok "$n" "no result; script output:"$'\n'"$out" ;;
	esac
done
ktap_end
