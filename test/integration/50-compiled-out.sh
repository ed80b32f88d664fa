#!/bin/bash
# SPDX-License-Identifier: MIT
# A keel built with allnoconfig ($KEEL_ALLNO): what it lacks is not linked,
# a config.json or command that needs it is refused with an error naming the
# option, and a plain container still runs (without any cgroup).
. "$(dirname "$0")/../lib.sh"
need_root

if [ -z "${KEEL_ALLNO:-}" ] || [ ! -x "$KEEL_ALLNO" ]; then
	echo "1..0 # SKIP KEEL_ALLNO (an allnoconfig keel) is not set; make check builds it"
	exit 0
fi
ALLNO=$(realpath "$KEEL_ALLNO")
ALLNO_CONFIG=$(dirname "$ALLNO")/.config
ALLNO_UNSTRIPPED=$(dirname "$ALLNO")/build/keel.unstripped

# a KEEL_ALLNO ARGS...: "k" with the allnoconfig binary.
a() {
	KEEL=$ALLNO k "$@"
}

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }

# --- what the binary contains ----------------------------------------------------
for opt in CONFIG_SECCOMP CONFIG_USERNS CONFIG_CONSOLE CONFIG_EXEC CONFIG_HOOKS \
	   CONFIG_FREEZER CONFIG_UPDATE CONFIG_CGROUP_V1 CONFIG_CGROUP_V2 CONFIG_MOUNT_IDMAP CONFIG_EVENTS; do
	if [ -r "$ALLNO_CONFIG" ] && ! grep -q "^$opt=y" "$ALLNO_CONFIG"; then
		ok "allnoconfig has $opt off"
	else
		fail "allnoconfig has $opt off" "$ALLNO_CONFIG: $(grep "^$opt=" "$ALLNO_CONFIG" 2>&1)"
	fi
done
if ! command -v nm >/dev/null; then
	# the QEMU guests: no binutils, and only the stripped binaries
	skip "allnoconfig binary has no libseccomp symbols" "no nm here"
	skip "defconfig binary does link libseccomp (nm works)" "no nm here"
elif [ -r "$ALLNO_UNSTRIPPED" ]; then
	syms=$(nm "$ALLNO_UNSTRIPPED" 2>&1 | awk '$3 ~ /^seccomp_(init|load|rule_add|syscall_resolve_name)/ { print $3 }')
	expect_eq "allnoconfig binary has no libseccomp symbols" "$syms" ""
else
	fail "allnoconfig binary has no libseccomp symbols" "no $ALLNO_UNSTRIPPED"
fi
# Guard the check above: nm does find them where they are linked.
if ! command -v nm >/dev/null; then
	:
elif config_has CONFIG_SECCOMP && [ -r "$BUILD/keel.unstripped" ]; then
	expect_match "defconfig binary does link libseccomp (nm works)" \
		"$(nm "$BUILD/keel.unstripped" 2>&1 | awk '{ print $3 }')" '^seccomp_load$'
elif config_has CONFIG_SECCOMP; then
	skip "defconfig binary does link libseccomp (nm works)" "no $BUILD/keel.unstripped"
else
	skip "defconfig binary does link libseccomp (nm works)" "KEEL built without CONFIG_SECCOMP"
fi
if [ "$(stat -c %s "$ALLNO")" -lt "$(stat -c %s "$KEEL")" ]; then
	ok "allnoconfig binary is smaller than KEEL"
else
	fail "allnoconfig binary is smaller than KEEL" "$(stat -c '%s %n' "$ALLNO" "$KEEL")"
fi

# --- refused configs name the option and leave nothing -------------------------------
refuse() {	# refuse NAME DIR OPTION-REGEX
	KEEL=$ALLNO expect_create_fails "$1" "$2" "$3"
}

F=$TMP/seccomp
bundle_clone "$F"
bundle_insert "$F" linux '"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO"}]}'
refuse "linux.seccomp" "$F" 'CONFIG_SECCOMP'

