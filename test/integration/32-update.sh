#!/bin/bash
# SPDX-License-Identifier: MIT
# keel update: each of runc's flags, --resources from a file and from
# stdin (flags override it), created/running/paused containers, the memory
# usage check, and runc's errors for stopped and unknown containers.
. "$(dirname "$0")/../lib.sh"
need_root

CG=/sys/fs/cgroup
PARENT=/keel-upd-$$

if ! config_has CONFIG_UPDATE; then
	out=$(k update x 2>&1)
	expect_match "update without CONFIG_UPDATE names the option" "$out" 'CONFIG_UPDATE'
	done_testing
fi
case $(fstype $CG 2>/dev/null) in
cgroup2fs) HOST=v2 ;;
tmpfs)
	if [ "$(fstype $CG/unified 2>/dev/null)" = cgroup2fs ]; then HOST=hybrid; else HOST=v1; fi ;;
*) echo "1..0 # SKIP no cgroup file system at $CG"; exit 0 ;;
esac
if [ $HOST = v2 ]; then
	for c in memory cpu cpuset pids; do
		grep -qw $c $CG/cgroup.controllers ||
			{ echo "1..0 # SKIP cgroup v2 host without the $c controller"; exit 0; }
	done
fi

v1_mnt() {
	awk -v c="$1" '{ sep = 0; for (i = 7; i <= NF; i++) if ($i == "-") { sep = i; break } }
	     sep && $(sep + 1) == "cgroup" {
		n = split($(sep + 3), o, ","); for (i = 1; i <= n; i++) if (o[i] == c) { print $5; exit } }' \
		/proc/self/mountinfo
}
if [ $HOST != v2 ]; then
	for c in memory cpu cpuset pids blkio; do
		[ -n "$(v1_mnt $c)" ] || { echo "1..0 # SKIP no cgroup v1 $c hierarchy"; exit 0; }
	done
fi

# cgf CTL FILE: FILE of cgroup $P under controller CTL (v2: the one tree).
cgf() {
	if [ $HOST = v2 ]; then cat "$CG$P/$2" 2>&1; else cat "$(v1_mnt "$1")$P/$2" 2>&1; fi
}
# mem V1FILE V2FILE: the memory file of this host's kind
mem() {
	if [ $HOST = v2 ]; then cgf memory "$2"; else cgf memory "$1"; fi
}

trees() {
	awk '{ sep = 0; for (i = 7; i <= NF; i++) if ($i == "-") { sep = i; break } }
	     sep && ($(sep + 1) == "cgroup" || $(sep + 1) == "cgroup2") && index($5, "'$CG'") == 1 { print $5 }' \
		/proc/self/mountinfo | sort -u
}
upd_cleanup() {
	local t
	for t in $(trees); do
		[ -d "$t$PARENT" ] && find "$t$PARENT" -depth -type d -exec rmdir {} + 2>/dev/null
	done
}
trap '_r=$?; (_t_cleanup); upd_cleanup; exit $_r' EXIT

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }

# start NAME 'RESOURCES' [create]: a sleeping container under $PARENT/NAME
# (run -d, or only created); sets ID, P and PID.
start() {
	local b=$TMP/b-$1
	bundle_clone "$b"
	bundle_args "$b" '"/probe","sleep","1000"'
	bundle_insert "$b" linux "\"cgroupsPath\": \"$PARENT/$1\", \"resources\": $2"
	ID=$(new_id "$1")
	P=$PARENT/$1
	if [ "${3:-}" = create ]; then
		k create --bundle "$b" "$ID" >/dev/null 2>"$TMP/err"
	else
		k run -d --bundle "$b" "$ID" >/dev/null 2>"$TMP/err"
	fi || diag "start $1: $(cat "$TMP/err")"
	PID=$(pid_of "$ID")
}

# upd NAME ARGS...: "keel update ARGS... $ID" must exit 0.
upd() {
	local name=$1 rc
	shift
	k update "$@" "$ID" >/dev/null 2>"$TMP/uerr"; rc=$?
	expect_rc "update $name: exits 0" $rc 0
	[ $rc = 0 ] || diag "$(cat "$TMP/uerr")"
}

