// SPDX-License-Identifier: MIT
/*
 * cg/: resource usage for "keel events" (CONFIG_EVENTS), read the way runc
 * reads it so that the numbers mean the same: v1 (and hybrid hosts) from
 * each controller's hierarchy, v2 from the one directory.  A missing file
 * (controller not mounted or not enabled, no swap accounting, an older
 * kernel) leaves its fields 0: stats report what there is, they do not fail.
 */
#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cg/cg-internal.h"
#include "lib/cleanup.h"
#include "lib/util.h"

const char *const cg_cpuset_flags[CG_CPUSET_FLAGS] = {
	"cpu_exclusive", "mem_hardwall", "mem_exclusive", "memory_migrate",
	"memory_spread_page", "memory_spread_slab", "memory_pressure",
	"sched_load_balance", "sched_relax_domain_level",
};

static char *slurp(const char *dir, const char *file)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	struct err ignored;
	char *buf = NULL;

	return read_file(p, &buf, NULL, &ignored) ? NULL : buf;
}

/* "max" is UINT64_MAX; "-1" (cpuset.sched_relax_domain_level) wraps as in C */
static uint64_t parse_num(const char *s)
{
	return str_has_prefix(s, "max") ? UINT64_MAX : strtoull(s, NULL, 10);
}

static bool num_at(const char *dir, const char *file, uint64_t *v)
{
	_cleanup_free_ char *s = slurp(dir, file);

	if (s)
		*v = parse_num(s);
	return s != NULL;
}

static uint64_t num(const char *dir, const char *file)
{
	uint64_t v = 0;

	num_at(dir, file, &v);
	return v;
}

static void push(struct cg_u64s *l, uint64_t v)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = v;
}

/* Cut the next line off *s (NULL at the end). */
static char *next_line(char **s)
{
	char *l = *s;

	if (!l || !*l)
		return NULL;
	*s = l + strcspn(l, "\n");
	if (**s)
		*(*s)++ = '\0';
	return l;
}

/* fn(arg, key, value) for each "key value" line of dir/file; false if unreadable. */
typedef void kv_fn(void *arg, const char *key, uint64_t val);

static bool each_kv(const char *dir, const char *file, kv_fn *fn, void *arg)
{
	_cleanup_free_ char *buf = slurp(dir, file);
	char *s = buf, *l, *sp;

	while ((l = next_line(&s))) {
		sp = strchr(l, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		fn(arg, l, parse_num(sp + 1));
	}
	return buf != NULL;
}

/* Keyed-file lines that land in a field of struct cg_stats, times mul. */
struct field {
	const char *key;
	unsigned short off;
	unsigned int mul;
};
#define FIELD(k, m, x) { k, offsetof(struct cg_stats, m), x }

struct fields {
	struct cg_stats *st;
	const struct field *f;
	size_t n;
};

static void set_field(void *arg, const char *key, uint64_t v)
{
	struct fields *fs = arg;

	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(key, fs->f[i].key))
			*(uint64_t *)((char *)fs->st + fs->f[i].off) = v * fs->f[i].mul;
}

static void read_fields(struct cg_stats *st, const char *dir, const char *file,
			const struct field *f, size_t n)
{
	struct fields fs = { st, f, n };

	each_kv(dir, file, set_field, &fs);
}

/* cpu.stat of v2, and of v1's cpu controller (which has no usage) */
static const struct field cpu_stat[] = {
	FIELD("usage_usec", cpu.total, 1000),
	FIELD("user_usec", cpu.user, 1000),
	FIELD("system_usec", cpu.kernel, 1000),
	FIELD("nr_periods", cpu.periods, 1),
	FIELD("nr_throttled", cpu.throttled_periods, 1),
	FIELD("throttled_usec", cpu.throttled_time, 1000),
	FIELD("throttled_time", cpu.throttled_time, 1),
};

/* cpuacct.stat counts USER_HZ ticks, 100 a second on every Linux ABI */
static const struct field cpuacct_v1[] = {
	FIELD("user", cpu.user, 10000000),
	FIELD("system", cpu.kernel, 10000000),
};

/*
 * A zeroed element, named, at its place in an array kept sorted by name
 * (the first member of both element types): runc prints Go maps, which
 * come out sorted by key.
 */
static void *insert_named(void *arr, size_t *n, size_t size, const char *name, size_t len)
{
	char *a = *(char **)arr = xrealloc(*(char **)arr, (*n + 1) * size);
	size_t i = 0;

	while (i < *n && strcmp(a + i * size, name) < 0)
		i++;
	a += i * size;
	memmove(a + size, a, (*n - i) * size);
	memset(a, 0, size);
	snprintf(a, len, "%s", name);
	(*n)++;
	return a;
}

