# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# Sourced by test/integration/*.sh (bash).  Provides:
#
#   TAP:      ok NAME | fail NAME [DIAG...] | skip NAME REASON | diag TEXT
#             check NAME CMD... (ok if CMD succeeds) | done_testing
#   asserts:  expect_eq NAME GOT WANT | expect_match NAME TEXT REGEX
#             expect_nomatch NAME TEXT REGEX | expect_rc NAME GOT WANT
#   gates:    need_root | config_has CONFIG_X
#   keel:     k ARGS... ("$KEEL" --root "$ROOT" ARGS..., bounded by K_TIMEOUT;
#             create and run get --no-pivot when KEEL_NO_PIVOT=1; with
#             KEEL_T_ENOSYS=1 keel runs with close_range and openat2
#             answering ENOSYS, as on kernels before 5.11 and 5.6, or the
#             numbers in KEEL_T_ENOSYS_NRS)
#             new_id [TAG] | state_of ID | status_of ID | pid_of ID
#             wait_status ID STATUS [SECONDS] | wait_file PATH [SECONDS]
#             wait_grep FILE REGEX [SECONDS] | wait_pid_gone PID [SECONDS]
#   bundles:  make_bundle DIR | bundle_clone DIR [FROM] | bundle_args DIR 'JSON,...'
#             bundle_set DIR KEY JSON | bundle_del DIR KEY
#             bundle_insert DIR OBJECT 'MEMBERS' | json_field JSON KEY
#   misc:     track_pid PID (killed at exit) | procs_under DIR
#   failures: expect_create_fails NAME BUNDLE REGEX [ARGS...] | procs_marked MARK
#   seccomp:  seccomp_arch (SCMP_ARCH_* of this machine)
#
# Every script gets a private temp dir $TMP and state root $ROOT=$TMP/root.
# At exit every container created through new_id is killed and deleted,
# tracked helper pids are killed by their exact pid, mounts below $TMP are
# detached and $TMP is removed.  Nothing is ever killed by name.

set -u

: "${KEEL:?KEEL must name the keel binary}"
: "${BUILD:?BUILD must name the build directory}"
KEEL_SRC=${KEEL_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
CONFIG=${CONFIG:-$(dirname "$KEEL")/.config}
PROBE=${PROBE:-$BUILD/test/probe}
K_TIMEOUT=${K_TIMEOUT:-30}
T_NAME=$(basename "$0" .sh)

_t_n=0
_t_failed=0

# --- TAP --------------------------------------------------------------------
diag() {
	printf '%s\n' "$@" | sed 's/^/#   /'
}

ok() {
	_t_n=$((_t_n + 1))
	echo "ok $_t_n - $1"
}

fail() {
	_t_n=$((_t_n + 1))
	_t_failed=$((_t_failed + 1))
	echo "not ok $_t_n - $1"
	shift
	[ $# -gt 0 ] && diag "$@"
	return 0
}

skip() {
	_t_n=$((_t_n + 1))
	echo "ok $_t_n - $1 # SKIP ${2:-no reason given}"
}

check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name" "command failed: $*"; fi
}

done_testing() {
	echo "1..$_t_n"
	[ $_t_failed = 0 ]
	exit
}

expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1" "got:  '$2'" "want: '$3'"
	fi
}

expect_rc() {
	expect_eq "$1" "exit status $2" "exit status $3"
}

expect_match() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		ok "$1"
	else
		fail "$1" "text does not match /$3/:" "$2"
	fi
}

expect_nomatch() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		fail "$1" "text matches /$3/ but must not:" "$2"
	else
		ok "$1"
	fi
}

# --- gates ------------------------------------------------------------------
need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP $T_NAME needs root"
		exit 0
	fi
}

config_has() {
	grep -q "^$1=y" "$CONFIG" 2>/dev/null
}

# --- temp dir, containers, cleanup -------------------------------------------
TMP=$(mktemp -d "/tmp/keel-$T_NAME.XXXXXX") || exit 1
ROOT=$TMP/root
: >"$TMP/.ids"
: >"$TMP/.pids"

