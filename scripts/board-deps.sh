#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The guest parts of a QEMU board that do not come from keel's tree:
#
#   scripts/board-deps.sh BOARD CACHE
#
# fills CACHE (default of the callers: /var/cache/keel-board) with a kernel,
# its modules, a static busybox and a static bash for BOARD, each in a
# directory named after the Debian version it came from, so a second run only
# checks stamps.  Prints the shell assignments KERNEL=, MODULES=, BUSYBOX=,
# BASH= (absolute paths; MODULES is empty when the kernel has everything
# built in) for the caller to eval.
#
#   qemu-aarch64  Debian arm64: linux-image-arm64's kernel, busybox-static,
#                 bash-static
#   qemu-armv7    Debian armhf: linux-image-armmp's kernel, busybox-static,
#                 bash-static
#   qemu-riscv64  bookworm has no riscv64 port: a kernel built from
#                 linux-source-6.1 with board/qemu-riscv64/kernel.config,
#                 busybox and bash built from their Debian sources with
#                 gcc-riscv64-linux-gnu (static glibc)
#
# Debian packages of other architectures are fetched with a private apt state
# below CACHE: the host's apt configuration is never changed.
#
#   scripts/board-deps.sh BOARD CACHE [PART...]
#
# builds only the named parts (qemu-riscv64: kernel, busybox, bash), so that
# one recipe can be proven from an empty CACHE on its own.  Each cache entry
# is keyed by the Debian version it came from and by a hash of its recipe
# (the shell functions that make it, the compiler, the kernel fragment): a
# changed recipe builds anew instead of reusing what the old one left.
set -eu

# Run from keel's make (make board-check), the environment carries keel's
# MAKEFLAGS: -rR (no built-in rules, which Kbuild wants) and the jobserver.
# Third-party Makefiles are not written for that: bash's relies on make's
# built-in suffix list for its .c.o rule, so under -r its generated
# syntax.c never becomes syntax.o ("No rule to make target 'syntax.o'").
# Every build below gets a make of its own, with its own -j.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS

board=$1 cache=$2
shift 2
parts=$*
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

say() { printf '  %-7s %s\n' "$1" "$2" >&2; }
die() { echo "board-deps.sh: $*" >&2; exit 1; }

# recipe FUNCTION... [-- FILE...]: 12 hex digits over the text of the shell
# functions that build a cache entry and the files they read, for its key.
recipe() {
	{
		while [ $# -gt 0 ] && [ "$1" != -- ]; do declare -f "$1"; shift; done
		[ $# -gt 0 ] && shift && cat "$@"
		true
	} | sha256sum | cut -c1-12
}

mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# apt_private DEBARCH: a private apt state for DEBARCH's binary packages and
# the deb-src lines of the host's sources; sets $apt_args.
apt_private() {
	local a=$1 d=$cache/apt-$1 f
	mkdir -p "$d/parts" "$d/lists/partial" "$d/cache/archives/partial"
	: >"$d/status"
	if [ ! -f "$d/updated" ] || [ -n "$(find "$d/updated" -mmin +1440)" ]; then
		rm -f "$d/parts/"*
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			sed 's/^Types:.*/Types: deb deb-src/' "$f" >"$d/parts/${f##*/}"
		done
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -f "$f" ] || continue
			sed -n 's/^[[:space:]]*deb[[:space:]]/deb /p; s/^[[:space:]]*deb[[:space:]]/deb-src /p' \
				"$f" >"$d/parts/src-${f##*/}.list"
		done
	fi
	apt_args=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$d/parts"
		-o Dir::State::Lists="$d/lists" -o Dir::State::status="$d/status"
		-o Dir::Cache="$d/cache" -o Dir::Etc::Preferences=/dev/null
		-o Dir::Etc::PreferencesParts=/dev/null
		-o APT::Architecture="$a" -o APT::Architectures="$a"
		-o APT::Sandbox::User=root -q)
	if [ ! -f "$d/updated" ] || [ -n "$(find "$d/updated" -mmin +1440)" ]; then
		say APT "update (private state for $a)"
		# A failed index (a mirror mid-sync) is retried on the next run.
		if apt-get "${apt_args[@]}" update >"$d/update.log" 2>&1; then
			touch "$d/updated"
		else
			echo "board-deps.sh: apt-get update had errors (see $d/update.log), continuing" >&2
		fi
	fi
}

# pkg_version PKG: the candidate version in the private state.
pkg_version() {
	apt-cache "${apt_args[@]}" show --no-all-versions "$1" 2>/dev/null |
		sed -n 's/^Version: //p' | head -n 1
}

# The same, fit for a directory name (no epoch colon).
pkg_key() {
	pkg_version "$1" | tr ':' '_'
}

