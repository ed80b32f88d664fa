// SPDX-License-Identifier: MIT
/*
 * The rootfs, in the order runc and crun use: detach from the host's mount
 * propagation, make the rootfs a mount point, mount what config.json lists
 * (each target resolved inside the rootfs), /dev nodes, pivot_root (or
 * MS_MOVE + chroot with --no-pivot), then masked paths, read-only paths and
 * a read-only root.
 */
#include <fcntl.h>
#include <limits.h>
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

/*
 * A procfs or sysfs goes only on an ordinary directory, as runc has it:
 * mounted through a link (resolved in the root or not) it lands somewhere
 * the config did not name, the shape of CVE-2019-16884 (an image's /proc
 * link that made keel's later /proc writes miss the real procfs).
 */
static int check_fs_dest(int rootfd, const struct spec_mount *m, size_t i, struct err *e)
{
	_cleanup_free_ char *dir = xstrdup(m->destination);
	_cleanup_close_ int pfd = -1;
	char *base = strrchr(dir, '/');
	struct stat st;

	if (!base || !base[1])
		return 0;
	*base++ = '\0';
	pfd = mnt_open_in_root(rootfd, *dir ? dir : "/", MNT_NO_CREATE, e);
	err_clear(e);
	if (pfd < 0 || fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode))
		return 0;
	return err_set(e, ENOTDIR, "mounts[%zu].destination: %s is %s: a %s must be mounted on "
		       "an ordinary directory", i, m->destination,
		       S_ISLNK(st.st_mode) ? "a symlink" : "not a directory", m->type);
}

static int mount_one(int rootfd, const struct spec_mount *m, size_t i, int mfd, bool cgns,
		     struct err *e)
{
	_cleanup_close_ int fd = -1;
	char p[FD_PATH_MAX];
	int r;

	if (!m->bind && !m->type)
		return err_set(e, EINVAL, "mounts[%zu].type: required unless the mount is a bind mount", i);
	if (!mnt_is_bind(m) && (!strcmp(m->type, "proc") || !strcmp(m->type, "sysfs")) &&
	    check_fs_dest(rootfd, m, i, e) < 0)
		return -e->code;
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

/* mountinfo's octal escapes (\040 for a space) decoded in place */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/*
 * One mountinfo line: the mount point of a whole procfs or sysfs (its root
 * is "/") outside the rootfs, or NULL.
 */
static char *full_proc_or_sys(char *line, const char *rootfs)
{
	char *f[5], *dash = strstr(line, " - "), *save = NULL, *type;
	size_t n = strlen(rootfs);
	int i;

	if (!dash)
		return NULL;
	type = strtok_r(dash + 3, " ", &save);
	if (!type || (strcmp(type, "proc") && strcmp(type, "sysfs")))
		return NULL;
	*dash = '\0';
	save = NULL;
	for (i = 0; i < 5 && (f[i] = strtok_r(i ? NULL : line, " ", &save)); i++)
		;
	if (i < 5 || strcmp(f[3], "/"))
		return NULL;
	unescape(f[4]);
	if (!strncmp(f[4], rootfs, n) && (f[4][n] == '/' || !f[4][n]))
		return NULL;
	return f[4];
}

/*
 * --no-pivot keeps the host's mount tree below the chroot, and a procfs or
 * sysfs of the host's there is what the kernel's mount-visibility check
 * (mount_too_revealing) compares a new procfs with: a container process in
 * a nested user and pid namespace could mount a fresh, unmasked /proc (as
 * runc's no_pivot test shows).  Detach each such mount in the container's
 * mount namespace, as a slave so that nothing reaches the host; where that
 * is refused, cover it with an empty tmpfs.
 */
static int hide_host_procfs(int rootfd, struct err *e)
{
	_cleanup_free_ char *mi = NULL;
	char rootfs[PATH_MAX], fdp[FD_PATH_MAX];
	char *save = NULL, *line, *mp;
	ssize_t n;

	n = readlink(fd_path(fdp, rootfd), rootfs, sizeof(rootfs) - 1);
	if (n <= 0)
		return err_sys(e, errno, "--no-pivot: rootfs path");
	rootfs[n] = '\0';
	if (read_file("/proc/self/mountinfo", &mi, NULL, e) < 0)
		return err_wrap(e, "--no-pivot");
	for (line = strtok_r(mi, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		mp = full_proc_or_sys(line, rootfs);
		if (!mp)
			continue;
		/* a submount of one already detached: EINVAL or ENOENT, gone */
		if (mount(NULL, mp, NULL, MS_SLAVE | MS_REC, NULL) < 0 &&
		    (errno == EINVAL || errno == ENOENT))
			continue;
		if (umount2(mp, MNT_DETACH) == 0 || errno == EINVAL || errno == ENOENT)
			continue;
		if (mount("tmpfs", mp, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0") < 0)
			return err_sys(e, errno, "--no-pivot: hide the host's %s", mp);
	}
	return 0;
}

static int do_pivot(int rootfd, bool no_pivot, struct err *e)
{
	if (no_pivot && hide_host_procfs(rootfd, e) < 0)
		return -e->code;
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
