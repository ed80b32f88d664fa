// SPDX-License-Identifier: MIT
/*
 * config.json top level: root, mounts, hooks, annotations, and the checks
 * that span several sections.  process.c, linux.c and seccomp.c do the
 * rest; all of them fill one arena.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "spec/spec-internal.h"

typedef __typeof__(((struct spec *)0)->root) spec_root;

/* A number without leading zeros; returns the end, or NULL. */
static const char *semver_num(const char *s)
{
	if (*s == '0')
		return s + 1;
	if (*s < '1' || *s > '9')
		return NULL;
	return s + strspn(s, "0123456789");
}

/* Dot-separated non-empty [0-9A-Za-z-] identifiers up to the end or stop. */
static const char *semver_ids(const char *s, char stop)
{
	static const char id_chars[] = "0123456789abcdefghijklmnopqrstuvwxyz"
				       "ABCDEFGHIJKLMNOPQRSTUVWXYZ-";

	for (;;) {
		size_t n = strspn(s, id_chars);

		if (!n)
			return NULL;
		s += n;
		if (*s != '.')
			return !*s || *s == stop ? s : NULL;
		s++;
	}
}

/* SemVer 2.0.0: MAJOR.MINOR.PATCH[-prerelease][+build] */
static bool is_semver(const char *s)
{
	for (int i = 0; i < 3; i++) {
		s = semver_num(s);
		if (!s || (i < 2 && *s++ != '.'))
			return false;
	}
	if (*s == '-')
		s = semver_ids(s + 1, '+');
	if (s && *s == '+')
		s = semver_ids(s + 1, '\0');
	return s && !*s;
}

static int oci_version(struct ctx *c, const cJSON *j, void *base)
{
	struct spec *s = base;
	int r = get_str(c, j, &s->oci_version);

	if (r == 0 && !is_semver(s->oci_version))
		return fail(c, "must be a SemVer 2.0.0 version like \"1.2.0\"");
	return r;
}

static int root_path(struct ctx *c, const cJSON *j, void *base)
{
	spec_root *root = base;
	int r = get_str(c, j, &root->path);

	if (r == 0 && !*root->path)
		return fail(c, "must not be empty");
	return r;
}

static const struct field root_fields[] = {
	FIELD_FN("path", root_path, .req = true),
	FIELD(spec_root, "readonly", F_BOOL, readonly),
};

static int parse_root(struct ctx *c, const cJSON *j, void *base)
{
	struct spec *s = base;

	return parse_fields(c, j, &s->root, root_fields, ARRAY_SIZE(root_fields));
}

static int parse_idmap(struct ctx *c, const cJSON *j, void *elem)
{
	static const struct field f[] = {
		FIELD(struct spec_idmap, "containerID", F_INT, container_id,
		      .req = true, .range = R_U32),
		FIELD(struct spec_idmap, "hostID", F_INT, host_id,
		      .req = true, .range = R_U32),
		FIELD(struct spec_idmap, "size", F_INT, size,
		      .req = true, .range = R_U32),
	};

	return parse_fields(c, j, elem, f, ARRAY_SIZE(f));
}

int parse_idmaps(struct ctx *c, const cJSON *j, struct spec_idmap **out, size_t *n)
{
	return parse_array(c, j, sizeof(**out), parse_idmap, (void **)out, n);
}

static int mount_uid_maps(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_mount *m = base;

	return parse_idmaps(c, j, &m->uid_mappings, &m->n_uid_mappings);
}

static int mount_gid_maps(struct ctx *c, const cJSON *j, void *base)
{
	struct spec_mount *m = base;

	return parse_idmaps(c, j, &m->gid_mappings, &m->n_gid_mappings);
}

static const struct field mount_fields[] = {
	FIELD(struct spec_mount, "destination", F_ABSPATH, destination, .req = true),
	FIELD(struct spec_mount, "type", F_STR, type),
	FIELD(struct spec_mount, "source", F_STR, source),
	FIELD(struct spec_mount, "options", F_STRV, options),
	FIELD_FN("uidMappings", mount_uid_maps),
	FIELD_FN("gidMappings", mount_gid_maps),
};

/* Append opt to the comma-separated data string being built. */
static void data_add(struct ctx *c, char **data, const char *opt)
{
	size_t old = *data ? strlen(*data) : 0, n = strlen(opt);
	char *d = arena_alloc(c->a, old + n + 2);

	if (old) {
		memcpy(d, *data, old);
		d[old++] = ',';
	}
	memcpy(d + old, opt, n + 1);
	*data = d;
}

int parse_mount_options(struct ctx *c, struct spec_mount *m)
{
	for (char **o = m->options; o && *o; o++) {
		const struct mnt_opt *opt = mnt_opt_find(*o);

		if (!opt) {
			data_add(c, &m->data, *o);
			continue;
		}
		switch (opt->kind) {
		case MNT_SET:
			m->flags |= opt->flag;
			break;
		case MNT_CLEAR:
			m->flags &= ~opt->flag;
			break;
		case MNT_PROP:
			/* mount(2) takes one propagation type per call: last wins. */
			m->propagation = opt->flag;
			break;
		case MNT_BIND:
			m->flags |= opt->flag;
			m->bind = true;
			m->recursive |= !!(opt->flag & MS_REC);
			break;
		case MNT_RATTR:
		case MNT_KEEP:
			break;
		}
	}
	return 0;
}

