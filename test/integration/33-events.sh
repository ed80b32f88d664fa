#!/bin/bash
# SPDX-License-Identifier: MIT
# events: runc's stats JSON read from the container's cgroup (--stats), the
# stream every --interval that ends when the container stops, "oom" events,
# and the errors.  On the host's hierarchies (v1, hybrid or v2), then on a
# v2 view in a private mount namespace (the unified hierarchy bound over
# /sys/fs/cgroup), where a tmpfs of made-up v2 files over the container's
# cgroup checks how each v2 file is read.
. "$(dirname "$0")/../lib.sh"
need_root

if ! config_has CONFIG_EVENTS; then
	echo "1..0 # SKIP keel built without CONFIG_EVENTS"
	exit 0
fi

CG=/sys/fs/cgroup
case $(fstype $CG 2>/dev/null) in
cgroup2fs) HOST=v2 ;;
tmpfs)
	if [ "$(fstype $CG/unified 2>/dev/null)" = cgroup2fs ]; then HOST=hybrid; else HOST=v1; fi ;;
*) HOST=none ;;
esac
if [ $HOST = none ]; then
	echo "1..0 # SKIP no cgroup file system at $CG"
	exit 0
fi
if [ $HOST = v2 ]; then
	for c in memory pids; do
		grep -qw $c $CG/cgroup.controllers ||
			{ echo "1..0 # SKIP cgroup v2 host without the $c controller"; exit 0; }
	done
else
	for c in memory pids cpuacct; do
		[ -d $CG/$c ] || { echo "1..0 # SKIP cgroup v1 host without a $c hierarchy"; exit 0; }
	done
fi

# jget FILE PATH [LINE]: the value at PATH (keys joined by ".") in the JSON
# on LINE (default 1) of FILE; an object gives its keys in order, a list its
# items (as keel wrote them: compact JSON), a string its text;
# "<absent>" if there is no such value.  In awk, not python: the board
# guests have only busybox and bash.
jget() {
	sed -n "${3:-1}p" "$1" | awk -v want="$2" '
	function ws() { while (substr(s, p, 1) ~ /[ \t\r]/) p++ }
	function str(   o, c) {
		o = ""
		for (p++; p <= n; p++) {
			c = substr(s, p, 1)
			if (c == "\\") { p++; o = o substr(s, p, 1); continue }
			if (c == "\"") { p++; break }
			o = o c
		}
		return o
	}
	function sub_path(path, k) { return path == "" ? k : path "." k }
	# val PATH: parse the value at p; sets R to its raw text, and OUT
	# (FOUND=1) when PATH is the one asked for.
	function val(path,   c, st, k, l) {
		ws()
		st = p
		c = substr(s, p, 1)
		l = ""
		if (c == "{") {
			for (p++; ; ) {
				ws()
				if (substr(s, p, 1) == "}") { p++; break }
				k = str()
				ws(); p++		# the colon
				l = l (l == "" ? "" : " ") k
				val(sub_path(path, k))
				ws()
				if (substr(s, p++, 1) != ",") break
			}
		} else if (c == "[") {
			for (p++; ; ) {
				ws()
				if (substr(s, p, 1) == "]") { p++; break }
				val(path "[]")
				l = l (l == "" ? "" : " ") R
				ws()
				if (substr(s, p++, 1) != ",") break
			}
		} else if (c == "\"") {
			l = str()
		} else {
			while (p <= n && substr(s, p, 1) !~ /[],} \t]/) p++
			l = substr(s, st, p - st)
		}
		R = substr(s, st, p - st)
		if (path == want && path !~ /\[\]/) { OUT = l; FOUND = 1 }
	}
	{ s = $0; n = length(s); p = 1; val("") }
	END { print FOUND ? OUT : "<absent>" }'
}

# gt A B: A > B, both integers
gt() {
	[ -n "$1" ] && [ -n "$2" ] && [ "$1" -gt "$2" ] 2>/dev/null
}

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
RFS=$B/rootfs

