/* SPDX-License-Identifier: MIT */
/*
 * mount/: the container's filesystem view, built in init inside its new
 * mount namespace: rootfs, mounts, /dev, pivot_root (or MS_MOVE + chroot),
 * masked and read-only paths.
 *
 * Every target inside the rootfs is resolved with mnt_open_in_root(), never
 * by joining strings, so a symlink planted in the rootfs cannot send a mount
 * outside it (CVE-2021-30465 class: symlink-exchange mount escapes).
 */
#ifndef KEEL_MNT_H
#define KEEL_MNT_H

#include <stdbool.h>

#include "lib/err.h"
#include "spec/spec.h"

/* Refuse mount options this build does not apply (before anything is made). */
int mnt_check(const struct spec *s, struct err *e);
/* After the pivot: bind the terminal's slave (an fd) at /dev/console. */
int mnt_bind_console(int slave, struct err *e);

/*
 * The rootfs in two steps, so that createContainer hooks run in between
 * (after the mounts, before pivot_root, as the runtime-spec orders them):
 * mnt_prepare() mounts everything below the rootfs and returns an O_PATH fd
 * of it; mnt_enter() pivots into it (or moves and chroots) and applies
 * masked paths, read-only paths and a read-only root.  It closes rootfd.
 */
int mnt_prepare(const struct spec *s, const char *rootfs, struct err *e);
int mnt_enter(const struct spec *s, int rootfd, bool no_pivot, struct err *e);

/*
 * Open path (absolute or relative, taken as inside the root) below rootfd,
 * resolving every symlink as if rootfd were "/".  With create, missing
 * components are made: directories, and the last one as a directory or an
 * empty file.  Returns an O_PATH fd (close-on-exec).
 */
enum mnt_create { MNT_NO_CREATE, MNT_CREATE_DIR, MNT_CREATE_FILE };
int mnt_open_in_root(int rootfd, const char *path, enum mnt_create create, struct err *e);

#endif
