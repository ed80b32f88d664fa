#!/bin/bash
# SPDX-License-Identifier: MIT
#
# make board-check BOARD=<name>|all [TESTS="pattern..."]:
#
#   scripts/board-check.sh BOARD [PATTERN...]
#
# For each board (all: qemu-aarch64 qemu-riscv64 qemu-armv7): build the guest
# (scripts/board-image.sh, into $BOARD_OUT/<board>, default out/board/<board>), then boot it twice,
# with cgroup v2 and with cgroup v1 (scripts/board-run.sh), relaying the
# serial console.  PATTERNs select tests as in "make check" (test/run); the
# --no-pivot variants run in stage 1 of the guest, from the initramfs root.
# Ends with one line "N passed, N failed, N skipped" over every boot and
# exits non-zero if any boot failed, timed out or printed no summary.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=${BOARD_OUT:-$top/out/board}
boards=${1:?usage: board-check.sh BOARD|all [PATTERN...]}
shift
[ "$boards" = all ] && boards="qemu-aarch64 qemu-riscv64 qemu-armv7"

arch_of() {
	case $1 in
	qemu-aarch64) echo aarch64 ;;
	qemu-armv7) echo armv7 ;;
	qemu-riscv64) echo riscv64 ;;
	*) echo "board-check.sh: unknown board '$1' (qemu-aarch64, qemu-armv7, qemu-riscv64, all)" >&2
	   return 1 ;;
	esac
}

p=0 f=0 s=0
results=()
for b in $boards; do
	a=$(arch_of "$b") || exit 2
	"$top/scripts/host-packages.sh" "$a" board || exit 1
	echo "=== $b: image (cache ${KEEL_BOARD_CACHE:-/var/cache/keel-board})"
	t0=$(date +%s)
	if ! "$top/scripts/board-image.sh" "$b" "$out/$b"; then
		echo "board-check.sh: $b: building the guest failed" >&2
		f=$((f + 1))
		results+=("$b: image build FAILED")
		continue
	fi
	echo "=== $b: image built in $(($(date +%s) - t0)) s"
	results+=("$b: image built in $(($(date +%s) - t0)) s")
	for cg in v2 v1; do
		echo "=== $b: boot, cgroup $cg"
		"$top/scripts/board-run.sh" "$b" "$out/$b" "$cg" "$@" | tee "$out/$b/result-$cg"
		res=$(tail -n 1 "$out/$b/result-$cg")
		res=${res##*: }
		n=($(echo "$res" | tr -cs '0-9' ' '))
		if [ ${#n[@]} = 3 ]; then
			p=$((p + n[0])) f=$((f + n[1])) s=$((s + n[2]))
		else
			f=$((f + 1))
		fi
		results+=("$b cgroup $cg: $res")
	done
done

echo
echo "board-check results:"
printf '  %s\n' "${results[@]}"
echo "$p passed, $f failed, $s skipped"
[ "$f" = 0 ] && [ "$p" -gt 0 ]
