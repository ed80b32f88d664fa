#!/bin/bash
# SPDX-License-Identifier: MIT
# podman (Debian's package, through conmon) driving keel as its OCI runtime:
# run --rm, run -d + exec + stop + rm, run -t (conmon's console socket),
# --pids-limit and --memory seen from the host's cgroup files and from
# inside, and podman's default seccomp profile in force.
#
# podman is configured by files in $TMP only (CONTAINERS_CONF,
# CONTAINERS_STORAGE_CONF, --root/--runroot below $TMP, cgroupfs, file
# events, no network: --network none), the image is imported from a tar of
# the busybox rootfs, and every container lives under a private cgroup
# parent that is removed at exit.
. "$(dirname "$0")/../lib.sh"
need_root

for b in podman conmon; do
	if ! command -v $b >/dev/null; then
		echo "1..0 # SKIP $b is not installed (scripts/host-packages.sh installs it)"
		exit 0
	fi
done
if [ ! -d /sys/fs/cgroup/pids ] || [ "$(fstype /sys/fs/cgroup)" = cgroup2fs ]; then
	echo "1..0 # SKIP written for the v1/hybrid cgroup layout (no /sys/fs/cgroup/pids)"
	exit 0
fi

CGP=keel-podman-$$
PM=$TMP/podman
mkdir -p "$PM"
# podman raises RLIMIT_NOFILE to 1048576 unless told otherwise, which needs
# CAP_SYS_RESOURCE: ask for what this shell already has.
cat >"$PM/containers.conf" <<EOF
[containers]
netns = "none"
log_driver = "k8s-file"
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=4096:4096"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PM/events.log"
tmp_dir = "$PM/tmp"
static_dir = "$PM/libpod"
volume_path = "$PM/volumes"
[network]
network_config_dir = "$PM/net"
EOF
cat >"$PM/storage.conf" <<EOF
[storage]
driver = "overlay"
runroot = "$PM/runroot"
graphroot = "$PM/graph"
EOF
export CONTAINERS_CONF=$PM/containers.conf CONTAINERS_STORAGE_CONF=$PM/storage.conf
IMG=localhost/keel-busybox:it-$$
# podman 4.3 makes these whatever its config says (the image import's blob
# cache, netavark's run dir): remove what we made.
VLC="" RC=""
[ -e /var/lib/containers ] || VLC=/var/lib/containers
[ -e /run/containers ] || RC=/run/containers

# Every podman call: private stores, keel as the runtime.  keel keeps its
# state in its default root: podman's "container cleanup" process (run -rm)
# drops --runtime-flag, so a private --root would not reach keel's delete.
pm() {
	timeout -k 5 60 podman --root "$PM/graph" --runroot "$PM/runroot" \
		--cgroup-manager cgroupfs --runtime "$KEEL" "$@"
}

