// SPDX-License-Identifier: MIT
/*
 * The rootfs, in the order runc and crun use: detach from the host's mount
 * propagation, make the rootfs a mount point, mount what config.json lists
 * (each target resolved inside the rootfs), /dev nodes, pivot_root (or
 * MS_MOVE + chroot with --no-pivot), then masked paths, read-only paths and
 * a read-only root.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "mount/mount-internal.h"

static bool source_is_dir(const char *src)
{
	struct stat st;

	return stat(src, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Flags that a bind mount only takes on a remount. */
#define REMOUNT_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | \
		       MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)

/* A bind of the source, or the id-mapped copy keel made of it (mfd). */
static int mount_bind(int rootfd, const struct spec_mount *m, size_t i, int mfd,
		      struct err *e)
{
	_cleanup_close_ int fd = -1, fd2 = -1;
	char p[FD_PATH_MAX];

	if (mfd >= 0) {
		if (mnt_idmap_attach(rootfd, m, i, mfd, e) < 0)
			return -e->code;
	} else {
		fd = mnt_open_in_root(rootfd, m->destination, source_is_dir(m->source) ?
				      MNT_CREATE_DIR : MNT_CREATE_FILE, e);
		if (fd < 0)
			return err_wrap(e, "mounts[%zu].destination", i);
		if (mount(m->source, fd_path(p, fd), NULL, MS_BIND | (m->recursive ? MS_REC : 0),
			  NULL) < 0)
			return err_sys(e, errno, "mounts[%zu]: bind %s on %s", i, m->source,
				       m->destination);
	}
	if (!(m->flags & REMOUNT_FLAGS))
		return 0;
	/* the old fd names what lies under the new mount: look it up again */
	fd2 = mnt_open_in_root(rootfd, m->destination, MNT_NO_CREATE, e);
	if (fd2 < 0)
		return err_wrap(e, "mounts[%zu].destination", i);
	if (mount(NULL, fd_path(p, fd2), NULL, MS_REMOUNT | MS_BIND | (m->flags & REMOUNT_FLAGS),
		  NULL) < 0)
		return err_sys(e, errno, "mounts[%zu]: remount %s", i, m->destination);
	return 0;
}

static int mount_fs(int rootfd, const struct spec_mount *m, size_t i, bool cgns, struct err *e)
{
	const char *type = m->type, *src = m->source ? m->source : m->type;
	_cleanup_close_ int fd = mnt_open_in_root(rootfd, m->destination, MNT_CREATE_DIR, e);
	char p[FD_PATH_MAX];

	if (fd < 0)
		return err_wrap(e, "mounts[%zu].destination", i);
	if (!strcmp(type, "cgroup") || !strcmp(type, "cgroup2"))
		return mnt_cgroup(rootfd, m, cgns, e) < 0 ?
		       err_wrap(e, "mounts[%zu]: %s on %s", i, type, m->destination) : 0;
	if (mount(src, fd_path(p, fd), type, m->flags, m->data) < 0)
		return err_sys(e, errno, "mounts[%zu]: mount %s on %s", i, type, m->destination);
	return 0;
}

static int mount_one(int rootfd, const struct spec_mount *m, size_t i, int mfd, bool cgns,
		     struct err *e)
{
	_cleanup_close_ int fd = -1;
	char p[FD_PATH_MAX];
	int r;

	if (!m->bind && !m->type)
		return err_set(e, EINVAL, "mounts[%zu].type: required unless the mount is a bind mount", i);
	r = mnt_is_bind(m) ? mount_bind(rootfd, m, i, mfd, e) : mount_fs(rootfd, m, i, cgns, e);
	if (r == 0)
		r = mnt_setattr(rootfd, m, i, e);
	if (r < 0 || !m->propagation)
		return r;
	fd = mnt_open_in_root(rootfd, m->destination, MNT_NO_CREATE, e);
	if (fd < 0)
		return err_wrap(e, "mounts[%zu].destination", i);
	if (mount(NULL, fd_path(p, fd), NULL, m->propagation, NULL) < 0)
		return err_sys(e, errno, "mounts[%zu]: set propagation of %s", i, m->destination);
	return 0;
}

