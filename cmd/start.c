// SPDX-License-Identifier: MIT
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/container.h"
#include "ns/ns.h"

static const char usage[] =
	"Usage: keel start <container-id>\n"
	"Start a created container: release its process into execve.\n";

int cmd_start(struct globals *g, int argc, char **argv)
{
	struct container c;
	struct err e = { 0 };
	enum ctr_status st;
	struct spec *s;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return cmd_help(usage);
	if (argc != 2)
		return cmd_usage("start", "expects exactly one container id");
	if (ctr_load_locked(&c, g->root, argv[1], &e) < 0)
		return cmd_fail(&e);
	st = ctr_status(&c);
	if (st != CTR_CREATED) {
		/* runc's words, which engines match on */
		err_set(&e, EINVAL, st == CTR_STOPPED ? "cannot start a container that has stopped"
			: st == CTR_CREATING ? "cannot start a container that is still being created"
			: "cannot start an already running container");
		return cmd_fail(&e);
	}
	if (ctr_start(&c, &e) < 0)
		return cmd_fail(&e);
	s = spec_load(c.dir, &e);
	cmd_hooks_after(&c, s, SPEC_HOOK_POSTSTART, CTR_RUNNING);
	spec_free(s);
	return 0;
}
