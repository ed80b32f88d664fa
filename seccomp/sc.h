/* SPDX-License-Identifier: MIT */
/*
 * seccomp/: linux.seccomp through libseccomp.  Compiled out entirely with
 * CONFIG_SECCOMP=n; then a config.json that asks for a filter is refused.
 */
#ifndef KEEL_SECCOMP_SC_H
#define KEEL_SECCOMP_SC_H

#include <stdbool.h>

#include "lib/err.h"
#include "spec/spec.h"

#ifdef CONFIG_SECCOMP
/*
 * Check everything that can be checked before the container exists (actions,
 * architectures, flags, notify support) so that bad input fails in "create"
 * with nothing made.  Errors name the JSON path.
 */
int sc_check(const struct spec_seccomp *s, struct err *e);
/*
 * Build and load the filter into the calling process.  Called in the
 * container init as the last step before execve.  With a listenerPath, the
 * notify fd is returned in *notify_fd (else -1).
 */
int sc_apply(const struct spec_seccomp *s, int *notify_fd, struct err *e);
/*
 * Build the filter as sc_apply() would and write its BPF program to fd
 * instead of loading it: for tests, debugging and foreign-arch profiles.
 */
int sc_export_bpf(const struct spec_seccomp *s, int fd, struct err *e);
#else
static inline int sc_check(const struct spec_seccomp *s, struct err *e)
{
	return s ? err_set(e, ENOTSUP, "linux.seccomp: this keel was built without CONFIG_SECCOMP") : 0;
}

static inline int sc_apply(const struct spec_seccomp *s, int *notify_fd, struct err *e)
{
	*notify_fd = -1;
	return sc_check(s, e);
}

static inline int sc_export_bpf(const struct spec_seccomp *s, int fd, struct err *e)
{
	return err_set(e, ENOTSUP, "linux.seccomp: this keel was built without CONFIG_SECCOMP");
}
#endif

#ifdef CONFIG_SECCOMP_NOTIFY
/*
 * Connect to the unix socket listener_path and send state_json (the
 * container state with "fds": ["seccompFd"] and listenerMetadata, as the
 * runtime-spec describes) with notify_fd attached as SCM_RIGHTS.  The caller
 * keeps notify_fd and closes it afterwards.
 */
int sc_notify_send(const char *listener_path, int notify_fd, const char *state_json,
		   struct err *e);
#else
static inline int sc_notify_send(const char *listener_path, int notify_fd,
				 const char *state_json, struct err *e)
{
	return err_set(e, ENOTSUP,
		       "linux.seccomp.listenerPath: this keel was built without CONFIG_SECCOMP_NOTIFY");
}
#endif

#endif
