// SPDX-License-Identifier: MIT
/*
 * cg/: path rules and messages anywhere; the real cgroup work as root on
 * the host's hierarchies, under /keel-test-<pid>, removed again at the end.
 */
#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cg/cg.h"
#include "cg/cg-internal.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "test/unit/tap.h"

static char top[64], leaf[80];

static int open_ok(const char *path, const char *id, const char *want)
{
	struct cg cg;
	struct err e = { 0 };

	if (cg_open_kind(&cg, path, id, CG_NONE, &e)) {
		printf("#   %s: %s\n", path ? path : "(null)", e.msg);
		return 0;
	}
	if (strcmp(cg.path, want)) {
		printf("#   %s -> %s, want %s\n", path ? path : "(null)", cg.path, want);
		return 0;
	}
	return 1;
}

static int open_fails(const char *path, const char *id)
{
	struct cg cg;
	struct err e = { 0 };

	if (cg_open_kind(&cg, path, id, CG_NONE, &e) == -EINVAL)
		return 1;
	printf("#   %s accepted as %s\n", path, cg.path);
	return 0;
}

static int test_path_rules(void)
{
	CHECK(open_ok(NULL, "c1", "/keel/c1"));
	CHECK(open_ok("", "c1", "/keel/c1"));
	CHECK(open_ok("a/b", "c1", "/keel/a/b"));
	CHECK(open_ok("/x/y", "c1", "/x/y"));
	CHECK(open_ok("/x", NULL, "/x"));
	CHECK(open_fails("/x/../y", "c1"));
	CHECK(open_fails("../y", "c1"));
	CHECK(open_fails("/x//y", "c1"));
	CHECK(open_fails("/x/./y", "c1"));
	CHECK(open_fails("/x/", "c1"));
	CHECK(open_fails("/", "c1"));
	CHECK(open_fails("/..", "c1"));
	CHECK(open_fails(NULL, "a/b"));
	CHECK(open_fails(NULL, NULL));
	return TEST_PASS;
}

/* The kind, worked out from mountinfo rather than statfs. */
static enum cg_kind kind_from_mountinfo(void)
{
	_cleanup_free_ char *buf = NULL;
	struct err e;
	bool v1 = false, v2_root = false, unified = false;

	if (read_file("/proc/self/mountinfo", &buf, NULL, &e))
		return CG_NONE;
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
		char mnt[256], type[32];
		char *sep = strstr(l, " - ");

		if (!sep || sscanf(l, "%*s %*s %*s %*s %255s", mnt) != 1 ||
		    sscanf(sep + 3, "%31s", type) != 1)
			continue;
		v1 |= !strcmp(type, "cgroup") && str_has_prefix(mnt, "/sys/fs/cgroup/");
		v2_root |= !strcmp(type, "cgroup2") && !strcmp(mnt, "/sys/fs/cgroup");
		unified |= !strcmp(type, "cgroup2") && !strcmp(mnt, "/sys/fs/cgroup/unified");
	}
	if (v2_root)
		return CG_V2;
	if (v1)
		return unified ? CG_HYBRID : CG_V1;
	return CG_NONE;
}

static int test_detect(void)
{
	enum cg_kind k = cg_detect();
	struct cg cg;
	struct err e = { 0 };

	printf("# host cgroups: %s\n", cg_kind_name(k));
	CHECK(k == kind_from_mountinfo());
	CHECK(cg_open(&cg, NULL, "x", &e) == 0);
	if (k == CG_HYBRID && IS_ENABLED(CONFIG_CGROUP_V1))
		CHECK_STR(cg.drv->name, "hybrid");
	if (k == CG_V2 && IS_ENABLED(CONFIG_CGROUP_V2))
		CHECK_STR(cg.drv->name, "v2");
	if (k == CG_NONE)
		CHECK_STR(cg.drv->name, "none");
	return TEST_PASS;
}

