// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"

static struct {
	int fd;
	bool json, debug;
} lg = { .fd = -1 };

static const char *const level_names[] = { "error", "warning", "info", "debug" };

/*
 * A new log file is ours (O_EXCL|O_NOFOLLOW).  An existing one must be a
 * regular file or a character device (a tty, /dev/null), opened without
 * following a link: in a directory others can write, a link to
 * /etc/shadow or a fifo nobody reads (open would block) must not be what
 * root appends to.  Under /dev and /proc, where nobody else makes names,
 * links are followed and pipes taken: /dev/stderr, /proc/self/fd/N.
 * -2: there and not a file keel may write.
 */
static int open_log(const char *path)
{
	bool alias = !strncmp(path, "/dev/", 5) || !strncmp(path, "/proc/", 6);
	struct stat st;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);

	if (fd >= 0 || errno != EEXIST)
		return fd;
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NONBLOCK | (alias ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return errno == ELOOP || errno == ENXIO ? -2 : -1;
	if (fstat(fd, &st) < 0 ||
	    !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode) || (alias && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))))) {
		close(fd);
		return -2;
	}
	fcntl(fd, F_SETFL, O_APPEND);
	return fd;
}

int log_init(const char *path, const char *format, bool debug, struct err *e)
{
	lg.debug = debug;
	if (format && strcmp(format, "json") == 0)
		lg.json = true;
	else if (format && strcmp(format, "text") != 0)
		return err_set(e, EINVAL, "--log-format: unknown format \"%s\" (text or json)", format);
	if (!path || !*path)
		return 0;
	lg.fd = open_log(path);
	if (lg.fd == -2)
		return err_set(e, EEXIST, "--log %s: exists and is not a regular file", path);
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
