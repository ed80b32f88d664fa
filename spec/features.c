// SPDX-License-Identifier: MIT
/*
 * "keel features": the runtime-spec features document (features.md,
 * features-linux.md).  It lists what this build accepts *and applies*, so
 * a higher-level runtime can ask before it writes a config.json: an entry
 * here that create would refuse is a bug.  The lists come from the same
 * tables the parser uses, minus what another subsystem still refuses.
 */
#include <string.h>

#include "lib/jsonw.h"
#include "lib/util.h"
#include "spec/spec-internal.h"

/*
 * Whether keel runs hooks (ns/hooks.c, since e1ddc3b).  Set it to 0 to
 * report none while they are parsed but refused; with CONFIG_HOOKS=n none
 * is reported regardless.
 */
#define HOOKS_IMPLEMENTED 1

/* Architectures libseccomp added in 2.6: 2.5.x cannot resolve them. */
static const char *const arches_2_6[] = {
	"SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
};

static unsigned int version_num(const char **s)
{
	unsigned int n = 0;

	for (; **s >= '0' && **s <= '9' && n < 100000; (*s)++)
		n = n * 10 + (unsigned int)(**s - '0');
	return n;
}

/* "2.6.0" or later; no sscanf, which would cost 4 KiB here. */
static bool libseccomp_2_6(const struct spec_features_build *b)
{
	const char *v = b->libseccomp_version;
	unsigned int major, minor;

	if (!v)
		return false;
	major = version_num(&v);
	if (*v++ != '.')
		return false;
	minor = version_num(&v);
	return major > 2 || (major == 2 && minor >= 6);
}

/*
 * A small indenting JSON writer.  cJSON_Print() would do, but it drags in
 * sscanf() (for numbers this document does not have): 6 KiB in a binary
 * whose allnoconfig target is 128 KiB.
 */
static void add_enabled(struct jw *o, const char *key, bool on)
{
	jw_open(o, key, '{');
	jw_bool(o, "enabled", on);
	jw_close(o, '}');
}

static void add_seccomp(struct jw *o, const struct spec_features_build *b)
{
	bool v2_6 = libseccomp_2_6(b);

	jw_open(o, "seccomp", '{');
	jw_bool(o, "enabled", IS_ENABLED(CONFIG_SECCOMP));
	if (!IS_ENABLED(CONFIG_SECCOMP))
		return jw_close(o, '}');
	jw_open(o, "actions", '[');
	/* SCMP_ACT_NOTIFY only with CONFIG_SECCOMP_NOTIFY (the listener) */
	for (size_t i = 0; i < spec_n_sc_actions; i++)
		if (spec_sc_actions[i].val != SPEC_SC_NOTIFY || IS_ENABLED(CONFIG_SECCOMP_NOTIFY))
			jw_str(o, NULL, spec_sc_actions[i].name);
	jw_close(o, ']');
	jw_open(o, "operators", '[');
	for (size_t i = 0; i < spec_n_sc_ops; i++)
		jw_str(o, NULL, spec_sc_ops[i].name);
	jw_close(o, ']');
	jw_open(o, "archs", '[');
	for (size_t i = 0; i < spec_n_sc_arches; i++)
		if (v2_6 || name_index(arches_2_6, ARRAY_SIZE(arches_2_6), spec_sc_arches[i]) < 0)
			jw_str(o, NULL, spec_sc_arches[i]);
	jw_close(o, ']');
	jw_open(o, "knownFlags", '[');
	for (size_t i = 0; i < spec_n_sc_flags; i++)
		jw_str(o, NULL, spec_sc_flags[i]);
	jw_close(o, ']');
	/* libseccomp 2.5 has no attribute for WAIT_KILLABLE_RECV (seccomp/build.c) */
	jw_open(o, "supportedFlags", '[');
	for (size_t i = 0; i < spec_n_sc_flags; i++)
		if (v2_6 || strcmp(spec_sc_flags[i], "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"))
			jw_str(o, NULL, spec_sc_flags[i]);
	jw_close(o, ']');
	jw_close(o, '}');
}

static void add_linux(struct jw *o, const struct spec_features_build *b)
{
	jw_open(o, "linux", '{');
	jw_open(o, "namespaces", '[');
	for (int t = 0; t < SPEC_NS_COUNT; t++) {
		/* ns/spawn.c ns_check() refuses these */
		if (t == SPEC_NS_USER && !IS_ENABLED(CONFIG_USERNS))
			continue;
		jw_str(o, NULL, spec_ns_names[t]);
	}
	jw_close(o, ']');
	jw_open(o, "capabilities", '[');
	for (size_t i = 0; i < spec_n_caps; i++)
		jw_str(o, NULL, spec_cap_names[i]);
	jw_close(o, ']');
	jw_open(o, "cgroup", '{');
	jw_bool(o, "v1", IS_ENABLED(CONFIG_CGROUP_V1));
	jw_bool(o, "v2", IS_ENABLED(CONFIG_CGROUP_V2));
	jw_bool(o, "systemd", false);
	jw_bool(o, "systemdUser", false);
	jw_bool(o, "rdma", IS_ENABLED(CONFIG_CGROUP_V1) || IS_ENABLED(CONFIG_CGROUP_V2));
	jw_close(o, '}');
	add_seccomp(o, b);
	add_enabled(o, "apparmor", false);
	add_enabled(o, "selinux", false);
	add_enabled(o, "intelRdt", false);
	jw_open(o, "mountExtensions", '{');
	add_enabled(o, "idmap", IS_ENABLED(CONFIG_MOUNT_IDMAP));
	jw_close(o, '}');
	jw_close(o, '}');
}

char *spec_features_json(const struct spec_features_build *b)
{
	struct jw o = { .pretty = true };
	const char *opt;

	jw_open(&o, NULL, '{');
	jw_str(&o, "ociVersionMin", "1.0.0");
	jw_str(&o, "ociVersionMax", "1.2.0");
	jw_open(&o, "hooks", '[');
	if (HOOKS_IMPLEMENTED && IS_ENABLED(CONFIG_HOOKS))
		for (int k = 0; k < SPEC_HOOK_COUNT; k++)
			jw_str(&o, NULL, spec_hook_names[k]);
	jw_close(&o, ']');
	/* the other MNT_KEEP ones are refused by mount/check.c for now */
	jw_open(&o, "mountOptions", '[');
	for (size_t i = 0; (opt = mnt_opt_applied(i)); i++)
		jw_str(&o, NULL, opt);
	if (IS_ENABLED(CONFIG_MOUNT_IDMAP)) {
		jw_str(&o, NULL, "idmap");
		jw_str(&o, NULL, "ridmap");
	}
	jw_close(&o, ']');
	add_linux(&o, b);
	jw_open(&o, "annotations", '{');
	if (b->keel_version)
		jw_str(&o, "org.keel.version", b->keel_version);
	if (IS_ENABLED(CONFIG_SECCOMP) && b->libseccomp_version)
		jw_str(&o, "io.github.seccomp.libseccomp.version", b->libseccomp_version);
	jw_close(&o, '}');
	jw_close(&o, '}');
	return o.buf;
}
