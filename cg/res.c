// SPDX-License-Identifier: MIT
/*
 * linux.resources into cgroup files, for v1 (one directory per controller)
 * and v2 (one directory) alike; devices are cg/devices.c's.  Values and
 * order are runc's: 0 leaves most settings unset, -1 is unlimited.  Files
 * that constrain each other (memory and memory+swap, CFS period, quota and
 * burst, RT period and runtime) go in one list: one the kernel refuses
 * with EINVAL against the old value of a later one is tried again after
 * the others, so raising and lowering both work in a single update.
 * The controllers exist: cg_check() asked before anything was made.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cg/cg-internal.h"
#include "lib/cleanup.h"
#include "lib/util.h"

#define JP "linux.resources."

struct list {
	unsigned int n;
	struct {
		const char *file, *jp;	/* jp: the JSON path under linux.resources */
		const char *s;		/* the value as is, or NULL: v */
		int64_t v;
	} it[7];
};

static void add(struct list *l, bool set, const char *file, const char *jp, int64_t v)
{
	if (set)
		l->it[l->n++] = (typeof(l->it[0])){ file, jp, NULL, v };
}

/* v2 (and pids.max) spell -1 "max" */
static void fmt(char val[24], int64_t v, bool max)
{
	if (v < 0 && max)
		strcpy(val, "max");
	else
		snprintf(val, 24, "%lld", (long long)v);
}

static int put_list(const char *dir, const struct list *l, bool max, struct err *e)
{
	unsigned int again = 0;
	char val[24];

	for (int pass = 0; pass < 2; pass++) {
		for (unsigned int i = 0; i < l->n; i++) {
			int rc;

			if (pass && !(again >> i & 1))
				continue;
			fmt(val, l->it[i].v, max);
			rc = cg_write(dir, l->it[i].file, l->it[i].s ? l->it[i].s : val, e);
			if (rc == -EINVAL && !pass) {
				again |= 1u << i;
				continue;
			}
			if (rc)
				return err_wrap(e, JP "%s", l->it[i].jp);
		}
	}
	return 0;
}

static int putf(const char *dir, const char *file, struct err *e, const char *jp, size_t i,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* One formatted write; errors name jp, or jp[i] for i != -1. */
static int putf(const char *dir, const char *file, struct err *e, const char *jp, size_t i,
		const char *f, ...)
{
	_cleanup_free_ char *val = NULL;
	va_list ap;
	int n;

	va_start(ap, f);
	n = vasprintf(&val, f, ap);
	va_end(ap);
	if (n < 0)
		abort();
	if (!cg_write(dir, file, val, e))
		return 0;
	return i == (size_t)-1 ? err_wrap(e, JP "%s", jp) : err_wrap(e, JP "%s[%zu]", jp, i);
}

/* Does r set a field of v1 controller ctl (cg.c's table)? */
static bool needs(const struct spec_resources *r, const char *ctl)
{
	const char *v1, *v2, *jp;

	for (size_t i = 0; cg_field(r, &i, &v1, &v2, &jp); )
		if (!strcmp(v1, ctl))
			return true;
	return false;
}

static bool has_file(const char *dir, const char *file)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);

	return access(p, F_OK) == 0;
}

/* The directory of controller ctl; NULL with e set if it is not mounted. */
static char *dir_for(const struct cg_res *x, const char *ctl, struct err *e)
{
	char *d = NULL;

	if (x->dir)
		return xstrdup(x->dir);
	if (IS_ENABLED(CONFIG_CGROUP_V1))
		d = v1_dir(ctl, x->path);
	if (!d)
		err_set(e, ENOTSUP, "cgroup v1: no %s controller mounted", ctl);
	return d;
}