# upd_fails NAME REGEX ARGS...: update fails with one "keel: " line matching REGEX.
upd_fails() {
	local name=$1 re=$2 rc
	shift 2
	k update "$@" >/dev/null 2>"$TMP/uerr"; rc=$?
	if [ $rc != 0 ]; then ok "update $name: fails"; else fail "update $name: fails"; fi
	expect_match "update $name: says /$re/" "$(cat "$TMP/uerr")" "^keel: $re"
}

start run '{"memory": {"limit": 67108864}, "pids": {"limit": 20}, "cpu": {"shares": 1024}}'

# --- memory ---------------------------------------------------------------------------
upd "--memory 128m" --memory 128m
expect_eq "--memory 128m: limit" "$(mem memory.limit_in_bytes memory.max)" 134217728
upd "--memory-reservation 32m" --memory-reservation 32m
expect_eq "--memory-reservation: soft limit" "$(mem memory.soft_limit_in_bytes memory.low)" 33554432
if [ $HOST = v2 ] && [ ! -e "$CG$P/memory.swap.max" ]; then
	skip "--memory-swap" "no swap accounting"
else
	upd "--memory-swap 256m" --memory-swap 256m
	if [ $HOST = v2 ]; then
		expect_eq "--memory-swap: memory.swap.max is swap - limit" "$(cgf memory memory.swap.max)" 134217728
	else
		expect_eq "--memory-swap: memsw" "$(cgf memory memory.memsw.limit_in_bytes)" 268435456
	fi
	# raising the limit above the old memory+swap needs swap written first
	upd "--memory 512m --memory-swap 1g (raise both)" --memory 512m --memory-swap 1g
	expect_eq "raise both: limit" "$(mem memory.limit_in_bytes memory.max)" 536870912
	if [ $HOST = v2 ]; then
		expect_eq "raise both: swap" "$(cgf memory memory.swap.max)" 536870912
	else
		expect_eq "raise both: memsw" "$(cgf memory memory.memsw.limit_in_bytes)" 1073741824
	fi
	# and lowering needs the limit first; memory + swap stays with the limit alone
	upd "--memory 64m --memory-swap 96m (lower both)" --memory 64m --memory-swap 96m
	expect_eq "lower both: limit" "$(mem memory.limit_in_bytes memory.max)" 67108864
	upd "--memory 80m (swap unsaid)" --memory 80m
	if [ $HOST = v2 ]; then
		expect_eq "--memory alone keeps memory + swap: swap.max" "$(cgf memory memory.swap.max)" 16777216
	else
		expect_eq "--memory alone keeps memory + swap: memsw" "$(cgf memory memory.memsw.limit_in_bytes)" 100663296
	fi
	upd_fails "--memory above memory+swap" 'linux\.resources\.memory\.' --memory 200m "$ID"
	upd "--memory -1" --memory -1
	if [ $HOST = v2 ]; then
		expect_eq "--memory -1: memory.max" "$(cgf memory memory.max)" max
		expect_eq "--memory -1: swap unlimited too" "$(cgf memory memory.swap.max)" max
	else
		# "Unlimited" is the kernel's page counter maximum in bytes, as
		# the root cgroup reports it: 2^63 - 4096 on 64-bit kernels,
		# (2^31 - 1) * 4096 on 32-bit ones (armv7).
		unl=$(cat "$(v1_mnt memory)/memory.limit_in_bytes")
		expect_eq "--memory -1: unlimited" "$(cgf memory memory.limit_in_bytes)" "$unl"
		expect_eq "--memory -1: swap unlimited too" "$(cgf memory memory.memsw.limit_in_bytes)" "$unl"
	fi
fi

# --- cpu --------------------------------------------------------------------------------
upd "--cpu-share 256" --cpu-share 256
if [ $HOST = v2 ]; then
	expect_eq "--cpu-share 256: cpu.weight" "$(cgf cpu cpu.weight)" 35
