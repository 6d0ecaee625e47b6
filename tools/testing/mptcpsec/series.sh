#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The MPTCPsec patch series, generated from the repo.
#
#   series.sh gen     `make series`: build/series/, a `git format-patch`
#                     series with a cover letter, and the checkpatch
#                     --strict counts of every patch
#   series.sh check   `make check-series`: `git am` the series onto a git
#                     tree of the pristine linux-source-6.1 and build the
#                     kernel after every patch with CONFIG_MPTCP_SEC=y, then
#                     the last one with CONFIG_MPTCP_SEC=n
#
# patches/series lists, in order, one patch a line: the patch file (its
# message and its changes to upstream files), then the repo files the
# patch introduces (our own files, taken as they are in the repo).  Each
# file belongs to exactly one patch; patches/cover-letter.txt is the
# cover letter (first line: its subject).  prepare-tree.sh builds the
# development tree from the same two sources.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
build=${BUILD:-$repo/build}
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
out=$build/series
ident="MPTCPsec developers <mptcpsec@example.org>"
cp_pl=

say() { echo "series: $*"; }
die() { echo "series: ERROR: $*" >&2; exit 1; }

. "$here/lib/series-list.sh"
entries() { series_entries "$repo/patches/series"; }

# our files are all in the series, each once
check_files() {
	local listed ours
	listed=$(series_files "$repo/patches/series" | sort)
	[ -z "$(uniq -d <<< "$listed")" ] ||
		die "patches/series names a file twice: $(uniq -d <<< "$listed" | tr '\n' ' ')"
	ours=$(cd "$repo" && ls net/mptcp/sec*.[ch] include/uapi/linux/mptcp_sec*.h \
		Documentation/networking/mptcpsec.rst | sort)
	[ "$listed" = "$ours" ] ||
		die "patches/series and the repo disagree on our files: $(comm -3 <(echo "$listed") <(echo "$ours") | tr -d '\t' | tr '\n' ' ')"
}

