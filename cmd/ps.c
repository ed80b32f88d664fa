// SPDX-License-Identifier: MIT
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/container.h"
#include "lib/cleanup.h"

static const char usage[] =
	"Usage: keel ps [--format table|json] <container-id>\n"
	"List the processes in the container's cgroup (json: an array of pids).\n";

int cmd_ps(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { 0 }
	};
	_cleanup_free_ pid_t *pids = NULL;
	struct container c;
	struct err e = { 0 };
	bool json = false;
	size_t n = 0;
	int opt;

	while ((opt = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
		if (opt == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table")))
			json = !strcmp(optarg, "json");
		else if (opt == 'f')
			return cmd_usage("ps", "--format: unknown format \"%s\" (table or json)", optarg);
		else if (opt == 'h')
			return cmd_help(usage);
		else
			return cmd_bad_option("ps", argv);
	}
	if (argc - optind != 1)
		return cmd_usage("ps", "expects exactly one container id");
	if (ctr_load(&c, g->root, argv[optind], &e) < 0 || ctr_pids(&c, &pids, &n, &e) < 0)
		return cmd_fail(&e);
	if (json) {
		fputs("[", stdout);
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		fputs("]\n", stdout);
		return 0;
	}
	printf("PID\n");
	for (size_t i = 0; i < n; i++)
		printf("%d\n", (int)pids[i]);
	return 0;
}
