/* SPDX-License-Identifier: MIT */
/*
 * cg/: cgroups.  One small driver interface; v1, v2 and hybrid drivers are
 * picked at run time from what /sys/fs/cgroup holds, and each can be
 * compiled out (CONFIG_CGROUP_V1, CONFIG_CGROUP_V2).
 */
#ifndef KEEL_CG_H
#define KEEL_CG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/cleanup.h"
#include "lib/err.h"
#include "spec/spec.h"

struct cg;

/* What /sys/fs/cgroup holds on this host. */
enum cg_kind {
	CG_NONE,		/* no cgroup file system mounted */
	CG_V1,			/* one hierarchy per controller */
	CG_V2,			/* unified only */
	CG_HYBRID,		/* v1 controllers plus an empty /sys/fs/cgroup/unified */
};

struct cg_driver {
	const char *name;	/* "v1", "v2", "hybrid", "none" */
	int (*create)(struct cg *cg, const struct spec_resources *r, struct err *e);
	/* keel update: r onto the existing cgroup (cg_update() checks r first) */
	int (*update)(struct cg *cg, const struct spec_resources *r, struct err *e);
	int (*enter)(struct cg *cg, pid_t pid, struct err *e);
	int (*destroy)(struct cg *cg, struct err *e);
	/* NULL with CONFIG_FREEZER=n */
	int (*freeze)(struct cg *cg, bool frozen, struct err *e);
	bool (*frozen)(struct cg *cg);
	/* Directory whose cgroup.procs lists the container (malloc'd); NULL: none. */
	char *(*procs_dir)(struct cg *cg);
};

/*
 * The "none" driver (no cgroupfs, or the host's kind compiled out) creates
 * nothing and refuses only when resources ask for limits: a container then
 * simply stays in keel's own cgroup.
 */
struct cg {
	const struct cg_driver *drv;
	enum cg_kind host;
	char path[4096];	/* cgroupsPath, absolute, e.g. "/keel/<id>" */
	const struct spec *spec;	/* for create: linux.devices; NULL: none */
	/*
	 * What cg_destroy() may do, set by the caller (cg_open(): neither).
	 * keel removes only a cgroup it made, and kills through it (v2
	 * cgroup.kill, a recursive removal) only when nothing but the
	 * container's own processes is in it: a cgroupsPath that names a
	 * host's or another container's cgroup is never emptied.
	 */
	bool made;		/* keel made the leaf, for this or a sibling container */
	bool alone;		/* only the container's processes are in it */
};

enum cg_kind cg_detect(void);
const char *cg_kind_name(enum cg_kind k);

/*
 * Pick the driver for this host and fill *cg for cgroupsPath "path" (NULL
 * means the default "/keel/<id>"; a relative path is taken under /keel).
 * Fails with a clear message when the host's cgroup kind was compiled out.
 */
int cg_open(struct cg *cg, const char *path, const char *id, struct err *e);
/*
 * Refuse resources this build or host cannot apply (before anything is
 * made): a missing controller, or one v2 lacks (realtime, network), names
 * the JSON path.  Kernel memory limits are ignored with a warning, as runc.
 */
int cg_check(const struct spec_resources *r, struct err *e);

/*
 * Make the cgroup and apply r (cg_check() first).  On failure nothing is
 * left: the half-made cgroup is removed again.
 */
static inline int cg_create(struct cg *cg, const struct spec_resources *r, struct err *e)
{
	int rc = cg->drv->create(cg, r, e);

	if (rc)
		cg->drv->destroy(cg, &(struct err){ 0 });
	return rc;
}

/*
 * keel update: cg_check() r, then write what it sets into the existing
 * cgroup; what it leaves out stays as it is.  memory.checkBeforeUpdate
 * refuses a limit at or below current usage.
 */
int cg_update(struct cg *cg, const struct spec_resources *r, struct err *e);

static inline int cg_enter(struct cg *cg, pid_t pid, struct err *e)
{
	return cg->drv->enter(cg, pid, e);
}

/*
 * Does the container's cgroup exist already (before cg_create())?  The
 * caller then knows keel did not make it.
 */
bool cg_exists(struct cg *cg);