static int parse_mount(struct ctx *c, const cJSON *j, void *elem)
{
	int r = parse_fields(c, j, elem, mount_fields, ARRAY_SIZE(mount_fields));

	return r < 0 ? r : parse_mount_options(c, elem);
}

static int parse_mounts(struct ctx *c, const cJSON *j, void *base)
{
	struct spec *s = base;

	return parse_array(c, j, sizeof(*s->mounts), parse_mount,
			   (void **)&s->mounts, &s->n_mounts);
}

static const struct field hook_fields[] = {
	FIELD(struct spec_hook, "path", F_ABSPATH, path, .req = true),
	FIELD(struct spec_hook, "args", F_STRV, args),
	FIELD(struct spec_hook, "env", F_STRV, env),
	FIELD(struct spec_hook, "timeout", F_INT, timeout,
	      .has = HAS(struct spec_hook, has_timeout), .range = R_TIMEOUT),
};

static int parse_hook(struct ctx *c, const cJSON *j, void *elem)
{
	return parse_fields(c, j, elem, hook_fields, ARRAY_SIZE(hook_fields));
}

static int parse_hooks(struct ctx *c, const cJSON *j, void *base)
{
	struct spec *s = base;
	struct spec_hooks *h = arena_alloc(c->a, sizeof(*h));
	int r = get_object(c, j);

	for (int k = 0; r == 0 && k < SPEC_HOOK_COUNT; k++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, spec_hook_names[k]);
		size_t old;

		if (!v || cJSON_IsNull(v))
			continue;
		old = path_key(c, spec_hook_names[k]);
		r = parse_array(c, v, sizeof(*h->list[k]), parse_hook,
				(void **)&h->list[k], &h->count[k]);
		if (r == 0)
			path_pop(c, old);
	}
	s->hooks = h;
	return r;
}

static int parse_annotations(struct ctx *c, const cJSON *j, void *base)
{
	struct spec *s = base;
	int r = parse_kv(c, j, &s->annotations, &s->n_annotations);

	/* "Keys MUST be non-empty strings." */
	for (size_t i = 0; r == 0 && i < s->n_annotations; i++)
		if (!s->annotations[i].key[0])
			return fail(c, "keys must not be empty");
	return r;
}

static const struct field spec_fields[] = {
	FIELD_FN("ociVersion", oci_version, .req = true),
	/* Optional for other platforms, REQUIRED on Linux. */
	FIELD_FN("root", parse_root, .req = true),
	FIELD_FN("mounts", parse_mounts),
	FIELD_FN("process", parse_process),
	FIELD(struct spec, "hostname", F_STR, hostname),
	FIELD(struct spec, "domainname", F_STR, domainname),
	FIELD_FN("hooks", parse_hooks),
	FIELD_FN("annotations", parse_annotations),
	FIELD_FN("linux", parse_linux),
};

/* The runtime-spec: "MUST generate an error if ... set and a new UTS
 * namespace is not requested" (joining one by path is not new). */
static int check_uts(struct ctx *c, const struct spec *s)
{
	const struct spec_ns *ns = spec_ns_find(s, SPEC_NS_UTS);
	bool new_uts = ns && !ns->path;

	if (s->hostname && *s->hostname && !new_uts)
		return err_set(c->e, EINVAL, "hostname: requires a new uts namespace");
	if (s->domainname && *s->domainname && !new_uts)
		return err_set(c->e, EINVAL, "domainname: requires a new uts namespace");
	return 0;
}

/* Mappings only mean something to a user namespace we make or join. */
static int check_userns(struct ctx *c, const struct spec *s)
{
	if (spec_ns_find(s, SPEC_NS_USER))
		return 0;
	if (s->linux.n_uid_mappings)
		return err_set(c->e, EINVAL, "linux.uidMappings: requires a user namespace");
	if (s->linux.n_gid_mappings)
		return err_set(c->e, EINVAL, "linux.gidMappings: requires a user namespace");
	return 0;
}

/* Devices move into a network namespace of the container's own. */
static int check_netdevices(struct ctx *c, const struct spec *s)
{
	if (s->linux.has_net_devices && !spec_ns_find(s, SPEC_NS_NETWORK))
		return err_set(c->e, EINVAL, "linux.netDevices: requires a network namespace");
	return 0;
}

static int parse_spec(struct ctx *c, const cJSON *root, struct spec *s)
{
	if (!cJSON_IsObject(root))
		return err_set(c->e, EINVAL, "not a JSON object");
	return json_check_sizes(c, root) ?:
	       parse_fields(c, root, s, spec_fields, ARRAY_SIZE(spec_fields)) ?:
	       check_uts(c, s) ?: check_userns(c, s) ?: check_netdevices(c, s);
}

/*
 * cJSON stops at the end of the value; anything but blanks after it is
 * bad.  A NUL ends the text, for callers that count the terminator.
 */