# With KEEL_NO_PIVOT=1 (the *-nopivot.sh variants) every create and run
# gets --no-pivot: the same checks then cover MS_MOVE + chroot.
k() {
	if [ "${KEEL_NO_PIVOT:-}" = 1 ] && { [ "$1" = create ] || [ "$1" = run ]; }; then
		local cmd=$1
		shift
		set -- "$cmd" --no-pivot "$@"
	fi
	if [ "${KEEL_T_ENOSYS:-}" = 1 ]; then
		# the kernel as one without close_range (436) and openat2 (437),
		# the same numbers on every architecture: keel's fallbacks
		timeout -k 5 "$K_TIMEOUT" "$PROBE" enosys-exec "${KEEL_T_ENOSYS_NRS:-436,437}" \
			"$KEEL" --root "$ROOT" "$@"
		return
	fi
	timeout -k 5 "$K_TIMEOUT" "$KEEL" --root "$ROOT" "$@"
}

# new_id [TAG]: a fresh container id, remembered for cleanup.
new_id() {
	local n
	n=$(($(wc -l <"$TMP/.ids") + 1))
	echo "$T_NAME-$$-$n${1:+-$1}" | tee -a "$TMP/.ids"
}

track_pid() {
	echo "$1" >>"$TMP/.pids"
}

# pids (other than ours) whose root, cwd or executable lies below DIR.
procs_under() {
	local d=$1 p l
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = $$ ] && continue
		for l in root cwd exe; do
			case $(readlink "$p/$l" 2>/dev/null) in
			"$d"|"$d"/*) echo "${p#/proc/}"; break ;;
			esac
		done
	done
}

_t_cleanup() {
	local rc=$? id pid mp our_pidns
	trap - EXIT INT TERM HUP
	our_pidns=$(readlink /proc/self/ns/pid)
	if [ -d "$ROOT" ]; then
		while read -r id; do
			[ -n "$id" ] || continue
			pid=$(pid_of "$id" 2>/dev/null)
			K_TIMEOUT=10 k kill "$id" KILL >/dev/null 2>&1
			K_TIMEOUT=10 k delete --force "$id" >/dev/null 2>&1
			# If keel failed to reap its init, kill it by pid, but only
			# a process that really lives in another pid namespace.
			if [ -n "$pid" ] && [ "$pid" -gt 1 ] 2>/dev/null &&
			   [ -e "/proc/$pid" ] &&
			   [ "$(readlink "/proc/$pid/ns/pid")" != "$our_pidns" ]; then
				kill -KILL "$pid" 2>/dev/null
			fi
		done <"$TMP/.ids"
	fi
	while read -r pid; do
		[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	done <"$TMP/.pids"
	# Any process still running from a bundle below $TMP is ours.
	for pid in $(procs_under "$TMP"); do
		[ "$(readlink "/proc/$pid/ns/pid")" != "$our_pidns" ] &&
			kill -KILL "$pid" 2>/dev/null
	done
	# Detach mounts below $TMP, deepest first.  busybox umount (the
	# board guests) has no -R: there each one is detached by itself.
	awk -v t="$TMP/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo |
		sort -r | while read -r mp; do
			mp=$(printf '%b' "$mp")
			umount -R -l "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null
		done
	# busybox rm (the QEMU board guests) lacks --one-file-system; the
	# mounts below $TMP are detached above.
	if rm --help 2>&1 | grep -q one-file-system; then
		rm -rf --one-file-system "$TMP"
	else
		rm -rf "$TMP"
	fi
	exit $rc
}
trap _t_cleanup EXIT
trap 'exit 130' INT TERM HUP

# --- state ------------------------------------------------------------------
# json_field JSON KEY: a scalar (string, number, bool) of a flat JSON object.
json_field() {
	local j v
	j=$(printf '%s' "$1" | tr -d '\n')
	v=$(printf '%s' "$j" | sed -n \
		's/.*"'"$2"'"[[:space:]]*:[[:space:]]*"\(\([^"\\]\|\\.\)*\)".*/\1/p')
	if [ -z "$v" ]; then
		v=$(printf '%s' "$j" | sed -n \
			's/.*"'"$2"'"[[:space:]]*:[[:space:]]*\([-+.0-9a-zA-Z]\{1,\}\).*/\1/p')
	fi
	printf '%s\n' "$v"
}

