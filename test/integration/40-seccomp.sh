#!/bin/bash
# SPDX-License-Identifier: MIT
# linux.seccomp: filters load in the container (with and without
# noNewPrivileges), actions, argument filters, and what create refuses.
. "$(dirname "$0")/../lib.sh"
need_root

if ! config_has CONFIG_SECCOMP; then
	echo "1..0 # SKIP keel built without CONFIG_SECCOMP"
	exit 0
fi

B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }
B=$(realpath "$B")

# sc_bundle DIR SECCOMP-JSON [PROCESS-MEMBERS]: a clone of $B with this
# linux.seccomp (and extra process members, e.g. '"noNewPrivileges": true').
sc_bundle() {
	bundle_clone "$1" "$B" &&
	bundle_insert "$1" linux "\"seccomp\": $2" || return
	[ -z "${3:-}" ] || bundle_insert "$1" process "$3"
}

# inside BUNDLE ARGS_JSON: run with these args in the foreground, print its
# stdout; stderr goes to $TMP/err, the exit status to $TMP/rc.
inside() {
	local d=$TMP/b-$RANDOM$RANDOM id rc
	bundle_clone "$d" "$1"
	bundle_args "$d" "$2"
	id=$(new_id)
	k run --bundle "$d" "$id" 2>"$TMP/err"; rc=$?
	echo $rc >"$TMP/rc"
	return $rc
}

getcwd_enosys='{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
report='"/bin/sh","-c","/probe syscall getcwd; /probe seccomp; /probe nnp; /probe ids"'

# --- ERRNO on one syscall, with and without noNewPrivileges ---------------------
for nnp in false true; do
	S=$TMP/getcwd-nnp-$nnp
	sc_bundle "$S" "$getcwd_enosys" "\"noNewPrivileges\": $nnp"
	out=$(inside "$S" "$report")
	expect_rc "getcwd ERRNO 38, noNewPrivileges $nnp: the container runs" "$(cat "$TMP/rc")" 0
	[ -s "$TMP/err" ] && diag "stderr: $(cat "$TMP/err")"
	expect_eq "getcwd ERRNO 38, noNewPrivileges $nnp: probe sees errno 38" \
		"$(printf '%s\n' "$out" | sed -n 1p)" "errno 38 ENOSYS"
	expect_eq "getcwd ERRNO 38, noNewPrivileges $nnp: seccomp mode 2 (filter)" \
		"$(printf '%s\n' "$out" | sed -n 2p)" 2
	expect_eq "getcwd ERRNO 38, noNewPrivileges $nnp: NoNewPrivs matches" \
		"$(printf '%s\n' "$out" | sed -n 3p)" "$([ $nnp = true ] && echo 1 || echo 0)"
done

# Without noNewPrivileges the filter needs CAP_SYS_ADMIN to load: it must go
# in before the switch to an unprivileged user, and still hold after it.
U=$TMP/getcwd-user
sc_bundle "$U" "$getcwd_enosys"
bundle_set "$U" user '{"uid": 1000, "gid": 1000}'
out=$(inside "$U" "$report")
expect_rc "uid 1000 without noNewPrivileges: the container runs" "$(cat "$TMP/rc")" 0
[ -s "$TMP/err" ] && diag "stderr: $(cat "$TMP/err")"
expect_eq "uid 1000 without noNewPrivileges: filter applies" "$out" \
	"$(printf '%s\n' "errno 38 ENOSYS" 2 0 "uid=1000 gid=1000 groups=")"

# The filter is not in force before start: keel's own getcwd-free setup is
# not what this checks, but an unfiltered host process must be unaffected.
expect_eq "the host is not filtered" "$(grep '^Seccomp:' /proc/self/status | tr -d '\t ')" "Seccomp:0"

# --- kill actions ---------------------------------------------------------------
for act in SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL; do
	K=$TMP/kill-$act
	sc_bundle "$K" "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getcwd\"], \"action\": \"$act\"}]}"
	out=$(inside "$K" '"/probe","syscall","getcwd"')
	expect_rc "$act on getcwd: run exits 159 (128+SIGSYS)" "$(cat "$TMP/rc")" 159
	expect_eq "$act on getcwd: the probe printed nothing" "$out" ""
done

