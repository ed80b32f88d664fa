#!/bin/bash
# SPDX-License-Identifier: MIT
#
# ID-mapped mounts ("idmap", "ridmap", mounts[].uidMappings/gidMappings):
# a host directory with files of known owners, bound into containers with
# and without a user namespace, seen from inside (busybox stat, mountinfo)
# and from the host (owners of the files made through the mount).  Every
# positive case runs with pivot_root and with --no-pivot.
. "$(dirname "$0")/../lib.sh"
need_root

if ! config_has CONFIG_MOUNT_IDMAP; then
	echo "1..0 # SKIP keel built without CONFIG_MOUNT_IDMAP (50-compiled-out checks the refusal)"
	exit 0
fi
if ! unshare --user true 2>/dev/null; then
	echo "1..0 # SKIP this host refuses to create user namespaces (unshare --user fails)"
	exit 0
fi

HOSTID=100000
chmod 0711 "$TMP"
B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
B=$(realpath "$B")
# U: the same rootfs in a user namespace, root inside = $HOSTID outside
U=$TMP/userns
bundle_clone "$U" "$B"
chown -R "$HOSTID:$HOSTID" "$B/rootfs"
bundle_set "$U" namespaces '[{"type": "pid"},{"type": "mount"},{"type": "uts"},{"type": "ipc"},{"type": "user"}]'
bundle_insert "$U" linux "\"uidMappings\": [{\"containerID\": 0, \"hostID\": $HOSTID, \"size\": 65536}], \"gidMappings\": [{\"containerID\": 0, \"hostID\": $HOSTID, \"size\": 65536}]"

# The source: owned by 1000 (the mounts below map 1000.. to the container's
# root), a file of 1001:1002, one of root's (outside every mount mapping),
# and a tmpfs submount with a file of 1003.  The source is a shared mount
# so that a missing "slave" would let container mounts reach the host.
src=$TMP/src
mkdir -p "$src"
mount --bind "$src" "$src" && mount --make-shared "$src"
chown 1000:1000 "$src"
touch "$src/a" "$src/b" "$src/r"
chown 1000:1000 "$src/a"
chown 1001:1002 "$src/b"
mkdir "$src/sub"
if ! mount -t tmpfs -o uid=1000,gid=1000,mode=0755 idmap-sub "$src/sub"; then
	fail "tmpfs submount for the ridmap tests"
	done_testing
fi
touch "$src/sub/s"
chown 1003:1003 "$src/sub/s"
# A kernel difference, asked of the kernel without keel: tmpfs (the guests'
# /tmp) supports id-mapped mounts only since Linux 6.3.
for d in "$src" "$src/sub"; do
	ok=$("$PROBE" idmap-ok "$d" 2>&1)
	if [ "$ok" != yes ]; then
		umount "$src/sub" "$src" 2>/dev/null
		echo "1..0 # SKIP $(fstype "$d") at $d cannot be id-mapped on this kernel ($(uname -r)): $ok"
		exit 0
	fi
done
# src0: owned by root, for mounts that take the container's own mapping
src0=$TMP/src0
mkdir -p "$src0"
touch "$src0/z" "$src0/f"
chown 5:6 "$src0/f"
chown 200000:200000 "$src0/z"

maps() {	# maps CONTAINER-ID HOST-ID SIZE: uidMappings and gidMappings members
	local m="[{\"containerID\": $1, \"hostID\": $2, \"size\": $3}]"
	echo "\"uidMappings\": $m, \"gidMappings\": $m"
}
mnt() {		# mnt SOURCE 'OPTIONS' ['MAPPINGS'] -> a mounts[] member at /mnt
	echo "{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"$1\", \"options\": [$2]${3:+, $3}}"
}

