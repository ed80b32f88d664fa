// SPDX-License-Identifier: MIT
/*
 * struct spec_seccomp -> libseccomp filter.  The semantics follow runc's,
 * because the profiles people feed us (Docker's, Podman's) were written and
 * tested against it.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lib/util.h"
#include "seccomp/sc-internal.h"

int sc_action(enum spec_sc_action a, bool has_errno, unsigned int errno_ret, uint32_t *out)
{
	/* runc's default for both ERRNO and TRACE when errnoRet is absent */
	unsigned int ret = has_errno ? errno_ret : EPERM;

	switch (a) {
	case SPEC_SC_KILL_THREAD:
		*out = SCMP_ACT_KILL_THREAD;
		return 0;
	case SPEC_SC_KILL_PROCESS:
		*out = SCMP_ACT_KILL_PROCESS;
		return 0;
	case SPEC_SC_TRAP:
		*out = SCMP_ACT_TRAP;
		return 0;
	case SPEC_SC_ERRNO:
		*out = SCMP_ACT_ERRNO(ret);
		return 0;
	case SPEC_SC_TRACE:
		*out = SCMP_ACT_TRACE(ret);
		return 0;
	case SPEC_SC_ALLOW:
		*out = SCMP_ACT_ALLOW;
		return 0;
	case SPEC_SC_LOG:
		*out = SCMP_ACT_LOG;
		return 0;
	case SPEC_SC_NOTIFY:
		*out = SCMP_ACT_NOTIFY;
		return 0;
	}
	return -EINVAL;
}

uint32_t sc_arch(const char *oci_name)
{
	static const char prefix[] = "SCMP_ARCH_";
	char name[32];
	size_t i;

	if (!str_has_prefix(oci_name, prefix))
		return 0;
	oci_name += sizeof(prefix) - 1;
	for (i = 0; oci_name[i] && i < sizeof(name) - 1; i++)
		name[i] = tolower((unsigned char)oci_name[i]);
	if (oci_name[i])
		return 0;
	name[i] = '\0';
	return seccomp_arch_resolve_name(name);
}

static const struct {
	const char *name;
	int attr;		/* -1: known, but this libseccomp cannot set it */
} flag_table[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", SCMP_FLTATR_CTL_TSYNC },
	{ "SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB },
#if SC_HAVE_WAITKILL
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SCMP_FLTATR_CTL_WAITKILL },
#else
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", -1 },
#endif
};

int sc_flag(const char *name, int *attr)
{
	for (size_t i = 0; i < ARRAY_SIZE(flag_table); i++) {
		if (strcmp(name, flag_table[i].name))
			continue;
		*attr = flag_table[i].attr;
		return *attr < 0 ? -EOPNOTSUPP : 0;
	}
	return -ENOENT;
}

static int add_archs(scmp_filter_ctx ctx, const struct spec_seccomp *s, struct err *e)
{
	for (size_t i = 0; s->architectures && s->architectures[i]; i++) {
		uint32_t arch = sc_arch(s->architectures[i]);
		int rc;

		if (!arch)
			return err_set(e, EINVAL, "linux.seccomp.architectures[%zu]: unknown architecture \"%s\"",
				       i, s->architectures[i]);
		rc = seccomp_arch_add(ctx, arch);
		if (rc < 0 && rc != -EEXIST)
			return err_sys(e, -rc, "linux.seccomp.architectures[%zu]: add %s",
				       i, s->architectures[i]);
	}
	return 0;
}

static int set_attr(scmp_filter_ctx ctx, int attr, uint32_t val, const char *what,
		    struct err *e)
{
	int rc = seccomp_attr_set(ctx, attr, val);

	return rc < 0 ? err_sys(e, -rc, "%s", what) : 0;
}

static int set_attrs(scmp_filter_ctx ctx, const struct spec_seccomp *s, struct err *e)
{
	int rc;

	/*
	 * keel sets no_new_privs itself, and only when the config asks for
	 * it; libseccomp would otherwise set it on every load.  Without NNP
	 * the kernel wants CAP_SYS_ADMIN to load a filter: the container
	 * init still has it, because the filter goes in while init is root
	 * and before capabilities are dropped for execve.
	 */
	rc = set_attr(ctx, SCMP_FLTATR_CTL_NNP, 0, "linux.seccomp: clear no_new_privs", e);
	if (rc)
		return rc;
	/* real errnos from seccomp_load, not libseccomp's ECANCELED */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	for (size_t i = 0; s->flags && s->flags[i]; i++) {
		char what[64];
		int attr;

		if (sc_flag(s->flags[i], &attr))
			return err_set(e, EINVAL, "linux.seccomp.flags[%zu]: unsupported flag \"%s\"",
				       i, s->flags[i]);
		snprintf(what, sizeof(what), "linux.seccomp.flags[%zu]", i);
		rc = set_attr(ctx, attr, 1, what, e);
		if (rc)
			return rc;
	}
	return 0;
}

