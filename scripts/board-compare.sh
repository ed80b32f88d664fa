#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Test counts per file, the host's "make check" against the board guests:
#
#   scripts/board-compare.sh HOST-LOG CONSOLE-LOG...
#
# HOST-LOG is the output of "make check" (test/run), each CONSOLE-LOG a
# guest's serial console (out/board/<board>/console-v2.log, ...).  Prints a
# table of the files whose counts differ: for the host and each guest, the
# tests a file ran and how many of them were skipped ("all" for a file that
# skipped as a whole, "-" for one that did not run there).  The reasons are
# in the logs' "# SKIP" lines; board/README.md lists them.
set -eu

[ $# -ge 2 ] || { echo "usage: board-compare.sh HOST-LOG CONSOLE-LOG..." >&2; exit 2; }

# counts LOG: "file tests skipped" for every test file of LOG
counts() {
	awk '/^[A-Za-z0-9_\/.-]+: +(ok|not ok) / {
		n = $1; sub(":$", "", n); t[n]++
		if ($0 ~ /# [Ss][Kk][Ii][Pp]/) s[n]++
	}
	/^[A-Za-z0-9_\/.-]+: +1\.\.0 # [Ss][Kk][Ii][Pp]/ { n = $1; sub(":$", "", n); t[n] += 0; s[n] = "all" }
	END { for (k in t) print k, t[k], (k in s ? s[k] : 0) }' "$1" | sort
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
counts "$1" >"$tmp/all"
head="file host skipped"
fields=2
for log in "$@"; do
	[ "$log" = "$1" ] && continue
	counts "$log" >"$tmp/one"
	o=0
	i=2
	while [ $i -le $((fields + 1)) ]; do o="$o,1.$i"; i=$((i + 1)); done
	join -a1 -a2 -e - -o "$o,2.2,2.3" "$tmp/all" "$tmp/one" >"$tmp/next"
	mv "$tmp/next" "$tmp/all"
	fields=$((fields + 2))
	b=${log%/console-*}
	head="$head ${b##*/}:$(basename "$log" .log | sed "s/^console-//") skipped"
done
echo "$head"
# only the files whose counts differ anywhere
awk '{ for (i = 4; i <= NF; i += 2) if ($i != $2 || $(i + 1) != $3) { print; next } }' "$tmp/all"