# --- --stats on a running container ------------------------------------------------
S=$TMP/stats
bundle_clone "$S"
id=$(new_id stats)
bundle_insert "$S" linux '"resources": {"memory": {"limit": 67108864}}'
# three processes; a CPU burn (shell builtins only, no fork) once we say go
bundle_args "$S" "\"/bin/sh\",\"-c\",\"mkfifo /tmp/go-$id; /probe sleep 1000 & /probe sleep 1000 & echo started; read x < /tmp/go-$id; i=0; while [ \$i -lt 200000 ]; do i=\$((i+1)); done; echo burned; read x < /tmp/go-$id\""
k run --detach --bundle "$S" "$id" >"$TMP/stats.out" 2>"$TMP/err"; rc=$?
expect_rc "stats: run --detach exits 0" $rc 0
wait_grep "$TMP/stats.out" '^started$' 10 || diag "container: $(cat "$TMP/stats.out" "$TMP/err")"

k events --stats "$id" >"$TMP/s1" 2>"$TMP/err"; rc=$?
expect_rc "events --stats exits 0" $rc 0
[ $rc = 0 ] || diag "$(cat "$TMP/err")"
expect_eq "events --stats prints one line" "$(wc -l <"$TMP/s1")" 1
expect_eq "nothing on stderr" "$(cat "$TMP/err")" ""
expect_eq "top level: type, id, data (runc's Event)" "$(jget "$TMP/s1" "")" "type id data"
expect_eq "type is stats" "$(jget "$TMP/s1" type)" stats
expect_eq "id is the container's" "$(jget "$TMP/s1" id)" "$id"
expect_eq "data has runc's Stats members in order" "$(jget "$TMP/s1" data)" \
	"cpu cpuset memory pids blkio hugetlb intel_rdt network_interfaces"
expect_eq "cpu: usage and throttling" "$(jget "$TMP/s1" data.cpu)" "usage throttling"
expect_match "cpu.usage: total ... kernel user" "$(jget "$TMP/s1" data.cpu.usage)" '^total( percpu)?( percpu_kernel)?( percpu_user)? kernel user$'
expect_match "memory: usage, swap, kernel, kernelTCP entries" "$(jget "$TMP/s1" data.memory)" \
	'^(cache )?usage swap kernel kernelTCP( raw)?$'
expect_match "memory.usage: limit, usage, max, failcnt" "$(jget "$TMP/s1" data.memory.usage)" \
	'^limit usage (max )?failcnt$'
expect_eq "network_interfaces is null" "$(jget "$TMP/s1" data.network_interfaces)" null
expect_match "the line is compact JSON, as Go's encoder writes it" "$(cat "$TMP/s1")" \
	"^\\{\"type\":\"stats\",\"id\":\"$id\",\"data\":\\{\"cpu\":\\{\"usage\":\\{"

path=/keel/$id
if [ $HOST = v2 ]; then PIDS_DIR=$CG$path; else PIDS_DIR=$CG/pids$path; fi
procs=$(grep -c . "$PIDS_DIR/cgroup.procs" 2>/dev/null)
expect_eq "pids.current: the three processes started" "$(jget "$TMP/s1" data.pids.current)" 3
expect_eq "pids.current matches the cgroup's cgroup.procs" "$procs" 3
ps_n=$(k ps --format json "$id" 2>/dev/null | tr -d '[]' | tr ',' '\n' | grep -c .)
expect_eq "keel ps lists as many processes" "$ps_n" 3
expect_eq "pids.limit: none set, left out" "$(jget "$TMP/s1" data.pids.limit)" "<absent>"
expect_eq "memory.usage.limit is linux.resources.memory.limit" \
	"$(jget "$TMP/s1" data.memory.usage.limit)" 67108864
if gt "$(jget "$TMP/s1" data.memory.usage.usage)" 0; then
	ok "memory.usage.usage is non-zero"
else
	fail "memory.usage.usage is non-zero" "$(jget "$TMP/s1" data.memory.usage)"
fi
if [ $HOST = v2 ]; then
	expect_eq "memory.usage.usage is memory.current (±64 KiB)" \
		"$(( ($(jget "$TMP/s1" data.memory.usage.usage) - $(cat $CG$path/memory.current)) / 65536 ))" 0
