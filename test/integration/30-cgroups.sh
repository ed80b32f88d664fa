#!/bin/bash
# SPDX-License-Identifier: MIT
# cgroups: limits, cgroupsPath rules, ps, kill --all, pause/resume, and that
# delete and failed creates leave no cgroup behind in any hierarchy.
# Checked from the host (cgroupfs files) and from inside (/proc/self/cgroup).
. "$(dirname "$0")/../lib.sh"
need_root

CG=/sys/fs/cgroup
# The parent every absolute cgroupsPath of this script lives under.
PARENT=/keel-it-$$
# A relative cgroupsPath goes under /keel; ours gets a private first level.
REL=foo-$$

cg_fstype() {
	fstype "$1" 2>/dev/null
}

case $(cg_fstype $CG) in
cgroup2fs) HOST=v2 ;;
tmpfs)
	if [ "$(cg_fstype $CG/unified)" = cgroup2fs ]; then HOST=hybrid; else HOST=v1; fi ;;
*) HOST=none ;;
esac

if [ $HOST = none ]; then
	echo "1..0 # SKIP no cgroup file system at $CG"
	exit 0
fi
if [ $HOST = v2 ] && ! config_has CONFIG_CGROUP_V2; then
	echo "1..0 # SKIP cgroup v2 host, keel built without CONFIG_CGROUP_V2"
	exit 0
fi
if [ $HOST != v2 ] && ! config_has CONFIG_CGROUP_V1; then
	echo "1..0 # SKIP cgroup $HOST host, keel built without CONFIG_CGROUP_V1"
	exit 0
fi

# Mount points of every hierarchy keel puts a container in: each v1
# hierarchy (named ones too), and the v2 tree (unified on hybrid hosts).
hierarchies() {
	awk '{ sep = 0; for (i = 7; i <= NF; i++) if ($i == "-") { sep = i; break } }
	     sep && ($(sep + 1) == "cgroup" || $(sep + 1) == "cgroup2") && index($5, "'$CG'") == 1 { print $5 }' \
		/proc/self/mountinfo | sort -u
}

# The directory of controller CTL (v1 option name, e.g. memory, name=systemd).
v1_mnt() {
	awk -v c="$1" '{ sep = 0; for (i = 7; i <= NF; i++) if ($i == "-") { sep = i; break } }
	     sep && $(sep + 1) == "cgroup" {
		n = split($(sep + 3), o, ","); for (i = 1; i <= n; i++) if (o[i] == c) { print $5; exit } }' \
		/proc/self/mountinfo
}

if [ $HOST = v2 ]; then
	MEM=$CG PIDS=$CG FREEZER=
	V2=$CG
	for c in memory pids; do
		grep -qw $c $CG/cgroup.controllers ||
			{ echo "1..0 # SKIP cgroup v2 host without the $c controller"; exit 0; }
	done
else
	MEM=$(v1_mnt memory) PIDS=$(v1_mnt pids) FREEZER=$(v1_mnt freezer)
	V2=
	[ $HOST = hybrid ] && config_has CONFIG_CGROUP_V2 && V2=$CG/unified
	[ -n "$MEM" ] || { echo "1..0 # SKIP cgroup v1 host without a memory hierarchy"; exit 0; }
	[ -n "$PIDS" ] || { echo "1..0 # SKIP cgroup v1 host without a pids hierarchy"; exit 0; }
fi
HIERS=$(hierarchies)

# Remove our parents in every hierarchy (leaves first), after the library's
# cleanup has deleted the containers.
cg_cleanup() {
	local h d
	for h in $(hierarchies); do
		for d in "$h$PARENT" "$h/keel/$REL"; do
			[ -d "$d" ] || continue
			find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
		done
	done
}
# lib.sh's cleanup deletes the containers (in a subshell: it exits), then
# the parents can go.
trap '_cg_rc=$?; (_t_cleanup); cg_cleanup; exit $_cg_rc' EXIT

