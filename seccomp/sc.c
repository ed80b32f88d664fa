// SPDX-License-Identifier: MIT
/*
 * linux.seccomp: validate in "create", load in the container init.
 *
 * sc_check() builds the whole filter in memory and throws it away, so that
 * anything libseccomp would refuse fails before the container exists; the
 * init then builds the same filter again and only the load can still fail.
 */
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "lib/util.h"
#include "seccomp/sc.h"
#include "seccomp/sc-internal.h"

/*
 * keel talks to its parent with write() and sendmsg() after the filter is
 * loaded; a notification on those would wait for a listener that has not
 * got the fd yet (runc refuses "write" for the same reason).
 */
static const char *const notify_forbidden[] = { "write", "sendmsg" };

static int check_notify_rule(const struct spec_sc_rule *r, size_t i, struct err *e)
{
	for (size_t k = 0; r->names && r->names[k]; k++)
		for (size_t f = 0; f < ARRAY_SIZE(notify_forbidden); f++)
			if (!strcmp(r->names[k], notify_forbidden[f]))
				return err_set(e, EINVAL,
					       "linux.seccomp.syscalls[%zu].names[%zu]: SCMP_ACT_NOTIFY cannot be used for \"%s\"",
					       i, k, r->names[k]);
	return 0;
}

static int check_notify(const struct spec_seccomp *s, struct err *e)
{
	bool notify = spec_sc_uses_notify(s);

	if (!IS_ENABLED(CONFIG_SECCOMP_NOTIFY) && (notify || s->listener_path))
		return err_set(e, ENOTSUP,
			       "linux.seccomp.listenerPath: this keel was built without CONFIG_SECCOMP_NOTIFY");
	if (s->default_action == SPEC_SC_NOTIFY)
		return err_set(e, EINVAL,
			       "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
	if (notify && !s->listener_path)
		return err_set(e, EINVAL,
			       "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");
	if (s->listener_path && strlen(s->listener_path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return err_set(e, ENAMETOOLONG, "linux.seccomp.listenerPath: longer than %zu bytes",
			       sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	for (size_t i = 0; i < s->n_rules; i++) {
		int rc = s->rules[i].action == SPEC_SC_NOTIFY ?
			 check_notify_rule(&s->rules[i], i, e) : 0;

		if (rc)
			return rc;
	}
	return 0;
}

static int check_flags(const struct spec_seccomp *s, struct err *e)
{
	for (size_t i = 0; s->flags && s->flags[i]; i++) {
		int attr, rc = sc_flag(s->flags[i], &attr);

		if (rc == -EOPNOTSUPP)
			return err_set(e, ENOTSUP,
				       "linux.seccomp.flags[%zu]: %s is not supported by this libseccomp (%d.%d.%d)",
				       i, s->flags[i], SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
		if (rc)
			return err_set(e, EINVAL, "linux.seccomp.flags[%zu]: unknown flag \"%s\"",
				       i, s->flags[i]);
	}
	return 0;
}

static int check_errno(bool has, unsigned int val, const char *path, struct err *e)
{
	/* the kernel keeps 16 bits of SECCOMP_RET_DATA: don't let it wrap silently */
	if (has && val > 0xffff)
		return err_set(e, ERANGE, "%s: must be < 65536", path);
	return 0;
}

static int check_rule(const struct spec_sc_rule *r, size_t i, struct err *e)
{
	char path[64];
	uint32_t act;

	if (sc_action(r->action, false, 0, &act))
		return err_set(e, EINVAL, "linux.seccomp.syscalls[%zu].action: unknown action", i);
	if (!r->names || !r->names[0])
		return err_set(e, EINVAL, "linux.seccomp.syscalls[%zu].names: must not be empty", i);
	snprintf(path, sizeof(path), "linux.seccomp.syscalls[%zu].errnoRet", i);
	if (check_errno(r->has_errno_ret, r->errno_ret, path, e))
		return -e->code;
	for (size_t j = 0; j < r->n_args; j++) {
		if (r->args[j].index >= SC_MAX_ARGS)
			return err_set(e, EINVAL, "linux.seccomp.syscalls[%zu].args[%zu].index: must be < %d",
				       i, j, SC_MAX_ARGS);
		if ((unsigned int)r->args[j].op > SPEC_SC_MASKED_EQ)
			return err_set(e, EINVAL, "linux.seccomp.syscalls[%zu].args[%zu].op: unknown operator",
				       i, j);
	}
	return 0;
}

static int check_static(const struct spec_seccomp *s, struct err *e)
{
	int rc = check_notify(s, e);

	if (!rc)
		rc = check_flags(s, e);
	if (!rc)
		rc = check_errno(s->has_default_errno_ret, s->default_errno_ret,
				 "linux.seccomp.defaultErrnoRet", e);
	for (size_t i = 0; i < s->n_rules && !rc; i++)
		rc = check_rule(&s->rules[i], i, e);
	return rc;
}

int sc_check(const struct spec_seccomp *s, struct err *e)
{
	_cleanup_scmp_ scmp_filter_ctx ctx = NULL;

	if (!s)
		return 0;
	return check_static(s, e) ?: sc_build(s, &ctx, e);
}

int sc_apply(const struct spec_seccomp *s, int *notify_fd, struct err *e)
{
	_cleanup_scmp_ scmp_filter_ctx ctx = NULL;
	int rc;

	*notify_fd = -1;
	if (!s)
		return 0;
	rc = check_static(s, e) ?: sc_build(s, &ctx, e);
	if (rc)
		return rc;
	rc = seccomp_load(ctx);
	if (rc == -EACCES)
		return err_sys(e, EACCES, "linux.seccomp: load filter (needs CAP_SYS_ADMIN or no_new_privs)");
	if (rc < 0)
		return err_sys(e, -rc, "linux.seccomp: load filter");
	if (!IS_ENABLED(CONFIG_SECCOMP_NOTIFY) || !spec_sc_uses_notify(s))
		return 0;
	/* libseccomp keeps this fd (O_CLOEXEC) in global state; the caller owns it now */
	rc = seccomp_notify_fd(ctx);
	if (rc < 0)
		return err_sys(e, -rc, "linux.seccomp: no notify fd after load");
	*notify_fd = rc;
	return 0;
}

int sc_export_bpf(const struct spec_seccomp *s, int fd, struct err *e)
{
	_cleanup_scmp_ scmp_filter_ctx ctx = NULL;
	int rc = check_static(s, e) ?: sc_build(s, &ctx, e);

	if (rc)
		return rc;
	rc = seccomp_export_bpf(ctx, fd);
	return rc < 0 ? err_sys(e, -rc, "linux.seccomp: export BPF") : 0;
}
