// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <string.h>

#include "lib/jsonw.h"
#include "lib/util.h"

static void put(struct jw *w, const char *s, size_t n)
{
	if (w->len + n + 2 > w->cap) {
		w->cap = (w->len + n + 2) * 2;
		w->buf = xrealloc(w->buf, w->cap);
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void put_str(struct jw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	put(w, "\"", 1);
	for (; s && *s; s++) {
		unsigned char c = *s;
		char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };

		if (c == '"' || c == '\\') {
			esc[1] = c;
			put(w, esc, 2);
		} else if (c < 0x20) {
			put(w, esc, 6);
		} else {
			put(w, s, 1);
		}
	}
	put(w, "\"", 1);
}

static void indent(struct jw *w)
{
	if (!w->pretty)
		return;
	put(w, "\n", 1);
	for (int i = 0; i < w->depth; i++)
		put(w, "  ", 2);
}

/* Start a member (key) or an array element (key NULL). */
static void item(struct jw *w, const char *key)
{
	if (w->depth == 0)
		return;
	if (!w->first)
		put(w, ",", 1);
	indent(w);
	if (key) {
		put_str(w, key);
		put(w, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
	}
	w->first = false;
}

void jw_open(struct jw *w, const char *key, char bracket)
{
	item(w, key);
	put(w, &bracket, 1);
	w->depth++;
	w->first = true;
}

void jw_close(struct jw *w, char bracket)
{
	w->depth--;
	if (!w->first)
		indent(w);
	put(w, &bracket, 1);
	w->first = false;
}

void jw_str(struct jw *w, const char *key, const char *val)
{
	item(w, key);
	put_str(w, val);
}

void jw_bool(struct jw *w, const char *key, bool val)
{
	item(w, key);
	put(w, val ? "true" : "false", val ? 4 : 5);
}

void jw_int(struct jw *w, const char *key, long long val)
{
	char buf[24];

	item(w, key);
	put(w, buf, snprintf(buf, sizeof(buf), "%lld", val));
}

void jw_raw(struct jw *w, const char *key, const char *json)
{
	item(w, key);
	put(w, json, strlen(json));
}

void jw_strv(struct jw *w, const char *key, const char *const *v, size_t n)
{
	jw_open(w, key, '[');
	for (size_t i = 0; i < n; i++)
		jw_str(w, NULL, v[i]);
	jw_close(w, ']');
}

char *jw_finish(struct jw *w)
{
	char *s;

	if (w->pretty)
		put(w, "\n", 1);
	if (!w->buf)
		put(w, "", 0);
	s = w->buf;
	*w = (struct jw){ .pretty = w->pretty };
	return s;
}
