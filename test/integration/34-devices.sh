#!/bin/bash
# SPDX-License-Identifier: MIT
# linux.resources.devices: the config's rules, then runc's default allow
# list, a later rule winning.  Checked from inside (opens and mknod through
# busybox: EPERM is the device cgroup's answer) and, on cgroup v1, from
# the host (devices.list).  The eBPF program of cgroup v2 is tested on a
# pure v2 view: keel inside "unshare -m" with the unified tree bound over
# /sys/fs/cgroup, where the v1 devices controller plays no part.
. "$(dirname "$0")/../lib.sh"
need_root

CG=/sys/fs/cgroup
PARENT=/keel-it-dev-$$

case $(fstype $CG 2>/dev/null) in
cgroup2fs) HOST=v2 ;;
tmpfs) HOST=v1 ;;
*) echo "1..0 # SKIP no cgroup file system at $CG"; exit 0 ;;
esac
if [ $HOST = v2 ] && ! config_has CONFIG_CGROUP_V2; then
	echo "1..0 # SKIP cgroup v2 host, keel built without CONFIG_CGROUP_V2"
	exit 0
fi
if [ $HOST = v1 ] && ! config_has CONFIG_CGROUP_V1; then
	echo "1..0 # SKIP cgroup v1 host, keel built without CONFIG_CGROUP_V1"
	exit 0
fi

# The v1 devices hierarchy, if any (empty on a v2 host).
DEV=$(awk '{ sep = 0; for (i = 7; i <= NF; i++) if ($i == "-") { sep = i; break } }
	sep && $(sep + 1) == "cgroup" && $(sep + 3) ~ /(^|,)devices(,|$)/ { print $5; exit }' \
	/proc/self/mountinfo)
if [ $HOST = v1 ] && [ -z "$DEV" ]; then
	echo "1..0 # SKIP cgroup v1 host without a devices hierarchy"
	exit 0
fi

hierarchies() {
	awk '{ sep = 0; for (i = 7; i <= NF; i++) if ($i == "-") { sep = i; break } }
	     sep && ($(sep + 1) == "cgroup" || $(sep + 1) == "cgroup2") && index($5, "'$CG'") == 1 { print $5 }' \
		/proc/self/mountinfo | sort -u
}
cg_cleanup() {
	local h
	for h in $(hierarchies); do
		[ -d "$h$PARENT" ] && find "$h$PARENT" -depth -type d -exec rmdir {} + 2>/dev/null
	done
}
trap '_cg_rc=$?; (_t_cleanup); cg_cleanup; exit $_cg_rc' EXIT

cg_left() {
	local h
	for h in $(hierarchies); do
		[ -d "$h$1" ] && echo "$h$1"
	done
}

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
# /t.sh MODE PATH...: open each PATH as the shell redirection MODE (<, >,
# <>) does and print "PATH MODE ok|EPERM|other(...)".
cat >"$B/rootfs/t.sh" <<'EOF'
#!/bin/sh
m=$1
shift
for p; do
	if e=$(sh -c "exec 3$m$p" 2>&1); then r=ok
	else case $e in *"not permitted"*) r=EPERM ;; *) r="other(${e##*: })" ;; esac
	fi
	echo "$p $m $r"
done
EOF
chmod 0755 "$B/rootfs/t.sh"
# A script on one line of config.json: double quotes are left to t.sh.
cat >"$B/rootfs/checks.sh" <<'EOF'
#!/bin/sh
/t.sh '<>' /dev/null /dev/zero /dev/urandom /dev/kmsg /dev/full
/t.sh '<' /dev/kmsg /dev/full /dev/zero
/t.sh '>' /dev/kmsg /dev/full
rm -f /tmp/node
if mknod /tmp/node c 1 11 2>/dev/null; then echo "mknod ok"; else echo "mknod EPERM"; fi
[ -c /tmp/node ] && /t.sh '<' /tmp/node
grep -E '^[0-9]+:(devices|):' /proc/self/cgroup
echo done
EOF
chmod 0755 "$B/rootfs/checks.sh"
NODES='[{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}, {"path": "/dev/full", "type": "c", "major": 1, "minor": 7, "fileMode": 438}]'
# runc's defaults as devices.list shows them, less /dev/full's (linux.devices
# lists that path, and runc then drops its default rule)
DEFAULT_LIST=$(printf 'c *:* m\nb *:* m\nc 1:3 rwm\nc 1:8 rwm\nc 5:0 rwm\nc 1:5 rwm\nc 1:9 rwm\nc 136:* rwm\nc 5:2 rwm\nc 10:200 rwm')

