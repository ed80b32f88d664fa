// SPDX-License-Identifier: MIT
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/container.h"
#include "generated/version.h"
#include "lib/log.h"
#include "spec/spec.h"

static const char usage[] =
	"Usage: keel state <container-id>\n"
	"Print the container's state as JSON (runtime-spec \"state\", runc's shape).\n";

static void print_annotations(const struct container *c)
{
	char path[PATH_MAX + 16];
	struct err e = { 0 };
	struct spec *s;

	ctr_path(c, "config.json", path, sizeof(path));
	/* spec_load takes a bundle dir; the state dir holds a config.json too */
	s = spec_load(c->dir, &e);
	fputs("  \"annotations\": {", stdout);
	for (size_t i = 0; s && i < s->n_annotations; i++) {
		fputs(i ? ",\n    " : "\n    ", stdout);
		json_str(stdout, s->annotations[i].key);
		fputs(": ", stdout);
		json_str(stdout, s->annotations[i].value);
	}
	fputs(s && s->n_annotations ? "\n  }\n" : "}\n", stdout);
	spec_free(s);
}

int cmd_state(struct globals *g, int argc, char **argv)
{
	struct container c;
	struct err e = { 0 };
	enum ctr_status st;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return cmd_help(usage);
	if (argc != 2)
		return cmd_usage("state", "expects exactly one container id");
	if (ctr_load(&c, g->root, argv[1], &e) < 0)
		return cmd_fail(&e);
	st = ctr_status(&c);
	printf("{\n  \"ociVersion\": \"%s\",\n  \"id\": ", OCI_SPEC_VERSION);
	json_str(stdout, c.id);
	printf(",\n  \"pid\": %d,\n  \"status\": \"%s\",\n  \"bundle\": ",
	       st == CTR_STOPPED ? 0 : (int)c.pid, ctr_status_name(st));
	json_str(stdout, c.bundle);
	fputs(",\n  \"rootfs\": ", stdout);
	json_str(stdout, c.rootfs);
	fputs(",\n  \"created\": ", stdout);
	json_str(stdout, c.created);
	printf(",\n  \"owner\": \"%s\",\n", c.owner ? "" : "root");
	print_annotations(&c);
	fputs("}\n", stdout);
	return 0;
}
