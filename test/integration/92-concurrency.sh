#!/bin/bash
# SPDX-License-Identifier: MIT
# Concurrency (issue 11, item 4).  Phase 1: N container lifecycles
# (create -> start -> state -> kill -> delete, a long-running process) in
# parallel, each watched by a "state" poller on the same id.  Phase 2: N more
# containers, created and started in parallel, then state, kill, start,
# delete and delete --force all at once on each id.  Meanwhile a reader
# parses every state.json it can find.  Afterwards: every command answered
# (no timeout) with an exit status and output that make sense, no state file
# was ever seen half-written, and nothing is left: no state dir, cgroup dir,
# mount, process or stray fd in the container.
. "$(dirname "$0")/../lib.sh"
need_root

N=${KEEL_T_LIFECYCLES:-50}
PY=${KEEL_T_PYTHON:-/usr/bin/python3}	# KEEL_T_PYTHON=/none: the shell reader
# shellcheck disable=SC2034 # read by k in lib.sh
K_TIMEOUT=$((K_TIMEOUT > 60 ? K_TIMEOUT : 60))	# more where the caller gives more (the QEMU guests)

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
B=$(realpath "$B")
# The mark travels in keel's environment (to a not yet exec'd init) and in
# the container's (after execve): procs_marked finds both.
MARK=$TMP/mark
bundle_args "$B" '"/probe","sleep","1000"'
bundle_set "$B" env "[\"PATH=/bin\",\"KEEL_T_MARK=$MARK\"]"
export KEEL_T_MARK=$MARK

# rec DIR NAME KEEL-ARGS...: run keel, keep DIR/NAME.{out,err,rc}.
rec() {
	local d=$1 n=$2 rc
	shift 2
	k "$@" >"$d/$n.out" 2>"$d/$n.err"
	rc=$?
	echo $rc >"$d/$n.rc"
	return $rc
}

# --- a reader that parses every state.json while the test runs ---------------
# Without python3 (the board guests) a shell reader checks the shape of
# every read instead: "{" first, "}" last, as many of one as of the other,
# which a half-written file fails.
watch_sh() {
	local reads=0 bad=0 f t o c
	while [ ! -e "$2" ]; do
		for f in "$1"/*/state.json; do
			t=$(cat "$f" 2>/dev/null) || continue
			[ -n "$t" ] || { bad=$((bad + 1)); echo "empty $f"; continue; }
			reads=$((reads + 1))
			o=${t//[^\{]/} c=${t//[^\}]/}
			if [ "${t:0:1}" != "{" ] || [ "${t: -1}" != "}" ] || [ ${#o} != ${#c} ]; then
				bad=$((bad + 1))
				echo "corrupt $f: ${t:0:120}"
			fi
		done
		sleep 0.01
	done
	echo "reads $reads bad $bad"
}
if ! [ -x "$PY" ]; then
	diag "no $PY: state.json is checked by its shape, not parsed"
	watch_sh "$ROOT" "$TMP/watch.stop" >"$TMP/watch.out" 2>&1 &
else
"$PY" - "$ROOT" "$TMP/watch.stop" >"$TMP/watch.out" 2>&1 <<'EOF' &
import glob, json, os, sys, time
root, stop = sys.argv[1:3]
reads = bad = 0
while not os.path.exists(stop):
    for f in glob.glob(root + "/*/state.json"):
        try:
            with open(f) as fh:
                t = fh.read()
        except OSError:
            continue
        reads += 1
        try:
            json.loads(t)
        except ValueError:
            bad += 1
            print("corrupt %s: %r" % (f, t[:120]))
    time.sleep(0.005)
print("reads %d bad %d" % (reads, bad))
EOF
fi
watcher=$!
track_pid $watcher

ids1=() ids2=()
for ((i = 0; i < N; i++)); do ids1+=("$(new_id a)"); done
for ((i = 0; i < N; i++)); do ids2+=("$(new_id b)"); done

# --- phase 1: N lifecycles in parallel, each with a state poller --------------
lifecycle() {
	local id=$1 d=$TMP/lc/$1 pid i st
	rec "$d" create create --bundle "$B" "$id" || return
	rec "$d" start start "$id" || return
	rec "$d" state state "$id"
	pid=$(json_field "$(cat "$d/state.out")" pid)
	echo "$pid" >"$d/pid"
	# start returns once init is released; its execve may come later
	# (under emulation, much later): until then init still holds the
	# exec fifo.  The fds that count are the container process's.
	for ((i = 0; i < 200; i++)); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = probe ] && break
		sleep 0.05
	done
	ls "/proc/$pid/fd" 2>&1 | sort -n | tr '\n' ' ' >"$d/fds"
	rec "$d" kill kill "$id" KILL
	for ((i = 0; i < 100; i++)); do
		rec "$d" wait-$i state "$id"
		st=$(json_field "$(cat "$d/wait-$i.out")" status)
		[ "$st" = stopped ] && break
		sleep 0.1
	done
	rec "$d" delete delete "$id"
}