static int test_check_messages(void)
{
	struct spec_resources r = { .network.has_class_id = true };
	enum cg_kind k = cg_detect();
	_cleanup_free_ char *cls = IS_ENABLED(CONFIG_CGROUP_V1) ? v1_dir("net_cls", "") : NULL;
	struct err e = { 0 };

	CHECK(cg_check(NULL, &e) == 0);
	if (k == CG_V2 && IS_ENABLED(CONFIG_CGROUP_V2)) {
		CHECK(cg_check(&r, &e) == -ENOTSUP);
		CHECK_STR(e.msg, "linux.resources.network.classID: needs the cgroup v1 net_cls "
			  "controller (this is a cgroup v2 host)");
	} else if ((k == CG_V1 || k == CG_HYBRID) && IS_ENABLED(CONFIG_CGROUP_V1) && !cls) {
		CHECK(cg_check(&r, &e) == -ENOTSUP);
		CHECK_STR(e.msg, "linux.resources.network.classID: needs the cgroup v1 net_cls "
			  "controller (not mounted)");
	}
	r = (struct spec_resources){ .has_memory_limit = true, .memory_limit = -2 };
	CHECK(cg_check(&r, &e) == -EINVAL);
	/* 0 means "unset", as in runc: nothing to apply, never refused */
	r = (struct spec_resources){ .has_memory_limit = true, .has_pids_limit = true,
				     .cpu.has_shares = true, .block_io.has_weight = true };
	CHECK(!cg_wants_any(&r));
	CHECK(cg_check(&r, &e) == 0);
	r.pids_limit = 17;
	CHECK(cg_wants_any(&r));
	if (!IS_ENABLED(CONFIG_CGROUP_V1) && !IS_ENABLED(CONFIG_CGROUP_V2)) {
		CHECK(cg_check(&r, &e) == -ENOTSUP);
		CHECK_STR(e.msg, "linux.resources: this keel was built without cgroup support "
			  "(CONFIG_CGROUP_V1, CONFIG_CGROUP_V2)");
	}
	return TEST_PASS;
}

/* The field walk: every set field once, with its controllers, in table order. */
static int test_fields(void)
{
	struct spec_resources r = { .cpu.has_idle = true, .cpu.realtime_runtime = 5,
				    .n_rdma = 1 };
	const char *v1, *v2, *path;
	size_t i = 0;

	CHECK(cg_field(&r, &i, &v1, &v2, &path));
	CHECK_STR(path, "cpu.realtimeRuntime");
	CHECK_STR(v1, "cpu");
	CHECK(v2 == NULL);
	CHECK(cg_field(&r, &i, &v1, &v2, &path));
	CHECK_STR(path, "cpu.idle");
	CHECK_STR(v2, "cpu");
	CHECK(cg_field(&r, &i, &v1, &v2, &path));
	CHECK_STR(path, "rdma");
	CHECK(!cg_field(&r, &i, &v1, &v2, &path));
	return TEST_PASS;
}

/* runc's and crun's v1 -> v2 conversions (docs/design.md) */
static int test_conversions(void)
{
	int64_t v;
	bool set;
	char buf[48];

	CHECK(cg_cpu_weight(0) == 0 && cg_cpu_weight(1) == 1 && cg_cpu_weight(2) == 1);
	CHECK(cg_cpu_weight(3) == 2 && cg_cpu_weight(1024) == 100 && cg_cpu_weight(262143) == 10000);
	CHECK(cg_cpu_weight(262144) == 10000 && cg_cpu_weight(1 << 20) == 10000);
	/* the formula itself, with libm's log2 and pow, for every share value */
	for (uint64_t s = 3; s < 262144; s++) {
		double l = log2((double)s), w = pow(10, (l * l + 125 * l) / 612.0 - 7.0 / 34.0);
		uint64_t want = (uint64_t)ceil(w);

		if (cg_cpu_weight(s) != want) {
			printf("#   cpu.weight(%llu) = %llu, want %llu (%.17g)\n",
			       (unsigned long long)s, (unsigned long long)cg_cpu_weight(s),
			       (unsigned long long)want, w);
			return TEST_FAIL;
		}
	}
	CHECK(cg_io_weight(0) == 0 && cg_io_weight(10) == 1 && cg_io_weight(5) == 1);
	CHECK(cg_io_weight(500) == 4950 && cg_io_weight(750) == 7475);
	CHECK(cg_io_weight(1000) == 10000 && cg_io_weight(65535) == 10000);
	CHECK(!cg_swap_max(0, -1, &v, &set) && set && v == -1);
	CHECK(!cg_swap_max(0, 1000, &v, &set) && !set);
	CHECK(!cg_swap_max(-1, 1000, &v, &set) && set && v == -1);
	CHECK(!cg_swap_max(3000, 1000, &v, &set) && set && v == 2000);
	CHECK(!cg_swap_max(1000, 1000, &v, &set) && set && v == 0);
	CHECK(!cg_swap_max(5000, -1, &v, &set) && set && v == 5000);
	CHECK_STR(cg_swap_max(5000, 0, &v, &set), "unable to set swap limit without memory limit");
	CHECK_STR(cg_swap_max(500, 1000, &v, &set), "memory+swap limit should be >= memory limit");
	cg_cpu_max(buf, sizeof(buf), 50000, 100000);
	CHECK_STR(buf, "50000 100000");
	cg_cpu_max(buf, sizeof(buf), -1, 250000);
	CHECK_STR(buf, "max 250000");
	return TEST_PASS;
}

