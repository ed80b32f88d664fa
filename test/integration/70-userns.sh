#!/bin/bash
# SPDX-License-Identifier: MIT
# User namespaces: root inside is 100000 outside; id maps, /dev nodes bound
# from the host (mknod is denied), and the rootfs owned by the mapped root.
. "$(dirname "$0")/../lib.sh"
need_root

if ! config_has CONFIG_USERNS; then
	echo "1..0 # SKIP keel built without CONFIG_USERNS"
	exit 0
fi
if [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null)" = 0 ]; then
	echo "1..0 # SKIP user namespaces are disabled (/proc/sys/user/max_user_namespaces is 0)"
	exit 0
fi
if ! unshare --user true 2>/dev/null; then
	echo "1..0 # SKIP this host refuses to create user namespaces (unshare --user fails)"
	exit 0
fi

HOSTID=100000
# The mapped root has no rights over the host's root-owned 0700 dirs: like
# runc, keel needs a rootfs the container's root can reach.
chmod 0711 "$TMP"
U=$TMP/bundle
make_bundle "$U" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
U=$(realpath "$U")
chown -R "$HOSTID:$HOSTID" "$U/rootfs"
bundle_set "$U" namespaces '[{"type": "pid"},{"type": "mount"},{"type": "uts"},{"type": "ipc"},{"type": "user"}]'
bundle_insert "$U" linux "\"uidMappings\": [{\"containerID\": 0, \"hostID\": $HOSTID, \"size\": 65536}], \"gidMappings\": [{\"containerID\": 0, \"hostID\": $HOSTID, \"size\": 65536}]"

# inside ARGS_JSON [BUNDLE]: run in the foreground, print stdout; stderr in
# $TMP/err, exit status in $TMP/rc.
inside() {
	local d=$TMP/b-$RANDOM$RANDOM id rc
	bundle_clone "$d" "${2:-$U}"
	bundle_args "$d" "$1"
	id=$(new_id)
	k run --bundle "$d" "$id" 2>"$TMP/err"; rc=$?
	echo $rc >"$TMP/rc"
	return $rc
}

out=$(inside '"/bin/sh","-c","echo ids=$(/probe ids); echo uid_map=$(cat /proc/self/uid_map); echo gid_map=$(cat /proc/self/gid_map); echo user=$(/probe ns | grep ^user:); echo null=$(/probe write /dev/null); echo x > /dev/null && echo null-write=ok; echo nullstat=$(/probe stat /dev/null); echo zero=$(head -c 2 /dev/zero | od -An -tx1 | tr -d \" \")"')
rc=$(cat "$TMP/rc")
expect_rc "userns: run exits 0" "$rc" 0
[ "$rc" = 0 ] || diag "stderr: $(cat "$TMP/err")"
val() {
	printf '%s\n' "$out" | sed -n "s/^$1=//p"
}
expect_eq "userns: uid 0 inside" "$(val ids)" "uid=0 gid=0 groups="
expect_eq "userns: uid_map is 0 $HOSTID 65536" "$(val uid_map | tr -s ' ')" " 0 $HOSTID 65536"
expect_eq "userns: gid_map is 0 $HOSTID 65536" "$(val gid_map | tr -s ' ')" " 0 $HOSTID 65536"
got=$(val user)
if [ -n "$got" ] && [ "$got" != "$(readlink /proc/self/ns/user)" ]; then
	ok "userns: a new user namespace"
else
	fail "userns: a new user namespace" "inside: '$got'"
fi
expect_eq "userns: /dev/null opens for writing" "$(val null)" ok
expect_eq "userns: writing to /dev/null works" "$(val null-write)" ok
expect_match "userns: /dev/null is the char device 1,3" "$(val nullstat)" '^type=chr .* rdev=1,3$'
expect_eq "userns: /dev/zero reads zeros" "$(val zero)" 0000

# --- from the host ------------------------------------------------------------------
S=$TMP/sleep
bundle_clone "$S" "$U"
bundle_args "$S" '"/probe","sleep","1000"'
id=$(new_id sleep)
k run --detach --bundle "$S" "$id" >/dev/null 2>"$TMP/err"; rc=$?
expect_rc "userns: run --detach exits 0" $rc 0
[ $rc = 0 ] || diag "stderr: $(cat "$TMP/err")"
pid=$(pid_of "$id")
expect_eq "userns: the host sees init as uid $HOSTID" \
	"$(grep '^Uid:' "/proc/$pid/status" 2>&1 | tr -s '\t ' ' ')" "Uid: $HOSTID $HOSTID $HOSTID $HOSTID"
expect_eq "userns: the host sees init as gid $HOSTID" \
	"$(grep '^Gid:' "/proc/$pid/status" 2>&1 | tr -s '\t ' ' ')" "Gid: $HOSTID $HOSTID $HOSTID $HOSTID"
