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

static int drv_create(struct cg *cg, const struct spec_resources *r, struct err *e)
{
	_cleanup_free_ char *dev = v1_dir("devices", cg->path);
	int rc = v1_create(cg->path, r, e) ?: cg_devices_v1(dev, r, cg->spec, e);

	if (rc || !IS_ENABLED(CONFIG_CGROUP_V2))
		return rc;
	return v2_create(CG_UNIFIED, cg->path, NULL, e);
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
	int rc = IS_ENABLED(CONFIG_CGROUP_V2) ? v2_destroy(CG_UNIFIED, cg->path, &e2) : 0;

	/* the v1 side goes even if the unified side failed; v1's error wins */
	if (v1_destroy(cg->path, e))
		return -e->code;
	if (rc)
		*e = e2;
	return rc;
}

const struct cg_driver cg_hybrid_driver = {
	.name = "hybrid",
	.create = drv_create,
	.enter = drv_enter,
	.destroy = drv_destroy,
	.freeze = IS_ENABLED(CONFIG_FREEZER) ? v1_drv_freeze : NULL,
	.frozen = IS_ENABLED(CONFIG_FREEZER) ? v1_drv_frozen : NULL,
	.procs_dir = v1_drv_procs_dir,
};
