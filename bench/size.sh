#!/bin/sh
# Stripped size of keel per configuration and per architecture, against the
# targets (allnoconfig <= 128 KiB, allyesconfig <= 256 KiB on x86_64).
# Builds into out/size-<name>; prints a Markdown table; exits 1 if a target
# is missed.  usage: bench/size.sh [--arches]
set -eu
cd "$(dirname "$0")/.."
arches=
[ "${1-}" = --arches ] && arches="aarch64 armv7 riscv64"

build() {	# build NAME CONFIG-TARGET -> prints size in bytes
	make -s O="out/size-$1" "$2" >/dev/null
	make -s O="out/size-$1" all >/dev/null
	stat -c %s "out/size-$1/keel"
}

kib() { echo "$(( ($1 + 1023) / 1024 ))"; }

over=0
row() {	# row LABEL BYTES [LIMIT-KIB]
	verdict=
	if [ -n "${3-}" ]; then
		if [ "$(kib "$2")" -le "$3" ]; then verdict="≤ $3 KiB: ok"
		else verdict="≤ $3 KiB: OVER"; over=1; fi
	fi
	printf '| %s | %s | %s KiB | %s |\n' "$1" "$2" "$(kib "$2")" "$verdict"
}

echo "| build | bytes | KiB | target |"
echo "|---|---|---|---|"
row "x86_64 allnoconfig" "$(build allno allnoconfig)" 128
row "x86_64 tiny_defconfig" "$(build tiny tiny_defconfig)"
row "x86_64 defconfig" "$(build def defconfig)"
row "x86_64 allyesconfig" "$(build allyes allyesconfig)" 256
for a in $arches; do
	row "$a defconfig" "$(build "$a" "qemu-${a}_defconfig")"
done
exit $over
