# SPDX-License-Identifier: GPL-2.0
#
# Reading patches/series, for prepare-tree.sh and series.sh: one patch a
# line, then the files of ours that patch introduces; '#' comments and
# blank lines.

# series_entries FILE: the lines that name a patch
series_entries() { grep -v -e '^#' -e '^[[:space:]]*$' "$1"; }

# series_patches FILE: the patches, in order
series_patches() { series_entries "$1" | cut -d' ' -f1; }

# series_files FILE: our files, one a line, in the order of the series
series_files() { series_entries "$1" | cut -s -d' ' -f2- | tr ' ' '\n' | sed '/^$/d'; }
