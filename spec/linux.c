// SPDX-License-Identifier: MIT
/* config.json "linux": namespaces, id mappings, devices, resources, paths. */
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

static int device_type(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_device *d = base;

	if (!cJSON_IsString(j))
		return fail(c, "must be a string");
	if (strlen(j->valuestring) != 1 || !strchr("cbup", j->valuestring[0]))
		return fail(c, "unknown device type \"%s\"", j->valuestring);
	d->type = j->valuestring[0];
	return 0;
}

static const struct field device_fields[] = {
	FIELD(struct spec_device, "path", F_ABSPATH, path, .req = true),
	FIELD_FN("type", device_type, .req = true),
	FIELD(struct spec_device, "major", F_INT, major, .max = UINT32_MAX),
	FIELD(struct spec_device, "minor", F_INT, minor, .max = UINT32_MAX),
	FIELD(struct spec_device, "fileMode", F_INT, file_mode,
	      .has = HAS(struct spec_device, has_file_mode), .max = 07777),
	FIELD(struct spec_device, "uid", F_INT, uid,
	      .has = HAS(struct spec_device, has_uid), .max = UINT32_MAX - 1),
	FIELD(struct spec_device, "gid", F_INT, gid,
	      .has = HAS(struct spec_device, has_gid), .max = UINT32_MAX - 1),
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

static void put_sysctl(void *arr, size_t i, char *key, char *value)
{
	struct spec_sysctl *s = arr;

	s[i].key = key;
	s[i].value = value;
}

static int parse_sysctl(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_linux *l = base;

	return parse_kv(c, j, sizeof(*l->sysctl), put_sysctl,
			(void **)&l->sysctl, &l->n_sysctl);
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

/* Remember the first resource keel cannot apply yet; cg/ refuses it. */
static void other(struct ctx *c, struct spec_resources *res, const char *key)
{
	size_t old;

	if (res->other)
		return;
	old = path_key(c, key);
	res->other = true;
	res->first_other = arena_strdup(c->a, c->path);
	path_pop(c, old);
}

static bool is_null_or(const cJSON *j, bool (*ok)(const cJSON *))
{
	return !j || cJSON_IsNull(j) || ok(j);
}

static bool is_a(const cJSON *j)
{
	return cJSON_IsString(j) && !strcmp(j->valuestring, "a");
}

static bool is_minus_one(const cJSON *j)
{
	return cJSON_IsNumber(j) && j->valuedouble == -1;
}

/*
 * [{"allow": false, "access": "rwm"}], as "runc spec" writes it, denies
 * every device, which keel does anyway: not a resource to refuse.
 */
static bool is_deny_all(const cJSON *j)
{
	const cJSON *it;

	if (!cJSON_IsArray(j))
		return false;
	cJSON_ArrayForEach(it, j) {
		const cJSON *access = cJSON_GetObjectItemCaseSensitive(it, "access");

		if (!cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(it, "allow")) ||
		    !cJSON_IsString(access) || strcmp(access->valuestring, "rwm") ||
		    !is_null_or(cJSON_GetObjectItemCaseSensitive(it, "type"), is_a) ||
		    !is_null_or(cJSON_GetObjectItemCaseSensitive(it, "major"), is_minus_one) ||
		    !is_null_or(cJSON_GetObjectItemCaseSensitive(it, "minor"), is_minus_one))
			return false;
	}
	return true;
}

/* memory.limit or pids.limit; any sibling is "other". */
static int parse_limit(struct ctx *c, const cJSON *j, struct spec_resources *res,
		       bool *has, int64_t *limit)
{
	const cJSON *it;
	int r = get_object(c, j);

	if (r < 0)
		return r;
	cJSON_ArrayForEach(it, j) {
		size_t old;

		if (cJSON_IsNull(it))
			continue;
		if (strcmp(it->string, "limit")) {
			other(c, res, it->string);
			continue;
		}
		old = path_key(c, "limit");
		r = get_int(c, it, -1, INT64_MAX, limit);
		if (r < 0)
			return r;
		*has = true;
		path_pop(c, old);
	}
	return 0;
}

static int resource(struct ctx *c, const cJSON *it, struct spec_resources *res)
{
	const char *k = it->string;
	bool mem = !strcmp(k, "memory");
	size_t old;
	int r;

	if (!mem && strcmp(k, "pids")) {
		if (strcmp(k, "devices") || !is_deny_all(it))
			other(c, res, k);
		return 0;
	}
	old = path_key(c, k);
	if (mem)
		r = parse_limit(c, it, res, &res->has_memory_limit, &res->memory_limit);
	else
		r = parse_limit(c, it, res, &res->has_pids_limit, &res->pids_limit);
	if (r == 0)
		path_pop(c, old);
	return r;
}

static int parse_resources(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_linux *l = base;
	struct spec_resources *res = arena_alloc(c->a, sizeof(*res));
	const cJSON *it;
	int r = get_object(c, j);

	if (r < 0)
		return r;
	cJSON_ArrayForEach(it, j) {
		if (cJSON_IsNull(it))
			continue;
		r = resource(c, it, res);
		if (r < 0)
			return r;
	}
	l->resources = res;
	return 0;
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
	FIELD(struct spec_linux, "personality", F_PRESENT, has_personality),
	FIELD(struct spec_linux, "timeOffsets", F_PRESENT, has_time_offsets),
	FIELD(struct spec_linux, "intelRdt", F_PRESENT, has_intel_rdt),
	FIELD(struct spec_linux, "netDevices", F_PRESENT, has_net_devices),
};

int parse_linux(struct ctx *c, const cJSON *j, void *base)
{
	struct spec *s = base;

	return parse_fields(c, j, &s->linux, linux_fields, ARRAY_SIZE(linux_fields));
}
