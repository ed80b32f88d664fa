#!/bin/bash
# SPDX-License-Identifier: MIT
# linux.resources: every field but devices, as the cgroup files show it
# from outside and, where it can be seen, from inside (the cpuset a process
# may run on, failing forks, an allocation the OOM killer ends).  Fields
# the host cannot apply are refused naming the JSON path, leaving nothing.
# On a hybrid host the v2 code runs too, on the unified tree seen as
# /sys/fs/cgroup from a private mount namespace.
. "$(dirname "$0")/../lib.sh"
need_root

CG=/sys/fs/cgroup
PARENT=/keel-res-$$

case $(fstype $CG 2>/dev/null) in
cgroup2fs) HOST=v2 ;;
tmpfs)
	if [ "$(fstype $CG/unified 2>/dev/null)" = cgroup2fs ]; then HOST=hybrid; else HOST=v1; fi ;;
*) HOST=none ;;
esac
[ $HOST != none ] || { echo "1..0 # SKIP no cgroup file system at $CG"; exit 0; }
if [ $HOST = v2 ] && ! config_has CONFIG_CGROUP_V2; then
	echo "1..0 # SKIP cgroup v2 host, keel built without CONFIG_CGROUP_V2"; exit 0
fi
if [ $HOST != v2 ] && ! config_has CONFIG_CGROUP_V1; then
	echo "1..0 # SKIP cgroup $HOST host, keel built without CONFIG_CGROUP_V1"; exit 0
fi

# v1_mnt CTL: the mount of v1 controller CTL, "" if none.
v1_mnt() {
	awk -v c="$1" '{ sep = 0; for (i = 7; i <= NF; i++) if ($i == "-") { sep = i; break } }
	     sep && $(sep + 1) == "cgroup" {
		n = split($(sep + 3), o, ","); for (i = 1; i <= n; i++) if (o[i] == c) { print $5; exit } }' \
		/proc/self/mountinfo
}

# has_ctl CTL: can this host apply what needs controller CTL (v1 name)?
has_ctl() {
	if [ $HOST = v2 ]; then
		grep -qw "${V2NAME[$1]:-$1}" $CG/cgroup.controllers
	else
		[ -n "$(v1_mnt "$1")" ]
	fi
}
declare -A V2NAME=([blkio]=io)

# cgf CTL FILE: FILE of the container's cgroup $P under controller CTL.
cgf() {
	if [ $HOST = v2 ]; then cat "$CG$P/$2" 2>&1; else cat "$(v1_mnt "$1")$P/$2" 2>&1; fi
}

# Every cgroup tree keel may write: v1 hierarchies and the v2 tree.
trees() {
	awk '{ sep = 0; for (i = 7; i <= NF; i++) if ($i == "-") { sep = i; break } }
	     sep && ($(sep + 1) == "cgroup" || $(sep + 1) == "cgroup2") && index($5, "'$CG'") == 1 { print $5 }' \
		/proc/self/mountinfo | sort -u
}

expect_gone() {	# expect_gone NAME PATH: no tree holds cgroup PATH
	local t left=
	for t in $(trees); do [ -d "$t$2" ] && left="$left $t$2"; done
	expect_eq "$1: no cgroup left" "${left# }" ""
}

UNIFIED_BEFORE=$(cat $CG/unified/cgroup.subtree_control 2>/dev/null)
res_cleanup() {
	local t c
	for t in $(trees); do
		[ -d "$t$PARENT" ] && find "$t$PARENT" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	# controllers the v2 tests switched on at the unified root go off again
	for c in $(cat $CG/unified/cgroup.subtree_control 2>/dev/null); do
		case " $UNIFIED_BEFORE " in *" $c "*) ;; *) echo "-$c" >$CG/unified/cgroup.subtree_control ;; esac
	done
}
trap '_r=$?; (_t_cleanup); res_cleanup; exit $_r' EXIT

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }

