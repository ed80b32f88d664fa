/* SPDX-License-Identifier: MIT */
#ifndef KEEL_MOUNT_INTERNAL_H
#define KEEL_MOUNT_INTERNAL_H

#include <stdio.h>

#include "mount/mnt.h"

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

#endif
