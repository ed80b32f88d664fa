// SPDX-License-Identifier: MIT
/*
 * The JSON side of spec/: error paths, typed getters and the field-table
 * engine.  Every getter fails with "<path>: <problem>" so a user can find
 * the offending value without reading keel.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "spec/spec-internal.h"

/* A path that overflows is cut, not lost: the message stays useful. */
static void path_append(struct ctx *c, const char *seg)
{
	size_t room = sizeof(c->path) - 1 - c->len, n = strlen(seg);

	if (n > room)
		n = room;
	memcpy(c->path + c->len, seg, n);
	c->len += n;
	c->path[c->len] = '\0';
}

size_t path_key(struct ctx *c, const char *key)
{
	size_t old = c->len;

	if (old)
		path_append(c, ".");
	path_append(c, key);
	return old;
}

/* Digits by hand: snprintf here was a quarter of parse time under musl. */
size_t path_idx(struct ctx *c, size_t i)
{
	size_t old = c->len;
	char seg[32], *p = seg + sizeof(seg);

	*--p = '\0';
	*--p = ']';
	do
		*--p = '0' + i % 10;
	while (i /= 10);
	*--p = '[';
	path_append(c, p);
	return old;
}

void path_pop(struct ctx *c, size_t len)
{
	c->len = len;
	c->path[len] = '\0';
}

int fail(struct ctx *c, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* at the top level there is no path to name */
	if (!c->path[0])
		return err_set(c->e, EINVAL, "%s", msg);
	return err_set(c->e, EINVAL, "%s: %s", c->path, msg);
}

void json_init(void)
{
	/* keel's rule: out of memory aborts, rather than cJSON's NULL
	 * returns that would read as "invalid JSON" or a missing field. */
	static cJSON_Hooks hooks = { .malloc_fn = xmalloc, .free_fn = free };

	cJSON_InitHooks(&hooks);
}

/*
 * cJSON keeps numbers only as double, which cannot hold every uint64_t:
 * RLIM_INFINITY (18446744073709551615) and 64-bit seccomp masks would be
 * rounded.  So we lex the source once more and hang each number's text on
 * its node as valuestring, which cJSON leaves unused for numbers and frees
 * in cJSON_Delete().  cJSON builds the tree in document order, so a
 * depth-first walk meets the numbers in the order the lexer finds them.
 */
struct lexer {
	const char *p, *end;
};

static bool next_number(struct lexer *l, const char **start, size_t *len)
{
	static const char num_chars[] = "0123456789+-.eE";

	while (l->p < l->end) {
		char ch = *l->p;

		if (ch == '"') {
			for (l->p++; l->p < l->end && *l->p != '"'; l->p++)
				if (*l->p == '\\')
					l->p++;
			l->p++;
		} else if (ch == '-' || (ch >= '0' && ch <= '9')) {
			*start = l->p;
			while (l->p < l->end && *l->p && strchr(num_chars, *l->p))
				l->p++;
			*len = (size_t)(l->p - *start);
			return true;
		} else {
			l->p++;
		}
	}
	return false;
}

static void keep_text(cJSON *j, struct lexer *l)
{
	const char *start;
	size_t len;

	for (; j; j = j->next) {
		if (cJSON_IsNumber(j) && !j->valuestring && next_number(l, &start, &len)) {
			j->valuestring = xmalloc(len + 1);
			memcpy(j->valuestring, start, len);
			j->valuestring[len] = '\0';
		}
		keep_text(j->child, l);
	}
}

void json_keep_number_text(cJSON *root, const char *json, size_t len)
{
	struct lexer l = { json, json + len };

	keep_text(root, &l);
}

int json_prescan(const char *json, size_t len, struct err *e)
{
	unsigned int depth = 0;
	size_t values = 1;

	for (size_t i = 0; i < len && json[i]; i++) {
		switch (json[i]) {
		case '"':
			/*
			 * JSON allows no raw control character in a string (RFC
			 * 8259), but cJSON keeps one; a NUL, raw or \u0000, would
			 * cut the string short without a word ("/bin/sh\u0000x"
			 * running /bin/sh).
			 */
			for (i++; i < len && json[i] != '"'; i++) {
				unsigned char ch = json[i];

				if (ch == '\\')
					ch = ++i + 5 <= len && !strncmp(json + i, "u0000", 5) ? 0 : ' ';
				if (ch < 0x20)
					return err_set(e, EINVAL, "not valid JSON near byte %zu", i);
			}
			break;
		case '[': case '{':
			if (++depth > SPEC_MAX_DEPTH)
				return err_set(e, EINVAL, "nested deeper than %d levels at byte %zu",
					       SPEC_MAX_DEPTH, i);
			break;
		case ']': case '}':
			if (depth)
				depth--;
			break;
		case ',':
			/* every value but the first of a container follows a comma */
			if (++values > SPEC_MAX_VALUES)
				return err_set(e, EINVAL, "more than %d values at byte %zu",
					       SPEC_MAX_VALUES, i);
			break;
		}
	}
	return 0;
}

