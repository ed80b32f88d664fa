// SPDX-License-Identifier: MIT
/*
 * config.json "linux": namespaces, id mappings, devices, paths, and the
 * runtime-spec 1.2 sections (timeOffsets, personality, intelRdt,
 * netDevices).  resources.c has linux.resources, seccomp.c linux.seccomp.
 */
#include <stdint.h>
#include <string.h>

#include "lib/util.h"
#include "spec/spec-internal.h"

static int ns_type(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_ns *ns = base;
	int t;

	if (!cJSON_IsString(j))
		return fail(c, "must be a string");
	t = name_index(spec_ns_names, SPEC_NS_COUNT, j->valuestring);
	if (t < 0)
		return fail(c, "unknown namespace \"%s\"", j->valuestring);
	ns->type = (enum spec_ns_type)t;
	ns->clone_flag = spec_ns_clone_flags[t];
	return 0;
}

static const struct field ns_fields[] = {
	FIELD_FN("type", ns_type, .req = true),
	FIELD(struct spec_ns, "path", F_ABSPATH, path),
};

static int parse_ns(struct ctx *c, const cJSON *j, void *elem)
{
	return parse_fields(c, j, elem, ns_fields, ARRAY_SIZE(ns_fields));
}

static int parse_namespaces(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_linux *l = base;
	unsigned int seen = 0;
	int r;

	r = parse_array(c, j, sizeof(*l->namespaces), parse_ns,
			(void **)&l->namespaces, &l->n_namespaces);
	for (size_t i = 0; r == 0 && i < l->n_namespaces; i++) {
		unsigned int bit = 1u << l->namespaces[i].type;

		if (seen & bit) {
			path_idx(c, i);
			return fail(c, "duplicate namespace \"%s\"",
				    spec_ns_names[l->namespaces[i].type]);
		}
		seen |= bit;
	}
	return r;
}

static int uid_maps(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_linux *l = base;

	return parse_idmaps(c, j, &l->uid_mappings, &l->n_uid_mappings);
}

static int gid_maps(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_linux *l = base;

	return parse_idmaps(c, j, &l->gid_mappings, &l->n_gid_mappings);
}

static const struct name_val device_types[] = {
	{ "c", 'c' }, { "b", 'b' }, { "u", 'u' }, { "p", 'p' },
};

static const struct field device_fields[] = {
	FIELD(struct spec_device, "path", F_ABSPATH, path, .req = true),
	FIELD_ENUM(struct spec_device, "type", F_ENUM, type, device_types, "device type",
		   .req = true),
	FIELD(struct spec_device, "major", F_INT, major, .range = R_U32),
	FIELD(struct spec_device, "minor", F_INT, minor, .range = R_U32),
	FIELD(struct spec_device, "fileMode", F_INT, file_mode,
	      .has = HAS(struct spec_device, has_file_mode), .range = R_MODE),
	FIELD(struct spec_device, "uid", F_INT, uid,
	      .has = HAS(struct spec_device, has_uid), .range = R_ID),
	FIELD(struct spec_device, "gid", F_INT, gid,
	      .has = HAS(struct spec_device, has_gid), .range = R_ID),
};

static int require(struct ctx *c, const cJSON *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);

	if (v && !cJSON_IsNull(v))
		return 0;
	path_key(c, key);
	return fail(c, "missing");
}

static int parse_device(struct ctx *c, const cJSON *j, void *elem)
{
	struct spec_device *d = elem;
	int r = parse_fields(c, j, elem, device_fields, ARRAY_SIZE(device_fields));

	/* A fifo has no numbers; every other node needs both. */
	if (r < 0 || d->type == 'p')
		return r;
	return require(c, j, "major") ?: require(c, j, "minor");
}

static int parse_devices(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_linux *l = base;

	return parse_array(c, j, sizeof(*l->devices), parse_device,
			   (void **)&l->devices, &l->n_devices);
}

static int parse_sysctl(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_linux *l = base;

	return parse_kv(c, j, &l->sysctl, &l->n_sysctl);
}

static int parse_propagation(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_linux *l = base;
	const struct name_val *nv;

	if (!cJSON_IsString(j))
		return fail(c, "must be a string");
	nv = name_find(spec_propagations, spec_n_propagations, j->valuestring);
	if (!nv)
		return fail(c, "unknown propagation \"%s\"", j->valuestring);
	l->rootfs_propagation = nv->val;
	return 0;
}

static const struct field offset_fields[] = {
	FIELD(struct spec_time_offset, "secs", F_INT, secs,
	      .has = HAS(struct spec_time_offset, has_secs), .range = R_S64),
	FIELD(struct spec_time_offset, "nanosecs", F_INT, nanosecs,
	      .has = HAS(struct spec_time_offset, has_nanosecs), .range = R_NSEC),
};

/* time_namespaces(7): only these two clocks can be shifted. */
static int parse_time_offsets(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_time_offsets *t = &((struct spec_linux *)base)->time_offsets;
	const cJSON *it;
	int r = get_object(c, j);

	if (r < 0)
		return r;
	cJSON_ArrayForEach(it, j) {
		bool boot = !strcmp(it->string, "boottime");
		size_t old;

		if (cJSON_IsNull(it))
			continue;
		old = path_key(c, it->string);
		if (!boot && strcmp(it->string, "monotonic"))
			return fail(c, "unknown clock (boottime or monotonic)");
		r = parse_fields(c, it, boot ? &t->boottime : &t->monotonic,
				 offset_fields, ARRAY_SIZE(offset_fields));
		if (r < 0)
			return r;
		*(boot ? &t->has_boottime : &t->has_monotonic) = true;
		path_pop(c, old);
	}
	return 0;
}

