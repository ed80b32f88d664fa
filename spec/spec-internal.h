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
#include "lib/util.h"
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

struct name_val {
	const char *name;
	unsigned long val;
};

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

/* parse.c: text to a cJSON tree, with the size, depth and count limits. */
bool spec_parse_json(const char *json, size_t len, cJSON **root, struct err *e);

/* Set up cJSON (allocation hooks); call before any cJSON use. */
void json_init(void);
/* Keep each number's source text, see json.c. */
void json_keep_number_text(cJSON *root, const char *json, size_t len);
/*
 * Refuse nesting deeper than SPEC_MAX_DEPTH and more than SPEC_MAX_VALUES
 * values, naming the byte.  A lexical scan, so it runs before cJSON
 * allocates anything.
 */
int json_prescan(const char *json, size_t len, struct err *e);
/* Fail on any array or object of more than SPEC_MAX_ELEMS, naming its path. */
int json_check_sizes(struct ctx *c, const cJSON *j);

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

/* An object used as a map (rdma, netDevices): one element per member. */
typedef int (*map_fn)(struct ctx *c, const char *key, const cJSON *j, void *elem);
int parse_map(struct ctx *c, const cJSON *j, size_t elem_size, map_fn fn,
	      void **out, size_t *n);

/* An object of strings (annotations, sysctl, unified) into spec_kv pairs. */
int parse_kv(struct ctx *c, const cJSON *j, struct spec_kv **out, size_t *n);

/* A cpu list as the kernel writes them: "0-3,7", "" allowed. */
bool is_cpu_list(const char *s);

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
	F_ENUM,		/* string from .names, its value stored as F_INT does */
	F_FLAGS,	/* array of strings from .names, values ORed into a uint64_t */
	F_CPUS,		/* char *, a cpu list */
	F_FUNC,		/* fn(ctx, value, base) */
};

/* The names an F_ENUM or F_FLAGS field takes: 'unknown <what> "x"' */
struct name_table {
	const struct name_val *v;
	size_t n;
	const char *what;
};

/*
 * The ranges of F_INT fields, named so a field stays 24 bytes: there are
 * some 200 of them in a binary meant to be small.
 */
enum field_range {
	R_U32 = 1,	/* 0 .. UINT32_MAX */
	R_ID,		/* 0 .. UINT32_MAX - 1: (uid_t)-1 means "unchanged" */
	R_S64,		/* INT64_MIN .. INT64_MAX */
	R_LIMIT,	/* -1 (unlimited) .. INT64_MAX */
	R_DEV_ANY,	/* -1 (any) .. UINT32_MAX: a device number in a rule */
	R_U16,
	R_UMASK,	/* 0 .. 0777 */
	R_MODE,		/* 0 .. 07777 */
	R_OOM,		/* -1000 .. 1000 */
	R_NICE,		/* -20 .. 19 */
	R_RTPRIO,	/* 0 .. 99 */
	R_IOPRIO,	/* 0 .. 7 */
	R_ARGIDX,	/* 0 .. 5: a syscall has six arguments */
	R_NSEC,		/* 0 .. 999999999 */
	R_PERCENT,	/* 0 .. 100 */
	R_BIT,		/* 0 .. 1 */
	R_TIMEOUT,	/* 1 .. INT32_MAX */
	R_COUNT
};

struct field {
	const char *name;
	union {
		int (*fn)(struct ctx *c, const cJSON *j, void *base);	/* F_FUNC */
		const struct name_table *names;			/* F_ENUM, F_FLAGS */
	};
	uint16_t off;		/* of the member in the struct */
	uint16_t has;		/* HAS(): offset + 1 of its has_ flag, 0 for none */
	uint8_t size;		/* of the member, for F_INT and F_ENUM */
	uint8_t kind;		/* enum field_kind */
	uint8_t range;		/* enum field_range, for F_INT */
	bool req;
};

#define FIELD(T, n, k, m, ...) { .name = (n), .kind = (k), \
	.off = offsetof(T, m), .size = sizeof(((T *)0)->m), __VA_ARGS__ }
#define FIELD_FN(n, f, ...) { .name = (n), .kind = F_FUNC, .fn = (f), __VA_ARGS__ }
/* File scope only: the table is a compound literal. */
#define FIELD_ENUM(T, n, k, m, tbl, w, ...) FIELD(T, n, k, m, \
	.names = &(const struct name_table){ (tbl), ARRAY_SIZE(tbl), (w) }, __VA_ARGS__)
#define HAS(T, m) (offsetof(T, m) + 1)

/*
 * Fill base from the object j by the table.  Keys not in the table are
 * ignored (the runtime-spec requires it); a JSON null counts as absent,
 * since Go writes nil pointers that way when omitempty is missing.
 */
int parse_fields(struct ctx *c, const cJSON *j, void *base,
		 const struct field *f, size_t n);

/* tables.c */

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
extern const struct name_val spec_sched_policies[7];
extern const struct name_val spec_sched_flags[7];
extern const struct name_val spec_ioprio_classes[3];
extern const struct name_val spec_personalities[2];

enum mnt_opt_kind {
	MNT_SET,	/* set flag */
	MNT_CLEAR,	/* clear flag */
	MNT_PROP,	/* propagation type */
	MNT_BIND,	/* bind or rbind */
	MNT_RATTR,	/* recursive attribute, applied by mount/ with mount_setattr */
	MNT_KEEP,	/* kept in options for mount/ (idmap, tmpcopyup, ...);
			 * mount/check.c refuses all but idmap and ridmap */
};

struct mnt_opt {
	const char *name;
	enum mnt_opt_kind kind;
	unsigned long flag;
};

const struct mnt_opt *mnt_opt_find(const char *name);
/* The i-th mount option keel applies (not MNT_KEEP), NULL past the end. */
const char *mnt_opt_applied(size_t i);

/* process.c, linux.c, resources.c, seccomp.c, parse.c */
int parse_process(struct ctx *c, const cJSON *j, void *base);
int parse_linux(struct ctx *c, const cJSON *j, void *base);
int parse_resources(struct ctx *c, const cJSON *j, void *base);
int parse_seccomp(struct ctx *c, const cJSON *j, void *base);
int parse_idmaps(struct ctx *c, const cJSON *j, struct spec_idmap **out, size_t *n);
int parse_mount_options(struct ctx *c, struct spec_mount *m);

#endif
