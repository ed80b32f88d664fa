#!/bin/bash
# SPDX-License-Identifier: MIT
# process.*: user, cwd, env, rlimits, umask, capabilities, noNewPrivileges;
# root.readonly, maskedPaths, readonlyPaths, --no-pivot; file descriptors;
# and that a bad cwd or program fails create with nothing left.
. "$(dirname "$0")/../lib.sh"
need_root

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
B=$(realpath "$B")

# inside BUNDLE ARGS_JSON [KEEL-RUN-ARGS...]: run with these args in the
# foreground, print its stdout; stderr goes to $TMP/err, status to $TMP/rc.
inside() {
	local d=$TMP/b-$RANDOM$RANDOM id rc from=$1 args=$2
	shift 2
	bundle_clone "$d" "$from"
	bundle_args "$d" "$args"
	id=$(new_id)
	k run "$@" --bundle "$d" "$id" 2>"$TMP/err"; rc=$?
	echo $rc >"$TMP/rc"
	return $rc
}

# variant NAME: a clone of $B to modify, its path on stdout.
variant() {
	bundle_clone "$TMP/$1" "$B" && echo "$TMP/$1"
}

line() {
	printf '%s\n' "$1" | sed -n "$2p"
}

# --- user -------------------------------------------------------------------------
V=$(variant user)
bundle_set "$V" user '{"uid": 1000, "gid": 1000, "additionalGids": [5, 6]}'
expect_eq "user 1000:1000 with additionalGids 5,6" "$(inside "$V" '"/probe","ids"')" \
	"uid=1000 gid=1000 groups=5,6"
[ -s "$TMP/err" ] && diag "stderr: $(cat "$TMP/err")"
expect_eq "user 1000: no capabilities left" \
	"$(inside "$V" '"/probe","caps"' | grep -E '^Cap(Prm|Eff):' | tr -d '\t')" \
	"$(printf '%s\n' CapPrm:0000000000000000 CapEff:0000000000000000)"
expect_eq "default user root: uid 0, no supplementary groups" \
	"$(inside "$B" '"/probe","ids"')" "uid=0 gid=0 groups="

# --- cwd, env -----------------------------------------------------------------------
V=$(variant cwd)
bundle_set "$V" cwd '"/tmp"'
expect_eq "cwd /tmp" "$(inside "$V" '"/probe","cwd"')" /tmp
expect_eq "default cwd /" "$(inside "$B" '"/probe","cwd"')" /

V=$(variant env)
bundle_set "$V" env "[\"PATH=/bin\",\"KEEL_TEST_VAR=value-$$ with spaces\"]"
env_out=$(inside "$V" '"/probe","env"')
expect_match "env var is visible" "$env_out" "^KEEL_TEST_VAR=value-$$ with spaces\$"
expect_eq "environment is exactly process.env (nothing of keel's)" \
	"$(printf '%s\n' "$env_out" | sort)" "$(printf '%s\n' "KEEL_TEST_VAR=value-$$ with spaces" PATH=/bin | sort)"

# --- rlimits, umask -----------------------------------------------------------------------
V=$(variant rlimits)
bundle_insert "$V" process '"rlimits": [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200}]'
expect_eq "rlimit NOFILE 100/200" "$(inside "$V" '"/probe","rlimit","NOFILE"')" "100 200"
[ -s "$TMP/err" ] && diag "stderr: $(cat "$TMP/err")"

V=$(variant umask)
bundle_set "$V" user '{"uid": 0, "gid": 0, "umask": 23}'
expect_eq "umask 0027" "$(inside "$V" '"/probe","umask"')" 0027
expect_eq "default umask 0022" "$(inside "$B" '"/probe","umask"')" 0022

# --- capabilities, noNewPrivileges ------------------------------------------------------------
V=$(variant caps)
bundle_insert "$V" process '"capabilities": {"bounding": ["CAP_CHOWN", "CAP_KILL"], "effective": ["CAP_CHOWN", "CAP_KILL"], "permitted": ["CAP_CHOWN", "CAP_KILL"]}'
caps=$(inside "$V" '"/probe","caps"' | tr -d '\t')
[ -s "$TMP/err" ] && diag "stderr: $(cat "$TMP/err")"
for set in CapEff CapPrm CapBnd; do
	expect_eq "capabilities [CAP_CHOWN, CAP_KILL]: $set" \
		"$(printf '%s\n' "$caps" | grep "^$set:")" "$set:0000000000000021"
