// SPDX-License-Identifier: MIT
/*
 * The parent side: clone init into new namespaces, let it go once the
 * caller placed it in its cgroup (and user namespace maps are written), and
 * wait for init's "ready".
 */
#include <fcntl.h>
#include <sched.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "lib/util.h"
#include "ns/ns-internal.h"
#include "seccomp/sc.h"

/*
 * Plain write(), not sendmsg(): init sends "ready" with the container's
 * seccomp filter loaded, and any profile that lets a process run allows
 * write.  A SOCK_SEQPACKET write is one message.
 */
int sync_send(int fd, int type, const struct err *e)
{
	struct sync_msg m = { .type = type };
	ssize_t n;

	if (e)
		m.err = *e;
	do
		n = write(fd, &m, sizeof(m));
	while (n < 0 && errno == EINTR);
	return n == sizeof(m) ? 0 : n < 0 ? -errno : -EMSGSIZE;
}

int sync_send_fd(int fd, int type, const char *text, int passfd)
{
	struct sync_msg m = { .type = type };

	snprintf(m.err.msg, sizeof(m.err.msg), "%s", text);
	return fd_send(fd, &m, sizeof(m), passfd);
}

int sync_recv(int fd, struct sync_msg *m, int *passfd)
{
	ssize_t n = fd_recv(fd, m, sizeof(*m), passfd);

	if (n < 0)
		return n;
	m->err.msg[sizeof(m->err.msg) - 1] = '\0';
	return n == sizeof(*m) ? 0 : -EPIPE;
}

int ns_check(const struct spec *s, struct err *e)
{
	const struct spec_ns *user = spec_ns_find(s, SPEC_NS_USER);

	if (!IS_ENABLED(CONFIG_USERNS) && (user || s->linux.n_uid_mappings))
		return err_set(e, ENOTSUP, "linux.namespaces: user namespace: this keel was built without CONFIG_USERNS");
	if (user && !user->path && (!s->linux.n_uid_mappings || !s->linux.n_gid_mappings))
		return err_set(e, EINVAL, "linux.uidMappings: a new user namespace needs uidMappings and gidMappings");
	if (sysctl_check(s, e) < 0)
		return -e->code;
	if (s->linux.has_time_offsets &&
	    (!spec_ns_find(s, SPEC_NS_TIME) || spec_ns_find(s, SPEC_NS_TIME)->path))
		return err_set(e, EINVAL, "linux.timeOffsets: needs a new time namespace");
	return 0;
}

/*
 * Two namespaces are not made by the clone.  CLONE_NEWTIME shares its bit
 * with the exit signal in clone()'s flags: the time namespace is made by
 * unshare() before the clone (enter_time_ns).  The cgroup namespace must be
 * rooted at the container's cgroup, which init joins only after the clone:
 * init unshares it then (ns/init.c).
 */
static unsigned long clone_flags(const struct spec *s)
{
	unsigned long f = 0;

	for (size_t i = 0; i < s->linux.n_namespaces; i++) {
		const struct spec_ns *ns = &s->linux.namespaces[i];

		if (!ns->path && ns->type != SPEC_NS_TIME && ns->type != SPEC_NS_CGROUP)
			f |= ns->clone_flag;
	}
	return f;
}

static int write_offsets(const struct spec_time_offsets *t, struct err *e)
{
	char buf[128];
	int n = 0;

	if (t->has_monotonic)
		n += snprintf(buf + n, sizeof(buf) - n, "monotonic %lld %u\n",
			      (long long)t->monotonic.secs, t->monotonic.nanosecs);
	if (t->has_boottime)
		n += snprintf(buf + n, sizeof(buf) - n, "boottime %lld %u\n",
			      (long long)t->boottime.secs, t->boottime.nanosecs);
	if (n && write_file("/proc/self/timens_offsets", buf, n, e) < 0)
		return err_wrap(e, "linux.timeOffsets");
	return 0;
}

/*
 * A time namespace only takes effect for children, and its offsets can only
 * be set before any process lives in it: unshare here, set them, then clone
 * init into it.  Joining one by path works the same way, through setns.
 */
static int enter_time_ns(const struct spec *s, struct err *e)
{
	const struct spec_ns *ns = spec_ns_find(s, SPEC_NS_TIME);
	_cleanup_close_ int fd = -1;

	if (!ns)
		return 0;
	if (!ns->path) {
		if (unshare(CLONE_NEWTIME) < 0)
			return err_sys(e, errno, "linux.namespaces: new time namespace");
		return write_offsets(&s->linux.time_offsets, e);
	}
	fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWTIME) < 0)
		return err_sys(e, errno, "linux.namespaces: join time namespace %s", ns->path);
	return 0;
}

