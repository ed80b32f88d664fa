#!/bin/bash
# SPDX-License-Identifier: MIT
#
# keel kills, removes and writes only what it made (issue 19).
#  - cgroups: a cgroupsPath that names a cgroup keel did not make (the
#    host's, a service's, a pod's) keeps its other processes and its
#    children through a failed create, kill --all and delete --force; two
#    containers sharing a cgroupsPath leave each other alone, and the last
#    one removes the cgroup only if keel made it.  (CWE-283: keel acted on
#    what it did not own.)
#  - sysctls go only into a namespace the container owns: the host's
#    network or IPC namespace joined by path is refused (runc: "not allowed
#    in host network namespace").
#  - pid and log files outside the state dir: a name another user made in a
#    world-writable directory (a fifo, a file of theirs, a link) is never
#    opened for writing (CWE-59, CWE-377).
#  - --no-pivot: the host's procfs is not reachable below the chroot, so a
#    nested user and pid namespace cannot mount an unmasked /proc.
#  - a procfs through a symlink, a mount on /: refused, nothing left.
. "$(dirname "$0")/../lib.sh"
need_root

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
B=$(realpath "$B")
bundle_args "$B" '"/probe","sleep","1000"'

# every cgroup hierarchy the host mounts (v1 controllers, named ones, the
# unified tree): keel uses all of them
CG_MNTS=$(sed -n 's/^[^ ]* [^ ]* [^ ]* [^ ]* \([^ ]*\) .* - cgroup2\{0,1\} .*/\1/p' /proc/self/mountinfo |
	grep '^/sys/fs/cgroup')
HOST_CGS=()

# host_cgroup PATH PID: make PATH (and PATH/child) in every hierarchy, as
# a service manager would, and put PID in it.
host_cgroup() {
	local p=$1 pid=$2 m
	HOST_CGS+=("$p")
	for m in $CG_MNTS; do
		# (not in v1's devices: a parent with children refuses the
		# deny-all that the device rules begin with, for runc too)
		mkdir -p "$m$p" || return 1
		case $m in */devices) ;; *) mkdir -p "$m$p/child" || return 1 ;; esac
		# cpuset: a task needs cpus and mems first
		if [ -e "$m$p/cpuset.cpus" ]; then
			cat "$m/cpuset.cpus" >"$m$p/cpuset.cpus"
			cat "$m/cpuset.mems" >"$m$p/cpuset.mems"
			cat "$m/cpuset.cpus" >"$m$p/child/cpuset.cpus"
			cat "$m/cpuset.mems" >"$m$p/child/cpuset.mems"
		fi
		echo "$pid" >"$m$p/cgroup.procs" || return 1
	done
}
# cgroup_dirs PATH: in how many hierarchies PATH exists (and PATH/child, +1000)
cgroup_dirs() {
	local p=$1 m n=0
	for m in $CG_MNTS; do
		[ -d "$m$p" ] && n=$((n + 1))
		[ -d "$m$p/child" ] && n=$((n + 1000))
	done
	echo $n
}
n_mnts=$(echo "$CG_MNTS" | wc -w)
n_dev=$(echo "$CG_MNTS" | grep -c '/devices$')
all_dirs=$((n_mnts * 1001 - n_dev * 1000))
# in_cgroup PID PATH: PID's cgroup is PATH in every hierarchy it lists
in_cgroup() {
	! grep -v "^[0-9]*:[^:]*:$2\$" "/proc/$1/cgroup" | grep -q .
}
ownership_cleanup() {
	local p m pid d
	# a keel that wrote the host's values (the bug tested) must not leave them
	[ -n "${host_v:-}" ] && [ "$(cat $F)" != "$host_v" ] && echo "$host_v" >$F
	[ -n "${msgmax:-}" ] && [ "$(cat /proc/sys/kernel/msgmax)" != "$msgmax" ] &&
		echo "$msgmax" >/proc/sys/kernel/msgmax
	[ -s "$TMP/.ids" ] && while read -r id; do
		K_TIMEOUT=10 k delete --force "$id" >/dev/null 2>&1
	done <"$TMP/.ids"
	for p in "${HOST_CGS[@]}"; do
		for m in $CG_MNTS; do
			for pid in $(cat "$m$p/cgroup.procs" "$m$p/child/cgroup.procs" 2>/dev/null); do
				# only our own sleepers (tracked), never another's
				grep -qx "$pid" "$TMP/.pids" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
			done
		done
	done
	sleep 0.2
	for p in "${HOST_CGS[@]}"; do
		for m in $CG_MNTS; do
			for d in "$m$p/child" "$m$p"; do
				[ -d "$d" ] && rmdir "$d" 2>/dev/null
			done
		done
	done
}
trap 'rc=$?; ownership_cleanup; (exit $rc); _t_cleanup' EXIT

