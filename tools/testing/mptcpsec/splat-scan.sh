#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# splat-scan.sh - find kernel "splats" in QEMU serial console logs and dmesg
# dumps of the mptcpsec test VM (Linux 6.1, KASAN, UBSAN, lockdep, KMEMLEAK,
# DEBUG_NET, PANIC_ON_OOPS, PRINTK_TIME).
#
# Usage: splat-scan.sh [--quiet] LOG...
#
# For every splat line found prints
#   splat: <kind>: <file>:<lineno>: <the matching line>
# followed (unless --quiet) by up to 10 lines of context, indented by 4 spaces.
# <kind> is one of: warn bug oops kasan ubsan lockdep kmemleak rcu_stall
# hung_task call_trace panic.
#
# Exit status: 0 no splat in any log, 1 splat(s) found, 2 usage error or
# unreadable log (or invalid SPLAT_ALLOW regex).
#
# Matching rules:
#  - A pattern only counts when it directly follows a kernel PRINTK_TIME stamp
#    "[ <digits>.<digits>]" (optionally "[ T123]"/"[ C1]" PRINTK_CALLER ids and
#    blanks).  The stamp may sit anywhere in the line, so a kernel line glued
#    after userspace output on the same console line is still found, while
#    userspace output ("# WARNING: test skipped", "not ok 2 - lockdep_check",
#    "kasan.log", ...) never matches.
#  - Exception: "Kernel panic - not syncing" (also the "---[ end Kernel panic"
#    trailer) is matched anywhere, with or without a stamp.
#  - The line "------------[ cut here ]------------" is printed by both WARN
#    and BUG; it is reported with the kind of the next splat line within its
#    10-line context window (e.g. "bug" for "kernel BUG at ..."), else "warn".
#  - Identical consecutive reports (same kind, same line once the stamps are
#    removed) of one file are reported once.
#  - Trailing CRs (serial console CRLF) are ignored.
#
# Environment:
#   SPLAT_ALLOW  extended regular expression (grep -E syntax); lines matching
#                it are never reported (known-benign noise).  Empty (default)
#                disables the allow-list.

set -eu
set -o pipefail

prog=${0##*/}

usage() {
	echo "usage: $prog [--quiet] LOG..."
	echo "  exit 0: no splat, 1: splat found, 2: usage error / unreadable log"
	echo "  env SPLAT_ALLOW=<extended regex>: ignore matching lines"
}

quiet=0
files=()
while [ $# -gt 0 ]; do
	case $1 in
	-q | --quiet) quiet=1 ;;
	-h | --help) usage; exit 0 ;;
	--) shift; files+=("$@"); break ;;
	-?*) echo "$prog: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	*) files+=("$1") ;;
	esac
	shift
done

