// SPDX-License-Identifier: MIT
/* pause and resume: freeze and thaw the container's cgroup (CONFIG_FREEZER). */
#include <stdio.h>
#include <string.h>

#include "cg/cg.h"
#include "cmd/cmd.h"
#include "cmd/container.h"

static int freeze(struct globals *g, int argc, char **argv, bool frozen)
{
	const char *verb = frozen ? "pause" : "resume";
	struct container c;
	struct err e = { 0 };
	enum ctr_status st;
	struct cg cg;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: keel %s <container-id>\n%s every process of the container "
		       "(cgroup freezer).\n", verb, frozen ? "Suspend" : "Resume");
		return 0;
	}
	if (argc != 2)
		return cmd_usage(verb, "expects exactly one container id");
	if (ctr_load_locked(&c, g->root, argv[1], &e) < 0)
		return cmd_fail(&e);
	st = ctr_status(&c);
	if (frozen ? st != CTR_RUNNING : st != CTR_PAUSED) {
		err_set(&e, EINVAL, "container %s is %s, not %s", c.id, ctr_status_name(st),
			frozen ? "running" : "paused");
		return cmd_fail(&e);
	}
	if (cg_open(&cg, c.cgroup, c.id, &e) < 0 || cg_freeze(&cg, frozen, &e) < 0)
		return cmd_fail(&e);
	return 0;
}

int cmd_pause(struct globals *g, int argc, char **argv)
{
	return freeze(g, argc, argv, true);
}

int cmd_resume(struct globals *g, int argc, char **argv)
{
	return freeze(g, argc, argv, false);
}
