#!/bin/bash
# SPDX-License-Identifier: MIT
# containerd (Debian's package) with its runc v2 shim driving keel through
# the shim's BinaryName option (ctr --runc-binary): ctr run --rm and -t,
# run -d + task exec, pause/resume, kill, delete, errors that reach ctr
# through keel's JSON log, and keel installed under the name "runc".
#
# containerd runs on a private socket, root and state below $TMP (its own
# config.toml, no CRI plugin), the image is an OCI layout built here by hand
# from the busybox rootfs and imported with "ctr image import"; every
# container lives under a private cgroup parent removed at exit.
. "$(dirname "$0")/../lib.sh"
need_root

for b in containerd ctr containerd-shim-runc-v2; do
	if ! command -v $b >/dev/null; then
		echo "1..0 # SKIP $b is not installed (scripts/host-packages.sh installs containerd)"
		exit 0
	fi
done
if [ ! -d /sys/fs/cgroup/freezer ] || [ "$(fstype /sys/fs/cgroup)" = cgroup2fs ]; then
	echo "1..0 # SKIP written for the v1/hybrid cgroup layout (no /sys/fs/cgroup/freezer)"
	exit 0
fi

CD=$TMP/containerd
NS=keel-it
CGP=keel-ctr-$$
KROOT=$TMP/keel-state	# the shim's runc root; keel's --root is KROOT/NS
IMG=localhost/keel-busybox:it-$$
mkdir -p "$CD"
# ctr's fifos and the shims' sockets go below /run/containerd whatever the
# config says (containerd 1.6): remove the empty directories if we made them.
RUN_CD=
[ -e /run/containerd ] || RUN_CD=/run/containerd

cat >"$CD/config.toml" <<EOF
version = 2
root = "$CD/root"
state = "$CD/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
	"io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
	"io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "$CD/sock"
[ttrpc]
  address = "$CD/sock.ttrpc"
[debug]
  address = "$CD/debug.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$CD/opt"
EOF

c() {
	timeout -k 5 60 ctr --address "$CD/sock" -n $NS "$@"
}

# What ctr run needs to go through keel.  --cpu-shares 0: ctr's default
# (1024) would be the only cpu resource in the spec.
RUNC=$KEEL
runopts() {
	echo --cpu-shares 0 --runc-binary "$RUNC" --runc-root "$KROOT" --cgroup "/$CGP/$1"
}

