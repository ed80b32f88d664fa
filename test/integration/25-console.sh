#!/bin/bash
# SPDX-License-Identifier: MIT
#
# process.terminal: the pty master over --console-socket (runc's protocol),
# keel run attached to a terminal, the rules about who holds the master, and
# the bundle that "keel spec" writes running under "keel run" as it is.
. "$(dirname "$0")/../lib.sh"
need_root

if ! config_has CONFIG_CONSOLE; then
	echo "1..0 # SKIP keel built without CONFIG_CONSOLE"
	exit 0
fi

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
bundle_set "$B" terminal 'true'
# /dev/pts after /dev, or the tmpfs would hide it
sed -i 's|^\(\t*{"destination": "/dev", "type": "tmpfs".*}\)$|\1,\n\t\t{"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620"]}|' "$B/config.json"
bundle_insert "$B" process '"consoleSize": {"height": 33, "width": 101}'
bundle_args "$B" '"/bin/sh"'

# --- --console-socket: receive the master, talk to a shell through it ------
sock=$TMP/console.sock
"$PROBE" console-recv "$sock" '/probe tty; echo marker-$((6*7)); exit' >"$TMP/recv.out" 2>&1 &
recv=$!
track_pid $recv
wait_file "$sock" 5
id=$(new_id)
if k create --console-socket "$sock" --bundle "$B" "$id" >"$TMP/c.out" 2>&1; then
	ok "create --console-socket"
else
	fail "create --console-socket" "$(cat "$TMP/c.out")"
fi
k start "$id" >/dev/null 2>&1
wait_pid_gone $recv 15
out=$(cat "$TMP/recv.out")
expect_match "listener receives the master and the slave's name" "$out" 'received master for /dev/pts/[0-9]+'
expect_match "the slave is the process's stdin and controlling terminal" "$out" 'tty /dev/pts/[0-9]+ ctty yes'
expect_match "consoleSize is applied" "$out" 'size 33 101'
expect_match "a shell answers through the pty" "$out" 'marker-42'
wait_status "$id" stopped 10 && ok "container stops when the shell exits" ||
	fail "container stops when the shell exits" "status $(status_of "$id")"
k delete "$id" >/dev/null 2>&1

# --- who holds the master -------------------------------------------------------
expect_create_fails "terminal without --console-socket" "$B" 'process.terminal: needs --console-socket'
F=$TMP/noterm
bundle_clone "$F" "$B"
bundle_set "$F" terminal 'false'
expect_create_fails "--console-socket without a terminal" "$F" '--console-socket: process.terminal is false' \
	--console-socket "$sock"

# --- keel run attached: keel itself proxies the terminal ------------------------
id=$(new_id)
out=$(printf '/probe tty\nexit 5\n' | k run --bundle "$B" "$id" 2>&1); rc=$?
expect_match "run attached: the process has a terminal" "$out" 'tty /dev/pts/[0-9]+ ctty yes'
expect_eq "run attached: exit status comes through" "$rc" 5
expect_eq "run attached: state is gone after run" "$(ls "$ROOT" 2>/dev/null | grep -c "$id")" 0

# --- /dev/console is the terminal, whatever the image had there (CVE-2025-52565) ---
C=$TMP/console-link
bundle_clone "$C" "$B"
cp -a "$B/rootfs" "$TMP/console-rootfs"
bundle_set "$C" root "{\"path\": \"$TMP/console-rootfs\", \"readonly\": false}"
# no /dev tmpfs: the image's own /dev, with /dev/console a link to a procfs file
sed -i '/"destination": "\/dev", "type": "tmpfs"/d' "$C/config.json"
ln -sf /proc/sys/kernel/core_pattern "$TMP/console-rootfs/dev/console"
ln -sf pts/ptmx "$TMP/console-rootfs/dev/ptmx"
core=$(cat /proc/sys/kernel/core_pattern)
id=$(new_id)
out=$(printf '/probe stat /dev/console\nexit\n' | k run --bundle "$C" "$id" 2>&1)
expect_match "/dev/console is a pty slave (major 136)" "$out" 'type=chr .*rdev=136,[0-9]+'
expect_eq "the host's core_pattern is untouched" "$(cat /proc/sys/kernel/core_pattern)" "$core"

# --- keel spec: the default bundle runs as it is ---------------------------------
S=$TMP/spec-bundle
mkdir -p "$S"
cp -a "$B/rootfs" "$S/rootfs"
if k spec --bundle "$S" 2>"$TMP/spec.err"; then
	ok "keel spec writes config.json"
else
	fail "keel spec writes config.json" "$(cat "$TMP/spec.err")"
fi
if k spec --bundle "$S" 2>"$TMP/spec.err"; then
	fail "keel spec refuses to overwrite config.json"
else
	expect_match "keel spec refuses to overwrite config.json" "$(cat "$TMP/spec.err")" 'exists'
fi
id=$(new_id)
out=$(printf 'echo spec-$((40+2)); cat /proc/self/status | grep CapEff; exit\n' |
	k run --bundle "$S" "$id" 2>&1); rc=$?
expect_eq "keel run accepts keel spec's config: exit 0" "$rc" 0
expect_match "keel run accepts keel spec's config: the shell ran" "$out" 'spec-42'
expect_match "keel spec's capabilities are applied" "$out" 'CapEff:[[:space:]]+0*20000420'
R=$TMP/rootless
mkdir -p "$R"
k spec --rootless --bundle "$R" >/dev/null 2>&1
expect_match "keel spec --rootless adds a user namespace" "$(cat "$R/config.json" 2>/dev/null)" '"type":[[:space:]]*"user"'
expect_match "keel spec --rootless maps the caller" "$(cat "$R/config.json" 2>/dev/null)" '"uidMappings"'

done_testing