pm_cleanup() {
	local c d
	pm rm -f -a -t 0 >/dev/null 2>&1
	pm rmi -f -a >/dev/null 2>&1
	# overlay mounts of the storage, then the cgroup parent in every hierarchy
	awk -v t="$PM/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo |
		sort -r | while read -r d; do umount -l "$d"; done
	for c in /sys/fs/cgroup/*/"$CGP"; do
		[ -d "$c" ] || continue
		find "$c" -depth -mindepth 1 -type d -exec rmdir {} + 2>/dev/null
		rmdir "$c"
	done
	if [ -n "$VLC" ]; then
		rm -f "$VLC/cache/blob-info-cache-v1.boltdb"
		rmdir "$VLC/cache" "$VLC"
	fi
	# (podman does not always make them: remove what is there)
	if [ -n "$RC" ] && [ -d "$RC" ]; then
		[ ! -d "$RC/networks" ] || rmdir "$RC/networks"
		rmdir "$RC"
	fi
}
trap 'pm_cleanup; _t_cleanup' EXIT

make_bundle "$TMP/bundle"
tar -C "$TMP/bundle/rootfs" -cf "$TMP/rootfs.tar" .
out=$(pm import "$TMP/rootfs.tar" "$IMG" 2>&1)
expect_match "import the busybox rootfs as an image" "$out" '^sha256:|^[0-9a-f]{64}$'
RUN=(--network none --cgroup-parent "/$CGP")

# --- run --rm -------------------------------------------------------------
out=$(pm run --rm "${RUN[@]}" "$IMG" /bin/sh -c 'echo hello from podman; exit 7' 2>&1)
rc=$?
expect_eq "run --rm: output" "$out" "hello from podman"
expect_rc "run --rm: exit status" $rc 7
expect_eq "run --rm: nothing left in podman" "$(pm ps -a -q)" ""

# --- run -d, exec, stop, rm ------------------------------------------------
id=$(pm run -d "${RUN[@]}" --pids-limit 42 "$IMG" /bin/sleep 1000 2>&1)
if [[ $id =~ ^[0-9a-f]{64}$ ]]; then
	ok "run -d: container id"
else
	fail "run -d: container id" "$id"
fi
st=$("$KEEL" state "$id" 2>&1)
expect_match "run -d: keel state says running" "$st" '"status": *"running"'
pid=$(json_field "$st" pid)
expect_eq "run -d: keel's pid is podman's" "$(pm inspect -f '{{.State.Pid}}' "$id")" "$pid"
out=$(pm exec "$id" /bin/sh -c 'echo exec in $(hostname); cat /sys/fs/cgroup/pids/pids.max' 2>&1)
expect_eq "exec: runs inside" "$out" "exec in ${id:0:12}
42"
out=$(pm exec "$id" /bin/sh -c 'exit 5' 2>&1)
expect_rc "exec: exit status" $? 5
expect_eq "--pids-limit: pids.max from the host" \
	"$(cat "/sys/fs/cgroup/pids/$CGP/libpod-$id/pids.max" 2>&1)" 42
expect_eq "the container's init is in its cgroup" \
	"$(grep -c "^$pid\$" "/sys/fs/cgroup/pids/$CGP/libpod-$id/cgroup.procs" 2>&1)" 1
out=$(pm exec "$id" grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status 2>&1)
expect_match "default seccomp profile: exec'd process filtered" "$out" 'Seccomp:[[:space:]]*2'
expect_match "default seccomp profile: init filtered" \
	"$(grep Seccomp: "/proc/$pid/status")" 'Seccomp:[[:space:]]*2'
pm stop -t 1 "$id" >/dev/null 2>&1
expect_eq "stop: podman says exited" "$(pm inspect -f '{{.State.Status}}' "$id")" exited
wait_pid_gone "$pid" 5
check "stop: the init is gone" _t_pid_gone "$pid"
out=$(pm rm "$id" 2>&1)
expect_rc "rm" $? 0
out=$("$KEEL" state "$id" 2>&1)
expect_match "rm: keel's state is gone" "$out" 'does not exist|not found|no such'
check "rm: the cgroup is gone" test ! -e "/sys/fs/cgroup/pids/$CGP/libpod-$id"

# --- seccomp=unconfined: the profile above was podman's ---------------------
out=$(pm run --rm "${RUN[@]}" --security-opt seccomp=unconfined "$IMG" \
	grep Seccomp: /proc/self/status 2>&1)
expect_match "seccomp=unconfined: no filter" "$out" 'Seccomp:[[:space:]]*0'

# --- run -t: the terminal comes through conmon's console socket -------------
out=$(pm run --rm -t "${RUN[@]}" "$IMG" /bin/sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-tty' 2>&1)
expect_match "run -t: a pty" "$out" '^/dev/pts/[0-9]+'
expect_match "run -t: stdin and stdout on it" "$out" 'both-tty'
expect_match "run -t: conmon's line discipline (CRLF)" "$(printf '%s' "$out" | od -c)" '\\r'

# --- --memory ----------------------------------------------------------------
# podman adds memory.swap (twice the limit) to every --memory.
# A failed "run -d" leaves a created container: it has a name to remove.
out=$(pm run -d "${RUN[@]}" --name mem-$$ --memory 64m "$IMG" /bin/sleep 1000 2>&1)
if [[ $out == *"not supported by this keel"* ]]; then
	skip "--memory" "this keel refuses: ${out##*keel: }"
	pm rm -f mem-$$ >/dev/null 2>&1
else
	id=$out
	mem=/sys/fs/cgroup/memory/$CGP/libpod-$id
	expect_eq "--memory: memory.limit_in_bytes from the host" \
		"$(cat "$mem/memory.limit_in_bytes" 2>&1)" $((64 << 20))
	[ -e "$mem/memory.memsw.limit_in_bytes" ] &&
		expect_eq "--memory: memory.memsw.limit_in_bytes (swap) from the host" \
			"$(cat "$mem/memory.memsw.limit_in_bytes" 2>&1)" $((128 << 20))
	expect_eq "--memory: the limit inside" \
		"$(pm exec "$id" cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>&1)" $((64 << 20))
	pm rm -f -t 0 "$id" >/dev/null 2>&1
fi

# --- keel installed as runc ----------------------------------------------------
mkdir -p "$TMP/bin"
ln -s "$KEEL" "$TMP/bin/runc"
out=$(KEEL=$TMP/bin/runc pm run --rm "${RUN[@]}" "$IMG" /bin/echo through runc 2>&1)
expect_eq "--runtime .../runc (a symlink to keel): run --rm" "$out" "through runc"

expect_eq "nothing left in podman" "$(pm ps -a --format "{{.Command}} {{.Status}}")" ""
done_testing