static void add_raw(void *arg, const char *key, uint64_t v)
{
	struct cg_stats *st = arg;
	struct cg_stat_kv *kv = insert_named(&st->memory.raw, &st->memory.n_raw, sizeof(*kv), key,
					     sizeof(kv->key));

	kv->val = v;
}

/* memory.stat as "raw"; cache is its "cache" (v1) or "file" (v2) line. */
static void read_raw(struct cg_stats *st, const char *dir, const char *cache)
{
	each_kv(dir, "memory.stat", add_raw, st);
	for (size_t i = 0; i < st->memory.n_raw; i++)
		if (!strcmp(st->memory.raw[i].key, cache))
			st->memory.cache = st->memory.raw[i].val;
}

static void add_blkio(struct cg_blkio_list *l, uint64_t major, uint64_t minor, const char *op,
		      size_t oplen, uint64_t val)
{
	struct cg_blkio_entry *b;

	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	b = &l->v[l->n++];
	*b = (struct cg_blkio_entry){ .major = major, .minor = minor, .value = val };
	snprintf(b->op, sizeof(b->op), "%.*s", (int)oplen, op);
}

/* Parse "maj:min" at *s; false for anything else ("Total 123"). */
static bool parse_dev(char **s, uint64_t *major, uint64_t *minor)
{
	char *end;

	*major = strtoull(*s, &end, 10);
	if (end == *s || *end != ':')
		return false;
	*minor = strtoull(end + 1, s, 10);
	return true;
}

/* hugepages-2048kB -> "2MB", as runc names the sizes */
static bool page_size(const char *dirent, char *out, size_t len)
{
	static const char units[][3] = { "KB", "MB", "GB", "TB" };
	unsigned long long kb;
	unsigned int u = 0;
	char *end;

	if (!str_has_prefix(dirent, "hugepages-"))
		return false;
	kb = strtoull(dirent + 10, &end, 10);
	if (strcmp(end, "kB"))
		return false;
	while (kb >= 1024 && !(kb % 1024) && u < 3) {
		kb /= 1024;
		u++;
	}
	snprintf(out, len, "%llu%s", kb, units[u]);
	return true;
}

struct keyed {
	const char *key;
	uint64_t val;
	bool found;
};

static void find_key(void *arg, const char *key, uint64_t v)
{
	struct keyed *k = arg;

	if (!strcmp(key, k->key)) {
		k->val = v;
		k->found = true;
	}
}

static bool keyed(const char *dir, const char *file, const char *key, uint64_t *v)
{
	struct keyed k = { key, 0, false };

	each_kv(dir, file, find_key, &k);
	*v = k.val;
	return k.found;
}

/* v1: hugetlb.<size>.usage_in_bytes ...; v2: hugetlb.<size>.current, .events "max" */
static void read_hugetlb(struct cg_stats *st, const char *dir, bool v2)
{
	DIR *d = opendir("/sys/kernel/mm/hugepages");
	struct dirent *de;
	char size[16], f[64];

	while (d && (de = readdir(d))) {
		struct cg_hugetlb_stat *h;
		uint64_t usage;

		if (!page_size(de->d_name, size, sizeof(size)))
			continue;
		snprintf(f, sizeof(f), "hugetlb.%s.%s", size, v2 ? "current" : "usage_in_bytes");
		if (!num_at(dir, f, &usage))
			continue;
		h = insert_named(&st->hugetlb, &st->n_hugetlb, sizeof(*h), size, sizeof(h->size));
		h->usage = usage;
		if (v2) {
			snprintf(f, sizeof(f), "hugetlb.%s.events", size);
			keyed(dir, f, "max", &h->failcnt);
		} else {
			snprintf(f, sizeof(f), "hugetlb.%s.max_usage_in_bytes", size);
			h->max = num(dir, f);
			snprintf(f, sizeof(f), "hugetlb.%s.failcnt", size);
			h->failcnt = num(dir, f);
		}
	}
	if (d)
		closedir(d);
}

/* pids.current and pids.max; without the controller, the processes listed. */
static void read_pids(struct cg_stats *st, const char *dir, const char *procs)
{
	_cleanup_free_ char *buf = NULL;

	if (dir && num_at(dir, "pids.current", &st->pids.current)) {
		st->pids.limit = num(dir, "pids.max");
		if (st->pids.limit == UINT64_MAX)
			st->pids.limit = 0;
		return;
	}
	buf = slurp(procs, "cgroup.procs");
	for (char *s = buf; s && *s; s++)
		st->pids.current += *s == '\n';
}

