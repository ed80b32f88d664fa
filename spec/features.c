// SPDX-License-Identifier: MIT
/*
 * "keel features": the runtime-spec features document (features.md,
 * features-linux.md).  It lists what this build accepts *and applies*, so
 * a higher-level runtime can ask before it writes a config.json: an entry
 * here that create would refuse is a bug.  The lists come from the same
 * tables the parser uses, minus what another subsystem still refuses.
 */
#include <string.h>

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
struct out {
	char *buf;
	size_t len, cap;
	int depth;
	bool first;		/* nothing written yet in the open container */
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->buf = xrealloc(o->buf, o->cap);
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void put_str(struct out *o, const char *s)
{
	put(o, "\"", 1);
	for (; *s; s++) {
		char esc[8];

		if (*s == '"' || *s == '\\') {
			esc[0] = '\\';
			esc[1] = *s;
			put(o, esc, 2);
		} else if ((unsigned char)*s < 0x20) {
			memcpy(esc, "\\u00", 4);
			esc[4] = "0123456789abcdef"[(unsigned char)*s >> 4];
			esc[5] = "0123456789abcdef"[*s & 0xf];
			put(o, esc, 6);
		} else {
			put(o, s, 1);
		}
	}
	put(o, "\"", 1);
}

/* Start a member (key) or an array element (key NULL). */
static void item(struct out *o, const char *key)
{
	if (!o->first)
		put(o, ",", 1);
	put(o, "\n", 1);
	for (int i = 0; i < o->depth; i++)
		put(o, "  ", 2);
	if (key) {
		put_str(o, key);
		put(o, ": ", 2);
	}
	o->first = false;
}

static void open_(struct out *o, const char *key, const char *bracket)
{
	item(o, key);
	put(o, bracket, 1);
	o->depth++;
	o->first = true;
}

static void close_(struct out *o, const char *bracket)
{
	o->depth--;
	if (!o->first) {
		put(o, "\n", 1);
		for (int i = 0; i < o->depth; i++)
			put(o, "  ", 2);
	}
	put(o, bracket, 1);
	o->first = false;
}

static void add_str(struct out *o, const char *key, const char *val)
{
	item(o, key);
	put_str(o, val);
}

static void add_bool(struct out *o, const char *key, bool val)
{
	item(o, key);
	put(o, val ? "true" : "false", val ? 4 : 5);
}

static void add_enabled(struct out *o, const char *key, bool on)
{
	open_(o, key, "{");
	add_bool(o, "enabled", on);
	close_(o, "}");
}

static void add_seccomp(struct out *o, const struct spec_features_build *b)
{
	bool v2_6 = libseccomp_2_6(b);

	open_(o, "seccomp", "{");
	add_bool(o, "enabled", IS_ENABLED(CONFIG_SECCOMP));
	if (!IS_ENABLED(CONFIG_SECCOMP))
		return close_(o, "}");
	open_(o, "actions", "[");
	/* SCMP_ACT_NOTIFY is parsed, but create refuses listenerPath (which
	 * NOTIFY requires) until the notify path lands: not listed. */
	for (size_t i = 0; i < spec_n_sc_actions; i++)
		if (spec_sc_actions[i].val != SPEC_SC_NOTIFY)
			add_str(o, NULL, spec_sc_actions[i].name);
	close_(o, "]");
	open_(o, "operators", "[");
	for (size_t i = 0; i < spec_n_sc_ops; i++)
		add_str(o, NULL, spec_sc_ops[i].name);
	close_(o, "]");
	open_(o, "archs", "[");
	for (size_t i = 0; i < spec_n_sc_arches; i++)
		if (v2_6 || name_index(arches_2_6, ARRAY_SIZE(arches_2_6), spec_sc_arches[i]) < 0)
			add_str(o, NULL, spec_sc_arches[i]);
	close_(o, "]");
	open_(o, "knownFlags", "[");
	for (size_t i = 0; i < spec_n_sc_flags; i++)
		add_str(o, NULL, spec_sc_flags[i]);
	close_(o, "]");
	/* libseccomp 2.5 has no attribute for WAIT_KILLABLE_RECV (seccomp/build.c) */
	open_(o, "supportedFlags", "[");
	for (size_t i = 0; i < spec_n_sc_flags; i++)
		if (v2_6 || strcmp(spec_sc_flags[i], "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"))
			add_str(o, NULL, spec_sc_flags[i]);
	close_(o, "]");
	close_(o, "}");
}

static void add_linux(struct out *o, const struct spec_features_build *b)
{
	open_(o, "linux", "{");
	open_(o, "namespaces", "[");
	for (int t = 0; t < SPEC_NS_COUNT; t++) {
		/* ns/spawn.c ns_check() refuses these */
		if ((t == SPEC_NS_USER && !IS_ENABLED(CONFIG_USERNS)) || t == SPEC_NS_TIME)
			continue;
		add_str(o, NULL, spec_ns_names[t]);
	}
	close_(o, "]");
	open_(o, "capabilities", "[");
	for (size_t i = 0; i < spec_n_caps; i++)
		add_str(o, NULL, spec_cap_names[i]);
	close_(o, "]");
	open_(o, "cgroup", "{");
	add_bool(o, "v1", IS_ENABLED(CONFIG_CGROUP_V1));
	add_bool(o, "v2", IS_ENABLED(CONFIG_CGROUP_V2));
	add_bool(o, "systemd", false);
	add_bool(o, "systemdUser", false);
	add_bool(o, "rdma", false);
	close_(o, "}");
	add_seccomp(o, b);
	add_enabled(o, "apparmor", false);
	add_enabled(o, "selinux", false);
	add_enabled(o, "intelRdt", false);
	open_(o, "mountExtensions", "{");
	add_enabled(o, "idmap", false);
	close_(o, "}");
	close_(o, "}");
}

char *spec_features_json(const struct spec_features_build *b)
{
	struct out o = { .first = true };
	const char *opt;

	put(&o, "{", 1);
	o.depth = 1;
	add_str(&o, "ociVersionMin", "1.0.0");
	add_str(&o, "ociVersionMax", "1.2.0");
	open_(&o, "hooks", "[");
	if (HOOKS_IMPLEMENTED && IS_ENABLED(CONFIG_HOOKS))
		for (int k = 0; k < SPEC_HOOK_COUNT; k++)
			add_str(&o, NULL, spec_hook_names[k]);
	close_(&o, "]");
	/* the MNT_KEEP ones are refused by mount/check.c for now */
	open_(&o, "mountOptions", "[");
	for (size_t i = 0; (opt = mnt_opt_applied(i)); i++)
		add_str(&o, NULL, opt);
	close_(&o, "]");
	add_linux(&o, b);
	open_(&o, "annotations", "{");
	if (b->keel_version)
		add_str(&o, "org.keel.version", b->keel_version);
	if (IS_ENABLED(CONFIG_SECCOMP) && b->libseccomp_version)
		add_str(&o, "io.github.seccomp.libseccomp.version", b->libseccomp_version);
	close_(&o, "}");
	close_(&o, "}");
	return o.buf;
}