# inside BASE MOUNT ARGS [RUN-ARGS...]: run in the foreground, print
# stdout; stderr in $TMP/err, status in $TMP/rc.
inside() {
	local base=$1 m=$2 args=$3 d=$TMP/b-$RANDOM$RANDOM id rc
	shift 3
	bundle_clone "$d" "$base"
	bundle_insert "$d" mounts "$m"
	bundle_args "$d" "$args"
	id=$(new_id)
	k run "$@" --bundle "$d" "$id" 2>"$TMP/err"; rc=$?
	echo $rc >"$TMP/rc"
	[ $rc = 0 ] || diag "stderr: $(cat "$TMP/err")"
	return $rc
}
line() {	# line TEXT PREFIX: the rest of the first line starting with PREFIX
	printf '%s\n' "$1" | sed -n "s|^$2||p" | head -1
}
owner() {
	stat -c %u:%g "$1" 2>&1
}

look='stat -c %n=%u:%g /mnt/a /mnt/b /mnt/r /mnt/sub/s; grep -E \" /mnt(/sub)? \" /proc/self/mountinfo | cut -d\" \" -f5,6'

for mode in pivot no-pivot; do
	flag=
	[ $mode = no-pivot ] && flag=--no-pivot
	t="[$mode]"

	# --- idmap: the top mount only -------------------------------------------------
	out=$(inside "$U" "$(mnt "$src" '"rbind","idmap"' "$(maps 1000 $HOSTID 10)")" \
		"\"/bin/sh\",\"-c\",\"$look; touch /mnt/new-$mode && echo made; touch /mnt/sub/no-$mode 2>/dev/null || echo sub-refused\"" $flag)
	expect_rc "$t idmap: run exits 0" "$(cat "$TMP/rc")" 0
	expect_eq "$t idmap: 1000 on disk is the container's root" "$(line "$out" /mnt/a=)" 0:0
	expect_eq "$t idmap: 1001:1002 on disk shows as 1:2" "$(line "$out" /mnt/b=)" 1:2
	expect_eq "$t idmap: an id outside the mapping shows as the overflow id" "$(line "$out" /mnt/r=)" 65534:65534
	expect_eq "$t idmap: the submount is not mapped" "$(line "$out" /mnt/sub/s=)" 65534:65534
	expect_match "$t idmap: the mount is idmapped" "$out" '^/mnt [^ ]*idmapped'
	expect_match "$t idmap: the submount came along (rbind)" "$out" '^/mnt/sub '
	expect_nomatch "$t idmap: the submount is not idmapped" "$out" '^/mnt/sub [^ ]*idmapped'
	expect_eq "$t idmap: a file made by the container's root is 1000:1000 on the host" \
		"$(owner "$src/new-$mode")" 1000:1000
	expect_match "$t idmap: the unmapped submount refuses writes" "$out" '^sub-refused$'

	# --- ridmap: every mount of the rbind ------------------------------------------
	out=$(inside "$U" "$(mnt "$src" '"rbind","ridmap"' "$(maps 1000 $HOSTID 10)")" \
		"\"/bin/sh\",\"-c\",\"$look; touch /mnt/sub/new-$mode && echo made\"" $flag)
	expect_rc "$t ridmap: run exits 0" "$(cat "$TMP/rc")" 0
	expect_eq "$t ridmap: the top is mapped" "$(line "$out" /mnt/a=)" 0:0
	expect_eq "$t ridmap: the submount is mapped too (1003 -> 3)" "$(line "$out" /mnt/sub/s=)" 3:3
	expect_match "$t ridmap: the submount is idmapped" "$out" '^/mnt/sub [^ ]*idmapped'
	expect_eq "$t ridmap: a file made in the submount is 1000:1000 on the host" \
		"$(owner "$src/sub/new-$mode")" 1000:1000

	# --- mappings without the option: idmap -----------------------------------------
	out=$(inside "$U" "$(mnt "$src" '"rbind"' "$(maps 1000 $HOSTID 10)")" \
		"\"/bin/sh\",\"-c\",\"$look\"" $flag)
	expect_rc "$t mappings alone: run exits 0" "$(cat "$TMP/rc")" 0
	expect_eq "$t mappings alone: the mount is mapped" "$(line "$out" /mnt/b=)" 1:2
	expect_nomatch "$t mappings alone: as idmap, not ridmap" "$out" '^/mnt/sub [^ ]*idmapped'

	# --- the option alone: the container's own mapping ----------------------------
	out=$(inside "$U" "$(mnt "$src0" '"bind","idmap"')" \
		"\"/bin/sh\",\"-c\",\"stat -c %n=%u:%g /mnt/f /mnt/z; touch /mnt/own-$mode\"" $flag)
	expect_rc "$t idmap without mappings: run exits 0" "$(cat "$TMP/rc")" 0
	expect_eq "$t idmap without mappings: 5:6 on disk is 5:6 inside" "$(line "$out" /mnt/f=)" 5:6
	expect_eq "$t idmap without mappings: $HOSTID+ on disk is unmapped" "$(line "$out" /mnt/z=)" 65534:65534
	expect_eq "$t idmap without mappings: the container's root writes as 0:0" \
		"$(owner "$src0/own-$mode")" 0:0

	# --- no user namespace: host root is 1000 on disk -------------------------------
	out=$(inside "$B" "$(mnt "$src" '"rbind","idmap"' "$(maps 1000 0 10)")" \
		"\"/bin/sh\",\"-c\",\"$look; touch /mnt/host-$mode\"" $flag)
	expect_rc "$t no user namespace: run exits 0" "$(cat "$TMP/rc")" 0
	expect_eq "$t no user namespace: 1000 on disk shows as 0" "$(line "$out" /mnt/a=)" 0:0
	expect_eq "$t no user namespace: 1001:1002 shows as 1:2" "$(line "$out" /mnt/b=)" 1:2
	expect_eq "$t no user namespace: root 0 on disk is unmapped" "$(line "$out" /mnt/r=)" 65534:65534
	expect_eq "$t no user namespace: a file made by root is 1000:1000 on the host" \
		"$(owner "$src/host-$mode")" 1000:1000
