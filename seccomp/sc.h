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
#endif

#endif