else
	expect_eq "--cpu-share 256: cpu.shares" "$(cgf cpu cpu.shares)" 256
fi
upd "--cpu-period 200000 --cpu-quota 100000" --cpu-period 200000 --cpu-quota 100000
upd "--cpu-quota 50000 (period unsaid)" --cpu-quota 50000
if [ $HOST = v2 ]; then
	expect_eq "cpu.max keeps the period" "$(cgf cpu cpu.max)" "50000 200000"
else
	expect_eq "cpu.cfs_period_us" "$(cgf cpu cpu.cfs_period_us)" 200000
	expect_eq "cpu.cfs_quota_us" "$(cgf cpu cpu.cfs_quota_us)" 50000
fi
burst=cpu.cfs_burst_us
[ $HOST = v2 ] && burst=cpu.max.burst
if [ -n "$(cgf cpu $burst 2>/dev/null | grep -x '[0-9]*')" ]; then
	upd "--cpu-burst 20000" --cpu-burst 20000
	expect_eq "--cpu-burst: $burst" "$(cgf cpu $burst)" 20000
	# a quota below the old burst: the burst goes first
	upd "--cpu-quota 10000 --cpu-burst 5000" --cpu-quota 10000 --cpu-burst 5000
	expect_eq "lower quota below the old burst: $burst" "$(cgf cpu $burst)" 5000
else
	skip "--cpu-burst" "no $burst here"
fi
upd "--cpu-quota -1" --cpu-quota -1
if [ $HOST = v2 ]; then
	expect_eq "--cpu-quota -1: cpu.max" "$(cgf cpu cpu.max)" "max 200000"
else
	expect_eq "--cpu-quota -1: unlimited" "$(cgf cpu cpu.cfs_quota_us)" -1
fi
LAST=$(($(nproc) - 1))
upd "--cpuset-cpus $LAST --cpuset-mems 0" --cpuset-cpus "$LAST" --cpuset-mems 0
expect_eq "--cpuset-cpus: cpuset.cpus" "$(cgf cpuset cpuset.cpus)" "$LAST"
expect_match "--cpuset-cpus: the container's init may run only there" \
	"$(grep Cpus_allowed_list /proc/"$PID"/status 2>&1)" "[[:space:]]$LAST\$"
if config_has CONFIG_EXEC; then
	expect_eq "--cpuset-cpus: inside, a new process sees it too" \
		"$(k exec "$ID" /probe affinity 2>&1 | tr -d ' ')" "$LAST"
fi
if [ -n "$(cgf cpu cpu.idle 2>/dev/null | grep -x '[01]')" ]; then
	upd "--cpu-idle 1" --cpu-idle 1
	expect_eq "--cpu-idle: cpu.idle" "$(cgf cpu cpu.idle)" 1
	upd "--cpu-idle 0" --cpu-idle 0
else
	skip "--cpu-idle" "no cpu.idle here"
fi

