#!/bin/bash
# SPDX-License-Identifier: MIT
#
# What Buildroot does with contrib/buildroot, without Buildroot: libseccomp
# and cJSON in a staging sysroot found only through pkg-config, keel built
# for aarch64 with the caller's CC/CROSS_COMPILE/CFLAGS/LDFLAGS
# (KEEL_DEPS=system), "make install DESTDIR=", and the Config.in options
# checked against keel's Kconfig.
. "$(dirname "$0")/../lib.sh"

br=$KEEL_SRC/contrib/buildroot
brcfg=$br/package/keel/Config.in

# --- Config.in <-> Kconfig ---------------------------------------------------
# User-visible keel options: a "config" with a prompt.  The target menu
# (architecture, compiler prefix, optimization) is Buildroot's own.
keel_opts=$(awk '/^config /{n=$2} n && /^[ \t]+(bool|string|int|hex|tristate)[ \t]+"/{print n; n=""}' \
	"$KEEL_SRC"/Kconfig "$KEEL_SRC"/*/Kconfig | grep -Ev '^(ARCH_.*|CROSS_COMPILE|OPTIMIZE_.*)$' | sort)
br_opts=$(sed -n 's/^config BR2_PACKAGE_KEEL_\(.*\)/\1/p' "$brcfg" |
	grep -Ev '^(CUSTOM_CONFIG|CUSTOM_CONFIG_FILE)$' | sort)
mk_opts=$(sed -n '/^KEEL_BOOL_OPTS/,/^$/p' "$br/package/keel/keel.mk" | tr -s ' \t\\' '\n' |
	grep -E '^[A-Z0-9_]+$' | grep -v KEEL_BOOL_OPTS | sort)
expect_eq "every user-visible keel option has a BR2_PACKAGE_KEEL_ twin, and no more" \
	"$(echo $br_opts)" "$(echo $keel_opts)"
expect_eq "keel.mk writes every bool option" "$(echo $mk_opts)" \
	"$(echo $(grep -vx DEFAULT_ROOT <<<"$keel_opts"))"
expect_match "keel.mk writes CONFIG_DEFAULT_ROOT" "$(cat "$br/package/keel/keel.mk")" \
	'CONFIG_DEFAULT_ROOT=\$\(BR2_PACKAGE_KEEL_DEFAULT_ROOT\)'
expect_match "external.desc names the tree KEEL" "$(cat "$br/external.desc")" '^name: KEEL$'

# --- a staging sysroot, as Buildroot's would be -----------------------------
steps="the build uses only the staging sysroot|\$KEEL_OUT is left untouched|\
the caller's CFLAGS and LDFLAGS are used|pkg-config found the libraries in staging|\
make install puts keel and keel.8 under DESTDIR|the installed keel is a static aarch64 ELF|\
keel runs under qemu-aarch64-static"
skip_build() {
	local IFS='|' s
	for s in $steps; do skip "$s" "$1"; done
	done_testing
}

from=${KEEL_OUT:-$KEEL_SRC/out}/sysroot/aarch64
cross=aarch64-linux-gnu-
command -v ${cross}gcc >/dev/null || skip_build "no ${cross}gcc (scripts/host-packages.sh aarch64)"
command -v pkg-config >/dev/null || skip_build "no pkg-config"
for f in keel.specs lib/libseccomp.a lib/libcjson.a musl/lib/libc.a include/seccomp.h; do
	[ -e "$from/$f" ] || skip_build "no $from/$f (make defconfig qemu-aarch64_defconfig deps)"
done

# The toolchain knows only musl, in $st/usr; the libraries sit in /opt/deps,
# where nothing but their .pc files (with PKG_CONFIG_SYSROOT_DIR) leads.
st=$TMP/staging deps=/opt/deps
mkdir -p "$st/usr/include" "$st/usr/lib" "$st$deps/include" "$st$deps/lib/pkgconfig" "$TMP/bin"
cp -a "$from/musl/include/." "$from/include/linux" "$from/include/asm" "$from/include/asm-generic" \
	"$st/usr/include/"
cp -a "$from/musl/lib/." "$st/usr/lib/"
cp -a "$from/include/seccomp.h" "$from/include/seccomp-syscalls.h" "$from/include/cjson" \
	"$st$deps/include/"
cp -a "$from/lib/libseccomp.a" "$from/lib/libcjson.a" "$st$deps/lib/"
sed -e "s|$from/musl/|$st/usr/|g" -e "s|$from/|$st/usr/|g" "$from/keel.specs" >"$st/musl.specs"
ver=$(awk '/define SCMP_VER_(MAJOR|MINOR|MICRO)/{v=v (v ? "." : "") $3} END{print v}' "$st$deps/include/seccomp.h")
for pc in "libseccomp:-lseccomp:" "libcjson:-lcjson: -I\${includedir}/cjson"; do
	IFS=: read -r name lib cf <<<"$pc"
	printf 'prefix=%s\nlibdir=${prefix}/lib\nincludedir=${prefix}/include\n\nName: %s\nDescription: %s for keel\nVersion: %s\nLibs: -L${libdir} %s\nCflags: -I${includedir}%s\n' \
		"$deps" "$name" "$name" "${ver:-1}" "$lib" "$cf" >"$st$deps/lib/pkgconfig/$name.pc"
done
# A toolchain wrapper, as Buildroot's: the specs make it a static musl gcc.
tc=$TMP/bin/aarch64-buildroot-linux-musl-
printf '#!/bin/sh\nexec %sgcc -specs=%s "$@"\n' "$cross" "$st/musl.specs" >"${tc}gcc"
chmod +x "${tc}gcc"
ln -s "$(command -v ${cross}ar)" "${tc}ar"
ln -s "$(command -v ${cross}strip)" "${tc}strip"

# A .config as keel.mk writes it from Config.in's defaults.
o=$TMP/obj empty=$TMP/empty-out
mkdir -p "$o" "$empty"
{
	echo 'CONFIG_ARCH="aarch64"'
	echo "CONFIG_CROSS_COMPILE=\"$tc\""
	echo 'CONFIG_OPTIMIZE_SIZE=y'
	echo 'CONFIG_DEFAULT_ROOT="/run/keel"'
	for x in $mk_opts; do echo "CONFIG_$x=y"; done
} >"$o/.config"

brmake() {
	PKG_CONFIG_SYSROOT_DIR=$st PKG_CONFIG_LIBDIR=${pclib-$st$deps/lib/pkgconfig} \
		PYTHON=/nonexistent/python3 \
		make -s -C "$KEEL_SRC" O="$o" KEEL_DEPS=system KEEL_OUT="$empty" \
		CROSS_COMPILE="$tc" CC="${tc}gcc" CFLAGS="-Os -g0 -DKEEL_BR_CFLAGS" \
		LDFLAGS="-Wl,-Map=$o/keel.map" PKG_CONFIG=pkg-config "$@"
}

out=$(pclib=$TMP/nowhere brmake all 2>&1)
expect_match "without the .pc files the build stops and says why" "$out" 'pkg-config does not find libcjson'

if brmake -j2 all >"$TMP/build.log" 2>&1; then
	ok "the build uses only the staging sysroot"
else
	fail "the build uses only the staging sysroot" "$(tail -8 "$TMP/build.log")"
fi
expect_eq "\$KEEL_OUT is left untouched" "$(ls -A "$empty")" ""
flags=$(cat "$o/build/.cflags" "$o/build/.ldflags" 2>/dev/null)
if [[ $flags == *-DKEEL_BR_CFLAGS* ]] && [ -s "$o/keel.map" ]; then
	ok "the caller's CFLAGS and LDFLAGS are used"
else
	fail "the caller's CFLAGS and LDFLAGS are used" "$flags"
fi
if [[ $flags == *"-I$st$deps/include"* ]] && grep -q "$st$deps/lib/libseccomp.a" "$o/keel.map" 2>/dev/null &&
	[[ $flags != *"$from"* ]]; then
	ok "pkg-config found the libraries in staging"
else
	fail "pkg-config found the libraries in staging" "$flags"
fi

brmake install DESTDIR="$TMP/target" PREFIX=/usr >"$TMP/install.log" 2>&1
bin=$TMP/target/usr/sbin/keel
if [ -x "$bin" ] && [ -f "$TMP/target/usr/share/man/man8/keel.8" ]; then
	ok "make install puts keel and keel.8 under DESTDIR"
else
	fail "make install puts keel and keel.8 under DESTDIR" "$(cat "$TMP/install.log")" \
		"$(find "$TMP/target" 2>/dev/null)"
fi
desc=$(file -b "$bin" 2>&1)
if [[ $desc == *"ELF 64-bit"*"ARM aarch64"* && $desc == *"statically linked"* ]]; then
	ok "the installed keel is a static aarch64 ELF"
else
	fail "the installed keel is a static aarch64 ELF" "$desc"
fi

qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)
if [ -z "$qemu" ]; then
	skip "keel runs under qemu-aarch64-static" "qemu-user-static is not installed"
elif v=$("$qemu" "$bin" --version 2>&1) && "$qemu" "$bin" spec --bundle "$TMP" 2>&1 &&
	[ -s "$TMP/config.json" ]; then
	expect_match "keel runs under qemu-aarch64-static" "$v" '^keel version '
else
	fail "keel runs under qemu-aarch64-static" "$v"
fi

done_testing
