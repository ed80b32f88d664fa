// SPDX-License-Identifier: MIT
/* spec: write a default config.json into the bundle (CONFIG_SPEC_TEMPLATE). */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "spec/spec.h"

static const char usage[] =
	"Usage: keel spec [--bundle DIR] [--rootless]\n"
	"Write a default config.json into DIR (default: the current directory).\n";

int cmd_spec(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "rootless", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	_cleanup_free_ char *json = NULL, *path = NULL;
	_cleanup_close_ int fd = -1;
	const char *bundle = ".";
	struct err e = { 0 };
	bool rootless = false;
	int c;

	while ((c = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1) {
		if (c == 'b')
			bundle = optarg;
		else if (c == 'r')
			rootless = true;
		else if (c == 'h')
			return cmd_help(usage);
		else
			return cmd_bad_option("spec", argv);
	}
	if (optind != argc)
		return cmd_usage("spec", "takes no arguments");
	path = xasprintf("%s/config.json", bundle);
	/* O_EXCL: never overwrite a config someone wrote, as runc refuses too */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			err_set(&e, EEXIST, "%s exists: remove it first", path);
		else
			err_sys(&e, errno, "create %s", path);
		return cmd_fail(&e);
	}
	json = spec_default_json(rootless);
	if (write_all(fd, json, strlen(json)) < 0) {
		err_sys(&e, errno, "write %s", path);
		unlink(path);
		return cmd_fail(&e);
	}
	return 0;
}
