#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# All of upstream's mptcp_join.sh (make check-upstream-join; > 15 min).
MPTCPSEC_JOIN_ARGS='' exec bash "$(dirname "$0")/upstream_mptcp_join.sh"
