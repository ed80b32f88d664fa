/* SPDX-License-Identifier: MIT */
/*
 * One small error type for all of keel.  It needs no allocation, so it works
 * in the container init between clone and execve, and it is plain bytes, so
 * init can send it back to the parent over the sync socket as it is.
 *
 * Functions return 0 or a negative errno and fill *e; only the CLI layer
 * prints the message and picks the exit status.
 */
#ifndef KEEL_LIB_ERR_H
#define KEEL_LIB_ERR_H

#include <errno.h>

#define ERR_MSG_MAX 256

struct err {
	int code;		/* positive errno */
	char msg[ERR_MSG_MAX];
};

/* Set *e to "<fmt ...>" and return -code.  A zero code becomes EINVAL. */
int err_set(struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same, with ": <strerror(code)>" appended: for failed system calls. */
int err_sys(struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prepend "<fmt ...>: " to the message already in *e; return -e->code. */
int err_wrap(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Forget an error (e.g. after a fallback succeeded). */
void err_clear(struct err *e);

#endif
