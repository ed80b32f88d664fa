#!/bin/bash
# SPDX-License-Identifier: MIT
#
# create flags beyond the basics: --pidfd-socket, systemd socket activation
# (LISTEN_FDS), the cwd check against leaked host directories
# (CVE-2024-21626), and the per-container lock under concurrent commands.
. "$(dirname "$0")/../lib.sh"
need_root

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }

# --- --pidfd-socket ------------------------------------------------------------
sock=$TMP/pidfd.sock
"$PROBE" fd-recv "$sock" >"$TMP/recv.out" 2>&1 &
recv=$!
track_pid $recv
wait_file "$sock" 5
id=$(new_id)
if k create --pidfd-socket "$sock" --bundle "$B" "$id" >"$TMP/c.out" 2>&1; then
	ok "create --pidfd-socket"
else
	fail "create --pidfd-socket" "$(cat "$TMP/c.out")"
fi
wait_pid_gone $recv 5
expect_match "the listener receives a pidfd" "$(cat "$TMP/recv.out")" 'message pidfd fd anon_inode:\[pidfd\]'
k delete --force "$id" >/dev/null 2>&1

# --- LISTEN_FDS ----------------------------------------------------------------
L=$TMP/listen
bundle_clone "$L" "$B"
bundle_args "$L" '"/bin/sh","-c","/probe env; /probe fds"'
id=$(new_id)
out=$(LISTEN_FDS=2 k run --bundle "$L" "$id" 3<"$B/config.json" 4<"$B/config.json" 5<"$B/config.json" 2>&1)
expect_match "LISTEN_FDS is passed on" "$out" '^LISTEN_FDS=2$'
expect_match "LISTEN_PID is the container's pid 1" "$out" '^LISTEN_PID=1$'
expect_match "the listen fds 3 and 4 reach the container" "$out" '^3 .*config.json'
expect_match "the listen fds 3 and 4 reach the container (4)" "$out" '^4 .*config.json'
expect_nomatch "fd 5, not a listen fd, does not" "$out" '^5 .*config.json'

# --- CVE-2024-21626: a leaked host directory as process.cwd -----------------
# The attack: a host directory fd reaches init (here on purpose, through
# --preserve-fds) and config.json asks for /proc/self/fd/3 as cwd.  The
# process would start with its cwd outside the container.
mkdir -p "$TMP/hostdir"
C=$TMP/cwd
bundle_clone "$C" "$B"
bundle_set "$C" cwd '"/proc/self/fd/3"'
exec 7<"$TMP/hostdir"
expect_create_fails "cwd through a leaked host dir fd" "$C" 'process.cwd: /proc/self/fd/3 is outside the container' \
	--preserve-fds 1 3<"$TMP/hostdir"
exec 7<&-

# --- one lock per container ------------------------------------------------------
# start and delete --force race on the same ids: every command answers, and
# what is left is consistent (the container gone, nothing half-deleted).
bad=0
for i in 1 2 3 4 5 6 7 8; do
	id=$(new_id)
	k create --bundle "$B" "$id" >/dev/null 2>&1 || bad=$((bad + 1))
	k start "$id" >"$TMP/s$i.out" 2>&1 &
	p1=$!
	k delete --force "$id" >"$TMP/d$i.out" 2>&1 &
	p2=$!
	k state "$id" >/dev/null 2>&1 &
	p3=$!
	wait $p1 $p2 $p3
	k delete --force "$id" >/dev/null 2>&1
	[ -e "$ROOT/$id" ] && bad=$((bad + 1))
	grep -qv -e 'does not exist' -e 'stopped' -e 'not running' -e '^$' "$TMP/s$i.out" && bad=$((bad + 1))
done
expect_eq "start/delete/state races leave no state behind and no odd errors" "$bad" 0

# --- a session keyring of its own, unless --no-new-keyring ------------------------
KR=$TMP/keyring
bundle_clone "$KR" "$B"
bundle_args "$KR" '"/probe","keyring"'
mine=$("$PROBE" keyring 2>&1)
id=$(new_id)
theirs=$(k run --bundle "$KR" "$id" 2>&1)
case $mine in
*ENOSYS*)
	# a kernel without CONFIG_KEYS (the riscv64 board's): keel's keyctl
	# fails too, and it goes on without a keyring, as runc does
	expect_match "no keyrings in the kernel: the container runs all the same" "$theirs" 'keyctl: ENOSYS'
	skip "the container gets a new session keyring" "the kernel has no keyrings (keyctl: ENOSYS)"
	skip "--no-new-keyring keeps the caller's session keyring" "the kernel has no keyrings (keyctl: ENOSYS)"
	done_testing ;;
esac
if [ -n "$theirs" ] && [ "$theirs" != "$mine" ]; then
	ok "the container gets a new session keyring"
else
	fail "the container gets a new session keyring" "host $mine, container $theirs"
fi
id=$(new_id)
expect_eq "--no-new-keyring keeps the caller's session keyring" "$(k run --no-new-keyring --bundle "$KR" "$id" 2>&1)" "$mine"

done_testing
