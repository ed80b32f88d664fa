/* SPDX-License-Identifier: MIT */
/*
 * seccomp/: linux.seccomp through libseccomp.  Compiled out entirely with
 * CONFIG_SECCOMP=n; then a config.json that asks for a filter is refused.
 */
#ifndef KEEL_SECCOMP_SC_H
#define KEEL_SECCOMP_SC_H

#include <stdbool.h>
#include <sys/types.h>

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
 * User notification, in two steps because the listener lives on the host
 * and the filter is loaded in the container just before execve: keel
 * connects to listenerPath during create (sc_listener_connect, a socket fd)
 * and init sends over it, once the filter is in, the runtime-spec's
 * container process state JSON (pid, metadata, the state) with the notify
 * fd attached as SCM_RIGHTS (sc_notify_send).
 */
int sc_listener_connect(const char *listener_path, struct err *e);
int sc_notify_send(int sk, int notify_fd, pid_t pid, const char *metadata, const char *state,
		   struct err *e);
#else
static inline int sc_listener_connect(const char *listener_path, struct err *e)
{
	return err_set(e, ENOTSUP,
		       "linux.seccomp.listenerPath: this keel was built without CONFIG_SECCOMP_NOTIFY");
}

static inline int sc_notify_send(int sk, int notify_fd, pid_t pid, const char *metadata,
				 const char *state, struct err *e)
{
	return sc_listener_connect(NULL, e);
}
#endif

#endif