else
	if gt "$(jget "$TMP/s1" data.memory.raw.total_rss)" 0 || gt "$(jget "$TMP/s1" data.memory.raw.rss)" 0; then
		ok "memory.raw carries memory.stat"
	else
		fail "memory.raw carries memory.stat" "$(jget "$TMP/s1" data.memory.raw)"
	fi
	expect_match "cpuset.cpus lists the container's cpus" "$(jget "$TMP/s1" data.cpuset.cpus)" '^[0-9]+( [0-9]+)*$'
fi
cpu1=$(jget "$TMP/s1" data.cpu.usage.total)
if gt "$cpu1" 0; then ok "cpu.usage.total is non-zero"; else fail "cpu.usage.total is non-zero" "'$cpu1'"; fi

# burn CPU inside, then look again
echo go >"$RFS/tmp/go-$id"
wait_grep "$TMP/stats.out" '^burned$' 20 || diag "container: $(cat "$TMP/stats.out")"
k events --stats "$id" >"$TMP/s2" 2>"$TMP/err"; rc=$?
expect_rc "events --stats again exits 0" $rc 0
cpu2=$(jget "$TMP/s2" data.cpu.usage.total)
if gt "$cpu2" $((cpu1 + 50000000)); then
	ok "cpu.usage.total grew by more than 50 ms after the burn"
else
	fail "cpu.usage.total grew by more than 50 ms after the burn" "before $cpu1, after $cpu2"
fi
user=$(jget "$TMP/s2" data.cpu.usage.user)
kern=$(jget "$TMP/s2" data.cpu.usage.kernel)
if gt $((user + kern)) 0; then ok "cpu.usage user + kernel is non-zero"; else fail "cpu.usage user + kernel is non-zero" "user $user kernel $kern"; fi
echo go >"$RFS/tmp/go-$id"
rm -f "$RFS/tmp/go-$id"
k delete --force "$id" >/dev/null 2>&1

# --- the stream: every --interval, until the container exits ------------------------
W=$TMP/stream
bundle_clone "$W"
bundle_args "$W" '"/probe","sleep","4"'
id=$(new_id stream)
k run --detach --bundle "$W" "$id" >/dev/null 2>"$TMP/err"; rc=$?
expect_rc "stream: run --detach exits 0" $rc 0
start=$(date +%s)
k events --interval 1s "$id" >"$TMP/stream.ev" 2>"$TMP/stream.err" &
ev=$!
track_pid $ev
if wait_pid_gone $ev 15; then
	wait $ev; rc=$?
	expect_rc "stream: events exits 0 when the container exits" $rc 0
	took=$(( $(date +%s) - start ))
	if [ $took -le 8 ]; then ok "stream: it ends with the container"; else fail "stream: it ends with the container" "took ${took}s"; fi
else
	fail "stream: events exits 0 when the container exits" "still running 15 s later, status $(status_of "$id")"
	fail "stream: it ends with the container"
fi
n=$(grep -c . "$TMP/stream.ev")
if [ "$n" -ge 2 ] && [ "$n" -le 5 ]; then ok "stream: 2 to 5 stats events in ~4 s at 1s"; else fail "stream: 2 to 5 stats events in ~4 s at 1s" "$n lines"; fi
bad=
for i in $(seq 1 "$n"); do
	[ "$(jget "$TMP/stream.ev" type "$i")" = stats ] && [ "$(jget "$TMP/stream.ev" id "$i")" = "$id" ] || bad="$bad $i"
done
expect_eq "stream: every line is a stats event of the container" "${bad# }" ""
expect_eq "stream: nothing on stderr" "$(cat "$TMP/stream.err")" ""
k delete "$id" >/dev/null 2>&1

# --- oom ------------------------------------------------------------------------------
if [ -n "$(tail -n +2 /proc/swaps)" ]; then
	for t in "oom: run --detach exits 0" "oom: dd was OOM-killed" "oom: the OOM killer counted it" \
		 "oom: an oom event, in runc's words" "oom: events exits 0 with the container"; do
		skip "$t" "swap is on: dd would be swapped out rather than OOM-killed"
	done
