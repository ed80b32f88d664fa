#!/bin/bash
# SPDX-License-Identifier: MIT
# Hostile inputs (issue 11): every case of test/hostile/cases must fail with
# a non-zero exit and exactly one stderr line "keel: <error>" matching the
# case's regex, and leave nothing behind: no state dir under --root, no
# cgroup under any hierarchy, no mount, no process, and the running
# container $V untouched.  One TAP line per case.
#
# HOSTILE_MD=FILE also writes the markdown table of docs/robustness.md
# (scripts/robustness-table.sh); HOSTILE_ONLY=REGEX runs only matching cases.
. "$(dirname "$0")/../lib.sh"
need_root

CASES=${HOSTILE_CASES:-$KEEL_SRC/test/hostile/cases}
TAG="$T_NAME-$$"
A=$TMP/alt
mkdir -p "$A"
# A case that hangs (a fifo for config.json, say) is a failure, not a stall.
# shellcheck disable=SC2034 # read by lib.sh's k
K_TIMEOUT=${HOSTILE_TIMEOUT:-15}

make_bundle "$TMP/bundle" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
bundle_set "$TMP/bundle" root "{\"path\": \"$TMP/bundle/rootfs\", \"readonly\": false}"

# The victim: a running container that kill, exec, update and a duplicate
# create aim at, and that must survive them all.
bundle_clone "$TMP/victim"
bundle_args "$TMP/victim" '"/bin/sleep","3600"'
V=$(new_id victim)
if ! k create --bundle "$TMP/victim" "$V" >/dev/null 2>"$TMP/err" || ! k start "$V" ||
   ! wait_status "$V" running; then
	fail "the victim container runs" "$(cat "$TMP/err")"
	done_testing
fi
VPID=$(pid_of "$V")

# --- helpers for the case table --------------------------------------------------
set_() { bundle_set "$B" "$1" "$2"; }
ins() { bundle_insert "$B" "$1" "$2"; }
linux() { ins linux "$1"; }
proc() { ins process "$1"; }
cfg() { printf '%b' "$1" >"$B/config.json"; }
devpts() {
	sed -i 's|"size=65536k"\]}$|&, {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["newinstance", "ptmxmode=0666"]}|' "$B/config.json"
}
C() { k create "$@" --bundle "$B" "$ID"; }