state_of() {
	k state "$1" 2>/dev/null
}

status_of() {
	local s
	s=$(state_of "$1") || { echo "none"; return 1; }
	json_field "$s" status
}

pid_of() {
	local s
	s=$(state_of "$1") || return 1
	json_field "$s" pid
}

# Poll helpers; SECONDS default to 10.  All return non-zero on timeout.
_t_poll() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

wait_status() {
	_t_poll "${3:-10}" _t_is_status "$1" "$2"
}
_t_is_status() {
	[ "$(status_of "$1")" = "$2" ]
}

wait_file() {
	_t_poll "${2:-10}" test -e "$1"
}

wait_grep() {
	_t_poll "${3:-10}" grep -Eq -- "$2" "$1"
}

wait_pid_gone() {
	_t_poll "${2:-10}" _t_pid_gone "$1"
}
_t_pid_gone() {
	[ ! -e "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

pid_alive() {
	[ -n "$1" ] && [ -e "/proc/$1" ] && ! _t_pid_gone "$1"
}

# fstype PATH: the file system type as GNU stat names it (cgroup2fs, tmpfs,
# ...), also under busybox's stat, which names cgroup2 only by its magic.
# The personality a process has on this kernel (what personality(0xffffffff)
# and personality(0) return in a container that sets none): 0x0, but
# ADDR_LIMIT_32BIT (0x800000) on a 32-bit ARM kernel.
PERS0=$(printf '0x%x' "$((0x$(cat /proc/self/personality 2>/dev/null || echo 0)))")

fstype() {
	case $(stat -f -c %t "$1" 2>/dev/null) in
	63677270) echo cgroup2fs ;;
	1021994) echo tmpfs ;;
	27e0eb) echo cgroupfs ;;
	*) stat -f -c %T "$1" 2>/dev/null ;;
	esac
}

# --- bundles ----------------------------------------------------------------
# make_bundle DIR: a full busybox bundle with /probe (scripts/mkbundle.sh).
make_bundle() {
	"$KEEL_SRC/scripts/mkbundle.sh" "$1" "$PROBE" >/dev/null
}

# bundle_clone DIR [FROM]: a bundle of its own config.json that shares
# FROM's rootfs (default $TMP/bundle) by absolute path; cheap, for tests
# that do not write to the rootfs.
bundle_clone() {
	local from=${2:-$TMP/bundle}
	mkdir -p "$1" && cp "$from/config.json" "$1/config.json" || return
	# A clone of a clone already points at an absolute rootfs.
	[ -d "$from/rootfs" ] || return 0
	from=$(realpath "$from")
	bundle_set "$1" root "{\"path\": \"$from/rootfs\", \"readonly\": false}"
}

# bundle_set DIR KEY JSON: replace the value of the first line '"KEY": ...'
# of DIR/config.json (mkbundle.sh keeps each such value on one line),
# keeping its trailing comma.
bundle_set() {
	local f=$1/config.json
	V=$3 awk -v key="\"$2\":" '
		!done && index($0, key) && substr($0, 1, index($0, key) - 1) ~ /^[ \t]*$/ {
			lead = substr($0, 1, index($0, key) - 1)
			comma = ($0 ~ /,[ \t]*$/) ? "," : ""
			print lead key " " ENVIRON["V"] comma
			done = 1
			next
		}
		{ print }
		END { if (!done) exit 1 }' "$f" >"$f.new" && mv "$f.new" "$f"
}

# bundle_del DIR KEY: drop the line '"KEY": ...' (a value in mid-object).
bundle_del() {
	local f=$1/config.json
	awk -v key="\"$2\":" '
		!done && index($0, key) && substr($0, 1, index($0, key) - 1) ~ /^[ \t]*$/ {
			done = 1
			next
		}
		{ print }
		END { if (!done) exit 1 }' "$f" >"$f.new" && mv "$f.new" "$f"
}

