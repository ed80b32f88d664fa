// SPDX-License-Identifier: MIT
/*
 * ID-mapped mounts: the "idmap" and "ridmap" options and a mount's own
 * uidMappings/gidMappings (runtime-spec 1.2).
 *
 * keel makes each one before it clones init, in its own (the host's) user
 * and mount namespaces: open_tree(OPEN_TREE_CLONE) detaches a copy of the
 * source, mount_setattr(MOUNT_ATTR_IDMAP) gives the copy the mapping of a
 * user namespace made for the purpose, and init, which inherits the fd with
 * the clone, moves it onto its destination (resolved inside the rootfs).
 * The kernel wants CAP_SYS_ADMIN over the user namespace that owns the
 * source's filesystem (the host's, for ext4 or tmpfs) and a mount that is
 * not attached yet: init in a new user namespace has no such right, and
 * nothing the container runs ever gets it; the source is looked up by keel
 * before any process of the container exists.
 *
 * A mapping reads as in a user namespace: an id containerID+n on disk shows
 * as hostID+n through the mount, and what is written through the mount by
 * hostID+n lands on disk as containerID+n.  With the container's own
 * mappings, the container's root sees the files root owns on disk as its
 * own.  Ids outside the mapping show as the overflow id (65534).
 *
 * What keel does with the combinations (docs/design.md):
 *  - "idmap" maps the top mount only, "ridmap" every mount of an rbind
 *    (both given: "ridmap");
 *  - uidMappings/gidMappings without either option: "idmap" (the spec:
 *    the mappings make the mount id-mapped);
 *  - either option without mappings: the container's user namespace
 *    mappings, or the user namespace it joins by path (as runc does);
 *    without a user namespace that is an error.
 */
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "mount/mount-internal.h"
#include "ns/ns.h"

#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif

enum { IDMAP_NONE, IDMAP_TOP, IDMAP_TREE };

static int idmap_kind(const struct spec_mount *m)
{
	int k = m->n_uid_mappings || m->n_gid_mappings ? IDMAP_TOP : IDMAP_NONE;

	for (char **o = m->options; o && *o; o++)
		if (!strcmp(*o, "ridmap"))
			k = IDMAP_TREE;
		else if (!strcmp(*o, "idmap") && k == IDMAP_NONE)
			k = IDMAP_TOP;
	return k;
}

/* What the kernel would refuse with a bare EINVAL, refused by name first. */
static int check_maps(const struct spec_idmap *v, size_t n, size_t i, const char *key,
		      struct err *e)
{
	for (size_t k = 0; k < n; k++) {
		if (!v[k].size)
			return err_set(e, EINVAL, "mounts[%zu].%s[%zu].size: must be at least 1",
				       i, key, k);
		if ((uint64_t)v[k].container_id + v[k].size > UINT32_MAX ||
		    (uint64_t)v[k].host_id + v[k].size > UINT32_MAX)
			return err_set(e, EINVAL, "mounts[%zu].%s[%zu]: the range goes past "
				       "id 4294967294", i, key, k);
	}
	return 0;
}

int mnt_idmap_check(const struct spec *s, size_t i, struct err *e)
{
	const struct spec_mount *m = &s->mounts[i];
	bool uid = m->n_uid_mappings, gid = m->n_gid_mappings;

	if (idmap_kind(m) == IDMAP_NONE)
		return 0;
	if (!mnt_is_bind(m))
		return err_set(e, EINVAL, "mounts[%zu]: only bind mounts can be id-mapped", i);
	if (!m->source || !*m->source)
		return err_set(e, EINVAL, "mounts[%zu].source: required", i);
	if (uid != gid)
		return err_set(e, EINVAL, "mounts[%zu].%s: required with %s", i,
			       uid ? "gidMappings" : "uidMappings", uid ? "uidMappings" : "gidMappings");
	if (!uid && !spec_ns_find(s, SPEC_NS_USER))
		return err_set(e, EINVAL, "mounts[%zu]: \"idmap\" without uidMappings and "
			       "gidMappings takes the container's user namespace, and it has none", i);
	if (check_maps(m->uid_mappings, m->n_uid_mappings, i, "uidMappings", e) < 0)
		return -e->code;
	return check_maps(m->gid_mappings, m->n_gid_mappings, i, "gidMappings", e);
}

/*
 * A user namespace that only carries the mappings: a child cloned into it
 * waits on a pipe while we write its maps and open it, and goes when the
 * pipe closes (also if keel dies first).  The mount keeps the mapping, not
 * the child.
 */
