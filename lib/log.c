// SPDX-License-Identifier: MIT
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"

static struct {
	int fd;
	bool json, debug;
} lg = { .fd = -1 };

static const char *const level_names[] = { "error", "warning", "info", "debug" };

int log_init(const char *path, const char *format, bool debug, struct err *e)
{
	lg.debug = debug;
	if (format && strcmp(format, "json") == 0)
		lg.json = true;
	else if (format && strcmp(format, "text") != 0)
		return err_set(e, EINVAL, "--log-format: unknown format \"%s\" (text or json)", format);
	if (!path || !*path)
		return 0;
	lg.fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (lg.fd < 0)
		return err_sys(e, errno, "--log %s", path);
	return 0;
}

int log_fd(void)
{
	return lg.fd;
}

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* One line, one write(): lines from several keel processes never interleave. */
static void emit(enum log_level lvl, const char *msg)
{
	char when[40];
	char *line = NULL;
	size_t len = 0;
	FILE *f;

	time_rfc3339(when, sizeof(when), false);
	f = open_memstream(&line, &len);
	if (!f)
		return;
	if (lg.json) {
		fprintf(f, "{\"level\":\"%s\",\"msg\":", level_names[lvl]);
		json_str(f, msg);
		fprintf(f, ",\"time\":\"%s\"}\n", when);
	} else {
		fprintf(f, "time=\"%s\" level=%s msg=", when, level_names[lvl]);
		json_str(f, msg);
		fputc('\n', f);
	}
	fclose(f);
	write_all(lg.fd, line, len);
	free(line);
}

static void vlog(enum log_level lvl, const char *fmt, va_list ap)
{
	char msg[1024];

	if (lvl == LOG_DEBUG && !lg.debug)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (lg.fd >= 0)
		emit(lvl, msg);
	if (lvl <= LOG_WARN && lg.fd < 0)
		dprintf(2, "keel: %s%s\n", lvl == LOG_WARN ? "warning: " : "", msg);
	else if (lvl == LOG_DEBUG && lg.fd < 0)
		dprintf(2, "keel: debug: %s\n", msg);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(lvl, fmt, ap);
	va_end(ap);
}

void log_fatal(const struct err *e)
{
	if (lg.fd >= 0)
		emit(LOG_ERROR, e->msg);
	dprintf(2, "keel: %s\n", e->msg);
}
