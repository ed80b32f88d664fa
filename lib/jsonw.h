/* SPDX-License-Identifier: MIT */
/*
 * A small JSON writer for what keel prints (state, features, the default
 * config).  cJSON would do it too, but its printer drags sscanf and the
 * whole float scanner into the static binary for its number checks.
 *
 *	struct jw w = { .pretty = true };
 *	jw_open(&w, NULL, '{');
 *	jw_str(&w, "id", id);
 *	jw_close(&w, '}');
 *	char *s = jw_finish(&w);	// malloc'd, NUL-terminated
 */
#ifndef KEEL_LIB_JSONW_H
#define KEEL_LIB_JSONW_H

#include <stdbool.h>
#include <stddef.h>

struct jw {
	char *buf;
	size_t len, cap;
	int depth;
	bool first;		/* nothing written yet in the open container */
	bool pretty;		/* two-space indents and newlines */
};

/* key is the member name inside an object, NULL in an array or at the top. */
void jw_open(struct jw *w, const char *key, char bracket);
void jw_close(struct jw *w, char bracket);
void jw_str(struct jw *w, const char *key, const char *val);
void jw_bool(struct jw *w, const char *key, bool val);
void jw_int(struct jw *w, const char *key, long long val);
/* A value already in JSON form: a number beyond long long, null. */
void jw_raw(struct jw *w, const char *key, const char *json);
void jw_strv(struct jw *w, const char *key, const char *const *v, size_t n);
/* The text (with a final newline when pretty); the writer is reset. */
char *jw_finish(struct jw *w);

#endif