# sleeper: a host process (not the container's), tracked for cleanup
sleeper() {
	sleep 1000 >/dev/null 2>&1 </dev/null &
	track_pid $!
	echo $!
}

# --- 1. a cgroup keel did not make --------------------------------------------
H=/keel-t19-host-$$
hp=$(sleeper)
if [ -z "$CG_MNTS" ]; then
	skip "cgroup ownership" "no cgroup hierarchy mounted"
elif ! host_cgroup "$H" "$hp"; then
	fail "a host cgroup with a process in it is made for the test"
else
	HB=$TMP/host-cg
	bundle_clone "$HB" "$B"
	bundle_insert "$HB" linux "\"cgroupsPath\": \"$H\""

	# a create that fails after init joined the cgroup: a prestart hook
	FB=$TMP/host-cg-fail
	bundle_clone "$FB" "$HB"
	sed -i 's|"hostname": "keel-test",|"hostname": "keel-test", "hooks": {"prestart": [{"path": "/bin/false"}]},|' "$FB/config.json"
	id=$(new_id)
	k create --bundle "$FB" "$id" >/dev/null 2>"$TMP/err"
	expect_rc "host cgroup: a create whose prestart hook fails exits non-zero" $? 1
	expect_match "host cgroup: create warns that the cgroup is not empty" "$(cat "$TMP/err")" \
		"keel: warning: container's cgroup $H is not empty: 1 process\\(es\\) found"
	check "host cgroup: the host process survives the failed create" pid_alive "$hp"
	expect_eq "host cgroup: the cgroup and its child survive the failed create" "$(cgroup_dirs "$H")" $all_dirs
	check "host cgroup: the host process is still in it" in_cgroup "$hp" "$H"
	check "host cgroup: the failed create left no state dir" test ! -e "$ROOT/$id"

	# kill --all, then delete --force, of a running container in it
	id=$(new_id)
	if k run -d --bundle "$HB" "$id" >/dev/null 2>"$TMP/err"; then
		cp=$(pid_of "$id")
		check "host cgroup: the container runs in it" in_cgroup "$cp" "$H"
		k kill --all "$id" KILL
		expect_rc "host cgroup: kill --all succeeds" $? 0
		wait_pid_gone "$cp" 5
		check "host cgroup: kill --all killed the container" _t_pid_gone "$cp"
		check "host cgroup: the host process survives kill --all" pid_alive "$hp"
		k delete --force "$id" >/dev/null 2>&1
		check "host cgroup: the host process survives delete --force" pid_alive "$hp"
		expect_eq "host cgroup: the cgroup and its child survive delete --force" "$(cgroup_dirs "$H")" $all_dirs
	else
		fail "host cgroup: a container runs in it" "$(cat "$TMP/err")"
	fi
	id=$(new_id)
	if k run -d --bundle "$HB" "$id" >/dev/null 2>"$TMP/err"; then
		cp=$(pid_of "$id")
		k delete --force "$id" >/dev/null 2>"$TMP/err"
		expect_rc "host cgroup: delete --force of a running container succeeds" $? 0
		check "host cgroup: delete --force killed the container" _t_pid_gone "$cp"
		check "host cgroup: the host process survives delete --force of a running container" pid_alive "$hp"
		expect_eq "host cgroup: the cgroup and its child survive it" "$(cgroup_dirs "$H")" $all_dirs
		check "host cgroup: delete --force gone: no state dir" test ! -e "$ROOT/$id"
	else
		fail "host cgroup: a second container runs in it" "$(cat "$TMP/err")"
	fi
	# start fails (no such program): the same
	XB=$TMP/host-cg-noexec
	bundle_clone "$XB" "$HB"
	bundle_args "$XB" '"/no/such"'
	id=$(new_id)
	k create --bundle "$XB" "$id" >/dev/null 2>&1 && k start "$id" >/dev/null 2>&1
	k delete --force "$id" >/dev/null 2>&1
	check "host cgroup: the host process survives a failed start and delete --force" pid_alive "$hp"
	expect_eq "host cgroup: the cgroup survives a failed start" "$(cgroup_dirs "$H")" $all_dirs
fi

