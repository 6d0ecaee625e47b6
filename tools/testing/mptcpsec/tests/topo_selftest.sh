#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The namespace topology library's own test, run on the guest kernel.
exec bash "$(dirname "$0")/../lib/selftest-topo.sh"
