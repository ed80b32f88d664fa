#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Recursive mount attributes through mount_setattr: "rro" makes every mount
# below an rbind read-only, where "ro" (a remount) reaches only the top one.
. "$(dirname "$0")/../lib.sh"
need_root

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
src=$TMP/src
mkdir -p "$src/sub"
mount -t tmpfs tmpfs "$src/sub"

with_opts() {	# with_opts NAME 'OPTIONS' -> bundle dir
	local d=$TMP/$1
	bundle_clone "$d" "$B"
	bundle_insert "$d" mounts "{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"$src\", \"options\": [$2]}"
	echo "$d"
}
try='"/bin/sh","-c","touch /mnt/top 2>/dev/null && echo top-rw || echo top-ro; touch /mnt/sub/f 2>/dev/null && echo sub-rw || echo sub-ro; grep \" /mnt/sub \" /proc/self/mountinfo"'

D=$(with_opts ro '"rbind","ro"')
bundle_args "$D" "$try"
out=$(k run --bundle "$D" "$(new_id)" 2>&1)
expect_match "ro: the bind itself is read-only" "$out" '^top-ro$'
expect_match "ro: the mount below it stays writable (a remount is not recursive)" "$out" '^sub-rw$'

D=$(with_opts rro '"rbind","rro","rnosuid","rnodev"')
bundle_args "$D" "$try"
out=$(k run --bundle "$D" "$(new_id)" 2>&1)
expect_match "rro: the bind is read-only" "$out" '^top-ro$'
expect_match "rro: the mount below it is read-only too" "$out" '^sub-ro$'
expect_match "rnosuid, rnodev reach the mount below" "$out" ' /mnt/sub [^ ]*ro,nosuid,nodev'
expect_eq "the host's view is untouched" "$(touch "$src/sub/host" && echo rw)" rw

D=$(with_opts ratime '"rbind","ratime"')
expect_create_fails "ratime (says what not to be) is refused" "$D" 'mounts\[[0-9]+\].options\[1\]: "ratime" is not supported'

umount "$src/sub"
done_testing
