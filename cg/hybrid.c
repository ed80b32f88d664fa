// SPDX-License-Identifier: MIT
/*
 * Hybrid hosts: controllers live in v1, and /sys/fs/cgroup/unified is a
 * cgroup2 tree without controllers that systemd uses to track processes.
 * Limits and the freezer go through v1; the container also joins the same
 * path in the unified tree, as runc does, so it is tracked there too.
 * Built with CONFIG_CGROUP_V1; without CONFIG_CGROUP_V2 the unified part is
 * left out.
 */
#include "cg/cg-internal.h"
#include "lib/util.h"

/* linux.resources.unified alone, for the unified tree */
static struct spec_resources unified_only(const struct spec_resources *r)
{
	return (struct spec_resources){
		.unified = r ? r->unified : NULL, .n_unified = r ? r->n_unified : 0,
	};
}

static int drv_create(struct cg *cg, const struct spec_resources *r, struct err *e)
{
	_cleanup_free_ char *dev = v1_dir("devices", cg->path);
	struct spec_resources u = unified_only(r);
	int rc = v1_create(cg->path, r, e) ?: cg_devices_v1(dev, r, cg->spec, e);

	if (rc || !IS_ENABLED(CONFIG_CGROUP_V2))
		return rc;
	return v2_create(CG_UNIFIED, cg->path, &u, e);
}

static int drv_update(struct cg *cg, const struct spec_resources *r, struct err *e)
{
	struct spec_resources u = unified_only(r);
	int rc = v1_update(cg->path, r, e);

	if (rc || !u.n_unified || !IS_ENABLED(CONFIG_CGROUP_V2))
		return rc;
	return v2_update(CG_UNIFIED, cg->path, &u, e);
}

static int drv_enter(struct cg *cg, pid_t pid, struct err *e)
{
	int rc = v1_enter(cg->path, pid, e);

	if (rc || !IS_ENABLED(CONFIG_CGROUP_V2))
		return rc;
	return v2_enter(CG_UNIFIED, cg->path, pid, e);
}

static int drv_destroy(struct cg *cg, struct err *e)
{
	struct err e2;
	int rc = IS_ENABLED(CONFIG_CGROUP_V2) ? v2_destroy(CG_UNIFIED, cg, &e2) : 0;

	/* the v1 side goes even if the unified side failed; v1's error wins */
	if (v1_destroy(cg, e))
		return -e->code;
	if (rc)
		*e = e2;
	return rc;
}

const struct cg_driver cg_hybrid_driver = {
	.name = "hybrid",
	.create = drv_create,
	.update = drv_update,
	.enter = drv_enter,
	.destroy = drv_destroy,
	.freeze = IS_ENABLED(CONFIG_FREEZER) ? v1_drv_freeze : NULL,
	.frozen = IS_ENABLED(CONFIG_FREEZER) ? v1_drv_frozen : NULL,
	.procs_dir = v1_drv_procs_dir,
};
