#!/bin/bash
# SPDX-License-Identifier: MIT
#
# OCI hooks: all six kinds at their points in the lifecycle and in the
# namespaces the runtime-spec gives, with the state on stdin, args, env and
# timeout, and the failure rules (create-time hooks fail the create and
# leave nothing; poststart and poststop only warn).
. "$(dirname "$0")/../lib.sh"
need_root

if ! config_has CONFIG_HOOKS; then
	echo "1..0 # SKIP keel built without CONFIG_HOOKS"
	exit 0
fi

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
LOG=$TMP/hooks.log
: >"$LOG"

# A hook script on the host: logs its kind, the status it was given, where
# it ran (hostname, mount namespace), its args and env.
cat >"$TMP/hook.sh" <<HOOK
#!/bin/sh
state=\$(cat)
status=\$(printf '%s' "\$state" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')
id=\$(printf '%s' "\$state" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
echo "\$1 status=\$status id=\$id host=\$(hostname) mnt=\$(readlink /proc/self/ns/mnt) foo=\$FOO" >>$LOG
HOOK
chmod +x "$TMP/hook.sh"

# hooks_json KIND...: a "hooks" member with one logging hook per kind
hook() {	# hook KIND -> one hook object
	printf '{"path": "%s", "args": ["hook.sh", "%s"], "env": ["FOO=bar-%s"]}' "$TMP/hook.sh" "$1" "$1"
}
add_hooks() {	# add_hooks DIR 'MEMBERS'
	sed -i "s|^\t\"hostname\": \"keel-test\",|&\n\t\"hooks\": {$2},|" "$1/config.json"
}

# startContainer runs after pivot_root: its path is inside the container.
start_hook='{"path": "/bin/sh", "args": ["sh", "-c", "echo startContainer-$(hostname) > /tmp/start-hook"]}'
add_hooks "$B" "\"prestart\": [$(hook prestart)], \"createRuntime\": [$(hook createRuntime)], \"createContainer\": [$(hook createContainer)], \"startContainer\": [$start_hook], \"poststart\": [$(hook poststart)], \"poststop\": [$(hook poststop)]"
bundle_args "$B" '"/probe","sleep","30"'

# as a regex: "mnt:[4026531832]" has brackets
host_mnt=$(readlink /proc/self/ns/mnt | sed 's/[][]/\\&/g')
id=$(new_id)
if k create --bundle "$B" "$id" >"$TMP/c.out" 2>&1; then ok "create with hooks"; else fail "create with hooks" "$(cat "$TMP/c.out")"; fi
log=$(cat "$LOG")
expect_match "prestart ran at create, state created (as crun)" "$log" "^prestart status=created id=$id "
expect_match "createRuntime ran at create, state created (as crun)" "$log" "^createRuntime status=created id=$id "
expect_match "createContainer ran at create, state created (as crun)" "$log" "^createContainer status=created id=$id "
expect_match "createRuntime runs in the runtime's namespaces" "$(grep '^createRuntime' "$LOG")" "host=$(hostname) mnt=$host_mnt"
expect_match "createContainer runs in the container's uts namespace" "$(grep '^createContainer' "$LOG")" 'host=keel-test'
expect_nomatch "createContainer runs in the container's mount namespace" "$(grep '^createContainer' "$LOG")" "mnt=$host_mnt"
expect_match "hook args reach the hook" "$(grep '^createRuntime' "$LOG")" '^createRuntime '
expect_match "hook env reaches the hook" "$(grep '^createRuntime' "$LOG")" 'foo=bar-createRuntime$'
expect_eq "order at create" "$(cut -d' ' -f1 "$LOG" | tr '\n' ' ')" "prestart createRuntime createContainer "
expect_nomatch "startContainer has not run at create" "$(ls "$B/rootfs/tmp")" 'start-hook'

k start "$id" >/dev/null 2>&1
wait_grep "$B/rootfs/tmp/start-hook" . 5
expect_eq "startContainer ran inside the container after pivot_root" \
	"$(cat "$B/rootfs/tmp/start-hook" 2>/dev/null)" "startContainer-keel-test"
expect_match "poststart ran at start, state running" "$(cat "$LOG")" "^poststart status=running id=$id "
expect_nomatch "poststop has not run before delete" "$(cat "$LOG")" '^poststop'
k delete --force "$id" >/dev/null 2>&1
expect_match "poststop ran at delete, state stopped" "$(cat "$LOG")" "^poststop status=stopped id=$id "
expect_eq "the whole order" "$(cut -d' ' -f1 "$LOG" | tr '\n' ' ')" \
	"prestart createRuntime createContainer poststart poststop "

# --- failures ---------------------------------------------------------------
F=$TMP/fail
make_bundle "$F"
add_hooks "$F" '"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]'
expect_create_fails "a failing createRuntime hook" "$F" 'hooks.createRuntime\[0\]: /bin/sh exited with status 3'

T=$TMP/timeout
make_bundle "$T"
add_hooks "$T" '"createContainer": [{"path": "/bin/sleep", "args": ["sleep", "20"], "timeout": 1}]'
start=$(date +%s)
expect_create_fails "a hook past its timeout" "$T" 'hooks.createContainer\[0\]: /bin/sleep timed out after 1 s'
expect_eq "the timeout is honoured (well under 20 s)" "$(( $(date +%s) - start < 10 ))" 1

P=$TMP/post
make_bundle "$P"
add_hooks "$P" '"poststart": [{"path": "/bin/false"}], "poststop": [{"path": "/bin/false"}]'
bundle_args "$P" '"/probe","sleep","30"'
id=$(new_id)
k create --bundle "$P" "$id" >/dev/null 2>&1
if k start "$id" 2>"$TMP/ps.err"; then ok "a failing poststart hook does not fail start"; else fail "a failing poststart hook does not fail start" "$(cat "$TMP/ps.err")"; fi
expect_match "a failing poststart hook is reported" "$(cat "$TMP/ps.err")" 'warning: hooks.poststart\[0\]'
expect_eq "the container runs on after a failing poststart hook" "$(status_of "$id")" running
if k delete --force "$id" 2>"$TMP/pd.err"; then ok "a failing poststop hook does not fail delete"; else fail "a failing poststop hook does not fail delete"; fi
expect_eq "the container is gone after a failing poststop hook" "$(ls "$ROOT" | grep -c "$id")" 0

# --- a hook that never reads a large state -----------------------------------
L=$TMP/large
make_bundle "$L"
big=$(head -c 300000 /dev/zero | tr '\0' 'x')
sed -i "s|^\t\"hostname\": \"keel-test\",|&\n\t\"annotations\": {\"big\": \"$big\"},|" "$L/config.json"
add_hooks "$L" '"createRuntime": [{"path": "/bin/true"}]'
id=$(new_id)
if k create --bundle "$L" "$id" >"$TMP/l.out" 2>&1; then
	ok "a hook that ignores a 300 KB state on stdin does not hang or kill keel"
else
	fail "a hook that ignores a 300 KB state on stdin does not hang or kill keel" "$(head -c 300 "$TMP/l.out")"
fi
k delete --force "$id" >/dev/null 2>&1

# --- startContainer failure stops the container --------------------------------
S=$TMP/startfail
make_bundle "$S"
add_hooks "$S" '"startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "exit 4"]}]'
bundle_args "$S" '"/probe","sleep","30"'
id=$(new_id)
k create --bundle "$S" "$id" >"$TMP/sf.out" 2>&1
k start "$id" >"$TMP/sf-start.out" 2>&1
expect_rc "start fails when a startContainer hook fails" $? 1
wait_status "$id" stopped 5 && ok "a failing startContainer hook stops the container" ||
	fail "a failing startContainer hook stops the container" "status $(status_of "$id")"
expect_match "start reports the startContainer failure" "$(cat "$TMP/sf-start.out")" \
	'^keel: hooks.startContainer\[0\]: /bin/sh exited with status 4$'

done_testing
