// SPDX-License-Identifier: MIT
/*
 * realpath through the kernel: open the path (O_PATH) and read back what
 * /proc/self/fd/N names, the canonical path the kernel resolved.  musl
 * did this until 1.2.3, whose walk in user space costs ~1.4 KiB; keel
 * needs /proc anyway.  Linked before libc, it replaces musl's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *realpath(const char *restrict path, char *restrict resolved)
{
	char buf[PATH_MAX], proc[32];
	int fd = open(path, O_PATH | O_CLOEXEC), saved;
	ssize_t n;

	if (fd < 0)
		return NULL;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, buf, sizeof(buf));
	saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved;
		return NULL;
	}
	if (n >= (ssize_t)sizeof(buf) || buf[0] != '/') {
		errno = n >= (ssize_t)sizeof(buf) ? ENAMETOOLONG : ENOENT;
		return NULL;
	}
	buf[n] = '\0';
	return resolved ? strcpy(resolved, buf) : strdup(buf);
}