/*
 * A pid namespace given by path must be entered before the clone: setns on
 * CLONE_NEWPID only affects children.  This process exits soon anyway.
 */
static int join_pid_ns(const struct spec *s, struct err *e)
{
	const struct spec_ns *ns = spec_ns_find(s, SPEC_NS_PID);
	_cleanup_close_ int fd = -1;

	if (!ns || !ns->path)
		return 0;
	fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, errno, "linux.namespaces: open %s", ns->path);
	if (setns(fd, CLONE_NEWPID) < 0)
		return err_sys(e, errno, "linux.namespaces: setns %s", ns->path);
	return 0;
}

/* fork()-like clone: no new stack, the child returns 0 here. */
static pid_t clone_init(unsigned long flags)
{
	return syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
}

/*
 * Joining a user namespace by path: the namespaces init gets must belong to
 * that user namespace, so they are made by a clone from inside it.  keel
 * itself must stay outside (it writes the host's cgroupfs and --root), so a
 * short-lived helper joins, clones init and reports its pid.  init is then
 * not our child: "run" is a child subreaper, and create exits anyway.
 * Returns init's pid, or 0 in init.
 */
static pid_t clone_in_userns(const char *path, unsigned long flags, struct err *e)
{
	_cleanup_close_ int ufd = open(path, O_RDONLY | O_CLOEXEC);
	int p[2], status;
	pid_t helper, pid = -1;

	if (ufd < 0)
		return err_sys(e, errno, "linux.namespaces: open %s", path);
	if (pipe2(p, O_CLOEXEC) < 0)
		return err_sys(e, errno, "pipe");
	helper = fork();
	if (helper == 0) {
		close(p[0]);
		if (setns(ufd, CLONE_NEWUSER) < 0)
			_exit(1);
		pid = clone_init(flags & ~(unsigned long)CLONE_NEWUSER);
		if (pid == 0) {
			close(p[1]);
			return 0;
		}
		(void)!write(p[1], &pid, sizeof(pid));
		_exit(pid < 0);
	}
	close(p[1]);
	if (helper < 0 || read_all(p[0], &pid, sizeof(pid)) != sizeof(pid))
		pid = -1;
	close(p[0]);
	if (helper > 0)
		waitpid(helper, &status, 0);
	if (pid <= 0)
		return err_set(e, EPERM, "linux.namespaces: cannot clone into user namespace %s", path);
	return pid;
}

static int reap_error(pid_t *pid, struct err *e)
{
	int status = 0;

	while (waitpid(*pid, &status, 0) < 0 && errno == EINTR)
		;
	*pid = -1;
	if (WIFSIGNALED(status))
		return err_set(e, ECHILD, "container init killed by signal %d during setup", WTERMSIG(status));
	return err_set(e, ECHILD, "container init exited with status %d during setup", WEXITSTATUS(status));
}

/*
 * With a seccomp listenerPath: connect to it here, on the host, and hand
 * init the socket (and its pid as keel sees it) for the notify fd it will
 * have once the filter is loaded.
 */
static int send_listener(const struct spec *s, int fd, pid_t pid, struct err *e)
{
	_cleanup_close_ int sk = -1;
	char text[24];
	int r;

	if (!ns_wants_listener(s))
		return 0;
	sk = sc_listener_connect(s->linux.seccomp->listener_path, e);
	if (sk < 0)
		return sk;
	snprintf(text, sizeof(text), "%d", (int)pid);
	r = sync_send_fd(fd, SYNC_LISTENER, text, sk);
	return r < 0 ? err_sys(e, -r, "sync with container init") : 0;
}

/* Mounts done: run the runtime-namespace hooks, pass the state to init. */
static int mounted(const struct ns_init_args *a, int fd, pid_t pid, struct err *e)
{
	_cleanup_free_ char *state = NULL;
	_cleanup_close_ int mfd = -1;
	int r;

	r = a->on_mounted ? a->on_mounted(pid, a->data, &state, e) : 0;
	if (r < 0)
		return r;
	mfd = memfd_create("keel-state", MFD_CLOEXEC);
	if (mfd < 0 || write_all(mfd, state ? state : "", state ? strlen(state) : 0) < 0)
		return err_sys(e, errno, "hooks: state memfd");
	r = sync_send_fd(fd, SYNC_HOOKS_DONE, "", mfd);
	if (r < 0)
		return err_sys(e, -r, "sync with container init");
	return send_listener(a->spec, fd, pid, e);
}

/* Init's messages until "ready": maybe a console master first, or an error. */
static int wait_ready(const struct ns_init_args *a, int fd, pid_t *pidp,
		      struct ns_init_result *res, struct err *e)
{
	struct sync_msg m;
	int passfd;

