// SPDX-License-Identifier: MIT
/*
 * config.json "linux.seccomp", checked as far as names go.  Whether this
 * kernel and libseccomp know an architecture or flag is seccomp/'s question.
 */
#include <stdint.h>

#include "lib/util.h"
#include "spec/spec-internal.h"

static int get_action(struct ctx *c, const cJSON *j, enum spec_sc_action *out)
{
	const struct name_val *nv;

	if (!cJSON_IsString(j))
		return fail(c, "must be a string");
	nv = name_find(spec_sc_actions, spec_n_sc_actions, j->valuestring);
	if (!nv)
		return fail(c, "unknown action \"%s\"", j->valuestring);
	*out = (enum spec_sc_action)nv->val;
	return 0;
}

static int default_action(struct ctx *c, const cJSON *j, void *base)
{
	return get_action(c, j, &((struct spec_seccomp *)base)->default_action);
}

static int rule_action(struct ctx *c, const cJSON *j, void *base)
{
	return get_action(c, j, &((struct spec_sc_rule *)base)->action);
}

static int arg_op(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_sc_arg *a = base;
	const struct name_val *nv;

	if (!cJSON_IsString(j))
		return fail(c, "must be a string");
	nv = name_find(spec_sc_ops, spec_n_sc_ops, j->valuestring);
	if (!nv)
		return fail(c, "unknown operator \"%s\"", j->valuestring);
	a->op = (enum spec_sc_op)nv->val;
	return 0;
}

static const struct field arg_fields[] = {
	/* A syscall has at most six arguments. */
	FIELD(struct spec_sc_arg, "index", F_INT, index, .req = true, .range = R_ARGIDX),
	FIELD(struct spec_sc_arg, "value", F_U64, value, .req = true),
	FIELD(struct spec_sc_arg, "valueTwo", F_U64, value_two),
	FIELD_FN("op", arg_op, .req = true),
};

static int parse_arg(struct ctx *c, const cJSON *j, void *elem)
{
	return parse_fields(c, j, elem, arg_fields, ARRAY_SIZE(arg_fields));
}

static int rule_args(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_sc_rule *r = base;

	return parse_array(c, j, sizeof(*r->args), parse_arg, (void **)&r->args, &r->n_args);
}

static const struct field rule_fields[] = {
	FIELD(struct spec_sc_rule, "names", F_ARGV, names, .req = true),
	FIELD_FN("action", rule_action, .req = true),
	FIELD(struct spec_sc_rule, "errnoRet", F_INT, errno_ret,
	      .has = HAS(struct spec_sc_rule, has_errno_ret), .range = R_U32),
	FIELD_FN("args", rule_args),
};

/* "When the action doesn't support an errno, the runtime MUST ... fail." */
static int check_errno_ret(struct ctx *c, bool has, enum spec_sc_action a, const char *key)
{
	if (!has || a == SPEC_SC_ERRNO || a == SPEC_SC_TRACE)
		return 0;
	path_key(c, key);
	return fail(c, "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno");
}

static int parse_rule(struct ctx *c, const cJSON *j, void *elem)
{
	struct spec_sc_rule *r = elem;

	return parse_fields(c, j, elem, rule_fields, ARRAY_SIZE(rule_fields)) ?:
	       check_errno_ret(c, r->has_errno_ret, r->action, "errnoRet");
}

static int parse_rules(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_seccomp *s = base;

	return parse_array(c, j, sizeof(*s->rules), parse_rule, (void **)&s->rules, &s->n_rules);
}

/* A string array whose every entry is one of names[]. */
static int get_names(struct ctx *c, const cJSON *j, const char *const *names, size_t n,
		     const char *what, char ***out)
{
	int r = get_strv(c, j, 0, out);

	for (size_t i = 0; r == 0 && (*out)[i]; i++) {
		if (name_index(names, n, (*out)[i]) < 0) {
			path_idx(c, i);
			return fail(c, "unknown %s \"%s\"", what, (*out)[i]);
		}
	}
	return r;
}

static int parse_arches(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_seccomp *s = base;

	return get_names(c, j, spec_sc_arches, spec_n_sc_arches, "architecture",
			 &s->architectures);
}

static int parse_flags(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_seccomp *s = base;

	return get_names(c, j, spec_sc_flags, spec_n_sc_flags, "flag", &s->flags);
}

static const struct field seccomp_fields[] = {
	FIELD_FN("defaultAction", default_action, .req = true),
	FIELD(struct spec_seccomp, "defaultErrnoRet", F_INT, default_errno_ret,
	      .has = HAS(struct spec_seccomp, has_default_errno_ret), .range = R_U32),
	FIELD_FN("architectures", parse_arches),
	FIELD_FN("flags", parse_flags),
	FIELD(struct spec_seccomp, "listenerPath", F_STR, listener_path),
	FIELD(struct spec_seccomp, "listenerMetadata", F_STR, listener_metadata),
	FIELD_FN("syscalls", parse_rules),
};

int parse_seccomp(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_linux *l = base;
	struct spec_seccomp *s = arena_alloc(c->a, sizeof(*s));
	int r;

	/* compiled out: sc_check() refuses the section, no need to read it */
	if (!IS_ENABLED(CONFIG_SECCOMP)) {
		l->seccomp = s;
		return 0;
	}
	r = parse_fields(c, j, s, seccomp_fields, ARRAY_SIZE(seccomp_fields)) ?:
	    check_errno_ret(c, s->has_default_errno_ret, s->default_action, "defaultErrnoRet");
	if (r < 0)
		return r;
	/* "This field MUST NOT be set if listenerPath is not set." */
	if (s->listener_metadata && !s->listener_path) {
		path_key(c, "listenerMetadata");
		return fail(c, "requires listenerPath");
	}
	/* The notify fd goes to a listener: without one the filter would
	 * block the container on its first notified syscall. */
	if (spec_sc_uses_notify(s) && !s->listener_path) {
		path_key(c, "listenerPath");
		return fail(c, "missing (required by SCMP_ACT_NOTIFY)");
	}
	l->seccomp = s;
	return 0;
}
