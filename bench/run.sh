#!/bin/bash
# SPDX-License-Identifier: MIT
#
# keel against crun, runc and the kernel's floor, same machine, same run,
# same bundle (busybox rootfs, "keel spec"'s default config running
# /bin/true).  Called by "make bench":
#
#   bench/run.sh KEEL OUTDIR        (RUNS=5 SEQ=100 PAR=8 EXECS=50)
#
# Writes OUTDIR/*.json (hyperfine exports), OUTDIR/rss.txt, OUTDIR/floor.txt,
# OUTDIR/load.txt, OUTDIR/strace.txt, then bench/report.py turns them into docs/bench.md and
# docs/bench.svg.
#
# crun 1.8.1 refuses a hybrid cgroup layout, so everything (keel included)
# runs in a private mount namespace where /sys/fs/cgroup/unified is
# unmounted: every runtime then sees the same cgroup v1 host.
set -eu

KEEL=$(realpath "$1")
OUT=$(realpath -m "$2")
RUNS=${RUNS:-5}
SEQ=${SEQ:-100}
PAR=${PAR:-8}
EXECS=${EXECS:-50}
SRC=$(cd "$(dirname "$0")/.." && pwd)

if [ "${KEEL_BENCH_INNER:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || { echo "bench: needs root" >&2; exit 1; }
	for t in crun runc hyperfine gnuplot strace /usr/bin/time; do
		command -v "$t" >/dev/null || { echo "bench: $t missing (scripts/host-packages.sh bench)" >&2; exit 1; }
	done
	mkdir -p "$OUT"
	exec unshare -m sh -c 'mount --make-rprivate / &&
		{ ! mountpoint -q /sys/fs/cgroup/unified || umount /sys/fs/cgroup/unified; } &&
		KEEL_BENCH_INNER=1 exec "$0" "$@"' "$0" "$@"
fi

W=$(mktemp -d /tmp/keel-bench.XXXXXX)
# Every runtime keeps its state ($W/root-*) on a tmpfs, as it does by default
# (/run/keel, /run/crun, /run/runc): on a disk filesystem each state file
# costs an inode allocation (about 0.3 ms apiece on ext4 here), which would
# measure the disk, not the runtime.  This is the private mount namespace,
# so the tmpfs goes away with it.
mount -t tmpfs -o mode=0700 keel-bench-state "$W"
cleanup() {
	for rt in keel crun runc; do
		for id in $(ls "$W/root-$rt" 2>/dev/null); do
			rtcmd $rt delete --force "$id" >/dev/null 2>&1 || true
		done
	done
	umount "$W"
	rm -rf "$W"
}
trap cleanup EXIT

rtcmd() {	# rtcmd RUNTIME ARGS...
	local rt=$1
	shift
	case $rt in
	keel) "$KEEL" --root "$W/root-keel" "$@" ;;
	crun) crun --root "$W/root-crun" "$@" ;;
	runc) runc --root "$W/root-runc" "$@" ;;
	esac
}
export -f rtcmd
export KEEL W

# --- the bundle -------------------------------------------------------------------
B=$W/bundle
"$SRC/scripts/mkbundle.sh" "$B" >/dev/null
(cd "$B" && rm -f config.json && "$KEEL" spec)
/usr/bin/python3 - "$B/config.json" <<'EOF'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c['ociVersion'] = '1.0.2'  # crun 1.8.1 knows no later version
c['process']['terminal'] = False
c['process']['args'] = ['/bin/true']
c['root']['readonly'] = False
json.dump(c, open(p, 'w'), indent=1)
EOF
for rt in keel crun runc; do
	rtcmd $rt run --bundle "$B" check-$rt >/dev/null ||
		{ echo "bench: $rt cannot run the bundle" >&2; exit 1; }
done
floor="unshare --mount --uts --ipc --net --pid --fork chroot $B/rootfs /bin/true"
$floor || { echo "bench: the floor command fails" >&2; exit 1; }

hf() {	# hf NAME RUNS COMMAND-PER-RUNTIME-TEMPLATE (RT is replaced)
	local name=$1 runs=$2 tpl=$3 args=() rt
	for rt in keel crun runc; do
		args+=(-n "$rt" "${tpl//RT/rtcmd $rt}")
	done
	[ -n "${4:-}" ] && args+=(-n floor "$4")
	hyperfine --style basic --runs "$runs" --warmup 1 --export-json "$OUT/$name.json" \
		-S bash "${args[@]}" >"$OUT/$name.txt" 2>&1 || { cat "$OUT/$name.txt"; exit 1; }
	echo "bench: $name done"
}

# the 1-minute load average before and after (bench/report.py prints them)
cut -d' ' -f1 /proc/loadavg >"$OUT/load.txt"
# sequential run of $SEQ containers
hf seq-run "$RUNS" "for i in \$(seq $SEQ); do RT run --bundle $B s\$i >/dev/null; done" \
	"for i in \$(seq $SEQ); do $floor; done"
