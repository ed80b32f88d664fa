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
#include "lib/log.h"
#include "lib/util.h"

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
	return cg_wants_any(r) ? no_limits(cg->host, e) : 0;
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
	.update = none_create,
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
	cg->made = cg->alone = false;
	return 0;
}

int cg_open(struct cg *cg, const char *path, const char *id, struct err *e)
{
	return cg_open_kind(cg, path, id, cg_detect(), e);
}

/*
 * Every field of spec_resources a cgroup applies (devices aside), with the
 * controller it needs on v1 and on v2 (NULL: v2 has no such thing).  Set
 * means a non-zero member: runc's reading, where 0 leaves a value unset
 * and a has_ flag stands for the fields whose 0 is a value.
 */
enum { MEM, CPU, CPUSET, PIDS, BLKIO, IO, HUGETLB, NET_CLS, NET_PRIO, RDMA, NONE = 15 };
static const char *const ctls[] = {
	"memory", "cpu", "cpuset", "pids", "blkio", "io", "hugetlb", "net_cls", "net_prio", "rdma",
};
#define RES(m, c1, c2, p) { offsetof(struct spec_resources, m), \
	sizeof(((struct spec_resources *)0)->m), (c1) | (c2) << 4, p }
static const struct {
	unsigned short off;
	unsigned char size;
	unsigned char ctl;	/* v1 controller | v2 controller << 4 */
	const char *path;	/* under linux.resources */
} fields[] = {
	RES(memory_limit, MEM, MEM, "memory.limit"),
	RES(memory.reservation, MEM, MEM, "memory.reservation"),
	RES(memory.swap, MEM, MEM, "memory.swap"),
	RES(memory.has_swappiness, MEM, NONE, "memory.swappiness"),
	RES(memory.disable_oom_killer, MEM, NONE, "memory.disableOOMKiller"),
	RES(memory.has_use_hierarchy, MEM, MEM, "memory.useHierarchy"),
	RES(cpu.shares, CPU, CPU, "cpu.shares"),
	RES(cpu.quota, CPU, CPU, "cpu.quota"),
	RES(cpu.has_burst, CPU, CPU, "cpu.burst"),
	RES(cpu.period, CPU, CPU, "cpu.period"),
	RES(cpu.realtime_runtime, CPU, NONE, "cpu.realtimeRuntime"),
	RES(cpu.realtime_period, CPU, NONE, "cpu.realtimePeriod"),
	RES(cpu.has_idle, CPU, CPU, "cpu.idle"),
	RES(cpu.cpus, CPUSET, CPUSET, "cpu.cpus"),
	RES(cpu.mems, CPUSET, CPUSET, "cpu.mems"),
	RES(pids_limit, PIDS, PIDS, "pids.limit"),
	RES(block_io.weight, BLKIO, IO, "blockIO.weight"),
	RES(block_io.leaf_weight, BLKIO, NONE, "blockIO.leafWeight"),
	RES(block_io.n_weight_device, BLKIO, IO, "blockIO.weightDevice"),
	RES(block_io.n_throttle[SPEC_BLKIO_READ_BPS], BLKIO, IO, "blockIO.throttleReadBpsDevice"),
	RES(block_io.n_throttle[SPEC_BLKIO_WRITE_BPS], BLKIO, IO, "blockIO.throttleWriteBpsDevice"),
	RES(block_io.n_throttle[SPEC_BLKIO_READ_IOPS], BLKIO, IO, "blockIO.throttleReadIOPSDevice"),
	RES(block_io.n_throttle[SPEC_BLKIO_WRITE_IOPS], BLKIO, IO,
	    "blockIO.throttleWriteIOPSDevice"),
	RES(n_hugepage_limits, HUGETLB, HUGETLB, "hugepageLimits"),
	RES(network.has_class_id, NET_CLS, NONE, "network.classID"),
	RES(network.n_priorities, NET_PRIO, NONE, "network.priorities"),
	RES(n_rdma, RDMA, RDMA, "rdma"),
};
#undef RES

bool cg_field(const struct spec_resources *r, size_t *i, const char **v1, const char **v2,
	      const char **path)
{
	for (; r && *i < ARRAY_SIZE(fields); ++*i) {
		const unsigned char *p = (const unsigned char *)r + fields[*i].off;
		size_t n = fields[*i].size;
		unsigned int c2 = fields[*i].ctl >> 4;

		while (n && !p[n - 1])
			n--;
		if (!n)
			continue;
		*v1 = ctls[fields[*i].ctl & 15];
		*v2 = c2 == NONE ? NULL : ctls[c2];
		*path = fields[*i].path;
		++*i;
		return true;
	}
	return false;
}

bool cg_wants_any(const struct spec_resources *r)
{
	const char *v1, *v2, *path;
	size_t i = 0;

	return r && (r->n_unified || r->n_devices || cg_field(r, &i, &v1, &v2, &path));
}

