#!/bin/sh
# SPDX-License-Identifier: MIT
#
# "make demo": one container through create, state, start, state, delete,
# showing each keel command as it runs.  Needs root; uses a private state
# root and bundle under out/demo/ and removes both at the end.
#
#   KEEL=path/keel scripts/demo.sh
set -eu

srctree=$(cd "$(dirname "$0")/.." && pwd)
KEEL=${KEEL:-$srctree/keel}
demo=$srctree/out/demo
bundle=$demo/bundle
root=$demo/root
id=keel-demo-$$

die() {
	echo "demo.sh: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "must be run as root (containers need namespaces and mounts)"
[ -x "$KEEL" ] || die "KEEL=$KEEL is not an executable (run make first)"

cleanup() {
	rc=$?
	trap - EXIT INT TERM
	"$KEEL" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
	if [ -d "$demo" ]; then
		awk -v t="$demo/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo |
			sort -r | while read -r mp; do umount -R -l "$mp" 2>/dev/null || true; done
		rm -rf --one-file-system "$demo"
	fi
	[ $rc = 0 ] || echo "demo.sh: failed" >&2
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# step ARGS...: show "$ keel ARGS..." (paths relative to the tree), run it.
# Output is captured (and newline-terminated) only for commands that do not
# hand their stdout to the container: create and start do.
run_step() {
	echo "\$ keel --root out/demo/root $*" | sed "s|$srctree/||g"
	"$KEEL" --root "$root" "$@"
}
step() {
	echo "\$ keel --root out/demo/root $*" | sed "s|$srctree/||g"
	out=$("$KEEL" --root "$root" "$@")
	[ -z "$out" ] || printf '%s\n' "$out"
}

"$srctree/scripts/host-packages.sh"
"$srctree/scripts/mkbundle.sh" "$bundle" "" -- \
	/bin/sh -c 'echo "hello from $(hostname), pid $$"; ls /' >/dev/null

run_step create --bundle "$bundle" "$id"
step state "$id"
run_step start "$id"
i=0
while :; do
	state=$("$KEEL" --root "$root" state "$id")
	case $state in
	*'"status"'*'"stopped"'*) break ;;
	esac
	i=$((i + 1))
	[ $i -lt 100 ] || die "container did not stop within 10 s"
	sleep 0.1
done
step state "$id"
step delete "$id"
echo "# done"
