#!/bin/bash
# SPDX-License-Identifier: MIT
#
# exec: a second process joins every namespace, the cgroup and the root of a
# running container, with the container's process settings plus the
# command line's; exit codes come back; --detach/--pid-file, --tty with and
# without --console-socket; keel runs from a sealed memfd (CVE-2019-5736).
. "$(dirname "$0")/../lib.sh"
need_root

if ! config_has CONFIG_EXEC; then
	echo "1..0 # SKIP keel built without CONFIG_EXEC"
	exit 0
fi

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
sed -i 's|^\(\t*{"destination": "/dev", "type": "tmpfs".*}\)$|\1,\n\t\t{"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620"]}|' "$B/config.json"
bundle_insert "$B" linux '"cgroupsPath": "/keel-it-exec-'$$'"'
bundle_insert "$B" process '"env": ["PATH=/bin", "FROM_CONFIG=yes", "OVER=config"]'
bundle_args "$B" '"/probe","sleep","60"'

id=$(new_id)
k run -d --bundle "$B" "$id" >/dev/null 2>&1
init=$(pid_of "$id")
expect_eq "container is running" "$(status_of "$id")" running

# --- joins everything -------------------------------------------------------
for ns in pid mnt uts ipc; do
	in=$(k exec "$id" /probe ns 2>&1 | sed -n "s/^$ns://p")
	expect_eq "exec joins the $ns namespace" "$in" "$(readlink /proc/$init/ns/$ns | sed "s/^$ns://")"
done
expect_eq "exec sees the container's hostname" "$(k exec "$id" /probe hostname 2>&1)" keel-test
expect_match "exec is in the container's cgroup" "$(k exec "$id" /probe cgroup 2>&1)" ":/keel-it-exec-$$\$"
expect_eq "exec sees the container's root" "$(k exec "$id" /bin/ls / 2>&1 | tr '\n' ' ')" \
	"$(ls "$B/rootfs" | tr '\n' ' ')"
expect_nomatch "exec is not pid 1" "$(k exec "$id" /probe pid 2>&1)" '^1$'

# --- process settings ----------------------------------------------------------
env=$(k exec --env OVER=flag --env NEW=1 "$id" /probe env 2>&1)
expect_match "exec keeps the config's env" "$env" '^FROM_CONFIG=yes$'
expect_match "--env overrides a config variable" "$env" '^OVER=flag$'
expect_nomatch "--env replaces, not duplicates" "$env" '^OVER=config$'
expect_match "--env adds a variable" "$env" '^NEW=1$'
expect_eq "--cwd" "$(k exec --cwd /tmp "$id" /probe cwd 2>&1)" /tmp
expect_match "--user" "$(k exec --user 65534:65534 "$id" /probe ids 2>&1)" '^uid=65534 gid=65534'
expect_eq "--no-new-privs" "$(k exec --no-new-privs "$id" /probe nnp 2>&1)" 1