# git_tree DIR [PATHS...]: a git repo at DIR holding the pristine source
# (only PATHS of it when given), one commit "base"
git_tree() {
	local dir=$1 top=linux-source-6.1
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	if [ $# -gt 0 ]; then
		tar -C "$dir" --strip-components=1 -xJf "$tarball" "${@/#/$top/}"
	else
		tar -C "$dir" --strip-components=1 -xJf "$tarball"
	fi
	git -C "$dir" init -q
	git -C "$dir" config user.name "${ident% <*}"
	git -C "$dir" config user.email "$(sed 's/.*<\(.*\)>/\1/' <<< "$ident")"
	# -f: Debian's top-level .gitignore ignores everything at the top
	git -C "$dir" add -A -f .
	git -C "$dir" commit -q -m "linux-source-6.1 $(cat "$repo/patches/BASE")"
	git -C "$dir" tag pristine
}

# the whole pristine tree in DIR: made once, then reset to its first
# commit (git rewrites only the files that differ, with new mtimes, so
# kbuild rebuilds exactly what changed); a new tree gets a new build
# directory OUT, no object of it may look newer than its source
full_tree() {
	local dir=$1 o=$2
	if git -C "$dir" rev-parse -q --verify pristine > /dev/null 2>&1; then
		git -C "$dir" am --abort > /dev/null 2>&1 || true
		git -C "$dir" reset -q --hard pristine && git -C "$dir" clean -fdxq
		return
	fi
	rm -rf "$o"
	git_tree "$dir"
}

# apply_entry DIR PATCH FILES...: git am PATCH, then add FILES to its commit
apply_entry() {
	local dir=$1 p=$2 f
	shift 2
	git -C "$dir" am -q --whitespace=nowarn "$repo/patches/$p" ||
		die "$p does not apply"
	[ $# -gt 0 ] || return 0
	for f in "$@"; do
		mkdir -p "$dir/$(dirname "$f")"
		cp "$repo/$f" "$dir/$f"
		git -C "$dir" add "$f"
	done
	git -C "$dir" commit -q --amend --no-edit
}

checkpatch() {
	cp_pl=$build/src/linux-source-6.1/scripts/checkpatch.pl
	[ -x "$cp_pl" ] || die "no $cp_pl: run make kernel-test first"
}

gen() {
	local dir=$build/series-git n e err=0 warn=0 chk=0 r
	[ -r "$tarball" ] || die "$tarball not found: make deps"
	check_files
	say "applying patches/series to the pristine upstream files"
	git_tree "$dir" net/mptcp include/net/mptcp.h include/uapi/linux/mptcp.h \
		Documentation/networking/index.rst MAINTAINERS
	n=0
	while read -r e; do
		# shellcheck disable=SC2086
		apply_entry "$dir" $e
		n=$((n + 1))
	done < <(entries)
	rm -rf "$out"
	git -C "$dir" format-patch -q --zero-commit --cover-letter -o "$out" HEAD~"$n"
	python3 - "$out"/0000-cover-letter.patch "$repo/patches/cover-letter.txt" <<-'EOF'
	import sys
	cover, text = sys.argv[1], open(sys.argv[2]).read()
	subject, _, blurb = text.partition('\n')
	s = open(cover).read()
	s = s.replace('*** SUBJECT HERE ***', subject.strip())
	s = s.replace('*** BLURB HERE ***', blurb.strip())
	open(cover, 'w').write(s)
	EOF
	say "$n patches and a cover letter in ${out#"$repo"/}/"
	checkpatch
	for p in "$out"/0*.patch; do
		case $p in */0000-cover-letter.patch) continue ;; esac
		r=$("$cp_pl" --no-tree --strict --terse --show-types "$p" 2>&1 || true)
		err=$((err + $(grep -c ': ERROR:' <<< "$r" || true)))
		warn=$((warn + $(grep -c ': WARNING:' <<< "$r" || true)))
		chk=$((chk + $(grep -c ': CHECK:' <<< "$r" || true)))
		grep -E ': (ERROR|WARNING|CHECK):' <<< "$r" | sed "s|^|  ${p##*/}: |" || true
	done
	say "checkpatch --strict: $err errors, $warn warnings, $chk checks"
}

# build_step DIR OUT SEC(y|n): configure like build-kernel.sh's perf
# flavour with CONFIG_MPTCP_SEC=SEC, build bzImage
build_step() {
	local dir=$1 o=$2 sec=$3 jobs
	jobs=$(nproc)
	mkdir -p "$o"
	(cd "$dir" && scripts/kconfig/merge_config.sh -n -O "$o" \
		"$here/config/base.config" "$here/config/perf.config") > "$o/merge.log" 2>&1 ||
		{ cat "$o/merge.log" >&2; return 1; }
	if [ "$sec" = y ]; then
		"$dir/scripts/config" --file "$o/.config" --enable MPTCP_SEC
	else
		"$dir/scripts/config" --file "$o/.config" --disable MPTCP_SEC
	fi
	make -s -C "$dir" O="$o" CC="ccache gcc" HOSTCC="ccache gcc" olddefconfig
	make -s -C "$dir" O="$o" CC="ccache gcc" HOSTCC="ccache gcc" -j"$jobs" bzImage
}

# step N SEC WHAT: build the tree (CONFIG_MPTCP_SEC=SEC) as result N
step() {
	local n=$1 sec=$2 what=$3 o=$build/kernel-series
	if build_step "$build/series-tree" "$o" "$sec" > "$o.log" 2>&1; then
		echo "ok $n - builds with CONFIG_MPTCP_SEC=$sec: $what"
	else
		echo "not ok $n - builds with CONFIG_MPTCP_SEC=$sec: $what"
		tail -n 30 "$o.log" | sed 's/^/# /'
		die "result $n: the build failed"
	fi
}

check() {
	local dir=$build/series-tree n=0 t0 p subj
	[ -d "$out" ] || die "no ${out#"$repo"/}: run make series first"
	t0=$(date +%s)
	say "a git tree of the whole pristine source in ${dir#"$repo"/}"
	full_tree "$dir" "$build/kernel-series"
	for p in "$out"/0*.patch; do
		case $p in */0000-cover-letter.patch) continue ;; esac
		n=$((n + 1))
		subj=$(sed -n 's/^Subject: //p' "$p" | head -n1)
		git -C "$dir" am -q "$p" || die "git am failed at $subj"
		step "$n" y "$subj"
	done
	# the same build directory: kbuild rebuilds what depends on the option
	step $((n + 1)) n "the whole series"
	say "$n patches applied with git am and built one by one in $(( $(date +%s) - t0 )) s"
}

case ${1:-} in
gen) gen ;;
check) check ;;
*) die "usage: series.sh gen|check" ;;
esac
