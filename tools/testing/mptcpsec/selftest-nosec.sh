#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`, host side: the tree with the whole series compiles with
# CONFIG_MPTCP_SEC=n (net/mptcp/ against the stubs of net/mptcp/sec.h;
# build/kernel-nosec).  One KTAP result.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/ktap.sh"

ktap_begin 1
if out=$("$here/build-kernel.sh" nosec 2>&1); then
	ktap_diag "$(tail -n 1 <<< "$out")"
	ktap_ok "net_mptcp_compiles_with_mptcp_sec_n"
else
	ktap_not_ok "net_mptcp_compiles_with_mptcp_sec_n" "$(tail -n 30 <<< "$out")"
fi
ktap_end