else
	O=$TMP/oom
	bundle_clone "$O"
	id=$(new_id oom)
	bundle_insert "$O" linux '"resources": {"memory": {"limit": 16777216}}'
	# dd's 64 MiB buffer, filled from /dev/zero, cannot fit in 16 MiB
	bundle_args "$O" "\"/bin/sh\",\"-c\",\"mkfifo /tmp/go-$id; read x < /tmp/go-$id; dd if=/dev/zero of=/dev/null bs=64M count=1; echo dd=\$?; exec /probe sleep 2\""
	k run --detach --bundle "$O" "$id" >"$TMP/oom.out" 2>"$TMP/err"; rc=$?
	expect_rc "oom: run --detach exits 0" $rc 0
	k events --interval 1s "$id" >"$TMP/oom.ev" 2>"$TMP/oom.err" &
	ev=$!
	track_pid $ev
	# the first stats event shows the watch has taken its baseline
	wait_grep "$TMP/oom.ev" '"type":"stats"' 10
	wait_file "$RFS/tmp/go-$id" 5 && echo go >"$RFS/tmp/go-$id"
	wait_grep "$TMP/oom.out" '^dd=' 10
	expect_eq "oom: dd was OOM-killed" "$(cat "$TMP/oom.out")" "dd=137"
	if [ $HOST = v2 ]; then
		kills=$(awk '$1 == "oom_kill" { print $2 }' "$CG/keel/$id/memory.events" 2>/dev/null)
	else
		kills=$(awk '$1 == "oom_kill" { print $2 }' "$CG/memory/keel/$id/memory.oom_control" 2>/dev/null)
	fi
	if gt "$kills" 0; then ok "oom: the OOM killer counted it"; else fail "oom: the OOM killer counted it" "oom_kill '$kills'"; fi
	wait_grep "$TMP/oom.ev" '"type":"oom"' 5
	expect_eq "oom: an oom event, in runc's words" "$(grep '"type":"oom"' "$TMP/oom.ev")" \
		"{\"type\":\"oom\",\"id\":\"$id\"}"
	if wait_pid_gone $ev 10; then
		wait $ev; rc=$?
		expect_rc "oom: events exits 0 with the container" $rc 0
	else
		fail "oom: events exits 0 with the container" "still running"
	fi
	rm -f "$RFS/tmp/go-$id"
	k delete --force "$id" >/dev/null 2>&1
fi

# --- errors -----------------------------------------------------------------------------
# events_fails NAME REGEX ARGS...: non-zero, one "keel: " line matching REGEX, no stdout
events_fails() {
	local name=$1 re=$2 rc
	shift 2
	k events "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?
	if [ $rc != 0 ]; then ok "$name: exits non-zero"; else fail "$name: exits non-zero"; fi
	expect_match "$name: error says /$re/" "$(cat "$TMP/err")" "^keel: .*$re"
	expect_eq "$name: one line on stderr, none on stdout" "$(wc -l <"$TMP/err") $(wc -c <"$TMP/out")" "1 0"
}

events_fails "unknown id" 'container "no-such-box" does not exist' --stats no-such-box
events_fails "unknown id, streaming" 'does not exist' no-such-box
id=$(new_id stopped)
k run --detach --bundle "$W" "$id" >/dev/null 2>&1
k kill "$id" KILL >/dev/null 2>&1
wait_status "$id" stopped 5
events_fails "stopped container" "container with id $id is not running" --stats "$id"
events_fails "stopped container, streaming" "is not running" --interval 1s "$id"
k delete "$id" >/dev/null 2>&1
events_fails "--interval xx" '--interval: invalid duration "xx"' --interval xx --stats "$id"
events_fails "--interval 5 (no unit)" '--interval: invalid duration "5"' --interval 5 "$id"
id=$(new_id interval)
k run --detach --bundle "$W" "$id" >/dev/null 2>&1
events_fails "--interval 0s" 'duration interval must be greater than 0' --interval 0s "$id"
events_fails "--interval -1s" 'duration interval must be greater than 0' --interval -1s "$id"
events_fails "no container id" 'expects exactly one container id'
events_fails "two container ids" 'expects exactly one container id' "$id" "$id"
k events --interval 1m30s --stats "$id" >"$TMP/out" 2>"$TMP/err"; rc=$?
expect_rc "--interval 1m30s (Go's duration syntax) is taken" $rc 0
k delete --force "$id" >/dev/null 2>&1

