#!/bin/bash
# SPDX-License-Identifier: MIT
# Namespaces, pivot_root, /proc and /dev as the container sees them.
. "$(dirname "$0")/../lib.sh"
need_root

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
host_hostname=$(hostname)

# inside ARGS_JSON [BUNDLE]: run the bundle with these args in the
# foreground, print its stdout; stderr goes to $TMP/err.
inside() {
	local d=$TMP/b-$RANDOM$RANDOM id
	bundle_clone "$d" "${2:-$B}"
	bundle_args "$d" "$1"
	id=$(new_id)
	k run --bundle "$d" "$id" 2>"$TMP/err"
}

host_ns() {
	readlink "/proc/self/ns/$1"
}

# --- pid, uts --------------------------------------------------------------------
expect_eq "probe is pid 1" "$(inside '"/probe","pid"')" 1
expect_eq "pid 1 has parent 0" "$(inside '"/probe","ppid"')" 0
expect_eq "hostname is the config's" "$(inside '"/probe","hostname"')" keel-test
H=$TMP/hostname
bundle_clone "$H"
bundle_set "$H" hostname "\"ns-$$\""
expect_eq "another hostname in config.json is honoured" \
	"$(inside '"/probe","hostname"' "$H")" "ns-$$"
expect_match "/proc shows the container's pid 1" \
	"$(inside '"/bin/sh","-c","tr \"\\\\0\" \" \" < /proc/1/cmdline; exit 0"')" '^/bin/sh -c'
n=$(inside '"/bin/sh","-c","ls /proc | grep -c \"^[0-9]\""')
if [ -n "$n" ] && [ "$n" -le 3 ]; then
	ok "/proc lists only the container's processes"
else
	fail "/proc lists only the container's processes" "numeric entries: '$n'"
fi

# --- namespace identities ----------------------------------------------------------
ns=$(inside '"/probe","ns"')
for t in pid mnt uts ipc; do
	got=$(printf '%s\n' "$ns" | grep "^$t:")
	if [ -n "$got" ] && [ "$got" != "$(host_ns $t)" ]; then
		ok "new $t namespace"
	else
		fail "new $t namespace" "inside: '$got'" "host:   '$(host_ns $t)'"
	fi
done
for t in net cgroup user; do
	expect_eq "$t namespace not in config is the host's" \
		"$(printf '%s\n' "$ns" | grep "^$t:")" "$(host_ns $t)"
done

N=$TMP/netns
bundle_clone "$N"
bundle_set "$N" namespaces '[{"type": "pid"},{"type": "mount"},{"type": "uts"},{"type": "ipc"},{"type": "network"}]'
got=$(inside '"/bin/sh","-c","/probe ns | grep ^net:; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d \" \""' "$N")
netns=$(printf '%s\n' "$got" | sed -n 1p)
if [ -n "$netns" ] && [ "$netns" != "$(host_ns net)" ]; then ok "network namespace is new"; else fail "network namespace is new" "inside: '$netns'"; fi
expect_eq "network namespace has only lo" "$(printf '%s\n' "$got" | sed 1d)" lo

# --- root filesystem -------------------------------------------------------------
echo secret >"$TMP/host-marker"
expect_eq "host files are not reachable" \
	"$(inside "\"/probe\",\"stat\",\"$TMP/host-marker\"")" ENOENT
expect_eq "/ is the bundle's rootfs" \
	"$(inside '"/bin/ls","-1","/"' | sort | tr '\n' ' ')" \
	"$(ls -1 "$B/rootfs" | sort | tr '\n' ' ')"

mi=$(inside '"/probe","mounts"')
# Guard the negative checks below against passing on empty output.
[ -n "$mi" ] || mi="(probe mounts printed nothing: $(cat "$TMP/err"))"
roots=$(printf '%s\n' "$mi" | awk '$5 == "/"' | wc -l)
expect_eq "mountinfo has exactly one mount on /" "$roots" 1
stray=$(printf '%s\n' "$mi" | awk 'NF < 10 || ($5 != "/" && $5 !~ "^/(proc|dev)(/|$)") { print $5 }')
expect_eq "no host mounts inside (pivot_root, old root detached)" "$stray" ""
for m in /work /etc/hostname /etc/resolv.conf /sys/fs/cgroup; do
	if awk -v m="$m" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; then
		expect_nomatch "host mount $m is not visible" "$mi" "^([^ ]+ ){4}$m "
	fi
