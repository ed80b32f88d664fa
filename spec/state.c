// SPDX-License-Identifier: MIT
/*
 * <root>/<id>/state.json, keel's record of a container (written by cmd/
 * with lib/jsonw.c).  It sits where anything with access to --root can
 * edit it and "keel list" reads every one, so it is read with the same
 * limits and checks as config.json (and fuzzed: test/fuzz/fuzz_state.c).
 */
#include <limits.h>

#include "spec/spec-internal.h"

static const struct field state_fields[] = {
	FIELD(struct spec_state, "id", F_STR, id, .req = true),
	FIELD(struct spec_state, "pid", F_INT, pid, .range = R_S64, .req = true),
	FIELD(struct spec_state, "startTime", F_U64, start_time, .req = true),
	FIELD(struct spec_state, "bundle", F_ABSPATH, bundle, .req = true),
	FIELD(struct spec_state, "rootfs", F_ABSPATH, rootfs, .req = true),
	FIELD(struct spec_state, "created", F_STR, created, .req = true),
	FIELD(struct spec_state, "owner", F_INT, owner, .range = R_U32),
	FIELD(struct spec_state, "cgroupsPath", F_STR, cgroup),
	FIELD(struct spec_state, "pidns", F_U64, pidns),
	FIELD(struct spec_state, "mntns", F_U64, mntns),
};

static int fill(struct ctx *c, const cJSON *root, struct spec_state *st)
{
	int r = get_object(c, root);

	if (r == 0)
		r = parse_fields(c, root, st, state_fields, ARRAY_SIZE(state_fields));
	if (r == 0 && (st->pid <= 0 || st->pid > INT_MAX)) {
		path_key(c, "pid");
		r = fail(c, "must be a process id");
	}
	return r;
}

struct spec_state *spec_state_parse(const char *json, size_t len, struct err *e)
{
	_cleanup_json_ cJSON *root = NULL;
	struct spec_state *st;
	struct arena *a;
	struct ctx c = { .e = e };

	if (!spec_parse_json(json, len, &root, e))
		return NULL;
	a = arena_new();
	st = arena_alloc(a, sizeof(*st));
	st->arena = a;
	c.a = a;
	if (fill(&c, root, st) < 0) {
		arena_free(a);
		return NULL;
	}
	return st;
}

void spec_state_free(struct spec_state *st)
{
	if (st)
		arena_free(st->arena);
}
