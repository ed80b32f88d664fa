#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Documentation: "keel help", "keel help COMMAND" and "keel COMMAND --help"
# for every command of this build, and the man page docs/keel.8 covering
# every command and global option.  Needs no root and runs no container.
. "$(dirname "$0")/../lib.sh"

man=$KEEL_SRC/docs/keel.8

# man_has NAME ERE: a line of keel.8 matches.
man_has() {
	if grep -Eq -- "$2" "$man"; then ok "$1"; else fail "$1" "no line of docs/keel.8 matches /$2/"; fi
}

out=$("$KEEL" help 2>&1); rc=$?
expect_rc "keel help exits 0" $rc 0
expect_eq "keel help is keel --help" "$out" "$("$KEEL" --help 2>&1)"
cmds=$(sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p' <<<"$out")
expect_match "keel help lists commands" "$cmds" '^create$'

for c in $cmds; do
	[ "$c" = help ] && continue
	out=$("$KEEL" "$c" --help 2>&1); rc=$?
	if [ $rc = 0 ] && [[ $(head -n 1 <<<"$out") == "Usage: keel $c"* ]]; then
		ok "keel $c --help exits 0 with a usage line"
	else
		fail "keel $c --help exits 0 with a usage line" "rc=$rc" "$out"
	fi
	expect_eq "keel help $c is keel $c --help" "$("$KEEL" help "$c" 2>&1)" "$out"
	man_has "keel.8 documents $c" "^\\.SS $c( |\$)"
done

out=$("$KEEL" help nosuchcommand 2>&1); rc=$?
expect_rc "keel help of an unknown command fails" $rc 1
expect_match "... and says so" "$out" 'unknown command "nosuchcommand"'
if [ -x "${KEEL_ALLNO:-}" ]; then
	out=$("$KEEL_ALLNO" help exec 2>&1); rc=$?
	expect_rc "help of a compiled-out command fails" $rc 1
	expect_match "... naming the option" "$out" 'CONFIG_EXEC'
else
	skip "help of a compiled-out command fails" "no KEEL_ALLNO (make check builds it)"
	skip "... naming the option" "no KEEL_ALLNO (make check builds it)"
fi

# Every global option of --help, and the sections a man page needs.
for o in $("$KEEL" --help | sed -n '/^Global options:/,$s/^ *\(-[a-z], \)\{0,1\}\(--[a-z-]*\).*/\2/p'); do
	o=${o#--}
	man_has "keel.8 documents --$o" "\\\\fB\\\\-\\\\-${o//-/\\\\-}\\\\fR"
done
for s in SYNOPSIS DESCRIPTION OPTIONS COMMANDS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
	man_has "keel.8 has $s" "^\\.SH \"?$s\"?\$"
done
if command -v groff >/dev/null; then
	out=$(groff -man -Tutf8 -ww -z "$man" 2>&1)
	expect_eq "groff reads keel.8 without warnings" "$out" ""
else
	skip "groff reads keel.8 without warnings" "groff is not installed"
fi

done_testing
