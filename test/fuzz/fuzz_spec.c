// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for spec_parse(): any bytes must give either a struct
 * spec or an error that says why, never a crash, a leak, a hang or
 * undefined behaviour.  A parsed spec is walked, so a string or array that
 * points outside its arena (or is not terminated) trips ASan here rather
 * than in a container's init.  Built and run by "make fuzz".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"

static volatile size_t sink;

static void touch_str(const char *s)
{
	if (s)
		sink += strlen(s);
}

static void touch_strv(char *const *v)
{
	for (; v && *v; v++)
		touch_str(*v);
}

static void walk(const struct spec *s)
{
	if (!s->oci_version || !s->root.path)
		abort();	/* both are required */
	for (size_t i = 0; i < s->n_mounts; i++) {
		touch_str(s->mounts[i].destination);
		touch_str(s->mounts[i].source);
		touch_str(s->mounts[i].data);
		touch_strv(s->mounts[i].options);
	}
	if (s->process) {
		touch_strv(s->process->args);
		touch_strv(s->process->env);
		touch_str(s->process->cwd);
		for (size_t i = 0; i < s->process->n_rlimits; i++)
			sink += s->process->rlimits[i].soft;
	}
	for (size_t i = 0; i < s->linux.n_namespaces; i++) {
		touch_str(spec_ns_name(s->linux.namespaces[i].type));
		touch_str(s->linux.namespaces[i].path);
	}
	touch_strv(s->linux.masked_paths);
	touch_strv(s->linux.readonly_paths);
	if (s->linux.seccomp)
		for (size_t i = 0; i < s->linux.seccomp->n_rules; i++)
			touch_strv(s->linux.seccomp->rules[i].names);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = { 0 };
	struct spec *s = spec_parse((const char *)data, size, &e);

	if (s) {
		walk(s);
		spec_free(s);
	} else if (e.code == 0 || !e.msg[0] || !memchr(e.msg, '\0', sizeof(e.msg))) {
		abort();	/* a refusal must carry its reason */
	}
	return 0;
}