# run_case NAME 'RULES' [PARENT-PATH]: run /checks.sh in a container with
# linux.resources.devices RULES and linux.devices $NODES; its output in
# $OUT, its devices.list (v1) in $LIST.  CASE_NODES replaces $NODES.
run_case() {
	local name=$1 rules=$2 parent=${3:-$PARENT} b=$TMP/$1 id rc
	bundle_clone "$b" "$B"
	id=$(new_id "$name")
	CGPATH=$parent/$id
	bundle_insert "$b" linux "\"cgroupsPath\": \"$CGPATH\", \"resources\": {\"devices\": $rules}, \"devices\": ${CASE_NODES:-$NODES}"
	bundle_args "$b" '"/bin/sh","-c","/checks.sh; exec sleep 100"'
	k run --detach --bundle "$b" "$id" >"$TMP/$name.out" 2>"$TMP/$name.err"; rc=$?
	expect_rc "$name: run --detach exits 0" $rc 0
	[ $rc = 0 ] || diag "$(cat "$TMP/$name.err")"
	wait_grep "$TMP/$name.out" '^done$' 10
	OUT=$(cat "$TMP/$name.out")
	LIST=$( [ -n "$DEV" ] && cat "$DEV$CGPATH/devices.list" 2>&1)
	k delete --force "$id" >/dev/null 2>&1
	expect_eq "$name: cgroup removed" "$(cg_left "$CGPATH")" ""
}

# has NAME "PATH MODE RESULT"...: each line is in $OUT.
has() {
	local name=$1 l missing=
	shift
	for l; do
		printf '%s\n' "$OUT" | grep -qxF -- "$l" || missing="$missing${missing:+; }$l"
	done
	if [ -z "$missing" ]; then ok "$name"; else fail "$name" "missing: $missing" "output:" "$OUT"; fi
}

v1_list() {	# v1_list NAME WANT
	if [ -n "$DEV" ] && [ $HOST = v1 ]; then
		expect_eq "$1: devices.list" "$LIST" "$2"
	else
		skip "$1: devices.list" "no cgroup v1 devices hierarchy"
	fi
}

DENY_ALL='{"allow": false, "access": "rwm"}'

# --- what "keel spec" writes: deny all, then runc's defaults -----------------------
run_case default "[$DENY_ALL]"
has "default: null, zero and urandom open read-write" "/dev/null <> ok" "/dev/zero <> ok" \
	"/dev/urandom <> ok"
has "default: a linux.devices node no rule allows is denied" "/dev/kmsg <> EPERM" \
	"/dev/kmsg < EPERM" "/dev/kmsg > EPERM"
has "default: /dev/full listed in linux.devices loses its default rule (as in runc)" \
	"/dev/full <> EPERM" "/dev/full > EPERM"
has "default: mknod of any device is allowed (runc's c *:* m), opening it is not" \
	"mknod ok" "/tmp/node < EPERM"
v1_list default "$DEFAULT_LIST"

# --- allow rules: read-only, wildcards -------------------------------------------------
run_case readonly "[$DENY_ALL, {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 11, \"access\": \"r\"}]"
has "read-only rule: open for reading works" "/dev/kmsg < ok" "/tmp/node < ok"
has "read-only rule: open for writing, or both, is denied" "/dev/kmsg > EPERM" "/dev/kmsg <> EPERM"
v1_list readonly "$(printf 'c 1:11 r\n%s' "$DEFAULT_LIST")"

