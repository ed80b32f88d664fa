// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for ctr_parse_state(), the reader of <root>/<id>/state.json.
 * The file is keel's own, but it sits on disk where anything with access
 * to --root can edit it, and "keel list" reads every one.  The input is
 * NUL-terminated as read_file() leaves it.  Built and run by "make fuzz".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/container.h"

/* Every string field must be terminated inside its array. */
#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct container *c = calloc(1, sizeof(*c));
	char *text = malloc(size + 1);
	struct err e = { 0 };
	int r;

	if (!c || !text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	r = ctr_parse_state(c, text, &e);
	if (r == 0) {
		if (!c->has_state || c->pid <= 0 || !TERMINATED(c->bundle) ||
		    !TERMINATED(c->rootfs) || !TERMINATED(c->created) ||
		    !TERMINATED(c->cgroup))
			abort();
	} else if (r > 0 || e.code == 0 || !e.msg[0]) {
		abort();	/* a refusal must carry its reason */
	}
	free(text);
	free(c);
	return 0;
}
