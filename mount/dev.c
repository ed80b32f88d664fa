// SPDX-License-Identifier: MIT
/*
 * /dev: the default nodes every OCI container gets, and linux.devices.
 * mknod where we may; inside a user namespace (EPERM) bind the host's node
 * instead, as runc does.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "mount/mount-internal.h"

static const struct {
	const char *name;
	unsigned int major, minor;
} default_devs[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const struct {
	const char *name, *target;
} default_links[] = {
	{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	{ "ptmx", "pts/ptmx" },
};

/* Bind the host's node at host_path over an empty file at path. */
static int bind_host_node(int rootfd, const char *path, const char *host_path, struct err *e)
{
	_cleanup_close_ int fd = mnt_open_in_root(rootfd, path, MNT_CREATE_FILE, e);
	char p[FD_PATH_MAX];

	if (fd < 0)
		return fd;
	if (mount(host_path, fd_path(p, fd), NULL, MS_BIND, NULL) < 0)
		return err_sys(e, errno, "bind %s to %s", host_path, path);
	return 0;
}

/*
 * A node keel bound from the host earlier (a default device, in a user
 * namespace) that linux.devices now lists again: detach that bind, through
 * an fd that does not follow a symlink, before the entry is replaced.
 */
static int unmount_at(int pfd, const char *name)
{
	_cleanup_close_ int fd = openat(pfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	char p[FD_PATH_MAX];

	return fd < 0 ? -1 : umount2(fd_path(p, fd), MNT_DETACH);
}

/* mknod path (inside root) with its parent resolved safely. */
static int make_node(int rootfd, const char *path, mode_t mode, dev_t dev, struct err *e)
{
	_cleanup_free_ char *parent = xstrdup(path);
	char *slash = strrchr(parent, '/');
	const char *name = path + (slash - parent) + 1;
	int r;
	_cleanup_close_ int pfd = -1;

	*slash = '\0';
	pfd = mnt_open_in_root(rootfd, *parent ? parent : "/", MNT_CREATE_DIR, e);
	if (pfd < 0)
		return pfd;
	/* an existing entry (maybe a planted symlink) is replaced, never followed */
	r = unlinkat(pfd, name, 0);
	if (r < 0 && errno == EBUSY && unmount_at(pfd, name) == 0)
		r = unlinkat(pfd, name, 0);
	if (r < 0 && errno != ENOENT && errno != EISDIR)
		return err_sys(e, errno, "remove %s", path);
	if (mknodat(pfd, name, mode, dev) < 0)
		return -errno;
	if (fchmodat(pfd, name, mode & 07777, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOTSUP &&
	    errno != EOPNOTSUPP)
		return err_sys(e, errno, "chmod %s", path);
	return 0;
}

static int node(int rootfd, const char *path, mode_t mode, dev_t dev, const char *host,
		struct err *e)
{
	int r = make_node(rootfd, path, mode, dev, e);

	if (r == -EPERM)
		return bind_host_node(rootfd, path, host, e);
	if (r < 0 && !e->code)
		return err_sys(e, -r, "mknod %s", path);
	return r;
}

int dev_setup_defaults(int rootfd, struct err *e)
{
	_cleanup_close_ int devfd = mnt_open_in_root(rootfd, "/dev", MNT_CREATE_DIR, e);
	char path[64];

	if (devfd < 0)
		return devfd;
	for (size_t i = 0; i < ARRAY_SIZE(default_devs); i++) {
		snprintf(path, sizeof(path), "/dev/%s", default_devs[i].name);
		if (node(rootfd, path, S_IFCHR | 0666,
			 makedev(default_devs[i].major, default_devs[i].minor), path, e) < 0)
			return -e->code;
	}
	for (size_t i = 0; i < ARRAY_SIZE(default_links); i++) {
		if (symlinkat(default_links[i].target, devfd, default_links[i].name) < 0 &&
		    errno != EEXIST)
			return err_sys(e, errno, "symlink /dev/%s", default_links[i].name);
	}
	return 0;
}

int dev_create(int rootfd, const struct spec_device *d, size_t idx, struct err *e)
{
	mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
	mode_t mode = d->has_file_mode ? d->file_mode & 07777 : 0666;
	_cleanup_close_ int fd = -1;
	int r;

	r = node(rootfd, d->path, type | mode, makedev(d->major, d->minor), d->path, e);
	if (r < 0)
		return err_wrap(e, "linux.devices[%zu]", idx);
	fd = mnt_open_in_root(rootfd, d->path, MNT_NO_CREATE, e);
	if (fd < 0)
		return err_wrap(e, "linux.devices[%zu]", idx);
	if ((d->has_uid || d->has_gid) &&
	    fchownat(fd, "", d->has_uid ? d->uid : (uid_t)-1, d->has_gid ? d->gid : (gid_t)-1,
		     AT_EMPTY_PATH) < 0)
		return err_sys(e, errno, "linux.devices[%zu]: chown %s", idx, d->path);
	return 0;
}

/*
 * /dev/console for a container with a terminal: the pty slave bound over a
 * fresh empty file.  Whatever the image put at /dev/console (a symlink to a
 * procfs file, say) is removed first, never followed, and the new file is
 * checked before the bind (CVE-2025-52565).
 */
int mnt_bind_console(int slave, struct err *e)
{
	_cleanup_close_ int dev = open("/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int fd = -1;
	char p[FD_PATH_MAX], q[FD_PATH_MAX];
	struct stat st;

	if (dev < 0)
		return err_sys(e, errno, "/dev/console: open /dev");
	if (unlinkat(dev, "console", 0) < 0 && errno != ENOENT)
		return err_sys(e, errno, "/dev/console: remove");
	if (mknodat(dev, "console", S_IFREG | 0600, 0) < 0)
		return err_sys(e, errno, "/dev/console: create");
	fd = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return err_set(e, EPERM, "/dev/console: not the file keel made");
	if (mount(fd_path(q, slave), fd_path(p, fd), NULL, MS_BIND, NULL) < 0)
		return err_sys(e, errno, "/dev/console: bind the terminal");
	return 0;
}