/* memory.checkBeforeUpdate: no limit at or below what is in use now */
static int check_usage(const char *dir, bool v2, int64_t limit, int64_t swap, struct err *e)
{
	int64_t use;

	/* best effort, as runc: nothing to compare with, nothing refused */
	if (!cg_read_num(dir, v2 ? "memory.current" : "memory.usage_in_bytes", &use))
		return 0;
	if (swap <= 0 || swap > use)
		swap = 0;
	if (!swap && (limit <= 0 || limit > use))
		return 0;
	return err_set(e, EBUSY, JP "memory.%s: %lld is not above the current usage %lld "
		       "(memory.checkBeforeUpdate)", swap ? "swap" : "limit",
		       (long long)(swap ? swap : limit), (long long)use);
}

/*
 * keel update with a new limit but no word on swap keeps memory + swap as
 * it was, as v1's memsw file does by itself and runc does from its state.
 */
static int64_t old_total(const char *dir)
{
	int64_t max, sw;

	if (!cg_read_num(dir, "memory.max", &max) || !cg_read_num(dir, "memory.swap.max", &sw) ||
	    max < 0 || sw < 0)
		return 0;
	return max + sw;
}

static int memory(const struct cg_res *x, const struct spec_resources *r, struct list *l,
		  struct err *e)
{
	const struct spec_res_memory *m = &r->memory;
	_cleanup_free_ char *dir = NULL;
	int64_t limit = r->memory_limit, swap = m->swap, sw;
	const char *why;
	bool set;

	if (!needs(r, "memory"))
		return 0;
	dir = dir_for(x, "memory", e);
	if (!dir || (m->check_before_update && check_usage(dir, x->dir, limit, swap, e)))
		return -e->code;
	if (!x->dir) {
		/* runc: unlimited memory with swap unsaid makes swap unlimited too */
		if (limit == -1 && !swap && has_file(dir, "memory.memsw.limit_in_bytes"))
			swap = -1;
		add(l, limit, "memory.limit_in_bytes", "memory.limit", limit);
		add(l, swap, "memory.memsw.limit_in_bytes", "memory.swap", swap);
		add(l, m->reservation, "memory.soft_limit_in_bytes", "memory.reservation",
		    m->reservation);
		add(l, m->has_swappiness, "memory.swappiness", "memory.swappiness",
		    (int64_t)m->swappiness);
		add(l, m->disable_oom_killer, "memory.oom_control", "memory.disableOOMKiller", 1);
		add(l, m->has_use_hierarchy, "memory.use_hierarchy", "memory.useHierarchy",
		    m->use_hierarchy);
		return put_list(dir, l, false, e);
	}
	if (m->has_use_hierarchy && !m->use_hierarchy)
		return err_set(e, ENOTSUP, JP "memory.useHierarchy: cgroup v2 is always "
			       "hierarchical");
	if (x->update && !limit && swap > 0)
		cg_read_num(dir, "memory.max", &limit);
	else if (x->update && limit > 0 && !swap)
		swap = old_total(dir);
	why = cg_swap_max(swap, limit, &sw, &set);
	if (why)
		return err_set(e, EINVAL, JP "memory.swap: %s", why);
	/* without swap accounting, unlimited or no swap is what there is */
	add(l, set && (sw > 0 || has_file(dir, "memory.swap.max")), "memory.swap.max",
	    "memory.swap", sw);
	add(l, r->memory_limit, "memory.max", "memory.limit", r->memory_limit);
	add(l, m->reservation, "memory.low", "memory.reservation", m->reservation);
	return put_list(dir, l, true, e);
}

/* cpu.max as it is now: "max 100000" is quota -1, period 100000 */
static void read_cpu_max(const char *dir, int64_t *quota, uint64_t *period)
{
	_cleanup_free_ char *p = xasprintf("%s/cpu.max", dir), *buf = NULL;
	struct err ignored;
	char *sp;

	*quota = -1;
	*period = 100000;	/* the kernel's default */
	if (read_file(p, &buf, NULL, &ignored))
		return;
	if (strncmp(buf, "max", 3))
		*quota = strtoll(buf, NULL, 10);
	sp = strchr(buf, ' ');
	if (sp)
		*period = strtoull(sp + 1, NULL, 10);
}

