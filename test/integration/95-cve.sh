#!/bin/bash
# SPDX-License-Identifier: MIT
#
# CVE regression tests: each block reproduces a published runtime attack
# against keel and checks that it fails.  A comment before each block says
# what the attack does and which defence stops it.  Attacks already covered
# elsewhere are not repeated here (docs/cve-tests.md has the whole table):
# 45-exec.sh (keel exec runs from a sealed memfd), 15-runtime-flags.sh (a
# leaked host dir as process.cwd for create), 80-mount-safety.sh (static
# symlinks at mount targets, /dev/null swapped, CVE-2025-31133) and
# 25-console.sh (/dev/console swapped, CVE-2025-52565).
#
# Where an attack needs to win a race against keel, the test wins it for
# the attacker instead (a full pipe keeps the victim process waiting) so
# that the outcome depends only on keel's defence, not on luck.
. "$(dirname "$0")/../lib.sh"
need_root

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
B=$(realpath "$B")
TMP=$(realpath "$TMP")
bundle_args "$B" '"/probe","sleep","600"'

# host_mounts_under DIR: mount points at or below DIR in the host's table.
host_mounts_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo
}

# start_bg BUNDLE: a running container (its id on stdout).
start_bg() {
	local id
	id=$(new_id)
	k run -d --bundle "$1" "$id" >/dev/null 2>"$TMP/start.err" </dev/null ||
		diag "run -d $1: $(cat "$TMP/start.err")"
	echo "$id"
}

# full_pipe FD: open a fifo on FD (read-write, so it never blocks) and fill
# it: the next write to it blocks until the test reads.
full_pipe() {
	rm -f "$TMP/pipe.$1"
	mkfifo "$TMP/pipe.$1"
	eval "exec $1<>\"\$TMP/pipe.$1\""
	dd if=/dev/zero bs=65536 count=1 2>/dev/null >&"$1"
}

# ================================================================================
# CVE-2019-5736: the runtime's binary overwritten through /proc/<pid>/exe.
# The attack: the image replaces a program with the script "#!/proc/self/exe".
# When the runtime execve's it inside the container, the kernel runs the
# interpreter /proc/self/exe, that is the runtime's own binary, now as a
# container process.  A second process of the container opens
# /proc/<that pid>/exe, keeps the fd, waits for the runtime process to exit
# (the binary is no longer busy) and writes through /proc/self/fd/N: the
# host's runtime binary is overwritten, and the next runtime call runs the
# attacker's code as root on the host.
# Defence: exec, create and run re-execute keel from a sealed memfd copy
# (lib/selfexec.c, cmd/exec.c, cmd/create.c) before anything of the
# container is in reach, so /proc/self/exe is that copy: F_SEAL_WRITE makes
# the write fail, and the file on disk is never reachable.
# The test runs a copy of keel, so a keel without the defence only breaks
# the copy.  Found by this test: create/run were not sealed (a container
# joining another one's pid namespace could do it).
# ================================================================================
KC=$TMP/keel-5736
cp "$KEEL" "$KC"
kc() { KEEL=$KC k "$@"; }
sum_before=$(sha256sum <"$KC")

R5=$TMP/rootfs-5736
cp -a "$B/rootfs" "$R5"
printf '#!/proc/self/exe\n' >"$R5/evil"
chmod 0755 "$R5/evil"
# The attacker, inside the container: hold the first keel image that shows
# up in /proc, wait for "go" (the victim has exited), then write through it.
cat >"$R5/attack.sh" <<'EOF'
#!/bin/sh
rm -f /found /go /result
end=$(($(date +%s) + 20))
while [ ! -e /found ] && [ "$(date +%s)" -lt $end ]; do
	for p in /proc/[0-9]*; do
		[ "$p" = /proc/$$ ] && continue
		case $(readlink "$p/exe" 2>/dev/null) in
		*keel*) exec 3<"$p/exe" && readlink /proc/self/fd/3 >/found && break ;;
		esac
	done
done
[ -e /found ] || { echo none >/result; exit 1; }
while [ ! -e /go ]; do sleep 0.05; done
if echo PWNED >>/proc/self/fd/3; then echo written >/result; else echo refused >/result; fi
EOF
chmod 0755 "$R5/attack.sh"
A5=$TMP/attacker-5736
bundle_clone "$A5" "$B"
bundle_set "$A5" root "{\"path\": \"$R5\", \"readonly\": false}"
a5=$(start_bg "$A5")

# attack_5736 NAME CMD...: start the attacker in container $a5, run CMD with
# its stderr on a full pipe (the keel that runs in the container blocks on
# its "unknown command" message until the test drains the pipe), let the
# attacker open it, let it exit, let the attacker write.  CMD leaves the
# victim's host pid in $TMP/victim.pid.
attack_5736() {
	local name=$1 vpid
	shift
	rm -f "$R5/found" "$R5/go" "$R5/result" "$TMP/victim.pid"
	k exec -d "$a5" /attack.sh >/dev/null 2>&1
	full_pipe 8
	"$@" 2>&8
	wait_file "$R5/found" 20
	expect_match "$name: the attacker holds a keel image" "$(cat "$R5/found" 2>/dev/null)" 'keel'
	expect_match "$name: the image is the sealed memfd, not the file on disk" \
		"$(cat "$R5/found" 2>/dev/null)" '^/memfd:keel'
	head -c 65536 <&8 >/dev/null
	vpid=$(cat "$TMP/victim.pid" 2>/dev/null)
	[ -n "$vpid" ] && wait_pid_gone "$vpid" 10
	touch "$R5/go"
	wait_file "$R5/result" 10
	expect_eq "$name: the write through /proc/self/fd is refused" "$(cat "$R5/result" 2>/dev/null)" refused
	expect_eq "$name: keel's binary on disk is unchanged" "$(sha256sum <"$KC")" "$sum_before"
	exec 8>&-
}

# exec: the exec'd program is the trap; keel exec's child runs it.
exec_victim() {
	kc exec -d --pid-file "$TMP/victim.pid" "$a5" /evil >/dev/null
}
attack_5736 "CVE-2019-5736 via exec" exec_victim

# create/run: a container that joins the attacker's pid namespace (podman
# --pid container:X, a Kubernetes pod sharing its pid namespace) and whose
# entrypoint is the trap; keel's clone of itself, init, runs it.
V5=$TMP/victim-5736
bundle_clone "$V5" "$A5"
bundle_args "$V5" '"/evil"'
sed -i "s|{\"type\": \"pid\"}|{\"type\": \"pid\", \"path\": \"/proc/$(pid_of "$a5")/ns/pid\"}|" "$V5/config.json"
create_victim() {
	local id
	id=$(new_id)
	kc create --bundle "$V5" "$id" >/dev/null && pid_of "$id" >"$TMP/victim.pid" &&
		kc start "$id" 2>/dev/null
}
attack_5736 "CVE-2019-5736 via create in a shared pid namespace" create_victim
k delete --force "$a5" >/dev/null 2>&1

done_testing
