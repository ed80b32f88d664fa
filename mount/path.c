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

/* Fallback walk.  buf holds the remaining path; links are spliced in. */
static int walk_in_root(int rootfd, const char *path)
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
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			/* ".." at the root stays at the root */
			struct stat a, b;

			if (fstat(cur, &a) == 0 && fstat(rootfd, &b) == 0 &&
			    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
				continue;
		}
		next = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0)
			return -errno;
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
		/* splice: rest = link + "/" + p, restarting at the root if absolute */
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
	return walk_in_root(rootfd, path);
}

/* Make the last component of path in its (already existing) parent. */
static int make_last(int rootfd, const char *path, enum mnt_create create)
{
	_cleanup_free_ char *parent = xstrdup(path);
	char *slash = strrchr(parent, '/');
	const char *last = path;
	_cleanup_close_ int pfd = -1;
	int r;

	if (slash) {
		*slash = '\0';
		last = path + (slash - parent) + 1;
		pfd = resolve(rootfd, *parent ? parent : "/");
	} else {
		pfd = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	}
	if (pfd < 0)
		return pfd;
	/* O_PATH fds work as dirfd for mkdirat/mknodat */
	if (create == MNT_CREATE_DIR)
		r = mkdirat(pfd, last, 0755);
	else
		r = mknodat(pfd, last, S_IFREG | 0644, 0);
	return r < 0 && errno != EEXIST ? -errno : 0;
}

static int create_path(int rootfd, const char *path, enum mnt_create create)
{
	_cleanup_free_ char *p = xstrdup(path);
	int r;

	/* make each missing parent directory, then the last component */
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		r = resolve(rootfd, p);
		if (r == -ENOENT)
			r = make_last(rootfd, p, MNT_CREATE_DIR);
		else if (r >= 0)
			close(r), r = 0;
		*s = '/';
		if (r < 0)
			return r;
	}
	r = make_last(rootfd, path, create);
	return r < 0 ? r : resolve(rootfd, path);
}

int mnt_open_in_root(int rootfd, const char *path, enum mnt_create create, struct err *e)
{
	int fd = resolve(rootfd, path);

	if (fd == -ENOENT && create != MNT_NO_CREATE)
		fd = create_path(rootfd, path, create);
	if (fd < 0)
		return err_sys(e, -fd, "%s", path);
	return fd;
}