# setf KEY / insf OBJ: set_ and ins with the JSON on stdin, for values
# beyond the 128 KiB an environment string (lib.sh's awk) may hold.
setf() {
	cat >"$TMP/v" && awk -v key="\"$1\":" -v vf="$TMP/v" '
		!done && index($0, key) && substr($0, 1, index($0, key) - 1) ~ /^[ \t]*$/ {
			getline v <vf
			print substr($0, 1, index($0, key) - 1) key " " v (($0 ~ /,[ \t]*$/) ? "," : "")
			done = 1
			next
		}
		{ print }' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
}
insf() {
	cat >"$TMP/v" && awk -v key="\"$1\":" -v vf="$TMP/v" '
		!done && index($0, key) && $0 ~ /[{[][ \t]*$/ {
			getline v <vf
			print
			print v ","
			done = 1
			next
		}
		{ print }' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
}

# big's tr maps one byte; a longer STR is repeated by awk.
big() {
	local s=${2:-a}
	if [ ${#s} = 1 ]; then
		head -c "$1" /dev/zero | tr '\0' "$s"
	else
		awk -v n="$1" -v s="$s" 'BEGIN { while (n-- > 0) printf "%s", s }'
	fi
}

# --- what a case may leave behind ---------------------------------------------
cg_mounts() {
	awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo
}

# Directories of the state roots, cgroups named after $TAG (every id and
# cgroupsPath of the cases holds it), and mounts below $TMP or naming $TAG.
leftovers() {
	local m
	find "$ROOT" "$A" -mindepth 1 -maxdepth 3 ! -path "$A/ro" 2>/dev/null | sort
	for m in $(cg_mounts); do
		find "$m" -maxdepth 4 -type d -name "*$TAG*" 2>/dev/null
	done | sort
	awk -v t="$TMP/" -v tag="$TAG" \
		'index($5, t) == 1 || index($5, tag) || $5 == "/" { print $5, $6, $7 }' \
		/proc/self/mountinfo | sort
}

victim_ok() {
	[ "$(status_of "$V")" = running ] && [ "$(pid_of "$V")" = "$VPID" ]
}

# run_case N NAME SETUP RUN REGEX: one TAP line.
run_case() {
	local n=$1 name=$2 setup=$3 run=${4:-C} re=$5 rc why=() before after procs line
	B=$TMP/b$n
	bundle_clone "$B"
	ID=$(new_id)
	if ! (eval "$setup") >"$TMP/setup.err" 2>&1; then
		fail "$name" "setup failed: $setup" "$(cat "$TMP/setup.err")"
		return
	fi
	before=$(leftovers)
	export KEEL_T_MARK="$TMP/mark-$n"
	eval "$run" </dev/null >"$TMP/out" 2>"$TMP/err"; rc=$?
	unset KEEL_T_MARK
	line=$(head -c 600 "$TMP/err" | head -n 1)
	[ $rc != 0 ] || why+=("exit status 0")
	[ "$(wc -l <"$TMP/err")" = 1 ] ||
		why+=("$(wc -l <"$TMP/err") lines on stderr: $(head -c 600 "$TMP/err")")
	grep -Eqx -- "keel: ($re)" "$TMP/err" || why+=("error '$line' does not match /$re/")
	procs=$(procs_marked "$TMP/mark-$n")
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ -z "$procs" ] && break
		sleep 0.2
		procs=$(procs_marked "$TMP/mark-$n")
	done
	[ -z "$procs" ] || why+=("processes left: $procs")
	for rc in $procs; do kill -KILL "$rc" 2>/dev/null; done
	after=$(leftovers)
	[ "$before" = "$after" ] ||
		why+=("left behind: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]')")
	victim_ok || why+=("the victim $V is no longer running as pid $VPID")
	if [ ${#why[@]} = 0 ]; then
		ok "$name"
		res="nothing"
	else
		fail "$name" "${why[@]}"
		res="**${why[*]}**"
	fi
	if [ -n "${HOSTILE_MD:-}" ]; then
		# shellcheck disable=SC2016 # backquotes for markdown
		printf '| %s | %s | `%s` | `%s` | `%s` | %s |\n' "$n" "$(md "$name")" \
			"$(md "${setup:-(none)}")" "$(md "$run")" "$(md "$line")" "$(md "$res")" >>"$HOSTILE_MD"
	fi
}

# Text for a markdown table cell: one line, | escaped, $TMP and $TAG by
# name (they change every run), cut at 300 characters.
md() {
	local t=${1//"$TMP"/\$TMP}
	printf '%s' "${t//"$TAG"/\$TAG}" | tr '\n' ' ' | sed 's/|/\\|/g' | cut -c1-300
}

# --- the table ------------------------------------------------------------------
n=0
name='' setup='' run='' re=''
flush() {
	if [ -n "$name" ]; then
		n=$((n + 1))
		if [ -z "${HOSTILE_ONLY:-}" ] || [[ $name =~ $HOSTILE_ONLY ]]; then
			run_case "$n" "$name" "$setup" "$run" "$re"
		fi
	fi
	name='' setup='' run='' re=''
}
while IFS= read -r l || [ -n "$l" ]; do
	case $l in
	'#'*) ;;
	'') flush ;;
	'name: '*) name=${l#name: } ;;
	'setup: '*) setup+="${setup:+$'\n'}${l#setup: }" ;;
	'run: '*) run=${l#run: } ;;
	'error: '*) re=${l#error: } ;;
	*) fail "test/hostile/cases: a line of no known field" "$l" ;;
	esac
done <"$CASES"
flush
diag "$n cases"
done_testing