# deb_unpack PKG DEST: download PKG's .deb and unpack it into DEST.
deb_unpack() {
	local pkg=$1 dest=$2 tmp
	tmp=$(mktemp -d "$cache/dl.XXXXXX")
	say FETCH "$pkg ($(pkg_version "$pkg"))"
	(cd "$tmp" && apt-get "${apt_args[@]}" download "$pkg" >"$tmp/log" 2>&1) ||
		{ cat "$tmp/log" >&2; rm -rf "$tmp"; die "apt-get download $pkg failed"; }
	mkdir -p "$dest"
	dpkg-deb -x "$tmp"/*.deb "$dest"
	rm -rf "$tmp"
}

# src_unpack PKG DEST: Debian's source package PKG, unpacked into DEST.
src_unpack() {
	local pkg=$1 dest=$2 tmp
	tmp=$(mktemp -d "$cache/dl.XXXXXX")
	say FETCH "$pkg (Debian source)"
	(cd "$tmp" && apt-get "${apt_args[@]}" source --download-only "$pkg" >"$tmp/log" 2>&1) ||
		{ cat "$tmp/log" >&2; rm -rf "$tmp"; die "apt-get source $pkg failed"; }
	rm -rf "$dest"
	# dpkg-source copies the orig tarball beside DEST
	mkdir -p "${dest%/*}"
	dpkg-source --no-check -x "$tmp"/*.dsc "$dest" >"$tmp/x.log" 2>&1 ||
		{ cat "$tmp/x.log" >&2; rm -rf "$tmp"; die "dpkg-source -x $pkg failed"; }
	rm -rf "$tmp" "${dest%/*}/${pkg}_"*.orig.tar.*
}

# metapackage_target META: the linux-image-<abi>-<flavour> package the
# metapackage META depends on (never hard-coded: it changes with each ABI).
metapackage_target() {
	apt-cache "${apt_args[@]}" show --no-all-versions "$1" |
		sed -n 's/^Depends: //p' | tr ',' '\n' | sed 's/^ *//; s/ .*//' |
		grep -E '^linux-image-[0-9]' | head -n 1
}

# debian_board DEBARCH META: kernel, modules, busybox-static and bash-static
# from Debian DEBARCH.
debian_board() {
	local a=$1 meta=$2 kpkg kver rev d bb bash
	apt_private "$a"
	kpkg=$(metapackage_target "$meta")
	[ -n "$kpkg" ] || die "cannot resolve $meta's kernel package (see $cache/apt-$a/update.log)"
	kver=$(pkg_key "$kpkg")
	rev=$(recipe debian_board deb_unpack)
	d=$cache/$a/$kpkg-$kver-$rev
	if [ ! -f "$d/.done" ]; then
		rm -rf "$d"
		deb_unpack "$kpkg" "$d"
		# The package leaves modules.dep to its postinst.
		depmod -b "$d" "$(ls "$d/lib/modules")" ||
			die "depmod failed (kmod is in scripts/host-packages.sh)"
		touch "$d/.done"
	fi
	echo "KERNEL=$(ls "$d"/boot/vmlinuz-* | head -n 1)"
	echo "MODULES=$(ls -d "$d"/lib/modules/* | head -n 1)"
	bb=$cache/$a/busybox-static-$(pkg_key busybox-static)-$rev
	if [ ! -f "$bb/.done" ]; then
		rm -rf "$bb"
		deb_unpack busybox-static "$bb"
		touch "$bb/.done"
	fi
	echo "BUSYBOX=$bb/bin/busybox"
	bash=$cache/$a/bash-static-$(pkg_key bash-static)-$rev
	if [ ! -f "$bash/.done" ]; then
		rm -rf "$bash"
		deb_unpack bash-static "$bash"
		touch "$bash/.done"
	fi
	echo "BASH=$bash/bin/bash-static"
}

# --- riscv64: built from Debian sources -------------------------------------
cross=riscv64-linux-gnu-

riscv_kernel() {
	local frag=$top/board/qemu-riscv64/kernel.config v src d b sum
	v=$(pkg_key linux-source-6.1)
	[ -n "$v" ] || die "no linux-source-6.1 in the package lists"
	src=$cache/riscv64/linux-source-$v
	if [ ! -f "$src/.done" ]; then
		rm -rf "$src"
		deb_unpack linux-source-6.1 "$src.deb"
		say UNPACK "linux-source-6.1 $v"
		mkdir -p "$src"
		tar -C "$src" --strip-components=1 -xaf "$src.deb"/usr/src/linux-source-6.1.tar.xz
		rm -rf "$src.deb"
		touch "$src/.done"
	fi
	# Keyed by the source version, this recipe, the compiler and the
	# config fragment.
	sum=$( (${cross}gcc --version | head -n 1; recipe riscv_kernel -- "$frag") | sha256sum | cut -c1-12)
	d=$cache/riscv64/kernel-$v-$sum
	if [ ! -f "$d/Image" ]; then
		b=$cache/riscv64/kbuild-$v
		say KERNEL "riscv64 $v (about 8 minutes on 2 idle cores; log: $b.log)"
		mkdir -p "$b"
		{
			make -C "$src" O="$b" ARCH=riscv CROSS_COMPILE=$cross tinyconfig &&
			"$src/scripts/kconfig/merge_config.sh" -m -O "$b" "$b/.config" "$frag" &&
			make -C "$src" O="$b" ARCH=riscv CROSS_COMPILE=$cross olddefconfig &&
			make -C "$src" O="$b" ARCH=riscv CROSS_COMPILE=$cross -j"$jobs" Image
		} >"$b.log" 2>&1 || die "riscv64 kernel build failed (see $b.log)"
		# Every option of the fragment must have survived olddefconfig.
		grep -E '^CONFIG_[A-Z0-9_]+=y' "$frag" | while read -r l; do
			grep -qx "$l" "$b/.config" || echo "board-deps.sh: warning: $l did not stick" >&2
		done
		mkdir -p "$d"
		cp "$b/arch/riscv/boot/Image" "$b/.config" "$d/"
		rm -rf "$b"
	fi
	echo "KERNEL=$d/Image"
	echo "MODULES="
}