static int cpu(const struct cg_res *x, const struct spec_resources *r, struct list *l,
	       struct err *e)
{
	const struct spec_res_cpu *c = &r->cpu;
	_cleanup_free_ char *dir = NULL;
	char max[48];
	int64_t got;

	if (!needs(r, "cpu"))
		return 0;
	dir = dir_for(x, "cpu", e);
	if (!dir)
		return -e->code;
	if (x->dir) {
		add(l, c->shares, "cpu.weight", "cpu.shares", (int64_t)cg_cpu_weight(c->shares));
		if (c->quota || c->period) {
			int64_t q;
			uint64_t p;

			/* the half not given stays (runc keeps it in its state) */
			read_cpu_max(dir, &q, &p);
			cg_cpu_max(max, sizeof(max), c->quota ? c->quota : q,
				   c->period ? c->period : p);
			add(l, true, "cpu.max", "cpu.quota", 0);
			l->it[l->n - 1].s = max;
		}
		add(l, c->has_burst, "cpu.max.burst", "cpu.burst", (int64_t)c->burst);
	} else {
		add(l, c->shares, "cpu.shares", "cpu.shares", (int64_t)c->shares);
		add(l, c->period, "cpu.cfs_period_us", "cpu.period", (int64_t)c->period);
		add(l, c->quota, "cpu.cfs_quota_us", "cpu.quota", c->quota);
		add(l, c->has_burst, "cpu.cfs_burst_us", "cpu.burst", (int64_t)c->burst);
		add(l, c->realtime_period, "cpu.rt_period_us", "cpu.realtimePeriod",
		    (int64_t)c->realtime_period);
		add(l, c->realtime_runtime, "cpu.rt_runtime_us", "cpu.realtimeRuntime",
		    c->realtime_runtime);
	}
	add(l, c->has_idle, "cpu.idle", "cpu.idle", c->idle);
	if (put_list(dir, l, x->dir, e))
		return -e->code;
	/* v1 clamps cpu.shares; say so, as runc does */
	if (x->dir || !c->shares || !cg_read_num(dir, "cpu.shares", &got) ||
	    (uint64_t)got == c->shares)
		return 0;
	return err_set(e, EINVAL, JP "cpu.shares: the %s allowed cpu-shares is %lld",
		       c->shares > (uint64_t)got ? "maximum" : "minimum", (long long)got);
}

/* v1 filled cpus and mems from the parent at mkdir; these replace them */
static int cpuset(const struct cg_res *x, const struct spec_res_cpu *c, struct err *e)
{
	_cleanup_free_ char *dir = NULL;
	bool cpus = c->cpus && *c->cpus, mems = c->mems && *c->mems;

	if (!cpus && !mems)
		return 0;
	dir = dir_for(x, "cpuset", e);
	if (!dir || (cpus && putf(dir, "cpuset.cpus", e, "cpu.cpus", -1, "%s", c->cpus)))
		return -e->code;
	return mems ? putf(dir, "cpuset.mems", e, "cpu.mems", -1, "%s", c->mems) : 0;
}

static int pids(const struct cg_res *x, const struct spec_resources *r, struct list *l,
		struct err *e)
{
	_cleanup_free_ char *dir = NULL;

	if (!r->pids_limit)
		return 0;
	dir = dir_for(x, "pids", e);
	if (!dir)
		return -e->code;
	add(l, true, "pids.max", "pids.limit", r->pids_limit);
	return put_list(dir, l, true, e);
}

static const char *const throttle[4][3] = {
	{ "throttleReadBpsDevice", "blkio.throttle.read_bps_device", "rbps=" },
	{ "throttleWriteBpsDevice", "blkio.throttle.write_bps_device", "wbps=" },
	{ "throttleReadIOPSDevice", "blkio.throttle.read_iops_device", "riops=" },
	{ "throttleWriteIOPSDevice", "blkio.throttle.write_iops_device", "wiops=" },
};