done
expect_eq "capabilities: CapInh and CapAmb empty" \
	"$(printf '%s\n' "$caps" | grep -E '^Cap(Inh|Amb):')" \
	"$(printf '%s\n' CapInh:0000000000000000 CapAmb:0000000000000000)"
# CAP_CHOWN works, CAP_DAC_OVERRIDE is gone: a 0000 file cannot be read.
out=$(inside "$V" '"/bin/sh","-c","echo s > /tmp/c-'$$' && chmod 0 /tmp/c-'$$' && chown 1:1 /tmp/c-'$$' && echo chown-ok; cat /tmp/c-'$$' 2>/dev/null || echo read-denied; rm -f /tmp/c-'$$'"')
expect_eq "capabilities: chown allowed, reading a mode 0 file denied" "$out" \
	"$(printf '%s\n' chown-ok read-denied)"

# Ambient capabilities without inheritable ones, as runc spec (CAP_KILL,
# CAP_AUDIT_WRITE, CAP_NET_BIND_SERVICE in every set but inheritable) and
# buildah (14 of them) send: the kernel refuses to raise them; runc goes on
# without (a warning in its log), so keel must too (issue 20).  With
# inheritable listed, they are raised.
V=$(variant ambient)
bundle_insert "$V" process '"capabilities": {"bounding": ["CAP_CHOWN", "CAP_KILL"], "effective": ["CAP_CHOWN", "CAP_KILL"], "permitted": ["CAP_CHOWN", "CAP_KILL"], "ambient": ["CAP_CHOWN", "CAP_KILL"]}'
caps=$(inside "$V" '"/probe","caps"' | tr -d '\t')
expect_eq "ambient without inheritable (runc spec, buildah): runs, CapEff as the spec, CapAmb empty" \
	"$(printf '%s\n' "$caps" | grep -E '^Cap(Eff|Amb):' | tr '\n' ' ')" "CapEff:0000000000000021 CapAmb:0000000000000000 "
[ -s "$TMP/err" ] && diag "stderr: $(cat "$TMP/err")"
V=$(variant ambient-inh)
bundle_insert "$V" process '"capabilities": {"bounding": ["CAP_CHOWN", "CAP_KILL"], "effective": ["CAP_CHOWN", "CAP_KILL"], "permitted": ["CAP_CHOWN", "CAP_KILL"], "inheritable": ["CAP_KILL"], "ambient": ["CAP_CHOWN", "CAP_KILL"]}'
expect_eq "ambient with CAP_KILL inheritable: CapAmb is CAP_KILL alone" \
	"$(inside "$V" '"/probe","caps"' | tr -d '\t' | grep '^CapAmb:')" "CapAmb:0000000000000020"
if command -v runc >/dev/null; then
	RS=$TMP/runc-spec
	mkdir -p "$RS"
	(cd "$RS" && runc spec)
	ln -s "$B/rootfs" "$RS/rootfs"
	sed -i 's|"terminal": true|"terminal": false|; s|"sh"$|"/probe", "caps"|' "$RS/config.json"
	id=$(new_id)
	out=$(k run --bundle "$RS" "$id" 2>&1 </dev/null)
	expect_match "runc spec's config.json runs unchanged (but for terminal and args)" "$out" '^CapEff:[[:space:]]*0000000020000420$'
else
	skip "runc spec's config.json runs unchanged" "runc is not installed (scripts/host-packages.sh installs it)"
fi

host_caps=$(grep -E '^Cap(Prm|Eff|Bnd):' /proc/self/status | tr -d '\t')
expect_eq "no capabilities field: root keeps the full set" \
	"$(inside "$B" '"/probe","caps"' | grep -E '^Cap(Prm|Eff|Bnd):' | tr -d '\t')" "$host_caps"

V=$(variant nnp)
bundle_insert "$V" process '"noNewPrivileges": true'
expect_eq "noNewPrivileges true: NoNewPrivs 1" "$(inside "$V" '"/probe","nnp"')" 1
expect_eq "noNewPrivileges absent: NoNewPrivs 0" "$(inside "$B" '"/probe","nnp"')" 0

