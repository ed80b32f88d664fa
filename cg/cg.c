// SPDX-License-Identifier: MIT
/*
 * cg/: driver choice, cgroupsPath rules, and the helpers every driver uses.
 * This file is built in every configuration, so that a keel without any
 * cgroup driver still runs containers (in its own cgroup, without limits).
 */
#include <dirent.h>
#include <stddef.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "cg/cg-internal.h"
#include "lib/cleanup.h"
#include "lib/util.h"

bool cg_wants_memory(const struct spec_resources *r)
{
	return r && r->has_memory_limit && r->memory_limit != 0;
}

bool cg_wants_pids(const struct spec_resources *r)
{
	return r && r->has_pids_limit && r->pids_limit != 0;
}

/* Device rules too: runc's defaults alone do not count, config.json did not ask. */
static bool wants_any(const struct spec_resources *r)
{
	return cg_wants_memory(r) || cg_wants_pids(r) || (r && r->n_devices);
}

void cg_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static bool is_fs(const char *path, unsigned long magic)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 && (unsigned long)sfs.f_type == magic;
}

enum cg_kind cg_detect(void)
{
	if (is_fs(CG_MNT, CGROUP2_SUPER_MAGIC))
		return CG_V2;
	if (!is_fs(CG_MNT, TMPFS_MAGIC))
		return CG_NONE;
	return is_fs(CG_UNIFIED, CGROUP2_SUPER_MAGIC) ? CG_HYBRID : CG_V1;
}

const char *cg_kind_name(enum cg_kind k)
{
	static const char *const names[] = {
		[CG_NONE] = "none", [CG_V1] = "v1", [CG_V2] = "v2", [CG_HYBRID] = "hybrid",
	};

	return (unsigned int)k < ARRAY_SIZE(names) ? names[k] : "?";
}

/* Why the "none" driver cannot apply limits on this host. */
static int no_limits(enum cg_kind host, struct err *e)
{
	if (!IS_ENABLED(CONFIG_CGROUP_V1) && !IS_ENABLED(CONFIG_CGROUP_V2))
		return err_set(e, ENOTSUP, "linux.resources: this keel was built without cgroup support "
			       "(CONFIG_CGROUP_V1, CONFIG_CGROUP_V2)");
	if (host == CG_V2)
		return err_set(e, ENOTSUP, "linux.resources: cgroup v2 host but this keel was built "
			       "without CONFIG_CGROUP_V2");
	if (host != CG_NONE)
		return err_set(e, ENOTSUP, "linux.resources: cgroup v1 host but this keel was built "
			       "without CONFIG_CGROUP_V1");
	return err_set(e, ENOTSUP, "linux.resources: no cgroup file system at " CG_MNT);
}

static int none_create(struct cg *cg, const struct spec_resources *r, struct err *e)
{
	return wants_any(r) ? no_limits(cg->host, e) : 0;
}

static int none_enter(struct cg *cg, pid_t pid, struct err *e)
{
	return 0;
}

static int none_destroy(struct cg *cg, struct err *e)
{
	return 0;
}

static int none_freeze(struct cg *cg, bool frozen, struct err *e)
{
	return err_set(e, ENOTSUP, "%s: the container has no cgroup (%s host, driver compiled out)",
		       frozen ? "pause" : "resume", cg_kind_name(cg->host));
}

static char *none_procs_dir(struct cg *cg)
{
	return NULL;
}

static const struct cg_driver none_driver = {
	.name = "none",
	.create = none_create,
	.enter = none_enter,
	.destroy = none_destroy,
	.freeze = IS_ENABLED(CONFIG_FREEZER) ? none_freeze : NULL,
	.procs_dir = none_procs_dir,
};

static const struct cg_driver *pick(enum cg_kind kind)
{
	switch (kind) {
	case CG_V2:
		return IS_ENABLED(CONFIG_CGROUP_V2) ? &cg_v2_driver : &none_driver;
	case CG_HYBRID:
		return IS_ENABLED(CONFIG_CGROUP_V1) ? &cg_hybrid_driver : &none_driver;
	case CG_V1:
		return IS_ENABLED(CONFIG_CGROUP_V1) ? &cg_v1_driver : &none_driver;
	default:
		return &none_driver;
	}
}

/* Absolute, no empty, "." or ".." components, no trailing '/', not the root. */
static bool clean_path(const char *p)
{
	if (p[0] != '/' || !p[1])
		return false;
	while (*p == '/') {
		const char *c = p + 1;
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		p = c + n;
	}
	return true;
}

static int resolve(char *out, size_t len, const char *path, const char *id, struct err *e)
{
	int n;

	if (!path || !*path) {
		if (!id || !*id || strchr(id, '/'))
			return err_set(e, EINVAL, "container id \"%s\": not usable as a cgroup name",
				       id ? id : "");
		n = snprintf(out, len, "/keel/%s", id);
	} else {
		n = snprintf(out, len, "%s%s", path[0] == '/' ? "" : "/keel/", path);
	}
	if (n < 0 || (size_t)n >= len)
		return err_set(e, ENAMETOOLONG, "linux.cgroupsPath: too long");
	if (!clean_path(out))
		return err_set(e, EINVAL, "linux.cgroupsPath: \"%s\" is not a clean path "
			       "(no \".\", \"..\", \"//\", trailing \"/\" or root)", path ? path : out);
	return 0;
}

