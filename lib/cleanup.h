/* SPDX-License-Identifier: MIT */
/*
 * Scope-bound cleanup.  Declare at assignment; hand ownership on with
 * steal_ptr()/steal_fd().  Do not mix these with goto labels in one function.
 */
#ifndef KEEL_LIB_CLEANUP_H
#define KEEL_LIB_CLEANUP_H

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}

/* A child we started and must not leave behind: kill and reap it. */
static inline void pidp(pid_t *pid)
{
	if (*pid > 0) {
		int saved = errno;

		kill(*pid, SIGKILL);
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
		errno = saved;
	}
}

static inline void strvp(char ***v)
{
	if (*v) {
		for (char **p = *v; *p; p++)
			free(*p);
		free(*v);
	}
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_pid_ _cleanup_(pidp)
#define _cleanup_strv_ _cleanup_(strvp)

#define steal_ptr(pp) ({ __typeof__(*(pp)) _p = *(pp); *(pp) = NULL; _p; })
#define steal_fd(fdp) ({ int _fd = *(fdp); *(fdp) = -1; _fd; })
#define steal_pid(pp) ({ pid_t _pid = *(pp); *(pp) = -1; _pid; })

#endif
