// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cg/cg.h"
#include "cmd/container.h"
#include "lib/cleanup.h"
#include "lib/jsonw.h"
#include "lib/log.h"
#include "lib/util.h"
#include "ns/ns.h"


/* runc's rule: letters, digits, '_', '+', '-', '.'; not "." or "..". */
int ctr_check_id(const char *id, struct err *e)
{
	size_t n = strlen(id);

	if (n == 0 || n >= sizeof(((struct container *)0)->id))
		return err_set(e, EINVAL, "invalid container id \"%s\": length must be 1 to 255", id);
	if (!strcmp(id, ".") || !strcmp(id, ".."))
		return err_set(e, EINVAL, "invalid container id \"%s\"", id);
	for (const char *p = id; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("_+-.", *p))
			continue;
		return err_set(e, EINVAL, "invalid container id \"%s\": only [A-Za-z0-9_+.-] allowed", id);
	}
	return 0;
}

int ctr_init(struct container *c, const char *root, const char *id, struct err *e)
{
	int r = ctr_check_id(id, e);

	if (r < 0)
		return r;
	memset(c, 0, sizeof(*c));
	c->lock_fd = -1;
	snprintf(c->id, sizeof(c->id), "%s", id);
	if ((size_t)snprintf(c->dir, sizeof(c->dir), "%s/%s", root, id) >= sizeof(c->dir))
		return err_set(e, ENAMETOOLONG, "--root %s: path too long", root);
	return 0;
}

void ctr_path(const struct container *c, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", c->dir, name);
}

int ctr_save(const struct container *c, struct err *e)
{
	_cleanup_free_ char *json = NULL;
	char path[PATH_MAX + 16];
	struct jw w = { .pretty = false };

	jw_open(&w, NULL, '{');
	jw_str(&w, "id", c->id);
	jw_int(&w, "pid", c->pid);
	jw_int(&w, "startTime", (long long)c->start_time);
	jw_str(&w, "bundle", c->bundle);
	jw_str(&w, "rootfs", c->rootfs);
	jw_str(&w, "created", c->created);
	jw_int(&w, "owner", c->owner);
	jw_str(&w, "cgroupsPath", c->cgroup);
	if (c->pidns)
		jw_int(&w, "pidns", (long long)c->pidns);
	if (c->mntns)
		jw_int(&w, "mntns", (long long)c->mntns);
	jw_close(&w, '}');
	json = jw_finish(&w);
	ctr_path(c, "state.json", path, sizeof(path));
	return write_file_atomic(path, json, strlen(json), 0600, e);
}

static int copy(char *dst, size_t len, const char *src, const char *key, struct err *e)
{
	if (!src)
		src = "";
	if (strlen(src) >= len)
		return err_set(e, ENAMETOOLONG, "state.json: %s: too long", key);
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

int ctr_parse_state(struct container *c, const char *text, struct err *e)
{
	struct spec_state *st = spec_state_parse(text, strlen(text), e);
	int r;

	if (!st)
		return err_wrap(e, "state.json");
	c->pid = st->pid;
	c->start_time = st->start_time;
	c->owner = st->owner;
	c->pidns = st->pidns;
	c->mntns = st->mntns;
	r = copy(c->bundle, sizeof(c->bundle), st->bundle, "bundle", e);
	if (r == 0)
		r = copy(c->rootfs, sizeof(c->rootfs), st->rootfs, "rootfs", e);
	if (r == 0)
		r = copy(c->created, sizeof(c->created), st->created, "created", e);
	if (r == 0)
		r = copy(c->cgroup, sizeof(c->cgroup), st->cgroup, "cgroupsPath", e);
	spec_state_free(st);
	c->has_state = r == 0;
	return r;
}

int ctr_load(struct container *c, const char *root, const char *id, struct err *e)
{
	char path[PATH_MAX + 16];
	_cleanup_free_ char *text = NULL;
	struct stat st;
	int r = ctr_init(c, root, id, e);

	if (r < 0)
		return r;
	if (stat(c->dir, &st) < 0) {
		if (errno == ENOENT)
			return err_set(e, ENOENT, "container \"%s\" does not exist", id);
		return err_sys(e, errno, "stat %s", c->dir);
	}
	ctr_path(c, "cgroup.made", path, sizeof(path));
	c->cg_made = access(path, F_OK) == 0;
	ctr_path(c, "state.json", path, sizeof(path));
	r = read_file(path, &text, NULL, e);
	if (r == -ENOENT) {
		err_clear(e);
		return 0;	/* "creating" */
	}
	if (r < 0)
		return r;
	r = ctr_parse_state(c, text, e);
	return r < 0 ? err_wrap(e, "container \"%s\"", id) : 0;
}

/*
 * create's lock is made held: an unnamed file in the state dir, locked, then
 * linked in as "lock".  "state" reads a free lock without state.json as a
 * create that died, so a lock seen between its open and fcntl would make a
 * live create look "stopped", then "running".  A create killed before the
 * link leaves a bare dir ("creating"), after it a free lock ("stopped").
 */
static int lock_new_held(struct container *c, struct flock *fl, struct err *e)
{
	char path[PATH_MAX + 16], self[32];
	int fd, saved;

	ctr_path(c, "lock", path, sizeof(path));
	fd = open(c->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		/* a filesystem without O_TMPFILE: the old window, briefly */
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_CREAT | O_EXCL, 0600);
		if (fd < 0)
			return err_sys(e, errno, "open %s", path);
		if (fcntl(fd, F_SETLK, fl) == 0)
			return fd;
		saved = errno;
		goto fail;
	}
	if (fcntl(fd, F_SETLK, fl) < 0) {
		saved = errno;
		goto fail;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, self, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 ||
	    (errno == ENOENT && linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH) == 0))
		return fd;
	saved = errno;