F=$TMP/userns
bundle_clone "$F"
bundle_set "$F" namespaces '[{"type": "pid"},{"type": "mount"},{"type": "uts"},{"type": "ipc"},{"type": "user"}]'
bundle_insert "$F" linux '"uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}], "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}]'
refuse "user namespace" "$F" 'CONFIG_USERNS'

# CONFIG_MOUNT_IDMAP: the options and a mount's own mappings (no user
# namespace needed to ask for them)
F=$TMP/idmap
bundle_clone "$F"
bundle_insert "$F" mounts "{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"$TMP\", \"options\": [\"rbind\", \"ridmap\"]}"
refuse "ridmap" "$F" 'mounts\[0\]\.options\[1\]: "ridmap": this keel was built without CONFIG_MOUNT_IDMAP'
F=$TMP/idmap-maps
bundle_clone "$F"
bundle_insert "$F" mounts "{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"$TMP\", \"options\": [\"bind\"], \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}], \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}"
refuse "mounts[].uidMappings" "$F" 'mounts\[0\]\.uidMappings: .*CONFIG_MOUNT_IDMAP'

F=$TMP/terminal
bundle_clone "$F"
bundle_set "$F" terminal true
refuse "process.terminal" "$F" 'CONFIG_CONSOLE'

F=$TMP/hooks
bundle_clone "$F"
# hooks is a top-level member: put it before "linux".
awk '/^\t"linux": \{/ { print "\t\"hooks\": {\"prestart\": [{\"path\": \"/bin/true\"}]}," } { print }' \
	"$F/config.json" >"$F/config.json.new" && mv "$F/config.json.new" "$F/config.json"
refuse "hooks" "$F" 'CONFIG_HOOKS'

F=$TMP/memory
bundle_clone "$F"
bundle_insert "$F" linux '"resources": {"memory": {"limit": 67108864}}'
refuse "linux.resources.memory.limit" "$F" '(CONFIG_CGROUP_V1|cgroup support)'

F=$TMP/sysctl
bundle_clone "$F"
bundle_insert "$F" linux '"sysctl": {"kernel.shmmax": "1000000"}'
refuse "linux.sysctl" "$F" 'linux.sysctl: this keel was built without CONFIG_PROC_ATTRS'

F=$TMP/sched
bundle_clone "$F"
bundle_insert "$F" process '"scheduler": {"policy": "SCHED_BATCH"}'
refuse "process.scheduler" "$F" 'process.scheduler: this keel was built without CONFIG_PROC_ATTRS'

F=$TMP/pids
bundle_clone "$F"
bundle_insert "$F" linux '"resources": {"pids": {"limit": 20}}'
refuse "linux.resources.pids.limit" "$F" '(CONFIG_CGROUP_V1|cgroup support)'

# --- refused commands ------------------------------------------------------------------
a exec some-id /bin/true >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc != 0 ]; then ok "exec exits non-zero"; else fail "exec exits non-zero"; fi
expect_match "exec: error names CONFIG_EXEC" "$(cat "$TMP/err")" '^keel: .*CONFIG_EXEC'
for verb in pause resume; do
	a $verb some-id >/dev/null 2>"$TMP/err"; rc=$?
	if [ $rc != 0 ]; then ok "$verb exits non-zero"; else fail "$verb exits non-zero"; fi
	expect_match "$verb: error names CONFIG_FREEZER" "$(cat "$TMP/err")" '^keel: .*CONFIG_FREEZER'
done
a events --stats some-id >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc != 0 ]; then ok "events exits non-zero"; else fail "events exits non-zero"; fi
expect_match "events: error names CONFIG_EVENTS" "$(cat "$TMP/err")" '^keel: events: .*CONFIG_EVENTS'
a update --pids-limit 5 some-id >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc != 0 ]; then ok "update exits non-zero"; else fail "update exits non-zero"; fi
expect_match "update: error names CONFIG_UPDATE" "$(cat "$TMP/err")" '^keel: .*CONFIG_UPDATE'

