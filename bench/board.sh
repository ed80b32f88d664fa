#!/bin/bash
# SPDX-License-Identifier: MIT
#
# keel against the kernel's floor inside a QEMU board guest (board/init runs
# it when the kernel command line has keel_bench=N; "make board-bench"):
#
#   bench/board.sh KEEL MKBUNDLE N ROUNDS
#
# The same bundle as bench/run.sh (busybox rootfs, "keel spec"'s default
# config running /bin/true, root writable, no terminal).  Each round times a
# sequential "keel run" of N containers and N runs of the floor (unshare
# into new mount, uts, ipc, net and pid namespaces, chroot, exec /bin/true),
# alternating so that a slow moment of the host hits both alike.  There is
# no hyperfine in the guest: bash's $EPOCHREALTIME gives the wall time.
# Prints, each on a line starting with "keel-bench: ",
#
#   containers N
#   keel MS MS ...        one figure per round, milliseconds for N runs
#   keel-ro MS MS ...     the same keel from a read-only bind mount
#   floor MS MS ...
#
# which scripts/board-bench.sh turns into $KEEL_OUT/bench/board-<arch>.txt.
set -u

KEEL=$(realpath "$1") MKBUNDLE=$2 N=${3:-20} ROUNDS=${4:-5}
W=$(mktemp -d /tmp/keel-bench.XXXXXX)
B=$W/bundle

out() { echo "keel-bench: $*"; }
die() { out "error $*"; exit 1; }

"$MKBUNDLE" "$B" >/dev/null || die "mkbundle.sh failed"
(cd "$B" && rm -f config.json && "$KEEL" spec) || die "keel spec failed"
sed -i -e 's/"terminal": true/"terminal": false/' -e 's/"readonly": true/"readonly": false/' \
	-e 's|^\( *\)"sh"$|\1"/bin/true"|' "$B/config.json"
grep -q '"/bin/true"' "$B/config.json" || die "cannot set process.args in keel spec's config"

# The same keel on a read-only bind mount, as a board runs it from a
# squashfs or read-only root: it then skips the sealed memfd copy
# (lib/selfexec.c), which under TCG costs more than the copy itself: code
# on fresh pages is translated anew on every run.
mkdir -p "$W/ro"
cp "$KEEL" "$W/ro/keel"
mount --bind "$W/ro" "$W/ro" && mount -o remount,bind,ro "$W/ro" || die "no read-only bind mount"
KEEL_RO=$W/ro/keel

floor() {
	unshare -m -u -i -n -p -f chroot "$B/rootfs" /bin/true
}
keel_seq() {	# keel_seq [BINARY]
	local i
	for ((i = 0; i < N; i++)); do
		"${1:-$KEEL}" --root "$W/root" run --bundle "$B" "b$i" >/dev/null || return
	done
}
floor_seq() {
	local i
	for ((i = 0; i < N; i++)); do
		floor || return
	done
}
# ms CMD...: CMD's wall time in milliseconds.
ms() {
	local t0=$EPOCHREALTIME t1
	"$@" || return
	t1=$EPOCHREALTIME
	echo $(((${t1/./} - ${t0/./}) / 1000))
}

"$KEEL" --root "$W/root" run --bundle "$B" warm >/dev/null || die "keel cannot run the bundle"
floor || die "the floor command fails"

k=() f=() kr=()
for ((r = 0; r < ROUNDS; r++)); do
	t=$(ms keel_seq) || die "keel run failed in round $r"
	k+=("$t")
	t=$(ms keel_seq "$KEEL_RO") || die "keel run (read-only binary) failed in round $r"
	kr+=("$t")
	t=$(ms floor_seq) || die "the floor failed in round $r"
	f+=("$t")
done
out "containers $N"
out "keel ${k[*]}"
out "keel-ro ${kr[*]}"
out "floor ${f[*]}"
umount "$W/ro"
rm -rf "$W"