/* Can this host apply a field that needs controller v1 (or v2)? */
static int check_ctl(enum cg_kind kind, const char *v1, const char *v2, const char *path,
		     struct err *e)
{
	_cleanup_free_ char *d = NULL;

	if (kind != CG_V2) {
		d = IS_ENABLED(CONFIG_CGROUP_V1) ? v1_dir(v1, "") : NULL;
		return d ? 0 : err_set(e, ENOTSUP, "linux.resources.%s: needs the cgroup v1 %s "
				       "controller (not mounted)", path, v1);
	}
	if (!v2)
		return err_set(e, ENOTSUP, "linux.resources.%s: needs the cgroup v1 %s controller "
			       "(this is a cgroup v2 host)", path, v1);
	if (IS_ENABLED(CONFIG_CGROUP_V2) && !v2_has_controller(CG_MNT, v2))
		return err_set(e, ENOTSUP, "linux.resources.%s: needs the cgroup v2 %s controller "
			       "(not in " CG_MNT "/cgroup.controllers)", path, v2);
	return 0;
}

/*
 * unified: v2 files.  A pure v1 host has none; a hybrid one writes them in
 * its unified tree, where only controllers v1 left unbound can be on.
 */
static int check_unified(enum cg_kind kind, const char *key, struct err *e)
{
	const char *mnt = kind == CG_V2 ? CG_MNT : CG_UNIFIED;
	char buf[32];
	const char *ctl = cg_unified_ctl(key, buf);

	if (kind == CG_V1)
		return err_set(e, ENOTSUP, "linux.resources.unified.%s: needs cgroup v2 "
			       "(this is a cgroup v1 host)", key);
	if (!IS_ENABLED(CONFIG_CGROUP_V2))
		return err_set(e, ENOTSUP, "linux.resources.unified.%s: this keel was built "
			       "without CONFIG_CGROUP_V2", key);
	if (ctl && !v2_has_controller(mnt, ctl))
		return err_set(e, ENOTSUP, "linux.resources.unified.%s: needs the cgroup v2 %s "
			       "controller (not in %s/cgroup.controllers)", key, ctl, mnt);
	return 0;
}

static int check_host(const struct spec_resources *r, struct err *e)
{
	enum cg_kind kind = cg_detect();
	const char *v1, *v2, *path;

	if (pick(kind) == &none_driver)
		return no_limits(kind, e);
	for (size_t i = 0; cg_field(r, &i, &v1, &v2, &path); )
		if (check_ctl(kind, v1, v2, path, e))
			return -e->code;
	for (size_t i = 0; i < r->n_unified; i++)
		if (check_unified(kind, r->unified[i].key, e))
			return -e->code;
	if (!r->n_devices)
		return 0;
	/* v2 needs no controller for devices: an eBPF program does it */
	if (kind != CG_V2 && check_ctl(kind, "devices", NULL, "devices", e))
		return -e->code;
	return cg_devices_check(r, kind, e);
}

int cg_check(const struct spec_resources *r, struct err *e)
{
	if (!r)
		return 0;
	if (r->has_memory_limit && r->memory_limit < -1)
		return err_set(e, EINVAL, "linux.resources.memory.limit: must be -1 or >= 0");
	/* runc: "Kernel memory settings are ignored and will be removed" */
	if (r->memory.has_kernel || r->memory.has_kernel_tcp)
		log_warn("linux.resources.memory.kernel, kernelTCP: deprecated, ignored");
	if (!cg_wants_any(r))
		return 0;
	if (!IS_ENABLED(CONFIG_CGROUP_V1) && !IS_ENABLED(CONFIG_CGROUP_V2))
		return no_limits(CG_NONE, e);
	return check_host(r, e);
}

int cg_update(struct cg *cg, const struct spec_resources *r, struct err *e)
{
	return cg_check(r, e) ?: cg->drv->update(cg, r, e);
}

bool cg_read_num(const char *dir, const char *file, int64_t *v)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	_cleanup_free_ char *buf = NULL;
	struct err ignored;
	char *end;

	if (read_file(p, &buf, NULL, &ignored))
		return false;
	if (!strncmp(buf, "max", 3)) {
		*v = -1;
		return true;
	}
	*v = strtoll(buf, &end, 10);
	return end != buf;
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

int cg_remove(const struct cg *cg, const char *dir, struct err *e)
{
	if (!cg->made)
		return 0;
	if (cg->alone)
		return cg_rmtree(dir, e);
	/* shared: the last one out removes it; never a child of another's */
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	if (errno == EBUSY || errno == ENOTEMPTY)
		return err_set(e, EBUSY, "cgroup %s is not empty: left in place", dir);
	return err_sys(e, errno, "rmdir %s", dir);
}

bool cg_exists(struct cg *cg)
{
	_cleanup_free_ char *dir = cg->drv->procs_dir(cg);

	return dir && access(dir, F_OK) == 0;
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
