// SPDX-License-Identifier: MIT
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/container.h"
#include "generated/version.h"
#include "lib/cleanup.h"
#include "lib/jsonw.h"
#include "lib/log.h"
#include "lib/util.h"
#include "spec/spec.h"

static const char usage[] =
	"Usage: keel state <container-id>\n"
	"Print the container's state as JSON (runtime-spec \"state\", runc's shape).\n";

char *ctr_state_json(const struct container *c, enum ctr_status st, const struct spec *s,
		     bool pretty)
{
	struct jw w = { .pretty = pretty };

	jw_open(&w, NULL, '{');
	jw_str(&w, "ociVersion", OCI_SPEC_VERSION);
	jw_str(&w, "id", c->id);
	jw_int(&w, "pid", st == CTR_STOPPED ? 0 : c->pid);
	jw_str(&w, "status", ctr_status_name(st));
	jw_str(&w, "bundle", c->bundle);
	jw_str(&w, "rootfs", c->rootfs);
	jw_str(&w, "created", c->created);
	jw_str(&w, "owner", c->owner ? "" : "root");
	jw_open(&w, "annotations", '{');
	for (size_t i = 0; s && i < s->n_annotations; i++)
		jw_str(&w, s->annotations[i].key, s->annotations[i].value);
	jw_close(&w, '}');
	jw_close(&w, '}');
	return jw_finish(&w);
}

int cmd_state(struct globals *g, int argc, char **argv)
{
	_cleanup_free_ char *json = NULL;
	char lock[PATH_MAX + 16];
	struct container c;
	struct err e = { 0 };
	struct spec *s;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return cmd_help(usage);
	if (argc != 2)
		return cmd_usage("state", "expects exactly one container id");
	if (ctr_load(&c, g->root, argv[1], &e) < 0)
		return cmd_fail(&e);
	/*
	 * state takes no lock.  Read without state.json and judged after the
	 * create's lock was free, a create that wrote state.json and exited in
	 * between would look dead ("stopped", then "running"): read again.
	 */
	if (!c.has_state && ctr_status(&c) == CTR_STOPPED &&
	    ctr_load(&c, g->root, argv[1], &e) < 0)
		return cmd_fail(&e);
	/* the state dir keeps the config.json of create: its annotations */
	s = spec_load(c.dir, &e);
	/*
	 * The lock without state.json or config.json: delete is removing the
	 * dir (they go first), or create has not written anything yet.  A
	 * dir without even the lock stays "creating".
	 */
	ctr_path(&c, "lock", lock, sizeof(lock));
	if (!s && !c.has_state && access(lock, F_OK) == 0) {
		err_set(&e, ENOENT, "container \"%s\" does not exist", c.id);
		return cmd_fail(&e);
	}
	json = ctr_state_json(&c, ctr_status(&c), s, true);
	spec_free(s);
	fputs(json, stdout);
	return 0;
}