# start NAME 'RESOURCES' ['ARGS']: run -d a container under $PARENT/NAME;
# sets ID and P, its stdout goes to $TMP/NAME.out; returns keel's status.
start() {
	local n=${1//\//-}
	local b=$TMP/b-$n
	bundle_clone "$b"
	bundle_args "$b" "${3:-\"/probe\",\"sleep\",\"1000\"}"
	bundle_insert "$b" linux "\"cgroupsPath\": \"$PARENT/$1\", \"resources\": $2"
	ID=$(new_id "$n")
	P=$PARENT/$1
	k run -d --bundle "$b" "$ID" >"$TMP/$n.out" 2>"$TMP/$n.err"
}

# refused NAME 'RESOURCES' REGEX: create fails naming the field, leaves nothing.
refused() {
	local b=$TMP/b-$1
	bundle_clone "$b"
	bundle_insert "$b" linux "\"cgroupsPath\": \"$PARENT/$1\", \"resources\": $2"
	expect_create_fails "$1" "$b" "$3"
	expect_gone "$1" "$PARENT/$1"
}

NCPU=$(nproc)
LAST=$((NCPU - 1))
# A real block device for throttling (not a loop, ram or zram device).
DEV=
for d in /sys/block/*; do
	case ${d##*/} in loop*|ram*|zram*) continue ;; esac
	DEV=$(cat "$d/dev" 2>/dev/null) && break
done

# The v1 block I/O weight file of a non-root cgroup (CFQ's blkio.weight,
# gone since 5.0, or BFQ's blkio.bfq.weight, which the root does not show;
# hence an empty cgroup of ours to look in), "" when the kernel has neither:
# keel would then rightly fail to write blockIO.weight.
# On v2 the same for io.bfq.weight (BFQ) and io.weight (blk-iocost), seen
# in our cgroup when the root hands io down (the riscv64 board's kernel has
# neither).
WFILE=
if [ $HOST != v2 ] && has_ctl blkio; then
	mkdir -p "$(v1_mnt blkio)$PARENT"
	for w in blkio.weight blkio.bfq.weight; do
		[ -e "$(v1_mnt blkio)$PARENT/$w" ] && { WFILE=$w; break; }
	done
elif [ $HOST = v2 ] && grep -qw io $CG/cgroup.subtree_control; then
	mkdir -p "$CG$PARENT"
	for w in io.bfq.weight io.weight; do
		[ -e "$CG$PARENT/$w" ] && { WFILE=$w; break; }
	done
	[ -n "$WFILE" ] || WFILE=none
fi