# --- ERRNO on mkdir ---------------------------------------------------------------
M=$TMP/mkdir
sc_bundle "$M" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
inside "$M" "\"/bin/mkdir\",\"/tmp/sc-$$\"" >/dev/null
rc=$(cat "$TMP/rc")
if [ "$rc" != 0 ]; then ok "mkdir blocked: mkdir exits non-zero"; else fail "mkdir blocked: mkdir exits non-zero"; fi
expect_match "mkdir blocked: 'Permission denied'" "$(cat "$TMP/err")" 'Permission denied'
if [ ! -e "$B/rootfs/tmp/sc-$$" ]; then ok "mkdir blocked: no directory in the rootfs"; else fail "mkdir blocked: no directory in the rootfs"; fi
out=$(inside "$M" '"/bin/sh","-c","echo x > /tmp/sc-file && cat /tmp/sc-file && rm /tmp/sc-file"')
expect_eq "mkdir blocked: other syscalls still work" "$out" x

# --- argument filter ---------------------------------------------------------------
# personality(0xffffffff) only queries; the rule matches that value alone.
A=$TMP/args
sc_bundle "$A" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_EQ"}]}]}'
out=$(inside "$A" '"/bin/sh","-c","/probe syscall personality 0xffffffff; /probe syscall personality 0"')
expect_eq "args filter: personality(0xffffffff) gets EPERM" "$(printf '%s\n' "$out" | sed -n 1p)" "errno 1 EPERM"
expect_eq "args filter: personality(0) is allowed" "$(printf '%s\n' "$out" | sed -n 2p)" "$PERS0"