done

# --- a file, not a directory --------------------------------------------------------
out=$(inside "$U" "{\"destination\": \"/etc/b\", \"type\": \"bind\", \"source\": \"$src/b\", \"options\": [\"bind\", \"idmap\"], $(maps 1000 $HOSTID 10)}" \
	'"/bin/sh","-c","stat -c %n=%u:%g:%F /etc/b"')
expect_rc "a file: run exits 0" "$(cat "$TMP/rc")" 0
expect_eq "a file: bound as a file, mapped" "$(line "$out" /etc/b=)" "1:2:regular empty file"

# --- mount options on top, and propagation ------------------------------------------
out=$(inside "$U" "$(mnt "$src" '"rbind","idmap","ro","nosuid"' "$(maps 1000 $HOSTID 10)")" \
	'"/bin/sh","-c","touch /mnt/ro 2>/dev/null && echo rw || echo ro; grep \" /mnt \" /proc/self/mountinfo"')
expect_rc "idmap,ro: run exits 0" "$(cat "$TMP/rc")" 0
expect_match "idmap,ro: the mount is read-only" "$out" '^ro$'
expect_match "idmap,ro: read-only, nosuid and idmapped" "$out" ' /mnt ro,nosuid,[^ ]*idmapped'

# A container mount below the id-mapped one must not show up on the host,
# although the source is a shared mount (keel makes the copy a slave; some
# kernels already hand open_tree's copy over as one).
S=$TMP/prop
bundle_clone "$S" "$U"
bundle_insert "$S" mounts "$(mnt "$src" '"rbind","idmap"' "$(maps 1000 $HOSTID 10)")"
bundle_args "$S" '"/bin/sh","-c","mount -t tmpfs idmap-inner /mnt/sub && touch /tmp/mounted; exec /probe sleep 1000"'
id=$(new_id prop)
k run -d --bundle "$S" "$id" >/dev/null 2>"$TMP/err"; rc=$?
expect_rc "propagation: run -d exits 0" $rc 0
if wait_file "$B/rootfs/tmp/mounted" 10; then
	ok "propagation: the container mounted below /mnt"
	expect_nomatch "propagation: the host does not see it" \
		"$(grep idmap-inner /proc/self/mountinfo)" 'idmap-inner'