# --- root.readonly --------------------------------------------------------------------------
V=$(variant readonly)
bundle_set "$V" root "{\"path\": \"$B/rootfs\", \"readonly\": true}"
out=$(inside "$V" '"/bin/sh","-c","/probe write /etc/passwd; touch /ro-'$$' 2>/dev/null || echo touch-failed; echo x > /dev/rw-test && echo dev-writable"')
expect_eq "root.readonly: writing a file on / fails EROFS" "$(line "$out" 1)" EROFS
expect_eq "root.readonly: creating a file on / fails" "$(line "$out" 2)" touch-failed
expect_eq "root.readonly: /dev (tmpfs) stays writable" "$(line "$out" 3)" dev-writable
if [ ! -e "$B/rootfs/ro-$$" ]; then ok "root.readonly: nothing written to the rootfs"; else fail "root.readonly: nothing written to the rootfs"; fi
if touch "$B/rootfs/tmp/host-rw-$$" 2>/dev/null; then
	ok "root.readonly: the host's view of the rootfs stays writable"
	rm -f "$B/rootfs/tmp/host-rw-$$"
else
	fail "root.readonly: the host's view of the rootfs stays writable"
fi
expect_nomatch "root.readonly: no read-only mount leaked to the host" \
	"$(awk -v r="$B/rootfs" '$5 == r' /proc/self/mountinfo)" .

# --- maskedPaths, readonlyPaths --------------------------------------------------------------
# Mask what this kernel has (a VM may lack /proc/kcore): the first file and
# the first directory of docker's list that are not empty on the host.
mfile='' mdir=''
for f in /proc/kcore /proc/timer_list /proc/keys /proc/sched_debug /proc/latency_stats; do
	[ -f "$f" ] && [ "$(head -c 1 "$f" 2>/dev/null | wc -c)" = 1 ] && { mfile=$f; break; }
done
for d in /proc/acpi /proc/scsi /proc/asound /proc/irq /proc/bus; do
	[ -d "$d" ] && [ -n "$(ls -A "$d" 2>/dev/null)" ] && { mdir=$d; break; }
done
V=$(variant masked)
bundle_insert "$V" linux "\"maskedPaths\": [\"${mfile:-/proc/kcore}\", \"${mdir:-/proc/acpi}\", \"/proc/keel-no-such-path\"], \"readonlyPaths\": [\"/proc/sys\", \"/proc/keel-no-such-path\"]"
out=$(inside "$V" "\"/bin/sh\",\"-c\",\"echo stat=\$(/probe stat ${mfile:-/proc/kcore}); echo bytes=\$(cat ${mfile:-/proc/kcore} | wc -c); echo entries=\$(ls -A ${mdir:-/proc/acpi} | wc -l); echo sys=\$(/probe write /proc/sys/kernel/hostname); echo comm=\$(/probe write /proc/self/comm)\"")
[ "$(cat "$TMP/rc")" = 0 ] || diag "exit $(cat "$TMP/rc"), stderr: $(cat "$TMP/err")"
val() {
	printf '%s\n' "$out" | sed -n "s/^$1=//p"
}
if [ -n "$mfile" ]; then
	expect_match "maskedPaths: $mfile is /dev/null" "$(val stat)" '^type=chr .* rdev=1,3$'
	expect_eq "maskedPaths: $mfile reads 0 bytes" "$(val bytes)" 0
else
	skip "maskedPaths: a /proc file is /dev/null" "no maskable /proc file with content on this host"
	skip "maskedPaths: a /proc file reads 0 bytes" "no maskable /proc file with content on this host"
fi
if [ -n "$mdir" ]; then
	expect_eq "maskedPaths: $mdir is empty" "$(val entries)" 0
	expect_match "maskedPaths: $mdir is a read-only tmpfs" \
		"$(inside "$V" '"/probe","mounts"')" "^([^ ]+ ){4}$mdir ro[, ].* - tmpfs "
else
	skip "maskedPaths: a /proc directory is empty" "no non-empty /proc directory to mask on this host"
fi
expect_eq "readonlyPaths: /proc/sys/kernel/hostname fails EROFS" "$(val sys)" EROFS
expect_eq "readonlyPaths: the rest of /proc stays writable" "$(val comm)" ok

