// SPDX-License-Identifier: MIT
/*
 * config.json "linux.resources": every cgroup setting of runtime-spec 1.2,
 * typed.  What keel applies is cg/'s business (cg_check() refuses the
 * rest by JSON path); here only the shapes and ranges the spec states.
 */
#include <stdint.h>
#include <string.h>

#include "lib/util.h"
#include "spec/spec-internal.h"

static const struct name_val rule_types[] = {
	{ "a", 'a' }, { "c", 'c' }, { "b", 'b' },
};

/* A composition of r, w and m, each at most once. */
static int rule_access(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_dev_rule *d = base;
	const char *s;

	if (!cJSON_IsString(j))
		return fail(c, "must be a string");
	for (s = j->valuestring; *s; s++)
		if (!strchr("rwm", *s) || strchr(s + 1, *s))
			return fail(c, "must be made of r, w and m, each at most once");
	d->access = arena_strdup(c->a, j->valuestring);
	return 0;
}

static const struct field rule_fields[] = {
	FIELD(struct spec_dev_rule, "allow", F_BOOL, allow, .req = true),
	FIELD_ENUM(struct spec_dev_rule, "type", F_ENUM, type, rule_types, "device type"),
	FIELD(struct spec_dev_rule, "major", F_INT, major,
	      .has = HAS(struct spec_dev_rule, has_major), .range = R_DEV_ANY),
	FIELD(struct spec_dev_rule, "minor", F_INT, minor,
	      .has = HAS(struct spec_dev_rule, has_minor), .range = R_DEV_ANY),
	FIELD_FN("access", rule_access),
};

static int parse_rule(struct ctx *c, const cJSON *j, void *elem)
{
	struct spec_dev_rule *d = elem;

	d->type = 'a';
	return parse_fields(c, j, elem, rule_fields, ARRAY_SIZE(rule_fields));
}

static int parse_rules(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_resources *r = base;

	return parse_array(c, j, sizeof(*r->devices), parse_rule,
			   (void **)&r->devices, &r->n_devices);
}

/* memory: limit lives in spec_resources, the rest in spec_res_memory */
static const struct field mem_limit_fields[] = {
	FIELD(struct spec_resources, "limit", F_INT, memory_limit,
	      .has = HAS(struct spec_resources, has_memory_limit), .range = R_LIMIT),
};

