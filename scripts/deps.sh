#!/bin/sh
# Build keel's three dependencies from Debian source packages into a
# per-architecture sysroot:
#
#   musl       (cross targets only; x86_64 uses Debian's musl-dev)
#   cJSON      -> $SYSROOT/lib/libcjson.a, include/cjson/cJSON.h
#   libseccomp -> $SYSROOT/lib/libseccomp.a, include/seccomp.h
#
# plus the kernel UAPI headers from linux-libc-dev(-<arch>-cross) and a gcc
# specs file ($SYSROOT/keel.specs) that makes "<cross>gcc -specs=..." a
# static musl compiler.  Each step leaves a stamp naming the Debian version
# it built, so a second run does nothing.
#
# usage: deps.sh ARCH SYSROOT DLDIR WORKDIR [CROSS_COMPILE]
set -eu

# Run from keel's make, the environment carries its MAKEFLAGS (-rR, the
# jobserver); the third-party builds below get a make of their own.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS

arch=$1 sysroot=$2 dl=$3 work=$4
cross=${5-}
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

case $arch in
x86_64)  triplet=x86_64-linux-gnu ;;
aarch64) triplet=aarch64-linux-gnu ;;
armv7)   triplet=arm-linux-gnueabihf ;;
riscv64) triplet=riscv64-linux-gnu ;;
*) echo "deps.sh: unknown architecture '$arch'" >&2; exit 2 ;;
esac
[ -n "$cross" ] || { [ "$arch" = x86_64 ] || cross=$triplet-; }
gcc="${cross}gcc"

say() { printf '  %-7s %s\n' "$1" "$2"; }
die() { echo "deps.sh: $*" >&2; exit 1; }

command -v "$gcc" >/dev/null || die "no compiler '$gcc' (run scripts/host-packages.sh $arch)"
mkdir -p "$sysroot/include" "$sysroot/lib" "$dl" "$work"
sysroot=$(cd "$sysroot" && pwd) dl=$(cd "$dl" && pwd) work=$(cd "$work" && pwd)

# fetch PKG: download and unpack Debian's source package PKG into $dl,
# using a private apt state so the host's apt configuration is untouched.
# The deb-src lines are derived from the host's own deb lines.
# Prints the unpacked directory.
fetch() {
	pkg=$1
	d=$(ls -d "$dl/$pkg"-src 2>/dev/null || true)
	if [ -z "$d" ]; then
		apt=$dl/apt
		mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts"
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			sed 's/^Types:.*/Types: deb-src/' "$f" >"$apt/parts/${f##*/}"
		done
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -f "$f" ] || continue
			sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" >"$apt/parts/src-${f##*/}.list"
		done
		set -- -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt/parts" \
			-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" \
			-o APT::Sandbox::User=root
		if [ ! -f "$apt/updated" ]; then
			apt-get "$@" -q update >"$apt/update.log" 2>&1 ||
				echo "deps.sh: apt-get update had errors (see $apt/update.log), continuing" >&2
			touch "$apt/updated"
		fi
		say FETCH "$pkg (Debian source)" >&2
		(cd "$dl" && apt-get "$@" -q source --download-only "$pkg" >"$apt/$pkg.log" 2>&1) ||
			die "apt-get source $pkg failed (see $apt/$pkg.log)"
		dsc=$(ls "$dl/${pkg}"_*.dsc | sort | tail -n 1)
		rm -rf "$dl/$pkg-src.tmp"
		dpkg-source --no-check -x "$dsc" "$dl/$pkg-src.tmp" >"$apt/$pkg.x.log" 2>&1 ||
			die "dpkg-source -x $dsc failed"
		basename "$dsc" .dsc | sed "s/^${pkg}_//" >"$dl/$pkg-src.tmp/.keel-version"
		mv "$dl/$pkg-src.tmp" "$dl/$pkg-src"
		d=$dl/$pkg-src
	fi
	echo "$d"
}

# version SRC: the Debian version of SRC and the recipe that builds it
# (this script and the compiler), for the stamps: a changed recipe
# rebuilds, as a new Debian version does.
recipe=$( (cat "$0"; "$gcc" --version | head -n 1) | sha256sum | cut -c1-12)
version() { echo "$(cat "$1/.keel-version")-$recipe"; }

# --- musl ------------------------------------------------------------------
if [ "$arch" = x86_64 ] && [ -z "${KEEL_BUILD_MUSL-}" ]; then
	musl_inc=/usr/include/x86_64-linux-musl
	musl_lib=/usr/lib/x86_64-linux-musl
	[ -f "$musl_lib/libc.a" ] || die "Debian's musl-dev is missing (run scripts/host-packages.sh)"