# bundle_insert DIR OBJECT 'MEMBERS': add members at the start of the object
# or array opened by the line '"OBJECT": {' (or '[').  E.g.
#   bundle_insert "$B" linux '"sysctl": {"kernel.domainname": "x"}'
#   bundle_insert "$B" mounts '{"destination": "/mnt", ...}'
bundle_insert() {
	local f=$1/config.json
	V=$3 awk -v key="\"$2\":" '
		!done && index($0, key) && $0 ~ /[{[][ \t]*$/ {
			print
			print "\t\t" ENVIRON["V"] ","
			done = 1
			next
		}
		{ print }
		END { if (!done) exit 1 }' "$f" >"$f.new" && mv "$f.new" "$f"
}

# bundle_args DIR '"/probe","hostname"': set process.args.
bundle_args() {
	bundle_set "$1" args "[$2]"
}

# --- failed creates -----------------------------------------------------------
# procs_marked MARK: pids (not ours) whose environment holds KEEL_T_MARK=MARK.
# keel and its container init (a clone that has not exec'd yet) inherit the
# mark from the command that started them, so a stray init is found by it
# even after pivot_root hid its root and cwd from procs_under.
# One grep over every environ (NUL-separated entries, -z): a pipeline per
# process took seconds a scan in the QEMU guests.
procs_marked() {
	local f p
	for f in $(grep -lszxF "KEEL_T_MARK=$1" /proc/[0-9]*/environ); do
		p=${f#/proc/}
		p=${p%/environ}
		# the grep itself matches when the caller carries the mark: the
		# glob was expanded in the child that became grep; it is gone now
		[ "$p" = $$ ] || [ ! -e "/proc/$p" ] || echo "$p"
	done
}

# seccomp_arch: this machine's architecture as seccomp names it
# (SCMP_ARCH_X86_64, ...), or nothing for one the tests do not know.
seccomp_arch() {
	case $(uname -m) in
	x86_64) echo SCMP_ARCH_X86_64 ;;
	aarch64) echo SCMP_ARCH_AARCH64 ;;
	armv7l) echo SCMP_ARCH_ARM ;;
	riscv64) echo SCMP_ARCH_RISCV64 ;;
	esac
}

# expect_create_fails NAME BUNDLE REGEX [KEEL-ARGS...]: "keel create" of
# BUNDLE under a new id exits non-zero with a stderr matching REGEX (one
# "keel: " line) and leaves no state dir and no process.  The id is left in
# CF_ID, stderr in $TMP/cf.err.  Run as "KEEL=other expect_create_fails ..."
# to test another binary.
expect_create_fails() {
	local name=$1 b=$2 re=$3 rc procs
	shift 3
	CF_ID=$(new_id)
	KEEL_T_MARK="$TMP/$CF_ID" k create "$@" --bundle "$b" "$CF_ID" \
		>"$TMP/cf.out" 2>"$TMP/cf.err"; rc=$?
	if [ $rc != 0 ]; then
		ok "$name: create exits non-zero"
	else
		fail "$name: create exits non-zero" "exit 0, state: $(state_of "$CF_ID")"
	fi
	expect_match "$name: error says /$re/" "$(cat "$TMP/cf.err")" "^keel: .*$re"
	if [ -e "$ROOT/$CF_ID" ]; then
		fail "$name: no state dir left" "$(ls -la "$ROOT/$CF_ID" 2>&1)"
	else
		ok "$name: no state dir left"
	fi
	# busybox's timeout (in the board guests) leaves its watcher child, which
	# carries the mark, for up to a second after the command: a leak is
	# what is still there after 2 s.
	procs=$(procs_marked "$TMP/$CF_ID")
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ -z "$procs" ] && break
		sleep 0.2
		procs=$(procs_marked "$TMP/$CF_ID")
	done
	expect_eq "$name: no process left" "$procs" ""
	for rc in $procs; do kill -KILL "$rc" 2>/dev/null; done
}