run_case wildcard "[$DENY_ALL, {\"allow\": true, \"type\": \"c\", \"major\": 1, \"access\": \"r\"}, {\"allow\": true, \"type\": \"c\", \"minor\": 7, \"access\": \"w\"}]"
has "wildcard minor (c 1:* r): reads of major 1" "/dev/kmsg < ok" "/dev/full < ok" "/dev/kmsg > EPERM"
has "wildcard major (c *:7 w): writes to minor 7" "/dev/full > ok"
v1_list wildcard "$(printf 'c 1:* r\nc *:7 w\n%s' "$DEFAULT_LIST")"

# a later deny of the same device takes back part of an allow
run_case later "[$DENY_ALL, {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 11, \"access\": \"rw\"}, {\"allow\": false, \"type\": \"c\", \"major\": 1, \"minor\": 11, \"access\": \"w\"}]"
has "a later deny wins over an earlier allow" "/dev/kmsg < ok" "/dev/kmsg > EPERM" "/dev/kmsg <> EPERM"
v1_list later "$(printf 'c 1:11 r\n%s' "$DEFAULT_LIST")"

# allow-all (a privileged container), and allow-all but one device
run_case allowall '[{"allow": true, "access": "rwm"}]'
has "allow all: every node opens" "/dev/kmsg <> ok" "/dev/full <> ok" "mknod ok" "/tmp/node < ok"
v1_list allowall "a *:* rwm"
run_case allbut '[{"allow": true, "access": "rwm"}, {"allow": false, "type": "c", "major": 1, "minor": 11, "access": "rw"}]'
has "allow all but c 1:11: that one is denied, the rest opens" "/dev/kmsg < EPERM" \
	"/dev/kmsg > EPERM" "/dev/full <> ok" "/dev/zero <> ok"
v1_list allbut "a *:* rwm"

# --- cgroup v1: a deny cut out of a wider allow cannot be applied: refused -------------
HOLE=$TMP/hole
bundle_clone "$HOLE" "$B"
bundle_insert "$HOLE" linux "\"cgroupsPath\": \"$PARENT/hole\", \"resources\": {\"devices\": [$DENY_ALL, {\"allow\": true, \"type\": \"c\", \"major\": 1, \"access\": \"rw\"}, {\"allow\": false, \"type\": \"c\", \"major\": 1, \"minor\": 11, \"access\": \"w\"}]}"
if [ $HOST = v1 ]; then
	expect_create_fails "v1: deny inside a wider allow" "$HOLE" \
		'linux\.resources\.devices\[2\]: cgroup v1 cannot deny part of what devices\[1\] allows'
	expect_eq "v1: deny inside a wider allow: no cgroup made" "$(cg_left "$PARENT/hole")" ""
else
	skip "v1: deny inside a wider allow" "cgroup v2 host (the v2 section runs it)"
fi

# --- cgroup v1: under a parent that limits devices -----------------------------------
# keel takes what the parent grants and leaves out the rest rather than
# failing; without "m" in the parent, mknod is denied.
if [ $HOST = v1 ]; then
	RO=$PARENT/limited
	mkdir -p "$DEV$RO"
	echo a >"$DEV$RO/devices.deny"
	for l in 'c 1:3 rwm' 'c 1:5 r' 'c 1:11 r'; do echo "$l" >"$DEV$RO/devices.allow"; done
	# (not /dev/full: mknod is denied, keel binds the host's node there,
	# and cannot replace that mount with linux.devices' node)
	CASE_NODES='[{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}]' \
	run_case limited "[$DENY_ALL, {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 11, \"access\": \"rw\"}]" "$RO"
	has "limited parent: what it grants works" "/dev/null <> ok" "/dev/zero < ok" "/dev/kmsg < ok"
	has "limited parent: what it lacks is denied, mknod too" "/dev/zero <> EPERM" \
		"/dev/kmsg > EPERM" "/dev/urandom <> EPERM" "mknod EPERM"
	expect_eq "limited parent: devices.list" "$LIST" "$(printf 'c 1:11 r\nc 1:3 rwm\nc 1:5 r')"
	# allow-all with a deny after it cannot be had there: fails, leaves nothing
	AB=$TMP/allbut-limited
	bundle_clone "$AB" "$B"
	bundle_insert "$AB" linux "\"cgroupsPath\": \"$RO/x\", \"resources\": {\"devices\": [{\"allow\": true, \"access\": \"rwm\"}, {\"allow\": false, \"type\": \"b\", \"access\": \"rwm\"}]}"
	expect_create_fails "limited parent: allow-all then deny" "$AB" \
		'linux\.resources\.devices: reset to allow all: .*Operation not permitted'
	expect_eq "limited parent: allow-all then deny: cgroup removed" "$(cg_left "$RO/x")" ""
