#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Seccomp user notification (linux.seccomp.listenerPath): a test listener
# (test/listener.c) on a unix socket gets the container process state and
# the notify fd, then answers the container's calls; the answer is what the
# container sees.  With and without noNewPrivileges, for init and exec.
. "$(dirname "$0")/../lib.sh"
need_root

if ! config_has CONFIG_SECCOMP_NOTIFY; then
	echo "1..0 # SKIP keel built without CONFIG_SECCOMP_NOTIFY"
	exit 0
fi
LISTENER=$BUILD/test/listener
[ -x "$LISTENER" ] || { fail "test/listener is built"; done_testing; }

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }

# listen NAME MODE: start a listener on $TMP/NAME.sock, writing $TMP/NAME.json
listen() {
	rm -f "$TMP/$1.sock"
	"$LISTENER" "$TMP/$1.sock" "$TMP/$1.json" "$2" 2>"$TMP/$1.err" &
	track_pid $!
	wait_file "$TMP/$1.sock" 5
}

# nbundle DIR NAME [PROCESS-MEMBERS]: notify on personality, listener NAME
nbundle() {
	bundle_clone "$1" "$B"
	bundle_insert "$1" linux "\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$TMP/$2.sock\", \"listenerMetadata\": \"meta-$2\", \"syscalls\": [{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
	[ -z "${3:-}" ] || bundle_insert "$1" process "$3"
	bundle_args "$1" '"/probe","syscall","personality","0xffffffff"'
}

for nnp in false true; do
	for mode in errno value continue; do
		t="nnp=$nnp, $mode"
		name=$mode-$nnp
		listen "$name" $mode || { fail "$t: listener starts" "$(cat "$TMP/$name.err")"; continue; }
		D=$TMP/$name
		nbundle "$D" "$name" "\"noNewPrivileges\": $nnp"
		id=$(new_id)
		# the container's stdio is create's: its output lands in $TMP/$name.out
		k create --bundle "$D" "$id" >"$TMP/$name.out" 2>&1 || fail "$t: create" "$(cat "$TMP/$name.out")"
		pid=$(pid_of "$id")
		k start "$id" || fail "$t: start"
		case $mode in
		errno) want="errno 18 EXDEV" ;;
		value) want=0x2a ;;
		continue) want=$PERS0 ;;
		esac
		wait_status "$id" stopped 10 >/dev/null 2>&1
		k delete "$id" >/dev/null 2>&1
		expect_eq "$t: the container sees the listener's answer" "$(cat "$TMP/$name.out")" "$want"
		json=$(cat "$TMP/$name.json" 2>/dev/null)
		expect_match "$t: the listener got the process state" "$json" \
			"^\\{\"ociVersion\":\"[0-9.]+\",\"fds\":\\[\"seccompFd\"\\],\"pid\":$pid,\"metadata\":\"meta-$name\",\"state\":\\{"
		expect_match "$t: with the container's state" "$json" "\"state\":\\{.*\"id\":\"$id\".*\"status\":\"created\""
		wait_grep "$TMP/$name.json.log" . 5
		expect_match "$t: the listener saw personality(0xffffffff)" \
			"$(cat "$TMP/$name.json.log" 2>/dev/null)" "^nr=[0-9]+ pid=[0-9]+ arg0=4294967295$"
	done
done

# --- exec: the exec'd process gets the filter, the listener its notify fd ---------
if config_has CONFIG_EXEC; then
	listen exec-init continue && listen exec value || fail "exec: listeners start"
	D=$TMP/exec
	nbundle "$D" exec-init
	bundle_args "$D" '"/probe","sleep","60"'
	id=$(new_id)
	k run -d --bundle "$D" "$id" >/dev/null 2>&1 || fail "exec: run -d"
	# the exec'd process shares the container's filter and listenerPath:
	# move the socket so that exec reaches the second listener
	wait_file "$TMP/exec-init.json" 5
	mv "$TMP/exec.sock" "$TMP/exec-init.sock"
	out=$(k exec "$id" /probe syscall personality 0xffffffff 2>&1)
	expect_eq "exec: the exec'd process is answered by the listener" "$out" 0x2a
	json=$(cat "$TMP/exec.json" 2>/dev/null)
	expect_match "exec: the listener got the running container's state" "$json" \
		"\"pid\":[0-9]+,\"metadata\":\"meta-exec-init\",\"state\":\\{.*\"id\":\"$id\".*\"status\":\"running\""
	epid=$(echo "$json" | sed -n 's/.*"fds":\["seccompFd"\],"pid":\([0-9]*\),.*/\1/p')
	expect_match "exec: the pid is the exec'd process's, as keel sees it" \
		"$(cat "$TMP/exec.json.log" 2>/dev/null)" "^nr=[0-9]+ pid=$epid "
	k delete --force "$id" >/dev/null 2>&1
else
	skip "exec and the listener" "keel built without CONFIG_EXEC"
fi

# --- errors --------------------------------------------------------------------------
D=$TMP/nolistener
nbundle "$D" absent
expect_create_fails "no listener on the socket: a clear error" "$D" \
	'linux\.seccomp\.listenerPath: connect .*/absent\.sock: No such file or directory$'

F=$TMP/notify-write
bundle_clone "$F" "$B"
bundle_insert "$F" linux "\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$TMP/x.sock\", \"syscalls\": [{\"names\": [\"write\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
expect_create_fails "notify on write (keel needs it to reach the listener) is refused" "$F" \
	'linux\.seccomp\.syscalls\[0\]'

done_testing
