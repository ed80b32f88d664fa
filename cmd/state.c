// SPDX-License-Identifier: MIT
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/container.h"
#include "generated/version.h"
#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "spec/spec.h"

static const char usage[] =
	"Usage: keel state <container-id>\n"
	"Print the container's state as JSON (runtime-spec \"state\", runc's shape).\n";

static void put_annotations(FILE *f, const struct spec *s, const char *nl, const char *ind)
{
	fprintf(f, "%s\"annotations\":%s{", ind, *nl ? " " : "");
	for (size_t i = 0; s && i < s->n_annotations; i++) {
		fprintf(f, "%s%s%s", i ? "," : "", nl, *nl ? "    " : "");
		json_str(f, s->annotations[i].key);
		fputs(*nl ? ": " : ":", f);
		json_str(f, s->annotations[i].value);
	}
	fprintf(f, "%s%s}", s && s->n_annotations ? nl : "", s && s->n_annotations ? ind : "");
}

char *ctr_state_json(const struct container *c, enum ctr_status st, const struct spec *s,
		     bool pretty)
{
	const char *nl = pretty ? "\n" : "", *ind = pretty ? "  " : "", *sp = pretty ? " " : "";
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	fprintf(f, "{%s%s\"ociVersion\":%s\"%s\",%s%s\"id\":%s", nl, ind, sp, OCI_SPEC_VERSION,
		nl, ind, sp);
	json_str(f, c->id);
	fprintf(f, ",%s%s\"pid\":%s%d,%s%s\"status\":%s\"%s\",%s%s\"bundle\":%s", nl, ind, sp,
		st == CTR_STOPPED ? 0 : (int)c->pid, nl, ind, sp, ctr_status_name(st), nl, ind, sp);
	json_str(f, c->bundle);
	fprintf(f, ",%s%s\"rootfs\":%s", nl, ind, sp);
	json_str(f, c->rootfs);
	fprintf(f, ",%s%s\"created\":%s", nl, ind, sp);
	json_str(f, c->created);
	fprintf(f, ",%s%s\"owner\":%s\"%s\",%s", nl, ind, sp, c->owner ? "" : "root", nl);
	put_annotations(f, s, nl, ind);
	fprintf(f, "%s}", nl);
	fclose(f);
	return buf;
}

int cmd_state(struct globals *g, int argc, char **argv)
{
	_cleanup_free_ char *json = NULL;
	struct container c;
	struct err e = { 0 };
	struct spec *s;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return cmd_help(usage);
	if (argc != 2)
		return cmd_usage("state", "expects exactly one container id");
	if (ctr_load(&c, g->root, argv[1], &e) < 0)
		return cmd_fail(&e);
	/* the state dir keeps the config.json of create: its annotations */
	s = spec_load(c.dir, &e);
	json = ctr_state_json(&c, ctr_status(&c), s, true);
	spec_free(s);
	puts(json);
	return 0;
}