poller() {
	local id=$1 d=$TMP/lc/$1 n=0
	while [ ! -e "$d/done" ]; do
		n=$((n + 1))
		rec "$d" poll-$n state "$id"
		sleep 0.05
	done
}

t0=$(date +%s.%N)
jobs_=()
for id in "${ids1[@]}"; do
	mkdir -p "$TMP/lc/$id"
	poller "$id" &
	jobs_+=($!)
	{ lifecycle "$id"; touch "$TMP/lc/$id/done"; } &
	jobs_+=($!)
done
wait "${jobs_[@]}"
t1=$(date +%s.%N)

# --- phase 2: N containers, then every verb at once on each id ------------------
up() {
	local d=$TMP/race/$1
	mkdir -p "$d"
	rec "$d" create create --bundle "$B" "$1" && rec "$d" start start "$1"
}
race() {
	local id=$1 d=$TMP/race/$1
	rec "$d" r-state-1 state "$id" &
	rec "$d" r-kill-1 kill "$id" KILL &
	rec "$d" r-delete-1 delete --force "$id" &
	rec "$d" r-state-2 state "$id" &
	rec "$d" r-kill-2 kill "$id" TERM &
	rec "$d" r-delete-2 delete "$id" &
	rec "$d" r-start-1 start "$id" &
	rec "$d" r-delete-3 delete --force "$id" &
	rec "$d" r-state-3 state "$id" &
	wait
	rec "$d" final-state state "$id"
}
# (the state.json reader runs on: wait for these jobs by pid)
jobs_=()
for id in "${ids2[@]}"; do up "$id" & jobs_+=($!); done
wait "${jobs_[@]}"
t2=$(date +%s.%N)
jobs_=()
for id in "${ids2[@]}"; do race "$id" & jobs_+=($!); done
wait "${jobs_[@]}"
t3=$(date +%s.%N)

touch "$TMP/watch.stop"
wait $watcher

# --- every answer, checked -----------------------------------------------------
if ! [ -x "$PY" ]; then
	# Without python3 the answers are not parsed; what the shell can
	# check: the commands that must succeed did, and none timed out.
	bad= hung=0 n=0
	for rcf in "$TMP"/lc/*/*.rc "$TMP"/race/*/*.rc; do
		n=$((n + 1))
		rc=$(cat "$rcf")
		case $rc in 124|137) hung=$((hung + 1)) ;; esac
		f=${rcf##*/} f=${f%.rc}
		case $f in create|start|state|kill|delete|r-delete-1|r-delete-3)
			[ "$rc" = 0 ] || bad="$bad ${rcf%.rc}: exit $rc: $(head -c 200 "${rcf%.rc}.err")" ;;
		esac
	done
	if [ -z "$bad" ]; then
		ok "every command that must succeed did ($n commands; answers not parsed: no $PY)"
	else
		fail "every command that must succeed did" "$bad"
	fi
	expect_eq "no command hung" "$hung" 0
else
"$PY" - "$TMP" >"$TMP/check.out" 2>&1 <<'EOF'
import glob, json, os, re, sys
tmp = sys.argv[1]
statuses = {"creating", "created", "running", "stopped"}
gone = r'container "[^"]+" does not exist'
# what a racing command may answer besides success, by verb
allowed = {
    "state": gone,
    "kill": gone + r'|container not running',
    "delete": gone + r'|cannot delete container \S+ that is not stopped: (running|created)'
              r'|cannot delete container \S+ that is still being created( \(use --force\))?',
    "start": gone + r'|cannot start a container that has stopped'
             r'|cannot start an already running container'
             r'|cannot start a container that is still being created'
             r'|container init is not running',
}
# what must succeed, by file name
must = {"create", "start", "state", "kill", "delete", "r-delete-1", "r-delete-3"}
n = bad = hung = 0
seen = {}
def problem(f, why):
    global bad
    bad += 1
    if bad <= 20:
        print("BAD %s: %s" % (f, why))
