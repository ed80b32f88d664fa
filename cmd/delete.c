// SPDX-License-Identifier: MIT
#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cg/cg.h"
#include "cmd/cmd.h"
#include "cmd/container.h"
#include "lib/cleanup.h"
#include "lib/log.h"

static const char usage[] =
	"Usage: keel delete [--force] <container-id>\n"
	"Delete a stopped (or created) container: its cgroup and state.  With\n"
	"--force, kill it first if it is still running.\n";

static int destroy(struct container *c, const struct spec *s, struct err *e)
{
	struct cg cg;
	/*
	 * A create killed before it saved state.json made its cgroup from
	 * config.json, and init may be waiting in it for a start that never
	 * comes: both are found from config.json too.
	 */
	bool have_cg = c->has_state ? c->cgroup[0] && cg_open(&cg, c->cgroup, c->id, e) == 0
				    : s && cg_open(&cg, s->linux.cgroups_path, c->id, e) == 0;

	err_clear(e);
	/* frozen tasks do not die until thawed */
	if (have_cg && cg_frozen(&cg))
		cg_freeze(&cg, false, e);
	err_clear(e);
	if (have_cg) {
		/* init, and what it did not take along; never another's */
		int r = ctr_cg_destroy(c, &cg, true, e);

		if (r == -ETIMEDOUT)
			return r;
		if (r < 0)
			log_warn("delete %s: %s", c->id, e->msg);
		err_clear(e);
	} else if (ctr_alive(c)) {
		kill(c->pid, SIGKILL);
		if (ctr_wait_gone(c, e) < 0)
			return -e->code;
	}
	return ctr_remove_dir(c, e);
}

int cmd_delete(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { 0 }
	};
	struct container c;
	struct err e = { 0 };
	bool force = false;
	enum ctr_status st;
	struct spec *s;
	int opt;

	while ((opt = getopt_long(argc, argv, "+fh", opts, NULL)) != -1) {
		if (opt == 'f')
			force = true;
		else if (opt == 'h')
			return cmd_help(usage);
		else
			return cmd_bad_option("delete", argv);
	}
	if (argc - optind != 1)
		return cmd_usage("delete", "expects exactly one container id");
	if (ctr_load_locked(&c, g->root, argv[optind], &e) < 0) {
		/* containerd's shim deletes --force what may already be gone */
		if (!force || e.code != ENOENT)
			return cmd_fail(&e);
		/* and what a delete killed midway left (ctr_remove_dir) */
		if (ctr_init(&c, g->root, argv[optind], &e) == 0)
			ctr_remove_dir(&c, &e);
		return 0;
	}
	st = ctr_status(&c);
	if (!force && (st == CTR_RUNNING || st == CTR_PAUSED)) {
		err_set(&e, EBUSY, "cannot delete container %s that is not stopped: %s",
			c.id, ctr_status_name(st));
		return cmd_fail(&e);
	}
	if (!force && st == CTR_CREATING) {
		err_set(&e, EBUSY, "cannot delete container %s that is still being created (use --force)", c.id);
		return cmd_fail(&e);
	}
	/* the state dir's config.json is gone after destroy: read it first */
	s = spec_load(c.dir, &e);
	err_clear(&e);
	if (destroy(&c, s, &e) < 0) {
		spec_free(s);
		return cmd_fail(&e);
	}
	cmd_hooks_after(&c, s, SPEC_HOOK_POSTSTOP, CTR_STOPPED);
	spec_free(s);
	return 0;
}