# --- blkio -------------------------------------------------------------------------------
if [ $HOST = v2 ]; then
	if grep -qw io "$CG$PARENT/cgroup.subtree_control" 2>/dev/null || grep -qw io $CG/cgroup.controllers; then
		# The container's cgroup shows the io files only once keel has
		# enabled io for it (this update does): ask any cgroup that has
		# them whether the kernel has a weight file at all.
		# (When the root does not hand io down, nothing shows: assume it.)
		wk=
		grep -qw io $CG/cgroup.subtree_control || wk=1
		for d in "$CG"/*/; do
			[ -e "$d/io.bfq.weight" ] || [ -e "$d/io.weight" ] && { wk=1; break; }
		done
		if [ -n "$wk" ]; then
			upd "--blkio-weight 500" --blkio-weight 500
			if [ -e "$CG$P/io.bfq.weight" ]; then
				expect_eq "--blkio-weight: io.bfq.weight" "$(cgf blkio io.bfq.weight | head -1)" "default 500"
			else
				expect_eq "--blkio-weight: io.weight" "$(cgf blkio io.weight | head -1)" "default 4950"
			fi
		else
			# neither BFQ nor blk-iocost (the riscv64 board's kernel)
			upd_fails "--blkio-weight 500 (no weight file)" \
				'linux\.resources\.blockIO\.weight: open .*io\.weight: No such file' \
				--blkio-weight 500 "$ID"
			skip "--blkio-weight: the weight file" "the kernel has neither io.bfq.weight (BFQ) nor io.weight (blk-iocost)"
		fi
	fi
else
	# CFQ's blkio.weight (gone since 5.0) or BFQ's blkio.bfq.weight; a
	# kernel with neither (the aarch64 board's) gets the failed write
	# named instead.
	w=
	for f in blkio.weight blkio.bfq.weight; do
		[ -e "$(v1_mnt blkio)$P/$f" ] && { w=$f; break; }
	done
	if [ -n "$w" ]; then
		upd "--blkio-weight 500" --blkio-weight 500
		expect_match "--blkio-weight: $w" "$(cgf blkio $w)" '^(default )?500$'
	else
		upd_fails "--blkio-weight 500 (no weight file)" \
			'linux\.resources\.blockIO\.weight: open .*blkio\.bfq\.weight: No such file' \
			--blkio-weight 500 "$ID"
		skip "--blkio-weight: the weight file" "the kernel has neither blkio.weight (CFQ) nor blkio.bfq.weight (BFQ)"
	fi
fi

# --- pids: the new limit holds -------------------------------------------------------------
upd "--pids-limit 5" --pids-limit 5
expect_eq "--pids-limit: pids.max" "$(cgf pids pids.max)" 5
if config_has CONFIG_EXEC; then
	out=$(k exec "$ID" /probe fork 10 1 2>&1)
	forked=$(printf '%s\n' "$out" | sed -n 's/^forked \([0-9]*\) failed.*/\1/p')
	if [ -n "$forked" ] && [ "$forked" -lt 5 ]; then
		ok "--pids-limit 5: inside, forks past the limit fail"
	else
		fail "--pids-limit 5: inside, forks past the limit fail" "$out"
	fi
fi
upd "--pids-limit -1" --pids-limit -1
expect_eq "--pids-limit -1: max" "$(cgf pids pids.max)" max

# --- --resources: a file, stdin, and flags over it ---------------------------------------------
cat >"$TMP/res.json" <<'EOF'
{"memory": {"limit": 100663296}, "cpu": {"shares": 2048}, "pids": {"limit": 40}}
EOF
upd "-r FILE" -r "$TMP/res.json"
expect_eq "-r FILE: memory" "$(mem memory.limit_in_bytes memory.max)" 100663296
expect_eq "-r FILE: pids" "$(cgf pids pids.max)" 40
if [ $HOST = v2 ]; then
	expect_eq "-r FILE: cpu.weight" "$(cgf cpu cpu.weight)" 174
else
	expect_eq "-r FILE: cpu.shares" "$(cgf cpu cpu.shares)" 2048
fi
k update -r - "$ID" >/dev/null 2>"$TMP/uerr" <<<'{"pids": {"limit": 33}}'
expect_rc "-r - (stdin): exits 0" $? 0
expect_eq "-r -: pids" "$(cgf pids pids.max)" 33
upd "-r FILE --pids-limit 41" --resources "$TMP/res.json" --pids-limit 41
expect_eq "a flag overrides the file" "$(cgf pids pids.max)" 41
k update -r - "$ID" >/dev/null 2>"$TMP/uerr" <<<'{"devices": [{"allow": true, "access": "rwm"}]}'
expect_rc "-r with devices: exits 0" $? 0
expect_match "-r with devices: warns they are not changed" "$(cat "$TMP/uerr")" 'devices: ignored'
upd "without changes" 

