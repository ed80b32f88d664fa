#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The configuration system: .config -> autoconf.h without any Kconfig tool,
# a plain "make" on a .config handed over as Buildroot does (no kconfiglib),
# savedefconfig round trip, and a compiled-out feature really not linked.
. "$(dirname "$0")/../lib.sh"

if ! command -v make >/dev/null || ! command -v gcc >/dev/null; then
	echo "1..0 # SKIP no make or gcc here (a QEMU board guest): this test builds keel"
	exit 0
fi

conf=$TMP/sample.config
cat >"$conf" <<'CFG'
CONFIG_ARCH_X86_64=y
CONFIG_ARCH="x86_64"
# CONFIG_SECCOMP is not set
CONFIG_SOME_NUMBER=42
CONFIG_CROSS_COMPILE=""
CFG
hdr=$(awk -f "$KEEL_SRC/scripts/conf2h.awk" "$conf")
expect_match "bool y becomes 1" "$hdr" '^#define CONFIG_ARCH_X86_64 1$'
expect_match "string stays quoted" "$hdr" '^#define CONFIG_ARCH "x86_64"$'
expect_match "number stays a number" "$hdr" '^#define CONFIG_SOME_NUMBER 42$'
expect_nomatch "unset option is not defined" "$hdr" 'CONFIG_SECCOMP'

# A .config as Buildroot hands it over: written by hand, built without python.
o=$TMP/o
mkdir -p "$o"
cat >"$o/.config" <<'CFG'
CONFIG_ARCH_X86_64=y
CONFIG_ARCH="x86_64"
CONFIG_CROSS_COMPILE=""
CONFIG_OPTIMIZE_SIZE=y
CONFIG_DEFAULT_ROOT="/run/keel-buildroot"
# CONFIG_SECCOMP is not set
CONFIG_CGROUP_V1=y
CFG
if PYTHON=/nonexistent/python3 make -s -C "$KEEL_SRC" O="$o" all >"$TMP/build.log" 2>&1; then
	ok "plain make builds a handed-over .config without kconfiglib"
else
	fail "plain make builds a handed-over .config without kconfiglib" "$(tail -5 "$TMP/build.log")"
fi
if [ -x "$o/keel" ]; then
	expect_match "the .config's string option reaches the binary" \
		"$("$o/keel" --help 2>&1)" '/run/keel-buildroot'
	if nm "$o/build/keel.unstripped" | grep -q 'seccomp_load'; then
		fail "CONFIG_SECCOMP unset: libseccomp not linked" "$(nm "$o/build/keel.unstripped" | grep seccomp_ | head -3)"
	else
		ok "CONFIG_SECCOMP unset: libseccomp not linked"
	fi
	expect_match "CONFIG_EXEC unset: exec names the option" \
		"$("$o/keel" exec x 2>&1)" 'CONFIG_EXEC'
else
	skip "the .config's string option reaches the binary" "build failed"
	skip "CONFIG_SECCOMP unset: libseccomp not linked" "build failed"
	skip "CONFIG_EXEC unset: exec names the option" "build failed"
fi

# savedefconfig keeps only what differs from the defaults.
if /usr/bin/python3 -c 'import kconfiglib' 2>/dev/null; then
	o2=$TMP/o2
	make -s -C "$KEEL_SRC" O="$o2" tiny_defconfig >/dev/null
	make -s -C "$KEEL_SRC" O="$o2" savedefconfig >/dev/null
	expect_match "savedefconfig keeps a changed option" "$(cat "$o2/defconfig")" '^# CONFIG_HOOKS is not set$'
	expect_nomatch "savedefconfig drops defaults" "$(cat "$o2/defconfig")" '^CONFIG_OPTIMIZE_SIZE=y$'
	make -s -C "$KEEL_SRC" O="$o2" qemu-riscv64_defconfig >/dev/null
	expect_match "board defconfig selects the architecture" "$(cat "$o2/.config")" '^CONFIG_CROSS_COMPILE="riscv64-linux-gnu-"$'
else
	skip "savedefconfig keeps a changed option" "python3-kconfiglib is not installed"
	skip "savedefconfig drops defaults" "python3-kconfiglib is not installed"
	skip "board defconfig selects the architecture" "python3-kconfiglib is not installed"
fi

done_testing