# cg_dirs_left PATH: the hierarchies in which cgroup PATH still exists.
cg_dirs_left() {
	local h
	for h in $HIERS; do
		[ -d "$h$1" ] && echo "$h$1"
	done
}

expect_cg_gone() {
	expect_eq "$1: cgroup $2 removed in every hierarchy" "$(cg_dirs_left "$2")" ""
}

in_procs() {
	grep -qx "$2" "$1/cgroup.procs" 2>/dev/null
}

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }

# --- limits, membership, /proc/self/cgroup ------------------------------------
L=$TMP/limits
bundle_clone "$L"
id=$(new_id limits)
path=$PARENT/$id
bundle_insert "$L" linux "\"cgroupsPath\": \"$path\", \"resources\": {\"memory\": {\"limit\": 67108864}, \"pids\": {\"limit\": 20}}"
bundle_args "$L" '"/bin/sh","-c","/probe cgroup; echo cgroup-done; /probe sleep 1000 & /probe sleep 1000 & echo started; wait"'
k run --detach --bundle "$L" "$id" >"$TMP/limits.out" 2>"$TMP/limits.err"; rc=$?
expect_rc "limits: run --detach exits 0" $rc 0
[ $rc = 0 ] || diag "$(cat "$TMP/limits.err")"
pid=$(pid_of "$id")
wait_grep "$TMP/limits.out" '^started$' 10
if [ $HOST = v2 ]; then
	expect_eq "limits: memory.max" "$(cat "$MEM$path/memory.max" 2>&1)" 67108864
else
	expect_eq "limits: memory.limit_in_bytes" "$(cat "$MEM$path/memory.limit_in_bytes" 2>&1)" 67108864
fi
expect_eq "limits: pids.max" "$(cat "$PIDS$path/pids.max" 2>&1)" 20
if [ -n "$pid" ] && in_procs "$MEM$path" "$pid"; then
	ok "limits: init is in the memory cgroup"
else
	fail "limits: init is in the memory cgroup" "pid '$pid'" "$(cat "$MEM$path/cgroup.procs" 2>&1)"
fi
if [ -n "$pid" ] && in_procs "$PIDS$path" "$pid"; then
	ok "limits: init is in the pids cgroup"
else
	fail "limits: init is in the pids cgroup" "pid '$pid'" "$(cat "$PIDS$path/cgroup.procs" 2>&1)"
fi
if [ -z "$V2" ] || [ $HOST = v2 ]; then
	skip "limits: init is in the unified cgroup" "no separate unified hierarchy (host $HOST)"
elif [ -n "$pid" ] && in_procs "$V2$path" "$pid"; then
	ok "limits: init is in the unified cgroup"
else
	fail "limits: init is in the unified cgroup" "pid '$pid'" "$(cat "$V2$path/cgroup.procs" 2>&1)"
fi
# Every hierarchy (cpu, cpuset, devices, name=systemd, ...) holds it too.
missing=
for h in $HIERS; do
	in_procs "$h$path" "$pid" || missing="$missing $h"
done
expect_eq "limits: init is in the container's cgroup in every hierarchy" "${missing# }" ""
inside=$(sed -n '1,/^cgroup-done$/p' "$TMP/limits.out" | grep -v '^cgroup-done$')
if [ $HOST != v2 ]; then	# a v2 host has the one line checked below
	expect_match "limits: inside, /proc/self/cgroup names the memory cgroup" "$inside" \
		"^[0-9]+:([^:]*,)?memory(,[^:]*)?:$path\$"
	expect_match "limits: inside, /proc/self/cgroup names the pids cgroup" "$inside" \
		"^[0-9]+:([^:]*,)?pids(,[^:]*)?:$path\$"
fi
if [ -n "$V2" ]; then
	expect_match "limits: inside, /proc/self/cgroup names the unified cgroup" "$inside" "^0::$path\$"
