#!/bin/bash
# SPDX-License-Identifier: MIT
# create / start / state / kill / delete / run / list / ps, runc's contract.
. "$(dirname "$0")/../lib.sh"
need_root

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
B=$(realpath "$B")

# --- create -> start -> stopped -> delete ---------------------------------------
M=$TMP/marker-bundle
make_bundle "$M"
M=$(realpath "$M")
bundle_args "$M" '"/bin/sh","-c","echo ran > /tmp/marker"'
marker=$M/rootfs/tmp/marker
id=$(new_id)
k create --bundle "$M" --pid-file "$TMP/init.pid" "$id" >"$TMP/c.out" 2>"$TMP/c.err"; rc=$?
expect_rc "create exits 0" $rc 0
[ $rc = 0 ] || diag "$(cat "$TMP/c.err")"
st=$(state_of "$id")
expect_eq "state after create is 'created'" "$(json_field "$st" status)" created
expect_eq "state id is the id" "$(json_field "$st" id)" "$id"
expect_eq "state bundle is the bundle's absolute path" "$(json_field "$st" bundle)" "$M"
expect_eq "state rootfs is the rootfs' absolute path" "$(json_field "$st" rootfs)" "$M/rootfs"
expect_match "state ociVersion is 1.2.x" "$(json_field "$st" ociVersion)" '^1\.2\.[0-9]+'
expect_match "state created is an RFC 3339 time" "$(json_field "$st" created)" \
	'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}'
missing=
for key in ociVersion id pid status bundle rootfs created owner annotations; do
	printf '%s' "$st" | grep -q "\"$key\"[[:space:]]*:" || missing="$missing $key"
done
expect_eq "state JSON has runc's keys" "${missing# }" ""
pid=$(json_field "$st" pid)
if pid_alive "$pid" && [ "$pid" -gt 0 ]; then ok "created init pid is alive"; else fail "created init pid is alive" "pid '$pid'" "state: $st"; fi
expect_eq "--pid-file holds the init pid" "$(cat "$TMP/init.pid" 2>/dev/null)" "$pid"
if [ -p "$ROOT/$id/exec.fifo" ]; then ok "exec.fifo exists while created"; else fail "exec.fifo exists while created" "$(ls -la "$ROOT/$id" 2>&1)"; fi
if [ -f "$ROOT/$id/state.json" ]; then ok "state.json exists in the state dir"; else fail "state.json exists in the state dir"; fi
sleep 0.5
if [ ! -e "$marker" ]; then ok "user program has not run before start"; else fail "user program has not run before start"; fi

k start "$id" >/dev/null 2>"$TMP/err"; rc=$?
expect_rc "start exits 0" $rc 0
[ $rc = 0 ] || diag "$(cat "$TMP/err")"
if wait_file "$marker" 10; then ok "user program ran after start"; else fail "user program ran after start"; fi
if wait_status "$id" stopped 10; then ok "state is 'stopped' after the process exits"; else fail "state is 'stopped' after the process exits" "status: $(status_of "$id")"; fi
if [ ! -e "$ROOT/$id/exec.fifo" ]; then ok "exec.fifo is gone after start"; else fail "exec.fifo is gone after start"; fi
k start "$id" >/dev/null 2>&1; rc=$?
if [ $rc != 0 ]; then ok "start of a stopped container fails"; else fail "start of a stopped container fails"; fi

k delete "$id" >/dev/null 2>"$TMP/err"; rc=$?
expect_rc "delete exits 0" $rc 0
k state "$id" >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc != 0 ] && grep -q 'does not exist' "$TMP/err"; then
	ok "state after delete says 'does not exist'"
else
	fail "state after delete says 'does not exist'" "exit $rc, stderr: $(cat "$TMP/err")"
fi
if [ ! -e "$ROOT/$id" ]; then ok "state dir removed by delete"; else fail "state dir removed by delete"; fi

# --- run in the foreground ------------------------------------------------------
id=$(new_id)
out=$(k run --bundle "$B" "$id" 2>"$TMP/err"); rc=$?
expect_rc "run exits with the container's status (0)" $rc 0
expect_eq "run prints the container's output" "$out" "hello from keel"
if [ ! -e "$ROOT/$id" ]; then ok "run without --keep deletes the container"; else fail "run without --keep deletes the container"; fi

