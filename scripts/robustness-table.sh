#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Regenerate the "Hostile inputs" table of docs/robustness.md from the case
# list test/hostile/cases, by running every case (as root) through
# test/integration/94-hostile-inputs.sh with HOSTILE_MD: the table shows the
# error keel really printed and what was left behind, so it cannot drift
# from the test.  The rows replace what lies between the markers
# "<!-- hostile-table:begin -->" and "<!-- hostile-table:end -->".
#
#   scripts/robustness-table.sh [--print]
#
# KEEL, BUILD and CONFIG as for test/run (default ./keel, ./build, ./.config);
# --print writes the table to stdout instead of into the doc.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
doc=$src/docs/robustness.md
export KEEL=${KEEL:-$src/keel} BUILD=${BUILD:-$src/build}
export CONFIG=${CONFIG:-$(dirname "$KEEL")/.config}
export KEEL_SRC=$src PROBE=${PROBE:-$BUILD/test/probe}

rows=$(mktemp) table=$(mktemp) tap=$(mktemp)
trap 'rm -f "$rows" "$table" "$tap"' EXIT

HOSTILE_MD=$rows bash "$src/test/integration/94-hostile-inputs.sh" >"$tap" 2>&1 || true
total=$(grep -c '^name: ' "$src/test/hostile/cases")
ran=$(grep -c . "$rows" || true)
passed=$(grep -c '^ok ' "$tap" || true)
clean=$(grep -c '| nothing |$' "$rows" || true)
{
	echo "$total cases in \`test/hostile/cases\`; in the last run $passed passed all checks," \
		"$clean of $ran left nothing behind ($(uname -m), Linux $(uname -r | cut -d- -f1))."
	echo
	echo '| # | input | setup | command | error keel printed | left behind |'
	echo '|---|---|---|---|---|---|'
	cat "$rows"
} >"$table"

if [ "${1:-}" = --print ]; then
	cat "$table"
	exit
fi
awk -v t="$table" '
	/<!-- hostile-table:end -->/ { skip = 0 }
	!skip { print }
	/<!-- hostile-table:begin -->/ { while ((getline l < t) > 0) print l; skip = 1 }
' "$doc" >"$doc.new" && mv "$doc.new" "$doc"
echo "robustness-table.sh: $passed/$total cases passed; table written to docs/robustness.md"
