#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sec_transfer.sh with 64 MiB per direction (the perf kernel's size).
MPTCPSEC_TRANSFER_ALL=1 MPTCPSEC_SIZE=${MPTCPSEC_SIZE:-64M} exec bash "$(dirname "$0")/sec_transfer.sh"
