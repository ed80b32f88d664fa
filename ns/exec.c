// SPDX-License-Identifier: MIT
/*
 * exec: a second process in a running container.  keel (already re-run from
 * a sealed memfd, see lib/selfexec.c) opens the namespaces and root of the
 * container's init, enters its pid namespace (which only affects children)
 * and forks.  The child joins the cgroup while the host's cgroupfs is still
 * in view, then the other namespaces (user first, mount last), chroots to
 * init's root, and sets the process up as init does for the first one.
 * Errors travel back as a struct err; a successful execve closes the socket.
 */
#include <fcntl.h>
#include <sched.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "ns/ns-internal.h"
#include "seccomp/sc.h"

/* The order setns wants: user first (it grants the rights for the rest). */
static const struct {
	const char *name;
	int flag;
} join_order[] = {
	{ "user", CLONE_NEWUSER }, { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
	{ "net", CLONE_NEWNET }, { "cgroup", CLONE_NEWCGROUP }, { "mnt", CLONE_NEWNS },
};

#define N_JOIN (sizeof(join_order) / sizeof(join_order[0]))

struct targets {
	int ns[N_JOIN];		/* -1: the same as ours, nothing to join */
	int pidns, timens, root;	/* pid and time: entered before the fork */
};

static void close_targets(struct targets *t)
{
	for (size_t i = 0; i < N_JOIN; i++)
		if (t->ns[i] >= 0)
			close(t->ns[i]);
	if (t->pidns >= 0)
		close(t->pidns);
	if (t->timens >= 0)
		close(t->timens);
	if (t->root >= 0)
		close(t->root);
}

/* fd of init's namespace "name", or -1 if it is ours already. */
static int ns_fd(pid_t pid, const char *name, struct err *e)
{
	char path[64], self[64];
	struct stat a, b;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	snprintf(self, sizeof(self), "/proc/self/ns/%s", name);
	if (stat(path, &a) < 0)
		return errno == ENOENT ? -1 : err_sys(e, errno, "stat %s", path);
	if (stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? err_sys(e, errno, "open %s", path) : fd;
}

static int open_targets(const struct ns_exec_args *a, struct targets *t, struct err *e)
{
	unsigned long long start;
	char path[64];

	for (size_t i = 0; i < N_JOIN; i++) {
		t->ns[i] = ns_fd(a->init_pid, join_order[i].name, e);
		if (t->ns[i] < -1)
			return t->ns[i];
	}
	t->pidns = ns_fd(a->init_pid, "pid", e);
	if (t->pidns < -1)
		return t->pidns;
	t->timens = ns_fd(a->init_pid, "time", e);
	if (t->timens < -1)
		return t->timens;
	snprintf(path, sizeof(path), "/proc/%d/root", (int)a->init_pid);
	t->root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (t->root < 0)
		return err_sys(e, errno, "open %s", path);
	/* all of it was opened from the right process, not a reused pid */
	if (proc_start_time(a->init_pid, &start) < 0 || start != a->init_start)
		return err_set(e, ESRCH, "container init exited");
	return 0;
}

static int join(const struct ns_exec_args *a, const struct targets *t, struct err *e)
{
	struct spec with_proc = *a->spec;
	int r;

	with_proc.process = (struct spec_process *)a->proc;
	r = proc_setup_oom(a->proc, e);
	if (r == 0)
		r = proc_setup_sched(&with_proc, e);

	if (r == 0 && a->join_cgroup)
		r = a->join_cgroup(a->data, e);

	for (size_t i = 0; r == 0 && i < N_JOIN; i++)
		if (t->ns[i] >= 0 && setns(t->ns[i], join_order[i].flag) < 0)
			r = err_sys(e, errno, "join the container's %s namespace", join_order[i].name);
	/* setns(mnt) put us at the namespace's root; init may be chrooted below it */
	if (r == 0 && (fchdir(t->root) < 0 || chroot(".") < 0 || chdir("/") < 0))
		r = err_sys(e, errno, "enter the container's root");
	return r;
}

static int setup_child(const struct ns_exec_args *a, const struct targets *t, int sock,
		       char *exe, size_t len, struct err *e)
{
	const struct spec_process *p = a->proc;
	char name[64];
	int master, r;

	r = join(a, t, e);
	if (r == 0 && p->terminal) {
		r = console_setup(p, false, &master, name, sizeof(name), e);
		if (r == 0) {
			r = sync_send_fd(sock, SYNC_CONSOLE, name, master);
			close(master);
		}
	}
	if (r == 0)
		r = proc_enter_cwd(p->cwd, e);
	if (r == 0)
		r = proc_resolve_exec(p, exe, len, e);
	if (r == 0)
		r = proc_setup_limits(p, e);
	return r;
}

/*
 * Our pid as keel sees it: getpid() answers in the container's pid
 * namespace, the host's /proc (still ours until the mount namespace is
 * joined) in keel's.
 */
static pid_t self_host_pid(void)
{
	char buf[24];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return atoi(buf);
}

static __attribute__((noreturn)) void child(const struct ns_exec_args *a,
					    const struct targets *t, int sock, int listener_fd)
{
	struct proc_tail tail = {
		.proc = a->proc, .seccomp = a->spec->linux.seccomp, .listener_fd = listener_fd,
		.host_pid = self_host_pid(), .state = a->state, .keep_fds = 3 + a->preserve_fds,
		.keep = { sock }, .nkeep = 1,	/* SYNC_ERR until execve */
	};
	struct err e = { 0 };
	char exe[4096];

	signal(SIGPIPE, SIG_DFL);
	if (setup_child(a, t, sock, exe, sizeof(exe), &e) == 0 && proc_seal(&tail, &e) == 0) {
		execve(exe, a->proc->args, a->proc->env ? a->proc->env : (char *[]){ NULL });
		err_sys(&e, errno, "exec %s", exe);
	}
	sync_send(sock, SYNC_ERR, &e);
	_exit(127);
}

/* Until the socket closes (execve happened): a console, or an error. */
static int wait_exec(int sock, pid_t *pid, struct ns_init_result *res, struct err *e)
{
	struct sync_msg m;
	int fd;

	for (;;) {
		int r = sync_recv(sock, &m, &fd);

		if (r == -EPIPE || r == 0) {
			if (r == -EPIPE)	/* EOF: the exec went through */
				return 0;
			if (m.type == SYNC_CONSOLE && fd >= 0 && res->console_master < 0) {
				res->console_master = fd;
				snprintf(res->console_name, sizeof(res->console_name), "%s", m.err.msg);
				continue;
			}
			if (fd >= 0)
				close(fd);
			if (m.type == SYNC_ERR) {
				*e = m.err;
				waitpid(*pid, NULL, 0);
				*pid = -1;
				return -(e->code ? e->code : EINVAL);
			}
		}
		return err_set(e, EPROTO, "exec: lost the new process");
	}
}

int ns_exec(const struct ns_exec_args *a, struct ns_init_result *res, struct err *e)
{
	struct targets t = { .pidns = -1, .timens = -1, .root = -1 };
	_cleanup_close_ int sock = -1, listener_fd = -1;
	_cleanup_pid_ pid_t pid = -1;
	int sv[2], r;

	for (size_t i = 0; i < N_JOIN; i++)
		t.ns[i] = -1;
	res->console_master = -1;
	r = open_targets(a, &t, e);
	/* on the host, where listenerPath is; the child sends over it */
	if (r == 0 && ns_wants_listener(a->spec)) {
		listener_fd = sc_listener_connect(a->spec->linux.seccomp->listener_path, e);
		r = listener_fd < 0 ? listener_fd : 0;
	}
	if (r == 0 && t.pidns >= 0 && setns(t.pidns, CLONE_NEWPID) < 0)
		r = err_sys(e, errno, "join the container's pid namespace");
	if (r == 0 && t.timens >= 0 && setns(t.timens, CLONE_NEWTIME) < 0)
		r = err_sys(e, errno, "join the container's time namespace");
	if (r == 0 && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		r = err_sys(e, errno, "socketpair");
	if (r < 0) {
		close_targets(&t);
		return r;
	}
	sock = sv[0];
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		child(a, &t, sv[1], listener_fd);
	}
	close(sv[1]);
	close_targets(&t);
	if (pid < 0)
		return err_sys(e, errno, "fork");
	r = wait_exec(sock, &pid, res, e);
	if (r < 0)
		return r;
	res->pid = steal_pid(&pid);
	return 0;
}
