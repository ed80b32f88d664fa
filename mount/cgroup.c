// SPDX-License-Identifier: MIT
/*
 * A mount of type "cgroup" or "cgroup2" (the runtime-spec lets a config ask
 * for either; what it gets is what the host has).
 *
 * cgroup v2 host: with a cgroup namespace, a fresh cgroup2 mount, whose
 * root the kernel makes the namespace's root (the container's cgroup).
 * Without one, the container's own cgroup directory is bound there: runc
 * mounts the whole hierarchy then, keel shows no more than the container's
 * own subtree (see docs/design.md).
 *
 * cgroup v1 or hybrid host: there is no single filesystem to show, so, as
 * runc does, a tmpfs with one mount per hierarchy below it ("memory",
 * "cpu,cpuacct" with "cpu" and "cpuacct" links, name=systemd, and the
 * unified hierarchy of a hybrid host as "unified"), each made the same way
 * as above.  The tmpfs is made read-only last if the mount asked for "ro".
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "mount/mount-internal.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CG_ROOT "/sys/fs/cgroup"

/* One cgroup hierarchy mounted on the host (a line of mountinfo). */
struct hier {
	char *root;		/* field 4: the cgroup mounted there, usually "/" */
	char *dir;		/* field 5: mount point, below CG_ROOT */
	char *type;		/* "cgroup" or "cgroup2" */
	char *opts;		/* super options, e.g. "rw,cpu,cpuacct" */
};

/* Is every comma-separated word of list one of the words of set? */
static bool words_in(const char *list, const char *set)
{
	char w[64];

	while (*list) {
		size_t n = strcspn(list, ",");
		const char *s = set;
		bool found = false;

		if (n >= sizeof(w))
			return false;
		memcpy(w, list, n);
		w[n] = '\0';
		while (*s && !found) {
			size_t k = strcspn(s, ",");

			found = k == n && !memcmp(s, w, n);
			s += k + (s[k] == ',');
		}
		if (!found)
			return false;
		list += n + (list[n] == ',');
	}
	return true;
}

/*
 * This process's cgroup in hierarchy h, from /proc/self/cgroup: the line
 * whose controller list ("cpu,cpuacct", "name=systemd", "" for v2) is
 * among the hierarchy's super options.
 */
static char *own_cgroup(const struct hier *h, const char *cgroups)
{
	bool v2 = !strcmp(h->type, "cgroup2");

	for (const char *l = cgroups; *l; ) {
		const char *ctl = strchr(l, ':'), *end = strchr(l, '\n');
		const char *path = ctl ? strchr(ctl + 1, ':') : NULL;
		size_t len = end ? (size_t)(end - l) : strlen(l);

		if (path && path < l + len) {
			_cleanup_free_ char *c = strndup(ctl + 1, path - ctl - 1);

			if (c && (v2 ? !*c : *c && words_in(c, h->opts)))
				return strndup(path + 1, l + len - path - 1);
		}
		l += len + (l[len] == '\n');
	}
	return NULL;
}

/* The controller words of a v1 hierarchy's options, as a mount takes them. */
static void v1_data(const char *opts, char *out, size_t size)
{
	static const char *const skip[] = { "rw", "ro", "xattr", "noprefix", "clone_children",
					    "cpuset_v2_mode", "favordynmods" };
	size_t len = 0;

	out[0] = '\0';
	while (*opts) {
		size_t n = strcspn(opts, ",");
		bool drop = false;

		for (size_t k = 0; k < ARRAY_SIZE(skip); k++)
			drop |= strlen(skip[k]) == n && !memcmp(skip[k], opts, n);
		if (!drop && len + n + 2 < size)
			len += snprintf(out + len, size - len, "%s%.*s", len ? "," : "", (int)n, opts);
		opts += n + (opts[n] == ',');
	}
}

#define CG_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* Mount hierarchy h on the directory name below dirfd (resolved inside it). */
static int mount_hier(const struct hier *h, int dirfd, const char *name, unsigned long flags,
		      bool cgns, const char *cgroups, struct err *e)
{
	_cleanup_free_ char *own = NULL, *src = NULL;
	_cleanup_close_ int at = mnt_open_in_root(dirfd, name, MNT_NO_CREATE, e);
	char p[FD_PATH_MAX], data[256];
	size_t rl;

	if (at < 0)
		return -e->code;

	if (cgns) {
		v1_data(h->opts, data, sizeof(data));
		if (mount(h->type, fd_path(p, at), h->type, flags | CG_FLAGS,
			  strcmp(h->type, "cgroup2") ? data : NULL) < 0)
			return err_sys(e, errno, "mount %s %s", h->type, h->dir);
		return 0;
	}
	own = own_cgroup(h, cgroups);
	if (!own)
		return err_set(e, ENOENT, "%s: not a member of this hierarchy", h->dir);
	/* the path as seen below the mount's own root */
	rl = strcmp(h->root, "/") ? strlen(h->root) : 0;
	if (rl && strncmp(own, h->root, rl))
		return err_set(e, ENOENT, "%s: cgroup %s is outside the mount", h->dir, own);
	if (asprintf(&src, "%s%s", h->dir, own + rl) < 0)
		return err_set(e, ENOMEM, "out of memory");
	if (mount(src, fd_path(p, at), NULL, MS_BIND, NULL) < 0)
		return err_sys(e, errno, "bind %s", src);
	/* the old fd names what lies under the new mount: look it up again */
	close(at);
	at = mnt_open_in_root(dirfd, name, MNT_NO_CREATE, e);
	if (at < 0)
		return -e->code;
	if (mount(NULL, fd_path(p, at), NULL, MS_REMOUNT | MS_BIND | CG_FLAGS |
		  (flags & MS_RDONLY), NULL) < 0)
		return err_sys(e, errno, "remount %s", src);
	return 0;
}