# one create -> start -> wait -> delete cycle
hf lifecycle $((RUNS * 4)) "RT create --bundle $B c1 >/dev/null && RT start c1 &&
	while RT state c1 | grep -q '\"running\"'; do :; done && RT delete c1" "$floor"
# exec into a running container
for rt in keel crun runc; do
	/usr/bin/python3 - "$B/config.json" "$W/sleep-$rt" <<'EOF'
import json, os, sys
c = json.load(open(sys.argv[1]))
c['process']['args'] = ['/bin/sleep', '1000']
c['root']['path'] = os.path.dirname(sys.argv[1]) + '/rootfs'
os.makedirs(sys.argv[2], exist_ok=True)
json.dump(c, open(sys.argv[2] + '/config.json', 'w'))
EOF
	rtcmd $rt run -d --bundle "$W/sleep-$rt" x >/dev/null 2>&1 </dev/null
done
hf exec "$EXECS" "RT exec x /bin/true"
for rt in keel crun runc; do rtcmd $rt delete --force x >/dev/null 2>&1 || true; done
# $PAR lifecycles in parallel
hf parallel "$RUNS" "seq $PAR | xargs -P $PAR -I{} bash -c 'RT run --bundle $B p{} >/dev/null'" \
	"seq $PAR | xargs -P $PAR -I{} $floor"

# --- peak RSS of the runtime process (KiB, GNU time's %M) ----------------------------
# %M is the largest RSS of the process and of every child it waited for, so
# for "run" it includes the container's own process.  The bundle's /bin/true
# is busybox (about 1 MiB resident once started); here it is a 13 KiB static
# musl "return 0", so the figure is the runtime's, for all three alike.
R=$W/rss-bundle
mkdir -p "$R"
cp -a "$B/rootfs" "$R/rootfs"
rm -f "$R/rootfs/bin/true"
printf 'int main(void)\n{\n\treturn 0;\n}\n' >"$W/true.c"
musl-gcc -static -Os -s -o "$R/rootfs/bin/true" "$W/true.c" ||
	{ echo "bench: musl-gcc cannot build the tiny /bin/true" >&2; exit 1; }
cp "$B/config.json" "$R/config.json"	# root.path is "rootfs", relative
: >"$OUT/rss.txt"
for rt in keel crun runc; do
	# the runtime binary itself, not a shell around it; -o: the created
	# container's init keeps create's stdio open
	case $rt in
	keel) cmd=("$KEEL" --root "$W/root-keel") ;;
	*) cmd=("$rt" --root "$W/root-$rt") ;;
	esac
	/usr/bin/time -o "$W/rss" -f %M "${cmd[@]}" create --bundle "$R" r1 >/dev/null 2>&1
	c=$(tail -1 "$W/rss")
	rtcmd $rt delete --force r1 >/dev/null 2>&1
	/usr/bin/time -o "$W/rss" -f %M "${cmd[@]}" run --bundle "$R" r2 >/dev/null 2>&1
	r=$(tail -1 "$W/rss")
	/usr/bin/time -o "$W/rss" -f %M "${cmd[@]}" run --bundle "$B" r3 >/dev/null 2>&1
	rb=$(tail -1 "$W/rss")
	echo "$rt create=$c run=$r run-busybox=$rb" >>"$OUT/rss.txt"
done
echo "bench: rss done"

# --- the smallest memory.limit a container starts with ---------------------------------
# Bisect in 4 KiB pages between 16 KiB and 64 MiB: "starts" = run exits 0.
memfloor() {	# memfloor RUNTIME -> bytes
	local rt=$1 lo=4 hi=16384 mid d=$W/mem-$1
	mkdir -p "$d"
	try() {
		/usr/bin/python3 - "$B/config.json" "$d/config.json" $(($1 * 4096)) <<'EOF'
import json, os, sys
c = json.load(open(sys.argv[1]))
c['root']['path'] = os.path.dirname(sys.argv[1]) + '/rootfs'
c['linux'].setdefault('resources', {})['memory'] = {'limit': int(sys.argv[3])}
json.dump(c, open(sys.argv[2], 'w'))
EOF
		rtcmd $rt run --bundle "$d" m >/dev/null 2>&1
		local rc=$?
		rtcmd $rt delete --force m >/dev/null 2>&1
		return $rc
	}
	try $hi || { echo "-"; return; }
	while [ $((hi - lo)) -gt 1 ]; do
		mid=$(((lo + hi) / 2))
		if try $mid; then hi=$mid; else lo=$mid; fi
	done
	echo $((hi * 4096))
}
: >"$OUT/floor.txt"
for rt in keel crun runc; do
	echo "$rt $(memfloor $rt)" >>"$OUT/floor.txt"
done
echo "bench: memory floor done"

# --- where keel's time goes: syscalls of one lifecycle ----------------------------------
strace -f -c -w -o "$OUT/strace.txt" "$KEEL" --root "$W/root-keel" run --bundle "$B" st >/dev/null
strace -f -r -o "$OUT/strace-r.txt" "$KEEL" --root "$W/root-keel" run --bundle "$B" st2 >/dev/null
cut -d' ' -f1 /proc/loadavg >>"$OUT/load.txt"
echo "bench: profile done"