A2=$TMP/args-masked
sc_bundle "$A2" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22, "args": [{"index": 0, "value": 255, "valueTwo": 8, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
out=$(inside "$A2" '"/bin/sh","-c","/probe syscall personality 0x0008; /probe syscall personality 0"')
expect_eq "args filter MASKED_EQ: personality(8) gets EINVAL" "$(printf '%s\n' "$out" | sed -n 1p)" "errno 22 EINVAL"
expect_eq "args filter MASKED_EQ: personality(0) is allowed" "$(printf '%s\n' "$out" | sed -n 2p)" "$PERS0"

# --- a default-deny allow-list ------------------------------------------------------
# Everything keel's init does after loading the filter (identity, caps,
# close_range, execve) and what busybox sh and the probe need; personality
# and mkdir are not in it.  The 32-bit names (setgid32, mmap2, the time64
# calls, ARM's set_tls) are what musl uses on armv7; other architectures
# have no such calls, and libseccomp leaves them out of their filters.
allow='"read","write","writev","readv","open","openat","close","close_range","fstat","newfstatat","stat","lstat","statx","mmap","munmap","mprotect","mremap","brk","rt_sigaction","rt_sigprocmask","rt_sigreturn","sigaltstack","ioctl","access","faccessat","faccessat2","execve","exit","exit_group","wait4","clone","fork","vfork","getpid","getppid","gettid","getuid","geteuid","getgid","getegid","getgroups","setgroups","setresuid","setresgid","setuid","setgid","getuid32","geteuid32","getgid32","getegid32","getgroups32","setgroups32","setresuid32","setresgid32","setuid32","setgid32","mmap2","fstat64","stat64","lstat64","fstatat64","fcntl64","_llseek","ugetrlimit","set_tls","clock_gettime64","clock_nanosleep_time64","ppoll_time64","futex_time64","sigreturn","prctl","capget","capset","arch_prctl","set_tid_address","set_robust_list","rseq","prlimit64","getrlimit","getrandom","readlink","readlinkat","uname","getcwd","getdents64","fcntl","dup","dup2","dup3","umask","chdir","poll","ppoll","futex","tkill","tgkill","lseek","pread64","madvise","sched_getaffinity","sched_yield","pipe","pipe2","nanosleep","clock_nanosleep","clock_gettime"'
D=$TMP/deny
sc_bundle "$D" "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1, \"syscalls\": [{\"names\": [$allow], \"action\": \"SCMP_ACT_ALLOW\"}]}"
out=$(inside "$D" '"/bin/sh","-c","/probe syscall getcwd; /probe seccomp; /probe syscall personality 0; mkdir /tmp/deny-'$$' || echo mkdir-failed"')
expect_rc "default ERRNO + allow-list: the container runs" "$(cat "$TMP/rc")" 0
[ "$(cat "$TMP/rc")" = 0 ] || diag "stderr: $(cat "$TMP/err")"
expect_eq "default ERRNO + allow-list: allowed getcwd works" "$(printf '%s\n' "$out" | sed -n 1p)" /
expect_eq "default ERRNO + allow-list: seccomp mode 2" "$(printf '%s\n' "$out" | sed -n 2p)" 2
expect_eq "default ERRNO + allow-list: personality gets defaultErrnoRet 1" \
	"$(printf '%s\n' "$out" | sed -n 3p)" "errno 1 EPERM"
expect_eq "default ERRNO + allow-list: mkdir fails" "$(printf '%s\n' "$out" | sed -n 4p)" mkdir-failed
expect_match "default ERRNO + allow-list: mkdir says Operation not permitted" "$(cat "$TMP/err")" 'Operation not permitted'

DN=$TMP/deny-nnp
sc_bundle "$DN" "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1, \"syscalls\": [{\"names\": [$allow], \"action\": \"SCMP_ACT_ALLOW\"}]}" '"noNewPrivileges": true'
bundle_set "$DN" user '{"uid": 1000, "gid": 1000, "additionalGids": [5]}'
out=$(inside "$DN" '"/bin/sh","-c","/probe ids; /probe nnp; /probe syscall personality 0; exit 0"')
expect_rc "default ERRNO + allow-list, uid 1000, noNewPrivileges: runs" "$(cat "$TMP/rc")" 0
[ "$(cat "$TMP/rc")" = 0 ] || diag "stderr: $(cat "$TMP/err")"
expect_eq "default ERRNO + allow-list, uid 1000, noNewPrivileges: what the probe sees" "$out" \
	"$(printf '%s\n' "uid=1000 gid=1000 groups=5" 1 "errno 1 EPERM")"

# --- names and architectures ---------------------------------------------------------
X=$TMP/unknown-name
sc_bundle "$X" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["keel_no_such_syscall", "getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
out=$(inside "$X" '"/probe","syscall","getcwd"')
expect_eq "unknown syscall name is skipped, the rest applies" "$out" "errno 38 ENOSYS"
[ -s "$TMP/err" ] && diag "stderr: $(cat "$TMP/err")"

AR=$TMP/arches
sc_bundle "$AR" '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
if [ "$(uname -m)" = x86_64 ]; then
	out=$(inside "$AR" '"/probe","syscall","getcwd"')
	expect_eq "architectures X86_64, X86, X32 accepted; filter applies" "$out" "errno 38 ENOSYS"
	[ -s "$TMP/err" ] && diag "stderr: $(cat "$TMP/err")"
else
	skip "architectures X86_64, X86, X32 accepted; filter applies" "host is $(uname -m)"
fi

# --- refused configs leave nothing -------------------------------------------------------
F=$TMP/bad-action
sc_bundle "$F" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_FOO"}]}'
expect_create_fails "unknown action" "$F" 'linux\.seccomp\.syscalls\[0\]\.action.*SCMP_ACT_FOO'

F=$TMP/bad-default
sc_bundle "$F" '{"defaultAction": "SCMP_ACT_NOPE"}'
expect_create_fails "unknown defaultAction" "$F" 'linux\.seccomp\.defaultAction'

F=$TMP/bad-arch
sc_bundle "$F" '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_FOO"]}'
expect_create_fails "unknown architecture" "$F" 'linux\.seccomp\.architectures\[0\].*SCMP_ARCH_FOO'

F=$TMP/bad-errno
sc_bundle "$F" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 70000}]}'
expect_create_fails "errnoRet above 65535" "$F" 'linux\.seccomp\.syscalls\[0\]\.errnoRet'

F=$TMP/bad-op
sc_bundle "$F" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_FOO"}]}]}'
expect_create_fails "unknown operator" "$F" 'linux\.seccomp\.syscalls\[0\]\.args\[0\]\.op'

F=$TMP/notify-no-listener
sc_bundle "$F" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_NOTIFY"}]}'
expect_create_fails "SCMP_ACT_NOTIFY without listenerPath" "$F" 'listenerPath'

# --- exec applies the container's filter too ---------------------------------------
if config_has CONFIG_EXEC; then
	X=$TMP/exec-filter
	sc_bundle "$X" "$getcwd_enosys"
	bundle_args "$X" '"/probe","sleep","60"'
	id=$(new_id)
	k run -d --bundle "$X" "$id" >/dev/null 2>&1
	expect_eq "exec'd process: getcwd gets the container's errno 38" \
		"$(k exec "$id" /probe syscall getcwd 2>&1)" "errno 38 ENOSYS"
	expect_eq "exec'd process: seccomp mode 2" "$(k exec "$id" /probe seccomp 2>&1)" 2
	k delete --force "$id" >/dev/null 2>&1
else
	skip "exec applies the container's filter" "keel built without CONFIG_EXEC"
fi

done_testing
