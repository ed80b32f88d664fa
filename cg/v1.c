// SPDX-License-Identifier: MIT
/*
 * cgroup v1: one hierarchy per mount of fstype "cgroup".  The container gets
 * the same path in every hierarchy, named ones (name=systemd) included, as
 * runc does, so tools that look at any hierarchy find it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg/cg-internal.h"
#include "lib/cleanup.h"
#include "lib/util.h"

struct hier {
	char dev[32];		/* major:minor, to skip a second mount of one hierarchy */
	char mnt[256];
	char opts[256];		/* super options: controllers, name=..., rw */
};

static bool has_opt(const char *opts, const char *name)
{
	size_t n = strlen(name);

	for (const char *o = opts; o; ) {
		if (!strncmp(o, name, n) && (o[n] == ',' || o[n] == '\0'))
			return true;
		o = strchr(o, ',');
		if (o)
			o++;
	}
	return false;
}

/* The n-th space-separated field of s (from 0), or NULL. */
static char *field(char *s, int n)
{
	for (; n > 0 && s; n--) {
		s = strchr(s, ' ');
		if (s)
			s++;
	}
	if (s)
		s[strcspn(s, " ")] = '\0';
	return s;
}

static bool copy(char *dst, size_t len, const char *src)
{
	return src && (size_t)snprintf(dst, len, "%s", src) < len;
}

/*
 * One /proc/self/mountinfo line: "id parent maj:min root mnt opts ... -
 * type src superopts".  By hand rather than sscanf: the scanf family costs
 * about 9 KiB of a static binary.
 */
static bool parse_line(char *line, struct hier *h)
{
	char *sep = strstr(line, " - "), *type;

	if (!sep)
		return false;
	*sep = '\0';
	sep += 3;
	/* superopts (field 2) first: field() cuts the string after what it returns */
	if (!copy(h->opts, sizeof(h->opts), field(sep, 2)))
		return false;
	type = field(sep, 0);
	if (!type || strcmp(type, "cgroup"))
		return false;
	/* mount point (field 4) before dev (field 2), for the same reason */
	return copy(h->mnt, sizeof(h->mnt), field(line, 4)) &&
	       copy(h->dev, sizeof(h->dev), field(line, 2));
}

static bool seen(const struct hier *h, size_t n, const char *dev)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(h[i].dev, dev))
			return true;
	return false;
}

/*
 * Read the hierarchies afresh each time: create and delete run in different
 * processes, and the mount table is the only state they share.
 */
static size_t hiers(struct hier **out)
{
	_cleanup_free_ char *buf = NULL;
	struct hier *h = NULL, cur;
	struct err ignored;
	size_t n = 0;

	*out = NULL;
	if (read_file("/proc/self/mountinfo", &buf, NULL, &ignored))
		return 0;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (!parse_line(line, &cur) || seen(h, n, cur.dev))
			continue;
		h = xrealloc(h, (n + 1) * sizeof(*h));
		h[n++] = cur;
	}
	*out = h;
	return n;
}

char *v1_dir(const char *controller, const char *path)
{
	_cleanup_free_ struct hier *h = NULL;
	size_t n = hiers(&h);
	static const char *const pref[] = { "pids", "memory" };

	if (controller) {
		for (size_t i = 0; i < n; i++)
			if (has_opt(h[i].opts, controller))
				return xasprintf("%s%s", h[i].mnt, path);
		return NULL;
	}
	for (size_t p = 0; p < ARRAY_SIZE(pref); p++)
		for (size_t i = 0; i < n; i++)
			if (has_opt(h[i].opts, pref[p]))
				return xasprintf("%s%s", h[i].mnt, path);
	return n ? xasprintf("%s%s", h[0].mnt, path) : NULL;
}

static int copy_if_empty(const char *parent, const char *child, const char *file,
			 struct err *e)
{
	_cleanup_free_ char *cp = xasprintf("%s/%s", child, file);
	_cleanup_free_ char *pp = xasprintf("%s/%s", parent, file);
	_cleanup_free_ char *cur = NULL, *val = NULL;

	if (read_file(cp, &cur, NULL, e))
		return -e->code;
	if (cur[0] && cur[0] != '\n')
		return 0;
	if (read_file(pp, &val, NULL, e) || write_file(cp, val, strlen(val), e))
		return -e->code;
	return 0;
}

static int fill_level(const char *mnt, const char *path, size_t len, struct err *e)
{
	_cleanup_free_ char *child = xasprintf("%s%.*s", mnt, (int)len, path);
	_cleanup_free_ char *parent = xstrdup(child);

	*strrchr(parent, '/') = '\0';
	if (copy_if_empty(parent, child, "cpuset.cpus", e))
		return -e->code;
	return copy_if_empty(parent, child, "cpuset.mems", e);
}