# --- a v2 view: the unified hierarchy bound over /sys/fs/cgroup -------------------------
if [ $HOST = v1 ] || ! config_has CONFIG_CGROUP_V2; then
	for t in "v2 view: events --stats exits 0" "v2 view: pids.current from cgroup.procs" \
		 "v2 view: cpu.usage.total from cpu.stat" "v2 view: no memory controller, usage left out" \
		 "v2 files: cpu.stat" "v2 files: memory" "v2 files: memory.stat as raw, file as cache" \
		 "v2 files: pids" "v2 files: io.stat" "v2 files: hugetlb" "v2 files: oom_kill rise is an oom event"; do
		skip "$t" "no cgroup v2 hierarchy here, or keel built without CONFIG_CGROUP_V2"
	done
	done_testing
fi
V=$TMP/v2
bundle_clone "$V"
bundle_args "$V" '"/bin/sh","-c","/probe sleep 1000 & exec /probe sleep 1000"'
id=$(new_id v2)
cat >"$TMP/v2.sh" <<'EOF'
# run by "unshare -m": $KEEL $ROOT $V $ID $OUT
set -u
k() { timeout -k 5 30 "$KEEL" --root "$ROOT" "$@"; }
mount --make-rprivate /
# already cgroup2 (a pure v2 host: the board guests), or the unified tree
[ -e /sys/fs/cgroup/cgroup.controllers ] ||
	mount --bind /sys/fs/cgroup/unified /sys/fs/cgroup || exit 1
k run --detach --bundle "$V" "$ID" >/dev/null 2>"$OUT/run.err" || exit 1
sleep 0.3
k events --stats "$ID" >"$OUT/real" 2>"$OUT/real.err"
echo $? >"$OUT/real.rc"
# made-up v2 files over the container's cgroup, in this namespace only
d=/sys/fs/cgroup/keel/$ID
mount -t tmpfs fake "$d" || exit 1
printf '1\n2\n3\n' >"$d/cgroup.procs"
printf 'usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 7\nnr_throttled 2\nthrottled_usec 30\n' >"$d/cpu.stat"
echo 4096 >"$d/memory.current"
echo max >"$d/memory.max"
echo 8192 >"$d/memory.peak"
echo 100 >"$d/memory.swap.current"
echo 1000000 >"$d/memory.swap.max"
printf 'file 20\nanon 10\nzswap 1\n' >"$d/memory.stat"
printf 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n' >"$d/memory.events"
echo 2 >"$d/pids.current"
echo 50 >"$d/pids.max"
printf '8:0 rbytes=100 wbytes=200 rios=3 wios=4 dbytes=0 dios=0\n259:1 rbytes=5 wbytes=0 rios=1 wios=0\n' >"$d/io.stat"
echo 4096 >"$d/hugetlb.2MB.current"
printf 'max 2\n' >"$d/hugetlb.2MB.events"
echo 0 >"$d/hugetlb.1GB.current"
k events --stats "$ID" >"$OUT/fake" 2>"$OUT/fake.err"
k events --interval 1s "$ID" >"$OUT/oom" 2>"$OUT/oom.err" &
ev=$!
for i in $(seq 50); do grep -q stats "$OUT/oom" && break; sleep 0.1; done
printf 'low 0\nhigh 0\nmax 3\noom 2\noom_kill 2\n' >"$d/memory.events"
for i in $(seq 50); do grep -q '"oom"' "$OUT/oom" && break; sleep 0.1; done
umount "$d"
k kill "$ID" KILL
wait $ev
echo $? >"$OUT/oom.rc"
k delete --force "$ID" >/dev/null 2>&1
exit 0
EOF
mkdir -p "$TMP/v2out"
KEEL=$KEEL ROOT=$ROOT V=$V ID=$id OUT=$TMP/v2out unshare -m bash "$TMP/v2.sh" >"$TMP/v2.log" 2>&1
[ -s "$TMP/v2.log" ] && diag "$(cat "$TMP/v2.log")"
R=$TMP/v2out
expect_eq "v2 view: events --stats exits 0" "$(cat "$R/real.rc" 2>&1) $(cat "$R/real.err" 2>&1)" "0 "
expect_eq "v2 view: pids.current from cgroup.procs" "$(jget "$R/real" data.pids.current)" 2
if gt "$(jget "$R/real" data.cpu.usage.total)" 0; then
	ok "v2 view: cpu.usage.total from cpu.stat"
