/* SPDX-License-Identifier: MIT */
/*
 * cg/: cgroups.  One small driver interface; v1, v2 and hybrid drivers are
 * picked at run time from what /sys/fs/cgroup holds, and each can be
 * compiled out (CONFIG_CGROUP_V1, CONFIG_CGROUP_V2).
 */
#ifndef KEEL_CG_H
#define KEEL_CG_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/cleanup.h"
#include "lib/err.h"
#include "spec/spec.h"

struct cg;

/* What /sys/fs/cgroup holds on this host. */
enum cg_kind {
	CG_NONE,		/* no cgroup file system mounted */
	CG_V1,			/* one hierarchy per controller */
	CG_V2,			/* unified only */
	CG_HYBRID,		/* v1 controllers plus an empty /sys/fs/cgroup/unified */
};

struct cg_driver {
	const char *name;	/* "v1", "v2", "hybrid", "none" */
	int (*create)(struct cg *cg, const struct spec_resources *r, struct err *e);
	int (*enter)(struct cg *cg, pid_t pid, struct err *e);
	int (*destroy)(struct cg *cg, struct err *e);
	/* NULL with CONFIG_FREEZER=n */
	int (*freeze)(struct cg *cg, bool frozen, struct err *e);
	bool (*frozen)(struct cg *cg);
	/* Directory whose cgroup.procs lists the container (malloc'd); NULL: none. */
	char *(*procs_dir)(struct cg *cg);
};

/*
 * The "none" driver (no cgroupfs, or the host's kind compiled out) creates
 * nothing and refuses only when resources ask for limits: a container then
 * simply stays in keel's own cgroup.
 */
struct cg {
	const struct cg_driver *drv;
	enum cg_kind host;
	char path[4096];	/* cgroupsPath, absolute, e.g. "/keel/<id>" */
	const struct spec *spec;	/* for create: linux.devices; NULL: none */
};

enum cg_kind cg_detect(void);
const char *cg_kind_name(enum cg_kind k);

/*
 * Pick the driver for this host and fill *cg for cgroupsPath "path" (NULL
 * means the default "/keel/<id>"; a relative path is taken under /keel).
 * Fails with a clear message when the host's cgroup kind was compiled out.
 */
int cg_open(struct cg *cg, const char *path, const char *id, struct err *e);
/* Refuse resources this build or host cannot apply (before anything is made). */
int cg_check(const struct spec_resources *r, struct err *e);

static inline int cg_create(struct cg *cg, const struct spec_resources *r, struct err *e)
{
	return cg->drv->create(cg, r, e);
}

static inline int cg_enter(struct cg *cg, pid_t pid, struct err *e)
{
	return cg->drv->enter(cg, pid, e);
}

/*
 * Remove the cgroup (and its children); processes must be gone (v2 kills
 * leftovers through cgroup.kill).  Safe after a failed or partial
 * cg_create() and on a cgroup already removed.
 */
static inline int cg_destroy(struct cg *cg, struct err *e)
{
	return cg->drv->destroy(cg, e);
}

/* Pause (frozen) or resume, waiting until the kernel reports the new state. */
static inline int cg_freeze(struct cg *cg, bool frozen, struct err *e)
{
	if (!cg->drv->freeze)
		return err_set(e, ENOTSUP, "%s: this keel was built without CONFIG_FREEZER",
			       frozen ? "pause" : "resume");
	return cg->drv->freeze(cg, frozen, e);
}

/* Does the driver keep the container in a cgroup of its own ("none" does not)? */
static inline bool cg_tracks(struct cg *cg)
{
	_cleanup_free_ char *dir = cg->drv->procs_dir(cg);

	return dir != NULL;
}

/* Is the container's cgroup frozen (status "paused")? */
static inline bool cg_frozen(struct cg *cg)
{
	return cg->drv->frozen && cg->drv->frozen(cg);
}

/*
 * Every pid in the container's cgroup and its sub-cgroups; *pids is
 * malloc'd.  -ENOENT if the cgroup is gone; no pids with the "none" driver.
 */
int cg_pids(struct cg *cg, pid_t **pids, size_t *n, struct err *e);

#endif
