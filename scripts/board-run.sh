#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Boot a board's guest once and relay its test results:
#
#   scripts/board-run.sh BOARD DIR CGROUP [TESTS...]
#
# DIR is what scripts/board-image.sh wrote (kernel, initramfs.cpio.gz).
# CGROUP is v2 or v1; BOARD_ARGS adds to the kernel command line
# (board/init's keel_bench=N, for instance).  The QEMU command line is the one in
# board/BOARD/README.md (the line starting with "qemu-system-"), so the
# readme and this script cannot disagree.  The serial console is shown as it
# comes and saved in DIR/console-CGROUP.log (or BOARD_LOG).  The guest's last line of the
# form "board: N passed, N failed, N skipped" is printed again as the result.
# Exit status: 0 if the line is there and nothing failed; 1 otherwise, also
# when the guest did not power off within BOARD_TIMEOUT seconds (default
# 5400), after which QEMU is killed.
set -uo pipefail

board=$1 dir=$2 cg=$3
shift 3
top=$(cd "$(dirname "$0")/.." && pwd)
timeout_s=${BOARD_TIMEOUT:-5400}

die() { echo "board-run.sh: $*" >&2; exit 1; }

readme=$top/board/$board/README.md
line=$(grep -E "^[[:space:]]*qemu-system-" "$readme" | head -n 1 | sed "s/^[[:space:]]*//")
[ -n "$line" ] || die "no qemu-system- line in $readme"
qemu=$(echo "$line" | awk '{ print $1 }')
command -v "$qemu" >/dev/null || die "$qemu not found (scripts/host-packages.sh installs it)"
KERNEL=$dir/kernel INITRD=$dir/initramfs.cpio.gz
[ -f "$KERNEL" ] && [ -f "$INITRD" ] || die "no kernel or initramfs in $dir (scripts/board-image.sh)"
KEEL_ARGS="keel_cgroup=$cg${BOARD_ARGS:+ $BOARD_ARGS}"
if [ $# -gt 0 ]; then
	KEEL_ARGS="$KEEL_ARGS keel_tests=$(IFS=,; echo "$*")"
fi
export KERNEL INITRD KEEL_ARGS

log=${BOARD_LOG:-$dir/console-$cg.log}
echo "board-run.sh: $board, cgroup $cg${*:+, tests: $*}; timeout ${timeout_s}s; log $log"
echo "  ${line//\$KEEL_ARGS/$KEEL_ARGS}"
start=$(date +%s)
# The console goes through sed: stripping the serial line's CRs, and a guest
# that prints nothing still ends by the timeout.
timeout -k 10 "$timeout_s" bash -c "exec $line" </dev/null 2>&1 |
	tr -d '\r' | tee "$log"
rc=${PIPESTATUS[0]}
secs=$(($(date +%s) - start))

summary=$(grep -E '^board: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -n 1)
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "board-run.sh: $board (cgroup $cg): TIMEOUT: the guest did not power off within ${timeout_s}s; QEMU killed (log: $log)" >&2
	echo "$board/cgroup-$cg: 0 passed, 1 failed, 0 skipped"
	exit 1
fi
if [ -z "$summary" ]; then
	echo "board-run.sh: $board (cgroup $cg): the guest printed no summary line (QEMU exit $rc, log: $log)" >&2
	echo "$board/cgroup-$cg: 0 passed, 1 failed, 0 skipped"
	exit 1
fi
echo "board-run.sh: $board (cgroup $cg): ${secs}s: ${summary#board: }"
set -- $(echo "${summary#board: }" | tr -cs '0-9' ' ')
[ "$2" = 0 ]