# --- memory.checkBeforeUpdate ---------------------------------------------------------------
before=$(mem memory.limit_in_bytes memory.max)
k update -r - "$ID" >/dev/null 2>"$TMP/uerr" <<<'{"memory": {"limit": 4096, "checkBeforeUpdate": true}}'
rc=$?
if [ $rc != 0 ]; then ok "checkBeforeUpdate: a limit below usage is refused"; else fail "checkBeforeUpdate: a limit below usage is refused"; fi
expect_match "checkBeforeUpdate: says why" "$(cat "$TMP/uerr")" \
	'^keel: linux\.resources\.memory\.limit: 4096 is not above the current usage [0-9]+ \(memory\.checkBeforeUpdate\)$'
expect_eq "checkBeforeUpdate: the limit is unchanged" "$(mem memory.limit_in_bytes memory.max)" "$before"
k update -r - "$ID" >/dev/null 2>"$TMP/uerr" <<<'{"memory": {"limit": 134217728, "checkBeforeUpdate": true}}'
expect_rc "checkBeforeUpdate: a limit above usage passes" $? 0
RUN=$ID

# in config.json it holds for every update
start check '{"memory": {"limit": 67108864, "checkBeforeUpdate": true}}'
upd_fails "--memory 4096 with checkBeforeUpdate in config.json" \
	'linux\.resources\.memory\.limit: 4096 is not above' --memory 4096 "$ID"

# --- created and paused containers; stopped and unknown ones -------------------------------------
start created '{"pids": {"limit": 20}}' create
expect_eq "created container: status" "$(status_of "$ID")" created
upd "of a created container" --pids-limit 21
expect_eq "created container: pids.max" "$(cgf pids pids.max)" 21
if config_has CONFIG_FREEZER; then
	ID=$RUN P=$PARENT/run
	k pause "$ID" >/dev/null 2>&1
	expect_eq "paused container: status" "$(status_of "$ID")" paused
	upd "of a paused container" --pids-limit 22
	expect_eq "paused container: pids.max" "$(cgf pids pids.max)" 22
	k resume "$ID" >/dev/null 2>&1
fi
ID=$RUN P=$PARENT/run
k kill "$ID" KILL >/dev/null 2>&1
wait_status "$ID" stopped 10
upd_fails "of a stopped container" 'container not running$' --pids-limit 9 "$ID"
upd_fails "of an unknown container" 'container "no-such-ctr" does not exist' --pids-limit 9 no-such-ctr

# --- bad input ----------------------------------------------------------------------------------
ID=$(new_id bad)
upd_fails "--memory 12q" 'update: invalid value for --memory: "12q"$' --memory 12q "$RUN"
upd_fails "--cpu-period -5" 'update: invalid value for --cpu-period: "-5"$' --cpu-period -5 "$RUN"
upd_fails "--blkio-weight 70000" 'update: invalid value for --blkio-weight' --blkio-weight 70000 "$RUN"
upd_fails "--l3-cache-schema" 'Intel RDT/CAT: l3 cache schema is not enabled$' --l3-cache-schema L3:0=f "$RUN"
upd_fails "--mem-bw-schema" 'Intel RDT/MBA: memory bandwidth schema is not enabled$' --mem-bw-schema MB:0=50 "$RUN"
upd_fails "without an id" 'update: expects exactly one container id'
upd_fails "-r missing file" '--resources /nonexistent/r\.json: open /nonexistent/r\.json' -r /nonexistent/r.json "$RUN"
echo '{"memory": ' >"$TMP/bad.json"
upd_fails "-r bad JSON" "--resources $TMP/bad.json: not valid JSON" -r "$TMP/bad.json" "$RUN"
echo '{"cpu": {"shares": "many"}}' >"$TMP/bad2.json"
upd_fails "-r bad field" "--resources $TMP/bad2.json: linux\\.resources\\.cpu\\.shares: " -r "$TMP/bad2.json" "$RUN"
start rt '{"pids": {"limit": 20}}'
if [ $HOST = v2 ]; then
	upd_fails "--cpu-rt-runtime on cgroup v2" \
		'linux\.resources\.cpu\.realtimeRuntime: needs the cgroup v1 cpu controller \(this is a cgroup v2 host\)$' \
		--cpu-rt-runtime 1000 "$ID"