fi
expect_eq "limits: inside, every /proc/self/cgroup line names the cgroup" \
	"$(printf '%s\n' "$inside" | grep -v ":$path\$")" ""

# --- ps, pause, resume, kill --all ----------------------------------------------
ps_out=$(k ps --format json "$id" 2>&1)
expect_match "ps --format json lists the init pid" "$ps_out" "^\[(.*,)?$pid(,.*)?\]$"
all=$(sort -n "$PIDS$path/cgroup.procs" 2>/dev/null | tr '\n' ' ')
expect_eq "ps --format json lists every process of the cgroup" \
	"$(printf '%s' "$ps_out" | tr -d '[]' | tr ',' '\n' | sort -n | tr '\n' ' ')" "$all"
n=$(printf '%s\n' $all | grep -c .)
if [ "$n" -ge 3 ]; then ok "cgroup holds init and its two children"; else fail "cgroup holds init and its two children" "pids: $all"; fi

if config_has CONFIG_FREEZER; then
	k pause "$id" >/dev/null 2>"$TMP/err"; rc=$?
	expect_rc "pause exits 0" $rc 0
	[ $rc = 0 ] || diag "$(cat "$TMP/err")"
	expect_eq "pause: state says paused" "$(status_of "$id")" paused
	if [ $HOST = v2 ]; then
		expect_match "pause: cgroup.events says frozen 1" "$(cat "$CG$path/cgroup.events" 2>&1)" '^frozen 1$'
	else
		expect_eq "pause: freezer.state is FROZEN" "$(cat "$FREEZER$path/freezer.state" 2>&1)" FROZEN
	fi
	k resume "$id" >/dev/null 2>"$TMP/err"; rc=$?
	expect_rc "resume exits 0" $rc 0
	expect_eq "resume: state says running" "$(status_of "$id")" running
	if [ $HOST = v2 ]; then
		expect_match "resume: cgroup.events says frozen 0" "$(cat "$CG$path/cgroup.events" 2>&1)" '^frozen 0$'
	else
		expect_eq "resume: freezer.state is THAWED" "$(cat "$FREEZER$path/freezer.state" 2>&1)" THAWED
	fi
	k resume "$id" >/dev/null 2>"$TMP/err"; rc=$?
	if [ $rc != 0 ]; then ok "resume of a running container fails"; else fail "resume of a running container fails"; fi
else
	for t in "pause exits 0" "pause: state says paused" "pause: the cgroup is frozen" \
		 "resume exits 0" "resume: state says running" "resume: the cgroup is thawed" \
		 "resume of a running container fails"; do
		skip "$t" "keel built without CONFIG_FREEZER"
	done
fi

k kill --all "$id" KILL >/dev/null 2>"$TMP/err"; rc=$?
expect_rc "kill --all ID KILL exits 0" $rc 0
left=
for p in $all; do
	wait_pid_gone "$p" 5 || left="$left $p"
done
expect_eq "kill --all killed init and every child" "${left# }" ""
if wait_status "$id" stopped 5; then ok "state is stopped after kill --all"; else fail "state is stopped after kill --all" "status $(status_of "$id")"; fi
k delete "$id" >/dev/null 2>"$TMP/err"; rc=$?
expect_rc "delete after kill --all exits 0" $rc 0
expect_cg_gone "delete" "$path"
if [ -n "$V2" ] && [ $HOST = hybrid ]; then
	if [ ! -d "$V2$path" ]; then ok "delete: unified cgroup removed"; else fail "delete: unified cgroup removed"; fi
fi