/*
 * v1: CFQ's blkio.weight, or BFQ's blkio.bfq.weight since CFQ left the
 * kernel (5.0).  v2: BFQ's io.bfq.weight on blkio's scale where BFQ is
 * loaded, else io.weight (io.cost) on its own.  v2 has no leaf weights.
 */
static int blkio_dev(const struct cg_res *x, const char *dir, const struct spec_res_block_io *b,
		     struct err *e)
{
	bool bfq = x->dir ? has_file(dir, "io.bfq.weight") : !has_file(dir, "blkio.weight");
	const char *w = x->dir ? (bfq ? "io.bfq.weight" : "io.weight") :
			(bfq ? "blkio.bfq.weight" : "blkio.weight");
	const char *wd = x->dir ? w : (bfq ? "blkio.bfq.weight_device" : "blkio.weight_device");
	uint64_t (*conv)(uint64_t) = x->dir && !bfq ? cg_io_weight : NULL;

	if (b->weight && putf(dir, w, e, "blockIO.weight", -1, "%llu",
			      (unsigned long long)(conv ? conv(b->weight) : b->weight)))
		return -e->code;
	if (b->leaf_weight && putf(dir, "blkio.leaf_weight", e, "blockIO.leafWeight", -1, "%u",
				   b->leaf_weight))
		return -e->code;
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct spec_blkio_weight_dev *d = &b->weight_device[i];
		unsigned int maj = (unsigned int)d->major, min = (unsigned int)d->minor;
		uint64_t dw = conv ? conv(d->weight) : d->weight;

		if (d->leaf_weight && x->dir)
			return err_set(e, ENOTSUP, JP "blockIO.weightDevice[%zu].leafWeight: needs "
				       "the cgroup v1 blkio controller", i);
		if ((d->weight && putf(dir, wd, e, "blockIO.weightDevice", i, "%u:%u %llu",
				       maj, min, (unsigned long long)dw)) ||
		    (d->leaf_weight && putf(dir, "blkio.leaf_weight_device", e,
					    "blockIO.weightDevice", i, "%u:%u %u", maj, min,
					    d->leaf_weight)))
			return -e->code;
	}
	for (size_t k = 0; k < 4; k++) {
		for (size_t i = 0; i < b->n_throttle[k]; i++) {
			const struct spec_blkio_throttle *t = &b->throttle[k][i];
			char rate[24] = "max";	/* v2's word for v1's 0: no limit */

			if (t->rate || !x->dir)
				snprintf(rate, sizeof(rate), "%llu", (unsigned long long)t->rate);
			if (putf(dir, x->dir ? "io.max" : throttle[k][1], e, throttle[k][0], i,
				 "%u:%u %s%s", (unsigned int)t->major, (unsigned int)t->minor,
				 x->dir ? throttle[k][2] : "", rate))
				return -e->code;
		}
	}
	return 0;
}

static int blkio(const struct cg_res *x, const struct spec_resources *r, struct err *e)
{
	const struct spec_res_block_io *b = &r->block_io;
	_cleanup_free_ char *dir = NULL;

	if (!needs(r, "blkio"))
		return 0;
	dir = dir_for(x, "blkio", e);
	return dir ? blkio_dev(x, dir, b, e) : -e->code;
}

/* hugetlb.<size>.limit_in_bytes (v1) or .max (v2), and .rsvd.* where it exists */
static int hugetlb(const struct cg_res *x, const struct spec_resources *r, struct err *e)
{
	const char *suffix = x->dir ? "max" : "limit_in_bytes";
	_cleanup_free_ char *dir = NULL;

	if (!r->n_hugepage_limits)
		return 0;
	dir = dir_for(x, "hugetlb", e);
	for (size_t i = 0; dir && i < r->n_hugepage_limits; i++) {
		const struct spec_hugepage_limit *h = &r->hugepage_limits[i];
		_cleanup_free_ char *f = xasprintf("hugetlb.%s.%s", h->page_size, suffix);
		_cleanup_free_ char *rsvd = xasprintf("hugetlb.%s.rsvd.%s", h->page_size, suffix);
		unsigned long long v = h->limit;

		if (!has_file(dir, f))
			return err_set(e, ENOTSUP, JP "hugepageLimits[%zu].pageSize: no %s huge pages "
				       "here (%s/%s)", i, h->page_size, dir, f);
		if (putf(dir, f, e, "hugepageLimits", i, "%llu", v) ||
		    (has_file(dir, rsvd) && putf(dir, rsvd, e, "hugepageLimits", i, "%llu", v)))
			return -e->code;
	}
	return dir ? 0 : -e->code;
}