# --- 2. two containers sharing a cgroupsPath keel made ---------------------------
S=/keel-t19-shared-$$
HOST_CGS+=("$S")
SB=$TMP/shared
bundle_clone "$SB" "$B"
bundle_insert "$SB" linux "\"cgroupsPath\": \"$S\""
a=$(new_id a) b=$(new_id b)
if [ -n "$CG_MNTS" ] && k run -d --bundle "$SB" "$a" >/dev/null 2>"$TMP/err" &&
   k run -d --bundle "$SB" "$b" >/dev/null 2>"$TMP/err"; then
	ap=$(pid_of "$a") bp=$(pid_of "$b")
	check "shared cgroup: both containers are in it" in_cgroup "$bp" "$S"
	k kill --all "$a" KILL
	wait_pid_gone "$ap" 5
	check "shared cgroup: kill --all of one killed it" _t_pid_gone "$ap"
	expect_eq "shared cgroup: kill --all of one leaves the other running" "$(status_of "$b")" running
	k delete --force "$a" >/dev/null 2>"$TMP/err"
	expect_rc "shared cgroup: delete --force of the first succeeds" $? 0
	expect_eq "shared cgroup: delete of the first leaves the other running" "$(status_of "$b")" running
	check "shared cgroup: the other's process lives" pid_alive "$bp"
	expect_eq "shared cgroup: the cgroup stays while the other is in it" "$(cgroup_dirs "$S")" "$n_mnts"
	expect_match "shared cgroup: delete says the cgroup is not empty" "$(cat "$TMP/err")" \
		"^keel: warning: delete $a: cgroup .*$S is not empty: left in place$"
	k delete --force "$b" >/dev/null 2>&1
	check "shared cgroup: the last delete killed the other" _t_pid_gone "$bp"
	expect_eq "shared cgroup: the last delete removes the cgroup keel made" "$(cgroup_dirs "$S")" 0
else
	fail "shared cgroup: two containers run in one cgroupsPath" "$(cat "$TMP/err")"
fi

# --- 3. sysctls in the host's namespaces ------------------------------------------
KEY=net.ipv4.tcp_keepalive_probes
F=/proc/sys/net/ipv4/tcp_keepalive_probes
host_v=$(cat $F)
new_v=$((host_v == 9 ? 8 : 9))
NB=$TMP/hostnet
bundle_clone "$NB" "$B"
bundle_set "$NB" namespaces '[{"type": "pid"},{"type": "mount"},{"type": "uts"},{"type": "ipc"},{"type": "network", "path": "/proc/self/ns/net"}]'
bundle_insert "$NB" linux "\"sysctl\": {\"$KEY\": \"$new_v\"}"
# (/proc/1/ns/net is the usual path, but pid 1 of this machine may be out of
# keel's reach; /proc/self is keel itself, the host's namespace all the same)
expect_create_fails "sysctl in the host's network namespace" "$NB" \
	"linux.sysctl.$KEY: not allowed in the host's network namespace\$"
expect_eq "sysctl in the host's network namespace: the host's value is unchanged" "$(cat $F)" "$host_v"
NB2=$TMP/hostnet-self
bundle_clone "$NB2" "$NB"
sed -i "s|/proc/self/ns/net|/proc/$$/ns/net|" "$NB2/config.json"
expect_create_fails "sysctl in keel's own network namespace by /proc/<pid>" "$NB2" \
	"linux.sysctl.$KEY: not allowed in the host's network namespace\$"
IB=$TMP/hostipc
bundle_clone "$IB" "$B"
bundle_set "$IB" namespaces '[{"type": "pid"},{"type": "mount"},{"type": "uts"},{"type": "ipc", "path": "/proc/self/ns/ipc"}]'
msgmax=$(cat /proc/sys/kernel/msgmax)
bundle_insert "$IB" linux "\"sysctl\": {\"kernel.msgmax\": \"$((msgmax + 1))\"}"
expect_create_fails "sysctl in the host's IPC namespace" "$IB" \
	'linux.sysctl.kernel.msgmax: not allowed in the host.s ipc namespace$'
expect_eq "sysctl in the host's IPC namespace: the host's value is unchanged" \
	"$(cat /proc/sys/kernel/msgmax)" "$msgmax"
