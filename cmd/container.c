// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cg/cg.h"
#include "cmd/container.h"
#include "lib/cleanup.h"
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

/* Values are escaped so that a path with '\n' cannot forge another key. */
static void put(FILE *f, const char *key, const char *val)
{
	fprintf(f, "%s=", key);
	for (const char *p = val; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
	fputc('\n', f);
}

int ctr_save(const struct container *c, struct err *e)
{
	char path[PATH_MAX + 16], num[32];
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return err_sys(e, errno, "open_memstream");
	fputs("# keel container state\n", f);
	snprintf(num, sizeof(num), "%d", (int)c->pid);
	put(f, "pid", num);
	snprintf(num, sizeof(num), "%llu", c->start_time);
	put(f, "start_time", num);
	put(f, "bundle", c->bundle);
	put(f, "rootfs", c->rootfs);
	put(f, "created", c->created);
	snprintf(num, sizeof(num), "%u", (unsigned)c->owner);
	put(f, "owner", num);
	put(f, "cgroup", c->cgroup);
	fclose(f);
	ctr_path(c, "state", path, sizeof(path));
	return write_file_atomic(path, buf, len, 0600, e);
}

static int unescape_into(char *dst, size_t size, const char *src, const char *key,
			 struct err *e)
{
	size_t n = 0;

	for (const char *p = src; *p; p++) {
		char ch = *p;

		if (ch == '\\') {
			p++;
			if (*p == 'n')
				ch = '\n';
			else if (*p == '\\')
				ch = '\\';
			else
				return err_set(e, EINVAL, "state: %s: bad escape", key);
		}
		if (n + 1 >= size)
			return err_set(e, EINVAL, "state: %s: too long", key);
		dst[n++] = ch;
	}
	dst[n] = '\0';
	return 0;
}

static int parse_num(const char *v, unsigned long long max, unsigned long long *out,
		     const char *key, struct err *e)
{
	char *end;

	errno = 0;
	*out = strtoull(v, &end, 10);
	if (!*v || *end || errno || *out > max || *v == '-')
		return err_set(e, EINVAL, "state: %s: bad number \"%s\"", key, v);
	return 0;
}

static int parse_line(struct container *c, char *line, struct err *e)
{
	char *eq = strchr(line, '=');
	unsigned long long n;
	const char *key = line, *val;
	int r = 0;

	if (!eq)
		return err_set(e, EINVAL, "state: malformed line");
	*eq = '\0';
	val = eq + 1;
	if (!strcmp(key, "pid")) {
		r = parse_num(val, 0x7fffffff, &n, key, e);
		c->pid = n;
	} else if (!strcmp(key, "start_time")) {
		r = parse_num(val, ~0ULL, &c->start_time, key, e);
	} else if (!strcmp(key, "owner")) {
		r = parse_num(val, 0xffffffffu, &n, key, e);
		c->owner = n;
	} else if (!strcmp(key, "bundle")) {
		r = unescape_into(c->bundle, sizeof(c->bundle), val, key, e);
	} else if (!strcmp(key, "rootfs")) {
		r = unescape_into(c->rootfs, sizeof(c->rootfs), val, key, e);
	} else if (!strcmp(key, "created")) {
		r = unescape_into(c->created, sizeof(c->created), val, key, e);
	} else if (!strcmp(key, "cgroup")) {
		r = unescape_into(c->cgroup, sizeof(c->cgroup), val, key, e);
	}
	/* unknown keys: written by a newer keel; ignore */
	return r;
}

int ctr_parse_state(struct container *c, const char *text, struct err *e)
{
	_cleanup_free_ char *copy = xstrdup(text);
	char *save = NULL;

	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		int r;

		if (*l == '#')
			continue;
		r = parse_line(c, l, e);
		if (r < 0)
			return r;
	}
	if (c->pid <= 0)
		return err_set(e, EINVAL, "state: no pid");
	c->has_state = true;
	return 0;
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
	ctr_path(c, "state", path, sizeof(path));
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

/* A zombie init has stopped even though its pid is still there. */
int ctr_lock(struct container *c, bool create, struct err *e)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char path[PATH_MAX + 16];
	struct stat st;
	int fd;

	ctr_path(c, "lock", path, sizeof(path));
	/* only create makes the lock: a waiter must never make a new one */
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT | O_EXCL : 0), 0600);
	if (fd < 0 && errno == ENOENT && !create) {
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

enum ctr_status ctr_status(const struct container *c)
{
	char fifo[PATH_MAX + 16];

	if (!c->has_state)
		return CTR_CREATING;
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

int ctr_remove_dir(const struct container *c, struct err *e)
{
	_cleanup_close_ int dfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	DIR *d;
	struct dirent *de;

	if (dfd < 0)
		return errno == ENOENT ? 0 : err_sys(e, errno, "open %s", c->dir);
	d = fdopendir(dup(dfd));
	if (!d)
		return err_sys(e, errno, "opendir %s", c->dir);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, "lock"))
			continue;
		if (unlinkat(dfd, de->d_name, 0) < 0 && errno != ENOENT) {
			int saved = errno;

			closedir(d);
			return err_sys(e, saved, "remove %s/%s", c->dir, de->d_name);
		}
	}
	closedir(d);
	/* the lock goes last: a waiter then finds it unlinked and gives up */
	unlinkat(dfd, "lock", 0);
	if (rmdir(c->dir) < 0 && errno != ENOENT)
		return err_sys(e, errno, "remove %s", c->dir);
	return 0;
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

int ctr_pids(const struct container *c, pid_t **pids, size_t *n, struct err *e)
{
	struct cg cg;

	*pids = NULL;
	*n = 0;
	if (!ctr_alive(c))
		return 0;
	if (c->cgroup[0] && cg_open(&cg, c->cgroup, c->id, e) == 0 && cg_tracks(&cg))
		return cg_pids(&cg, pids, n, e);
	err_clear(e);
	return pidns_pids(c, pids, n, e);
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
	if (hooks_run(s, kind, state, &e) < 0)
		log_warn("%s", e.msg);
}
