// SPDX-License-Identifier: MIT
/*
 * Recursive mount attributes ("rro", "rnosuid", ...): mount_setattr(2) with
 * AT_RECURSIVE (Linux 5.12), so that every mount below an rbind gets them,
 * which a remount cannot do.
 */
#include <fcntl.h>
#include <linux/mount.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "mount/mount-internal.h"

static const struct {
	const char *name;
	unsigned long long set, clr;
} rattrs[] = {
	{ "rro", MOUNT_ATTR_RDONLY, 0 },	{ "rrw", 0, MOUNT_ATTR_RDONLY },
	{ "rnosuid", MOUNT_ATTR_NOSUID, 0 },	{ "rsuid", 0, MOUNT_ATTR_NOSUID },
	{ "rnodev", MOUNT_ATTR_NODEV, 0 },	{ "rdev", 0, MOUNT_ATTR_NODEV },
	{ "rnoexec", MOUNT_ATTR_NOEXEC, 0 },	{ "rexec", 0, MOUNT_ATTR_NOEXEC },
	{ "rnodiratime", MOUNT_ATTR_NODIRATIME, 0 }, { "rdiratime", 0, MOUNT_ATTR_NODIRATIME },
	{ "rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0 }, { "rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW },
	/* the atime mode is one field: clear all of it, set one */
	{ "rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME },
	{ "rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME },
	{ "rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME },
};

bool mnt_is_rattr(const char *opt)
{
	for (size_t i = 0; i < ARRAY_SIZE(rattrs); i++)
		if (!strcmp(opt, rattrs[i].name))
			return true;
	return false;
}

int mnt_setattr(int rootfd, const struct spec_mount *m, size_t i, struct err *e)
{
	struct mount_attr a = { 0 };
	_cleanup_close_ int fd = -1;

	/* in order, a later option overriding an earlier one */
	for (char **o = m->options; o && *o; o++) {
		for (size_t k = 0; k < ARRAY_SIZE(rattrs); k++) {
			unsigned long long set = rattrs[k].set, clr = rattrs[k].clr;

			if (strcmp(*o, rattrs[k].name))
				continue;
			if (clr == MOUNT_ATTR__ATIME) {
				a.attr_clr |= clr;
				a.attr_set = (a.attr_set & ~clr) | set;
			} else {
				a.attr_set = (a.attr_set | set) & ~clr;
				a.attr_clr = (a.attr_clr | clr) & ~set;
			}
		}
	}
	if (!a.attr_set && !a.attr_clr)
		return 0;
	fd = mnt_open_in_root(rootfd, m->destination, MNT_NO_CREATE, e);
	if (fd < 0)
		return err_wrap(e, "mounts[%zu].destination", i);
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) == 0)
		return 0;
	if (errno == ENOSYS)
		return err_set(e, ENOSYS, "mounts[%zu].options: recursive attributes need "
			       "mount_setattr (Linux 5.12)", i);
	return err_sys(e, errno, "mounts[%zu].options: mount_setattr on %s", i, m->destination);
}