static size_t trailing_garbage(const char *json, size_t len, const char *end)
{
	size_t off = (size_t)(end - json);

	while (off < len && json[off] && strchr(" \t\r\n", json[off]))
		off++;
	return off < len && json[off] ? off : 0;
}

bool spec_parse_json(const char *json, size_t len, cJSON **root, struct err *e)
{
	const char *end = NULL;
	size_t bad;

	if (len > SPEC_MAX_SIZE) {
		err_set(e, EFBIG, "larger than %u bytes", SPEC_MAX_SIZE);
		return false;
	}
	if (json_prescan(json, len, e) < 0)
		return false;
	json_init();
	*root = cJSON_ParseWithLengthOpts(json, len, &end, false);
	if (!*root) {
		bad = end && end >= json ? (size_t)(end - json) : 0;
		err_set(e, EINVAL, "not valid JSON near byte %zu", bad < len ? bad : len);
		return false;
	}
	bad = trailing_garbage(json, len, end);
	if (bad) {
		err_set(e, EINVAL, "not valid JSON near byte %zu", bad);
		return false;
	}
	json_keep_number_text(*root, json, (size_t)(end - json));
	return true;
}

/* JSON text to a spec in its own arena, fn filling it from the root. */
static struct spec *parse_top(const char *json, size_t len,
			      int (*fn)(struct ctx *c, const cJSON *j, void *base), struct err *e)
{
	_cleanup_json_ cJSON *root = NULL;
	struct arena *a;
	struct spec *s;
	struct ctx c = { .e = e };

	if (!spec_parse_json(json, len, &root, e))
		return NULL;
	a = arena_new();
	s = arena_alloc(a, sizeof(*s));
	s->arena = a;
	c.a = a;
	if (fn(&c, root, s) < 0) {
		arena_free(a);
		return NULL;
	}
	return s;
}

static int parse_spec_root(struct ctx *c, const cJSON *j, void *base)
{
	return parse_spec(c, j, base);
}

struct spec *spec_parse(const char *json, size_t len, struct err *e)
{
	return parse_top(json, len, parse_spec_root, e);
}

int spec_read(const char *path, char **json, size_t *len, struct err *e)
{
	/* A fifo without a writer reads as empty instead of blocking create. */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return err_sys(e, errno, "open %s", path);
	/* Refuse early what stat already knows; the read bound covers the rest
	 * (a file growing meanwhile, a fifo, /proc). */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > SPEC_MAX_SIZE)
		return err_set(e, EFBIG, "larger than %u bytes", SPEC_MAX_SIZE);
	buf = xmalloc(SPEC_MAX_SIZE + 2);
	n = read_all(fd, buf, SPEC_MAX_SIZE + 1);
	if (n < 0)
		return err_sys(e, errno, "read %s", path);
	if ((size_t)n > SPEC_MAX_SIZE)
		return err_set(e, EFBIG, "larger than %u bytes", SPEC_MAX_SIZE);
	buf[n] = '\0';
	*json = xrealloc(steal_ptr(&buf), (size_t)n + 1);
	*len = (size_t)n;
	return 0;
}

struct spec *spec_load(const char *bundle, struct err *e)
{
	_cleanup_free_ char *path = xasprintf("%s/config.json", bundle);
	_cleanup_free_ char *buf = NULL;
	struct spec *s;
	size_t len;

	if (spec_read(path, &buf, &len, e) < 0) {
		err_wrap(e, "config.json");
		return NULL;
	}
	s = spec_parse(buf, len, e);
	if (!s)
		err_wrap(e, "config.json");
	return s;
}

void spec_free(struct spec *s)
{
	/* s lives in its own arena. */
	if (s)
		arena_free(s->arena);
}

const struct spec_ns *spec_ns_find(const struct spec *s, enum spec_ns_type t)
{
	for (size_t i = 0; i < s->linux.n_namespaces; i++)
		if (s->linux.namespaces[i].type == t)
			return &s->linux.namespaces[i];
	return NULL;
}

const char *spec_ns_name(enum spec_ns_type t)
{
	return (unsigned int)t < SPEC_NS_COUNT ? spec_ns_names[t] : NULL;
}

static int parse_process_root(struct ctx *c, const cJSON *j, void *base)
{
	int r = get_object(c, j);

	return r < 0 ? r : parse_process(c, j, base);
}

/* exec --process: one process object, checked as process.* in a config. */
struct spec *spec_parse_process(const char *json, size_t len, struct err *e)
{
	return parse_top(json, len, parse_process_root, e);
}

static int parse_resources_root(struct ctx *c, const cJSON *j, void *base)
{
	struct spec *s = base;

	path_key(c, "linux");
	path_key(c, "resources");
	return parse_resources(c, j, &s->linux);
}

/* update --resources: one linux.resources object, checked as in a config. */
struct spec *spec_parse_resources(const char *json, size_t len, struct err *e)
{
	return parse_top(json, len, parse_resources_root, e);
}

int spec_cap_number(const char *name)
{
	return name_index(spec_cap_names, spec_n_caps, name);
}