riscv_busybox() {
	local v src d b
	v=$(pkg_key busybox)
	d=$cache/riscv64/busybox-$v-$( (${cross}gcc --version | head -n 1; recipe riscv_busybox) |
		sha256sum | cut -c1-12)
	if [ ! -x "$d/busybox" ]; then
		b=$cache/riscv64/busybox-build
		src_unpack busybox "$b"
		say BUSYBOX "riscv64 $v (log: $b.log)"
		# Debian's own configuration of busybox-static.
		cp "$b/debian/config/pkg/static" "$b/.config"
		(cd "$b" &&
			{ yes "" | make CROSS_COMPILE=$cross oldconfig >/dev/null; } &&
			make CROSS_COMPILE=$cross -j"$jobs" busybox) >"$b.log" 2>&1 ||
			die "busybox build failed (see $b.log)"
		mkdir -p "$d"
		cp "$b/busybox" "$d/busybox"
		rm -rf "$b"
	fi
	echo "BUSYBOX=$d/busybox"
}

riscv_bash() {
	local v d b n
	v=$(pkg_key bash)
	d=$cache/riscv64/bash-$v-$( (${cross}gcc --version | head -n 1; recipe riscv_bash) |
		sha256sum | cut -c1-12)
	if [ ! -x "$d/bash" ]; then
		b=$cache/riscv64/bash-build
		src_unpack bash "$b"
		# The source built: Debian's bash source package, format 3.0
		# (quilt), whose dpkg-source -x above unpacked upstream's
		# bash_*.orig.tar.* and applied every patch of debian/patches
		# (a patch that does not apply fails dpkg-source, so the
		# build).  Anything else is not the source this recipe knows.
		grep -qx '3.0 (quilt)' "$b/debian/source/format" 2>/dev/null ||
			die "bash: Debian source is not format 3.0 (quilt) (see $b/debian/source)"
		n=$(grep -cEv '^[[:space:]]*(#|$)' "$b/debian/patches/series")
		[ "$n" = "$(wc -l <"$b/.pc/applied-patches")" ] ||
			die "bash: $n patches in debian/patches/series, not all applied"
		say BASH "riscv64 $v, static: Debian source $(dpkg-parsechangelog -l "$b/debian/changelog" -S Version), upstream ${v%%-*} + $n Debian patches (log: $b.log)"
		(set -e
		cd "$b"
		./configure --host=riscv64-linux-gnu --enable-static-link --without-bash-malloc \
			--disable-nls --without-curses CC=${cross}gcc CFLAGS="-Os" \
			bash_cv_getcwd_malloc=yes bash_cv_func_sigsetjmp=present \
			bash_cv_job_control_missing=present bash_cv_sys_named_pipes=present \
			bash_cv_unusable_rtsigs=no
		# bash's Makefile enters builtins/ from several rules at once
		# (libbuiltins.a, builtext.h, pipesize.h, common.o), each a
		# make of its own with "-j" forced through $(MFLAGS): under -j
		# two of them can generate the same files together.  Make the
		# generated sources and builtins/ serially, the rest in parallel.
		make -j1 syntax.c ./builtins/builtext.h ./builtins/libbuiltins.a
		make -j"$jobs"
		cp bash "$b/bash.out") >"$b.log" 2>&1 || die "bash build failed (see $b.log)"
		mkdir -p "$d"
		cp "$b/bash.out" "$d/bash"
		${cross}strip "$d/bash"
		rm -rf "$b"
	fi
	echo "BASH=$d/bash"
}

case $board in
qemu-aarch64) debian_board arm64 linux-image-arm64 ;;
qemu-armv7) debian_board armhf linux-image-armmp ;;
qemu-riscv64)
	# linux-source-6.1 is arch all, the sources are the same for all.
	apt_private arm64
	for part in ${parts:-kernel busybox bash}; do
		case $part in
		kernel|busybox|bash) riscv_$part ;;
		*) die "unknown part '$part' (kernel, busybox, bash)" ;;
		esac
	done
	;;
*) die "unknown board '$board'" ;;
esac