fail:
	close(fd);
	return err_sys(e, saved, "lock %s", path);
}

int ctr_lock(struct container *c, bool create, struct err *e)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char path[PATH_MAX + 16];
	struct stat st;
	int fd;

	if (create) {
		fd = lock_new_held(c, &fl, e);
		if (fd < 0)
			return -1;
		c->lock_fd = fd;
		return 0;
	}
	/* only create makes the lock: a waiter must never make a new one */
	ctr_path(c, "lock", path, sizeof(path));
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT) {
		/* a create killed between mkdir and the lock left a bare dir */
		if (stat(c->dir, &st) == 0)
			return 0;
		return err_set(e, ENOENT, "container \"%s\" does not exist", c->id);
	}
	if (fd < 0)
		return err_sys(e, errno, "open %s", path);
	while (fcntl(fd, F_SETLKW, &fl) < 0) {
		if (errno != EINTR) {
			int saved = errno;

			close(fd);
			return err_sys(e, saved, "lock %s", path);
		}
	}
	/* the holder before us may have deleted the container */
	if (fstat(fd, &st) < 0 || st.st_nlink == 0) {
		close(fd);
		return err_set(e, ENOENT, "container \"%s\" does not exist", c->id);
	}
	c->lock_fd = fd;
	return 0;
}

int ctr_load_locked(struct container *c, const char *root, const char *id, struct err *e)
{
	int r = ctr_load(c, root, id, e), fd;

	if (r < 0 || (r = ctr_lock(c, false, e)) < 0)
		return r;
	fd = c->lock_fd;
	r = ctr_load(c, root, id, e);
	c->lock_fd = fd;
	return r;
}

/* A zombie init has stopped even though its pid is still there. */
bool ctr_alive(const struct container *c)
{
	unsigned long long t;
	char st;

	if (c->pid <= 0 || proc_stat(c->pid, &st, &t) < 0)
		return false;
	return t == c->start_time && st != 'Z' && st != 'X';
}

static bool is_paused(const struct container *c)
{
	struct cg cg;
	struct err e;

	return IS_ENABLED(CONFIG_FREEZER) && c->cgroup[0] &&
	       cg_open(&cg, c->cgroup, c->id, &e) == 0 && cg_frozen(&cg);
}

/*
 * No state.json yet: is the lock there and free, i.e. did the create that
 * holds it until it exits die midway?  Our own lock says the same, and must
 * not be probed: closing any fd of the file would drop it.
 */
