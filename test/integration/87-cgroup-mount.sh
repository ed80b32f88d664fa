#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A "cgroup" mount shows the container its own cgroup and nothing above it:
# on a v1 or hybrid host a tmpfs with one mount per hierarchy (fresh cgroup
# mounts with a cgroup namespace, binds of the container's own cgroup
# without), on a v2 host cgroup2.  Checked from inside (what /sys/fs/cgroup
# holds, limits and cgroup.procs read there, read-only) and from outside (the
# limit keel wrote is the one the container reads).  Every case runs with
# pivot_root and with --no-pivot.
. "$(dirname "$0")/../lib.sh"
need_root

CG=/sys/fs/cgroup
case $(fstype $CG 2>/dev/null) in
cgroup2fs) HOST=v2 ;;
tmpfs) HOST=v1 ;;
*) echo "1..0 # SKIP no cgroup file system at $CG"; exit 0 ;;
esac
if [ $HOST = v1 ] && ! config_has CONFIG_CGROUP_V1; then
	echo "1..0 # SKIP cgroup v1 host, keel built without CONFIG_CGROUP_V1"; exit 0
fi
if [ $HOST = v2 ] && ! config_has CONFIG_CGROUP_V2; then
	echo "1..0 # SKIP cgroup v2 host, keel built without CONFIG_CGROUP_V2"; exit 0
fi

NSDELEGATE=no
awk '$5 == "/sys/fs/cgroup"' /proc/self/mountinfo | grep -q nsdelegate && NSDELEGATE=yes

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
LIMIT=$((48 * 1024 * 1024))

# bundle NAME CGNS(yes|no) OPTIONS -> bundle dir
bundle() {
	local d=$TMP/$1
	bundle_clone "$d" "$B"
	bundle_insert "$d" mounts "{\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\", \"options\": [$3]}"
	bundle_insert "$d" linux "\"resources\": {\"memory\": {\"limit\": $LIMIT}, \"pids\": {\"limit\": 64}}"
	[ "$2" = yes ] && bundle_set "$d" namespaces \
		'[{"type": "pid"},{"type": "mount"},{"type": "uts"},{"type": "ipc"},{"type": "cgroup"}]'
	echo "$d"
}

if [ $HOST = v1 ]; then
	script='ls /sys/fs/cgroup | tr "\n" " "; echo;
		echo "mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)";
		echo "pids=$(cat /sys/fs/cgroup/pids/pids.max)";
		echo "procs=$(cat /sys/fs/cgroup/pids/cgroup.procs | tr "\n" " ")";
		echo "subdirs=$(find /sys/fs/cgroup/memory/ -mindepth 1 -type d | wc -l)";
		touch /sys/fs/cgroup/x 2>/dev/null && echo top-rw || echo top-ro;
		echo 64 > /sys/fs/cgroup/pids/pids.max 2>/dev/null && echo hier-rw || echo hier-ro;
		grep " /sys/fs/cgroup" /proc/self/mountinfo | cut -d" " -f4,5,9 | tr "\n" ";"'
else
	script='ls /sys/fs/cgroup | tr "\n" " "; echo;
		echo "mem=$(cat /sys/fs/cgroup/memory.max)";
		echo "pids=$(cat /sys/fs/cgroup/pids.max)";
		echo "procs=$(cat /sys/fs/cgroup/cgroup.procs | tr "\n" " ")";
		echo "subdirs=$(find /sys/fs/cgroup/ -mindepth 1 -type d | wc -l)";
		echo top-ro; echo 64 > /sys/fs/cgroup/pids.max 2>/dev/null && echo hier-rw || echo hier-ro;
		grep " /sys/fs/cgroup" /proc/self/mountinfo | cut -d" " -f4,5,9 | tr "\n" ";"'
fi
json_script=$(printf '%s' "$script" | tr '\n\t' '  ' | sed 's/\\/\\\\/g; s/"/\\"/g')