else
	fail "propagation: the container mounted below /mnt" "$(cat "$TMP/err")"
	skip "propagation: the host does not see it" "the container could not mount"
fi
k delete --force "$id" >/dev/null 2>&1
rm -f "$B/rootfs/tmp/mounted"

# --- a user namespace joined by path: its mapping -------------------------------------
H=$TMP/holder
bundle_clone "$H" "$U"
bundle_args "$H" '"/probe","sleep","60"'
idh=$(new_id holder)
k run -d --bundle "$H" "$idh" >/dev/null 2>&1
hpid=$(pid_of "$idh")
J=$TMP/join
bundle_clone "$J" "$U"
bundle_set "$J" namespaces "[{\"type\": \"user\", \"path\": \"/proc/$hpid/ns/user\"},{\"type\": \"pid\"},{\"type\": \"mount\"},{\"type\": \"uts\"},{\"type\": \"ipc\"}]"
sed -i '/"uidMappings"/d' "$J/config.json"
out=$(inside "$J" "$(mnt "$src0" '"bind","idmap"')" '"/bin/sh","-c","stat -c %n=%u:%g /mnt/f"')
expect_rc "joined user namespace: run exits 0" "$(cat "$TMP/rc")" 0
expect_eq "joined user namespace: idmap takes its mapping" "$(line "$out" /mnt/f=)" 5:6
k delete --force "$idh" >/dev/null 2>&1

# --- bad input: one clear line, nothing left behind -----------------------------------
bad() {		# bad NAME BASE MOUNT REGEX
	local d=$TMP/bad-$RANDOM$RANDOM
	bundle_clone "$d" "$2"
	bundle_insert "$d" mounts "$3"
	expect_create_fails "$1" "$d" "$4"
}
bad "size 0" "$U" "$(mnt "$src" '"bind","idmap"' "$(maps 1000 $HOSTID 0)")" \
	'mounts\[0\]\.uidMappings\[0\]\.size: must be at least 1'
bad "a range past the id space" "$U" "$(mnt "$src" '"bind"' "$(maps 4294967290 $HOSTID 10)")" \
	'mounts\[0\]\.uidMappings\[0\]: the range goes past'
bad "overlapping ranges (the kernel refuses)" "$U" "$(mnt "$src" '"bind","idmap"' \
	'"uidMappings": [{"containerID": 1000, "hostID": 100000, "size": 10}, {"containerID": 1005, "hostID": 200000, "size": 10}], "gidMappings": [{"containerID": 1000, "hostID": 100000, "size": 10}]')" \
	'mounts\[0\]\.uidMappings: write .*Invalid argument'
bad "uidMappings without gidMappings" "$U" \
	"$(mnt "$src" '"bind","idmap"' '"uidMappings": [{"containerID": 1000, "hostID": 100000, "size": 10}]')" \
	'mounts\[0\]\.gidMappings: required with uidMappings'
bad "a source that does not exist" "$U" "$(mnt "$TMP/nonexistent" '"bind","idmap"' "$(maps 1000 $HOSTID 10)")" \
	'mounts\[0\]\.source: .*No such file or directory'
bad "idmap without mappings or a user namespace" "$B" "$(mnt "$src" '"bind","idmap"')" \
	'mounts\[0\]: "idmap" without uidMappings and gidMappings takes the container.s user namespace'
bad "idmap on a tmpfs (not a bind mount)" "$U" \
	'{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["idmap"]}' \
	'mounts\[0\]: only bind mounts can be id-mapped'
bad "a filesystem without id-mapped mounts (procfs)" "$U" \
	"$(mnt /proc/sys '"bind","idmap"' "$(maps 1000 $HOSTID 10)")" \
	'mounts\[0\]: /proc/sys cannot be id-mapped'

umount "$src/sub" "$src" 2>/dev/null
done_testing