static bool create_died(const struct container *c)
{
	struct flock fl = { .l_type = F_WRLCK };	/* the whole file */
	char path[PATH_MAX + 16];
	bool died;
	int fd;

	if (c->lock_fd >= 0)
		return true;
	ctr_path(c, "lock", path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	died = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type == F_UNLCK;
	close(fd);
	return died;
}

enum ctr_status ctr_status(const struct container *c)
{
	char fifo[PATH_MAX + 16];

	if (!c->has_state)
		return create_died(c) ? CTR_STOPPED : CTR_CREATING;
	if (!ctr_alive(c))
		return CTR_STOPPED;
	ctr_path(c, "exec.fifo", fifo, sizeof(fifo));
	if (access(fifo, F_OK) == 0)
		return CTR_CREATED;
	return is_paused(c) ? CTR_PAUSED : CTR_RUNNING;
}

const char *ctr_status_name(enum ctr_status s)
{
	static const char *const names[] = {
		[CTR_CREATING] = "creating", [CTR_CREATED] = "created",
		[CTR_RUNNING] = "running", [CTR_PAUSED] = "paused",
		[CTR_STOPPED] = "stopped",
	};
	return names[s];
}

/* One fd only: a create undone for want of fds must still get its dir removed. */
/* Every file in dir, then dir. */
static int remove_tree(const char *dir, struct err *e)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW), r = 0;
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		r = errno;
		if (dfd >= 0)
			close(dfd);
		return r == ENOENT ? 0 : err_sys(e, r, "open %s", dir);
	}
	while (r == 0 && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    unlinkat(dfd, de->d_name, 0) < 0 && errno != ENOENT)
			r = err_sys(e, errno, "remove %s/%s", dir, de->d_name);
	closedir(d);
	if (r == 0 && rmdir(dir) < 0 && errno != ENOENT)
		r = err_sys(e, errno, "remove %s", dir);
	return r;
}

/*
 * The container goes at once: its dir is renamed to "<root>/.gone:<id>"
 * (':' is in no id), then emptied.  Removed in place, a poller would see
 * the last moments of a dir being emptied (no state.json, then no lock)
 * as a create that has not begun: "creating" after "stopped".  A delete
 * killed midway leaves the renamed dir, which the next delete of the same
 * id (or its --force on a container already gone) removes.
 */
int ctr_remove_dir(const struct container *c, struct err *e)
{
	char gone[PATH_MAX + 16];
	size_t root = strrchr(c->dir, '/') - c->dir;

	snprintf(gone, sizeof(gone), "%.*s/.gone:%s", (int)root, c->dir, c->id);
	if (remove_tree(gone, e) < 0)
		return -e->code;
	if (rename(c->dir, gone) < 0)
		return errno == ENOENT ? 0 : remove_tree(c->dir, e);
	return remove_tree(gone, e);
}