else
	skip "limited parent (cgroup v1)" "cgroup v2 host"
fi

# --- terminal: /dev/tty and the pty under deny-all ---------------------------------
if config_has CONFIG_CONSOLE; then
	T=$TMP/term
	bundle_clone "$T" "$B"
	bundle_set "$T" terminal 'true'
	sed -i 's|^\(\t*{"destination": "/dev", "type": "tmpfs".*}\)$|\1,\n\t\t{"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620"]}|' "$T/config.json"
	bundle_insert "$T" linux "\"cgroupsPath\": \"$PARENT/term\", \"resources\": {\"devices\": [$DENY_ALL]}"
	bundle_args "$T" '"/bin/sh"'
	id=$(new_id term)
	OUT=$(printf "/probe tty; /t.sh '<>' /dev/tty /dev/console /dev/ptmx; exit\n" |
		k run --bundle "$T" "$id" 2>&1 | tr -d '\r')
	expect_match "terminal under deny-all: the pty is the controlling terminal" "$OUT" \
		'tty /dev/pts/[0-9]+ ctty yes'
	has "terminal under deny-all: /dev/tty, /dev/console and /dev/ptmx open" \
		"/dev/tty <> ok" "/dev/console <> ok" "/dev/ptmx <> ok"
else
	skip "terminal under deny-all" "keel built without CONFIG_CONSOLE"
fi

# --- bad input: refused with the JSON path --------------------------------------------
bad() {	# bad NAME RULE REGEX
	local b=$TMP/bad-$1
	bundle_clone "$b" "$B"
	bundle_insert "$b" linux "\"resources\": {\"devices\": [$DENY_ALL, $2]}"
	expect_create_fails "$1" "$b" "$3"
}
bad "access x" '{"allow": true, "type": "c", "access": "x"}' \
	'linux\.resources\.devices\[1\]\.access: must be made of r, w and m'
bad "type q" '{"allow": true, "type": "q", "access": "r"}' \
	'linux\.resources\.devices\[1\]\.type: unknown device type "q"'
bad "empty access" '{"allow": true, "type": "c", "access": ""}' \
	'linux\.resources\.devices\[1\]\.access: missing or empty'
bad "no access" '{"allow": true, "type": "c", "major": 1}' \
	'linux\.resources\.devices\[1\]\.access: missing or empty'

# --- a keel without cgroup drivers cannot apply rules: it refuses them ---------------
if [ -n "${KEEL_ALLNO:-}" ] && [ -x "$KEEL_ALLNO" ]; then
	N=$TMP/nocg
	bundle_clone "$N" "$B"
	bundle_insert "$N" linux "\"resources\": {\"devices\": [$DENY_ALL]}"
	KEEL=$(realpath "$KEEL_ALLNO") expect_create_fails "allnoconfig keel, deny-all rules" "$N" \
		'linux\.resources: this keel was built without cgroup support \(CONFIG_CGROUP_V1, CONFIG_CGROUP_V2\)'
else
	skip "allnoconfig keel, deny-all rules" "KEEL_ALLNO (an allnoconfig keel) is not set"
fi

