#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# KTAP v1 output for MPTCPsec test scripts (Documentation/dev-tools/ktap.rst).
#
#   . lib/ktap.sh
#   ktap_begin 3
#   ktap_result "name" CMD...      # runs CMD, ok when it returns 0
#   ktap_ok name / ktap_not_ok name "why" / ktap_skip name "why"
#   ktap_diag "text"               # "# text"
#   ktap_end                       # exits 0 when all passed, 1 otherwise
#   ktap_count FILE                # prints "<passed> <failed> <skipped>"
#
# Counting mistakes (more or fewer results than planned) fail the script.

KTAP_PLANNED=0
KTAP_N=0
KTAP_FAILED=0

ktap_begin() {
	KTAP_PLANNED=$1
	echo "KTAP version 1"
	echo "1..$1"
}

ktap_diag() {
	local line
	while IFS= read -r line; do
		echo "# $line"
	done <<< "$*"
}

ktap_ok() {
	KTAP_N=$((KTAP_N + 1))
	echo "ok $KTAP_N - $1"
}

ktap_not_ok() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_FAILED=$((KTAP_FAILED + 1))
	[ -z "${2:-}" ] || ktap_diag "$2"
	echo "not ok $KTAP_N - $1"
}

ktap_skip() {
	KTAP_N=$((KTAP_N + 1))
	echo "ok $KTAP_N - $1 # SKIP ${2:-}"
}

# ktap_result NAME CMD... : run CMD with its output shown as diagnostics
ktap_result() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	[ -z "$out" ] || ktap_diag "$out"
	if [ "$rc" = 0 ]; then
		ktap_ok "$name"
	else
		ktap_not_ok "$name" "exit status $rc: $*"
	fi
	return 0
}

ktap_end() {
	if [ "$KTAP_N" != "$KTAP_PLANNED" ]; then
		ktap_diag "planned $KTAP_PLANNED results, got $KTAP_N"
		exit 1
	fi
	[ "$KTAP_FAILED" = 0 ] || exit 1
	exit 0
}

# ktap_count FILE: count the top-level results of a KTAP document
# (unindented "ok N" / "not ok N" lines; "# SKIP" ones are skipped, not
# passed) and print "<passed> <failed> <skipped>".
ktap_count() {
	local line p=0 x=0 s=0

	while IFS= read -r line; do
		[[ "$line" =~ ^(not\ ok|ok)\ [0-9]+ ]] || continue
		if [[ "$line" =~ \#\ *SKIP ]]; then
			s=$((s + 1))
		elif [[ "$line" =~ ^ok ]]; then
			p=$((p + 1))
		else
			x=$((x + 1))
		fi
	done < "$1"
	echo "$p $x $s"
}
