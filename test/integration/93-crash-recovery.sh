#!/bin/bash
# SPDX-License-Identifier: MIT
# Crash recovery (issue 11, item 5).  keel is killed with SIGKILL before
# each system call that create, start and delete --force make: strace
# records the calls of one clean run (keel's own process, no -f: the
# container init is not traced), then for the i-th call, the k-th of its
# name, "strace -e inject=NAME:signal=KILL:when=k" kills keel on entering
# it.  After each kill "state" must tell the truth (no such container, or a
# status that matches its process) and "delete --force" must leave nothing:
# no state dir, cgroup dir, mount or process.  Then a full disk and an
# exhausted fd table: one clear error line, non-zero exit, nothing left.
#
# KEEL_T_CRASH_STEP=N tries every N-th kill point only (default 1: all);
# KEEL_T_CRASH_VERBS picks the commands (default "create start delete").
. "$(dirname "$0")/../lib.sh"
need_root
command -v strace >/dev/null || { skip "crash recovery" "needs strace"; done_testing; }

STEP=${KEEL_T_CRASH_STEP:-1}
B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
B=$(realpath "$B")
MARK=$TMP/mark
bundle_args "$B" '"/probe","sleep","1000"'
bundle_set "$B" env "[\"PATH=/bin\",\"KEEL_T_MARK=$MARK\"]"
KEEL_EXE=$(realpath "$KEEL")
# init is a clone of keel, which create re-executed from a sealed memfd
# (CVE-2019-5736): its exe is that memfd, or the binary for a keel built
# without the re-exec.
is_keel_exe() {
	[ "$1" = "$KEEL_EXE" ] || [ "$1" = "/memfd:keel (deleted)" ]
}
CG_ROOTS=$(ls -d /sys/fs/cgroup/ /sys/fs/cgroup/*/ 2>/dev/null)

# Every keel and container process carries the mark (keel's environment,
# then the container's); this shell and grep do not.
mk() {
	KEEL_T_MARK=$MARK k "$@"
}
marked() {
	grep -lzxF "KEEL_T_MARK=$MARK" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3
}
# marked processes that run the container's program (not keel, not timeout)
programs() {
	local p
	for p in $(marked); do
		[ "$(readlink "/proc/$p/exe" 2>/dev/null)" = /probe ] && echo "$p"
	done
}

# truth ID: does "state ID" match what runs?  Quiet if so.  A kill can
# leave a process on its way out (init reading EOF on its fifo), so the
# answer is asked again for up to 3 s before it counts as a lie.
truth() {
	local id=$1 i s rc st pid why
	for ((i = 0; i < 30; i++)); do
		s=$(mk state "$id" 2>"$TMP/st.err"); rc=$?
		st=$(json_field "$s" status)
		pid=$(json_field "$s" pid)
		if [ $rc != 0 ]; then
			why="state: $(cat "$TMP/st.err")"
			grep -qx "keel: container \"$id\" does not exist" "$TMP/st.err" &&
				why="does not exist, but runs $(programs)"
			[ -z "$(programs)" ] && return 0
		else
			case $st in
			created)
				why="created, pid $pid exe $(readlink "/proc/$pid/exe")"
				is_keel_exe "$(readlink "/proc/$pid/exe")" &&
					[ -p "$ROOT/$id/exec.fifo" ] && return 0 ;;
			running)
				why="running, pid $pid exe $(readlink "/proc/$pid/exe")"
				pid_alive "$pid" && [ "$(readlink "/proc/$pid/exe")" = /probe ] &&
					return 0 ;;
			stopped)
				why="stopped, but runs $(programs)"
				[ -z "$(programs)" ] && return 0 ;;
			creating)
				# an empty dir (killed between create's mkdir and its
				# lock, or delete's last unlink and rmdir) tells
				# nothing; with the lock there, a dead create is
				# not "creating"
				why="creating, with: $(ls -A "$ROOT/$id" | tr '\n' ' ')"
				[ -z "$(ls -A "$ROOT/$id")" ] && [ -z "$(programs)" ] && return 0 ;;
			*)
				why="status '$st'" ;;
			esac
		fi
		sleep 0.1
	done
	echo "$why"
}

# leftovers ID: what delete --force left behind.
leftovers() {
	local id=$1 h i p out=
	[ -e "$ROOT/$id" ] && out="$out state-dir($(ls -A "$ROOT/$id" | tr '\n' ' '))"
	for h in $CG_ROOTS; do
		[ -d "$h/keel/$id" ] && out="$out cgroup:$h"
	done
	grep -qF -e "$B" -e "$ROOT" /proc/self/mountinfo && out="$out mount"
	# a SIGKILLed process takes a moment to go
	for ((i = 0; i < 30; i++)); do
		p=$(marked)
		[ -z "$p" ] && break
		sleep 0.1
	done
	[ -n "$p" ] && out="$out procs:$(echo "$p" | tr '\n' ' ')"
	for i in $p; do kill -KILL "$i" 2>/dev/null; done
	echo "${out# }"
}

# points CMD-ARGS...: "NAME K" for every system call of one clean run.
points() {
	strace -qq -o "$TMP/trace" "$KEEL" --root "$ROOT" "$@" >/dev/null 2>&1
	sed -n 's/^\([a-z_0-9]*\)(.*/\1/p' "$TMP/trace" | awk '{ print $1, ++n[$1] }'
}