# --- cgroup v2: the eBPF program -----------------------------------------------------
# keel2 ARGS...: keel seeing a pure cgroup v2 tree (the host's, or on a
# hybrid host its unified tree, in a mount namespace of its own).
keel2() {
	if [ $HOST = v2 ]; then
		k "$@"
	else
		timeout -k 5 "$K_TIMEOUT" unshare -m sh -c \
			'mount --bind /sys/fs/cgroup/unified /sys/fs/cgroup && exec "$@"' \
			sh "$KEEL" --root "$ROOT" "$@"
	fi
}
V2=$CG
[ $HOST = v1 ] && V2=$CG/unified

# v2_case NAME 'RULES': like run_case, in the foreground through keel2.
v2_case() {
	local b=$TMP/v2-$1 id rc
	bundle_clone "$b" "$B"
	id=$(new_id "v2-$1")
	CGPATH=$PARENT/$id
	bundle_insert "$b" linux "\"cgroupsPath\": \"$CGPATH\", \"resources\": {\"devices\": $2}, \"devices\": $NODES"
	bundle_args "$b" '"/checks.sh"'
	OUT=$(keel2 run --bundle "$b" "$id" 2>"$TMP/v2.err"); rc=$?
	expect_rc "v2 $1: run exits 0" $rc 0
	[ $rc = 0 ] || diag "$(cat "$TMP/v2.err")"
	expect_eq "v2 $1: cgroup removed" "$(cg_left "$CGPATH")" ""
}

if ! config_has CONFIG_CGROUP_V2; then
	skip "cgroup v2 device program" "keel built without CONFIG_CGROUP_V2"
elif [ "$(fstype "$V2" 2>/dev/null)" != cgroup2fs ]; then
	skip "cgroup v2 device program" "no cgroup2 tree at $V2"
else
	v2_case default "[$DENY_ALL]"
	has "v2 default: null, zero and urandom open read-write" "/dev/null <> ok" \
		"/dev/zero <> ok" "/dev/urandom <> ok"
	has "v2 default: kmsg and full (listed in linux.devices) are denied" \
		"/dev/kmsg < EPERM" "/dev/full > EPERM" "mknod ok" "/tmp/node < EPERM"
	if [ $HOST = v1 ]; then
		# only the program can have said no: the v1 devices cgroup is the root's
		has "v2 default: in the unified cgroup only, the v1 devices cgroup is the root" \
			"0::$CGPATH" "$(grep -E '^[0-9]+:devices:' /proc/self/cgroup)"
	fi
	v2_case readonly "[$DENY_ALL, {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 11, \"access\": \"r\"}]"
	has "v2 read-only rule" "/dev/kmsg < ok" "/dev/kmsg > EPERM" "/dev/kmsg <> EPERM"
	v2_case wildcard "[$DENY_ALL, {\"allow\": true, \"type\": \"c\", \"major\": 1, \"access\": \"r\"}, {\"allow\": true, \"type\": \"c\", \"minor\": 7, \"access\": \"w\"}]"
	has "v2 wildcards" "/dev/kmsg < ok" "/dev/full < ok" "/dev/kmsg > EPERM" "/dev/full > ok"
	# what v1 refuses, the program applies: the later deny wins inside the allow
	v2_case hole "[$DENY_ALL, {\"allow\": true, \"type\": \"c\", \"major\": 1, \"access\": \"rw\"}, {\"allow\": false, \"type\": \"c\", \"major\": 1, \"minor\": 11, \"access\": \"w\"}]"
	has "v2: a deny inside a wider allow" "/dev/kmsg < ok" "/dev/kmsg > EPERM" \
		"/dev/kmsg <> EPERM" "/dev/full <> ok"
	v2_case allbut '[{"allow": true, "access": "rwm"}, {"allow": false, "type": "c", "major": 1, "minor": 11, "access": "rw"}]'
	has "v2 allow all but c 1:11" "/dev/kmsg < EPERM" "/dev/full <> ok" "mknod ok"
	v2_case allowall '[{"allow": true, "access": "rwm"}]'
	has "v2 allow all (no program)" "/dev/kmsg <> ok" "/tmp/node < ok"
fi

cg_cleanup
expect_eq "test parents removed" "$(cg_left "$PARENT")" ""
done_testing