else
	musl_inc=$sysroot/musl/include
	musl_lib=$sysroot/musl/lib
	src=$(fetch musl)
	stamp=$sysroot/.stamp-musl-$(version "$src")
	if [ ! -f "$stamp" ]; then
		say MUSL "$(version "$src") for $arch"
		b=$work/musl
		rm -rf "$b" && cp -a "$src" "$b"
		(cd "$b" &&
			./configure --prefix="$sysroot/musl" --target="$triplet" \
				--disable-shared --disable-wrapper CROSS_COMPILE="$cross" \
				CC="$gcc" CFLAGS="-Os -pipe" &&
			make -j"$jobs" && make install) >"$work/musl.log" 2>&1 ||
			die "musl build failed (see $work/musl.log)"
		rm -rf "$b"
		touch "$stamp"
	fi
fi

# --- kernel headers --------------------------------------------------------
# Only linux/, asm/ and asm-generic/: the rest of the glibc include dir must
# not leak into a musl build.
if [ ! -f "$sysroot/.stamp-uapi" ]; then
	if [ "$arch" = x86_64 ]; then
		kinc=/usr/include asminc=/usr/include/$triplet/asm
	else
		kinc=/usr/$triplet/include asminc=/usr/$triplet/include/asm
	fi
	[ -d "$kinc/linux" ] || die "no kernel headers in $kinc (linux-libc-dev)"
	rm -rf "$sysroot/include/linux" "$sysroot/include/asm" "$sysroot/include/asm-generic"
	cp -rL "$kinc/linux" "$kinc/asm-generic" "$sysroot/include/"
	cp -rL "$asminc" "$sysroot/include/asm"
	touch "$sysroot/.stamp-uapi"
fi

# --- gcc specs: static musl, nothing from the host's libc ----------------
cat >"$sysroot/keel.specs.tmp" <<EOF
%rename cpp_options old_cpp_options

*cpp_options:
-nostdinc -isystem $sysroot/include -isystem $musl_inc -isystem include%s %(old_cpp_options)

*cc1:
%(cc1_cpu) -nostdinc -isystem $sysroot/include -isystem $musl_inc -isystem include%s

*link_libgcc:
-L$sysroot/lib -L$musl_lib -L .%s

*libgcc:
libgcc.a%s %:if-exists(libgcc_eh.a%s)

*startfile:
$musl_lib/crt1.o $musl_lib/crti.o crtbegin.o%s

*endfile:
crtend.o%s $musl_lib/crtn.o

*link:
-nostdlib -static %{rdynamic:-export-dynamic}

EOF
mv "$sysroot/keel.specs.tmp" "$sysroot/keel.specs"
cc="$gcc -specs=$sysroot/keel.specs -static -fno-pie -no-pie"

# --- cJSON -----------------------------------------------------------------
src=$(fetch cjson)
stamp=$sysroot/.stamp-cjson-$(version "$src")
if [ ! -f "$stamp" ]; then
	say CJSON "$(version "$src") for $arch"
	b=$work/cjson
	rm -rf "$b" && mkdir -p "$b" "$sysroot/include/cjson"
	# cJSON is one file; its CMake build adds nothing a static archive needs.
	$cc -Os -pipe -ffunction-sections -fdata-sections -c "$src/cJSON.c" -o "$b/cJSON.o" ||
		die "cJSON build failed"
	"${cross}ar" rcs "$sysroot/lib/libcjson.a" "$b/cJSON.o"
	cp "$src/cJSON.h" "$sysroot/include/cjson/cJSON.h"
	rm -rf "$b"
	touch "$stamp"
fi

# --- libseccomp ------------------------------------------------------------
src=$(fetch libseccomp)
stamp=$sysroot/.stamp-libseccomp-$(version "$src")
if [ ! -f "$stamp" ]; then
	command -v gperf >/dev/null || die "libseccomp needs gperf (run scripts/host-packages.sh)"
	say SECCOMP "$(version "$src") for $arch"
	b=$work/libseccomp
	rm -rf "$b" && cp -a "$src" "$b"
	host=
	[ "$arch" = x86_64 ] || host=--host=$triplet
	(cd "$b" &&
		./configure $host --prefix="$sysroot" --enable-static --disable-shared \
			--disable-python CC="$cc" CFLAGS="-Os -pipe -ffunction-sections -fdata-sections" &&
		make -j"$jobs" -C src libseccomp.la) >"$work/libseccomp.log" 2>&1 ||
		die "libseccomp build failed (see $work/libseccomp.log)"
	cp "$b/src/.libs/libseccomp.a" "$sysroot/lib/"
	cp "$b/include/seccomp.h" "$b/include/seccomp-syscalls.h" "$sysroot/include/"
	rm -rf "$b"
	touch "$stamp"
fi