/* "cpu,cpuacct" gets links "cpu" and "cpuacct", as on the host */
static void comount_links(int dirfd, const char *name)
{
	char w[64];

	if (!strchr(name, ','))
		return;
	for (const char *s = name; *s; ) {
		size_t n = strcspn(s, ",");

		if (n < sizeof(w)) {
			memcpy(w, s, n);
			w[n] = '\0';
			if (symlinkat(name, dirfd, w) < 0 && errno != EEXIST)
				log_debug("cgroup: link %s: %s", w, strerror(errno));
		}
		s += n + (s[n] == ',');
	}
}

/* One mountinfo line: split in place into h; false if not a hierarchy. */
static bool parse_hier(char *line, struct hier *h)
{
	char *f[5], *dash, *sp = line;

	for (int i = 0; i < 5; i++) {
		f[i] = strsep(&sp, " ");
		if (!f[i] || !sp)
			return false;
	}
	dash = strstr(sp, " - ");
	if (!dash)
		return false;
	sp = dash + 3;
	h->type = strsep(&sp, " ");
	if (!sp || !strsep(&sp, " ") || !sp)
		return false;
	h->opts = strsep(&sp, " \n");
	h->root = f[3];
	h->dir = f[4];
	return (!strcmp(h->type, "cgroup") || !strcmp(h->type, "cgroup2")) &&
	       !strncmp(h->dir, CG_ROOT "/", sizeof(CG_ROOT)) && !strchr(h->dir, '\\') &&
	       !strchr(h->dir + sizeof(CG_ROOT), '/');
}

static int mount_v1_tree(int rootfd, const struct spec_mount *m, bool cgns,
			 const char *cgroups, struct err *e)
{
	_cleanup_free_ char *mi = NULL;
	_cleanup_close_ int at = mnt_open_in_root(rootfd, m->destination, MNT_NO_CREATE, e);
	_cleanup_close_ int dirfd = -1;
	char p[FD_PATH_MAX];

	if (at < 0 || read_file("/proc/self/mountinfo", &mi, NULL, e) < 0)
		return -e->code;
	if (mount("tmpfs", fd_path(p, at), "tmpfs", (m->flags & ~MS_RDONLY) | CG_FLAGS,
		  "mode=755") < 0)
		return err_sys(e, errno, "mount tmpfs");
	/* the fd names what lies under the new tmpfs: look it up again */
	dirfd = mnt_open_in_root(rootfd, m->destination, MNT_NO_CREATE, e);
	if (dirfd < 0)
		return -e->code;
	for (char *sp = mi, *line; (line = strsep(&sp, "\n")); ) {
		const char *name;
		struct hier h;

		if (!parse_hier(line, &h))
			continue;
		name = h.dir + sizeof(CG_ROOT);
		if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST)
			return err_sys(e, errno, "mkdir %s", name);
		if (mount_hier(&h, dirfd, name, m->flags, cgns, cgroups, e) < 0)
			return -e->code;
		comount_links(dirfd, name);
	}
	if ((m->flags & MS_RDONLY) &&
	    mount(NULL, fd_path(p, dirfd), NULL, MS_REMOUNT | m->flags | CG_FLAGS, "mode=755") < 0)
		return err_sys(e, errno, "remount tmpfs read-only");
	return 0;
}

int mnt_cgroup(int rootfd, const struct spec_mount *m, bool cgns, struct err *e)
{
	_cleanup_free_ char *cgroups = NULL;
	struct statfs sf;

	if (!cgns && read_file("/proc/self/cgroup", &cgroups, NULL, e) < 0)
		return -e->code;
	if (statfs(CG_ROOT, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) {
		struct hier h = { "/", CG_ROOT, "cgroup2", "rw" };

		return mount_hier(&h, rootfd, m->destination, m->flags, cgns, cgroups, e);
	}
	return mount_v1_tree(rootfd, m, cgns, cgroups, e);
}
