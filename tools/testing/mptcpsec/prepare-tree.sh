#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare the patched kernel tree for MPTCPsec:
#   1. unpack Debian's linux-source-6.1 tarball into $BUILD/src (once, and
#      again when the installed package version changes);
#   2. apply patches/series (reverting a previously applied, different
#      series first, so only the touched files change);
#   3. copy our own files into the tree, only when their content changed,
#      so that kbuild rebuilds incrementally.
#
# Usage: prepare-tree.sh            (BUILD defaults to <repo>/build)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../../.." && pwd)
build=${BUILD:-$repo/build}
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
src=$build/src/linux-source-6.1
state=$src/.mptcpsec

say() { echo "prepare-tree: $*"; }
die() { echo "prepare-tree: ERROR: $*" >&2; exit 1; }
. "$repo/tools/testing/mptcpsec/lib/series-list.sh"

[ -r "$tarball" ] || die "$tarball not found: install Debian's linux-source-6.1 (make deps)"
deb_ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo unknown)
base_ver=$(cat "$repo/patches/BASE")

# one preparation at a time (make -j kernel builds two configurations)
mkdir -p "$build/src"
exec 9> "$build/src/.prepare.lock"
flock 9

# (1) unpack; -m: fresh mtimes, so that no object built from an older
# package version looks newer than its source
if [ ! -f "$state/debian-version" ] || [ "$(cat "$state/debian-version")" != "$deb_ver" ]; then
	if [ -d "$src" ]; then
		say "linux-source-6.1 changed to $deb_ver: unpacking again, clean kernel builds"
		rm -rf "$build"/kernel-*
	fi
	rm -rf "$src"
	say "unpacking $tarball ($deb_ver)"
	tar -C "$build/src" -m -xf "$tarball"
	mkdir -p "$state/applied"
	echo "$deb_ver" > "$state/debian-version"
fi

# (2) patches
series_sig() { # the list and every patch it names
	(cd "$1" && series_patches series && cat $(series_patches series)) |
		sha256sum | cut -d' ' -f1
}
want=$(series_sig "$repo/patches")
have=$( [ -f "$state/applied/series" ] && series_sig "$state/applied" || echo none)
if [ "$want" != "$have" ]; then
	if [ -f "$state/applied/series" ]; then
		say "reverting the previously applied series"
		for p in $(series_patches "$state/applied/series" | tac); do
			patch -d "$src" -p1 -R -s -f --no-backup-if-mismatch \
				< "$state/applied/$p" >/dev/null ||
				die "cannot revert $p; remove $src and run make again"
		done
		rm -f "$state/applied/"*
	fi
	[ "$deb_ver" = "$base_ver" ] ||
		say "NOTE: installed linux-source-6.1 is $deb_ver, patches/series was made on $base_ver; checking that it still applies"
	n=0
	for p in $(series_patches "$repo/patches/series"); do
		if ! out=$(patch -d "$src" -p1 -N -f --fuzz=0 --dry-run \
				< "$repo/patches/$p" 2>&1); then
			echo "$out" >&2
			die "patch $p does not apply to Debian linux-source-6.1 $deb_ver (series made on $base_ver)"
		fi
		patch -d "$src" -p1 -N -f --fuzz=0 -s --no-backup-if-mismatch \
			< "$repo/patches/$p"
		cp "$repo/patches/$p" "$state/applied/"
		# the applied copy of series lists only what really applied
		echo "$p" >> "$state/applied/series"
		n=$((n + 1))
	done
	say "applied $n patches from patches/series to linux-source-6.1 $deb_ver: the series applies cleanly"
fi

# (3) our files, as patches/series lists them: repo path -> tree path
# (a listed file missing from the repo stops the copy below: cp fails)
our_files() { series_files "$repo/patches/series" | sed 's/.*/& &/'; }
changed=0
: > "$state/files.new"
while read -r from to; do
	echo "$to" >> "$state/files.new"
	if ! cmp -s "$repo/$from" "$src/$to"; then
		mkdir -p "$(dirname "$src/$to")"
		cp "$repo/$from" "$src/$to"
		changed=$((changed + 1))
	fi
done < <(our_files)
# files we copied earlier but that no longer exist in the repo
if [ -f "$state/files" ]; then
	for f in $(comm -23 <(sort "$state/files") <(sort "$state/files.new")); do
		rm -f "$src/$f"
		say "removed stale $f"
	done
fi
mv "$state/files.new" "$state/files"
[ "$changed" = 0 ] || say "copied $changed changed file(s) into the tree"
exit 0