/* v1 only: cg_check() refuses network on v2 */
static int network(const struct cg_res *x, const struct spec_res_network *n, struct err *e)
{
	_cleanup_free_ char *cls = NULL, *prio = NULL;

	if (x->dir)
		return 0;
	if (n->has_class_id) {
		cls = dir_for(x, "net_cls", e);
		if (!cls || putf(cls, "net_cls.classid", e, "network.classID", -1, "%u",
				 n->class_id))
			return -e->code;
	}
	if (n->n_priorities && !(prio = dir_for(x, "net_prio", e)))
		return -e->code;
	for (size_t i = 0; i < n->n_priorities; i++)
		if (putf(prio, "net_prio.ifpriomap", e, "network.priorities", i, "%s %u",
			 n->priorities[i].name, n->priorities[i].priority))
			return -e->code;
	return 0;
}

static int rdma(const struct cg_res *x, const struct spec_resources *r, struct err *e)
{
	_cleanup_free_ char *dir = NULL;

	if (!r->n_rdma)
		return 0;
	dir = dir_for(x, "rdma", e);
	for (size_t i = 0; dir && i < r->n_rdma; i++) {
		const struct spec_rdma *d = &r->rdma[i];
		char h[24] = "", o[24] = "";

		if (d->has_hca_handles)
			snprintf(h, sizeof(h), " hca_handle=%u", d->hca_handles);
		if (d->has_hca_objects)
			snprintf(o, sizeof(o), " hca_object=%u", d->hca_objects);
		if (putf(dir, "rdma.max", e, "rdma", i, "%s%s%s", d->device, h, o))
			return -e->code;
	}
	return dir ? 0 : -e->code;
}

const char *cg_unified_ctl(const char *key, char buf[32])
{
	size_t n = strcspn(key, ".");

	if (n >= 32 || !key[n])
		return NULL;
	memcpy(buf, key, n);
	buf[n] = '\0';
	/* cgroup.* are the core's files, there in every cgroup */
	return strcmp(buf, "cgroup") ? buf : NULL;
}

/* v2 only, and last, so a key overrides what the typed fields wrote (runc) */
static int unified(const struct cg_res *x, const struct spec_resources *r, struct err *e)
{
	for (size_t i = 0; x->dir && i < r->n_unified; i++) {
		const struct spec_kv *kv = &r->unified[i];
		_cleanup_free_ char *val = xstrdup(kv->value);

		/* many files take one entry per write (io.max "maj:min ...") */
		for (char *s = val, *nl; s; s = nl) {
			nl = strchr(s, '\n');
			if (nl)
				*nl++ = '\0';
			if ((*s || s == val) && cg_write(x->dir, kv->key, s, e))
				return err_wrap(e, JP "unified.%s", kv->key);
		}
	}
	return 0;
}

int cg_res_set(const struct cg_res *x, const struct spec_resources *r, struct err *e)
{
	struct list l[3] = { { 0 } };

	if (!r)
		return 0;
	return cpuset(x, &r->cpu, e) ?: memory(x, r, &l[0], e) ?: cpu(x, r, &l[1], e) ?:
	       pids(x, r, &l[2], e) ?: blkio(x, r, e) ?: hugetlb(x, r, e) ?:
	       network(x, &r->network, e) ?: rdma(x, r, e) ?: unified(x, r, e);
}
