// SPDX-License-Identifier: MIT
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"

static void *oom(void *p)
{
	if (!p) {
		static const char msg[] = "keel: out of memory\n";

		(void)!write(2, msg, sizeof(msg) - 1);
		abort();
	}
	return p;
}

void *xmalloc(size_t n)
{
	return oom(malloc(n ? n : 1));
}

void *xcalloc(size_t n, size_t size)
{
	return oom(calloc(n ? n : 1, size ? size : 1));
}

void *xrealloc(void *p, size_t n)
{
	return oom(realloc(p, n ? n : 1));
}

char *xstrdup(const char *s)
{
	return oom(strdup(s));
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return oom(n < 0 ? NULL : s);
}

ssize_t write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += n;
	}
	return done;
}

ssize_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

int read_fd(int fd, char **out, size_t *len, struct err *e)
{
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);

	for (;;) {
		ssize_t r;

		if (n + 1 >= cap)
			buf = xrealloc(buf, cap *= 2);
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int saved = errno;

			free(buf);
			return err_sys(e, saved, "read");
		}
		if (r == 0)
			break;
		n += r;
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

int read_file_at(int dirfd, const char *path, char **out, size_t *len, struct err *e)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return err_sys(e, errno, "open %s", path);
	if (read_fd(fd, out, len, e) < 0)
		return err_wrap(e, "%s", path);
	return 0;
}

int read_file(const char *path, char **out, size_t *len, struct err *e)
{
	return read_file_at(AT_FDCWD, path, out, len, e);
}

int write_file(const char *path, const char *buf, size_t len, struct err *e)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0)
		return err_sys(e, errno, "open %s", path);
	if (write_all(fd, buf, len) < 0)
		return err_sys(e, errno, "write %s", path);
	return 0;
}

/*
 * A new file next to path, by a name nobody can foresee, that is ours: in a
 * world-writable directory (a --pid-file in /tmp) another user could have
 * made "<path>.tmp.<pid>" a fifo (open would block for ever) or a file of
 * theirs (they would own the result).  O_EXCL|O_NOFOLLOW refuses both.
 */
static int open_new_tmp(const char *path, mode_t mode, char **tmp, struct err *e)
{
	for (int i = 0; i < 16; i++) {
		unsigned int salt = 0;
		int fd;

		if (getrandom(&salt, sizeof(salt), GRND_NONBLOCK) != sizeof(salt))
			salt ^= (unsigned int)(uintptr_t)&salt ^ (unsigned int)i * 2654435761u;
		free(*tmp);
		*tmp = xasprintf("%s.tmp.%d.%08x", path, (int)getpid(), salt);
		fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : err_sys(e, errno, "create %s", path);
	}
	return err_set(e, EEXIST, "create %s: 16 temporary names taken", path);
}

int write_file_atomic(const char *path, const char *buf, size_t len, mode_t mode,
		      struct err *e)
{
	_cleanup_free_ char *tmp = NULL;
	struct stat st;
	int fd, r, saved;

	/* rename() would replace a fifo or a directory's entry: say so instead */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return err_set(e, EEXIST, "%s: exists and is not a regular file", path);
	fd = open_new_tmp(path, mode, &tmp, e);
	if (fd < 0)
		return fd;
	/*
	 * No fsync: the rename makes the update atomic for every reader, which
	 * is what a crash of keel needs; state does not outlive a reboot (the
	 * root is normally /run, a tmpfs), so durability would only cost a
	 * disk flush per write on a disk-backed --root (~0.5 ms each, two per
	 * run).  runc does not sync either.  close() still reports a late
	 * ENOSPC of a delayed-allocation filesystem.
	 */
	r = write_all(fd, buf, len);
	saved = errno;
	if (close(fd) < 0 && r == 0)
		r = -1, saved = errno;
	if (r < 0) {
		unlink(tmp);
		return err_sys(e, saved, "write %s", tmp);
	}
	if (rename(tmp, path) < 0) {
		saved = errno;
		unlink(tmp);
		return err_sys(e, saved, "rename %s", path);
	}
	return 0;
}

char *path_absolute(const char *path)
{
	_cleanup_free_ char *cwd = NULL;

	if (path[0] == '/')
		return xstrdup(path);
	cwd = getcwd(NULL, 0);
	/* no cwd (deleted): leave it relative, the open will say what failed */
	return cwd ? xasprintf("%s/%s", cwd, path) : xstrdup(path);
}

int mkdir_p(const char *path, mode_t mode, struct err *e)
{
	_cleanup_free_ char *p = xstrdup(path);

	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST)
				return err_sys(e, errno, "mkdir %s", p);
			*s = c;
			if (!c)
				break;
		}
	}
	return 0;
}

int proc_stat(pid_t pid, char *state, unsigned long long *start)
{
	char path[64], buf[1024];
	_cleanup_close_ int fd = -1;
	ssize_t n;
	char *p, *end;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	/* comm (field 2) may hold spaces and ')': skip to the last ')'. */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return -EIO;
	if (state)
		*state = p[2];
	/* after ") " come fields 3..; start time is field 22 */
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return -EIO;
	errno = 0;
	*start = strtoull(p + 1, &end, 10);
	return end == p + 1 || errno ? -EIO : 0;
}

int proc_start_time(pid_t pid, unsigned long long *out)
{
	return proc_stat(pid, NULL, out);
}

/*
 * By hand rather than strftime(): strftime drags the time zone code into a
 * static binary, and UTC needs none of it.
 */
void time_rfc3339(char *buf, size_t len, bool nanoseconds)
{
	struct timespec ts;
	struct tm tm;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
		     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, nanoseconds ? ".%09ldZ" : "Z", ts.tv_nsec);
}

bool str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}
