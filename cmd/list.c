// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/container.h"
#include "lib/log.h"

static const char usage[] =
	"Usage: keel list [-q] [--format table|json]\n"
	"List the containers under --root.\n";

static void row(const struct container *c, enum ctr_status st, bool json, bool first)
{
	int pid = st == CTR_STOPPED ? 0 : (int)c->pid;

	if (!json) {
		printf("%-12s %-10d %-10s %-40s %-30s %s\n", c->id, pid, ctr_status_name(st),
		       c->bundle, c->created, c->owner ? "" : "root");
		return;
	}
	fputs(first ? "{" : ",{", stdout);
	fputs("\"ociVersion\":\"1.2.0\",\"id\":", stdout);
	json_str(stdout, c->id);
	printf(",\"pid\":%d,\"status\":\"%s\",\"bundle\":", pid, ctr_status_name(st));
	json_str(stdout, c->bundle);
	fputs(",\"rootfs\":", stdout);
	json_str(stdout, c->rootfs);
	fputs(",\"created\":", stdout);
	json_str(stdout, c->created);
	printf(",\"owner\":\"%s\"}", c->owner ? "" : "root");
}

int cmd_list(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' }, { "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' }, { 0 }
	};
	bool quiet = false, json = false, first = true;
	struct dirent *de;
	DIR *d;
	int opt;

	while ((opt = getopt_long(argc, argv, "+qf:h", opts, NULL)) != -1) {
		if (opt == 'q')
			quiet = true;
		else if (opt == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table")))
			json = !strcmp(optarg, "json");
		else if (opt == 'f')
			return cmd_usage("list", "--format: unknown format \"%s\" (table or json)", optarg);
		else if (opt == 'h')
			return cmd_help(usage);
		else
			return cmd_bad_option("list", argv);
	}
	if (!quiet && !json)
		printf("%-12s %-10s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
	if (json)
		fputs("[", stdout);
	d = opendir(g->root);
	while (d && (de = readdir(d))) {
		struct container c;
		struct err e = { 0 };

		if (de->d_name[0] == '.' || ctr_load(&c, g->root, de->d_name, &e) < 0)
			continue;
		if (quiet)
			printf("%s\n", c.id);
		else
			row(&c, ctr_status(&c), json, first);
		first = false;
	}
	if (d)
		closedir(d);
	if (json)
		fputs("]\n", stdout);
	return 0;
}