if [ ${#files[@]} -eq 0 ]; then
	echo "$prog: no LOG given" >&2
	usage >&2
	exit 2
fi

for f in "${files[@]}"; do
	if [ -d "$f" ] || [ ! -r "$f" ]; then
		echo "$prog: cannot read '$f'" >&2
		exit 2
	fi
done

allow=${SPLAT_ALLOW:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/splat-scan.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ -n "$allow" ]; then
	rc=0
	grep -E -e "$allow" </dev/null >/dev/null 2>"$tmp/err" || rc=$?
	if [ $rc -gt 1 ]; then
		echo "$prog: invalid SPLAT_ALLOW regex: $(cat "$tmp/err")" >&2
		exit 2
	fi
fi

# The awk program scans one log on stdin.  Exit 0: clean, 3: splat(s).
# Only POSIX ERE without {m,n} intervals (mawk 1.3.4 lacks them).
# shellcheck disable=SC2016
scan_awk='
BEGIN {
	FS = "\n"
	NCTX = 10
	quiet = (ENVIRON["SPLAT_QUIET"] == "1")
	fname = ENVIRON["SPLAT_FILE"]
	af = ENVIRON["SPLAT_ALLOWED"]
	if (af != "") {
		while ((getline l < af) > 0)
			allowed[l + 0] = 1
		close(af)
	}
	head = tail = 0		# queue [head, tail) of reports awaiting context
	last_key = ""
	found = 0
}

# Kind of the kernel message text s (the part after a printk timestamp).
function kind_at(s) {
	if (s ~ /^BUG: (KASAN|KFENCE|KCSAN|KMSAN): / ||
	    s ~ /^==================================================================$/ ||
	    s ~ /^KASAN: [a-z -]+ in range \[/)
		return "kasan"
	if (s ~ /^WARNING: (possible (circular locking dependency|recursive locking|irq lock inversion dependency) detected|inconsistent lock state|suspicious RCU usage|[A-Z]+-safe -> [A-Z]+-unsafe lock order detected|bad unlock balance detected!|bad contention detected!|held lock freed!|lock held when returning to user space!|Nested lock was not taken|.* still has locks held!)/ ||
	    s ~ /^BUG: (workqueue leaked lock or atomic|MAX_[A-Z_]+ too low!|Invalid wait context|looking up invalid subclass)/ ||
	    s ~ /^\[ BUG: Invalid wait context \]/ ||
	    s ~ /^INFO: trying to register non-static key/)
		return "lockdep"
	if (s ~ /^UBSAN: [A-Za-z -]+ in /)
		return "ubsan"
	if (s ~ /^[Kk]ernel BUG at / ||
	    s ~ /^((NMI )?watchdog: )?BUG: [A-Za-z]/ ||
	    s ~ /^(NMI )?watchdog: Watchdog detected hard LOCKUP/ ||
	    s ~ /^BUG [^ ]+ \((Not t|T)ainted\): /)
		return "bug"
	if (s ~ /^[A-Za-z][A-Za-z0-9 ,_:-]*: [0-9a-f][0-9a-f][0-9a-f][0-9a-f]+ \[#[0-9]+\]/ ||
	    s ~ /^Oops( -|:) /)
		return "oops"
	if (s ~ /^WARNING: CPU: [0-9]+ PID: [0-9]+ at / ||
	    s ~ /^WARNING: (kernel stack (regs|frame pointer) at |stack recursion on stack type|stack going in the wrong direction)/)
		return "warn"
	if (s ~ /^------------\[ cut here \]------------[ \t]*$/)
		return "cut"
	if (s ~ /^kmemleak: [0-9]+ new suspected memory leaks/ ||
	    s ~ /^(kmemleak: )?unreferenced object 0x[0-9a-f]+ \(size [0-9]+\):/)
		return "kmemleak"
	if (s ~ /^(rcu: )?INFO: [a-z_]+ (self-)?detected (expedited )?stalls?( |:|$)/)
		return "rcu_stall"
	if (s ~ /^INFO: task .+:[0-9]+ blocked for more than [0-9]+ seconds/)
		return "hung_task"
	if (s ~ /^Call [Tt]race:/)
		return "call_trace"
	if (s ~ /^Kernel panic - not syncing/)
		return "panic"
	return ""
}

function classify(line,    s, k) {
	s = line
	while (match(s, /\[ *[0-9]+\.[0-9]+\](\[ *[CT][0-9]+\])?[ \t]*/)) {
		s = substr(s, RSTART + RLENGTH)
		k = kind_at(s)
		if (k != "")
			return k
	}
	if (line ~ /Kernel panic - not syncing/)
		return "panic"
	return ""
}

function flush(i,    k) {
	k = qk[i]
	if (k == "cut")
		k = "warn"
	printf "splat: %s: %s:%d: %s\n", k, fname, qnr[i], ql[i]
	if (!quiet && qn[i] > 0)
		printf "%s\n", qc[i]
	delete qk[i]; delete qnr[i]; delete ql[i]; delete qc[i]; delete qn[i]
	found = 1
}

{
	line = $0
	if (line ~ /\r$/)
		sub(/\r+$/, "", line)

	k = ""
	if (line ~ /BUG|WARN|INFO|Oops|\[#|UBSAN|KASAN|kmemleak|unreferenced|Call [Tt]race|cut here|==========|Kernel panic|LOCKUP/ &&
	    !(NR in allowed))
		k = classify(line)

	# a pending "cut here" takes the kind of the splat line that follows it
	if (k != "" && k != "cut" && k != "call_trace" && k != "panic")
		for (i = head; i < tail; i++)
			if (qk[i] == "cut")
				qk[i] = k

	# this line is context for the pending reports
	for (i = head; i < tail; i++) {
		if (!quiet)
			qc[i] = (qn[i] ? qc[i] "\n" : "") "    " line
		qn[i]++
	}
	while (head < tail && qn[head] >= NCTX)
		flush(head++)

	if (k == "")
		next
	key = line
	gsub(/\[ *[0-9]+\.[0-9]+\](\[ *[CT][0-9]+\])?/, "", key)
	key = k "|" key
	if (key == last_key)
		next
	last_key = key
	qk[tail] = k; qnr[tail] = NR; ql[tail] = line; qc[tail] = ""; qn[tail] = 0
	tail++
}

END {
	while (head < tail)
		flush(head++)
	exit found ? 3 : 0
}
'

status=0
n=0
for f in "${files[@]}"; do
	n=$((n + 1))
	src=$f
	if [ ! -f "$f" ]; then
		# pipe or similar (e.g. <(dmesg)): it is read twice below
		src="$tmp/input.$n"
		cat -- "$f" >"$src" || { echo "$prog: cannot read '$f'" >&2; exit 2; }
	fi

	allowed=""
	if [ -n "$allow" ]; then
		allowed="$tmp/allowed.$n"
		if ! tr -d '\r' <"$src" |
			{ grep -a -n -E -e "$allow" || [ $? -eq 1 ]; } |
			cut -d: -f1 >"$allowed"; then
			echo "$prog: cannot apply SPLAT_ALLOW to '$f'" >&2
			exit 2
		fi
	fi

	rc=0
	SPLAT_FILE=$f SPLAT_QUIET=$quiet SPLAT_ALLOWED=$allowed \
		awk "$scan_awk" <"$src" || rc=$?
	case $rc in
	0) ;;
	3) status=1 ;;
	*) echo "$prog: failed to scan '$f'" >&2; exit 2 ;;
	esac
done

exit $status
