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
 * mount_fds (NULL if none) holds, per mounts[i], a detached mount that keel
 * made before the clone (mnt_idmap_open), or -1.
 */
int mnt_prepare(const struct spec *s, const char *rootfs, const int *mount_fds, struct err *e);
int mnt_enter(const struct spec *s, int rootfd, bool no_pivot, struct err *e);

/*
 * Open path (absolute or relative, taken as inside the root) below rootfd,
 * resolving every symlink as if rootfd were "/".  With create, missing
 * components are made: directories, and the last one as a directory or an
 * empty file.  Returns an O_PATH fd (close-on-exec).
 */
enum mnt_create { MNT_NO_CREATE, MNT_CREATE_DIR, MNT_CREATE_FILE };
int mnt_open_in_root(int rootfd, const char *path, enum mnt_create create, struct err *e);

/*
 * ID-mapped mounts ("idmap", "ridmap", mounts[].uidMappings/gidMappings),
 * made by keel in the host's user and mount namespaces before it clones
 * init, which inherits the fds and moves them into place: *fds gets an
 * array of s->n_mounts fds (-1 where a mount is not id-mapped), or NULL if
 * none is.  Free it with mnt_idmap_close() once init is cloned.
 */
#ifdef CONFIG_MOUNT_IDMAP
int mnt_idmap_open(const struct spec *s, int **fds, struct err *e);
void mnt_idmap_close(int *fds, size_t n);
#else
static inline int mnt_idmap_open(const struct spec *s, int **fds, struct err *e)
{
	*fds = NULL;
	return 0;
}

static inline void mnt_idmap_close(int *fds, size_t n)
{
}
#endif

#endif