# --- a plain container runs, without a cgroup of its own -----------------------------
id=$(new_id)
out=$(a run --bundle "$B" "$id" 2>"$TMP/err"); rc=$?
expect_rc "plain config: run exits 0" $rc 0
expect_eq "plain config: run prints hello" "$out" "hello from keel"
[ -s "$TMP/err" ] && diag "stderr: $(cat "$TMP/err")"
if [ ! -e "$ROOT/$id" ]; then ok "plain config: run removes its state"; else fail "plain config: run removes its state"; fi

# A memory limit of 0 means "unset" (runc): no cgroup needed.
Z=$TMP/zero-limit
bundle_clone "$Z"
bundle_insert "$Z" linux '"resources": {"memory": {"limit": 0}}'
id=$(new_id)
out=$(a run --bundle "$Z" "$id" 2>"$TMP/err"); rc=$?
expect_rc "memory.limit 0 (unset) runs without cgroups" $rc 0
[ $rc = 0 ] || diag "stderr: $(cat "$TMP/err")"

S=$TMP/sleep
bundle_clone "$S"
bundle_args "$S" '"/bin/sh","-c","/probe sleep 1000 & exec /probe sleep 1000"'
id=$(new_id sleep)
a run --detach --bundle "$S" "$id" >/dev/null 2>"$TMP/err"; rc=$?
expect_rc "no-cgroup mode: run --detach exits 0" $rc 0
pid=$(KEEL=$ALLNO pid_of "$id")
expect_eq "no-cgroup mode: state is running" "$(KEEL=$ALLNO status_of "$id")" running
# init stays in the cgroups keel ran in (ours), in every hierarchy
expect_eq "no-cgroup mode: init stays in keel's own cgroups" \
	"$(cat "/proc/$pid/cgroup" 2>&1)" "$(cat /proc/self/cgroup)"
made=
for d in /sys/fs/cgroup/*/keel/"$id" /sys/fs/cgroup/keel/"$id"; do
	[ -e "$d" ] && made="$made $d"
done
expect_eq "no-cgroup mode: no cgroup directory made" "${made# }" ""

# kill --all has no cgroup to walk: it must not report success while the
# container runs on.
sleep 0.3
child=$(cut -d' ' -f1 "/proc/$pid/task/$pid/children" 2>/dev/null)
a kill --all "$id" KILL >/dev/null 2>"$TMP/err"; rc=$?
if [ $rc != 0 ]; then
	expect_match "no-cgroup mode: kill --all fails with a reason" "$(cat "$TMP/err")" '^keel: '
elif wait_pid_gone "$pid" 5 && { [ -z "$child" ] || wait_pid_gone "$child" 5; }; then
	ok "no-cgroup mode: kill --all kills the container"
else
	fail "no-cgroup mode: kill --all kills the container" \
		"kill --all exited 0 but init $pid is $(grep State /proc/"$pid"/status 2>&1)"
fi
a kill "$id" KILL >/dev/null 2>&1
if wait_pid_gone "$pid" 5; then ok "no-cgroup mode: kill ID KILL kills init"; else fail "no-cgroup mode: kill ID KILL kills init"; fi
if [ -n "$child" ] && wait_pid_gone "$child" 5; then
	ok "no-cgroup mode: init's child dies with the pid namespace"
else
	fail "no-cgroup mode: init's child dies with the pid namespace" "child '$child'"
fi
a delete "$id" >/dev/null 2>"$TMP/err"; rc=$?
expect_rc "no-cgroup mode: delete exits 0" $rc 0
if [ ! -e "$ROOT/$id" ]; then ok "no-cgroup mode: delete removes the state dir"; else fail "no-cgroup mode: delete removes the state dir"; fi

done_testing