# --- pids.max is enforced ------------------------------------------------------
P=$TMP/pids
bundle_clone "$P"
id=$(new_id pids)
path=$PARENT/$id
bundle_insert "$P" linux "\"cgroupsPath\": \"$path\", \"resources\": {\"pids\": {\"limit\": 20}}"
bundle_args "$P" '"/probe","fork","40","2"'
out=$(k run --bundle "$P" "$id" 2>"$TMP/err"); rc=$?
expect_rc "pids limit: run exits 0" $rc 0
forked=$(printf '%s\n' "$out" | sed -n 's/^forked \([0-9]*\) failed \([0-9]*\) \(.*\)$/\1/p')
failed=$(printf '%s\n' "$out" | sed -n 's/^forked \([0-9]*\) failed \([0-9]*\) \(.*\)$/\2/p')
if [ -n "$forked" ] && [ "$forked" -lt 20 ] && [ "$forked" -ge 15 ]; then
	ok "pids limit: fewer than 20 of 40 forks succeed"
else
	fail "pids limit: fewer than 20 of 40 forks succeed" "probe: '$out'" "stderr: $(cat "$TMP/err")"
fi
expect_match "pids limit: the other forks fail with EAGAIN" "$out" "failed $failed EAGAIN\$"
expect_cg_gone "pids limit: run without --keep" "$path"

# --- default and relative cgroupsPath ------------------------------------------
S=$TMP/sleep
bundle_clone "$S"
bundle_args "$S" '"/probe","sleep","1000"'
id=$(new_id default)
k create --bundle "$S" "$id" >/dev/null 2>"$TMP/err"; rc=$?
expect_rc "default cgroupsPath: create exits 0" $rc 0
pid=$(pid_of "$id")
if [ -n "$pid" ] && in_procs "$PIDS/keel/$id" "$pid"; then
	ok "default cgroupsPath is /keel/<id>"
else
	fail "default cgroupsPath is /keel/<id>" "pid '$pid'" "$(grep -h . /proc/"$pid"/cgroup 2>&1)"
fi
expect_match "default cgroupsPath: /proc/<pid>/cgroup names /keel/<id>" \
	"$(cat "/proc/$pid/cgroup" 2>&1)" ":/keel/$id\$"
k delete --force "$id" >/dev/null 2>"$TMP/err"; rc=$?
expect_rc "delete --force of a created container" $rc 0
expect_cg_gone "default cgroupsPath: delete" "/keel/$id"

R=$TMP/relative
bundle_clone "$R" "$S"
id=$(new_id relative)
bundle_insert "$R" linux "\"cgroupsPath\": \"$REL/$id\""
k run --detach --bundle "$R" "$id" >/dev/null 2>"$TMP/err"; rc=$?
expect_rc "relative cgroupsPath: run --detach exits 0" $rc 0
pid=$(pid_of "$id")
if [ -n "$pid" ] && in_procs "$PIDS/keel/$REL/$id" "$pid"; then
	ok "relative cgroupsPath $REL/<id> is /keel/$REL/<id>"
else
	fail "relative cgroupsPath $REL/<id> is /keel/$REL/<id>" "$(cat /proc/"$pid"/cgroup 2>&1)"
fi

# --- delete --force of a paused container -----------------------------------------
if config_has CONFIG_FREEZER; then
	k pause "$id" >/dev/null 2>"$TMP/err"; rc=$?
	expect_rc "pause the relative-path container" $rc 0
	expect_eq "it is paused" "$(status_of "$id")" paused
	k delete "$id" >/dev/null 2>"$TMP/err"; rc=$?
	if [ $rc != 0 ]; then ok "delete of a paused container without --force fails"; else fail "delete of a paused container without --force fails"; fi
	k delete --force "$id" >/dev/null 2>"$TMP/err"; rc=$?
	expect_rc "delete --force of a paused container exits 0" $rc 0
	[ $rc = 0 ] || diag "$(cat "$TMP/err")"
	if wait_pid_gone "$pid" 5; then ok "delete --force: the paused init is gone"; else fail "delete --force: the paused init is gone" "pid $pid: $(grep State /proc/"$pid"/status 2>&1)"; fi
else
	k delete --force "$id" >/dev/null 2>&1
	for t in "pause the relative-path container" "it is paused" \
		 "delete of a paused container without --force fails" \
		 "delete --force of a paused container exits 0" "delete --force: the paused init is gone"; do
		skip "$t" "keel built without CONFIG_FREEZER"
	done
