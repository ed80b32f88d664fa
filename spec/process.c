// SPDX-License-Identifier: MIT
/* config.json "process": what init becomes just before execve. */
#include <stdint.h>
#include <string.h>

#include "lib/util.h"
#include "spec/spec-internal.h"

/* (uid_t)-1 means "leave unchanged" to setresuid(2): never a real id. */
#define ID_MAX (UINT32_MAX - 1)

static int parse_gid(struct ctx *c, const cJSON *j, void *elem)
{
	int64_t v;
	int r = get_int(c, j, 0, ID_MAX, &v);

	if (r == 0)
		*(gid_t *)elem = (gid_t)v;
	return r;
}

static int parse_gids(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_user *u = base;

	return parse_array(c, j, sizeof(gid_t), parse_gid,
			   (void **)&u->additional_gids, &u->n_additional_gids);
}

static const struct field user_fields[] = {
	FIELD(struct spec_user, "uid", F_INT, uid, .req = true, .range = R_ID),
	FIELD(struct spec_user, "gid", F_INT, gid, .req = true, .range = R_ID),
	FIELD(struct spec_user, "umask", F_INT, umask,
	      .has = HAS(struct spec_user, has_umask), .range = R_UMASK),
	FIELD_FN("additionalGids", parse_gids),
};

static int parse_user(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_process *p = base;

	return parse_fields(c, j, &p->user, user_fields, ARRAY_SIZE(user_fields));
}

static const struct field console_fields[] = {
	FIELD(struct spec_process, "height", F_INT, console_height,
	      .req = true, .range = R_U32),
	FIELD(struct spec_process, "width", F_INT, console_width,
	      .req = true, .range = R_U32),
};

static int parse_console(struct ctx *c, const cJSON *j, void *base)
{
	return parse_fields(c, j, base, console_fields, ARRAY_SIZE(console_fields));
}

static int parse_capset(struct ctx *c, const cJSON *j, uint64_t *set)
{
	const cJSON *it;
	size_t i = 0;

	if (!cJSON_IsArray(j))
		return fail(c, "must be an array of strings");
	cJSON_ArrayForEach(it, j) {
		size_t old = path_idx(c, i++);
		int n;

		if (!cJSON_IsString(it))
			return fail(c, "must be a string");
		/* The runtime-spec: unknown capabilities MUST be an error. */
		n = name_index(spec_cap_names, spec_n_caps, it->valuestring);
		if (n < 0)
			return fail(c, "unknown capability \"%s\"", it->valuestring);
		*set |= UINT64_C(1) << n;
		path_pop(c, old);
	}
	return 0;
}

static const struct {
	const char *name;
	size_t off;
} cap_sets[] = {
	{ "bounding", offsetof(struct spec_caps, bounding) },
	{ "effective", offsetof(struct spec_caps, effective) },
	{ "inheritable", offsetof(struct spec_caps, inheritable) },
	{ "permitted", offsetof(struct spec_caps, permitted) },
	{ "ambient", offsetof(struct spec_caps, ambient) },
};

static int parse_caps(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_process *p = base;
	int r = get_object(c, j);

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(cap_sets); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, cap_sets[i].name);
		size_t old;

		if (!v || cJSON_IsNull(v))
			continue;
		old = path_key(c, cap_sets[i].name);
		r = parse_capset(c, v, (uint64_t *)((char *)&p->caps + cap_sets[i].off));
		if (r == 0)
			path_pop(c, old);
	}
	return r;
}

static int rlimit_type(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_rlimit *rl = base;
	const struct name_val *nv;

	if (!cJSON_IsString(j))
		return fail(c, "must be a string");
	nv = name_find(spec_rlimits, spec_n_rlimits, j->valuestring);
	if (!nv)
		return fail(c, "unknown rlimit \"%s\"", j->valuestring);
	rl->resource = (int)nv->val;
	return 0;
}

static const struct field rlimit_fields[] = {
	FIELD_FN("type", rlimit_type, .req = true),
	FIELD(struct spec_rlimit, "soft", F_U64, soft, .req = true),
	FIELD(struct spec_rlimit, "hard", F_U64, hard, .req = true),
};

static int parse_rlimit(struct ctx *c, const cJSON *j, void *elem)
{
	struct spec_rlimit *rl = elem;
	int r = parse_fields(c, j, elem, rlimit_fields, ARRAY_SIZE(rlimit_fields));

	/* setrlimit(2) would refuse it later, with less context. */
	if (r == 0 && rl->soft > rl->hard)
		return fail(c, "soft limit exceeds hard limit");
	return r;
}

static const char *rlimit_name(int resource)
{
	for (size_t i = 0; i < spec_n_rlimits; i++)
		if ((int)spec_rlimits[i].val == resource)
			return spec_rlimits[i].name;
	return "?";
}

