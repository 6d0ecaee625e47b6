#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# net.mptcp.sec_enabled: exists, defaults to 0 (off), accepts exactly the
# documented policies 0, 1, 2, rejects anything else with EINVAL and keeps
# its value, and is per network namespace.
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/ktap.sh"

knob=/proc/sys/net/mptcp/sec_enabled
ns=sec-sysctl-$(mktemp -u XXXXXX)
cleanup() { ip netns del "$ns" 2>/dev/null; }
trap cleanup EXIT

ktap_begin 6

if [ -f "$knob" ] && [ "$(stat -c %a "$knob")" = 644 ]; then
	ktap_ok "sysctl_exists_rw"
else
	ktap_not_ok "sysctl_exists_rw" "$knob missing or not mode 644"
fi

ip netns add "$ns"
v=$(ip netns exec "$ns" sysctl -n net.mptcp.sec_enabled 2>&1)
if [ "$v" = 0 ]; then
	ktap_ok "default_off_in_new_netns"
else
	ktap_not_ok "default_off_in_new_netns" "got '$v'"
fi

bad=
for v in 0 1 2; do
	if ! ip netns exec "$ns" sysctl -q -w net.mptcp.sec_enabled=$v ||
	   [ "$(ip netns exec "$ns" sysctl -n net.mptcp.sec_enabled)" != "$v" ]; then
		bad+=" $v"
	fi
done
if [ -z "$bad" ]; then
	ktap_ok "accepts_0_1_2"
else
	ktap_not_ok "accepts_0_1_2" "rejected or not stored:$bad"
fi

# out of range and garbage: EINVAL, value unchanged (still 2)
bad=
for v in 3 -1 255 256 abc ""; do
	err=$(ip netns exec "$ns" bash -c 'printf "%s" "$1" > "$2"' _ "$v" "$knob" 2>&1)
	rc=$?
	now=$(ip netns exec "$ns" sysctl -n net.mptcp.sec_enabled)
	if [ "$rc" = 0 ] && [ -n "$v" ]; then
		bad+=" '$v'(accepted)"
	elif [ -n "$v" ] && ! grep -q "Invalid argument" <<< "$err"; then
		bad+=" '$v'(error: $err)"
	fi
	[ "$now" = 2 ] || bad+=" '$v'(value now $now)"
done
if [ -z "$bad" ]; then
	ktap_ok "rejects_out_of_range_with_einval"
else
	ktap_not_ok "rejects_out_of_range_with_einval" "$bad"
fi

# per namespace: the init namespace did not see the writes above
v=$(sysctl -n net.mptcp.sec_enabled)
if [ "$v" = 0 ]; then
	ktap_ok "per_netns_value"
else
	ktap_not_ok "per_netns_value" "init netns has $v after writes in $ns"
fi

# the namespace goes away cleanly with its table (no leak, no splat)
ip netns del "$ns"
if ! ip netns list | grep -q "$ns"; then
	ktap_ok "netns_teardown"
else
	ktap_not_ok "netns_teardown" "$ns still listed"
fi
ktap_end