# a new network namespace: set inside only
OB=$TMP/ownnet
bundle_clone "$OB" "$B"
bundle_set "$OB" namespaces '[{"type": "pid"},{"type": "mount"},{"type": "uts"},{"type": "ipc"},{"type": "network"}]'
bundle_insert "$OB" linux "\"sysctl\": {\"$KEY\": \"$new_v\"}"
bundle_args "$OB" "\"/bin/cat\",\"$F\""
id=$(new_id)
expect_eq "sysctl in a new network namespace: set inside" "$(k run --bundle "$OB" "$id" 2>&1 </dev/null)" "$new_v"
expect_eq "sysctl in a new network namespace: the host's value is unchanged" "$(cat $F)" "$host_v"
# a joined network namespace that is not the host's: set there
if unshare --net true 2>/dev/null; then
	unshare --net sleep 1000 &
	np=$!
	track_pid $np
	sleep 0.2
	JB=$TMP/joinnet
	bundle_clone "$JB" "$OB"
	sed -i "s|{\"type\": \"network\"}|{\"type\": \"network\", \"path\": \"/proc/$np/ns/net\"}|" "$JB/config.json"
	id=$(new_id)
	expect_eq "sysctl in a joined network namespace not the host's: set inside" \
		"$(k run --bundle "$JB" "$id" 2>&1 </dev/null)" "$new_v"
	expect_eq "sysctl in a joined network namespace: set in that namespace" \
		"$(nsenter --net=/proc/$np/ns/net cat $F)" "$new_v"
	expect_eq "sysctl in a joined network namespace: the host's value is unchanged" "$(cat $F)" "$host_v"
	kill -KILL $np 2>/dev/null
	wait $np 2>/dev/null
else
	skip "sysctl in a joined network namespace" "unshare --net is refused here"
fi

# --- 4. pid and log files in a world-writable directory -----------------------------
PUB=$TMP/pub
mkdir -p "$PUB"
chmod 1777 "$PUB"
chmod 0755 "$TMP"
# The old temporary name was "<pid file>.tmp.<keel's pid>": another user
# makes it for the next few hundred pids, as fifos (create would hang) and
# as files of theirs (they would own the pid file).
# (each set by one process, so that the pids to come are still to come)
old_names() {
	local last p names=()
	last=$(cat /proc/sys/kernel/ns_last_pid)
	for ((p = last + 1; p < last + 400; p++)); do names+=("$PUB/$1.tmp.$p"); done
	if [ "$2" = fifo ]; then
		mkfifo "${names[@]}"
	else
		touch "${names[@]}"
	fi
}
old_names pid-fifo fifo
id=$(new_id)
K_TIMEOUT=20 k create --bundle "$B" --pid-file "$PUB/pid-fifo" "$id" >/dev/null 2>"$TMP/err"
rc=$?
expect_rc "pid file: fifos at the old temporary names: create neither hangs nor fails" $rc 0
expect_eq "pid file: next to those fifos, it holds init's pid" "$(cat "$PUB/pid-fifo" 2>&1)" "$(pid_of "$id")"
k delete --force "$id" >/dev/null 2>&1
old_names pid-file file
chown 65534:65534 "$PUB"/pid-file.tmp.*
id=$(new_id)
k create --bundle "$B" --pid-file "$PUB/pid-file" "$id" >/dev/null 2>"$TMP/err"
expect_rc "pid file: another user's files at the old temporary names: create succeeds" $? 0
expect_eq "pid file: it is root's, not the other user's" "$(stat -c %u "$PUB/pid-file" 2>&1)" 0
expect_eq "pid file: the other user's files were not written" \
	"$(cat "$PUB"/pid-file.tmp.* | wc -c) $(find "$PUB" -name 'pid-fifo.tmp.*' -type p | wc -l)" "0 399"
k delete --force "$id" >/dev/null 2>&1
mkfifo "$PUB/pid-is-fifo"
expect_create_fails "pid file: the path is another user's fifo" "$B" \
	"$PUB/pid-is-fifo: exists and is not a regular file\$" --pid-file "$PUB/pid-is-fifo"
check "pid file: the fifo is still a fifo" test -p "$PUB/pid-is-fifo"
echo secret >"$TMP/victim"
ln -s "$TMP/victim" "$PUB/pid-is-link"
expect_create_fails "pid file: the path is another user's symlink" "$B" \
	"$PUB/pid-is-link: exists and is not a regular file\$" --pid-file "$PUB/pid-is-link"
expect_eq "pid file: the link's target was not written" "$(cat "$TMP/victim")" secret
# --log: a link to a file of the host's, a fifo nobody reads
ln -s "$TMP/victim" "$PUB/log-link"
out=$(timeout 10 "$KEEL" --root "$ROOT" --log "$PUB/log-link" --debug state nosuch 2>&1)
expect_rc "--log through another user's symlink is refused" $? 1
expect_match "--log through a symlink: the error names it" "$out" \
	"^keel: --log $PUB/log-link: exists and is not a regular file\$"