static int parse_rlimits(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_process *p = base;
	uint64_t seen = 0;
	int r;

	r = parse_array(c, j, sizeof(*p->rlimits), parse_rlimit,
			(void **)&p->rlimits, &p->n_rlimits);
	for (size_t i = 0; r == 0 && i < p->n_rlimits; i++) {
		uint64_t bit = UINT64_C(1) << p->rlimits[i].resource;

		if (seen & bit) {
			path_idx(c, i);
			return fail(c, "duplicate rlimit \"%s\"",
				    rlimit_name(p->rlimits[i].resource));
		}
		seen |= bit;
	}
	return r;
}

/* environ(7): NAME=value, and a name is never empty. */
static int parse_env(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_process *p = base;
	int r = get_strv(c, j, 0, &p->env);

	for (size_t i = 0; r == 0 && p->env[i]; i++) {
		if (p->env[i][0] == '=' || !strchr(p->env[i], '=')) {
			path_idx(c, i);
			return fail(c, "must be NAME=value");
		}
	}
	return r;
}

static const struct field sched_fields[] = {
	FIELD_ENUM(struct spec_scheduler, "policy", F_ENUM, policy, spec_sched_policies,
		   "policy", .req = true),
	FIELD(struct spec_scheduler, "nice", F_INT, nice,
	      .has = HAS(struct spec_scheduler, has_nice), .range = R_NICE),
	FIELD(struct spec_scheduler, "priority", F_INT, priority,
	      .has = HAS(struct spec_scheduler, has_priority), .range = R_RTPRIO),
	FIELD_ENUM(struct spec_scheduler, "flags", F_FLAGS, flags, spec_sched_flags, "flag"),
	FIELD(struct spec_scheduler, "runtime", F_U64, runtime,
	      .has = HAS(struct spec_scheduler, has_runtime)),
	FIELD(struct spec_scheduler, "deadline", F_U64, deadline,
	      .has = HAS(struct spec_scheduler, has_deadline)),
	FIELD(struct spec_scheduler, "period", F_U64, period,
	      .has = HAS(struct spec_scheduler, has_period)),
};

static int parse_scheduler(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_process *p = base;

	return parse_fields(c, j, &p->scheduler, sched_fields, ARRAY_SIZE(sched_fields));
}

static const struct field ioprio_fields[] = {
	FIELD_ENUM(struct spec_io_priority, "class", F_ENUM, io_class, spec_ioprio_classes,
		   "class", .req = true),
	FIELD(struct spec_io_priority, "priority", F_INT, priority, .range = R_IOPRIO),
};

static int parse_io_priority(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_process *p = base;

	return parse_fields(c, j, &p->io_priority, ioprio_fields, ARRAY_SIZE(ioprio_fields));
}

static const struct field affinity_fields[] = {
	FIELD(struct spec_cpu_affinity, "initial", F_CPUS, initial),
	FIELD(struct spec_cpu_affinity, "final", F_CPUS, final),
};

static int parse_affinity(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_process *p = base;

	return parse_fields(c, j, &p->exec_cpu_affinity, affinity_fields,
			    ARRAY_SIZE(affinity_fields));
}

static const struct field process_fields[] = {
	FIELD(struct spec_process, "terminal", F_BOOL, terminal),
	FIELD_FN("consoleSize", parse_console,
		 .has = HAS(struct spec_process, has_console_size)),
	FIELD_FN("user", parse_user, .req = true),
	FIELD(struct spec_process, "args", F_ARGV, args, .req = true),
	FIELD_FN("env", parse_env),
	FIELD(struct spec_process, "cwd", F_ABSPATH, cwd, .req = true),
	FIELD_FN("capabilities", parse_caps, .has = HAS(struct spec_process, has_caps)),
	FIELD_FN("rlimits", parse_rlimits),
	FIELD(struct spec_process, "noNewPrivileges", F_BOOL, no_new_privileges),
	FIELD(struct spec_process, "apparmorProfile", F_STR, apparmor_profile),
	FIELD(struct spec_process, "selinuxLabel", F_STR, selinux_label),
	FIELD(struct spec_process, "oomScoreAdj", F_INT, oom_score_adj,
	      .has = HAS(struct spec_process, has_oom_score_adj),
	      .range = R_OOM),
	FIELD_FN("scheduler", parse_scheduler, .has = HAS(struct spec_process, has_scheduler)),
	FIELD_FN("ioPriority", parse_io_priority,
		 .has = HAS(struct spec_process, has_io_priority)),
	FIELD_FN("execCPUAffinity", parse_affinity,
		 .has = HAS(struct spec_process, has_exec_cpu_affinity)),
};

int parse_process(struct ctx *c, const cJSON *j, void *base)
{
	struct spec *s = base;
	struct spec_process *p = arena_alloc(c->a, sizeof(*p));
	int r = parse_fields(c, j, p, process_fields, ARRAY_SIZE(process_fields));

	if (r == 0)
		s->process = p;
	return r;
}