# --- --process FILE and --cap ---------------------------------------------------
cat >"$TMP/process.json" <<'JSON'
{"cwd": "/tmp", "args": ["/probe", "ids"], "user": {"uid": 5, "gid": 6}, "env": ["A=1"],
 "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}}
JSON
expect_match "--process FILE runs that process as its user" "$(k exec --process "$TMP/process.json" "$id" 2>&1)" '^uid=5 gid=6'
expect_match "--process - reads stdin" "$(sed 's|"ids"|"cwd"|' "$TMP/process.json" | k exec --process - "$id" 2>&1)" '^/tmp$'
# as root: a non-root uid loses its effective set at execve anyway
sed 's|"ids"|"caps"|; s|"uid": 5, "gid": 6|"uid": 0, "gid": 0|' "$TMP/process.json" >"$TMP/caps.json"
expect_match "--process: capabilities from the file" \
	"$(k exec -p "$TMP/caps.json" "$id" 2>&1)" 'CapEff:[[:space:]]+0*20$'
expect_match "--cap adds to the process's capabilities" \
	"$(k exec --cap CAP_SYS_ADMIN -p "$TMP/caps.json" "$id" 2>&1)" 'CapEff:[[:space:]]+0*200020$'
out=$(k exec --cap CAP_BOGUS "$id" /probe pid 2>&1); rc=$?
expect_match "--cap refuses an unknown capability" "$out" 'unknown capability "CAP_BOGUS"'
out=$(echo '{"cwd": "/", "args": []}' | k exec -p - "$id" 2>&1); rc=$?
expect_eq "--process with a bad process fails" "$rc" 1
expect_match "--process errors name the field" "$out" '^keel: --process -: (args|user): '

# --- --preserve-fds ------------------------------------------------------------------
out=$(k exec --preserve-fds 1 "$id" /probe fds 3<"$B/config.json" 4<"$B/config.json" 2>&1)
expect_match "exec --preserve-fds 1 passes fd 3" "$out" '^3 '
expect_nomatch "exec --preserve-fds 1 closes fd 4" "$out" '^4 '

# --- exit codes -------------------------------------------------------------------
k exec "$id" /probe exit 9 >/dev/null 2>&1
expect_eq "exit status comes back" "$?" 9
k exec "$id" /bin/sh -c 'kill -TERM $$' >/dev/null 2>&1
expect_eq "death by signal is 128+N" "$?" 143
out=$(k exec "$id" /nonexistent 2>&1); rc=$?
expect_eq "a missing program fails exec" "$rc" 1
expect_match "a missing program is named" "$out" 'exec: "/nonexistent"'

# --- --detach --pid-file -----------------------------------------------------------
k exec -d --pid-file "$TMP/exec.pid" "$id" /probe sleep 60 >/dev/null 2>&1
epid=$(cat "$TMP/exec.pid" 2>/dev/null)
if [ -n "$epid" ] && [ -d "/proc/$epid" ]; then ok "--detach --pid-file: the pid is alive"; else fail "--detach --pid-file: the pid is alive" "pid '$epid'"; fi
expect_match "--detach: the process is in the container's cgroup" "$(cat /proc/$epid/cgroup 2>&1)" ":/keel-it-exec-$$\$"
expect_match "ps lists the exec'd process" "$(k ps --format json "$id" 2>&1)" "[[,]$epid[],]"

# --- terminals ---------------------------------------------------------------------
out=$(printf '/probe tty\nexit 3\n' | k exec -t "$id" /bin/sh 2>&1); rc=$?
expect_match "--tty attached: a controlling terminal" "$out" 'tty /dev/pts/[0-9]+ ctty yes'
expect_eq "--tty attached: exit status" "$rc" 3
sock=$TMP/console.sock
"$PROBE" console-recv "$sock" '/probe tty; exit' >"$TMP/recv.out" 2>&1 &
recv=$!
track_pid $recv
wait_file "$sock" 5
k exec -t -d --console-socket "$sock" "$id" /bin/sh >/dev/null 2>&1
wait_pid_gone $recv 10
expect_match "--tty --console-socket: the listener talks to the process" "$(cat "$TMP/recv.out")" 'ctty yes'
# containerd's shim: the terminal comes from process.terminal, with no --tty
printf '{"terminal": true, "cwd": "/", "args": ["/bin/sh"], "user": {"uid": 0, "gid": 0}}' >"$TMP/tty.json"
"$PROBE" console-recv "$sock.2" '/probe tty; exit' >"$TMP/recv2.out" 2>&1 &
recv=$!
track_pid $recv
wait_file "$sock.2" 5
k exec -d --console-socket "$sock.2" --process "$TMP/tty.json" "$id" >/dev/null 2>&1
wait_pid_gone $recv 10
expect_match "--process terminal + --console-socket (no --tty): the listener talks to it" \
	"$(cat "$TMP/recv2.out")" 'ctty yes'
out=$(k exec -d --console-socket "$sock.2" --process "$TMP/process.json" "$id" 2>&1)
expect_match "--console-socket without a terminal is refused" "$out" '^keel: --console-socket: process.terminal is false'

# --- CVE-2019-5736: keel is a sealed memfd while it is near the container ----------
"$KEEL" --root "$ROOT" exec "$id" /probe sleep 3 >/dev/null 2>&1 &
kexec=$!
# until keel has re-executed itself (or 3 s): the first moments are the disk binary
for _ in $(seq 30); do
	exe=$(readlink /proc/$kexec/exe 2>&1)
	case $exe in /memfd:*) break ;; esac
	sleep 0.1
done
expect_match "keel exec runs from a memfd, not the binary on disk" "$exe" '^/memfd:keel'
if ( echo x >>"/proc/$kexec/exe" ) 2>/dev/null; then
	fail "the running keel cannot be written through /proc/PID/exe"
else
	ok "the running keel cannot be written through /proc/PID/exe"
fi
wait $kexec

# --- refused ---------------------------------------------------------------------------
k kill "$id" KILL >/dev/null 2>&1
wait_status "$id" stopped 5
out=$(k exec "$id" /probe pid 2>&1); rc=$?
expect_eq "exec into a stopped container fails" "$rc" 1
expect_match "exec into a stopped container says so" "$out" 'cannot exec in a stopped container'
k delete --force "$id" >/dev/null 2>&1
for d in /sys/fs/cgroup/*/keel-it-exec-$$ /sys/fs/cgroup/unified/keel-it-exec-$$; do
	[ -d "$d" ] && rmdir "$d" 2>/dev/null
done

done_testing