# --- --no-pivot --------------------------------------------------------------------------------
echo secret >"$TMP/host-marker"
out=$(inside "$B" '"/bin/sh","-c","/probe hostname; /probe stat '"$TMP/host-marker"'; /probe mounts"' --no-pivot)
expect_rc "--no-pivot: run exits 0" "$(cat "$TMP/rc")" 0
[ "$(cat "$TMP/rc")" = 0 ] || diag "stderr: $(cat "$TMP/err")"
expect_eq "--no-pivot: container runs (hostname)" "$(line "$out" 1)" keel-test
expect_eq "--no-pivot: host files are not reachable" "$(line "$out" 2)" ENOENT
mi=$(printf '%s\n' "$out" | sed 1,2d)
# field 4 is the path inside its file system: $B/rootfs if /tmp is on /
expect_match "--no-pivot: one mount on /, the rootfs" \
	"$(printf '%s\n' "$mi" | awk '$5 == "/" { print $4 }')" '^(/[^/]+)*/bundle/rootfs$'
expect_match "--no-pivot: /proc is mounted" "$mi" '^([^ ]+ ){4}/proc [^-]*- proc '

# --- file descriptors ----------------------------------------------------------------------------
exec 7</etc/hostname
out=$(inside "$B" '"/probe","fds"')
exec 7<&-
expect_eq "no fd leaks in: only 0, 1, 2 (fd 7 of the caller is closed)" \
	"$(printf '%s\n' "$out" | cut -d' ' -f1 | tr '\n' ' ')" "0 1 2 "
expect_nomatch "no fd of keel's reaches the container" "$out" "$ROOT|exec\.fifo|socket:|/etc/hostname"

exec 3</etc/hostname 4</etc/hostname
out=$(inside "$B" '"/probe","fds"' --preserve-fds 1)
exec 3<&- 4<&-
expect_eq "--preserve-fds 1: fds 0-3 inside, not 4" \
	"$(printf '%s\n' "$out" | cut -d' ' -f1 | tr '\n' ' ')" "0 1 2 3 "
expect_match "--preserve-fds 1: fd 3 is the caller's file" "$out" '^3 /etc/hostname$'

# create and start in two steps: the fds of "start" do not matter, those
# of "create" must not leak either.
V=$(variant fds-create)
bundle_args "$V" '"/probe","fds"'
id=$(new_id fds)
exec 8</etc/hostname
k create --bundle "$V" "$id" >"$TMP/fds.out" 2>"$TMP/fds.err"
exec 8<&-
k start "$id" >/dev/null 2>>"$TMP/fds.err"
wait_status "$id" stopped 10
expect_eq "create with fd 8 open, then start: only 0, 1, 2" \
	"$(cut -d' ' -f1 "$TMP/fds.out" | tr '\n' ' ')" "0 1 2 "
k delete "$id" >/dev/null 2>&1

# --- create failures ---------------------------------------------------------------------------
V=$(variant bad-cwd)
bundle_set "$V" cwd '"/no/such/dir"'
expect_create_fails "cwd that does not exist" "$V" 'process\.cwd.*/no/such/dir'

V=$(variant bad-exe)
bundle_args "$V" '"keel-no-such-program","arg"'
expect_create_fails "args[0] not in PATH" "$V" 'executable file not found'

V=$(variant bad-exe-abs)
bundle_args "$V" '"/no/such/program"'
expect_create_fails "args[0] absolute path missing" "$V" '/no/such/program'

V=$(variant not-exec)
bundle_args "$V" '"/etc/passwd"'
expect_create_fails "args[0] not executable" "$V" '/etc/passwd'

V=$(variant bad-rlimit)
bundle_insert "$V" process '"rlimits": [{"type": "RLIMIT_NOFILE", "soft": 300, "hard": 200}]'
expect_create_fails "rlimit soft above hard" "$V" 'process\.rlimits\[0\]'

V=$(variant bad-cap)
bundle_insert "$V" process '"capabilities": {"bounding": ["CAP_KEEL_NOPE"]}'
expect_create_fails "unknown capability" "$V" 'process\.capabilities\.bounding\[0\].*CAP_KEEL_NOPE'