#define MEM_BYTES(n, m) FIELD(struct spec_res_memory, n, F_INT, m, \
	.has = HAS(struct spec_res_memory, has_##m), .range = R_LIMIT)
#define MEM_BOOL(n, m) FIELD(struct spec_res_memory, n, F_BOOL, m, \
	.has = HAS(struct spec_res_memory, has_##m))

static const struct field mem_fields[] = {
	MEM_BYTES("reservation", reservation),
	MEM_BYTES("swap", swap),
	MEM_BYTES("kernel", kernel),
	MEM_BYTES("kernelTCP", kernel_tcp),
	FIELD(struct spec_res_memory, "swappiness", F_INT, swappiness,
	      .has = HAS(struct spec_res_memory, has_swappiness), .range = R_PERCENT),
	MEM_BOOL("disableOOMKiller", disable_oom_killer),
	MEM_BOOL("useHierarchy", use_hierarchy),
	MEM_BOOL("checkBeforeUpdate", check_before_update),
};

static int parse_memory(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_resources *r = base;

	return parse_fields(c, j, r, mem_limit_fields, ARRAY_SIZE(mem_limit_fields)) ?:
	       parse_fields(c, j, &r->memory, mem_fields, ARRAY_SIZE(mem_fields));
}

#define CPU(n, k, m, ...) FIELD(struct spec_res_cpu, n, k, m, \
	.has = HAS(struct spec_res_cpu, has_##m), __VA_ARGS__)

static const struct field cpu_fields[] = {
	CPU("shares", F_U64, shares),
	CPU("quota", F_INT, quota, .range = R_LIMIT),
	CPU("burst", F_U64, burst),
	CPU("period", F_U64, period),
	CPU("realtimeRuntime", F_INT, realtime_runtime, .range = R_LIMIT),
	CPU("realtimePeriod", F_U64, realtime_period),
	CPU("idle", F_INT, idle, .range = R_BIT),
	FIELD(struct spec_res_cpu, "cpus", F_CPUS, cpus),
	FIELD(struct spec_res_cpu, "mems", F_CPUS, mems),
};

static int parse_cpu(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_res_cpu *cpu = &((struct spec_resources *)base)->cpu;
	int r = parse_fields(c, j, cpu, cpu_fields, ARRAY_SIZE(cpu_fields));

	/* "quota ... MUST be no smaller than burst (runtimes MAY generate an error)" */
	if (r == 0 && cpu->has_burst && cpu->has_quota && cpu->quota > 0 &&
	    cpu->burst > (uint64_t)cpu->quota) {
		path_key(c, "burst");
		return fail(c, "larger than quota");
	}
	return r;
}

#define WEIGHT(T, n, m) FIELD(T, n, F_INT, m, .has = HAS(T, has_##m), .range = R_U16)
#define DEVNUM(T, n, m) FIELD(T, n, F_INT, m, .req = true, .range = R_U32)

static const struct field weight_dev_fields[] = {
	DEVNUM(struct spec_blkio_weight_dev, "major", major),
	DEVNUM(struct spec_blkio_weight_dev, "minor", minor),
	WEIGHT(struct spec_blkio_weight_dev, "weight", weight),
	WEIGHT(struct spec_blkio_weight_dev, "leafWeight", leaf_weight),
};

static int parse_weight_dev(struct ctx *c, const cJSON *j, void *elem)
{
	struct spec_blkio_weight_dev *w = elem;
	int r = parse_fields(c, j, elem, weight_dev_fields, ARRAY_SIZE(weight_dev_fields));

	if (r == 0 && !w->has_weight && !w->has_leaf_weight)
		return fail(c, "needs weight or leafWeight");
	return r;
}

static const struct field throttle_fields[] = {
	DEVNUM(struct spec_blkio_throttle, "major", major),
	DEVNUM(struct spec_blkio_throttle, "minor", minor),
	FIELD(struct spec_blkio_throttle, "rate", F_U64, rate, .req = true),
};

static int parse_throttle(struct ctx *c, const cJSON *j, void *elem)
{
	return parse_fields(c, j, elem, throttle_fields, ARRAY_SIZE(throttle_fields));
}

static const char *const throttle_names[] = {
	[SPEC_BLKIO_READ_BPS] = "throttleReadBpsDevice",
	[SPEC_BLKIO_WRITE_BPS] = "throttleWriteBpsDevice",
	[SPEC_BLKIO_READ_IOPS] = "throttleReadIOPSDevice",
	[SPEC_BLKIO_WRITE_IOPS] = "throttleWriteIOPSDevice",
};

static const struct field blkio_fields[] = {
	WEIGHT(struct spec_res_block_io, "weight", weight),
	WEIGHT(struct spec_res_block_io, "leafWeight", leaf_weight),
};

static int parse_block_io(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_res_block_io *b = &((struct spec_resources *)base)->block_io;
	const cJSON *v;
	size_t old;
	int r = parse_fields(c, j, b, blkio_fields, ARRAY_SIZE(blkio_fields));

	v = cJSON_GetObjectItemCaseSensitive(j, "weightDevice");
	if (r == 0 && v && !cJSON_IsNull(v)) {
		old = path_key(c, "weightDevice");
		r = parse_array(c, v, sizeof(*b->weight_device), parse_weight_dev,
				(void **)&b->weight_device, &b->n_weight_device);
		if (r == 0)
			path_pop(c, old);
	}
	for (size_t k = 0; r == 0 && k < ARRAY_SIZE(throttle_names); k++) {
		v = cJSON_GetObjectItemCaseSensitive(j, throttle_names[k]);
		if (!v || cJSON_IsNull(v))
			continue;
		old = path_key(c, throttle_names[k]);
		r = parse_array(c, v, sizeof(*b->throttle[k]), parse_throttle,
				(void **)&b->throttle[k], &b->n_throttle[k]);
		if (r == 0)
			path_pop(c, old);
	}
	return r;
}

/* "<size><unit-prefix>B" as the hugetlb controller names its files: 2MB, 1GB */
static int page_size(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_hugepage_limit *h = base;
	const char *s;

	if (!cJSON_IsString(j))
		return fail(c, "must be a string");
	s = j->valuestring;
	if (*s < '1' || *s > '9')
		return fail(c, "must be a page size like \"2MB\"");
	s += strspn(s, "0123456789");
	if (*s && strchr("KMGTPE", *s))
		s++;
	if (strcmp(s, "B"))
		return fail(c, "must be a page size like \"2MB\"");
	h->page_size = arena_strdup(c->a, j->valuestring);
	return 0;
}

static const struct field hugepage_fields[] = {
	FIELD_FN("pageSize", page_size, .req = true),
	FIELD(struct spec_hugepage_limit, "limit", F_U64, limit, .req = true),
};

static int parse_hugepage(struct ctx *c, const cJSON *j, void *elem)
{
	return parse_fields(c, j, elem, hugepage_fields, ARRAY_SIZE(hugepage_fields));
}

static int parse_hugepages(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_resources *r = base;

	return parse_array(c, j, sizeof(*r->hugepage_limits), parse_hugepage,
			   (void **)&r->hugepage_limits, &r->n_hugepage_limits);
}

static const struct field prio_fields[] = {
	FIELD(struct spec_net_priority, "name", F_STR, name, .req = true),
	FIELD(struct spec_net_priority, "priority", F_INT, priority, .req = true,
	      .range = R_U32),
};

static int parse_prio(struct ctx *c, const cJSON *j, void *elem)
{
	return parse_fields(c, j, elem, prio_fields, ARRAY_SIZE(prio_fields));
}

static int parse_prios(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_res_network *n = base;

	return parse_array(c, j, sizeof(*n->priorities), parse_prio,
			   (void **)&n->priorities, &n->n_priorities);
}

static const struct field network_fields[] = {
	FIELD(struct spec_res_network, "classID", F_INT, class_id,
	      .has = HAS(struct spec_res_network, has_class_id), .range = R_U32),
	FIELD_FN("priorities", parse_prios),
};

static int parse_network(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_resources *r = base;

	return parse_fields(c, j, &r->network, network_fields, ARRAY_SIZE(network_fields));
}

static const struct field pids_fields[] = {
	FIELD(struct spec_resources, "limit", F_INT, pids_limit, .req = true,
	      .has = HAS(struct spec_resources, has_pids_limit), .range = R_LIMIT),
};

static int parse_pids(struct ctx *c, const cJSON *j, void *base)
{
	return parse_fields(c, j, base, pids_fields, ARRAY_SIZE(pids_fields));
}

static const struct field rdma_fields[] = {
	FIELD(struct spec_rdma, "hcaHandles", F_INT, hca_handles,
	      .has = HAS(struct spec_rdma, has_hca_handles), .range = R_U32),
	FIELD(struct spec_rdma, "hcaObjects", F_INT, hca_objects,
	      .has = HAS(struct spec_rdma, has_hca_objects), .range = R_U32),
};

static int rdma_elem(struct ctx *c, const char *key, const cJSON *j, void *elem)
{
	struct spec_rdma *d = elem;
	int r = parse_fields(c, j, elem, rdma_fields, ARRAY_SIZE(rdma_fields));

	if (r == 0 && !d->has_hca_handles && !d->has_hca_objects)
		return fail(c, "needs hcaHandles or hcaObjects");
	d->device = arena_strdup(c->a, key);
	return r;
}

static int parse_rdma(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_resources *r = base;

	return parse_map(c, j, sizeof(*r->rdma), rdma_elem, (void **)&r->rdma, &r->n_rdma);
}

/* A key names a file in the container's cgroup directory, nothing else. */
static int parse_unified(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_resources *r = base;
	int rc = parse_kv(c, j, &r->unified, &r->n_unified);

	for (size_t i = 0; rc == 0 && i < r->n_unified; i++) {
		const char *k = r->unified[i].key;

		if (k[0] == '.' || strchr(k, '/') || !strchr(k, '.')) {
			path_key(c, k);
			return fail(c, "not a cgroup file name (\"<controller>.<file>\")");
		}
	}
	return rc;
}

static const struct field resources_fields[] = {
	FIELD_FN("devices", parse_rules),
	FIELD_FN("memory", parse_memory),
	FIELD_FN("cpu", parse_cpu),
	FIELD_FN("blockIO", parse_block_io),
	FIELD_FN("hugepageLimits", parse_hugepages),
	FIELD_FN("network", parse_network),
	FIELD_FN("pids", parse_pids),
	FIELD_FN("rdma", parse_rdma),
	FIELD_FN("unified", parse_unified),
};

int parse_resources(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_linux *l = base;
	struct spec_resources *res = arena_alloc(c->a, sizeof(*res));
	int r = parse_fields(c, j, res, resources_fields, ARRAY_SIZE(resources_fields));

	if (r == 0)
		l->resources = res;
	return r;
}