# --- memory, cpu, cpuset, pids, blkio in one container ---------------------------
THR=
[ -n "$DEV" ] && THR=", \"throttleReadBpsDevice\": [{\"major\": ${DEV%:*}, \"minor\": ${DEV#*:}, \"rate\": 1048576}]"
WEIGHT="\"weight\": 300"
if { [ $HOST != v2 ] && [ -z "$WFILE" ]; } || [ "$WFILE" = none ]; then
	WEIGHT=
	THR=${THR#, }
fi
start all "{\"memory\": {\"limit\": 67108864, \"reservation\": 33554432, \"swap\": 134217728},
	\"cpu\": {\"shares\": 512, \"quota\": 50000, \"period\": 100000, \"burst\": 10000, \"cpus\": \"$LAST\", \"mems\": \"0\"},
	\"pids\": {\"limit\": 30}, \"blockIO\": {$WEIGHT $THR}}" \
	'"/bin/sh","-c","grep Cpus_allowed_list /proc/self/status; exec /probe sleep 1000"'
rc=$?
expect_rc "all: run -d exits 0" $rc 0
[ $rc = 0 ] || diag "$(cat "$TMP/all.err")"
wait_grep "$TMP/all.out" Cpus_allowed_list 10
expect_match "all: inside, Cpus_allowed_list is the cpuset" "$(cat "$TMP/all.out")" \
	"^Cpus_allowed_list:[[:space:]]+$LAST\$"
pid=$(pid_of "$ID")
if [ $HOST = v2 ]; then
	expect_eq "all: memory.max" "$(cgf memory memory.max)" 67108864
	expect_eq "all: memory.low" "$(cgf memory memory.low)" 33554432
	if [ -e "$CG$P/memory.swap.max" ]; then
		expect_eq "all: memory.swap.max is swap - limit" "$(cgf memory memory.swap.max)" 67108864
	else
		skip "all: memory.swap.max is swap - limit" "no swap accounting"
	fi
	expect_eq "all: cpu.weight of 512 shares" "$(cgf cpu cpu.weight)" 59
	expect_eq "all: cpu.max" "$(cgf cpu cpu.max)" "50000 100000"
	expect_eq "all: cpu.max.burst" "$(cgf cpu cpu.max.burst)" 10000
	if [ "$WFILE" = none ]; then
		skip "all: blkio weight 300" "the kernel has neither io.bfq.weight (BFQ) nor io.weight (blk-iocost)"
	elif [ -e "$CG$P/io.bfq.weight" ]; then
		expect_eq "all: io.bfq.weight" "$(cgf blkio io.bfq.weight | head -1)" "default 300"
	else
		expect_eq "all: io.weight of blkio weight 300" "$(cgf blkio io.weight | head -1)" "default 2930"
	fi
	[ -n "$DEV" ] && expect_match "all: io.max" "$(cgf blkio io.max)" "^$DEV rbps=1048576 "
else
	expect_eq "all: memory.limit_in_bytes" "$(cgf memory memory.limit_in_bytes)" 67108864
	expect_eq "all: memory.soft_limit_in_bytes" "$(cgf memory memory.soft_limit_in_bytes)" 33554432
	expect_eq "all: memory.memsw.limit_in_bytes" "$(cgf memory memory.memsw.limit_in_bytes)" 134217728
	expect_eq "all: cpu.shares" "$(cgf cpu cpu.shares)" 512
	expect_eq "all: cpu.cfs_quota_us" "$(cgf cpu cpu.cfs_quota_us)" 50000
	expect_eq "all: cpu.cfs_period_us" "$(cgf cpu cpu.cfs_period_us)" 100000
	expect_eq "all: cpu.cfs_burst_us" "$(cgf cpu cpu.cfs_burst_us)" 10000
	if [ -n "$WFILE" ]; then
		expect_match "all: $WFILE" "$(cgf blkio $WFILE)" "^(default )?300\$"
	else
		skip "all: blkio weight 300" "the kernel has neither blkio.weight (CFQ) nor blkio.bfq.weight (BFQ)"
	fi
	[ -n "$DEV" ] && expect_eq "all: blkio.throttle.read_bps_device" \
		"$(cgf blkio blkio.throttle.read_bps_device)" "$DEV 1048576"
fi
expect_eq "all: cpuset.cpus" "$(cgf cpuset cpuset.cpus)" "$LAST"
expect_eq "all: cpuset.mems" "$(cgf cpuset cpuset.mems)" 0
expect_eq "all: pids.max" "$(cgf pids pids.max)" 30
expect_match "all: from outside, init's Cpus_allowed_list" \
	"$(grep Cpus_allowed_list /proc/"$pid"/status 2>&1)" "[[:space:]]$LAST\$"
k delete -f "$ID" >/dev/null 2>&1
expect_gone "all: delete" "$P"

# --- cpu.idle ----------------------------------------------------------------------
start idle '{"cpu": {"idle": 1}}'
rc=$?
if [ $rc = 0 ]; then
	expect_eq "cpu.idle: 1" "$(cgf cpu cpu.idle)" 1
elif grep -q 'cpu\.idle: .*No such file' "$TMP/idle.err"; then
	skip "cpu.idle: 1" "this kernel has no cpu.idle"
else
	fail "cpu.idle: 1" "$(cat "$TMP/idle.err")"
fi
k delete -f "$ID" >/dev/null 2>&1

# --- the memory limit holds: 64 MiB into a 32 MiB cgroup without swap -------------
ALLOC='"/bin/sh","-c","x=$(head -c 67108864 /dev/zero | tr \"\\\\0\" a); echo kept ${#x}"'
# Filling 64 MiB through a pipe takes a second here and half a minute or
# more under emulation (the QEMU boards): wait for the container to stop,
# killed or done, up to two minutes, and only then look.
start oom '{"memory": {"limit": 33554432, "swap": 33554432}}' "$ALLOC"
wait_status "$ID" stopped 120
expect_eq "memory limit: the allocating container is stopped" "$(status_of "$ID")" stopped
expect_nomatch "memory limit: it never held 64 MiB" "$(cat "$TMP/oom.out")" '^kept'
k delete -f "$ID" >/dev/null 2>&1
start nooom '{"memory": {"limit": 268435456}}' "$ALLOC"
wait_status "$ID" stopped 120
expect_eq "memory limit: 64 MiB fit under 256 MiB" "$(cat "$TMP/nooom.out")" "kept 67108864"
k delete -f "$ID" >/dev/null 2>&1

# --- pids.max: forks fail past it ---------------------------------------------------
start pids '{"pids": {"limit": 8}}' '"/probe","fork","20","2"'
for _ in $(seq 50); do grep -q '^forked' "$TMP/pids.out" && break; sleep 0.2; done
forked=$(sed -n 's/^forked \([0-9]*\) failed.*/\1/p' "$TMP/pids.out")
if [ -n "$forked" ] && [ "$forked" -lt 8 ]; then
	ok "pids.max 8: fewer than 8 of 20 forks succeed"
else
	fail "pids.max 8: fewer than 8 of 20 forks succeed" "$(cat "$TMP/pids.out" "$TMP/pids.err")"
fi
expect_match "pids.max 8: the others fail with EAGAIN" "$(cat "$TMP/pids.out")" 'EAGAIN$'
k delete -f "$ID" >/dev/null 2>&1

# --- v1-only fields: swappiness, OOM killer, realtime --------------------------------
if [ $HOST = v2 ]; then
	refused swappiness '{"memory": {"swappiness": 10}}' \
		'linux\.resources\.memory\.swappiness: needs the cgroup v1 memory controller \(this is a cgroup v2 host\)'
	refused oomkiller '{"memory": {"disableOOMKiller": true}}' 'linux\.resources\.memory\.disableOOMKiller: needs the cgroup v1'
	refused rt '{"cpu": {"realtimeRuntime": 1000, "realtimePeriod": 100000}}' \
		'linux\.resources\.cpu\.realtimeRuntime: needs the cgroup v1 cpu controller'
	refused leaf '{"blockIO": {"leafWeight": 100}}' 'linux\.resources\.blockIO\.leafWeight: needs the cgroup v1 blkio'
else
	start mem1 '{"memory": {"swappiness": 10, "disableOOMKiller": true}}'
	expect_eq "memory.swappiness" "$(cgf memory memory.swappiness)" 10
	expect_match "memory.oom_control: oom_kill_disable 1" "$(cgf memory memory.oom_control)" '^oom_kill_disable 1$'
	k delete -f "$ID" >/dev/null 2>&1
	# a realtime budget needs one in the parent first: ours, under $PARENT/rtp
	CPUM=$(v1_mnt cpu)
	if [ -e "$CPUM/cpu.rt_runtime_us" ]; then
		mkdir -p "$CPUM$PARENT/rtp" && echo 20000 >"$CPUM$PARENT/cpu.rt_runtime_us" &&
			echo 20000 >"$CPUM$PARENT/rtp/cpu.rt_runtime_us"
		start rtp/c '{"cpu": {"realtimeRuntime": 10000, "realtimePeriod": 500000}}'
		rc=$?
		expect_rc "cpu realtime: run -d exits 0" $rc 0
		[ $rc = 0 ] || diag "$(cat "$TMP/rtp-c.err" 2>&1)"
		expect_eq "cpu.rt_runtime_us" "$(cgf cpu cpu.rt_runtime_us)" 10000
		expect_eq "cpu.rt_period_us" "$(cgf cpu cpu.rt_period_us)" 500000
		k delete -f "$ID" >/dev/null 2>&1
		refused rtbig '{"cpu": {"realtimeRuntime": 900000}}' \
			'linux\.resources\.cpu\.realtimeRuntime: write .*cpu\.rt_runtime_us: Invalid argument'
	else
		skip "cpu realtime" "no CONFIG_RT_GROUP_SCHED (cpu.rt_runtime_us)"
	fi
	if [ -e "$(v1_mnt blkio)/blkio.leaf_weight" ]; then
		start leaf '{"blockIO": {"leafWeight": 100}}'
		expect_eq "blkio.leaf_weight" "$(cgf blkio blkio.leaf_weight)" 100
		k delete -f "$ID" >/dev/null 2>&1
	else
		# CFQ's file, gone since 5.0: the write fails, the cgroup goes
		refused leaf '{"blockIO": {"leafWeight": 100}}' 'linux\.resources\.blockIO\.leafWeight: open .*blkio\.leaf_weight'
	fi
fi

# --- hugepageLimits, network, rdma: applied where the host has the controller -------
HP=
for h in /sys/kernel/mm/hugepages/hugepages-2048kB; do [ -d "$h" ] && HP=2MB; done
if has_ctl hugetlb && [ -n "$HP" ]; then
	start huge "{\"hugepageLimits\": [{\"pageSize\": \"$HP\", \"limit\": 4194304}]}"
	sfx=limit_in_bytes
	[ $HOST = v2 ] && sfx=max
	expect_eq "hugetlb.$HP.$sfx" "$(cgf hugetlb hugetlb.$HP.$sfx)" 4194304
	k delete -f "$ID" >/dev/null 2>&1
	refused hugebad '{"hugepageLimits": [{"pageSize": "3MB", "limit": 4194304}]}' \
		'linux\.resources\.hugepageLimits\[0\]\.pageSize: no 3MB huge pages'
elif ! has_ctl hugetlb; then
	refused huge '{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}' \
		"linux\\.resources\\.hugepageLimits: needs the cgroup v[12] hugetlb controller"
fi
if [ $HOST = v2 ]; then
	refused classid '{"network": {"classID": 1048577}}' \
		'linux\.resources\.network\.classID: needs the cgroup v1 net_cls controller \(this is a cgroup v2 host\)'
elif has_ctl net_cls && has_ctl net_prio; then
	start net '{"network": {"classID": 1048577, "priorities": [{"name": "lo", "priority": 5}]}}'
	expect_eq "net_cls.classid" "$(cgf net_cls net_cls.classid)" 1048577
	expect_match "net_prio.ifpriomap" "$(cgf net_prio net_prio.ifpriomap)" '^lo 5$'
	k delete -f "$ID" >/dev/null 2>&1
else
	# mounting net_cls here would bind it to v1 on the host for good: not done
	refused classid '{"network": {"classID": 1048577}}' \
		'linux\.resources\.network\.classID: needs the cgroup v1 net_cls controller \(not mounted\)'
fi
if ! has_ctl rdma; then
	refused rdma '{"rdma": {"mlx5_0": {"hcaHandles": 3}}}' 'linux\.resources\.rdma: needs the cgroup v[12] rdma controller'
else
	# no RDMA device to name here: the kernel refuses, the cgroup goes
	refused rdma '{"rdma": {"keel-none": {"hcaHandles": 3}}}' 'linux\.resources\.rdma\[0\]: write .*rdma\.max'
fi

# --- values the kernel refuses after the cgroup was made: nothing left ---------------
if [ $HOST = v2 ]; then
	refused swapsmall '{"memory": {"limit": 67108864, "swap": 33554432}}' \
		'linux\.resources\.memory\.swap: memory\+swap limit should be >= memory limit'
else
	refused swapsmall '{"memory": {"limit": 67108864, "swap": 33554432}}' \
		'linux\.resources\.memory\.swap: write .*memory\.memsw\.limit_in_bytes: Invalid argument'
fi
refused mems '{"cpu": {"mems": "63"}}' 'linux\.resources\.cpu\.mems: write .*cpuset\.mems'

# --- kernel memory: deprecated and ignored with a warning, as runc does ----------------
start kmem '{"memory": {"kernel": 67108864, "kernelTCP": 1048576}}'
expect_rc "memory.kernel: run -d exits 0" $? 0
expect_match "memory.kernel: warned as ignored" "$(cat "$TMP/kmem.err")" 'memory\.kernel, kernelTCP: deprecated, ignored'
k delete -f "$ID" >/dev/null 2>&1

# --- unified: v2 files; on a hybrid host, in the unified tree -------------------------------
case $HOST in
v1)
	refused unified '{"unified": {"cgroup.max.descendants": "3"}}' \
		'linux\.resources\.unified\.cgroup\.max\.descendants: needs cgroup v2 \(this is a cgroup v1 host\)' ;;