	for (;;) {
		if (sync_recv(fd, &m, &passfd) < 0)
			return reap_error(pidp, e);
		switch (m.type) {
		case SYNC_READY:
			return 0;
		case SYNC_CONSOLE:
			if (passfd < 0 || res->console_master >= 0)
				break;
			res->console_master = passfd;
			snprintf(res->console_name, sizeof(res->console_name), "%s", m.err.msg);
			continue;
		case SYNC_MOUNTED:
			if (passfd >= 0)
				break;
			if (mounted(a, fd, *pidp, e) < 0)
				return -e->code;
			continue;
		case SYNC_ERR:
			*e = m.err;
			return -(e->code ? e->code : EINVAL);
		}
		if (passfd >= 0)
			close(passfd);
		return err_set(e, EPROTO, "container init: bad sync message");
	}
}

static int parent_side(const struct ns_init_args *a, pid_t *pidp, int fd,
		       struct ns_init_result *res, struct err *e)
{
	int r;

	r = userns_write_maps(*pidp, a->spec, e);
	if (r == 0 && a->before_go)
		r = a->before_go(*pidp, a->data, e);
	if (r < 0)
		return r;
	if (sync_send(fd, SYNC_GO, NULL) < 0)
		return reap_error(pidp, e);
	r = wait_ready(a, fd, pidp, res, e);
	if (r < 0 && res->console_master >= 0) {
		close(res->console_master);
		res->console_master = -1;
	}
	return r;
}

int ns_create_init(const struct ns_init_args *a, struct ns_init_result *res, struct err *e)
{
	_cleanup_pid_ pid_t pid = -1;
	_cleanup_close_ int parent_fd = -1;
	const struct spec_ns *user;
	int sv[2], r;

	r = join_pid_ns(a->spec, e);
	if (r == 0)
		r = enter_time_ns(a->spec, e);
	if (r < 0)
		return r;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return err_sys(e, errno, "socketpair");
	parent_fd = sv[0];
	user = spec_ns_find(a->spec, SPEC_NS_USER);
	if (user && user->path)
		pid = clone_in_userns(user->path, clone_flags(a->spec), e);
	else if ((pid = clone_init(clone_flags(a->spec))) < 0)
		pid = err_sys(e, errno, "clone container init");
	if (pid < 0) {
		close(sv[1]);
		return pid;
	}
	if (pid == 0) {
		close(sv[0]);
		ns_init_main(a, sv[1]);
	}
	close(sv[1]);
	res->console_master = -1;
	res->console_name[0] = '\0';
	r = parent_side(a, &pid, parent_fd, res, e);
	if (r < 0)
		return r;
	res->pid = steal_pid(&pid);
	return 0;
}

/* Read exec.done until EOF: "0", then an error if init could not go on. */
static int read_done(int fd, struct err *e)
{
	char buf[sizeof(e->msg)];
	size_t len = 0;
	ssize_t n;

	if (fcntl(fd, F_SETFL, 0) < 0)
		return err_sys(e, errno, "exec.done: fcntl");
	for (;;) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (len += n) == sizeof(buf) - 1)
			break;
	}
	if (n < 0)
		return err_sys(e, errno, "exec.done: read");
	if (len == 0)
		return err_set(e, ESRCH, "container init exited before it was started");
	buf[len] = '\0';
	return len > 1 ? err_set(e, ECANCELED, "%s", buf + 1) : 0;
}

int ns_start(const char *fifo, const char *done, struct err *e)
{
	/* opened first: init's end of it is open for as long as init waits */
	_cleanup_close_ int dfd = open(done, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	/* O_NONBLOCK: with no reader (init gone) open fails instead of hanging */
	_cleanup_close_ int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	int r;

	if (fd < 0)
		return errno == ENXIO ? err_set(e, ESRCH, "container init is not running")
				      : err_sys(e, errno, "open %s", fifo);
	if (dfd < 0)
		return err_sys(e, errno, "open %s", done);
	/*
	 * From here on "state" says running.  Unlinked before the write: if
	 * keel dies in between, init reads EOF and exits (stopped), where the
	 * other order could leave it running while the fifo says "created".
	 */
	unlink(fifo);
	if (write(fd, "0", 1) != 1)
		return err_sys(e, errno, "write %s", fifo);
	/*
	 * Return only once the user's program runs: init writes "0" when
	 * released and its end closes at execve; a failure after that (a
	 * startContainer hook, execve itself) comes as text.  A signal sent
	 * after start returns then reaches the user's program, never keel's
	 * init, and poststart hooks see that program.
	 */
	r = read_done(dfd, e);
	unlink(done);
	return r;
}