elif [ -e "$(v1_mnt cpu)/cpu.rt_runtime_us" ]; then
	# the parent has no realtime budget: the kernel says no, the field is named
	upd_fails "--cpu-rt-runtime beyond the parent's budget" \
		'linux\.resources\.cpu\.realtimeRuntime: write .*cpu\.rt_runtime_us: Invalid argument$' \
		--cpu-rt-period 1000000 --cpu-rt-runtime 1000 "$ID"
	expect_eq "--cpu-rt-period was applied before" "$(cgf cpu cpu.rt_period_us)" 1000000
fi
if [ $HOST = hybrid ]; then
	upd_fails "unified key of a v1-bound controller" \
		'linux\.resources\.unified\.memory\.max: needs the cgroup v2 memory controller' \
		-r - "$ID" <<<'{"unified": {"memory.max": "1"}}'
	if config_has CONFIG_CGROUP_V2; then
		k update -r - "$ID" >/dev/null 2>"$TMP/uerr" <<<'{"unified": {"cgroup.max.descendants": "4"}}'
		expect_rc "unified key on a hybrid host: exits 0" $? 0
		expect_eq "unified key on a hybrid host: written" \
			"$(cat "$CG/unified$P/cgroup.max.descendants" 2>&1)" 4
	fi
fi

k delete -f "$ID" >/dev/null 2>&1

# --- the v2 driver's update, on a hybrid host's unified tree seen as /sys/fs/cgroup ----------
kv2() {
	unshare -m sh -c 'mount --bind /sys/fs/cgroup/unified /sys/fs/cgroup && exec "$@"' sh \
		timeout -k 5 "$K_TIMEOUT" "$KEEL" --root "$ROOT" "$@"
}
if [ $HOST = hybrid ] && config_has CONFIG_CGROUP_V2 && command -v unshare >/dev/null; then
	b=$TMP/b-v2
	bundle_clone "$b"
	bundle_args "$b" '"/probe","sleep","1000"'
	bundle_insert "$b" linux "\"cgroupsPath\": \"$PARENT/v2\", \"resources\": {\"unified\": {\"cgroup.max.descendants\": \"3\"}}"
	ID=$(new_id v2)
	kv2 run -d --bundle "$b" "$ID" >/dev/null 2>"$TMP/err"
	expect_rc "v2 view: run -d exits 0" $? 0
	kv2 update -r - "$ID" >/dev/null 2>"$TMP/uerr" <<<'{"unified": {"cgroup.max.descendants": "5"}}'
	expect_rc "v2 view: update -r - exits 0" $? 0
	expect_eq "v2 view: unified key updated" "$(cat "$CG/unified$PARENT/v2/cgroup.max.descendants" 2>&1)" 5
	kv2 update --memory 64m "$ID" >/dev/null 2>"$TMP/uerr"
	if [ $? != 0 ]; then ok "v2 view: --memory without the memory controller fails"; else fail "v2 view: --memory without the memory controller fails"; fi
	expect_match "v2 view: --memory: says why" "$(cat "$TMP/uerr")" \
		'^keel: linux\.resources\.memory\.limit: needs the cgroup v2 memory controller \(not in /sys/fs/cgroup/cgroup\.controllers\)$'
	kv2 update --cpu-rt-runtime 1000 "$ID" >/dev/null 2>"$TMP/uerr"
	expect_match "v2 view: --cpu-rt-runtime refused" "$(cat "$TMP/uerr")" \
		'^keel: linux\.resources\.cpu\.realtimeRuntime: needs the cgroup v1 cpu controller \(this is a cgroup v2 host\)$'
	kv2 delete -f "$ID" >/dev/null 2>&1
else
	skip "v2 view of a hybrid host" "host $HOST, or CONFIG_CGROUP_V2 off, or no unshare"
fi

upd_cleanup
done_testing