E=$TMP/exit3
bundle_clone "$E" "$B"
bundle_args "$E" '"/probe","exit","3"'
id=$(new_id)
k run --bundle "$E" "$id" >/dev/null 2>"$TMP/err"; rc=$?
expect_rc "run exits with the container's status (3)" $rc 3

id=$(new_id)
(cd "$E" && k run --keep "$id" >/dev/null 2>&1); rc=$?
expect_rc "run --keep with the bundle defaulting to cwd" $rc 3
expect_eq "run --keep leaves a stopped container" "$(status_of "$id")" stopped
k delete "$id" >/dev/null 2>&1
if [ ! -e "$ROOT/$id" ]; then ok "delete after run --keep"; else fail "delete after run --keep"; fi

# --- run --detach, kill, delete ----------------------------------------------------
S=$TMP/sleep
bundle_clone "$S" "$B"
bundle_args "$S" '"/probe","sleep","100"'
id=$(new_id)
k run --bundle "$S" --detach "$id" >"$TMP/d.out" 2>"$TMP/d.err"; rc=$?
expect_rc "run --detach returns 0 at once" $rc 0
expect_eq "run --detach: state is 'running'" "$(status_of "$id")" running
pid=$(pid_of "$id")
if pid_alive "$pid"; then ok "run --detach: init is alive"; else fail "run --detach: init is alive" "pid '$pid'"; fi

k delete "$id" >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc != 0 ] && pid_alive "$pid"; then
	ok "delete of a running container without --force fails"
else
	fail "delete of a running container without --force fails" "exit $rc"
fi

ps_out=$(k ps --format json "$id" 2>&1)
expect_match "ps --format json lists the init pid" "$ps_out" "^\[.*\b$pid\b.*\]$"

id2=$(new_id)
k create --bundle "$S" "$id2" >/dev/null 2>&1
expect_eq "list -q prints just the ids" "$(k list -q 2>&1 | sort)" "$(printf '%s\n' "$id" "$id2" | sort)"
list=$(k list 2>&1)
expect_match "list shows the running id" "$list" "^$id[[:space:]].*running"
expect_match "list shows the created id" "$list" "^$id2[[:space:]].*created"
expect_match "list --format json shows the id" "$(k list --format json 2>&1)" "\"id\"[[:space:]]*:[[:space:]]*\"$id2\""
k delete --force "$id2" >/dev/null 2>&1; rc=$?
expect_rc "delete --force of a created container" $rc 0
if [ ! -e "$ROOT/$id2" ]; then ok "delete --force removes the state dir"; else fail "delete --force removes the state dir"; fi

k kill "$id" KILL >/dev/null 2>"$TMP/err"; rc=$?
expect_rc "kill ID KILL exits 0" $rc 0
if wait_status "$id" stopped 10; then ok "state is 'stopped' after kill"; else fail "state is 'stopped' after kill" "status: $(status_of "$id")"; fi
if wait_pid_gone "$pid" 5; then ok "init is gone after kill"; else fail "init is gone after kill"; fi
k delete "$id" >/dev/null 2>"$TMP/err"; rc=$?
expect_rc "delete of the killed container exits 0" $rc 0
if [ ! -e "$ROOT/$id" ]; then ok "state dir removed"; else fail "state dir removed"; fi

# --- signal forms --------------------------------------------------------------------
W=$TMP/sigwait
bundle_clone "$W" "$B"
bundle_args "$W" '"/probe","signal-wait"'
for form in TERM SIGTERM 15 USR1 SIGUSR1 10; do
	case $form in
	*TERM|15) want=SIGTERM ;;
	*) want=SIGUSR1 ;;
	esac
	id=$(new_id)
	out=$TMP/sig-$form.out
	if ! k run --detach --bundle "$W" "$id" >"$out" 2>&1; then
		fail "kill ID $form delivers $want" "run --detach failed: $(cat "$out")"
		continue
	fi
	if ! wait_grep "$out" '^ready$' 10; then
		fail "kill ID $form delivers $want" "probe never got ready: $(cat "$out")"
		continue
	fi
	k kill "$id" "$form" >/dev/null 2>"$TMP/err"; rc=$?
	if [ $rc = 0 ] && wait_grep "$out" "^$want\$" 10; then
		ok "kill ID $form delivers $want"
	else
		fail "kill ID $form delivers $want" "exit $rc, stderr: $(cat "$TMP/err")" "probe said: $(cat "$out")"
	fi
	wait_status "$id" stopped 5
	k delete --force "$id" >/dev/null 2>&1