/*
 * A new cpuset cgroup starts with empty cpus and mems and then refuses every
 * task (ENOSPC); fill each level from its parent, top down.
 */
static int fill_cpuset(const char *mnt, const char *path, struct err *e)
{
	for (size_t i = 1; ; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		if (fill_level(mnt, path, i, e))
			return -e->code;
		if (!path[i])
			return 0;
	}
}

int v1_create(const char *path, const struct spec_resources *r, struct err *e)
{
	_cleanup_free_ struct hier *h = NULL;
	size_t n = hiers(&h);

	if (!n)
		return err_set(e, ENOENT, "cgroup v1: no hierarchy mounted");
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *dir = xasprintf("%s%s", h[i].mnt, path);

		if (mkdir_p(dir, 0755, e))
			return -e->code;
		if (has_opt(h[i].opts, "cpuset") && fill_cpuset(h[i].mnt, path, e))
			return -e->code;
	}
	return cg_res_set(&(struct cg_res){ .path = path }, r, e);
}

int v1_update(const char *path, const struct spec_resources *r, struct err *e)
{
	return cg_res_set(&(struct cg_res){ .path = path, .update = true }, r, e);
}

int v1_enter(const char *path, pid_t pid, struct err *e)
{
	_cleanup_free_ struct hier *h = NULL;
	size_t n = hiers(&h);
	char val[16];

	snprintf(val, sizeof(val), "%d", (int)pid);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *dir = xasprintf("%s%s", h[i].mnt, path);

		if (cg_write(dir, "cgroup.procs", val, e))
			return -e->code;
	}
	return 0;
}

int v1_destroy(const struct cg *cg, struct err *e)
{
	const char *path = cg->path;
	_cleanup_free_ struct hier *h = NULL;
	size_t n = hiers(&h);
	int first = 0;

	/* go on after a failure: leave as little behind as we can */
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *dir = xasprintf("%s%s", h[i].mnt, path);
		struct err e2;
		int rc = cg_remove(cg, dir, &e2);

		if (rc && !first) {
			first = rc;
			*e = e2;
		}
	}
	return first;
}

int v1_freeze(const char *path, bool frozen, struct err *e)
{
	_cleanup_free_ char *dir = v1_dir("freezer", path);
	const char *want = frozen ? "FROZEN" : "THAWED";

	if (!dir)
		return err_set(e, ENOTSUP, "%s: no cgroup v1 freezer mounted", frozen ? "pause" : "resume");
	/* FREEZING can stick while tasks are in uninterruptible sleep: write again */
	for (int i = 0; i < 200; i++) {
		if (cg_write(dir, "freezer.state", want, e))
			return -e->code;
		if (cg_has_line(dir, "freezer.state", want))
			return 0;
		cg_sleep_ms(10);
	}
	if (frozen)
		cg_write(dir, "freezer.state", "THAWED", &(struct err){ 0 });
	return err_set(e, ETIMEDOUT, "%s/freezer.state: still not %s after 2 s", dir, want);
}

static int drv_create(struct cg *cg, const struct spec_resources *r, struct err *e)
{
	_cleanup_free_ char *dev = v1_dir("devices", cg->path);

	return v1_create(cg->path, r, e) ?: cg_devices_v1(dev, r, cg->spec, e);
}

static int drv_update(struct cg *cg, const struct spec_resources *r, struct err *e)
{
	return v1_update(cg->path, r, e);
}

static int drv_enter(struct cg *cg, pid_t pid, struct err *e)
{
	return v1_enter(cg->path, pid, e);
}

static int drv_destroy(struct cg *cg, struct err *e)
{
	return v1_destroy(cg, e);
}

int v1_drv_freeze(struct cg *cg, bool frozen, struct err *e)
{
	return v1_freeze(cg->path, frozen, e);
}

bool v1_frozen(const char *path)
{
	_cleanup_free_ char *dir = v1_dir("freezer", path);

	return dir && cg_has_line(dir, "freezer.state", "FROZEN");
}

bool v1_drv_frozen(struct cg *cg)
{
	return v1_frozen(cg->path);
}

char *v1_drv_procs_dir(struct cg *cg)
{
	return v1_dir(NULL, cg->path);
}

const struct cg_driver cg_v1_driver = {
	.name = "v1",
	.create = drv_create,
	.update = drv_update,
	.enter = drv_enter,
	.destroy = drv_destroy,
	.freeze = IS_ENABLED(CONFIG_FREEZER) ? v1_drv_freeze : NULL,
	.frozen = IS_ENABLED(CONFIG_FREEZER) ? v1_drv_frozen : NULL,
	.procs_dir = v1_drv_procs_dir,
};
