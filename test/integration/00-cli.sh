#!/bin/bash
# SPDX-License-Identifier: MIT
# The command line: --version, --help, error reporting, and that failed
# creates leave nothing behind.
. "$(dirname "$0")/../lib.sh"
need_root

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }

# leaves_nothing NAME ID BUNDLE: no state dir, no state, no process.
leaves_nothing() {
	local procs
	if [ -e "$ROOT/$2" ]; then
		fail "$1: no state dir left" "$ROOT/$2 exists: $(ls -la "$ROOT/$2" 2>&1)"
	else
		ok "$1: no state dir left"
	fi
	procs=$(procs_under "$3")
	expect_eq "$1: no process left in the bundle" "$procs" ""
}

# --- --version --------------------------------------------------------------
out=$(k --version 2>"$TMP/err"); rc=$?
expect_rc "--version exits 0" $rc 0
expect_eq "--version prints three lines" "$(printf '%s\n' "$out" | wc -l)" 3
expect_match "--version line 1 is 'keel version X.Y.Z'" \
	"$(printf '%s\n' "$out" | sed -n 1p)" '^keel version [0-9]+\.[0-9]+\.[0-9]+'
expect_match "--version line 2 is 'commit: ...'" \
	"$(printf '%s\n' "$out" | sed -n 2p)" '^commit: [^ ]+'
expect_match "--version line 3 is 'spec: 1.2.x'" \
	"$(printf '%s\n' "$out" | sed -n 3p)" '^spec: 1\.2\.[0-9]+$'

# --- --help -----------------------------------------------------------------
out=$(k --help 2>&1); rc=$?
expect_rc "--help exits 0" $rc 0
expect_match "--help lists the commands" "$out" 'create'

# --- unknown command --------------------------------------------------------
k frobnicate >"$TMP/out" 2>"$TMP/err"; rc=$?
if [ $rc != 0 ]; then ok "unknown command exits non-zero"; else fail "unknown command exits non-zero"; fi
expect_eq "unknown command: one line on stderr" "$(wc -l <"$TMP/err")" 1
expect_match "unknown command: error starts with 'keel: ' and names it" \
	"$(cat "$TMP/err")" '^keel: .*frobnicate'

# --- unknown container ------------------------------------------------------
k state nosuch >"$TMP/out" 2>"$TMP/err"; rc=$?
if [ $rc != 0 ]; then ok "state of unknown id exits non-zero"; else fail "state of unknown id exits non-zero"; fi
expect_match "state of unknown id: stderr says 'does not exist'" "$(cat "$TMP/err")" 'does not exist'
expect_eq "state of unknown id: nothing on stdout" "$(cat "$TMP/out")" ""

k kill nosuch KILL >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc != 0 ]; then ok "kill of unknown id exits non-zero"; else fail "kill of unknown id exits non-zero"; fi
expect_match "kill of unknown id: stderr says 'does not exist'" "$(cat "$TMP/err")" 'does not exist'

# containerd's shim runs "delete --force" on ids that may be gone already.
k delete --force nosuch >/dev/null 2>"$TMP/err"; rc=$?
expect_rc "delete --force of unknown id exits 0 (as runc and crun)" $rc 0

k --log "$TMP/log.json" --log-format json state nosuch >/dev/null 2>&1
if grep -q '"level":"error"' "$TMP/log.json" 2>/dev/null &&
   grep '"level":"error"' "$TMP/log.json" |
	grep -Eq '"msg":"([^"\\]|\\.)*does not exist'; then
	ok "--log-format json writes the error as a runc-style JSON line"
else
	fail "--log-format json writes the error as a runc-style JSON line" \
		"log: $(cat "$TMP/log.json" 2>&1)"
fi

