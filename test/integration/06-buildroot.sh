#!/bin/bash
# SPDX-License-Identifier: MIT
#
# What Buildroot does with contrib/buildroot, without Buildroot: libseccomp
# and cJSON in a staging sysroot found only through pkg-config, and
# package/keel/keel.mk's own configure, build and install commands run
# against it for aarch64 (a few lines of make stand in for Buildroot's
# package infrastructure): keel's .config from the BR2 options, keel built
# with the caller's CC/CROSS_COMPILE/CFLAGS/LDFLAGS (KEEL_DEPS=system) and
# "make install DESTDIR=".  Also checks Config.in against keel's Kconfig.
# Needs gcc-aarch64-linux-gnu and the aarch64 sysroot of scripts/deps.sh
# (only to copy musl, libseccomp and cJSON from); no root.
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
steps="keel.mk depends on cjson and libseccomp|keel.mk writes the .config from the BR2 options|\
... with the string options|without the .pc files the build stops and says why|\
the build uses only the staging sysroot|\$KEEL_OUT is left untouched|\
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
	[ -e "$from/$f" ] || skip_build "no $from/$f (make O=out/aarch64 qemu-aarch64_defconfig deps)"
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

# Buildroot's .config with the package's defaults (Config.in "default"s).
cat >"$TMP/br.config" <<CFG
BR2_PACKAGE_KEEL=y
BR2_OPTIMIZE_S=y
$(awk '/^config /{n=$2} n && /^[ \t]+default /{sub(/^[ \t]+default /, ""); print n "=" $0; n=""}' "$brcfg")
CFG
# Buildroot's package infrastructure, just what keel.mk uses: its configure,
# build and install commands run as Buildroot runs them, in a copy of the
# source tree ($(@D), Buildroot's output/build/keel-VERSION).
src=$TMP/src empty=$TMP/empty-out
mkdir -p "$src" "$empty"
tar -C "$KEEL_SRC" --exclude=./.git --exclude=./build --exclude=./out --exclude=./keel \
	--exclude=./.config --exclude=./include/generated --exclude=./include/config -cf - . |
	tar -C "$src" -xf -
cat >"$TMP/br.mk" <<MK
include $TMP/br.config
BR2_EXTERNAL_KEEL_PATH := $br
BR2_ARCH := aarch64
TARGET_CROSS := $tc
TARGET_CC := ${tc}gcc
TARGET_CFLAGS := -Os -g0 -DKEEL_BR_CFLAGS
TARGET_LDFLAGS := -Wl,-Map=$TMP/keel.map
TARGET_MAKE_ENV := PATH=\$(PATH)
TARGET_DIR := $TMP/target
PKG_CONFIG_HOST_BINARY := pkg-config
INSTALL := install
qstrip = \$(strip \$(subst ",,\$(1)))
generic-package :=
include \$(BR2_EXTERNAL_KEEL_PATH)/package/keel/keel.mk
deps: ; @echo \$(KEEL_DEPENDENCIES)
$src/configure: ; \$(KEEL_CONFIGURE_CMDS)
$src/build: ; \$(KEEL_BUILD_CMDS)
$src/install: ; \$(KEEL_INSTALL_TARGET_CMDS)
MK
o=$src
brmake() {
	KEEL_OUT=$empty PKG_CONFIG_SYSROOT_DIR=$st PKG_CONFIG_LIBDIR=${pclib-$st$deps/lib/pkgconfig} \
		make -s -f "$TMP/br.mk" "$@"
}

expect_eq "keel.mk depends on cjson and libseccomp" "$(brmake deps)" "cjson host-pkgconf libseccomp"
brmake "$src/configure"
cfg=$(cat "$src/.config" 2>/dev/null)
expect_match "keel.mk writes the .config from the BR2 options" "$cfg" '^CONFIG_CGROUP_V1=y$'
expect_match "... with the string options" "$cfg" '^CONFIG_DEFAULT_ROOT="/run/keel"$'

out=$(pclib=$TMP/nowhere brmake "$src/build" 2>&1)
expect_match "without the .pc files the build stops and says why" "$out" 'pkg-config does not find libcjson'

if brmake -j2 "$src/build" >"$TMP/build.log" 2>&1; then
	ok "the build uses only the staging sysroot"
else
	fail "the build uses only the staging sysroot" "$(tail -8 "$TMP/build.log")"
fi
expect_eq "\$KEEL_OUT is left untouched" "$(find "$empty" "$src/out" -mindepth 1 2>/dev/null)" ""
flags=$(cat "$o/build/.cflags" "$o/build/.ldflags" 2>/dev/null)
if [[ $flags == *-DKEEL_BR_CFLAGS* ]] && [ -s "$TMP/keel.map" ]; then
	ok "the caller's CFLAGS and LDFLAGS are used"
else
	fail "the caller's CFLAGS and LDFLAGS are used" "$flags"
fi
if [[ $flags == *"-I$st$deps/include"* ]] && grep -q "$st$deps/lib/libseccomp.a" "$TMP/keel.map" 2>/dev/null &&
	[[ $flags != *"$from"* ]]; then
	ok "pkg-config found the libraries in staging"
else
	fail "pkg-config found the libraries in staging" "$flags"
fi

brmake "$src/install" >"$TMP/install.log" 2>&1
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
	grep -q '"ociVersion"' "$TMP/config.json"; then
	expect_match "keel runs under qemu-aarch64-static" "$v" '^keel version '
else
	fail "keel runs under qemu-aarch64-static" "$v"
fi

done_testing