expect_eq "--log through a symlink: the target was not written" "$(cat "$TMP/victim")" secret
mkfifo "$PUB/log-fifo"
out=$(timeout 10 "$KEEL" --root "$ROOT" --log "$PUB/log-fifo" state nosuch 2>&1)
expect_rc "--log at a fifo nobody reads is refused, not a hang" $? 1
expect_match "--log at a fifo: the error names it" "$out" \
	"^keel: --log $PUB/log-fifo: exists and is not a regular file\$"
out=$(timeout 10 "$KEEL" --root "$ROOT" --log /dev/stderr --log-format json state nosuch 2>&1)
expect_match "--log /dev/stderr (a link under /dev) still works" "$out" '"msg":"container \\"nosuch\\" does not exist"'

# --- 5. --no-pivot: no host procfs below the chroot -------------------------------
PB=$TMP/nopivot
bundle_clone "$PB" "$B"
# masked and read-only paths, as runc spec has them: the container's /proc
# is then not fully visible, and only a host procfs would let the mount by
bundle_insert "$PB" linux '"maskedPaths": ["/proc/kcore", "/proc/keys", "/proc/timer_list"], "readonlyPaths": ["/proc/sys", "/proc/sysrq-trigger"]'
bundle_args "$PB" '"/bin/unshare","-mrpf","/bin/sh","-c","mount -t proc none /proc && echo MOUNTED"'
id=$(new_id)
out=$(k run --no-pivot --bundle "$PB" "$id" 2>&1 </dev/null)
rc=$?
expect_nomatch "--no-pivot: a nested user+pid namespace cannot mount a procfs" "$out" MOUNTED
check "--no-pivot: the mount failed inside (exit $rc)" test "$rc" != 0
expect_match "--no-pivot: the kernel refused the mount" "$out" "mount: permission denied"
bundle_args "$PB" '"/bin/cat","/proc/self/comm"'
id=$(new_id)
expect_eq "--no-pivot: the container's own /proc works" "$(k run --no-pivot --bundle "$PB" "$id" 2>&1 </dev/null)" cat

# --- 6. mounts that have no effect or escape -----------------------------------
LB=$TMP/proclink
bundle_clone "$LB" "$B"
R=$TMP/rootfs-link
cp -a "$B/rootfs" "$R"
mkdir -p "$R/realproc"
rmdir "$R/proc"
ln -s realproc "$R/proc"
bundle_set "$LB" root "{\"path\": \"$R\", \"readonly\": false}"
expect_create_fails "proc over a symlink" "$LB" \
	'mounts\[0\]\.destination: /proc is a symlink: a proc must be mounted on an ordinary directory$'
check "proc over a symlink: nothing mounted in the rootfs" test -z "$(awk -v r="$R" 'index($5, r) == 1' /proc/self/mountinfo)"
SYB=$TMP/syslink
bundle_clone "$SYB" "$LB"
rmdir "$R/sys" 2>/dev/null; rm -f "$R/sys"
ln -s realproc "$R/sys"
bundle_insert "$SYB" mounts '{"destination": "/sys", "type": "sysfs", "source": "sysfs"}'
sed -i 's|"destination": "/proc", "type": "proc", "source": "proc"|"destination": "/realproc", "type": "proc", "source": "proc"|' "$SYB/config.json"
expect_create_fails "sysfs over a symlink" "$SYB" \
	'mounts\[0\]\.destination: /sys is a symlink: a sysfs must be mounted on an ordinary directory$'
TB=$TMP/tmpfs-root
bundle_clone "$TB" "$B"
bundle_insert "$TB" mounts '{"destination": "/", "type": "tmpfs", "source": "tmpfs"}'
expect_create_fails "tmpfs on /" "$TB" \
	'mounts\[0\]\.destination: "/": a mount on the container.s / has no effect \(root.path is its root\)$'
TB2=$TMP/bind-root
bundle_clone "$TB2" "$B"
bundle_insert "$TB2" mounts "{\"destination\": \"//./\", \"type\": \"bind\", \"source\": \"$TMP\", \"options\": [\"rbind\"]}"
expect_create_fails "a bind mount on //./" "$TB2" 'mounts\[0\]\.destination: "//\./": a mount on the container.s /'

done_testing
