#!/bin/bash
# SPDX-License-Identifier: MIT
#
# make board-bench [BOARD=qemu-aarch64] [BENCH_N=20] [BENCH_ROUNDS=10]:
#
#   scripts/board-bench.sh BOARD [N] [ROUNDS]
#
# Builds BOARD's guest (scripts/board-image.sh), boots it once with cgroup v2
# and keel_bench=N,ROUNDS on the kernel command line (board/init then runs
# bench/board.sh instead of the tests: N sequential "keel run"s against N
# runs of the kernel's floor, ROUNDS times) and writes the figures to
# $KEEL_OUT/bench/board-<arch>.txt, which bench/report.py adds to
# docs/bench.md when it is there.  The file's format, one item a line:
#
#   board qemu-aarch64
#   kernel 6.1.0-28-arm64
#   containers 20
#   keel MS MS ...       wall time of N sequential runs, one figure a round
#   keel-ro MS MS ...    the same, keel's binary on a read-only bind mount
#   floor MS MS ...
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=${BOARD_OUT:-$top/out/board}
b=${1:?usage: board-bench.sh BOARD [N] [ROUNDS]} n=${2:-20} rounds=${3:-10}
case $b in
qemu-aarch64) a=aarch64 ;;
qemu-armv7) a=armv7 ;;
qemu-riscv64) a=riscv64 ;;
*) echo "board-bench.sh: unknown board '$b'" >&2; exit 2 ;;
esac
res=${KEEL_OUT:-$top/out}/bench/board-$a.txt

"$top/scripts/host-packages.sh" "$a" board || exit 1
echo "=== $b: image"
"$top/scripts/board-image.sh" "$b" "$out/$b" || { echo "board-bench.sh: building the guest failed" >&2; exit 1; }
echo "=== $b: boot, benchmark ($n sequential runs, $rounds rounds)"
log=$out/$b/console-bench.log
BOARD_ARGS="keel_bench=$n,$rounds" BOARD_LOG=$log "$top/scripts/board-run.sh" "$b" "$out/$b" v2 ||
	{ echo "board-bench.sh: the guest's benchmark failed (log: $log)" >&2; exit 1; }
mkdir -p "$(dirname "$res")"
{
	echo "board $b"
	sed -n 's/^keel-board: kernel \([^ ]*\) .*/kernel \1/p' "$log" | head -n 1
	sed -n 's/^keel-bench: \(containers\|keel\|keel-ro\|floor\) /\1 /p' "$log"
} >"$res.tmp"
[ "$(grep -cE '^(containers|keel|keel-ro|floor) ' "$res.tmp")" = 4 ] ||
	{ echo "board-bench.sh: no figures in $log" >&2; rm -f "$res.tmp"; exit 1; }
mv "$res.tmp" "$res"
echo "board-bench.sh: $res:"
sed 's/^/  /' "$res"