# crash VERB NAME K ID ARGS...: run keel ARGS, killed on entering the K-th
# NAME call; then check the truth and the cleanup.  Sets OUTCOME.
crash() {
	local verb=$1 sc=$2 n=$3 id=$4 rc why left
	shift 4
	# (timeout passes the SIGKILL on to itself: the subshell's "Killed" is noise)
	(KEEL_T_MARK=$MARK timeout -k 5 60 strace -qq -o /dev/null \
		-e inject="$sc:signal=KILL:when=$n" "$KEEL" --root "$ROOT" "$@" \
		>/dev/null 2>"$TMP/crash.err"; exit $?) 2>/dev/null
	rc=$?
	case $rc in
	137) OUTCOME=killed ;;
	0) OUTCOME=finished ;;
	*) OUTCOME=failed ;;
	esac
	why=$(truth "$id")
	mk delete --force "$id" >/dev/null 2>"$TMP/del.err" ||
		why="$why; delete --force: $(cat "$TMP/del.err")"
	left=$(leftovers "$id")
	[ -n "$left" ] && why="$why; left: $left"
	if [ "$OUTCOME" = failed ]; then
		why="$why; exit $rc: $(head -c 300 "$TMP/crash.err")"
	fi
	[ -n "$why" ] && echo "$verb at $sc #$n: ${why#; }" >>"$TMP/problems.$verb"
	return 0
}

# prepare VERB ID: the container as VERB finds it.
prepare() {
	case $1 in
	create) return 0 ;;
	start) mk create --bundle "$B" "$2" ;;
	delete) mk create --bundle "$B" "$2" && mk start "$2" ;;
	esac
}

args_of() {
	case $1 in
	create) echo "create --bundle $B $2" ;;
	start) echo "start $2" ;;
	delete) echo "delete --force $2" ;;
	esac
}

for verb in ${KEEL_T_CRASH_VERBS:-create start delete}; do
	t0=$(date +%s)
	: >"$TMP/problems.$verb"
	id=$(new_id "$verb-trace")
	prepare "$verb" "$id" || fail "$verb: the container to trace is ready"
	# shellcheck disable=SC2046
	points $(args_of "$verb" "$id") >"$TMP/points.$verb"
	mk delete --force "$id" >/dev/null 2>&1
	total=$(wc -l <"$TMP/points.$verb")
	killed=0 finished=0 failed=0 tried=0 i=0
	while read -r sc n; do
		i=$((i + 1))
		[ $(((i - 1) % STEP)) = 0 ] || continue
		tried=$((tried + 1))
		id=$(new_id "$verb")
		if ! prepare "$verb" "$id" >/dev/null 2>"$TMP/prep.err"; then
			echo "$verb at $sc #$n: prepare: $(cat "$TMP/prep.err")" >>"$TMP/problems.$verb"
			mk delete --force "$id" >/dev/null 2>&1
			continue
		fi
		# shellcheck disable=SC2046
		crash "$verb" "$sc" "$n" "$id" $(args_of "$verb" "$id")
		case $OUTCOME in
		killed) killed=$((killed + 1)) ;;
		finished) finished=$((finished + 1)) ;;
		*) failed=$((failed + 1)) ;;
		esac
	done <"$TMP/points.$verb"
	nprob=$(wc -l <"$TMP/problems.$verb")
	summary="$verb: $tried of $total kill points tried, keel killed at $killed, ran to the end at $finished"
	if [ "$nprob" = 0 ] && [ "$killed" -gt 0 ] && [ $failed = 0 ]; then
		ok "$summary; state told the truth and delete --force left nothing at each"
	else
		fail "$summary; state told the truth and delete --force left nothing at each" \
			"$nprob problems, $failed failed otherwise" "$(head -n 20 "$TMP/problems.$verb")"
	fi
	diag "$verb: $(($(date +%s) - t0)) s"