/* The pid namespace inode of pid, as "pid:[4026531836]"; "" if unreadable. */
static void pidns_of(const char *pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%s/ns/pid", pid);
	n = readlink(path, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
}

/*
 * Without a cgroup, the container's processes are those in init's pid
 * namespace; a container sharing keel's pid namespace cannot be told apart.
 */
static int pidns_pids(const struct container *c, pid_t **pids, size_t *n, struct err *e)
{
	char self[64], want[64], pid[16], have[64];
	struct dirent *de;
	DIR *d;

	snprintf(pid, sizeof(pid), "%d", (int)c->pid);
	pidns_of(pid, want, sizeof(want));
	pidns_of("self", self, sizeof(self));
	if (!want[0] || !strcmp(want, self))
		return err_set(e, ENOTSUP, "container %s has no cgroup and no pid namespace of "
			       "its own: cannot find its processes", c->id);
	d = opendir("/proc");
	if (!d)
		return err_sys(e, errno, "open /proc");
	while ((de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pidns_of(de->d_name, have, sizeof(have));
		if (strcmp(have, want))
			continue;
		*pids = xrealloc(*pids, (*n + 1) * sizeof(**pids));
		(*pids)[(*n)++] = atoi(de->d_name);
	}
	closedir(d);
	return 0;
}

static bool owns(const struct container *c, pid_t pid);

int ctr_pids(const struct container *c, pid_t **pids, size_t *n, struct err *e)
{
	struct cg cg;

	*pids = NULL;
	*n = 0;
	if (!ctr_alive(c))
		return 0;
	if (c->cgroup[0] && cg_open(&cg, c->cgroup, c->id, e) == 0 && cg_tracks(&cg)) {
		size_t k = 0;

		if (cg_pids(&cg, pids, n, e) < 0)
			return -e->code;
		/* a shared or the host's cgroup: the container's own only */
		for (size_t i = 0; i < *n; i++)
			if (owns(c, (*pids)[i]))
				(*pids)[k++] = (*pids)[i];
		*n = k;
		return 0;
	}
	err_clear(e);
	return pidns_pids(c, pids, n, e);
}

/* Inode of /proc/<pid>/ns/<name> (pid 0: self); 0 if unreadable. */
static unsigned long long ns_ino(pid_t pid, const char *name)
{
	char path[64];
	struct stat st;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	return stat(path, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

void ctr_record_ns(struct container *c)
{
	unsigned long long pidns = ns_ino(c->pid, "pid"), mntns = ns_ino(c->pid, "mnt");

	c->pidns = pidns != ns_ino(0, "pid") ? pidns : 0;
	c->mntns = mntns != ns_ino(0, "mnt") ? mntns : 0;
}

/* pid is init, dead or alive (a zombie not yet reaped is still listed) */
static bool is_init(const struct container *c, pid_t pid)
{
	unsigned long long t;
	char st;

	return pid == c->pid && proc_stat(pid, &st, &t) == 0 && t == c->start_time;
}

static bool owns(const struct container *c, pid_t pid)
{
	if (is_init(c, pid))
		return true;
	/*
	 * What is left of a pid namespace after its init died is dying with
	 * it, and still ours; the inode is not reused while any of it lives.
	 */
	if (c->pidns)
		return ns_ino(pid, "pid") == c->pidns;
	if (c->mntns)
		return ns_ino(pid, "mnt") == c->mntns;
	/* no namespace tells them apart (or a create died before state.json) */
	return c->cg_made;
}

bool ctr_cgroup_made(const char *root, const char *self, const char *path)
{
	DIR *d = opendir(root);
	struct dirent *de;
	bool made = false;

	while (d && !made && (de = readdir(d))) {
		struct container c;
		struct err e;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, self) ||
		    ctr_load(&c, root, de->d_name, &e) < 0)
			continue;
		made = c.cg_made && c.has_state && !strcmp(c.cgroup, path);
	}
	if (d)
		closedir(d);
	return made;
}

int ctr_wait_gone(const struct container *c, struct err *e)
{
	for (int i = 0; i < 500; i++) {
		if (!ctr_alive(c))
			return 0;
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
	return err_set(e, ETIMEDOUT, "container init (pid %d) did not die", (int)c->pid);
}

int ctr_cg_destroy(const struct container *c, struct cg *cg, bool kill_own, struct err *e)
{
	_cleanup_free_ pid_t *pids = NULL;
	bool alive = ctr_alive(c);
	size_t n = 0, k = 0;

	cg->made = c->cg_made;
	cg->alone = true;
	if (cg_pids(cg, &pids, &n, e) < 0 && e->code != ENOENT)
		return -e->code;
	err_clear(e);
	/* whose is whose is decided while init still lives, then they die */
	for (size_t i = 0; i < n; i++) {
		if (owns(c, pids[i]))
			pids[k++] = pids[i];
		else
			cg->alone = false;
	}
	if (kill_own) {
		if (alive)
			kill(c->pid, SIGKILL);
		for (size_t i = 0; i < k; i++)
			kill(pids[i], SIGKILL);
		if (alive && ctr_wait_gone(c, e) < 0)
			return -e->code;
	}
	return cg_destroy(cg, e);
}

/* poststart and poststop: a failure is reported and the lifecycle goes on. */
void cmd_hooks_after(const struct container *c, const struct spec *s,
		     enum spec_hook_kind kind, enum ctr_status st)
{
	_cleanup_free_ char *state = NULL;
	struct err e = { 0 };

	if (!s || !hooks_any(s, kind))
		return;
	state = ctr_state_json(c, st, s, false);
	/* runtime-spec: these failures must not stop the lifecycle */
	for (size_t i = 0; i < s->hooks->count[kind]; i++)
		if (hooks_run_one(s, kind, i, state, &e) < 0)
			log_warn("%s", e.msg);
}

int ctr_start(const struct container *c, struct err *e)
{
	char fifo[PATH_MAX + 16], done[PATH_MAX + 16];

	ctr_path(c, "exec.fifo", fifo, sizeof(fifo));
	ctr_path(c, "exec.done", done, sizeof(done));
	return ns_start(fifo, done, e);
}
