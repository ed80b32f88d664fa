#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Root filesystems as embedded images ship them: a read-only squashfs image
# (mounted by the test through a loop device) with tmpfs where the
# container must write, and overlay mounts (an overlay of the image with a
# writable upper layer, and a read-only stack of two lower layers).  Every
# case runs with pivot_root and with --no-pivot.
. "$(dirname "$0")/../lib.sh"
need_root

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
mkdir -p "$B/rootfs/run" "$B/rootfs/merged" "$B/rootfs/stack"
cat >"$B/rootfs/sq.sh" <<'SH'
touch /etc/x 2>/dev/null && echo root-rw || echo root-ro
echo hi >/tmp/f && cat /tmp/f
echo ok >/run/g && cat /run/g
/probe ids
awk '$5 == "/" { for (i = 7; $i != "-"; i++); print $6, $(i + 1) }' /proc/self/mountinfo
SH

# "88-rootfs-images.sh --image FILE": no tests, only the squashfs image of
# this bundle's rootfs.  scripts/board-image.sh makes it on the build host
# (with the board's busybox and probe) for the guests, which have no
# mksquashfs: there the test uses $KEEL_SRC/test/rootfs.sqfs.
if [ "${1:-}" = --image ]; then
	mksquashfs "$B/rootfs" "$2" -quiet -noappend -all-root >/dev/null
	exit
fi
PREBUILT=$KEEL_SRC/test/rootfs.sqfs

have_fs() { grep -qw "$1" /proc/filesystems; }

mkimage() {	# the image at $TMP/rootfs.sqfs
	if command -v mksquashfs >/dev/null; then
		mksquashfs "$B/rootfs" "$TMP/rootfs.sqfs" -quiet -noappend -all-root >/dev/null 2>&1
	else
		cp "$PREBUILT" "$TMP/rootfs.sqfs"
	fi
}

# --- squashfs -------------------------------------------------------------------
SQ=$TMP/sq
if ! command -v mksquashfs >/dev/null && ! [ -f "$PREBUILT" ]; then
	skip "squashfs rootfs" "mksquashfs not installed (scripts/host-packages.sh installs squashfs-tools)"
elif ! have_fs squashfs; then
	skip "squashfs rootfs" "the kernel has no squashfs"
elif ! mkimage; then
	fail "mksquashfs builds the image"
elif ! mkdir -p "$SQ" || ! mount -t squashfs -o loop,ro "$TMP/rootfs.sqfs" "$SQ"; then
	skip "squashfs rootfs" "cannot loop-mount the image (no loop devices?)"
else
	D=$TMP/sqb
	bundle_clone "$D" "$B"
	bundle_set "$D" root "{\"path\": \"$SQ\", \"readonly\": true}"
	bundle_insert "$D" mounts '{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid","nodev","mode=1777"]},
		{"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid","nodev","noexec","mode=755","size=1m"]}'
	bundle_args "$D" '"/bin/sh","/sq.sh"'
	for pivot in pivot no-pivot; do
		flags=()
		[ $pivot = no-pivot ] && flags=(--no-pivot)
		out=$(k run "${flags[@]}" --bundle "$D" "$(new_id)" 2>&1)
		expect_match "squashfs, $pivot: the container runs from the image" "$out" '^uid=0 '
		expect_match "squashfs, $pivot: / is the read-only squashfs" "$out" '^ro[^ ]* squashfs$'
		expect_match "squashfs, $pivot: the root cannot be written" "$out" '^root-ro$'
		expect_match "squashfs, $pivot: /tmp is a writable tmpfs" "$out" '^hi$'
		expect_match "squashfs, $pivot: /run is a writable tmpfs" "$out" '^ok$'
	done
	# A destination the image lacks cannot be made on a read-only image.
	D2=$TMP/sqb2
	bundle_clone "$D2" "$D"
	bundle_set "$D2" root "{\"path\": \"$SQ\", \"readonly\": true}"
	bundle_insert "$D2" mounts '{"destination": "/data", "type": "tmpfs", "source": "tmpfs"}'
	expect_create_fails "squashfs: a missing destination is a clear error" "$D2" \
		'mounts\[0\]\.destination: .*/data.*Read-only file system'
	expect_eq "squashfs: the image is unchanged" "$(ls "$SQ" | tr '\n' ' ')" "$(ls "$B/rootfs" | tr '\n' ' ')"
fi

# --- overlay ---------------------------------------------------------------------
if ! have_fs overlay; then
	skip "overlay mounts" "the kernel has no overlay file system"