hybrid)
	if config_has CONFIG_CGROUP_V2; then
		start unified '{"pids": {"limit": 9}, "unified": {"cgroup.max.descendants": "3"}}'
		expect_eq "hybrid: unified key written in the unified tree" \
			"$(cat $CG/unified$P/cgroup.max.descendants 2>&1)" 3
		expect_eq "hybrid: the typed fields still go to v1" "$(cgf pids pids.max)" 9
		k delete -f "$ID" >/dev/null 2>&1
		refused unimem '{"unified": {"memory.high": "100000000"}}' \
			"linux\\.resources\\.unified\\.memory\\.high: needs the cgroup v2 memory controller \\(not in $CG/unified/cgroup\\.controllers\\)"
	fi ;;
v2)
	start unified '{"pids": {"limit": 9}, "unified": {"cgroup.max.descendants": "3", "pids.max": "7"}}'
	expect_eq "unified: cgroup.max.descendants" "$(cat $CG$P/cgroup.max.descendants 2>&1)" 3
	expect_eq "unified: a key overrides the typed field (written last)" "$(cgf pids pids.max)" 7
	k delete -f "$ID" >/dev/null 2>&1 ;;
esac

# --- the v2 driver on a hybrid host: the unified tree mounted as /sys/fs/cgroup ----------
# kv2 ARGS...: keel in a private mount namespace that sees only cgroup v2.
kv2() {
	unshare -m sh -c 'mount --bind /sys/fs/cgroup/unified /sys/fs/cgroup && exec "$@"' sh \
		timeout -k 5 "$K_TIMEOUT" "$KEEL" --root "$ROOT" "$@"
}
if [ $HOST = hybrid ] && config_has CONFIG_CGROUP_V2 && command -v unshare >/dev/null; then
	U=$CG/unified
	v2_refused() {	# v2_refused NAME 'RESOURCES' REGEX
		local b=$TMP/b-$1 id
		bundle_clone "$b"
		bundle_insert "$b" linux "\"cgroupsPath\": \"$PARENT/$1\", \"resources\": $2"
		id=$(new_id "$1")
		kv2 create --bundle "$b" "$id" >/dev/null 2>"$TMP/$1.err"
		rc=$?
		if [ $rc != 0 ]; then ok "v2 view: $1: create fails"; else fail "v2 view: $1: create fails"; fi
		expect_match "v2 view: $1: error names the field" "$(cat "$TMP/$1.err")" "^keel: $3"
		expect_eq "v2 view: $1: no cgroup left" "$(ls -d "$U$PARENT/$1" 2>/dev/null)" ""
		[ -e "$ROOT/$id" ] && fail "v2 view: $1: no state dir left"
	}
	v2_refused v2mem '{"memory": {"limit": 67108864}}' \
		'linux\.resources\.memory\.limit: needs the cgroup v2 memory controller \(not in /sys/fs/cgroup/cgroup\.controllers\)'
	v2_refused v2rt '{"cpu": {"realtimeRuntime": 1000}}' \
		'linux\.resources\.cpu\.realtimeRuntime: needs the cgroup v1 cpu controller \(this is a cgroup v2 host\)'
	v2_refused v2net '{"network": {"priorities": [{"name": "lo", "priority": 1}]}}' \
		'linux\.resources\.network\.priorities: needs the cgroup v1 net_prio controller \(this is a cgroup v2 host\)'
	v2_refused v2uni '{"unified": {"memory.high": "1000000"}}' \
		'linux\.resources\.unified\.memory\.high: needs the cgroup v2 memory controller'
	b=$TMP/b-v2ok
	bundle_clone "$b"
	bundle_args "$b" '"/probe","sleep","1000"'
	res='"unified": {"cgroup.max.descendants": "3"}'
	if grep -qw hugetlb $U/cgroup.controllers && [ -n "$HP" ]; then
		res="\"hugepageLimits\": [{\"pageSize\": \"$HP\", \"limit\": 4194304}], \"unified\": {\"cgroup.max.descendants\": \"3\", \"hugetlb.$HP.max\": \"2097152\"}"
	fi
	bundle_insert "$b" linux "\"cgroupsPath\": \"$PARENT/v2ok\", \"resources\": {$res}"
	id=$(new_id v2ok)
	kv2 run -d --bundle "$b" "$id" >/dev/null 2>"$TMP/v2ok.err"
	rc=$?
	expect_rc "v2 view: run -d with unified keys exits 0" $rc 0
	[ $rc = 0 ] || diag "$(cat "$TMP/v2ok.err")"
	expect_eq "v2 view: unified cgroup.max.descendants written" \
		"$(cat "$U$PARENT/v2ok/cgroup.max.descendants" 2>&1)" 3
	if [[ $res == *hugetlb* ]]; then
		expect_eq "v2 view: hugetlb controller switched on in the parent" \
			"$(grep -ow hugetlb "$U$PARENT/cgroup.subtree_control")" hugetlb
		expect_eq "v2 view: hugetlb.$HP.rsvd.max from hugepageLimits" \
			"$(cat "$U$PARENT/v2ok/hugetlb.$HP.rsvd.max" 2>&1)" 4194304
		expect_eq "v2 view: unified hugetlb.$HP.max overrides hugepageLimits" \
			"$(cat "$U$PARENT/v2ok/hugetlb.$HP.max" 2>&1)" 2097152
	else
		skip "v2 view: hugetlb" "no hugetlb controller in $U or no 2 MB pages"
	fi
	kv2 delete -f "$id" >/dev/null 2>&1
	expect_eq "v2 view: delete removes the cgroup" "$(ls -d "$U$PARENT/v2ok" 2>/dev/null)" ""
else
	skip "v2 view of a hybrid host" "host $HOST, or CONFIG_CGROUP_V2 off, or no unshare"
fi

res_cleanup
left=
for t in $(trees); do [ -e "$t$PARENT" ] && left="$left $t$PARENT"; done
expect_eq "test parents removed in every tree" "${left# }" ""
expect_eq "unified root: subtree_control as before" \
	"$(cat $CG/unified/cgroup.subtree_control 2>/dev/null)" "$UNIFIED_BEFORE"

done_testing