fi
if [ ! -e "$ROOT/$id" ]; then ok "delete --force removes the state dir"; else fail "delete --force removes the state dir"; fi
expect_cg_gone "relative cgroupsPath: delete --force" "/keel/$REL/$id"

# --- refused resources and paths leave nothing -----------------------------------
# A value the kernel refuses once the cgroup is made (no CPU 1023 here):
# the error names the field and the half-made cgroup goes again.
C=$TMP/cpu
bundle_clone "$C"
bundle_insert "$C" linux "\"cgroupsPath\": \"$PARENT/cpu\", \"resources\": {\"cpu\": {\"cpus\": \"1023\"}, \"memory\": {\"limit\": 67108864}}"
expect_create_fails "cpu.cpus 1023" "$C" 'linux\.resources\.cpu\.cpus: .*cpuset\.cpus'
expect_cg_gone "cpu.cpus 1023" "$PARENT/cpu"
expect_cg_gone "cpu.cpus 1023: default path" "/keel/$CF_ID"

D=$TMP/dotdot
bundle_clone "$D"
bundle_insert "$D" linux '"cgroupsPath": "/../x"'
expect_create_fails "cgroupsPath /../x" "$D" 'linux\.cgroupsPath.*"/\.\./x"'
for h in $HIERS; do
	[ -e "$h/x" ] && fail "cgroupsPath /../x: nothing made above the hierarchy" "$h/x exists"
done
expect_cg_gone "cgroupsPath /../x" "/x"
expect_cg_gone "cgroupsPath /../x: default path" "/keel/$CF_ID"

D2=$TMP/dotdot2
bundle_clone "$D2"
bundle_insert "$D2" linux "\"cgroupsPath\": \"$PARENT/a/../../x\""
expect_create_fails "cgroupsPath with .. inside" "$D2" 'linux\.cgroupsPath'

# A failure after the cgroup was made (args[0] missing: init reports it
# before create returns) must remove the cgroup again.
N=$TMP/noexec
bundle_clone "$N"
bundle_insert "$N" linux "\"cgroupsPath\": \"$PARENT/noexec\", \"resources\": {\"pids\": {\"limit\": 20}}"
bundle_args "$N" '"no-such-program"'
expect_create_fails "late failure" "$N" 'executable file not found'
expect_cg_gone "late failure" "$PARENT/noexec"

# --- our parents ----------------------------------------------------------------
cg_cleanup
left=
for h in $HIERS; do
	for d in "$h$PARENT" "$h/keel/$REL"; do
		[ -e "$d" ] && left="$left $d"
	done
done
expect_eq "test parents removed in every hierarchy" "${left# }" ""

# --- the cgroup namespace is rooted at the container's cgroup ------------------------
N=$TMP/cgroupns
bundle_clone "$N" "$B"
sed -i 's|"namespaces": \[{"type": "pid"}|"namespaces": [{"type": "cgroup"},{"type": "pid"}|' "$N/config.json"
bundle_args "$N" '"/probe","sleep","30"'
id=$(new_id)
k run -d --bundle "$N" "$id" >/dev/null 2>&1
pid=$(pid_of "$id")
inside=$(k exec "$id" /probe cgroup 2>/dev/null || true)
[ -n "$inside" ] || inside=$(nsenter -t "$pid" -C cat /proc/self/cgroup 2>&1)
ctl=pids
[ $HOST = v2 ] && ctl=	# v2: the one line "0::PATH"
expect_match "inside its cgroup namespace the container's cgroup is /" "$inside" "^[0-9]+:$ctl:/\$"
expect_match "from the host it is /keel/<id>" "$(cat /proc/$pid/cgroup)" ":$ctl:/keel/$id\$"
k delete --force "$id" >/dev/null 2>&1

done_testing
