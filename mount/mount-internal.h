/* SPDX-License-Identifier: MIT */
#ifndef KEEL_MOUNT_INTERNAL_H
#define KEEL_MOUNT_INTERNAL_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "mount/mnt.h"

/* The new mount API has the same numbers on every architecture. */
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* "/proc/self/fd/N": mount through a resolved fd, never a string path. */
#define FD_PATH_MAX 32
static inline const char *fd_path(char buf[FD_PATH_MAX], int fd)
{
	snprintf(buf, FD_PATH_MAX, "/proc/self/fd/%d", fd);
	return buf;
}

int dev_setup_defaults(int rootfd, struct err *e);
/* setattr.c: "rro" and friends */
bool mnt_is_rattr(const char *opt);
int mnt_setattr(int rootfd, const struct spec_mount *m, size_t i, struct err *e);
/* cgroup.c: a "cgroup"/"cgroup2" mount at m->destination (a directory) */
int mnt_cgroup(int rootfd, const struct spec_mount *m, bool cgns, struct err *e);
int dev_create(int rootfd, const struct spec_device *d, size_t idx, struct err *e);

/* runc takes type "bind" without a bind option as a plain bind mount */
static inline bool mnt_is_bind(const struct spec_mount *m)
{
	return m->bind || (m->type && !strcmp(m->type, "bind"));
}

/* idmap.c: "idmap", "ridmap", mounts[].uidMappings and gidMappings */
#ifdef CONFIG_MOUNT_IDMAP
int mnt_idmap_check(const struct spec *s, size_t i, struct err *e);
/* In init: move the detached mount mfd (from mnt_idmap_open) onto mounts[i]. */
int mnt_idmap_attach(int rootfd, const struct spec_mount *m, size_t i, int mfd,
		     struct err *e);
#else
static inline int mnt_idmap_check(const struct spec *s, size_t i, struct err *e)
{
	return 0;
}

static inline int mnt_idmap_attach(int rootfd, const struct spec_mount *m, size_t i, int mfd,
				   struct err *e)
{
	return err_set(e, ENOTSUP, "mounts[%zu]: this keel was built without CONFIG_MOUNT_IDMAP", i);
}
#endif

#endif