/* "Currently no flag values are supported." */
static int personality_flags(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_personality *p = base;
	int r = get_strv(c, j, 0, &p->flags);

	if (r == 0 && p->flags[0]) {
		path_idx(c, 0);
		return fail(c, "unknown flag \"%s\"", p->flags[0]);
	}
	return r;
}

static const struct field personality_fields[] = {
	FIELD_ENUM(struct spec_personality, "domain", F_ENUM, domain, spec_personalities,
		   "domain", .req = true),
	FIELD_FN("flags", personality_flags),
};

static int parse_personality(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_linux *l = base;

	return parse_fields(c, j, &l->personality, personality_fields,
			    ARRAY_SIZE(personality_fields));
}

/* closID names a directory under /sys/fs/resctrl: one path component. */
static int clos_id(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_intel_rdt *rdt = base;
	int r = get_str(c, j, &rdt->clos_id);

	if (r == 0 && (!*rdt->clos_id || strchr(rdt->clos_id, '/') ||
		       !strcmp(rdt->clos_id, ".") || !strcmp(rdt->clos_id, "..")))
		return fail(c, "must be a directory name");
	return r;
}

/* "The value MUST start with MB: and MUST NOT contain newlines." */
static int mem_bw_schema(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_intel_rdt *rdt = base;
	int r = get_str(c, j, &rdt->mem_bw_schema);

	if (r == 0 && (strncmp(rdt->mem_bw_schema, "MB:", 3) || strchr(rdt->mem_bw_schema, '\n')))
		return fail(c, "must be one line starting with \"MB:\"");
	return r;
}

static const struct field rdt_fields[] = {
	FIELD_FN("closID", clos_id),
	FIELD(struct spec_intel_rdt, "l3CacheSchema", F_STR, l3_cache_schema),
	FIELD_FN("memBwSchema", mem_bw_schema),
	FIELD(struct spec_intel_rdt, "schemata", F_STR, schemata),
	FIELD(struct spec_intel_rdt, "enableMonitoring", F_BOOL, enable_monitoring),
	FIELD(struct spec_intel_rdt, "enableCMT", F_BOOL, enable_cmt),
	FIELD(struct spec_intel_rdt, "enableMBM", F_BOOL, enable_mbm),
};

static int parse_intel_rdt(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_linux *l = base;

	return parse_fields(c, j, &l->intel_rdt, rdt_fields, ARRAY_SIZE(rdt_fields));
}

/* The kernel's dev_valid_name(): 1..15 bytes, no '/', ':' or blank, not . or .. */
static bool ifname_ok(const char *n)
{
	size_t len = strlen(n);

	if (!len || len >= 16 || !strcmp(n, ".") || !strcmp(n, ".."))
		return false;
	for (; *n; n++)
		if (*n == '/' || *n == ':' || *n == ' ' || (*n >= '\t' && *n <= '\r'))
			return false;
	return true;
}

static int netdev_name(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_net_device *d = base;
	int r = get_str(c, j, &d->name);

	if (r == 0 && !ifname_ok(d->name))
		return fail(c, "not a valid interface name");
	return r;
}

static const struct field netdev_fields[] = {
	FIELD_FN("name", netdev_name),
};

static int netdev_elem(struct ctx *c, const char *key, const cJSON *j, void *elem)
{
	struct spec_net_device *d = elem;

	if (!ifname_ok(key))
		return fail(c, "not a valid interface name");
	d->host_name = arena_strdup(c->a, key);
	return parse_fields(c, j, elem, netdev_fields, ARRAY_SIZE(netdev_fields));
}

static int parse_net_devices(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_linux *l = base;

	return parse_map(c, j, sizeof(*l->net_devices), netdev_elem,
			 (void **)&l->net_devices, &l->n_net_devices);
}

static const struct field linux_fields[] = {
	FIELD_FN("namespaces", parse_namespaces),
	FIELD_FN("uidMappings", uid_maps),
	FIELD_FN("gidMappings", gid_maps),
	FIELD_FN("devices", parse_devices),
	FIELD(struct spec_linux, "cgroupsPath", F_STR, cgroups_path),
	FIELD_FN("resources", parse_resources),
	FIELD_FN("seccomp", parse_seccomp),
	FIELD_FN("rootfsPropagation", parse_propagation),
	FIELD(struct spec_linux, "maskedPaths", F_PATHV, masked_paths),
	FIELD(struct spec_linux, "readonlyPaths", F_PATHV, readonly_paths),
	FIELD_FN("sysctl", parse_sysctl),
	FIELD(struct spec_linux, "mountLabel", F_STR, mount_label),
	FIELD_FN("personality", parse_personality, .has = HAS(struct spec_linux, has_personality)),
	FIELD_FN("timeOffsets", parse_time_offsets,
		 .has = HAS(struct spec_linux, has_time_offsets)),
	FIELD_FN("intelRdt", parse_intel_rdt, .has = HAS(struct spec_linux, has_intel_rdt)),
	FIELD_FN("netDevices", parse_net_devices, .has = HAS(struct spec_linux, has_net_devices)),
};

int parse_linux(struct ctx *c, const cJSON *j, void *base)
{
	struct spec *s = base;

	return parse_fields(c, j, &s->linux, linux_fields, ARRAY_SIZE(linux_fields));
}
