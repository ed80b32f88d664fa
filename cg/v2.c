// SPDX-License-Identifier: MIT
/*
 * cgroup v2: one tree.  Controllers must be switched on in every ancestor's
 * cgroup.subtree_control before a leaf can use them.  The same code serves
 * the empty unified tree of a hybrid host (mnt = CG_UNIFIED).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cg/cg-internal.h"
#include "lib/cleanup.h"
#include "lib/util.h"

static bool has_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = s; (p = strstr(p, word)); p += n)
		if ((p == s || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

static bool dir_has_controller(const char *dir, const char *file, const char *name)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	_cleanup_free_ char *buf = NULL;
	struct err ignored;

	return !read_file(p, &buf, NULL, &ignored) && has_word(buf, name);
}

bool v2_has_controller(const char *mnt, const char *name)
{
	return dir_has_controller(mnt, "cgroup.controllers", name);
}

/* Switch controller ctl on in dir's cgroup.subtree_control, for its children. */
static int enable(const char *dir, const char *ctl, struct err *e)
{
	char val[40];

	if (dir_has_controller(dir, "cgroup.subtree_control", ctl))
		return 0;
	if (!dir_has_controller(dir, "cgroup.controllers", ctl))
		return err_set(e, ENOTSUP, "needs the cgroup v2 %s controller (not in "
			       "%s/cgroup.controllers)", ctl, dir);
	snprintf(val, sizeof(val), "+%s", ctl);
	return cg_write(dir, "cgroup.subtree_control", val, e);
}

/* Every controller r needs, on in dir for its children. */
static int enable_all(const char *dir, const struct spec_resources *r, struct err *e)
{
	const char *v1, *v2, *jp;
	char buf[32];

	for (size_t i = 0; cg_field(r, &i, &v1, &v2, &jp); )
		if (v2 && enable(dir, v2, e))
			return err_wrap(e, "linux.resources.%s", jp);
	for (size_t i = 0; r && i < r->n_unified; i++) {
		const char *ctl = cg_unified_ctl(r->unified[i].key, buf);

		if (ctl && enable(dir, ctl, e))
			return err_wrap(e, "linux.resources.unified.%s", r->unified[i].key);
	}
	return 0;
}

/* mkdir each level of path, switching what r needs on in its parent first */
static int make_levels(const char *mnt, const char *path, const struct spec_resources *r,
		       struct err *e)
{
	for (size_t i = 1; ; i++) {
		_cleanup_free_ char *parent = NULL, *dir = NULL;

		if (path[i] != '/' && path[i] != '\0')
			continue;
		dir = xasprintf("%s%.*s", mnt, (int)i, path);
		parent = xstrdup(dir);
		*strrchr(parent, '/') = '\0';
		if (enable_all(parent, r, e))
			return -e->code;
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return err_sys(e, errno, "mkdir %s", dir);
		if (!path[i])
			return 0;
	}
}

/* create, and update: a controller not used before is switched on now */
static int apply(const char *mnt, const char *path, const struct spec_resources *r,
		 bool update, struct err *e)
{
	_cleanup_free_ char *dir = xasprintf("%s%s", mnt, path);

	if (update && access(dir, F_OK) < 0)
		return err_sys(e, errno, "cgroup %s", dir);
	if (make_levels(mnt, path, r, e))
		return -e->code;
	return cg_res_set(&(struct cg_res){ .path = path, .dir = dir, .update = update }, r, e);
}

int v2_create(const char *mnt, const char *path, const struct spec_resources *r,
	      struct err *e)
{
	return apply(mnt, path, r, false, e);
}

int v2_update(const char *mnt, const char *path, const struct spec_resources *r,
	      struct err *e)
{
	return apply(mnt, path, r, true, e);
}

int v2_enter(const char *mnt, const char *path, pid_t pid, struct err *e)
{
	_cleanup_free_ char *dir = xasprintf("%s%s", mnt, path);
	char val[16];

	snprintf(val, sizeof(val), "%d", (int)pid);
	return cg_write(dir, "cgroup.procs", val, e);
}

int v2_destroy(const char *mnt, const struct cg *cg, struct err *e)
{
	_cleanup_free_ char *dir = xasprintf("%s%s", mnt, cg->path);
	_cleanup_free_ char *kill_file = xasprintf("%s/cgroup.kill", dir);

	/*
	 * cgroup.kill (5.14+) also reaches tasks in sub-cgroups we never saw,
	 * which is why it is for a cgroup that holds the container alone.
	 */
	if (cg->made && cg->alone && access(kill_file, W_OK) == 0 &&
	    !cg_has_line(dir, "cgroup.events", "populated 0"))
		cg_write(dir, "cgroup.kill", "1", &(struct err){ 0 });
	return cg_remove(cg, dir, e);
}

int v2_freeze(const char *mnt, const char *path, bool frozen, struct err *e)
{
	_cleanup_free_ char *dir = xasprintf("%s%s", mnt, path);
	int rc;

	if (cg_write(dir, "cgroup.freeze", frozen ? "1" : "0", e))
		return err_wrap(e, "%s", frozen ? "pause" : "resume");
	rc = cg_wait_line(dir, "cgroup.events", frozen ? "frozen 1" : "frozen 0", e);
	if (rc && frozen)
		cg_write(dir, "cgroup.freeze", "0", &(struct err){ 0 });
	return rc;
}

static int drv_create(struct cg *cg, const struct spec_resources *r, struct err *e)
{
	_cleanup_free_ char *dir = xasprintf("%s%s", CG_MNT, cg->path);

	return v2_create(CG_MNT, cg->path, r, e) ?: cg_devices_v2(dir, r, cg->spec, e);
}

static int drv_update(struct cg *cg, const struct spec_resources *r, struct err *e)
{
	return v2_update(CG_MNT, cg->path, r, e);
}

static int drv_enter(struct cg *cg, pid_t pid, struct err *e)
{
	return v2_enter(CG_MNT, cg->path, pid, e);
}

static int drv_destroy(struct cg *cg, struct err *e)
{
	return v2_destroy(CG_MNT, cg, e);
}

static int drv_freeze(struct cg *cg, bool frozen, struct err *e)
{
	return v2_freeze(CG_MNT, cg->path, frozen, e);
}

static bool drv_frozen(struct cg *cg)
{
	_cleanup_free_ char *dir = xasprintf("%s%s", CG_MNT, cg->path);

	return cg_has_line(dir, "cgroup.events", "frozen 1");
}

static char *drv_procs_dir(struct cg *cg)
{
	return xasprintf("%s%s", CG_MNT, cg->path);
}

const struct cg_driver cg_v2_driver = {
	.name = "v2",
	.create = drv_create,
	.update = drv_update,
	.enter = drv_enter,
	.destroy = drv_destroy,
	.freeze = IS_ENABLED(CONFIG_FREEZER) ? drv_freeze : NULL,
	.frozen = IS_ENABLED(CONFIG_FREEZER) ? drv_frozen : NULL,
	.procs_dir = drv_procs_dir,
};