done

id=$(new_id)
k run --detach --bundle "$W" "$id" >/dev/null 2>&1
k kill "$id" NOTASIGNAL >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc != 0 ] && grep -q '^keel: ' "$TMP/err"; then
	ok "kill with an unknown signal fails with an error"
else
	fail "kill with an unknown signal fails with an error" "exit $rc, stderr: $(cat "$TMP/err")"
fi
k delete --force "$id" >/dev/null 2>&1; rc=$?
expect_rc "delete --force of a running container exits 0" $rc 0
if [ ! -e "$ROOT/$id" ]; then ok "delete --force removes a running container"; else fail "delete --force removes a running container"; fi

# --- every command has --help ------------------------------------------------------
for c in create start run state kill delete list ps exec pause resume spec features; do
	if ! "$KEEL" "$c" --help >"$TMP/help.out" 2>&1; then
		grep -q 'built without' "$TMP/help.out" && continue
		fail "$c --help exits 0" "$(cat "$TMP/help.out")"
		continue
	fi
	expect_match "$c --help prints its usage" "$(head -1 "$TMP/help.out")" "^Usage: keel $c"
done

# --- state stays true when init dies behind keel's back ------------------------------
K=$TMP/killed
bundle_clone "$K" "$B"
bundle_args "$K" '"/probe","sleep","60"'
id=$(new_id)
k create --bundle "$K" "$id" >/dev/null 2>&1
pid=$(pid_of "$id")
kill -KILL "$pid" 2>/dev/null
wait_pid_gone "$pid" 5
expect_eq "init killed while created: state says stopped" "$(status_of "$id")" stopped
if k delete "$id" >/dev/null 2>&1; then ok "a container whose init died deletes without --force"; else fail "a container whose init died deletes without --force"; fi
id=$(new_id)
k run -d --bundle "$K" "$id" >/dev/null 2>&1
pid=$(pid_of "$id")
kill -KILL "$pid" 2>/dev/null
wait_pid_gone "$pid" 5
expect_eq "init killed while running: state says stopped" "$(status_of "$id")" stopped
k delete "$id" >/dev/null 2>&1
# pid reuse: the recorded pid is alive but is not the process create made.
# The false start time is the real one plus one: a constant could be the
# real one (a guest's pid 1 starts at tick 1).
start_time_of() {
	local s
	s=$(cat "/proc/$1/stat") || return 1
	s=${s##*) }
	set -- $s
	echo "${20}"
}
id=$(new_id)
k run -d --bundle "$K" "$id" >/dev/null 2>&1
pid=$(pid_of "$id")
sed -i "s/\"startTime\":[0-9]*/\"startTime\":$(($(start_time_of "$pid") + 1))/" "$ROOT/$id/state.json"
expect_eq "a live pid with another start time is not the container: stopped" "$(status_of "$id")" stopped
sed -i -e 's/"pid":[0-9]*/"pid":1/' \
	-e "s/\"startTime\":[0-9]*/\"startTime\":$(($(start_time_of 1) + 1))/" "$ROOT/$id/state.json"
expect_eq "not even pid 1 of the host" "$(status_of "$id")" stopped

# --- odds and ends of the CLI ------------------------------------------------------
id=$(new_id)
k run -d --bundle "$K" "$id" >/dev/null 2>&1
pid=$(pid_of "$id")
expect_match "ps (table) lists the init pid" "$(k ps "$id" 2>&1)" "^$pid\$"
k --log "$TMP/text.log" kill "$id" NOSUCHSIG >/dev/null 2>&1
expect_match "--log writes runc's text log line" "$(cat "$TMP/text.log" 2>&1)" \
	'^time="[0-9T:-]+Z" level=error msg="invalid signal \\"NOSUCHSIG\\""$'
k delete --force "$id" >/dev/null 2>&1
# a state dir without state.json: create is (or died) midway
id=$(new_id)
mkdir -p "$ROOT/$id"
expect_eq "a half-made container says creating" "$(status_of "$id")" creating
out=$(k delete "$id" 2>&1)
expect_match "delete without --force refuses one still being created" "$out" 'still being created'
if k delete --force "$id" >/dev/null 2>&1 && [ ! -e "$ROOT/$id" ]; then
	ok "delete --force clears a half-made container"
else
	fail "delete --force clears a half-made container" "$(ls -la "$ROOT/$id" 2>&1)"
fi

done_testing