for pivot in pivot no-pivot; do
	flags=()
	[ $pivot = no-pivot ] && flags=(--no-pivot)
	for cgns in yes no; do
		for ro in ro rw; do
			t="$pivot, cgroupns=$cgns, $ro"
			D=$(bundle "$pivot-$cgns-$ro" $cgns "\"nosuid\",\"noexec\",\"nodev\",\"$ro\"")
			bundle_args "$D" "\"/bin/sh\",\"-c\",\"$json_script\""
			out=$(k run "${flags[@]}" --bundle "$D" "$(new_id)" 2>&1)
			if [ $HOST = v1 ]; then
				expect_match "$t: memory and pids hierarchies are there" "$out" '(^| )memory .*pids '
				[ -d $CG/unified ] &&
					expect_match "$t: the hybrid host's unified hierarchy too" "$out" ' unified( |$)'
			fi
			expect_match "$t: the container reads its own memory limit" "$out" "^mem=$LIMIT\$"
			expect_match "$t: and its own pids limit" "$out" '^pids=64$'
			expect_match "$t: cgroup.procs holds the container's processes" "$out" '^procs=1 ([0-9]+ )+$'
			expect_match "$t: nothing of the host's tree below" "$out" '^subdirs=0$'
			if [ $ro = ro ]; then
				expect_match "$t: the hierarchies are read-only" "$out" '^hier-ro'
				expect_match "$t: the tmpfs is read-only" "$out" '^top-ro'
			elif [ $HOST = v2 ] && [ $cgns = yes ] && [ $NSDELEGATE = yes ]; then
				# nsdelegate: a namespace root's limits belong to its parent
				expect_match "$t: the namespace root's limits are the parent's (nsdelegate)" \
					"$out" '^hier-ro'
			else
				expect_match "$t: the hierarchies are writable" "$out" '^hier-rw'
			fi
			if [ $cgns = yes ]; then
				expect_match "$t: a fresh cgroup mount rooted at the container" "$out" \
					'(^|;)/ /sys/fs/cgroup/?[a-z]* (cgroup|cgroup2);'
			else
				expect_match "$t: a bind of the container's own cgroup" "$out" \
					'(^|;)/keel/[^ ]+ /sys/fs/cgroup/?[a-z]* (cgroup|cgroup2);'
			fi
		done
	done
done

# A cgroup v2 host, seen through a private mount namespace where the hybrid
# host's unified hierarchy is bound over /sys/fs/cgroup (no controllers are
# enabled there: no limits, only the cgroup itself).
if [ -d $CG/unified ] && [ "$(fstype $CG/unified)" = cgroup2fs ] &&
   config_has CONFIG_CGROUP_V2; then
	v2script='cat /proc/self/cgroup; echo "procs=$(cat /sys/fs/cgroup/cgroup.procs | tr "\n" " ")";
		echo "subdirs=$(find /sys/fs/cgroup/ -mindepth 1 -type d | wc -l)";
		grep " /sys/fs/cgroup" /proc/self/mountinfo | cut -d" " -f4,5,9 | tr "\n" ";"'
	v2json=$(printf '%s' "$v2script" | tr '\n\t' '  ' | sed 's/\\/\\\\/g; s/"/\\"/g')
	for cgns in yes no; do
		for pivot in pivot no-pivot; do
			t="v2 host, $pivot, cgroupns=$cgns"
			flags=()
			[ $pivot = no-pivot ] && flags=(--no-pivot)
			D=$TMP/v2-$cgns-$pivot
			bundle_clone "$D" "$B"
			bundle_insert "$D" mounts '{"destination": "/sys/fs/cgroup", "type": "cgroup2", "source": "cgroup", "options": ["nosuid","noexec","nodev","ro"]}'
			[ $cgns = yes ] && bundle_set "$D" namespaces \
				'[{"type": "pid"},{"type": "mount"},{"type": "uts"},{"type": "ipc"},{"type": "cgroup"}]'
			bundle_args "$D" "\"/bin/sh\",\"-c\",\"$v2json\""
			id=$(new_id)
			out=$(unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1/unified" "$1" && shift && exec "$@"' \
				- $CG "$KEEL" --root "$ROOT" run "${flags[@]}" --bundle "$D" "$id" 2>&1)
			expect_match "$t: the container sees cgroup2 at /sys/fs/cgroup" "$out" \
				'(^|;)/[^ ]* /sys/fs/cgroup cgroup2;'
			expect_match "$t: cgroup.procs holds the container's processes" "$out" '^procs=1 ([0-9]+ )+$'
			expect_match "$t: nothing of the host's tree below" "$out" '^subdirs=0$'
			if [ $cgns = yes ]; then
				expect_match "$t: rooted at the container's cgroup" "$out" '^0::/$'
			else
				expect_match "$t: a bind of the container's own cgroup" "$out" \
					"(^|;)/keel/$id /sys/fs/cgroup cgroup2;"
			fi
		done
	done
fi

# nothing of it reached the host
expect_eq "no cgroup mount leaked to the host" \
	"$(awk -v t="$TMP" 'index($5, t) == 1 && ($9 == "cgroup" || $9 == "cgroup2")' /proc/self/mountinfo)" ""
done_testing
