#!/bin/sh
# Install the Debian packages keel's build, tests and demo need on the host.
# Idempotent: it asks apt only for what is missing.  Usage: host-packages.sh [ARCH...] [qemu-user] [bench] [board]
set -eu

pkgs="make gcc binutils file musl-tools musl-dev gperf dpkg-dev xz-utils python3-kconfiglib busybox-static squashfs-tools util-linux golang-github-containers-common"
# 90-podman and 91-containerd drive keel from the real engines.
pkgs="$pkgs podman conmon containerd"
# runc: "runc spec"'s bundle must run unchanged on keel (60-process)
pkgs="$pkgs runc"
# clang and its runtimes (libFuzzer, ASan, UBSan): make fuzz, and the
# sanitizer builds of the unit tests in make check.
pkgs="$pkgs clang libclang-rt-14-dev"
# 93-crash-recovery kills keel at each of its system calls (and make bench
# profiles them).
pkgs="$pkgs strace"
for arch in "$@"; do
	case $arch in
	# the kernel UAPI headers deps.sh copies into each sysroot come with the
	# cross libc6-dev, which --no-install-recommends leaves out: name them.
	x86_64) ;;
	aarch64) pkgs="$pkgs gcc-aarch64-linux-gnu linux-libc-dev-arm64-cross" ;;
	armv7) pkgs="$pkgs gcc-arm-linux-gnueabihf linux-libc-dev-armhf-cross" ;;
	# riscv64 with glibc's headers and static libraries too: the board's
	# busybox and bash are built from source (recommended only, hence named)
	riscv64) pkgs="$pkgs gcc-riscv64-linux-gnu linux-libc-dev-riscv64-cross libc6-dev-riscv64-cross" ;;
	# 06-buildroot runs its aarch64 keel under user-mode QEMU
	qemu-user) pkgs="$pkgs qemu-user-static" ;;
	# make bench: the runtimes keel is measured against, and the tools
	bench) pkgs="$pkgs crun runc hyperfine gnuplot-nox time" ;;
	# make board-check: QEMU, the initramfs, depmod for Debian's kernel
	# modules, and what the riscv64 kernel, busybox and bash builds need.
	board) pkgs="$pkgs qemu-system-arm qemu-system-misc cpio kmod gzip patch flex bison bc" ;;
	*) echo "host-packages.sh: unknown architecture '$arch'" >&2; exit 2 ;;
	esac
done

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" != 0 ]; then
	echo "host-packages.sh: need root to install:$missing" >&2
	exit 1
fi
echo "  APT     $missing"
# One architecture's index may be unreachable; what we need is usually
# still resolvable from the others, so do not stop on a failed update.
apt-get update -q >/dev/null 2>&1 || echo "host-packages.sh: apt-get update reported errors, continuing" >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null