else
	L1=$TMP/lower1 L2=$TMP/lower2 U=$TMP/upper W=$TMP/work
	mkdir -p "$L1" "$L2" "$U" "$W"
	echo one >"$L1/a"
	echo two >"$L2/b"
	echo lower >"$L1/shadowed"
	echo upper >"$L2/shadowed"
	D=$TMP/ovl
	bundle_clone "$D" "$B"
	bundle_insert "$D" mounts "{\"destination\": \"/merged\", \"type\": \"overlay\", \"source\": \"overlay\", \"options\": [\"lowerdir=$L1\", \"upperdir=$U\", \"workdir=$W\"]},
		{\"destination\": \"/stack\", \"type\": \"overlay\", \"source\": \"overlay\", \"options\": [\"lowerdir=$L2:$L1\", \"ro\"]}"
	for pivot in pivot no-pivot; do
		flags=()
		[ $pivot = no-pivot ] && flags=(--no-pivot)
		rm -rf "${U:?}"/* "${W:?}"/*
		bundle_args "$D" "\"/bin/sh\",\"-c\",\"cat /merged/a; echo new-$pivot > /merged/c; rm /merged/a; ls /merged | tr '\\\\n' ' '; echo; cat /stack/a /stack/b /stack/shadowed; touch /stack/x 2>/dev/null && echo stack-rw || echo stack-ro; grep ' /merged ' /proc/self/mountinfo | cut -d' ' -f9\""
		out=$(k run "${flags[@]}" --bundle "$D" "$(new_id)" 2>&1)
		expect_match "overlay, $pivot: the lower layer shows through" "$out" '^one$'
		expect_match "overlay, $pivot: /merged is an overlay mount" "$out" '^overlay$'
		expect_eq "overlay, $pivot: a write lands in the upper layer on the host" "$(cat "$U/c" 2>&1)" "new-$pivot"
		expect_eq "overlay, $pivot: the lower layer is untouched" "$(cat "$L1/a" 2>&1)" one
		expect_match "overlay, $pivot: a delete is a whiteout in the upper layer" \
			"$(stat -c %F "$U/a" 2>&1)" 'character special file'
		expect_match "overlay, $pivot: the container sees the delete" "$out" '^(shadowed c|c shadowed) $'
		expect_match "overlay, $pivot: two lower layers stack, the first on top" "$out" $'^one\ntwo\nupper$'
		expect_match "overlay, $pivot: a lowerdir-only overlay is read-only" "$out" '^stack-ro$'
	done
	D3=$TMP/ovlbad
	bundle_clone "$D3" "$B"
	bundle_insert "$D3" mounts "{\"destination\": \"/merged\", \"type\": \"overlay\", \"source\": \"overlay\", \"options\": [\"lowerdir=$TMP/nonexistent\"]}"
	# the kernel's errno: ENOENT since Linux 6.5's new mount API for
	# overlayfs, EINVAL before it (the 6.1 guests)
	expect_create_fails "overlay: a missing lowerdir is a clear error" "$D3" \
		'mounts\[0\]: mount overlay on /merged: (No such file or directory|Invalid argument)'
fi

# --- keel in a chroot ------------------------------------------------------------
# "/" is then not a mount point, so it cannot be made a slave and nothing
# could keep the container's mounts from propagating: refused, clearly, and
# nothing is left behind.  (A real initramfs root is a mount point; the QEMU
# boards run --no-pivot from one.)
H=$TMP/chroot
mkdir -p "$H/proc" "$H/run" "$H/tmp"
cp "$KEEL" "$H/keel"
# the sanitizer keel (make check SANITIZE=...) is dynamic: its libraries go along
if [ "${KEEL_SANITIZED:-0}" = 1 ]; then
	for l in $(ldd "$KEEL" | grep -o '/[^ ]*'); do cp -L --parents "$l" "$H"; done
fi
cp -a "$B" "$H/b"
out=$(unshare -m sh -c 'mount --make-rprivate / && mount -t proc proc "$0/proc" && exec chroot "$0" /keel --root /run/keel run --no-pivot --bundle /b c1' "$H" 2>&1)
expect_match "in a chroot: a clear error" "$out" '^keel: make / a slave mount \(/ is not a mount point: keel runs in a chroot\?\): Invalid argument$'
expect_eq "in a chroot: nothing left in the state dir" "$(ls -A "$H/run/keel" 2>&1)" ""

done_testing
