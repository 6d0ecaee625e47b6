#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Turn a run directory of run-vm.sh into KTAP and a verdict.
#
#   report.sh OUTDIR
#
# Top-level KTAP entries: each KUnit suite (from the guest's kernel log),
# each test script of the plan (its own KTAP lines become subtests), and
# "kernel_log_clean" (no splat in the kernel log, no kmemleak report).
# Counting is by leaf: a script's subtests.  A script that exits non-zero
# although all its subtests passed, that printed no result at all, or
# fewer or more results than its plan ("1..N") adds one failure.  Writes OUTDIR/summary: "<passed> <failed> <skipped>".
set -uo pipefail

out=${1:?usage: report.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
scan=$here/../splat-scan.sh
. "$here/../lib/ktap.sh"
pass=0 fail=0 skip=0
entries=()	# "ok|not ok<TAB>name<TAB>file with subtest lines or -"

add() { # result name subtest-file
	entries+=("$1	$2	$3")
}

# --- KUnit suites, from the guest console (complete, unlike the dmesg
# ring buffer dumped at the end), parsed by the kernel's own
# tools/testing/kunit/kunit.py; a suite that reports nothing or a parse
# that fails (crash, missing results) is a failure
if [ -f "$out/kunit-requested" ]; then
	repo=$(cd "$here/../../../.." && pwd)
	kpy=${KUNIT_PY:-${BUILD:-$repo/build}/src/linux-source-6.1/tools/testing/kunit/kunit.py}
	rm -f "$out"/kunit-*.ktap "$out/kunit.json"
	# absolute paths: kunit.py changes its directory
	python3 "$kpy" parse --json="$(realpath "$out")/kunit.json" \
		"$(realpath "$out/console.log")" > "$out/kunit.txt" 2>&1
	krc=$?
	nsuites=0 kfail0=$fail
	while read -r res suite; do
		[ "$res" = ok ] || { res="not ok"; suite=${suite#ok }; }
		read -r p x s < <(ktap_count "$out/kunit-$suite.ktap")
		pass=$((pass + p)); fail=$((fail + x)); skip=$((skip + s))
		if [ "$res" = "not ok" ] && [ "$x" = 0 ]; then fail=$((fail + 1)); fi
		add "$res" "kunit_$suite" "$out/kunit-$suite.ktap"
		nsuites=$((nsuites + 1))
	done < <([ -s "$out/kunit.json" ] &&
		python3 "$here/kunit_results.py" "$out/kunit.json" "$out")
	# kunit.py fails on a failed test too: that one is counted already
	if [ "$nsuites" = 0 ] || { [ "$krc" != 0 ] && [ "$fail" = "$kfail0" ]; }; then
		fail=$((fail + 1))
		add "not ok" "kunit # kunit.py parse: exit status $krc, $nsuites suites (build/vm/.../kunit.txt)" -
	fi
fi

# --- test scripts
while read -r name _; do
	case "$name" in ''|'#'*) continue ;; esac
	log=$out/$name.log
	rc=$(cat "$out/$name.rc" 2>/dev/null || echo none)
	[ -f "$log" ] || : > "$log"
	read -r p x s < <(ktap_count "$log")
	pass=$((pass + p)); fail=$((fail + x)); skip=$((skip + s))
	why=
	if [ -s "$out/$name.leak" ]; then
		echo "# left behind: $(cat "$out/$name.leak")" >> "$log"
		[ "$rc" != 0 ] || rc=leak
	fi
	planned=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$log" | head -n1)
	case "$rc" in
	0) ;;
	leak) why="left network namespaces behind" ;;
	124|137) why="timed out" ;;
	none) why="did not run (VM died?)" ;;
	*) why="exit status $rc" ;;
	esac
	if [ -z "$why" ] && [ $((p + x + s)) = 0 ]; then
		why="printed no result"
	elif [ -z "$why" ] && [ "${planned:-none}" != $((p + x + s)) ]; then
		why="$((p + x + s)) results for a plan of ${planned:-none}"
	fi
	if [ -n "$why" ] && [ "$x" = 0 ]; then
		fail=$((fail + 1))
	fi
	if [ -z "$why" ] && [ "$x" = 0 ]; then
		add "ok" "$name" "$log"
	else
		add "not ok" "$name${why:+ # $why}" "$log"
	fi
done < "$out/plan"

# --- kernel log
splats=$out/splats.txt
: > "$splats"
for f in "$out/dmesg.txt" "$out/console.log"; do
	[ -f "$f" ] && "$scan" --quiet "$f" >> "$splats" 2>&1
done
if [ -s "$out/kmemleak.txt" ]; then
	echo "splat: kmemleak: $out/kmemleak.txt: $(grep -c unreferenced "$out/kmemleak.txt") unreferenced object(s)" >> "$splats"
fi
if [ -f "$out/vm-error" ]; then
	cat "$out/vm-error" >> "$splats"
fi
if [ -s "$splats" ]; then
	fail=$((fail + 1))
	add "not ok" "kernel_log_clean # $(head -n1 "$splats")" -
else
	pass=$((pass + 1))
	add "ok" "kernel_log_clean" -
fi

# --- KTAP
echo "KTAP version 1"
echo "1..${#entries[@]}"
i=0
for e in "${entries[@]}"; do
	i=$((i + 1))
	IFS=$'\t' read -r res name sub <<< "$e"
	if [ "$sub" != - ] && [ -s "$sub" ]; then
		# the script's own KTAP, indented as subtests; on failure also
		# the diagnostics and the last lines of its output
		if [ "$res" = ok ]; then
			grep -E '^(KTAP|[0-9]+\.\.[0-9]+|ok |not ok )' "$sub" | sed 's/^/    /'
		else
			grep -vE '^\s*$' "$sub" | tail -n 40 | sed 's/^/    # /;s/^    # \(KTAP\|[0-9]*\.\.[0-9]*$\|ok \|not ok \)/    \1/'
		fi
	fi
	echo "$res $i - $name"
done
if [ -s "$splats" ]; then
	echo "# kernel splats (see $splats):"
	head -n 20 "$splats" | sed 's/^/# /'
fi
echo "$pass $fail $skip" > "$out/summary"
[ "$skip" = 0 ] || echo "# $skip skipped"
echo "# VM: $pass passed, $fail failed"
[ "$fail" = 0 ]
