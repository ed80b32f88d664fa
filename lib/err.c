// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/err.h"

static int vset(struct err *e, int code, int with_errno, const char *fmt, va_list ap)
{
	int n;

	if (code <= 0)
		code = code < 0 ? -code : EINVAL;
	e->code = code;
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	if (n < 0)
		n = 0;
	/* One line whatever the message quotes: an id, a path, a JSON string. */
	for (char *p = e->msg; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
	if (with_errno && (size_t)n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(code));
	return -code;
}

int err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vset(e, code, 0, fmt, ap);
	va_end(ap);
	return r;
}

int err_sys(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vset(e, code, 1, fmt, ap);
	va_end(ap);
	return r;
}

int err_wrap(struct err *e, const char *fmt, ...)
{
	char prefix[ERR_MSG_MAX], old[ERR_MSG_MAX];
	va_list ap;

	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	snprintf(e->msg, sizeof(e->msg), "%s: %s", prefix, old);
	if (!e->code)
		e->code = EINVAL;
	return -e->code;
}

void err_clear(struct err *e)
{
	e->code = 0;
	e->msg[0] = '\0';
}