done
expect_match "/proc is a proc mount" "$mi" '^([^ ]+ ){4}/proc [^-]*- proc '
expect_match "/dev is a tmpfs mount" "$mi" '^([^ ]+ ){4}/dev [^-]*- tmpfs '
expect_match "/proc/self/status is readable" \
	"$(inside '"/bin/cat","/proc/self/status"')" '^Name:'

# --- /dev -------------------------------------------------------------------------
devs=$(inside '"/bin/sh","-c","for d in null zero full random urandom tty; do echo \"$d $(/probe stat /dev/$d)\"; done"')
for d in "null 1,3" "zero 1,5" "full 1,7" "random 1,8" "urandom 1,9" "tty 5,0"; do
	set -- $d
	expect_match "/dev/$1 is char device $2" "$devs" "^$1 type=chr mode=[0-7]+ .* rdev=$2\$"
done
expect_eq "/dev/null is writable" "$(inside '"/probe","write","/dev/null"')" ok
expect_eq "/dev/zero reads zeros" \
	"$(inside '"/bin/sh","-c","head -c 4 /dev/zero | od -An -tx1 | tr -d \" \""')" 00000000

# --- joining a namespace by path ----------------------------------------------------
unshare --uts sh -c "hostname joined && touch '$TMP/uts-ready' && exec sleep 100" \
	</dev/null >/dev/null 2>&1 &
helper=$!
disown "$helper"	# no "Killed" notice when it is killed below
track_pid "$helper"
if wait_file "$TMP/uts-ready" 10; then
	J=$TMP/join
	bundle_clone "$J"
	bundle_del "$J" hostname
	bundle_set "$J" namespaces "[{\"type\": \"pid\"},{\"type\": \"mount\"},{\"type\": \"ipc\"},{\"type\": \"uts\", \"path\": \"/proc/$helper/ns/uts\"}]"
	got=$(inside '"/bin/sh","-c","/probe hostname; /probe ns | grep ^uts:"' "$J")
	expect_eq "joined uts namespace: hostname" "$(printf '%s\n' "$got" | sed -n 1p)" joined
	expect_eq "joined uts namespace: same namespace" \
		"$(printf '%s\n' "$got" | sed -n 2p)" "$(readlink "/proc/$helper/ns/uts")"
	[ -s "$TMP/err" ] && diag "stderr: $(cat "$TMP/err")"
else
	fail "helper in a new uts namespace started"
fi
kill -KILL "$helper" 2>/dev/null

expect_eq "host hostname unchanged" "$(hostname)" "$host_hostname"

# --- time namespace with linux.timeOffsets -------------------------------------
if [ -e /proc/self/ns/time ]; then
	T=$TMP/time
	bundle_clone "$T" "$B"
	sed -i 's|"namespaces": \[{"type": "pid"}|"namespaces": [{"type": "time"},{"type": "pid"}|' "$T/config.json"
	bundle_insert "$T" linux '"timeOffsets": {"boottime": {"secs": 2000000}, "monotonic": {"secs": 3000000, "nanosecs": 5}}'
	bundle_args "$T" '"/bin/cat","/proc/uptime"'
	id=$(new_id)
	host_up=$(cut -d. -f1 /proc/uptime)
	up=$(k run --bundle "$T" "$id" 2>&1)
	# the container's uptime is the host's plus 2000000 s (give 60 s of slack)
	case $up in [0-9]*.*) ;; *) up=0 ;; esac
	d=$(( ${up%%.*} - host_up - 2000000 ))
	if [ "$d" -ge 0 ] && [ "$d" -le 60 ]; then
		ok "boottime offset shows in the container's uptime"
	else
		fail "boottime offset shows in the container's uptime" "host $host_up s, container: $up"
	fi
	host_up=$(cut -d. -f1 /proc/uptime)
	if [ "$host_up" -lt 2000000 ]; then ok "the host's clock is untouched"; else skip "the host's clock is untouched" "host uptime over 23 days"; fi
	N=$TMP/time-nons
	bundle_clone "$N" "$B"
	bundle_insert "$N" linux '"timeOffsets": {"boottime": {"secs": 1}}'
	expect_create_fails "timeOffsets without a new time namespace" "$N" 'linux.timeOffsets: needs a new time namespace'
else
	skip "time namespace" "the kernel has no time namespaces (/proc/self/ns/time)"
fi

done_testing