/*
 * Remove what keel made, as cg->made and cg->alone allow: made and alone,
 * the cgroup and its children (v2 kills leftovers through cgroup.kill);
 * made, not alone, only the leaf and only if it is empty (-EBUSY with
 * "cgroup ... is not empty" otherwise); not made, nothing.  Safe after a
 * failed or partial cg_create() and on a cgroup already removed.
 */
static inline int cg_destroy(struct cg *cg, struct err *e)
{
	return cg->drv->destroy(cg, e);
}

/* Pause (frozen) or resume, waiting until the kernel reports the new state. */
static inline int cg_freeze(struct cg *cg, bool frozen, struct err *e)
{
	if (!cg->drv->freeze)
		return err_set(e, ENOTSUP, "%s: this keel was built without CONFIG_FREEZER",
			       frozen ? "pause" : "resume");
	return cg->drv->freeze(cg, frozen, e);
}

/* Does the driver keep the container in a cgroup of its own ("none" does not)? */
static inline bool cg_tracks(struct cg *cg)
{
	_cleanup_free_ char *dir = cg->drv->procs_dir(cg);

	return dir != NULL;
}

/* Is the container's cgroup frozen (status "paused")? */
static inline bool cg_frozen(struct cg *cg)
{
	return cg->drv->frozen && cg->drv->frozen(cg);
}

/*
 * Every pid in the container's cgroup and its sub-cgroups; *pids is
 * malloc'd.  -ENOENT if the cgroup is gone; no pids with the "none" driver.
 */
int cg_pids(struct cg *cg, pid_t **pids, size_t *n, struct err *e);

/*
 * Resource usage of the container's cgroup (CONFIG_EVENTS), in runc's terms
 * so that "keel events" means what "runc events" means: nanoseconds for
 * cpu, bytes for memory, UINT64_MAX for "max".  Whatever the host does not
 * offer (a controller not mounted or not enabled, no swap accounting) is 0.
 */
struct cg_u64s {
	uint64_t *v;
	size_t n;
};

struct cg_mem_entry {
	uint64_t limit, usage, max, failcnt;
};

enum { CG_MEM_USAGE, CG_MEM_SWAP, CG_MEM_KERNEL, CG_MEM_KERNEL_TCP, CG_MEM_N };

struct cg_blkio_entry {
	uint64_t major, minor, value;
	char op[12];		/* "Read", "Write", "Sync", "Async", "Discard", "Total" */
};

struct cg_blkio_list {
	struct cg_blkio_entry *v;
	size_t n;
};

/* name first: both sort by it */
struct cg_stat_kv {
	char key[64];
	uint64_t val;
};

struct cg_hugetlb_stat {
	char size[16];		/* "2MB", "1GB" */
	uint64_t usage, max, failcnt;
};

/* cpuset flags, named as the v1 files after "cpuset." and as runc's JSON keys */
#define CG_CPUSET_FLAGS 9
extern const char *const cg_cpuset_flags[CG_CPUSET_FLAGS];

struct cg_stats {
	struct {
		uint64_t total, kernel, user;
		struct cg_u64s percpu, percpu_kernel, percpu_user;
		uint64_t periods, throttled_periods, throttled_time;
	} cpu;
	struct {
		struct cg_u64s cpus, mems;
		int64_t flags[CG_CPUSET_FLAGS];
	} cpuset;
	struct {
		uint64_t cache;
		struct cg_mem_entry entry[CG_MEM_N];	/* swap: memory + swap, as v1 counts it */
		struct cg_stat_kv *raw;		/* memory.stat, sorted by key */
		size_t n_raw;
	} memory;
	struct {
		uint64_t current, limit;	/* limit 0: none */
	} pids;
	struct {
		struct cg_blkio_list bytes, ios;	/* io_service_bytes, io_serviced */
	} blkio;
	struct cg_hugetlb_stat *hugetlb;	/* sorted by size */
	size_t n_hugetlb;
};

/* Fill *st (free with cg_stats_free() even on error); fails if the cgroup is gone. */
int cg_stats(struct cg *cg, struct cg_stats *st, struct err *e);
void cg_stats_free(struct cg_stats *st);
/* OOM kills in the container's cgroup so far; false if the host does not count them. */
bool cg_oom_kills(struct cg *cg, uint64_t *n);

#endif
