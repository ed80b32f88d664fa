// SPDX-License-Identifier: MIT
/*
 * Resolving paths inside the rootfs.  openat2(RESOLVE_IN_ROOT) does it in
 * the kernel (5.6+).  Older kernels get a walk one component at a time with
 * O_NOFOLLOW in which every symlink is read and resolved against the rootfs
 * fd by hand: ".." never climbs above it and absolute links restart there.
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "mount/mnt.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

#define MAX_LINKS 40

static int openat2_in_root(int rootfd, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

/*
 * Open one component below cur without following it.  In create mode a
 * missing component is made first: a directory, or for the last component
 * what the caller asked for.  EEXIST from a racing creator is fine: the
 * open that follows does not follow links either.
 */
static int step(int cur, const char *name, bool last, enum mnt_create create)
{
	int fd = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	int r;

	if (fd >= 0 || errno != ENOENT || create == MNT_NO_CREATE)
		return fd < 0 ? -errno : fd;
	if (last && create == MNT_CREATE_FILE)
		r = mknodat(cur, name, S_IFREG | 0644, 0);
	else
		r = mkdirat(cur, name, 0755);
	if (r < 0 && errno != EEXIST)
		return -errno;
	fd = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static bool at_root(int cur, int rootfd)
{
	struct stat a, b;

	return fstat(cur, &a) == 0 && fstat(rootfd, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * The walk: the fallback for kernels without openat2, and the way missing
 * components are made (a dangling symlink's target is created inside the
 * rootfs, as runc does).  rest holds what is left of the path; a symlink's
 * target is spliced in front of it, and an absolute one restarts at rootfd.
 */
static int walk_in_root(int rootfd, const char *path, enum mnt_create create)
{
	char rest[8192], link[4096], name[256];
	_cleanup_close_ int cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	int links = 0;

	if (cur < 0 || strlen(path) >= sizeof(rest))
		return cur < 0 ? -errno : -ENAMETOOLONG;
	snprintf(rest, sizeof(rest), "%s", path);
	for (char *p = rest; *p; ) {
		size_t n;
		int next;
		ssize_t ln;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (!n)
			break;
		if (n >= sizeof(name))
			return -ENAMETOOLONG;
		memcpy(name, p, n);
		name[n] = '\0';
		p += n;
		/* "." stays; ".." at the root stays at the root */
		if (!strcmp(name, ".") || (!strcmp(name, "..") && at_root(cur, rootfd)))
			continue;
		next = step(cur, name, !p[strspn(p, "/")], create);
		if (next < 0)
			return next;
		ln = readlinkat(next, "", link, sizeof(link) - 1);
		if (ln < 0) {	/* not a symlink: step into it */
			close(cur);
			cur = next;
			continue;
		}
		close(next);
		if (++links > MAX_LINKS)
			return -ELOOP;
		link[ln] = '\0';
		if (ln + strlen(p) + 2 >= sizeof(rest))
			return -ENAMETOOLONG;
		memmove(rest + ln + 1, p, strlen(p) + 1);
		memcpy(rest, link, ln);
		rest[ln] = '/';
		p = rest;
		if (link[0] == '/') {
			close(cur);
			cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
			if (cur < 0)
				return -errno;
		}
	}
	return steal_fd(&cur);
}

static int resolve(int rootfd, const char *path)
{
	static int have_openat2 = 1;

	if (have_openat2) {
		int fd = openat2_in_root(rootfd, path);

		if (fd != -ENOSYS)
			return fd;
		have_openat2 = 0;
	}
	return walk_in_root(rootfd, path, MNT_NO_CREATE);
}

int mnt_open_in_root(int rootfd, const char *path, enum mnt_create create, struct err *e)
{
	int fd = resolve(rootfd, path);

	if (fd == -ENOENT && create != MNT_NO_CREATE)
		fd = walk_in_root(rootfd, path, create);
	if (fd < 0)
		return err_sys(e, -fd, "%s", path);
	return fd;
}