/* Does config.json give the container its own /dev (not a bind of the host's)? */
static bool own_dev(const struct spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (!strcmp(s->mounts[i].destination, "/dev"))
			return !mnt_is_bind(&s->mounts[i]);
	return false;
}

static int mounts_and_devices(const struct spec *s, int rootfd, const int *mount_fds,
			      struct err *e)
{
	bool cgns = spec_ns_find(s, SPEC_NS_CGROUP) != NULL;

	for (size_t i = 0; i < s->n_mounts; i++)
		if (mount_one(rootfd, &s->mounts[i], i, mount_fds ? mount_fds[i] : -1, cgns, e) < 0)
			return -e->code;
	if (own_dev(s) && dev_setup_defaults(rootfd, e) < 0)
		return err_wrap(e, "/dev");
	for (size_t i = 0; i < s->linux.n_devices; i++)
		if (dev_create(rootfd, &s->linux.devices[i], i, e) < 0)
			return -e->code;
	return 0;
}

static int do_pivot(int rootfd, bool no_pivot, struct err *e)
{
	if (fchdir(rootfd) < 0)
		return err_sys(e, errno, "chdir to rootfs");
	if (no_pivot) {
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
			return err_sys(e, errno, "--no-pivot: move rootfs to /");
		if (chroot(".") < 0)
			return err_sys(e, errno, "--no-pivot: chroot");
		return chdir("/") < 0 ? err_sys(e, errno, "chdir /") : 0;
	}
	/*
	 * pivot_root(".", ".") stacks the old root on top of the new one;
	 * unmount it lazily, after making it a slave so that the unmount
	 * does not propagate back to the host.
	 */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return err_sys(e, errno, "pivot_root (try --no-pivot on a ramdisk root)");
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return err_sys(e, errno, "make old root a slave");
	if (umount2(".", MNT_DETACH) < 0)
		return err_sys(e, errno, "detach old root");
	return chdir("/") < 0 ? err_sys(e, errno, "chdir /") : 0;
}

static int mask_path(int rootfd, int devnull, const char *path, size_t i, struct err *e)
{
	_cleanup_close_ int fd = mnt_open_in_root(rootfd, path, MNT_NO_CREATE, e);
	char p[FD_PATH_MAX], q[FD_PATH_MAX];
	struct stat st;
	int r;

	if (fd < 0) {
		if (e->code != ENOENT)
			return err_wrap(e, "linux.maskedPaths[%zu]", i);
		err_clear(e);
		return 0;
	}
	if (fstat(fd, &st) < 0)
		return err_sys(e, errno, "linux.maskedPaths[%zu]: stat %s", i, path);
	if (S_ISDIR(st.st_mode))
		r = mount("tmpfs", fd_path(p, fd), "tmpfs", MS_RDONLY, "size=0,mode=0555");
	else
		r = mount(fd_path(q, devnull), fd_path(p, fd), NULL, MS_BIND, NULL);
	return r < 0 ? err_sys(e, errno, "linux.maskedPaths[%zu]: mask %s", i, path) : 0;
}

static int readonly_path(int rootfd, const char *path, size_t i, struct err *e)
{
	_cleanup_close_ int fd = mnt_open_in_root(rootfd, path, MNT_NO_CREATE, e);
	_cleanup_close_ int fd2 = -1;
	char p[FD_PATH_MAX];

	if (fd < 0) {
		if (e->code != ENOENT)
			return err_wrap(e, "linux.readonlyPaths[%zu]", i);
		err_clear(e);
		return 0;
	}
	if (mount(fd_path(p, fd), fd_path(p, fd), NULL, MS_BIND | MS_REC, NULL) < 0)
		return err_sys(e, errno, "linux.readonlyPaths[%zu]: bind %s", i, path);
	fd2 = mnt_open_in_root(rootfd, path, MNT_NO_CREATE, e);
	if (fd2 < 0)
		return err_wrap(e, "linux.readonlyPaths[%zu]", i);
	if (mount(NULL, fd_path(p, fd2), NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_REC, NULL) < 0)
		return err_sys(e, errno, "linux.readonlyPaths[%zu]: remount %s", i, path);
	return 0;
}

