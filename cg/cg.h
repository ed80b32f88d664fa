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

#include "lib/err.h"
#include "spec/spec.h"

struct cg;

struct cg_driver {
	const char *name;	/* "v1", "v2", "hybrid" */
	int (*create)(struct cg *cg, const struct spec_resources *r, struct err *e);
	int (*enter)(struct cg *cg, pid_t pid, struct err *e);
	int (*destroy)(struct cg *cg, struct err *e);
	int (*freeze)(struct cg *cg, bool frozen, struct err *e);
};

struct cg {
	const struct cg_driver *drv;
	char path[4096];	/* cgroupsPath, absolute, e.g. "/keel/<id>" */
};

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

/* Remove the cgroup (and its children); processes must be gone. */
static inline int cg_destroy(struct cg *cg, struct err *e)
{
	return cg->drv->destroy(cg, e);
}

/* Every pid in the container's cgroup; *pids is malloc'd. */
int cg_pids(struct cg *cg, pid_t **pids, size_t *n, struct err *e);

#endif