int cg_open_kind(struct cg *cg, const char *path, const char *id, enum cg_kind kind,
		 struct err *e)
{
	int rc = resolve(cg->path, sizeof(cg->path), path, id, e);

	if (rc)
		return rc;
	cg->host = kind;
	cg->drv = pick(kind);
	cg->spec = NULL;
	return 0;
}

int cg_open(struct cg *cg, const char *path, const char *id, struct err *e)
{
	return cg_open_kind(cg, path, id, cg_detect(), e);
}

/* The first controller r needs that the host lacks, or NULL. */
static const char *missing_v2(const struct spec_resources *r)
{
	if (cg_wants_memory(r) && !v2_has_controller(CG_MNT, "memory"))
		return "memory";
	if (cg_wants_pids(r) && !v2_has_controller(CG_MNT, "pids"))
		return "pids";
	return NULL;
}

static const char *missing_v1(const struct spec_resources *r)
{
	_cleanup_free_ char *mem = v1_dir("memory", "");
	_cleanup_free_ char *pids = v1_dir("pids", "");
	_cleanup_free_ char *dev = v1_dir("devices", "");

	if (cg_wants_memory(r) && !mem)
		return "memory";
	if (cg_wants_pids(r) && !pids)
		return "pids";
	if (r->n_devices && !dev)
		return "devices";
	return NULL;
}

static int check_host(const struct spec_resources *r, struct err *e)
{
	enum cg_kind kind = cg_detect();
	const char *ctl = NULL;

	if (pick(kind) == &none_driver)
		return no_limits(kind, e);
	/* IS_ENABLED: the other driver's symbols may not exist */
	if (kind == CG_V2 && IS_ENABLED(CONFIG_CGROUP_V2))
		ctl = missing_v2(r);
	else if (kind != CG_V2 && IS_ENABLED(CONFIG_CGROUP_V1))
		ctl = missing_v1(r);
	if (ctl)
		return err_set(e, ENOTSUP, "linux.resources.%s: the %s cgroup controller is not available "
			       "on this host", ctl, ctl);
	if (!r->n_devices || (!IS_ENABLED(CONFIG_CGROUP_V1) && !IS_ENABLED(CONFIG_CGROUP_V2)))
		return 0;
	return cg_devices_check(r, kind, e);
}

/* Every field of spec_resources that no driver applies yet, by JSON path. */
#define RES(m, kind, path) { offsetof(struct spec_resources, m), kind, path }
enum { IS_BOOL, IS_COUNT, IS_PTR };
static const struct {
	unsigned short off;
	unsigned char kind;
	const char *path;	/* under linux.resources */
} not_applied[] = {
	RES(memory.has_reservation, IS_BOOL, "memory.reservation"),
	RES(memory.has_swap, IS_BOOL, "memory.swap"),
	RES(memory.has_kernel, IS_BOOL, "memory.kernel"),
	RES(memory.has_kernel_tcp, IS_BOOL, "memory.kernelTCP"),
	RES(memory.has_swappiness, IS_BOOL, "memory.swappiness"),
	RES(memory.has_disable_oom_killer, IS_BOOL, "memory.disableOOMKiller"),
	RES(memory.has_use_hierarchy, IS_BOOL, "memory.useHierarchy"),
	RES(memory.has_check_before_update, IS_BOOL, "memory.checkBeforeUpdate"),
	RES(cpu.has_shares, IS_BOOL, "cpu.shares"),
	RES(cpu.has_quota, IS_BOOL, "cpu.quota"),
	RES(cpu.has_burst, IS_BOOL, "cpu.burst"),
	RES(cpu.has_period, IS_BOOL, "cpu.period"),
	RES(cpu.has_realtime_runtime, IS_BOOL, "cpu.realtimeRuntime"),
	RES(cpu.has_realtime_period, IS_BOOL, "cpu.realtimePeriod"),
	RES(cpu.cpus, IS_PTR, "cpu.cpus"),
	RES(cpu.mems, IS_PTR, "cpu.mems"),
	RES(cpu.has_idle, IS_BOOL, "cpu.idle"),
	RES(block_io.has_weight, IS_BOOL, "blockIO.weight"),
	RES(block_io.has_leaf_weight, IS_BOOL, "blockIO.leafWeight"),
	RES(block_io.n_weight_device, IS_COUNT, "blockIO.weightDevice"),
	RES(block_io.n_throttle[SPEC_BLKIO_READ_BPS], IS_COUNT, "blockIO.throttleReadBpsDevice"),
	RES(block_io.n_throttle[SPEC_BLKIO_WRITE_BPS], IS_COUNT, "blockIO.throttleWriteBpsDevice"),
	RES(block_io.n_throttle[SPEC_BLKIO_READ_IOPS], IS_COUNT, "blockIO.throttleReadIOPSDevice"),
	RES(block_io.n_throttle[SPEC_BLKIO_WRITE_IOPS], IS_COUNT, "blockIO.throttleWriteIOPSDevice"),
	RES(n_hugepage_limits, IS_COUNT, "hugepageLimits"),
	RES(network.has_class_id, IS_BOOL, "network.classID"),
	RES(network.n_priorities, IS_COUNT, "network.priorities"),
	RES(n_rdma, IS_COUNT, "rdma"),
	RES(n_unified, IS_COUNT, "unified"),
};
#undef RES