# --- create failures leave nothing behind -----------------------------------
id=$(new_id)
k create --bundle "$TMP/no-such-bundle" "$id" >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc != 0 ]; then ok "create with missing bundle exits non-zero"; else fail "create with missing bundle exits non-zero"; fi
expect_match "create with missing bundle: one 'keel: ' line naming the bundle" \
	"$(cat "$TMP/err")" "^keel: .*no-such-bundle"
leaves_nothing "create with missing bundle" "$id" "$TMP/no-such-bundle"

BAD=$TMP/bad-json
bundle_clone "$BAD"
echo '{ "ociVersion": "1.2.0", "process": ' >"$BAD/config.json"
id=$(new_id)
k create --bundle "$BAD" "$id" >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc != 0 ]; then ok "invalid config.json: exits non-zero"; else fail "invalid config.json: exits non-zero"; fi
expect_match "invalid config.json: stderr names config.json" "$(cat "$TMP/err")" 'config\.json'
leaves_nothing "invalid config.json" "$id" "$B"

NS=$TMP/bad-ns
bundle_clone "$NS"
bundle_set "$NS" namespaces '[{"type": "foo"}]'
id=$(new_id)
k create --bundle "$NS" "$id" >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc != 0 ]; then ok "unknown namespace type: exits non-zero"; else fail "unknown namespace type: exits non-zero"; fi
if grep -qF 'linux.namespaces[0].type: unknown namespace "foo"' "$TMP/err"; then
	ok "unknown namespace type: error names the JSON path"
else
	fail "unknown namespace type: error names the JSON path" \
		"want: linux.namespaces[0].type: unknown namespace \"foo\"" "got: $(cat "$TMP/err")"
fi
leaves_nothing "unknown namespace type" "$id" "$B"

# --- duplicate id -------------------------------------------------------------
DUP=$TMP/dup
bundle_clone "$DUP"
bundle_args "$DUP" '"/probe","sleep","60"'
id=$(new_id dup)
k create --bundle "$DUP" "$id" >"$TMP/dup.out" 2>"$TMP/dup.err"; rc=$?
expect_rc "duplicate id: first create succeeds" $rc 0
pid1=$(pid_of "$id")
k create --bundle "$DUP" "$id" >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc != 0 ]; then ok "duplicate id: second create exits non-zero"; else fail "duplicate id: second create exits non-zero"; fi
expect_match "duplicate id: stderr says 'already exists'" "$(cat "$TMP/err")" 'already exists'
expect_eq "duplicate id: first container is still created" "$(status_of "$id")" created
expect_match "duplicate id: first container keeps its pid" "$(pid_of "$id")" "^${pid1:-none}\$"
if pid_alive "$pid1"; then ok "duplicate id: first container's init is alive"; else fail "duplicate id: first container's init is alive" "pid '$pid1'"; fi
k start "$id" >/dev/null 2>"$TMP/err"; rc=$?
expect_rc "duplicate id: first container still starts" $rc 0
expect_eq "duplicate id: first container runs" "$(status_of "$id")" running

# --- --debug, --systemd-cgroup --------------------------------------------------
id=$(new_id)
k --debug --log "$TMP/debug.log" --log-format json create --bundle "$B" "$id" >/dev/null 2>&1
expect_match "--debug writes debug lines to --log" "$(cat "$TMP/debug.log" 2>&1)" '"level":"debug","msg":".*init is pid [0-9]+'
k delete --force "$id" >/dev/null 2>&1
id=$(new_id)
k create --bundle "$B" "$id" >/dev/null 2>&1
out=$(k --log "$TMP/quiet.log" state "$id" 2>&1)
expect_nomatch "without --debug no debug lines" "$(cat "$TMP/quiet.log" 2>/dev/null)" '"level":"debug"|level=debug'
k delete --force "$id" >/dev/null 2>&1
out=$("$KEEL" --root "$ROOT" --systemd-cgroup list 2>&1); rc=$?
expect_eq "--systemd-cgroup is refused" "$rc" 1
expect_match "--systemd-cgroup names the problem" "$out" 'no systemd cgroup driver'

done_testing
