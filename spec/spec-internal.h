/* SPDX-License-Identifier: MIT */
/*
 * Private to spec/: the arena, the parse context that carries the JSON path
 * for error messages, typed getters, the field-table engine and the name
 * tables.  Grouped by the file that implements them.
 */
#ifndef KEEL_SPEC_INTERNAL_H
#define KEEL_SPEC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "lib/cleanup.h"
#include "lib/err.h"
#include "spec/spec.h"

static inline void json_deletep(cJSON **j)
{
	cJSON_Delete(*j);
}

#define _cleanup_json_ _cleanup_(json_deletep)

/* arena.c */
struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);
/* Zeroed, aligned for any type; aborts on out of memory. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_array(struct arena *a, size_t n, size_t size);
char *arena_strdup(struct arena *a, const char *s);

/* json.c: context and JSON path */
#define SPEC_PATH_MAX 200

struct ctx {
	struct arena *a;
	struct err *e;
	size_t len;
	char path[SPEC_PATH_MAX];
};

/* Append ".key" or "[i]" to the path; both return the length to pop back to. */
size_t path_key(struct ctx *c, const char *key);
size_t path_idx(struct ctx *c, size_t i);
void path_pop(struct ctx *c, size_t len);
/* Set c->e to "<path>: <fmt ...>" and return -EINVAL. */
int fail(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Set up cJSON (allocation hooks); call before any cJSON use. */
void json_init(void);
/* Keep each number's source text, see json.c. */
void json_keep_number_text(cJSON *root, const char *json, size_t len);

/* json.c: typed getters; each checks j and fails with the current path. */
int get_str(struct ctx *c, const cJSON *j, char **out);
int get_abspath(struct ctx *c, const cJSON *j, char **out);
int get_bool(struct ctx *c, const cJSON *j, bool *out);
int get_int(struct ctx *c, const cJSON *j, int64_t min, int64_t max, int64_t *out);
int get_u64(struct ctx *c, const cJSON *j, uint64_t *out);
int get_strv(struct ctx *c, const cJSON *j, unsigned int flags, char ***out);
int get_object(struct ctx *c, const cJSON *j);
int get_array(struct ctx *c, const cJSON *j, size_t *n);

/* get_strv() flags */
#define STRV_NONEMPTY	1u
#define STRV_ABSPATH	2u

/* An array of objects, one elem_size element each, filled by fn. */
typedef int (*elem_fn)(struct ctx *c, const cJSON *j, void *elem);
int parse_array(struct ctx *c, const cJSON *j, size_t elem_size, elem_fn fn,
		void **out, size_t *n);

/* An object of strings (annotations, sysctl): put() stores pair i. */
typedef void (*kv_fn)(void *arr, size_t i, char *key, char *value);
int parse_kv(struct ctx *c, const cJSON *j, size_t elem_size, kv_fn put,
	     void **out, size_t *n);

/* json.c: the field-table engine (procd's blobmsg_policy, typed) */
enum field_kind {
	F_STR,		/* char * */
	F_ABSPATH,	/* char *, must start with '/' */
	F_BOOL,		/* bool */
	F_INT,		/* any integer type of .size bytes, in [min, max] */
	F_U64,		/* uint64_t */
	F_STRV,		/* char **, NULL-terminated */
	F_ARGV,		/* F_STRV that must not be empty */
	F_PATHV,	/* F_STRV of absolute paths */
	F_PRESENT,	/* bool: set when the key is there at all */
	F_FUNC,		/* fn(ctx, value, base) */
};

struct field {
	const char *name;
	enum field_kind kind;
	bool req;
	size_t off;		/* of the member in the struct */
	size_t size;		/* of the member, for F_INT */
	size_t has;		/* HAS(): offset + 1 of its has_ flag, 0 for none */
	int64_t min, max;	/* F_INT */
	int (*fn)(struct ctx *c, const cJSON *j, void *base);
};

#define FIELD(T, n, k, m, ...) { .name = (n), .kind = (k), \
	.off = offsetof(T, m), .size = sizeof(((T *)0)->m), __VA_ARGS__ }
#define FIELD_FN(n, f, ...) { .name = (n), .kind = F_FUNC, .fn = (f), __VA_ARGS__ }
#define HAS(T, m) (offsetof(T, m) + 1)

/*
 * Fill base from the object j by the table.  Keys not in the table are
 * ignored (the runtime-spec requires it); a JSON null counts as absent,
 * since Go writes nil pointers that way when omitempty is missing.
 */
int parse_fields(struct ctx *c, const cJSON *j, void *base,
		 const struct field *f, size_t n);

/* tables.c */
struct name_val {
	const char *name;
	unsigned long val;
};

/* Index of name in a NULL-free array of n names, or -1. */
int name_index(const char *const *names, size_t n, const char *name);
/* The entry called name, or NULL. */
const struct name_val *name_find(const struct name_val *t, size_t n, const char *name);

extern const char *const spec_ns_names[SPEC_NS_COUNT];
extern const int spec_ns_clone_flags[SPEC_NS_COUNT];
extern const char *const spec_cap_names[];
extern const size_t spec_n_caps;
extern const struct name_val spec_rlimits[];
extern const size_t spec_n_rlimits;
extern const struct name_val spec_propagations[];
extern const size_t spec_n_propagations;
extern const char *const spec_hook_names[SPEC_HOOK_COUNT];
extern const struct name_val spec_sc_actions[];
extern const size_t spec_n_sc_actions;
extern const struct name_val spec_sc_ops[];
extern const size_t spec_n_sc_ops;
extern const char *const spec_sc_arches[];
extern const size_t spec_n_sc_arches;
extern const char *const spec_sc_flags[];
extern const size_t spec_n_sc_flags;

enum mnt_opt_kind {
	MNT_SET,	/* set flag */
	MNT_CLEAR,	/* clear flag */
	MNT_PROP,	/* propagation type */
	MNT_BIND,	/* bind or rbind */
	MNT_KEEP,	/* applied later by mount/ from options (rro, idmap, ...) */
};

struct mnt_opt {
	const char *name;
	enum mnt_opt_kind kind;
	unsigned long flag;
};

const struct mnt_opt *mnt_opt_find(const char *name);

/* process.c, linux.c, seccomp.c, parse.c */
int parse_process(struct ctx *c, const cJSON *j, void *base);
int parse_linux(struct ctx *c, const cJSON *j, void *base);
int parse_seccomp(struct ctx *c, const cJSON *j, void *base);
int parse_idmaps(struct ctx *c, const cJSON *j, struct spec_idmap **out, size_t *n);
int parse_mount_options(struct ctx *c, struct spec_mount *m);

#endif