static int test_none_driver(void)
{
	struct spec_resources r = { .has_pids_limit = true, .pids_limit = 5 };
	struct cg cg;
	struct err e = { 0 };
	pid_t *pids = NULL;
	size_t n = 1;

	CHECK(cg_open_kind(&cg, "/x", NULL, CG_NONE, &e) == 0);
	CHECK_STR(cg.drv->name, "none");
	CHECK(cg_create(&cg, NULL, &e) == 0);
	CHECK(cg_enter(&cg, getpid(), &e) == 0);
	CHECK(cg_pids(&cg, &pids, &n, &e) == 0 && n == 0);
	CHECK(cg_destroy(&cg, &e) == 0);
	CHECK(cg_create(&cg, &r, &e) == -ENOTSUP);
	if (IS_ENABLED(CONFIG_CGROUP_V1) || IS_ENABLED(CONFIG_CGROUP_V2))
		CHECK_STR(e.msg, "linux.resources: no cgroup file system at /sys/fs/cgroup");
	if (!IS_ENABLED(CONFIG_CGROUP_V1)) {
		CHECK(cg_open_kind(&cg, "/x", NULL, CG_HYBRID, &e) == 0);
		CHECK(cg_create(&cg, NULL, &e) == 0);
		CHECK(cg_create(&cg, &r, &e) == -ENOTSUP);
		if (IS_ENABLED(CONFIG_CGROUP_V2))
			CHECK_STR(e.msg, "linux.resources: cgroup v1 host but this keel was built "
				  "without CONFIG_CGROUP_V1");
	}
	return TEST_PASS;
}

/* Every cgroup tree on the host: /sys/fs/cgroup/<x> on v1/hybrid, else the root. */
static void for_each_tree(void (*fn)(const char *tree, void *arg), void *arg)
{
	DIR *d = opendir(CG_MNT);
	struct dirent *de;

	if (cg_detect() == CG_V2 || !d) {
		fn(CG_MNT, arg);
	} else {
		while ((de = readdir(d))) {
			_cleanup_free_ char *t = xasprintf("%s/%s", CG_MNT, de->d_name);
			struct stat st;

			if (de->d_name[0] != '.' && stat(t, &st) == 0 && S_ISDIR(st.st_mode))
				fn(t, arg);
		}
	}
	if (d)
		closedir(d);
}

static void remove_top(const char *tree, void *arg)
{
	_cleanup_free_ char *dir = xasprintf("%s%s", tree, top);
	struct err e;

	cg_rmtree(dir, &e);
}

static void count_leaf(const char *tree, void *arg)
{
	_cleanup_free_ char *dir = xasprintf("%s%s", tree, leaf);

	if (access(dir, F_OK) == 0)
		++*(int *)arg;
}

static int leaves(void)
{
	int n = 0;

	for_each_tree(count_leaf, &n);
	return n;
}

static pid_t sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0)
		for (;;)
			pause();
	return pid;
}

static bool file_is(const char *dir, const char *file, const char *want)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	_cleanup_free_ char *buf = NULL;
	struct err e;
	size_t len;

	if (read_file(p, &buf, &len, &e))
		return false;
	while (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (strcmp(buf, want))
		printf("#   %s: \"%s\", want \"%s\"\n", p, buf, want);
	return !strcmp(buf, want);
}