expect_eq "userns: /proc/<pid>/uid_map from the host" \
	"$(tr -s ' ' <"/proc/$pid/uid_map" 2>&1)" " 0 $HOSTID 65536"
k delete --force "$id" >/dev/null 2>"$TMP/err"; rc=$?
expect_rc "userns: delete --force exits 0" $rc 0
if wait_pid_gone "$pid" 5; then ok "userns: init is gone after delete"; else fail "userns: init is gone after delete"; fi

# Files the container makes belong to the mapped ids on the host.
inside '"/bin/sh","-c","echo made > /tmp/userns-file"' >/dev/null
expect_eq "userns: a file made inside is owned by $HOSTID:$HOSTID on the host" \
	"$(stat -c %u:%g "$U/rootfs/tmp/userns-file" 2>&1)" "$HOSTID:$HOSTID"

# A uid the map does not cover cannot be used.
V=$TMP/unmapped
bundle_clone "$V" "$U"
bundle_set "$V" user '{"uid": 70000, "gid": 0}'
bundle_args "$V" '"/probe","ids"'
id=$(new_id unmapped)
out=$(k run --bundle "$V" "$id" 2>"$TMP/err"); rc=$?
if [ $rc != 0 ] && [ -z "$out" ]; then
	ok "userns: process.user.uid outside the map is refused"
else
	fail "userns: process.user.uid outside the map is refused" "exit $rc, out '$out'"
fi

# --- linux.devices naming a default device ----------------------------------------
# In a user namespace mknod fails and the host's node is bound instead; a
# linux.devices entry at a path the defaults bound already replaces that bind.
D=$TMP/dev-again
bundle_clone "$D" "$U"
bundle_insert "$D" linux '"devices": [{"path": "/dev/full", "type": "c", "major": 1, "minor": 7, "fileMode": 438}]'
out=$(inside '"/bin/sh","-c","/probe stat /dev/full; grep -c \" /dev/full \" /proc/self/mountinfo"' "$D")
expect_rc "userns: linux.devices at a default device's path: run exits 0" "$(cat "$TMP/rc")" 0
expect_match "userns: /dev/full is the char device 1,7" "$out" 'type=chr .*rdev=1,7'
expect_match "userns: one bind at /dev/full, not two" "$out" $'\n1$'

# --- refused configs -----------------------------------------------------------------
V=$TMP/no-maps
bundle_clone "$V" "$U"
bundle_del "$V" uidMappings 2>/dev/null ||
	sed -i 's/"uidMappings": \[[^]]*\], "gidMappings": \[[^]]*\],//' "$V/config.json"
expect_create_fails "user namespace without mappings" "$V" 'linux\.uidMappings'

V=$TMP/bad-map
bundle_clone "$V" "$U"
sed -i "s/\"hostID\": $HOSTID, \"size\": 65536}\], \"gidMappings\"/\"hostID\": 4294967000, \"size\": 65536}], \"gidMappings\"/" "$V/config.json"
expect_create_fails "uidMappings beyond the id space" "$V" 'linux\.uidMappings'

# --- joining a user namespace by path -------------------------------------------
# Container A owns a user namespace; B joins it by path and makes its own pid,
# mount, uts and ipc namespaces inside it (owned by A's user namespace).
A=$TMP/holder
bundle_clone "$A" "$U"
bundle_args "$A" '"/probe","sleep","60"'
ida=$(new_id)
k run -d --bundle "$A" "$ida" >/dev/null 2>&1
hpid=$(pid_of "$ida")
J=$TMP/join
bundle_clone "$J" "$U"
bundle_set "$J" namespaces "[{\"type\": \"user\", \"path\": \"/proc/$hpid/ns/user\"},{\"type\": \"pid\"},{\"type\": \"mount\"},{\"type\": \"uts\"},{\"type\": \"ipc\"}]"
bundle_del "$J" uidMappings 2>/dev/null
sed -i '/"uidMappings"/d' "$J/config.json"
bundle_args "$J" '"/bin/sh","-c","/probe ids; readlink /proc/self/ns/user; echo init-pid-$$; cat /proc/self/uid_map"'
idj=$(new_id)
out=$(k run --bundle "$J" "$idj" 2>&1)
expect_match "joined user namespace: root inside" "$out" '^uid=0 gid=0'
expect_match "joined user namespace: the same one as the holder's" "$out" "^$(readlink /proc/$hpid/ns/user | sed 's/[][]/\\&/g')\$"
expect_match "joined user namespace: its own pid namespace inside it" "$out" "^init-pid-1\$"
expect_match "joined user namespace: the holder's mapping" "$out" "^ +0 +$HOSTID +65536$"
k delete --force "$ida" >/dev/null 2>&1

done_testing