/* Keep the flags the root mount already has: they may be locked (user ns). */
static int readonly_root(struct err *e)
{
	struct statvfs sv;
	unsigned long f = MS_REMOUNT | MS_BIND | MS_RDONLY;

	if (statvfs("/", &sv) == 0) {
		if (sv.f_flag & ST_NOSUID)
			f |= MS_NOSUID;
		if (sv.f_flag & ST_NODEV)
			f |= MS_NODEV;
		if (sv.f_flag & ST_NOEXEC)
			f |= MS_NOEXEC;
	}
	return mount(NULL, "/", NULL, f, NULL) < 0 ? err_sys(e, errno, "root.readonly: remount /") : 0;
}

static int after_pivot(const struct spec *s, int devnull, struct err *e)
{
	_cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char **v;
	size_t i;

	if (rootfd < 0)
		return err_sys(e, errno, "open /");
	for (v = s->linux.masked_paths, i = 0; v && *v; v++, i++)
		if (mask_path(rootfd, devnull, *v, i, e) < 0)
			return -e->code;
	for (v = s->linux.readonly_paths, i = 0; v && *v; v++, i++)
		if (readonly_path(rootfd, *v, i, e) < 0)
			return -e->code;
	if (s->linux.rootfs_propagation &&
	    mount(NULL, "/", NULL, s->linux.rootfs_propagation, NULL) < 0)
		return err_sys(e, errno, "linux.rootfsPropagation");
	return s->root.readonly ? readonly_root(e) : 0;
}

int mnt_prepare(const struct spec *s, const char *rootfs, const int *mount_fds, struct err *e)
{
	/*
	 * Nothing we mount may propagate to the host, and pivot_root needs a
	 * non-shared parent: start from rslave (rprivate if asked for) and
	 * apply a shared rootfsPropagation only after the pivot.
	 */
	unsigned long prop = s->linux.rootfs_propagation & MS_PRIVATE ? MS_PRIVATE : MS_SLAVE;
	_cleanup_close_ int rootfd = -1;

	if (mount(NULL, "/", NULL, prop | MS_REC, NULL) < 0)
		return err_sys(e, errno, "make / a %s mount%s", prop == MS_SLAVE ? "slave" : "private",
			       errno == EINVAL ? " (/ is not a mount point: keel runs in a chroot?)" : "");
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return err_sys(e, errno, "root.path: bind %s", rootfs);
	rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return err_sys(e, errno, "root.path: open %s", rootfs);
	if (mounts_and_devices(s, rootfd, mount_fds, e) < 0)
		return -e->code;
	return steal_fd(&rootfd);
}

/*
 * The container's /dev/null, opened without following a symlink and checked
 * to be the null device: masking binds it by that fd, so a /dev/null the
 * image made a symlink (to /proc/sys/kernel/core_pattern, say) or swapped
 * for another file is never what lands over a masked path (CVE-2025-31133).
 */
static int open_devnull(struct err *e)
{
	int fd = open("/dev/null", O_PATH | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;

	if (fd < 0)
		return err_sys(e, errno, "linux.maskedPaths: open /dev/null");
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
		close(fd);
		return err_set(e, EPERM, "linux.maskedPaths: the container's /dev/null is not "
			       "the null device");
	}
	return fd;
}

int mnt_enter(const struct spec *s, int rootfd, bool no_pivot, struct err *e)
{
	_cleanup_close_ int devnull = -1;
	int r = do_pivot(rootfd, no_pivot, e);

	close(rootfd);
	if (r < 0)
		return r;
	if (s->linux.masked_paths && s->linux.masked_paths[0]) {
		devnull = open_devnull(e);
		if (devnull < 0)
			return devnull;
	}
	return after_pivot(s, devnull, e);
}