done

# --- a full disk under --root -----------------------------------------------------
# expect_clean NAME ID RC REGEX: one "keel: ...REGEX" line, non-zero, nothing left
expect_clean() {
	local name=$1 id=$2 rc=$3 re=$4 left
	if [ "$rc" != 0 ]; then ok "$name: exits non-zero"; else fail "$name: exits non-zero"; fi
	expect_match "$name: one clear error line" "$(cat "$TMP/err")" "^keel: .*$re\$"
	expect_eq "$name: stderr is one line" "$(wc -l <"$TMP/err")" 1
	left=$(leftovers "$id")
	expect_eq "$name: nothing left" "$left" ""
}

FULL=$TMP/full
mkdir -p "$FULL"
if mount -t tmpfs -o size=64k,mode=0700 keel-full "$FULL"; then
	# no room at all: config.json cannot be written
	dd if=/dev/zero of="$FULL/fill" bs=4k count=64 2>/dev/null
	id=$(new_id full)
	KEEL_T_MARK=$MARK timeout 30 "$KEEL" --root "$FULL/root" create --bundle "$B" "$id" \
		>/dev/null 2>"$TMP/err"; rc=$?
	expect_clean "full disk (config.json)" "$id" $rc "No space left on device"
	left=$(ls -A "$FULL/root" 2>&1)
	expect_eq "full disk (config.json): no state dir" "$left" ""
	# room for config.json only: state.json fails with init already made
	rm -f "$FULL/fill"
	dd if=/dev/zero of="$FULL/fill" bs=4k count=15 2>/dev/null
	id=$(new_id full)
	KEEL_T_MARK=$MARK timeout 30 "$KEEL" --root "$FULL/root" create --bundle "$B" "$id" \
		>/dev/null 2>"$TMP/err"; rc=$?
	expect_match "full disk (state.json): fails writing state.json" "$(cat "$TMP/err")" \
		'state\.json'
	expect_clean "full disk (state.json)" "$id" $rc "No space left on device"
	left=$(ls -A "$FULL/root" 2>&1)
	expect_eq "full disk (state.json): no state dir" "$left" ""
	umount "$FULL"
else
	skip "full disk" "cannot mount a tmpfs"
fi

# --- an exhausted fd table ----------------------------------------------------------
# Each limit fails create at a later step (3: the bundle, 4: config.json,
# 5: the sync socket, 6-9: init's mounts); past that create succeeds.
refused=0 passed=0 bad=
for n in 3 4 5 6 7 8 9 10 11 12; do
	id=$(new_id fds)
	KEEL_T_MARK=$MARK timeout 30 prlimit --nofile=$n:$n "$KEEL" --root "$ROOT" create \
		--bundle "$B" "$id" >/dev/null 2>"$TMP/err" </dev/null; rc=$?
	if [ $rc = 0 ]; then
		passed=$((passed + 1))
		why=$(truth "$id")
		[ -n "$why" ] && bad="$bad; ulimit -n $n: created, but $why"
		mk delete --force "$id" >/dev/null 2>&1
	else
		refused=$((refused + 1))
		if [ "$(wc -l <"$TMP/err")" != 1 ] ||
		   ! grep -qE '^keel: .*No file descriptors available$' "$TMP/err"; then
			bad="$bad; ulimit -n $n: $(cat "$TMP/err")"
		fi
	fi
	left=$(leftovers "$id")
	[ -n "$left" ] && bad="$bad; ulimit -n $n: left $left"
done
expect_eq "exhausted fd table: $refused limits refused with one clear line, $passed created; nothing left" \
	"${bad#; }" ""

# --- nothing at all left ---------------------------------------------------------
expect_eq "the --root dir is empty" "$(ls -A "$ROOT" 2>/dev/null)" ""
# every id is accounted for: spare the exit cleanup hundreds of deletes
[ -z "$(ls -A "$ROOT" 2>/dev/null)" ] && : >"$TMP/.ids"
done_testing