static void v2_memory(struct cg_stats *st, const char *dir)
{
	struct cg_mem_entry *m = &st->memory.entry[CG_MEM_USAGE];
	struct cg_mem_entry *sw = &st->memory.entry[CG_MEM_SWAP];

	if (!num_at(dir, "memory.current", &m->usage))
		return;
	m->limit = num(dir, "memory.max");
	m->max = num(dir, "memory.peak");
	/* v1 counts swap as memory + swap: runc reports v2 the same way */
	sw->usage = num(dir, "memory.swap.current") + m->usage;
	sw->limit = num(dir, "memory.swap.max");
	/* "max" stays max (runc's sum would wrap) */
	if (sw->limit != UINT64_MAX)
		sw->limit = m->limit == UINT64_MAX ? m->limit : sw->limit + m->limit;
	read_raw(st, dir, "file");
}

static void v2_io(struct cg_stats *st, const char *dir)
{
	_cleanup_free_ char *buf = slurp(dir, "io.stat");
	char *s = buf, *l;
	uint64_t major, minor;

	/* "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" */
	while ((l = next_line(&s))) {
		if (!parse_dev(&l, &major, &minor))
			continue;
		for (char *w = strtok(l, " "); w; w = strtok(NULL, " ")) {
			char *eq = strchr(w, '=');
			size_t k = eq ? (size_t)(eq - w) : 0;
			struct cg_blkio_list *list;

			if (w[0] != 'r' && w[0] != 'w')
				continue;
			if (k == 4 && !strncmp(w + 1, "ios", 3))
				list = &st->blkio.ios;
			else if (k == 6 && !strncmp(w + 1, "bytes", 5))
				list = &st->blkio.bytes;
			else
				continue;
			add_blkio(list, major, minor, w[0] == 'r' ? "Read" : "Write", 5,
				  strtoull(eq + 1, NULL, 10));
		}
	}
}

static void v2_stats(struct cg_stats *st, const char *dir)
{
	read_fields(st, dir, "cpu.stat", cpu_stat, ARRAY_SIZE(cpu_stat));
	v2_memory(st, dir);
	read_pids(st, dir, dir);
	v2_io(st, dir);
	read_hugetlb(st, dir, true);
}

/* "1 2 3" (cpuacct.usage_percpu) or "0-3,8" (cpuset.cpus) */
static void read_list(const char *dir, const char *file, struct cg_u64s *l)
{
	_cleanup_free_ char *buf = slurp(dir, file);
	char *end;

	for (char *s = buf; s && *s >= '0' && *s <= '9'; s = end + strspn(end, ", ")) {
		uint64_t a = strtoull(s, &end, 10), b = a;

		if (*end == '-')
			b = strtoull(end + 1, &end, 10);
		for (; a <= b && l->n < 65536; a++)
			push(l, a);
	}
}

/* cpuacct.usage_all: a header, then "cpu user system" per cpu */
static void read_usage_all(struct cg_stats *st, const char *dir)
{
	_cleanup_free_ char *buf = slurp(dir, "cpuacct.usage_all");
	char *s = buf, *l, *end;

	next_line(&s);
	while ((l = next_line(&s))) {
		strtoull(l, &end, 10);
		push(&st->cpu.percpu_user, strtoull(end, &end, 10));
		push(&st->cpu.percpu_kernel, strtoull(end, &end, 10));
	}
}

static void v1_cpuacct(struct cg_stats *st, const char *dir)
{
	st->cpu.total = num(dir, "cpuacct.usage");
	read_list(dir, "cpuacct.usage_percpu", &st->cpu.percpu);
	read_usage_all(st, dir);
	read_fields(st, dir, "cpuacct.stat", cpuacct_v1, ARRAY_SIZE(cpuacct_v1));
}

static void v1_cpuset(struct cg_stats *st, const char *dir)
{
	char f[48];

	read_list(dir, "cpuset.cpus", &st->cpuset.cpus);
	read_list(dir, "cpuset.mems", &st->cpuset.mems);
	for (int i = 0; i < CG_CPUSET_FLAGS; i++) {
		snprintf(f, sizeof(f), "cpuset.%s", cg_cpuset_flags[i]);
		st->cpuset.flags[i] = (int64_t)num(dir, f);
	}
}

static void v1_memory(struct cg_stats *st, const char *dir)
{
	static const char *const pfx[CG_MEM_N] = {
		[CG_MEM_USAGE] = "memory", [CG_MEM_SWAP] = "memory.memsw",
		[CG_MEM_KERNEL] = "memory.kmem", [CG_MEM_KERNEL_TCP] = "memory.kmem.tcp",
	};
	char f[64];

	for (int i = 0; i < CG_MEM_N; i++) {
		struct cg_mem_entry *m = &st->memory.entry[i];

		snprintf(f, sizeof(f), "%s.usage_in_bytes", pfx[i]);
		if (!num_at(dir, f, &m->usage))
			continue;
		snprintf(f, sizeof(f), "%s.max_usage_in_bytes", pfx[i]);
		m->max = num(dir, f);
		snprintf(f, sizeof(f), "%s.failcnt", pfx[i]);
		m->failcnt = num(dir, f);
		snprintf(f, sizeof(f), "%s.limit_in_bytes", pfx[i]);
		m->limit = num(dir, f);
	}
	read_raw(st, dir, "cache");
}