/* runc: args naming one index twice are alternatives (OR), else all must hold (AND). */
static bool repeats_index(const struct spec_sc_rule *r)
{
	for (size_t i = 0; i < r->n_args; i++)
		for (size_t j = i + 1; j < r->n_args; j++)
			if (r->args[i].index == r->args[j].index)
				return true;
	return false;
}

static const enum scmp_compare op_table[] = {
	[SPEC_SC_NE] = SCMP_CMP_NE,
	[SPEC_SC_LT] = SCMP_CMP_LT,
	[SPEC_SC_LE] = SCMP_CMP_LE,
	[SPEC_SC_EQ] = SCMP_CMP_EQ,
	[SPEC_SC_GE] = SCMP_CMP_GE,
	[SPEC_SC_GT] = SCMP_CMP_GT,
	[SPEC_SC_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

static void to_cmp(const struct spec_sc_arg *a, struct scmp_arg_cmp *c)
{
	c->arg = a->index;
	c->op = op_table[a->op];
	/* for MASKED_EQ, value is the mask and valueTwo the datum, as in libseccomp */
	c->datum_a = a->value;
	c->datum_b = a->value_two;
}

static int add_syscall(scmp_filter_ctx ctx, const struct spec_sc_rule *r, uint32_t act,
		       int nr, const struct scmp_arg_cmp *cmp)
{
	int rc = 0;

	if (!repeats_index(r))
		return seccomp_rule_add_array(ctx, act, nr, r->n_args, cmp);
	for (size_t j = 0; j < r->n_args && !rc; j++)
		rc = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[j]);
	return rc;
}

static int add_rule(scmp_filter_ctx ctx, const struct spec_sc_rule *r, size_t i,
		    uint32_t def, struct err *e)
{
	_cleanup_free_ struct scmp_arg_cmp *cmp = xcalloc(r->n_args, sizeof(*cmp));
	uint32_t act;

	if (sc_action(r->action, r->has_errno_ret, r->errno_ret, &act))
		return err_set(e, EINVAL, "linux.seccomp.syscalls[%zu].action: unknown action", i);
	/* libseccomp refuses a rule that repeats the default action */
	if (act == def)
		return 0;
	for (size_t j = 0; j < r->n_args; j++)
		to_cmp(&r->args[j], &cmp[j]);
	for (size_t k = 0; r->names && r->names[k]; k++) {
		int nr = seccomp_syscall_resolve_name(r->names[k]);
		int rc;

		/* profiles list syscalls of many kernels; skip what we don't know */
		if (nr == __NR_SCMP_ERROR)
			continue;
		rc = add_syscall(ctx, r, act, nr, cmp);
		if (rc < 0)
			return err_sys(e, -rc, "linux.seccomp.syscalls[%zu].names[%zu]: %s",
				       i, k, r->names[k]);
	}
	return 0;
}

int sc_build(const struct spec_seccomp *s, scmp_filter_ctx *out, struct err *e)
{
	_cleanup_scmp_ scmp_filter_ctx ctx = NULL;
	uint32_t def;
	int rc;

	if (sc_action(s->default_action, s->has_default_errno_ret, s->default_errno_ret, &def))
		return err_set(e, EINVAL, "linux.seccomp.defaultAction: unknown action");
	ctx = seccomp_init(def);
	if (!ctx)
		return err_set(e, EINVAL, "linux.seccomp: libseccomp refused the default action");
	rc = add_archs(ctx, s, e);
	if (!rc)
		rc = set_attrs(ctx, s, e);
	for (size_t i = 0; i < s->n_rules && !rc; i++)
		rc = add_rule(ctx, &s->rules[i], i, def, e);
	if (rc)
		return rc;
	*out = steal_ptr(&ctx);
	return 0;
}
