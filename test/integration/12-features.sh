#!/bin/bash
# SPDX-License-Identifier: MIT
#
# "keel features" tells the truth about the build: the defconfig keel and
# the allnoconfig keel ($KEEL_ALLNO) differ exactly where their configs do.
. "$(dirname "$0")/../lib.sh"

valid_json() {
	/usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' 2>&1
}

f=$("$KEEL" features 2>&1)
if ! [ -x /usr/bin/python3 ]; then
	skip "features is valid JSON" "no /usr/bin/python3 to parse it"
elif out=$(printf '%s' "$f" | valid_json); then ok "features is valid JSON"; else fail "features is valid JSON" "$out"; fi
expect_match "features has ociVersionMax 1.2.0" "$f" '"ociVersionMax": "1.2.0"'
flat=$(printf '%s' "$f" | tr -d ' \n')

yes_no() {	# yes_no CONFIG_X -> true|false
	config_has "$1" && echo true || echo false
}
expect_match "seccomp.enabled follows CONFIG_SECCOMP" "$flat" "\"seccomp\":\{\"enabled\":$(yes_no CONFIG_SECCOMP)"
expect_match "cgroup.v1 follows CONFIG_CGROUP_V1" "$flat" "\"v1\":$(yes_no CONFIG_CGROUP_V1)"
expect_match "cgroup.v2 follows CONFIG_CGROUP_V2" "$flat" "\"v2\":$(yes_no CONFIG_CGROUP_V2)"
if config_has CONFIG_USERNS; then
	expect_match "namespaces list user with CONFIG_USERNS" "$flat" '"namespaces":\[[^]]*"user"'
else
	expect_nomatch "namespaces omit user without CONFIG_USERNS" "$flat" '"namespaces":\[[^]]*"user"'
fi
if config_has CONFIG_HOOKS; then
	expect_match "hooks listed with CONFIG_HOOKS" "$flat" '"hooks":\["prestart","createRuntime","createContainer","startContainer","poststart","poststop"\]'
else
	expect_match "no hooks without CONFIG_HOOKS" "$flat" '"hooks":\[\]'
fi
expect_nomatch "options keel refuses are not listed" "$flat" '"mountOptions":\[[^]]*"tmpcopyup"'
if config_has CONFIG_MOUNT_IDMAP; then
	expect_match "idmap listed with CONFIG_MOUNT_IDMAP" "$flat" '"mountOptions":\[[^]]*"idmap","ridmap"'
	expect_match "mountExtensions.idmap enabled with CONFIG_MOUNT_IDMAP" "$flat" '"mountExtensions":\{"idmap":\{"enabled":true\}'
else
	expect_nomatch "idmap not listed without CONFIG_MOUNT_IDMAP" "$flat" '"mountOptions":\[[^]]*"idmap"'
	expect_match "mountExtensions.idmap disabled without CONFIG_MOUNT_IDMAP" "$flat" '"mountExtensions":\{"idmap":\{"enabled":false\}'
fi
expect_match "recursive attributes keel applies are listed" "$flat" '"mountOptions":\[[^]]*"rro"'
expect_match "options keel applies are listed" "$flat" '"mountOptions":\[[^]]*"nosuid"'
if config_has CONFIG_SECCOMP; then
	expect_match "seccomp actions listed" "$flat" '"actions":\[[^]]*"SCMP_ACT_ERRNO"'
	expect_match "seccomp archs listed" "$flat" '"archs":\[[^]]*"SCMP_ARCH_AARCH64"'
fi

if [ -n "${KEEL_ALLNO:-}" ] && [ -x "$KEEL_ALLNO" ]; then
	n=$("$KEEL_ALLNO" features 2>&1)
	if ! [ -x /usr/bin/python3 ]; then
		skip "allnoconfig features is valid JSON" "no /usr/bin/python3 to parse it"
	elif out=$(printf '%s' "$n" | valid_json); then
		ok "allnoconfig features is valid JSON"
	else
		fail "allnoconfig features is valid JSON" "$out"
	fi
	nflat=$(printf '%s' "$n" | tr -d ' \n')
	expect_match "allnoconfig: seccomp disabled" "$nflat" '"seccomp":\{"enabled":false\}'
	expect_match "allnoconfig: no cgroup drivers" "$nflat" '"cgroup":\{"v1":false,"v2":false'
	expect_nomatch "allnoconfig: no user namespace" "$nflat" '"namespaces":\[[^]]*"user"'
	expect_match "allnoconfig: no hooks" "$nflat" '"hooks":\[\]'
	expect_match "allnoconfig: idmap disabled" "$nflat" '"mountExtensions":\{"idmap":\{"enabled":false\}'
	if [ "$n" != "$f" ]; then ok "the two builds say different things"; else fail "the two builds say different things"; fi
else
	skip "allnoconfig features" "KEEL_ALLNO is not set"
fi

done_testing