# --- scheduler, ioPriority, execCPUAffinity, personality ----------------------------
V=$(variant sched)
bundle_insert "$V" process '"scheduler": {"policy": "SCHED_BATCH", "nice": 5}, "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 6}'
out=$(inside "$V" '"/probe","sched"')
expect_eq "scheduler SCHED_BATCH nice 5, ioPriority BE 6" "$out" \
	"policy 3 nice 5 priority 0 ioprio-class 2 ioprio-data 6"
[ -s "$TMP/err" ] && diag "stderr: $(cat "$TMP/err")"
V=$(variant fifo)
bundle_insert "$V" process '"scheduler": {"policy": "SCHED_FIFO", "priority": 10}'
out=$(inside "$V" '"/probe","sched"')
if grep -q 'Operation not permitted' "$TMP/err"; then
	# cgroup v1's cpu controller gives a new cgroup no real-time budget
	expect_match "SCHED_FIFO refused by the host: a clear error" "$(cat "$TMP/err")" \
		'^keel: process.scheduler: sched_setattr: Operation not permitted'
	skip "scheduler SCHED_FIFO priority 10" "real-time scheduling not permitted in the container's cgroup here"
else
	expect_match "scheduler SCHED_FIFO priority 10" "$out" '^policy 1 nice 0 priority 10 '
fi
last=$(($(nproc) - 1))
V=$(variant affinity)
bundle_insert "$V" process "\"execCPUAffinity\": {\"initial\": \"0\", \"final\": \"$last\"}"
expect_eq "execCPUAffinity.final is the process's affinity" "$(inside "$V" '"/probe","affinity"')" "$last "
V=$(variant personality)
bundle_insert "$V" linux '"personality": {"domain": "LINUX32"}'
# Whether the kernel keeps PER_LINUX32 across execve at all, seen without
# keel: a 64-bit kernel without 32-bit user support (riscv64 without
# CONFIG_COMPAT) and a 32-bit ARM kernel (which sets ADDR_LIMIT_32BIT
# instead) reset the domain to PER_LINUX when they load the binary.
p32=$(linux32 cat /proc/self/personality 2>/dev/null)
if [ -n "$p32" ] && [ $((0x$p32 & 0xff)) != 8 ]; then
	skip "personality LINUX32" "this kernel resets PER_LINUX32 at execve (linux32 gives $p32: no 64-bit/32-bit split, or no CONFIG_COMPAT)"
else
	expect_eq "personality LINUX32" "$(inside "$V" '"/probe","personality"')" 0x8
fi

# --- linux.sysctl: namespaced keys only ---------------------------------------------
V=$(variant sysctl)
bundle_set "$V" namespaces '[{"type": "pid"},{"type": "mount"},{"type": "uts"},{"type": "ipc"},{"type": "network"}]'
bundle_insert "$V" linux '"sysctl": {"net.ipv4.ip_forward": "1", "kernel.shmmax": "123456789", "fs.mqueue.msg_max": "42"}'
host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
host_shm=$(cat /proc/sys/kernel/shmmax)
out=$(inside "$V" '"/bin/sh","-c","cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/sys/fs/mqueue/msg_max"')
expect_eq "sysctl net.ipv4.ip_forward in the container" "$(line "$out" 1)" 1
expect_eq "sysctl kernel.shmmax in the container" "$(line "$out" 2)" 123456789
expect_eq "sysctl fs.mqueue.msg_max in the container" "$(line "$out" 3)" 42
expect_eq "the host's ip_forward is untouched" "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_fwd"
expect_eq "the host's shmmax is untouched" "$(cat /proc/sys/kernel/shmmax)" "$host_shm"
V=$(variant sysctl-host)
bundle_insert "$V" linux '"sysctl": {"kernel.panic": "5"}'
expect_create_fails "a sysctl of the host's kernel is refused" "$V" 'linux.sysctl.kernel.panic: not a namespaced sysctl'
V=$(variant sysctl-nonet)
bundle_insert "$V" linux '"sysctl": {"net.ipv4.ip_forward": "1"}'
expect_create_fails "a net sysctl without a network namespace is refused" "$V" 'linux.sysctl.net.ipv4.ip_forward: needs a network namespace'

done_testing