static int new_userns(const struct spec_idmap *u, size_t nu, const struct spec_idmap *g,
		      size_t ng, const char *field, struct err *e)
{
	_cleanup_pid_ pid_t pid = -1;
	_cleanup_close_ int hold = -1;
	char path[64], key[48];
	int p[2], fd;

	if (pipe2(p, O_CLOEXEC) < 0)
		return err_sys(e, errno, "pipe");
	pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0) {
		close(p[1]);
		_exit(read(p[0], path, 1) < 0);
	}
	close(p[0]);
	hold = p[1];
	if (pid < 0)
		return err_sys(e, errno, "%s: new user namespace for the mapping", field);
	snprintf(key, sizeof(key), "%s.uidMappings", field);
	if (userns_write_map(pid, "uid_map", u, nu, key, e) < 0)
		return -e->code;
	snprintf(key, sizeof(key), "%s.gidMappings", field);
	if (userns_write_map(pid, "gid_map", g, ng, key, e) < 0)
		return -e->code;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? err_sys(e, errno, "open %s", path) : fd;
}

/* The user namespace whose mapping mounts[i] gets. */
static int mapping_userns(const struct spec *s, size_t i, struct err *e)
{
	const struct spec_mount *m = &s->mounts[i];
	const struct spec_ns *ns = spec_ns_find(s, SPEC_NS_USER);
	char field[40];
	int fd;

	snprintf(field, sizeof(field), "mounts[%zu]", i);
	if (m->n_uid_mappings)
		return new_userns(m->uid_mappings, m->n_uid_mappings, m->gid_mappings,
				  m->n_gid_mappings, field, e);
	if (ns->path) {
		fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		return fd < 0 ? err_sys(e, errno, "mounts[%zu]: open user namespace %s", i,
					ns->path) : fd;
	}
	/* the container's user namespace is not made yet: one like it */
	fd = new_userns(s->linux.uid_mappings, s->linux.n_uid_mappings, s->linux.gid_mappings,
			s->linux.n_gid_mappings, "linux", e);
	return fd < 0 ? err_wrap(e, "mounts[%zu]", i) : fd;
}

static int setattr_fail(size_t i, const char *src, struct err *e)
{
	if (errno == ENOSYS)
		return err_set(e, ENOSYS, "mounts[%zu]: id-mapped mounts need Linux 5.12 "
			       "(open_tree, mount_setattr)", i);
	if (errno == EINVAL)
		return err_set(e, EINVAL, "mounts[%zu]: %s cannot be id-mapped (a filesystem "
			       "without id-mapped mount support, or already id-mapped?)", i, src);
	return err_sys(e, errno, "mounts[%zu]: id-map %s", i, src);
}

static int idmap_one(const struct spec *s, size_t i, struct err *e)
{
	const struct spec_mount *m = &s->mounts[i];
	/* nothing the container mounts below it may reach the host (mnt_prepare) */
	struct mount_attr prop = {
		.propagation = s->linux.rootfs_propagation & MS_PRIVATE ? MS_PRIVATE : MS_SLAVE,
	};
	struct mount_attr a = { .attr_set = MOUNT_ATTR_IDMAP };
	_cleanup_close_ int tree = -1, ufd = -1;

	tree = syscall(SYS_open_tree, AT_FDCWD, m->source,
		       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (m->recursive ? AT_RECURSIVE : 0));
	if (tree < 0)
		return errno == ENOSYS ? setattr_fail(i, m->source, e) :
		       err_sys(e, errno, "mounts[%zu].source: %s", i, m->source);
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &prop,
		    sizeof(prop)) < 0)
		return setattr_fail(i, m->source, e);
	ufd = mapping_userns(s, i, e);
	if (ufd < 0)
		return ufd;
	a.userns_fd = ufd;
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH |
		    (idmap_kind(m) == IDMAP_TREE ? AT_RECURSIVE : 0), &a, sizeof(a)) < 0)
		return setattr_fail(i, m->source, e);
	return steal_fd(&tree);
}

int mnt_idmap_open(const struct spec *s, int **fds, struct err *e)
{
	int *v = NULL;

	for (size_t i = 0; i < s->n_mounts; i++) {
		if (idmap_kind(&s->mounts[i]) == IDMAP_NONE)
			continue;
		if (!v) {
			v = xmalloc(s->n_mounts * sizeof(*v));
			memset(v, 0xff, s->n_mounts * sizeof(*v));	/* all -1 */
		}
		v[i] = idmap_one(s, i, e);
		if (v[i] < 0) {
			v[i] = -1;
			mnt_idmap_close(v, s->n_mounts);
			return -e->code;
		}
	}
	*fds = v;
	return 0;
}

void mnt_idmap_close(int *fds, size_t n)
{
	for (size_t i = 0; fds && i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

int mnt_idmap_attach(int rootfd, const struct spec_mount *m, size_t i, int mfd, struct err *e)
{
	struct stat st;
	enum mnt_create kind = fstat(mfd, &st) == 0 && !S_ISDIR(st.st_mode) ? MNT_CREATE_FILE :
			       MNT_CREATE_DIR;
	_cleanup_close_ int fd = mnt_open_in_root(rootfd, m->destination, kind, e);

	if (fd < 0)
		return err_wrap(e, "mounts[%zu].destination", i);
	if (syscall(SYS_move_mount, mfd, "", fd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return err_sys(e, errno, "mounts[%zu]: move the id-mapped %s onto %s", i,
			       m->source, m->destination);
	return 0;
}
