#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftest-splat-scan.sh - KTAP self test of splat-scan.sh against the canned
# console logs in testdata/splat/.
#
# For testdata/splat/<name>.log the expected first reported kind is <name> up
# to the first '-' (bug-null-deref.log -> bug); clean* logs must pass (exit 0,
# no output); glued* logs expect "warn".  Runs from any cwd.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scan="$here/splat-scan.sh"
data="$here/testdata/splat"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/selftest-splat.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

logs=()
for f in "$data"/*.log; do
	[ -e "$f" ] && logs+=("$f")
done

extra_tests=(missing_file no_args bad_option allow_suppresses allow_partial
	allow_bad_regex quiet_format context dedup crlf multi_file)

total=$(( ${#logs[@]} + ${#extra_tests[@]} ))
n=0
passed=0
failed=0

echo "KTAP version 1"
echo "1..$total"

# result NAME ERR: ERR empty means pass, else it is the diagnostic
result() {
	n=$((n + 1))
	if [ -z "$2" ]; then
		passed=$((passed + 1))
		echo "ok $n - splat_$1"
	else
		failed=$((failed + 1))
		echo "not ok $n - splat_$1"
		echo "# $2"
	fi
}

# run_scan [ARGS...]: sets $rc, $out (stdout), $err (stderr)
run_scan() {
	rc=0
	bash "$scan" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# first reported kind of $out
first_kind() {
	printf '%s\n' "$out" | awk -F': ' '/^splat: /{ print $2; exit }'
}

expected_kind() {
	local base
	base=$(basename "$1" .log)
	base=${base%%-*}
	case $base in
	clean*) echo "" ;;
	glued*) echo warn ;;
	*) echo "$base" ;;
	esac
}

# ---- one test per canned log -------------------------------------------
for f in "${logs[@]}"; do
	name=$(basename "$f" .log)
	name=${name//-/_}
	want=$(expected_kind "$f")
	run_scan "$f"
	e=""
	if [ -z "$want" ]; then
		if [ $rc -ne 0 ] || [ -n "$out" ]; then
			e="want exit 0 and no output, got exit $rc: $(printf '%s\n' "$out" | head -n1)"
		fi
	else
		got=$(first_kind)
		if [ $rc -ne 1 ]; then
			e="want exit 1, got exit $rc ${err:+($err)}"
		elif [ "$got" != "$want" ]; then
			e="want first kind '$want', got '$got': $(printf '%s\n' "$out" | head -n1)"
		fi
	fi
	result "$name" "$e"
done

# ---- usage / error handling --------------------------------------------
run_scan "$tmp/does-not-exist.log"
e=""
[ $rc -eq 2 ] || e="missing file: want exit 2, got $rc"
result missing_file "$e"

run_scan
e=""
[ $rc -eq 2 ] || e="no LOG: want exit 2, got $rc"
result no_args "$e"

run_scan --bogus "$data/warn.log"
e=""
[ $rc -eq 2 ] || e="unknown option: want exit 2, got $rc"
result bad_option "$e"

# ---- SPLAT_ALLOW --------------------------------------------------------
# kmemleak.log has a single kernel splat line: allowing it makes the log clean
SPLAT_ALLOW='kmemleak: [0-9]+ new suspected memory leaks' run_scan "$data/kmemleak.log"
e=""
if [ $rc -ne 0 ] || [ -n "$out" ]; then
	e="SPLAT_ALLOW did not suppress: exit $rc: $(printf '%s\n' "$out" | head -n1)"
fi
result allow_suppresses "$e"

# allowing only the WARNING line keeps the rest of the splat reported
SPLAT_ALLOW='WARNING: CPU: [0-9]{1,4} PID' run_scan --quiet "$data/warn.log"
e=""
if [ $rc -ne 1 ]; then
	e="want exit 1, got $rc"
elif printf '%s\n' "$out" | grep -q 'WARNING: CPU:'; then
	e="allowed line still reported"
elif ! printf '%s\n' "$out" | grep -q '^splat: call_trace: '; then
	e="non-allowed Call Trace no longer reported"
fi
result allow_partial "$e"

SPLAT_ALLOW='(' run_scan "$data/warn.log"
e=""
[ $rc -eq 2 ] || e="invalid SPLAT_ALLOW: want exit 2, got $rc"
result allow_bad_regex "$e"

# ---- output format ------------------------------------------------------
run_scan --quiet "$data/bug.log"
e=""
first=$(printf '%s\n' "$out" | head -n1)
want_first="splat: bug: $data/bug.log:11: [   31.100000] ------------[ cut here ]------------"
if [ $rc -ne 1 ]; then
	e="want exit 1, got $rc"
elif [ "$first" != "$want_first" ]; then
	e="first line '$first' != '$want_first'"
elif printf '%s\n' "$out" | grep -qv '^splat: '; then
	e="--quiet printed context lines"
fi
result quiet_format "$e"

run_scan "$data/call_trace.log"
e=""
if [ $rc -ne 1 ]; then
	e="want exit 1, got $rc"
elif [ "$(printf '%s\n' "$out" | wc -l)" -ne 11 ]; then
	e="want 1 report + 10 context lines, got $(printf '%s\n' "$out" | wc -l) lines"
elif [ "$(printf '%s\n' "$out" | sed -n 2p)" != "    [   12.100540]  <TASK>" ]; then
	e="bad context line: '$(printf '%s\n' "$out" | sed -n 2p)'"
fi
result context "$e"

# ---- de-duplication of identical consecutive reports --------------------
cat >"$tmp/dedup.log" <<'EOF'
[   84.120001] rcu: INFO: rcu_sched self-detected stall on CPU
[  105.120001] rcu: INFO: rcu_sched self-detected stall on CPU
[  126.120001] rcu: INFO: rcu_sched self-detected stall on CPU
[  127.000000] INFO: task kworker/0:1:42 blocked for more than 120 seconds.
[  147.120001] rcu: INFO: rcu_sched self-detected stall on CPU
EOF
run_scan --quiet "$tmp/dedup.log"
e=""
got=$(printf '%s\n' "$out" | awk -F': ' '{ printf "%s ", $2 }')
if [ $rc -ne 1 ]; then
	e="want exit 1, got $rc"
elif [ "$got" != "rcu_stall hung_task rcu_stall " ]; then
	e="want kinds 'rcu_stall hung_task rcu_stall', got '$got'"
fi
result dedup "$e"

# ---- CRLF serial console log --------------------------------------------
sed 's/$/\r/' "$data/warn.log" >"$tmp/crlf.log"
run_scan --quiet "$tmp/crlf.log"
e=""
if [ $rc -ne 1 ] || [ "$(first_kind)" != warn ]; then
	e="want exit 1 / warn, got $rc / $(first_kind)"
elif printf '%s\n' "$out" | grep -q $'\r'; then
	e="CR kept in report"
fi
result crlf "$e"

# ---- several logs: one clean, one not -----------------------------------
run_scan --quiet "$data/clean.log" "$data/hung_task.log"
e=""
if [ $rc -ne 1 ] || [ "$(first_kind)" != hung_task ]; then
	e="want exit 1 / hung_task, got $rc / $(first_kind)"
fi
result multi_file "$e"

echo "# splat-scan: $passed/$total ok"
[ $failed -eq 0 ] && [ $n -eq $total ]