/* Depth is bounded by json_prescan() already, so recursion is too. */
int json_check_sizes(struct ctx *c, const cJSON *j)
{
	const cJSON *it;
	size_t n = 0, i = 0;
	int r;

	if (!cJSON_IsArray(j) && !cJSON_IsObject(j))
		return 0;
	cJSON_ArrayForEach(it, j)
		if (++n > SPEC_MAX_ELEMS)
			return fail(c, cJSON_IsArray(j) ? "more than %d elements" :
				    "more than %d members", SPEC_MAX_ELEMS);
	cJSON_ArrayForEach(it, j) {
		size_t old = cJSON_IsArray(j) ? path_idx(c, i++) : path_key(c, it->string);

		r = json_check_sizes(c, it);
		if (r < 0)
			return r;
		path_pop(c, old);
	}
	return 0;
}

int get_str(struct ctx *c, const cJSON *j, char **out)
{
	if (!cJSON_IsString(j))
		return fail(c, "must be a string");
	*out = arena_strdup(c->a, j->valuestring);
	return 0;
}

int get_abspath(struct ctx *c, const cJSON *j, char **out)
{
	if (!cJSON_IsString(j))
		return fail(c, "must be a string");
	if (j->valuestring[0] != '/')
		return fail(c, "must be an absolute path");
	*out = arena_strdup(c->a, j->valuestring);
	return 0;
}