for rcf in sorted(glob.glob(tmp + "/lc/*/*.rc") + glob.glob(tmp + "/race/*/*.rc")):
    base = rcf[:-3]
    name = os.path.basename(base)
    ident = os.path.basename(os.path.dirname(base))
    phase = os.path.basename(os.path.dirname(os.path.dirname(base)))
    rc = int(open(rcf).read())
    out = open(base + ".out").read()
    err = open(base + ".err").read()
    n += 1
    verb = re.sub(r"^r-", "", re.sub(r"-\d+$", "", name))
    verb = {"poll": "state", "wait": "state", "final": "state"}.get(verb, verb)
    if name == "final-state":
        verb = "state"
    if rc in (124, 137):
        hung += 1
        problem(base, "no answer (timeout)")
        continue
    if rc == 0:
        if err:
            problem(base, "exit 0 but stderr %r" % err)
        if verb == "state":
            try:
                s = json.loads(out)
            except ValueError:
                problem(base, "state output is not JSON: %r" % out[:200])
                continue
            if s.get("id") != ident or s.get("status") not in statuses:
                problem(base, "state says %r" % out[:200])
            seen[s.get("status")] = seen.get(s.get("status"), 0) + 1
            if s.get("status") in ("created", "running") and not s.get("pid"):
                problem(base, "status %s without a pid" % s.get("status"))
            if name == "state" and phase == "lc" and s.get("status") != "running":
                problem(base, "after start: %s" % s.get("status"))
            if name == "final-state":
                problem(base, "still there after delete --force: %r" % out[:200])
        elif out:
            problem(base, "unexpected stdout %r" % out[:200])
        continue
    seen["error"] = seen.get("error", 0) + 1
    if name in must:
        problem(base, "exit %d: %r" % (rc, err))
    lines = err.splitlines()
    if len(lines) != 1 or not lines[0].startswith("keel: "):
        problem(base, "not one 'keel: ' line: %r" % err)
    elif not re.fullmatch(r"keel: (%s)" % allowed.get(verb, "$^"), lines[0]):
        problem(base, "unexpected error: %r" % lines[0])
# A poller's answers follow the lifecycle: each status no earlier than the
# one before ("does not exist" before create and after delete).
rank = {"creating": 1, "created": 2, "running": 3, "stopped": 4}
for d in sorted(glob.glob(tmp + "/lc/*")):
    polls = sorted(glob.glob(d + "/poll-*.rc"), key=lambda f: int(f[:-3].rsplit("-", 1)[1]))
    last, seq = 0, []
    for rcf in polls:
        base = rcf[:-3]
        if int(open(rcf).read()) == 0:
            try:
                r = rank[json.loads(open(base + ".out").read()).get("status")]
            except (ValueError, KeyError):
                continue
        else:
            r = 0 if last == 0 else 5
        seq.append(r)
        if r < last:
            problem(d, "state went back: %s" % seq)
            break
        last = r
print("commands %d bad %d hung %d" % (n, bad, hung))
print("seen " + " ".join("%s=%d" % kv for kv in sorted(seen.items())))
EOF
summary=$(grep '^commands ' "$TMP/check.out")
if [ "$(echo "$summary" | awk '{print $4}')" = 0 ] &&
   [ "$(echo "$summary" | awk '{print $6}')" = 0 ]; then
	ok "every command answered, as expected ($summary)"
else
	fail "every command answered, as expected" "$(cat "$TMP/check.out")"
fi
diag "$(grep '^seen ' "$TMP/check.out")"
hung=$(echo "$summary" | awk '{print $6}')
expect_eq "no command hung" "$hung" 0
fi

wsum=$(tail -n 1 "$TMP/watch.out")
if printf '%s' "$wsum" | grep -Eq '^reads [1-9][0-9]* bad 0$'; then
	ok "no state.json ever read half-written ($wsum)"
else
	fail "no state.json ever read half-written" "$(cat "$TMP/watch.out")"
fi

# running containers held no fd beyond stdio
badfd=
for id in "${ids1[@]}"; do
	f=$(cat "$TMP/lc/$id/fds" 2>/dev/null)
	[ "$f" = "0 1 2 " ] || badfd="$badfd $id:[$f]"
done
expect_eq "each container process had fds 0 1 2 only" "${badfd# }" ""

# --- nothing left ---------------------------------------------------------------
left=$(ls -A "$ROOT" 2>/dev/null)
expect_eq "the --root dir is empty" "$left" ""
cgleft=
for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
	for id in "${ids1[@]}" "${ids2[@]}"; do
		[ -d "$h/keel/$id" ] && cgleft="$cgleft $h/keel/$id"
	done
done
expect_eq "no cgroup dir left in any hierarchy" "${cgleft# }" ""
expect_eq "no mount refers to the test's files" \
	"$(grep -F "$TMP" /proc/self/mountinfo)" ""
leftover() {
	procs_marked "$MARK" | while read -r p; do
		# this script's own subshells carry the mark as well
		[ "$(readlink "/proc/$p/exe")" = "$(readlink /proc/$$/exe)" ] || echo "$p"
	done
}
# A process SIGKILLed by the last delete may still be on its way out
# (its exit runs the namespace teardown): give it 10 s.
for _ in $(seq 50); do
	procs=$(leftover)
	[ -z "$procs" ] && break
	sleep 0.2
done
for p in $procs; do
	diag "left: pid $p exe $(readlink "/proc/$p/exe") state $(awk '/^State/ {print $2}' "/proc/$p/status" 2>/dev/null) cmdline $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
done
expect_eq "no container or keel process left" "$procs" ""
for p in $procs; do kill -KILL "$p" 2>/dev/null; done

diag "$(awk -v n="$N" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN {
	printf "phase 1: %d lifecycles in parallel (create, start, state, kill, delete + state pollers) in %.1f s\n", n, b - a
	printf "phase 2: %d containers up in %.1f s, 9 racing commands on each in %.1f s", n, c - b, d - c }')"
done_testing
