// SPDX-License-Identifier: MIT
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/container.h"
#include "lib/cleanup.h"

static const char usage[] =
	"Usage: keel kill [--all] <container-id> [SIGNAL]\n"
	"Send SIGNAL (default SIGTERM; a number, a name, or SIG-name) to the\n"
	"container's init, or with --all to every process in its cgroup.\n";

static int kill_all(const struct container *c, int sig, struct err *e)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;

	if (ctr_pids(c, &pids, &n, e) < 0)
		return -e->code;
	for (size_t i = 0; i < n; i++)
		kill(pids[i], sig);
	return 0;
}

int cmd_kill(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' }, { "help", no_argument, NULL, 'h' }, { 0 }
	};
	struct container c;
	struct err e = { 0 };
	bool all = false;
	int sig = SIGTERM, opt;
	enum ctr_status st;

	while ((opt = getopt_long(argc, argv, "+ah", opts, NULL)) != -1) {
		if (opt == 'a')
			all = true;
		else if (opt == 'h')
			return cmd_help(usage);
		else
			return cmd_bad_option("kill", argv);
	}
	if (argc - optind < 1 || argc - optind > 2)
		return cmd_usage("kill", "expects a container id and an optional signal");
	if (argc - optind == 2 && cmd_parse_signal(argv[optind + 1], &sig, &e) < 0)
		return cmd_fail(&e);
	if (ctr_load(&c, g->root, argv[optind], &e) < 0)
		return cmd_fail(&e);
	st = ctr_status(&c);
	if (st == CTR_STOPPED || st == CTR_CREATING) {
		err_set(&e, ESRCH, "container not running");
		return cmd_fail(&e);
	}
	if (all) {
		if (kill_all(&c, sig, &e) < 0)
			return cmd_fail(&e);
		return 0;
	}
	if (kill(c.pid, sig) < 0) {
		err_sys(&e, errno, "kill container init (pid %d)", (int)c.pid);
		return cmd_fail(&e);
	}
	return 0;
}
