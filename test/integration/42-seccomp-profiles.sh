#!/bin/bash
# SPDX-License-Identifier: MIT
#
# seccomp actions beyond errno and kill (trap, log, trace), filter flags,
# architecture lists for the boards, and the real-world profile: the one
# podman and Docker apply (containers-common's seccomp.json), converted to
# the OCI form as podman converts it (test/seccomp-oci.py), loaded under a
# busybox shell that must work, while the calls it blocks fail with the
# errno it names.
. "$(dirname "$0")/../lib.sh"
need_root

if ! config_has CONFIG_SECCOMP; then
	echo "1..0 # SKIP keel built without CONFIG_SECCOMP"
	exit 0
fi
B=$TMP/bundle
make_bundle "$B" || { fail "mkbundle.sh builds the test bundle"; done_testing; }

# run_sc NAME SECCOMP-JSON ARGS-JSON: run it, stdout+stderr; rc in $TMP/rc
run_sc() {
	local d=$TMP/$1 rc
	bundle_clone "$d" "$B"
	bundle_insert "$d" linux "\"seccomp\": $2"
	bundle_args "$d" "$3"
	k run --bundle "$d" "$(new_id)" 2>&1; rc=$?
	echo $rc >"$TMP/rc"
}

getcwd_rule() { echo "{\"defaultAction\": \"SCMP_ACT_ALLOW\"${2:+, $2}, \"syscalls\": [{\"names\": [\"getcwd\"], \"action\": \"$1\"}]}"; }

out=$(run_sc trap "$(getcwd_rule SCMP_ACT_TRAP)" '"/probe","syscall","getcwd"')
expect_eq "SCMP_ACT_TRAP: the process dies of SIGSYS (exit 128+31)" "$(cat "$TMP/rc")" 159

out=$(run_sc log "$(getcwd_rule SCMP_ACT_LOG)" '"/bin/sh","-c","/probe syscall getcwd; /probe seccomp"')
expect_eq "SCMP_ACT_LOG: the call goes through, under a filter" "$out" $'/\n2'

out=$(run_sc trace "$(getcwd_rule SCMP_ACT_TRACE)" '"/probe","syscall","getcwd"')
expect_eq "SCMP_ACT_TRACE without a tracer: ENOSYS" "$out" "errno 38 ENOSYS"

# --- flags ---------------------------------------------------------------------------
for f in SECCOMP_FILTER_FLAG_TSYNC SECCOMP_FILTER_FLAG_LOG SECCOMP_FILTER_FLAG_SPEC_ALLOW; do
	out=$(run_sc "flag-$f" "$(getcwd_rule SCMP_ACT_ERRNO "\"flags\": [\"$f\"]")" '"/probe","syscall","getcwd"')
	expect_eq "flag $f: the filter loads and holds" "$out" "errno 1 EPERM"
done

# --- architectures -------------------------------------------------------------------
# The lists the boards' profiles carry (aarch64 with arm, riscv64, x86_64
# with x86 and x32): loaded here, the native one decides.
arches='"SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32","SCMP_ARCH_AARCH64","SCMP_ARCH_ARM","SCMP_ARCH_RISCV64"'
out=$(run_sc arches "$(getcwd_rule SCMP_ACT_ERRNO "\"architectures\": [$arches]")" '"/probe","syscall","getcwd"')
expect_eq "architectures of every board: loads, the rule holds natively" "$out" "errno 1 EPERM"
out=$(run_sc foreign "$(getcwd_rule SCMP_ACT_ERRNO '"architectures": ["SCMP_ARCH_AARCH64","SCMP_ARCH_ARM"]')" \
	'"/bin/sh","-c","/probe syscall getcwd; echo sh-works"')
expect_eq "only foreign architectures listed: the native one is kept, as runc does" "$out" \
	$'errno 1 EPERM\nsh-works'

# --- podman's default profile ----------------------------------------------------------
PROFILE=/usr/share/containers/seccomp.json
SARCH=$(seccomp_arch)
# The profile as podman hands it to the runtime, for this architecture
# [with one more capability]: converted here, or, where there is no
# python3 or containers-common (the board guests), converted by
# scripts/board-image.sh on the build host, the same way.
PREBUILT=$KEEL_SRC/test/podman-seccomp
podman_profile() {
	if [ -r $PROFILE ] && [ -x /usr/bin/python3 ]; then
		/usr/bin/python3 "$KEEL_SRC/test/seccomp-oci.py" $PROFILE "$SARCH" "$@"
	else
		cat "$PREBUILT${1:+-$1}.json"
	fi
}
if { [ ! -r $PROFILE ] || ! [ -x /usr/bin/python3 ]; } && [ -r "$PREBUILT.json" ]; then
	diag "the profile converted on the build host: $PREBUILT.json"
fi
if [ ! -r $PROFILE ] && [ ! -r "$PREBUILT.json" ]; then
	skip "podman's default profile" "$PROFILE missing (scripts/host-packages.sh installs golang-github-containers-common)"
elif ! [ -x /usr/bin/python3 ] && [ ! -r "$PREBUILT.json" ]; then
	skip "podman's default profile" "no /usr/bin/python3 to convert it"
else
	sc=$(podman_profile)
	n=$(printf '%s' "$sc" | grep -o '"names"' | wc -l)
	[ "$n" -gt 10 ] && ok "the profile converts ($n rules)" || fail "the profile converts" "$sc"
	script='echo hi; ls / | wc -l; cat /etc/passwd | head -1; /probe syscall personality 0xffffffff;
		/probe syscall personality 1; chroot / /bin/true 2>&1; /probe ids'
	json=$(printf '%s' "$script" | tr '\n\t' '  ' | sed 's/"/\\"/g')
	for nnp in false true; do
		out=$(run_sc "podman-$nnp" "$sc" "\"/bin/sh\",\"-c\",\"$json\"")
		expect_match "podman profile, nnp=$nnp: the busybox shell works" "$out" $'^hi\n[0-9]+\nroot:'
		expect_match "podman profile, nnp=$nnp: an allowed personality query works" "$out" $'\n'"$PERS0"$'\n'
		expect_match "podman profile, nnp=$nnp: personality(1) gets the default ENOSYS" "$out" \
			$'\nerrno 38 ENOSYS\n'
		expect_match "podman profile, nnp=$nnp: chroot without CAP_SYS_CHROOT gets EPERM" "$out" \
			'chroot: .*Operation not permitted'
		expect_match "podman profile, nnp=$nnp: the container ran to its end" "$out" '^uid=0 '
	done
	# with CAP_SYS_CHROOT the profile allows chroot (includes.caps)
	sc=$(podman_profile CAP_SYS_CHROOT)
	d=$TMP/podman-cap
	bundle_clone "$d" "$B"
	bundle_insert "$d" linux "\"seccomp\": $sc"
	bundle_insert "$d" process '"capabilities": {"bounding": ["CAP_SYS_CHROOT"], "effective": ["CAP_SYS_CHROOT"], "permitted": ["CAP_SYS_CHROOT"]}'
	bundle_args "$d" '"/bin/sh","-c","chroot / /bin/echo chrooted"'
	expect_eq "podman profile with CAP_SYS_CHROOT: chroot is allowed" \
		"$(k run --bundle "$d" "$(new_id)" 2>&1)" chrooted
fi
done_testing
