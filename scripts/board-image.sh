#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build the guest of a QEMU board:
#
#   scripts/board-image.sh BOARD OUT
#
# cross-builds keel and its test binaries with board/BOARD/defconfig in
# OUT/build, fetches or builds the kernel, busybox and bash
# (scripts/board-deps.sh, cached in $KEEL_BOARD_CACHE, default
# /var/cache/keel-board) and writes
#
#   OUT/kernel          the kernel image QEMU boots
#   OUT/initramfs.cpio.gz
#                       busybox, bash, board/init as /init, the modules the
#                       kernel needs for containers, keel, its .config, an
#                       allnoconfig keel (allno/keel), the probe, listener
#                       and unit test binaries, and test/, the man page, the
#                       Kconfig files, contrib/buildroot,
#                       scripts/mkbundle.sh and bench/board.sh below
#                       /opt/keel
set -euo pipefail

board=$1 out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${KEEL_BOARD_CACHE:-/var/cache/keel-board}

say() { printf '  %-7s %s\n' "$1" "$2"; }
die() { echo "board-image.sh: $*" >&2; exit 1; }

[ -f "$top/board/$board/defconfig" ] || die "no board/$board/defconfig"
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Modules the Debian kernels build as modules that the tests need.
modules="overlay squashfs loop veth cls_cgroup"

# --- keel, cross-built -------------------------------------------------------
b=$out/build
make -s -C "$top" O="$b" "${board}_defconfig" >/dev/null
make -C "$top" O="$b" -j"${JOBS:-2}" tests
# An allnoconfig keel for the same architecture, as "make check" has on the
# host (KEEL_ALLNO: 01-help, 12-features, 34-devices, 50-compiled-out): the
# allnoconfig answers with its architecture and compiler replaced by the
# board's.
a=$out/build-allno
make -s -C "$top" O="$a" allnoconfig >/dev/null
grep -Ev '^(# )?CONFIG_(ARCH|ARCH_[A-Z0-9_]+|CROSS_COMPILE)[= ]' "$a/.config" >"$a/.config.tmp"
cat "$top/board/$board/defconfig" >>"$a/.config.tmp"
mv "$a/.config.tmp" "$a/.config"
make -s -C "$top" O="$a" olddefconfig >/dev/null
make -s -C "$top" O="$a" -j"${JOBS:-2}" all

# --- kernel, busybox, bash ---------------------------------------------------
deps=$("$top/scripts/board-deps.sh" "$board" "$cache")
eval "$deps"
for v in KERNEL BUSYBOX BASH; do
	[ -f "${!v}" ] || die "$v=${!v} is missing"
done

# --- the initramfs tree --------------------------------------------------------
r=$out/root
rm -rf "$r"
mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,etc,root,lib/modules}
mkdir -p "$r"/opt/keel/{build/test/unit,scripts}
chmod 1777 "$r/tmp"
cp "$BUSYBOX" "$r/bin/busybox"
cp "$BASH" "$r/bin/bash"
chmod 0755 "$r/bin/busybox" "$r/bin/bash"
ln -s busybox "$r/bin/sh"
cp "$top/board/init" "$r/init"
chmod 0755 "$r/init"
mknod -m 600 "$r/dev/console" c 5 1
mknod -m 666 "$r/dev/null" c 1 3
date +%s >"$r/etc/build-time"
# Files the tests bind or open as ordinary host files.
echo keel-board >"$r/etc/hostname"
echo 'nameserver 127.0.0.1' >"$r/etc/resolv.conf"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' >"$r/etc/group"

# Modules with what they depend on, dependencies first (modules.dep lists
# them last-loaded-first).
: >"$r/lib/modules/load"
if [ -n "${MODULES:-}" ]; then
	dep=$MODULES/modules.dep
	[ -f "$dep" ] || die "no $dep"
	for m in $modules; do
		line=$(grep -E "(^|/)$m\.ko(\.[a-z]+)?:" "$dep" | head -n 1) || true
		if [ -z "$line" ]; then
			# Built in: nothing to load.
			continue
		fi
		set -- ${line/:/ }
		main=$1
		shift
		list=()
		for d in "$@"; do list=("$d" "${list[@]}"); done
		list+=("$main")
		for f in "${list[@]}"; do
			case $f in *.ko) ;; *) die "$f: compressed modules are not handled" ;; esac
			grep -qxF "${f##*/}" "$r/lib/modules/load" && continue
			cp "$MODULES/$f" "$r/lib/modules/"
			echo "${f##*/}" >>"$r/lib/modules/load"
		done
	done
fi

k=$r/opt/keel
cp "$b/keel" "$b/.config" "$k/"
mkdir -p "$k/allno"
cp "$a/keel" "$a/.config" "$k/allno/"	# 50-compiled-out reads the .config beside it
sed -n 's/^CONFIG_ARCH="\(.*\)"/\1/p' "$b/.config" >"$k/arch"
[ -s "$k/arch" ] || die "no CONFIG_ARCH in $b/.config"
cp "$b"/build/test/probe "$b"/build/test/listener "$k/build/test/"
cp "$b"/build/test/unit/*_test "$k/build/test/unit/"
cp -a "$top/test" "$k/"
rm -rf "$k/test/fuzz" "$k/test/unit" "$k"/test/*.c
cp "$top/scripts/mkbundle.sh" "$top/scripts/conf2h.awk" "$k/scripts/"
# The guests have no mksquashfs: 88-rootfs-images' read-only squashfs root,
# made here from the same bundle, with the board's busybox and probe.
KEEL=$b/keel BUILD=$b/build BUSYBOX=$BUSYBOX BUSYBOX_LIST=/bin/busybox KEEL_SRC=$top \
	bash "$top/test/integration/88-rootfs-images.sh" --image "$k/test/rootfs.sqfs" ||
	die "88-rootfs-images.sh --image: the squashfs image failed"
# Nor python3 and containers-common: 42-seccomp-profiles gets podman's
# default profile converted here for the board's architecture.
prof=/usr/share/containers/seccomp.json
if [ -r "$prof" ]; then
	case $(cat "$k/arch") in
	aarch64) sarch=SCMP_ARCH_AARCH64 ;;
	armv7) sarch=SCMP_ARCH_ARM ;;
	riscv64) sarch=SCMP_ARCH_RISCV64 ;;
	*) die "no seccomp architecture for $(cat "$k/arch")" ;;
	esac
	/usr/bin/python3 "$top/test/seccomp-oci.py" "$prof" $sarch >"$k/test/podman-seccomp.json"
	/usr/bin/python3 "$top/test/seccomp-oci.py" "$prof" $sarch CAP_SYS_CHROOT \
		>"$k/test/podman-seccomp-CAP_SYS_CHROOT.json"
fi
# What tests read from the source tree itself: the man page (01-help), the
# Kconfig files and the Buildroot tree (06-buildroot's checks of Config.in
# and keel.mk against Kconfig; its build steps skip without a cross gcc).
mkdir -p "$k/docs" "$k/contrib"
cp "$top/docs/keel.8" "$k/docs/"
cp -a "$top/contrib/buildroot" "$k/contrib/"
(cd "$top" && find . -maxdepth 2 -name Kconfig | cpio -pdm --quiet "$k")
mkdir -p "$k/bench"
cp "$top/bench/board.sh" "$k/bench/"

say CPIO "$out/initramfs.cpio.gz"
(cd "$r" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -6 >"$out/initramfs.cpio.gz.tmp"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
cp "$KERNEL" "$out/kernel"
du -h "$out/initramfs.cpio.gz" "$out/kernel" | sed 's/^/  /'