static bool is_set(const struct spec_resources *r, size_t i)
{
	const char *p = (const char *)r + not_applied[i].off;

	switch (not_applied[i].kind) {
	case IS_BOOL:
		return *(const bool *)p;
	case IS_COUNT:
		return *(const size_t *)p != 0;
	default:
		return *(char *const *)p != NULL;
	}
}

int cg_check(const struct spec_resources *r, struct err *e)
{
	if (!r)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(not_applied); i++)
		if (is_set(r, i))
			return err_set(e, ENOTSUP, "linux.resources.%s: not supported by this keel yet",
				       not_applied[i].path);
	if (r->has_memory_limit && r->memory_limit < -1)
		return err_set(e, EINVAL, "linux.resources.memory.limit: must be -1 or >= 0");
	if (!wants_any(r))
		return 0;
	if (!IS_ENABLED(CONFIG_CGROUP_V1) && !IS_ENABLED(CONFIG_CGROUP_V2))
		return no_limits(CG_NONE, e);
	return check_host(r, e);
}

const char *cg_limit(int64_t v, char buf[CG_LIMIT_LEN])
{
	if (v <= 0)
		return "max";
	snprintf(buf, CG_LIMIT_LEN, "%lld", (long long)v);
	return buf;
}

int cg_write(const char *dir, const char *file, const char *val, struct err *e)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);

	return write_file(p, val, strlen(val), e);
}

bool cg_has_line(const char *dir, const char *file, const char *want)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	_cleanup_free_ char *buf = NULL;
	struct err ignored;
	size_t n = strlen(want);

	if (read_file(p, &buf, NULL, &ignored))
		return false;
	for (char *l = buf; l; ) {
		if (!strncmp(l, want, n) && (l[n] == '\n' || l[n] == '\0'))
			return true;
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return false;
}

int cg_wait_line(const char *dir, const char *file, const char *want, struct err *e)
{
	unsigned int waited = 0, step = 1;

	/* freezing a busy group takes a while; 2 s is what runc allows too */
	while (!cg_has_line(dir, file, want)) {
		if (waited >= 2000)
			return err_set(e, ETIMEDOUT, "%s/%s: no \"%s\" after %u ms",
				       dir, file, want, waited);
		cg_sleep_ms(step);
		waited += step;
		step = step < 50 ? step * 2 : 50;
	}
	return 0;
}

static int rmdir_retry(const char *dir, struct err *e)
{
	/* a cgroup stays busy for a moment after its last task exited */
	for (int i = 0; i < 100; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		cg_sleep_ms(10);
	}
	return err_sys(e, errno, "rmdir %s", dir);
}

int cg_rmtree(const char *dir, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return errno == ENOENT ? 0 : err_sys(e, errno, "open %s", dir);
	while (!rc && (de = readdir(d))) {
		_cleanup_free_ char *sub = NULL;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = xasprintf("%s/%s", dir, de->d_name);
		rc = cg_rmtree(sub, e);
	}
	closedir(d);
	return rc ? rc : rmdir_retry(dir, e);
}

static int read_procs(const char *dir, pid_t **pids, size_t *n, struct err *e)
{
	_cleanup_free_ char *p = xasprintf("%s/cgroup.procs", dir);
	_cleanup_free_ char *buf = NULL;
	int rc = read_file(p, &buf, NULL, e);

	if (rc)
		return rc;
	for (char *s = buf, *end; *s; s = end) {
		long v = strtol(s, &end, 10);

		if (end == s)
			break;
		*pids = xrealloc(*pids, (*n + 1) * sizeof(**pids));
		(*pids)[(*n)++] = v;
	}
	return 0;
}

static int collect(const char *dir, pid_t **pids, size_t *n, struct err *e)
{
	DIR *d;
	struct dirent *de;
	int rc = read_procs(dir, pids, n, e);

	if (rc)
		return rc;
	d = opendir(dir);
	if (!d)
		return err_sys(e, errno, "open %s", dir);
	while (!rc && (de = readdir(d))) {
		_cleanup_free_ char *sub = NULL;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = xasprintf("%s/%s", dir, de->d_name);
		rc = collect(sub, pids, n, e);
	}
	closedir(d);
	return rc;
}

int cg_pids(struct cg *cg, pid_t **pids, size_t *n, struct err *e)
{
	_cleanup_free_ char *dir = cg->drv->procs_dir(cg);
	int rc;

	*pids = NULL;
	*n = 0;
	if (!dir)
		return 0;
	rc = collect(dir, pids, n, e);
	if (rc) {
		free(*pids);
		*pids = NULL;
		*n = 0;
	}
	return rc;
}
