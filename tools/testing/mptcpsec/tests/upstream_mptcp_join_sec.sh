#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# All of upstream's mptcp_join.sh with every MPTCP socket MPTCPsec-required
# (make check-upstream-join): a report of its counts, not a test.
MPTCPSEC_JOIN_SEC=1 MPTCPSEC_JOIN_ARGS='' exec bash "$(dirname "$0")/upstream_mptcp_join.sh"