/* "8:0 Read 4096" lines; false if the file has none */
static bool v1_blkio_file(struct cg_blkio_list *l, const char *dir, const char *file)
{
	_cleanup_free_ char *buf = slurp(dir, file);
	char *s = buf, *line;
	uint64_t major, minor;

	while ((line = next_line(&s))) {
		size_t n;

		if (!parse_dev(&line, &major, &minor))
			continue;
		line += strspn(line, " ");
		n = strcspn(line, " ");
		add_blkio(l, major, minor, line, n, strtoull(line + n, NULL, 10));
	}
	return l->n > 0;
}

/*
 * BFQ's counters when the device uses BFQ, else the throttle layer's,
 * which counts all I/O (CFQ's files are gone since Linux 5.0).
 */
static void v1_blkio(struct cg_stats *st, const char *dir)
{
	static const char *const pfx[] = { "blkio.bfq", "blkio.throttle" };
	char f[64];

	for (size_t i = 0; i < ARRAY_SIZE(pfx); i++) {
		snprintf(f, sizeof(f), "%s.io_serviced_recursive", pfx[i]);
		if (!v1_blkio_file(&st->blkio.ios, dir, f))
			continue;
		snprintf(f, sizeof(f), "%s.io_service_bytes_recursive", pfx[i]);
		v1_blkio_file(&st->blkio.bytes, dir, f);
		return;
	}
}

static void v1_stats(struct cg_stats *st, const char *path, const char *procs)
{
	static const char *const ctl[] = { "cpuacct", "cpu", "cpuset", "memory", "pids", "blkio",
					   "hugetlb" };
	char *dir[ARRAY_SIZE(ctl)];

	for (size_t i = 0; i < ARRAY_SIZE(ctl); i++)
		dir[i] = v1_dir(ctl[i], path);
	if (dir[0])
		v1_cpuacct(st, dir[0]);
	if (dir[1])
		read_fields(st, dir[1], "cpu.stat", cpu_stat, ARRAY_SIZE(cpu_stat));
	if (dir[2])
		v1_cpuset(st, dir[2]);
	if (dir[3])
		v1_memory(st, dir[3]);
	read_pids(st, dir[4], procs);
	if (dir[5])
		v1_blkio(st, dir[5]);
	if (dir[6])
		read_hugetlb(st, dir[6], false);
	for (size_t i = 0; i < ARRAY_SIZE(ctl); i++)
		free(dir[i]);
}

void cg_stats_free(struct cg_stats *st)
{
	free(st->cpu.percpu.v);
	free(st->cpu.percpu_kernel.v);
	free(st->cpu.percpu_user.v);
	free(st->cpuset.cpus.v);
	free(st->cpuset.mems.v);
	free(st->memory.raw);
	free(st->blkio.bytes.v);
	free(st->blkio.ios.v);
	free(st->hugetlb);
	memset(st, 0, sizeof(*st));
}

int cg_stats(struct cg *cg, struct cg_stats *st, struct err *e)
{
	_cleanup_free_ char *dir = cg->drv->procs_dir(cg);

	memset(st, 0, sizeof(*st));
	if (!dir)
		return err_set(e, ENOTSUP, "the container has no cgroup of its own (%s host, "
			       "driver %s): no stats", cg_kind_name(cg->host), cg->drv->name);
	if (access(dir, F_OK) < 0)
		return err_sys(e, errno, "cgroup %s", dir);
	if (cg->host == CG_V2)
		v2_stats(st, dir);
	else if (IS_ENABLED(CONFIG_CGROUP_V1))
		v1_stats(st, cg->path, dir);
	return 0;
}

bool cg_oom_kills(struct cg *cg, uint64_t *n)
{
	_cleanup_free_ char *dir = NULL;

	if (cg->host == CG_V2) {
		dir = cg->drv->procs_dir(cg);
		return dir && keyed(dir, "memory.events", "oom_kill", n);
	}
	/* v1 compiled out is the only way to the "none" driver on a v1 host */
	if (!IS_ENABLED(CONFIG_CGROUP_V1))
		return false;
	dir = v1_dir("memory", cg->path);
	/* "oom_kill N" since Linux 4.13 */
	return dir && keyed(dir, "memory.oom_control", "oom_kill", n);
}