else
	fail "v2 view: cpu.usage.total from cpu.stat" "$(cat "$R/real" 2>&1)"
fi
if [ $HOST = v2 ] && grep -qw memory $CG/cgroup.controllers; then
	# a pure v2 host has the memory controller: usage is read
	expect_match "v2 view: memory controller, usage read" "$(jget "$R/real" data.memory.usage)" \
		'^limit usage (max )?failcnt$'
else
	expect_eq "v2 view: no memory controller, usage left out" "$(jget "$R/real" data.memory.usage)" "limit failcnt"
fi
expect_eq "v2 files: cpu.stat" \
	"$(jget "$R/fake" data.cpu.usage) $(jget "$R/fake" data.cpu.usage.total) $(jget "$R/fake" data.cpu.usage.user) $(jget "$R/fake" data.cpu.usage.kernel) $(jget "$R/fake" data.cpu.throttling.periods) $(jget "$R/fake" data.cpu.throttling.throttledPeriods) $(jget "$R/fake" data.cpu.throttling.throttledTime)" \
	"total kernel user 1500000 1000000 500000 7 2 30000"
# memory.max "max" is 2^64-1; swap is memory + swap, as v1 counts it, and
# unlimited memory makes it unlimited
expect_eq "v2 files: memory" \
	"$(jget "$R/fake" data.memory.usage.limit) $(jget "$R/fake" data.memory.usage.usage) $(jget "$R/fake" data.memory.usage.max) $(jget "$R/fake" data.memory.swap.usage) $(jget "$R/fake" data.memory.swap.limit)" \
	"18446744073709551615 4096 8192 4196 18446744073709551615"
expect_eq "v2 files: memory.stat as raw, file as cache" \
	"$(jget "$R/fake" data.memory.raw) $(jget "$R/fake" data.memory.raw.file) $(jget "$R/fake" data.memory.cache)" \
	"anon file zswap 20 20"
expect_eq "v2 files: pids" "$(jget "$R/fake" data.pids.current) $(jget "$R/fake" data.pids.limit)" "2 50"
expect_eq "v2 files: io.stat" \
	"$(jget "$R/fake" data.blkio.ioServiceBytesRecursive) / $(jget "$R/fake" data.blkio.ioServicedRecursive)" \
	'{"major":8,"op":"Read","value":100} {"major":8,"op":"Write","value":200} {"major":259,"minor":1,"op":"Read","value":5} {"major":259,"minor":1,"op":"Write"} / {"major":8,"op":"Read","value":3} {"major":8,"op":"Write","value":4} {"major":259,"minor":1,"op":"Read","value":1} {"major":259,"minor":1,"op":"Write"}'
# one entry per page size the kernel has (and the files say the controller is on)
if [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] && [ -d /sys/kernel/mm/hugepages/hugepages-1048576kB ]; then
	expect_eq "v2 files: hugetlb" "$(jget "$R/fake" data.hugetlb) $(jget "$R/fake" data.hugetlb.2MB.usage) $(jget "$R/fake" data.hugetlb.2MB.failcnt) $(jget "$R/fake" data.hugetlb.1GB)" \
		"1GB 2MB 4096 2 failcnt"
else
	skip "v2 files: hugetlb" "this kernel has no 2 MB and 1 GB huge pages"
fi
expect_eq "v2 files: oom_kill rise is an oom event" \
	"$(grep -c '^{"type":"oom","id":"'"$id"'"}$' "$R/oom") $(cat "$R/oom.rc" 2>&1)" "1 0"

done_testing