CD_PID=
cd_cleanup() {
	local t p
	if [ -n "$CD_PID" ] && [ -S "$CD/sock" ]; then
		for t in $(c task ls -q 2>/dev/null); do
			c task kill -s SIGKILL "$t" >/dev/null 2>&1
			c task rm -f "$t" >/dev/null 2>&1
		done
		for t in $(c container ls -q 2>/dev/null); do
			c container rm "$t" >/dev/null 2>&1
		done
		c image rm "$IMG" >/dev/null 2>&1
	fi
	# shims left over are ours when they name our socket
	for p in /proc/[0-9]*; do
		tr "\\0" " " 2>/dev/null <"$p/cmdline" | grep -qF -- "-address $CD/sock " &&
			kill -KILL "${p#/proc/}" 2>/dev/null
	done
	if [ -n "$CD_PID" ]; then
		kill -TERM "$CD_PID" 2>/dev/null
		wait_pid_gone "$CD_PID" 10 || kill -KILL "$CD_PID" 2>/dev/null
		wait "$CD_PID" 2>/dev/null
	fi
	for p in /sys/fs/cgroup/*/"$CGP"; do
		[ -d "$p" ] || continue
		find "$p" -depth -mindepth 1 -type d -exec rmdir {} + 2>/dev/null
		rmdir "$p"
	done
	[ -z "$RUN_CD" ] || rmdir "$RUN_CD/fifo" "$RUN_CD/s" "$RUN_CD" 2>/dev/null
}
trap 'cd_cleanup; _t_cleanup' EXIT

containerd --config "$CD/config.toml" >"$CD/containerd.log" 2>&1 &
CD_PID=$!
if ! wait_file "$CD/sock" 20 || ! c version >/dev/null 2>&1; then
	fail "containerd starts" "$(tail -5 "$CD/containerd.log")"
	done_testing
fi
ok "containerd starts on a private socket"

# --- an OCI image layout by hand: layer, config, manifest, index -------------
make_bundle "$TMP/bundle"
OCI=$TMP/oci
mkdir -p "$OCI/blobs/sha256"
sha() { sha256sum <"$1" | cut -d' ' -f1; }
# blob FILE: store FILE under its digest, print "DIGEST SIZE".
blob() {
	local d
	d=$(sha "$1")
	cp "$1" "$OCI/blobs/sha256/$d"
	echo "$d $(stat -c %s "$1")"
}
tar -C "$TMP/bundle/rootfs" --numeric-owner -cf "$TMP/layer.tar" .
gzip -n -c "$TMP/layer.tar" >"$TMP/layer.tar.gz"
read -r ld ls < <(blob "$TMP/layer.tar.gz")
printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
	"$(sha "$TMP/layer.tar")" >"$TMP/config.json"
read -r cdg cs < <(blob "$TMP/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
	"$cdg" "$cs" "$ld" "$ls" >"$TMP/manifest.json"
read -r md ms < <(blob "$TMP/manifest.json")
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s"}}]}' \
	"$md" "$ms" "$IMG" >"$OCI/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$OCI/oci-layout"
tar -C "$OCI" -cf "$TMP/image.tar" oci-layout index.json blobs
out=$(c image import "$TMP/image.tar" 2>&1)
expect_match "ctr image import of the OCI archive" "$out" "unpacking $IMG .*done"

# --- run --rm ----------------------------------------------------------------
# shellcheck disable=SC2046
out=$(c run --rm $(runopts c1) "$IMG" c1 /bin/sh -c 'echo hello from containerd; exit 3' 2>&1)
rc=$?
if [[ $out == *"not supported by this keel"* ]]; then
	# ctr adds device rules to every spec; a keel that cannot apply them
	# cannot run anything here.
	skip "run --rm" "this keel refuses ctr's spec: ${out##*create failed: }"
	done_testing
fi
expect_eq "run --rm: output" "$out" "hello from containerd"
expect_rc "run --rm: exit status" $rc 3
expect_eq "run --rm: no container left" "$(c container ls -q)" ""
check "run --rm: keel's state is gone" test ! -e "$KROOT/$NS/c1"

# --- run -d, exec, pause/resume, kill, delete ---------------------------------
# shellcheck disable=SC2046
c run -d --null-io $(runopts c2) "$IMG" c2 /bin/sleep 1000 >/dev/null 2>&1
expect_match "run -d: task running" "$(c task ls)" '^c2 +[0-9]+ +RUNNING'
pid=$(c task ls | awk '$1 == "c2" { print $2 }')
st=$("$KEEL" --root "$KROOT/$NS" state c2 2>&1)
expect_match "run -d: keel state running" "$st" '"status": *"running"'
expect_eq "run -d: the shim's pid is keel's" "$(json_field "$st" pid)" "$pid"
expect_eq "run -d: the init is in its cgroup" \
	"$(grep -cx "$pid" "/sys/fs/cgroup/pids/$CGP/c2/cgroup.procs" 2>&1)" 1

out=$(c task exec --exec-id e1 c2 /bin/sh -c 'echo exec in $(cat /proc/1/comm); exit 4' 2>&1)
rc=$?
expect_eq "task exec: runs inside" "$out" "exec in sleep"
expect_rc "task exec: exit status" $rc 4
out=$(c task exec --exec-id e2 c2 /no/such/program 2>&1)
expect_match "task exec: keel's error reaches ctr (JSON log)" "$out" \
	'exec: "/no/such/program": No such file or directory'

check "task pause" c task pause c2
expect_match "pause: task paused" "$(c task ls)" '^c2 +[0-9]+ +PAUSED'
expect_match "pause: keel state paused" "$("$KEEL" --root "$KROOT/$NS" state c2 2>&1)" \
	'"status": *"paused"'
expect_eq "pause: freezer.state" "$(cat "/sys/fs/cgroup/freezer/$CGP/c2/freezer.state")" FROZEN
check "task resume" c task resume c2
expect_match "resume: task running" "$(c task ls)" '^c2 +[0-9]+ +RUNNING'
expect_eq "resume: freezer.state" "$(cat "/sys/fs/cgroup/freezer/$CGP/c2/freezer.state")" THAWED

# SIGKILL: a pid 1 without a handler ignores SIGTERM, in keel as in runc
check "task kill" c task kill -s SIGKILL c2
wait_pid_gone "$pid" 10
check "kill: the init is gone" _t_pid_gone "$pid"
_t_poll 10 eval '[[ $(c task ls) =~ c2\ +[0-9]+\ +STOPPED ]]'
expect_match "kill: task stopped" "$(c task ls)" '^c2 +[0-9]+ +STOPPED'
check "task delete" c task delete c2 2>/dev/null
check "container delete" c container rm c2
check "delete: keel's state is gone" test ! -e "$KROOT/$NS/c2"
check "delete: the cgroup is gone" test ! -e "/sys/fs/cgroup/pids/$CGP/c2"

# --- errors from create reach ctr ------------------------------------------------
# shellcheck disable=SC2046
out=$(c run --rm $(runopts c3) "$IMG" c3 /no/such/program 2>&1)
expect_match "create error: keel's message in ctr's" "$out" \
	'OCI runtime create failed: exec: "/no/such/program": No such file or directory'
expect_eq "create error: no task left" "$(c task ls -q)" ""

# --- run -t: the pty comes back through the shim's console socket ------------------
if command -v script >/dev/null; then
	# shellcheck disable=SC2046
	out=$(script -qec "ctr --address $CD/sock -n $NS run --rm -t $(runopts c4) $IMG c4 \
		/bin/sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-tty'" /dev/null 2>&1)
	expect_match "run -t: a pty" "$out" '/dev/pts/[0-9]+'
	expect_match "run -t: stdin and stdout on it" "$out" 'both-tty'
	# shellcheck disable=SC2046
	c run -d --null-io $(runopts c6) "$IMG" c6 /bin/sleep 1000 >/dev/null 2>&1
	out=$(script -qec "ctr --address $CD/sock -n $NS task exec -t --exec-id t1 c6 \
		/bin/sh -c '[ -t 0 ] && [ -t 1 ] && echo exec-tty'" /dev/null 2>&1)
	expect_match "task exec -t: a pty (process.terminal, no --tty)" "$out" 'exec-tty'
	c task kill -s SIGKILL c6 >/dev/null 2>&1
	_t_poll 10 eval '[[ $(c task ls) =~ c6\ +[0-9]+\ +STOPPED ]]'
	c task delete c6 >/dev/null 2>&1
	c container rm c6 >/dev/null 2>&1
else
	skip "run -t" "no script(1) to give ctr a terminal"
fi

# --- keel installed as runc ------------------------------------------------------
mkdir -p "$TMP/bin"
ln -s "$KEEL" "$TMP/bin/runc"
expect_eq "runc --version is keel's" "$("$TMP/bin/runc" --version)" "$("$KEEL" --version)"
RUNC=$TMP/bin/runc
# shellcheck disable=SC2046
c run -d --null-io $(runopts c5) "$IMG" c5 /bin/sleep 1000 >/dev/null 2>&1
expect_match "as runc: task running" "$(c task ls)" '^c5 +[0-9]+ +RUNNING'
expect_match "as runc: runc state" "$("$TMP/bin/runc" --root "$KROOT/$NS" state c5 2>&1)" \
	'"status": *"running"'
expect_match "as runc: the shim's BinaryName is the symlink" \
	"$(cat "$CD/state/io.containerd.runtime.v2.task/$NS/c5/options.json" 2>&1)" "\"binary_name\":\"$TMP/bin/runc\""
out=$(c task exec --exec-id e1 c5 /bin/echo exec through runc 2>&1)
expect_eq "as runc: task exec" "$out" "exec through runc"
c task kill -s SIGKILL c5 >/dev/null 2>&1
_t_poll 10 eval '[[ $(c task ls) =~ c5\ +[0-9]+\ +STOPPED ]]'
check "as runc: task delete" c task delete c5 2>/dev/null
check "as runc: container delete" c container rm c5
check "as runc: keel's state is gone" test ! -e "$KROOT/$NS/c5"

expect_eq "no task left" "$(c task ls -q)" ""
done_testing