int get_bool(struct ctx *c, const cJSON *j, bool *out)
{
	if (!cJSON_IsBool(j))
		return fail(c, "must be a boolean");
	*out = cJSON_IsTrue(j);
	return 0;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/*
 * The number as an exact integer: from its source text when it is written
 * as one, else from the double when that is integral ("1e3", "2.0").
 * Returns 0, -ERANGE or -EDOM (not an integer).
 */
static int number_int(const cJSON *j, bool is_unsigned, int64_t *s, uint64_t *u)
{
	const char *t = j->valuestring;
	double d = j->valuedouble;

	errno = 0;
	if (t && all_digits(t + (t[0] == '-'))) {
		if (is_unsigned && t[0] == '-')
			return -ERANGE;
		if (is_unsigned)
			*u = strtoull(t, NULL, 10);
		else
			*s = strtoll(t, NULL, 10);
		return errno == ERANGE ? -ERANGE : 0;
	}
	if (!isfinite(d))
		return -EDOM;
	if (is_unsigned) {
		if (!(d >= 0 && d < 18446744073709551616.0))
			return -ERANGE;
		*u = (uint64_t)d;
		return (double)*u == d ? 0 : -EDOM;
	}
	if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
		return -ERANGE;
	*s = (int64_t)d;
	return (double)*s == d ? 0 : -EDOM;
}

int get_int(struct ctx *c, const cJSON *j, int64_t min, int64_t max, int64_t *out)
{
	int64_t v = 0;
	int r;

	if (!cJSON_IsNumber(j))
		return fail(c, "must be an integer");
	r = number_int(j, false, &v, NULL);
	if (r == -EDOM)
		return fail(c, "must be an integer");
	if (r < 0 || v < min || v > max)
		return fail(c, "must be an integer between %" PRId64 " and %" PRId64,
			    min, max);
	*out = v;
	return 0;
}

int get_u64(struct ctx *c, const cJSON *j, uint64_t *out)
{
	uint64_t v = 0;
	int r;

	if (!cJSON_IsNumber(j))
		return fail(c, "must be an integer");
	r = number_int(j, true, NULL, &v);
	if (r == -EDOM)
		return fail(c, "must be an integer");
	if (r < 0)
		return fail(c, "must be an integer between 0 and %" PRIu64, UINT64_MAX);
	*out = v;
	return 0;
}

int get_object(struct ctx *c, const cJSON *j)
{
	return cJSON_IsObject(j) ? 0 : fail(c, "must be an object");
}

int get_array(struct ctx *c, const cJSON *j, size_t *n)
{
	if (!cJSON_IsArray(j))
		return fail(c, "must be an array");
	*n = (size_t)cJSON_GetArraySize(j);
	return 0;
}

static int strv_fail(struct ctx *c, unsigned int flags)
{
	if (flags & STRV_ABSPATH)
		return fail(c, "must be an array of absolute paths");
	if (flags & STRV_NONEMPTY)
		return fail(c, "must be a non-empty array of strings");
	return fail(c, "must be an array of strings");
}

int get_strv(struct ctx *c, const cJSON *j, unsigned int flags, char ***out)
{
	const cJSON *it;
	char **v;
	size_t i = 0;

	if (!cJSON_IsArray(j) || ((flags & STRV_NONEMPTY) && !j->child))
		return strv_fail(c, flags);
	v = arena_array(c->a, (size_t)cJSON_GetArraySize(j) + 1, sizeof(*v));
	cJSON_ArrayForEach(it, j) {
		if (!cJSON_IsString(it)) {
			path_idx(c, i);
			return fail(c, "must be a string");
		}
		if ((flags & STRV_ABSPATH) && it->valuestring[0] != '/') {
			path_idx(c, i);
			return fail(c, "must be an absolute path");
		}
		v[i++] = arena_strdup(c->a, it->valuestring);
	}
	*out = v;
	return 0;
}

int parse_array(struct ctx *c, const cJSON *j, size_t elem_size, elem_fn fn,
		void **out, size_t *n)
{
	const cJSON *it;
	unsigned char *arr;
	size_t i = 0, count = 0;
	int r;

	r = get_array(c, j, &count);
	if (r < 0)
		return r;
	arr = arena_array(c->a, count, elem_size);
	cJSON_ArrayForEach(it, j) {
		size_t old = path_idx(c, i);

		r = fn(c, it, arr + i * elem_size);
		if (r < 0)
			return r;
		path_pop(c, old);
		i++;
	}
	*out = arr;
	*n = count;
	return 0;
}

int parse_map(struct ctx *c, const cJSON *j, size_t elem_size, map_fn fn,
	      void **out, size_t *n)
{
	const cJSON *it;
	unsigned char *arr;
	size_t i = 0;
	int r;

	r = get_object(c, j);
	if (r < 0)
		return r;
	arr = arena_array(c->a, (size_t)cJSON_GetArraySize(j), elem_size);
	cJSON_ArrayForEach(it, j) {
		size_t old = path_key(c, it->string);

		r = fn(c, it->string, it, arr + i * elem_size);
		if (r < 0)
			return r;
		path_pop(c, old);
		i++;
	}
	*out = arr;
	*n = i;
	return 0;
}

static int kv_elem(struct ctx *c, const char *key, const cJSON *j, void *elem)
{
	struct spec_kv *kv = elem;

	kv->key = arena_strdup(c->a, key);
	return get_str(c, j, &kv->value);
}

int parse_kv(struct ctx *c, const cJSON *j, struct spec_kv **out, size_t *n)
{
	return parse_map(c, j, sizeof(**out), kv_elem, (void **)out, n);
}

/* A cpu number: digits, below 2^22 (the kernel's NR_CPUS limit); else -1. */
static long cpu_num(const char **s)
{
	long n = 0;

	if (**s < '0' || **s > '9')
		return -1;
	for (; **s >= '0' && **s <= '9'; (*s)++)
		if ((n = n * 10 + (**s - '0')) >= 1L << 22)
			return -1;
	return n;
}

/* "N" or "N-M" (N <= M), comma separated, as the kernel's list format. */
bool is_cpu_list(const char *s)
{
	while (*s) {
		long a = cpu_num(&s), b = a;

		if (*s == '-') {
			s++;
			b = cpu_num(&s);
		}
		if (a < 0 || b < a)
			return false;
		if (*s == ',' && s[1])
			s++;
		else if (*s)
			return false;
	}
	return true;
}

static int get_enum(struct ctx *c, const cJSON *j, const struct field *f, unsigned long *v)
{
	const struct name_val *nv;

	if (!cJSON_IsString(j))
		return fail(c, "must be a string");
	nv = name_find(f->names->v, f->names->n, j->valuestring);
	if (!nv)
		return fail(c, "unknown %s \"%s\"", f->names->what, j->valuestring);
	*v = nv->val;
	return 0;
}

static int get_flags(struct ctx *c, const cJSON *j, const struct field *f, uint64_t *out)
{
	const cJSON *it;
	size_t i = 0;

	if (!cJSON_IsArray(j))
		return fail(c, "must be an array of strings");
	cJSON_ArrayForEach(it, j) {
		size_t old = path_idx(c, i++);
		unsigned long v;
		int r = get_enum(c, it, f, &v);

		if (r < 0)
			return r;
		*out |= v;
		path_pop(c, old);
	}
	return 0;
}

static void store_int(void *p, size_t size, int64_t v)
{
	switch (size) {
	case 1: *(int8_t *)p = (int8_t)v; break;
	case 2: *(int16_t *)p = (int16_t)v; break;
	case 4: *(int32_t *)p = (int32_t)v; break;
	default: *(int64_t *)p = v; break;
	}
}

static int get_cpus(struct ctx *c, const cJSON *j, char **out)
{
	int r = get_str(c, j, out);

	if (r == 0 && !is_cpu_list(*out))
		return fail(c, "must be a cpu list like \"0-3,7\"");
	return r;
}

static const struct {
	int64_t min, max;
} ranges[R_COUNT] = {
	[R_U32] = { 0, UINT32_MAX },		[R_ID] = { 0, UINT32_MAX - 1 },
	[R_S64] = { INT64_MIN, INT64_MAX },	[R_LIMIT] = { -1, INT64_MAX },
	[R_DEV_ANY] = { -1, UINT32_MAX },	[R_U16] = { 0, UINT16_MAX },
	[R_UMASK] = { 0, 0777 },		[R_MODE] = { 0, 07777 },
	[R_OOM] = { -1000, 1000 },		[R_NICE] = { -20, 19 },
	[R_RTPRIO] = { 0, 99 },			[R_IOPRIO] = { 0, 7 },
	[R_ARGIDX] = { 0, 5 },			[R_NSEC] = { 0, 999999999 },
	[R_PERCENT] = { 0, 100 },		[R_BIT] = { 0, 1 },
	[R_TIMEOUT] = { 1, INT32_MAX },
};

static int parse_field(struct ctx *c, const cJSON *j, void *base, const struct field *f)
{
	void *p = (char *)base + f->off;
	unsigned long u;
	int64_t v;
	int r;

	switch (f->kind) {
	case F_STR:	return get_str(c, j, p);
	case F_ABSPATH:	return get_abspath(c, j, p);
	case F_BOOL:	return get_bool(c, j, p);
	case F_U64:	return get_u64(c, j, p);
	case F_STRV:	return get_strv(c, j, 0, p);
	case F_ARGV:	return get_strv(c, j, STRV_NONEMPTY, p);
	case F_PATHV:	return get_strv(c, j, STRV_ABSPATH, p);
	case F_FLAGS:	return get_flags(c, j, f, p);
	case F_CPUS:	return get_cpus(c, j, p);
	case F_FUNC:	return f->fn(c, j, base);
	case F_ENUM:
		r = get_enum(c, j, f, &u);
		if (r == 0)
			store_int(p, f->size, (int64_t)u);
		return r;
	case F_INT:
		if (!f->range || f->range >= R_COUNT)
			return fail(c, "internal: no range");
		r = get_int(c, j, ranges[f->range].min, ranges[f->range].max, &v);
		if (r == 0)
			store_int(p, f->size, v);
		return r;
	}
	return fail(c, "internal: bad field kind");
}

int parse_fields(struct ctx *c, const cJSON *j, void *base,
		 const struct field *f, size_t n)
{
	int r;

	r = get_object(c, j);
	if (r < 0)
		return r;
	for (; n--; f++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, f->name);
		size_t old;

		if (cJSON_IsNull(v))
			v = NULL;
		if (!v && !f->req)
			continue;
		old = path_key(c, f->name);
		if (!v)
			return fail(c, "missing");
		r = parse_field(c, v, base, f);
		if (r < 0)
			return r;
		if (f->has)
			*(bool *)((char *)base + f->has - 1) = true;
		path_pop(c, old);
	}
	return 0;
}