/* /proc/<pid>/cgroup has "<n>:<ctl>:<leaf>"; ctl "" is the unified line. */
static bool in_cgroup(pid_t pid, const char *ctl)
{
	_cleanup_free_ char *p = xasprintf("/proc/%d/cgroup", (int)pid);
	_cleanup_free_ char *want = xasprintf(":%s:%s\n", ctl, leaf);
	_cleanup_free_ char *buf = NULL;
	struct err e;

	return !read_file(p, &buf, NULL, &e) && strstr(buf, want);
}

static bool has_pid(struct cg *cg, pid_t pid)
{
	_cleanup_free_ pid_t *pids = NULL;
	struct err e;
	size_t n;

	if (cg_pids(cg, &pids, &n, &e))
		return false;
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

static int check_limits(enum cg_kind k)
{
	if (k == CG_V2) {
		_cleanup_free_ char *dir = xasprintf("%s%s", CG_MNT, leaf);

		CHECK(file_is(dir, "memory.max", "67108864"));
		CHECK(file_is(dir, "pids.max", "17"));
	} else {
		_cleanup_free_ char *mem = v1_dir("memory", leaf);
		_cleanup_free_ char *pids = v1_dir("pids", leaf);

		CHECK(mem && file_is(mem, "memory.limit_in_bytes", "67108864"));
		CHECK(pids && file_is(pids, "pids.max", "17"));
	}
	return TEST_PASS;
}

static int check_frozen(struct cg *cg, enum cg_kind k, bool frozen)
{
	struct err e = { 0 };

	if (cg_freeze(cg, frozen, &e)) {
		printf("#   %s\n", e.msg);
		return TEST_FAIL;
	}
	if (k == CG_V2) {
		_cleanup_free_ char *dir = xasprintf("%s%s", CG_MNT, leaf);

		CHECK(cg_has_line(dir, "cgroup.events", frozen ? "frozen 1" : "frozen 0"));
	} else {
		_cleanup_free_ char *dir = v1_dir("freezer", leaf);

		CHECK(dir && file_is(dir, "freezer.state", frozen ? "FROZEN" : "THAWED"));
	}
	return TEST_PASS;
}

static int lifecycle(enum cg_kind k)
{
	struct spec_resources r = {
		.has_memory_limit = true, .memory_limit = 64 << 20,
		.has_pids_limit = true, .pids_limit = 17,
	};
	_cleanup_pid_ pid_t pid = -1;
	struct err e = { 0 };
	struct cg cg;
	int st;

	CHECK(cg_check(&r, &e) == 0);
	CHECK(cg_open(&cg, leaf, "unused", &e) == 0);
	if (cg_create(&cg, &r, &e))
		printf("#   %s\n", e.msg);
	CHECK(e.code == 0);
	CHECK(leaves() > 0);
	CHECK(check_limits(k) == TEST_PASS);
	pid = sleeper();
	CHECK(pid > 0);
	CHECK(cg_enter(&cg, pid, &e) == 0);
	CHECK(in_cgroup(pid, k == CG_V2 ? "" : "memory"));
	if (k != CG_V2) {
		_cleanup_free_ char *named = v1_dir("name=systemd", "");

		CHECK(in_cgroup(pid, "pids") && in_cgroup(pid, "freezer"));
		/* named hierarchies are joined too */
		CHECK(!named || in_cgroup(pid, "name=systemd"));
	}
	if (k == CG_HYBRID && IS_ENABLED(CONFIG_CGROUP_V2))
		CHECK(in_cgroup(pid, ""));
	CHECK(has_pid(&cg, pid));
	if (IS_ENABLED(CONFIG_FREEZER)) {
		CHECK(check_frozen(&cg, k, true) == TEST_PASS);
		CHECK(check_frozen(&cg, k, false) == TEST_PASS);
	}
	kill(pid, SIGKILL);
	CHECK(waitpid(steal_pid(&pid), &st, 0) > 0);
	/* cg_open() leaves made false: a cgroup keel did not make stays */
	CHECK(cg_destroy(&cg, &e) == 0);
	CHECK(leaves() > 0);
	cg.made = cg.alone = true;
	CHECK(cg_destroy(&cg, &e) == 0);
	CHECK(leaves() == 0);
	CHECK(cg_destroy(&cg, &e) == 0);
	return TEST_PASS;
}

static int test_lifecycle(void)
{
	enum cg_kind k = cg_detect();
	int rc;

	if (geteuid())
		SKIP("not root");
	if (k == CG_NONE)
		SKIP("no cgroup file system");
	if (k == CG_V2 ? !IS_ENABLED(CONFIG_CGROUP_V2) : !IS_ENABLED(CONFIG_CGROUP_V1))
		SKIP("driver for this host compiled out");
	rc = lifecycle(k);
	for_each_tree(remove_top, NULL);
	if (leaves())
		rc = TEST_FAIL;
	return rc;
}

/* The v2 code on a hybrid host's unified tree: no controllers, but freeze and kill. */
static int unified(void)
{
	_cleanup_free_ char *dir = xasprintf("%s%s", CG_UNIFIED, leaf);
	_cleanup_pid_ pid_t pid = -1;
	struct err e = { 0 };
	struct cg c = { 0 };
	int st;

	snprintf(c.path, sizeof(c.path), "%s", leaf);
	if (v2_create(CG_UNIFIED, leaf, NULL, &e))
		printf("#   %s\n", e.msg);
	CHECK(e.code == 0 && access(dir, F_OK) == 0);
	pid = sleeper();
	CHECK(v2_enter(CG_UNIFIED, leaf, pid, &e) == 0);
	CHECK(in_cgroup(pid, ""));
	CHECK(v2_freeze(CG_UNIFIED, leaf, true, &e) == 0);
	CHECK(cg_has_line(dir, "cgroup.events", "frozen 1"));
	CHECK(v2_freeze(CG_UNIFIED, leaf, false, &e) == 0);
	CHECK(cg_has_line(dir, "cgroup.events", "frozen 0"));
	/* not made by keel: neither killed nor removed (issue 19) */
	CHECK(v2_destroy(CG_UNIFIED, &c, &e) == 0);
	CHECK(access(dir, F_OK) == 0 && kill(pid, 0) == 0);
	/* made, shared with a process not the container's: left, -EBUSY */
	c.made = true;
	CHECK(v2_destroy(CG_UNIFIED, &c, &e) == -EBUSY);
	CHECK(strstr(e.msg, "is not empty: left in place") != NULL);
	CHECK(access(dir, F_OK) == 0 && kill(pid, 0) == 0);
	/* made, the container's alone, task still inside: cgroup.kill must take it */
	c.alone = true;
	CHECK(v2_destroy(CG_UNIFIED, &c, &e) == 0);
	CHECK(access(dir, F_OK) < 0);
	CHECK(waitpid(steal_pid(&pid), &st, 0) > 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	return TEST_PASS;
}

static int test_v2_on_unified(void)
{
	_cleanup_free_ char *kill_file = xasprintf("%s/cgroup.kill", CG_UNIFIED);
	int rc;

	if (!IS_ENABLED(CONFIG_CGROUP_V2))
		SKIP("CONFIG_CGROUP_V2=n");
	if (geteuid())
		SKIP("not root");
	if (cg_detect() != CG_HYBRID)
		SKIP("not a hybrid host");
	rc = unified();
	for_each_tree(remove_top, NULL);
	return rc;
}

#include "test/unit/cg_devices.inc"

int main(void)
{
	snprintf(top, sizeof(top), "/keel-test-%d", (int)getpid());
	snprintf(leaf, sizeof(leaf), "%s/a", top);
	RUN_TEST(test_path_rules);
	RUN_TEST(test_detect);
	RUN_TEST(test_check_messages);
	RUN_TEST(test_fields);
	RUN_TEST(test_conversions);
	RUN_TEST(test_none_driver);
	RUN_TEST(test_lifecycle);
	RUN_TEST(test_v2_on_unified);
	RUN_TEST(test_devices_defaults);
	RUN_TEST(test_devices_semantics);
	RUN_TEST(test_devices_random);
	RUN_TEST(test_devices_check);
	RUN_TEST(test_devices_v2_kernel);
	RUN_TEST(test_devices_v1_kernel);
	return tap_done();
}
