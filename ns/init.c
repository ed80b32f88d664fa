// SPDX-License-Identifier: MIT
/*
 * The container init, between clone and execve.  Order matters:
 *   1. wait for "go" (cgroup joined, id maps written)
 *   2. join namespaces given by path
 *   3. hostname, rootfs and mounts, pivot_root      (mount/)
 *   4. cwd, look up the program, rlimits
 *   5. seal: fds, seccomp, identity, capabilities, no_new_privs in the
 *      order the spec gives (ns/tail.c), so that from here on the process
 *      holds only what the spec grants
 *   6. report "ready", block on the exec fifo until "start"
 *   7. say "released" on exec.done, run the startContainer hooks, execve:
 *      exec.done's last writer is gone at execve (close-on-exec), which is
 *      how "start" knows that the user's program runs.
 * Errors before 6 travel back to create as a struct err; after it they go
 * to "start", through exec.done.
 */
#include <fcntl.h>
#include <linux/keyctl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "mount/mnt.h"
#include "ns/ns-internal.h"
#include "seccomp/sc.h"

static int join_namespaces(const struct spec *s, struct err *e)
{
	for (size_t i = 0; i < s->linux.n_namespaces; i++) {
		const struct spec_ns *ns = &s->linux.namespaces[i];
		_cleanup_close_ int fd = -1;

		/* pid, time and user were entered before the clone */
		if (!ns->path || ns->type == SPEC_NS_PID || ns->type == SPEC_NS_TIME ||
		    ns->type == SPEC_NS_USER)
			continue;
		fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return err_sys(e, errno, "linux.namespaces[%zu]: open %s", i, ns->path);
		if (setns(fd, ns->clone_flag) < 0)
			return err_sys(e, errno, "linux.namespaces[%zu]: setns %s", i, ns->path);
	}
	return 0;
}

static int set_names(const struct spec *s, struct err *e)
{
	if (s->hostname && *s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return err_sys(e, errno, "hostname: sethostname");
	if (s->domainname && *s->domainname &&
	    setdomainname(s->domainname, strlen(s->domainname)) < 0)
		return err_sys(e, errno, "domainname: setdomainname");
	return 0;
}

/*
 * Wait for "start".  The fifo was opened for reading before pivot_root (it
 * lives in keel's state dir, outside the container).  With no writer yet,
 * Linux's poll() on a fresh fifo reader does not report POLLHUP, so this
 * sleeps until start opens the write side and writes its byte.
 */
static int wait_for_start(int fifo_fd, struct err *e)
{
	struct pollfd p = { .fd = fifo_fd, .events = POLLIN };
	char c;

	for (;;) {
		int n = poll(&p, 1, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_sys(e, errno, "exec fifo: poll");
		if (read(fifo_fd, &c, 1) == 1)
			return 0;
		return err_set(e, EPIPE, "exec fifo: closed without start");
	}
}

/* The pty master goes to create, which hands it to --console-socket or run. */
static int setup_console(const struct spec_process *p, int sync_fd, struct err *e)
{
	char name[64];
	int master, r;

	if (!p->terminal)
		return 0;
	r = console_setup(p, true, &master, name, sizeof(name), e);
	if (r < 0)
		return r;
	r = sync_send_fd(sync_fd, SYNC_CONSOLE, name, master);
	close(master);
	return r < 0 ? err_sys(e, -r, "send the console to keel") : 0;
}

/* Does init need the state from keel (for hooks, or the seccomp listener)? */
static bool init_hooks(const struct spec *s)
{
	return hooks_any(s, SPEC_HOOK_PRESTART) || hooks_any(s, SPEC_HOOK_CREATE_RUNTIME) ||
	       hooks_any(s, SPEC_HOOK_CREATE_CONTAINER) || hooks_any(s, SPEC_HOOK_START_CONTAINER) ||
	       ns_wants_listener(s);
}

static int recv_listener(int sync_fd, struct proc_tail *t, struct err *e)
{
	struct sync_msg m;

	if (sync_recv(sync_fd, &m, &t->listener_fd) < 0 || m.type != SYNC_LISTENER ||
	    t->listener_fd < 0)
		return err_set(e, EPROTO, "linux.seccomp.listenerPath: bad sync message");
	t->host_pid = atoi(m.err.msg);
	return 0;
}

/*
 * Mounts are done: keel runs prestart and createRuntime hooks in its own
 * namespaces, then sends the state (a memfd) for the hooks that run here.
 */
static int sync_hooks(const struct spec *s, int sync_fd, char **state, struct proc_tail *t,
		      struct err *e)
{
	struct sync_msg m;
	int fd, r;

	if (sync_send(sync_fd, SYNC_MOUNTED, NULL) < 0 || sync_recv(sync_fd, &m, &fd) < 0)
		return err_set(e, EPIPE, "hooks: lost keel");
	if (m.type != SYNC_HOOKS_DONE || fd < 0) {
		if (fd >= 0)
			close(fd);
		return err_set(e, EPROTO, "hooks: bad sync message");
	}
	r = lseek(fd, 0, SEEK_SET) < 0 ? err_sys(e, errno, "hooks: state") : read_fd(fd, state, NULL, e);
	close(fd);
	if (r == 0 && ns_wants_listener(s))
		r = recv_listener(sync_fd, t, e);
	return r;
}

static int setup_rootfs(const struct ns_init_args *a, int sync_fd, char **state,
			struct proc_tail *t, struct err *e)
{
	const struct spec *s = a->spec;
	int rootfd = mnt_prepare(s, a->rootfs, a->mount_fds, e), r = 0;

	if (rootfd < 0)
		return rootfd;
	if (init_hooks(s))
		r = sync_hooks(s, sync_fd, state, t, e);
	/* createContainer: in the container's namespaces, before pivot_root */
	if (r == 0)
		r = hooks_run(s, SPEC_HOOK_CREATE_CONTAINER, *state, e);
	if (r < 0) {
		close(rootfd);
		return r;
	}
	return mnt_enter(s, rootfd, a->no_pivot, e);
}

static int setup(const struct ns_init_args *a, int sync_fd, char *exe, size_t exe_len,
		 char **state, struct proc_tail *t, struct err *e)
{
	const struct spec *s = a->spec;
	const struct spec_ns *ns;
	int r;

	r = proc_setup_oom(s->process, e);
	if (r == 0)
		r = proc_setup_sched(s, e);
	/*
	 * A session keyring of its own: otherwise the container shares the
	 * caller's, and with it whatever keys the host keeps there.
	 */
	if (r == 0 && a->new_keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 &&
	    errno != ENOSYS)
		r = err_sys(e, errno, "join a new session keyring");
	if (r == 0)
		r = join_namespaces(s, e);
	if (r == 0 && spec_ns_find(s, SPEC_NS_USER) && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		r = err_sys(e, errno, "become root in the user namespace");
	/* after create put us in the container's cgroup: that is the new root */
	if (r == 0 && (ns = spec_ns_find(s, SPEC_NS_CGROUP)) && !ns->path &&
	    unshare(CLONE_NEWCGROUP) < 0)
		r = err_sys(e, errno, "linux.namespaces: new cgroup namespace");
	if (r == 0)
		r = set_names(s, e);
	if (r == 0)
		r = proc_setup_sysctl(s, e);
	if (r == 0)
		r = setup_rootfs(a, sync_fd, state, t, e);
	if (r < 0 || !s->process)
		return r;
	r = setup_console(s->process, sync_fd, e);
	if (r < 0)
		return r;
	r = proc_enter_cwd(s->process->cwd, e);
	if (r < 0)
		return r;
	r = proc_resolve_exec(s->process, exe, exe_len, e);
	if (r == 0)
		r = proc_setup_limits(s->process, e);
	if (r == 0) {
		t->proc = s->process;
		t->seccomp = s->linux.seccomp;
		t->state = *state;
		t->keep_fds = 3 + a->preserve_fds;
		r = proc_seal(t, e);
	}
	return r;
}

/*
 * After "start": the error goes to start through exec.done (init's stderr
 * is the container's, and nobody may read it), then init is gone.
 */
static __attribute__((noreturn)) void die_after_start(int done_fd, const struct err *e)
{
	(void)!write(done_fd, e->msg, strlen(e->msg));
	_exit(127);
}

/* Both fifos, opened while keel's state dir is still in view. */
static int open_fifos(const struct ns_init_args *a, int *fifo_fd, int *done_fd, struct err *e)
{
	*fifo_fd = open(a->fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (*fifo_fd < 0)
		return err_sys(e, errno, "open %s", a->fifo);
	/*
	 * Read and write: the open neither blocks nor fails for want of a
	 * reader, and start, which reads, sees EOF once this fd is gone.
	 */
	*done_fd = open(a->done_fifo, O_RDWR | O_CLOEXEC);
	if (*done_fd < 0)
		return err_sys(e, errno, "open %s", a->done_fifo);
	return 0;
}

void ns_init_main(const struct ns_init_args *a, int sync_fd)
{
	const struct spec_process *p = a->spec->process;
	struct proc_tail t = { .listener_fd = -1 };
	char exe[4096];
	struct sync_msg m;
	struct err e = { 0 };
	int fifo_fd = -1, done_fd = -1, fd, r;
	char *state = NULL;

	/*
	 * Until execve this process is keel.  Not dumpable: a process already
	 * in a joined pid namespace cannot ptrace it or open /proc/<pid>/exe
	 * (the CVE-2019-5736 route to overwriting the runtime binary) without
	 * CAP_SYS_PTRACE; one that has it finds init sealed (ns/tail.c).  execve
	 * resets it.
	 */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* keel's own signal setup must not leak into the container */
	signal(SIGPIPE, SIG_DFL);
	if (sync_recv(sync_fd, &m, &fd) < 0 || m.type != SYNC_GO || fd >= 0)
		_exit(1);
	r = open_fifos(a, &fifo_fd, &done_fd, &e);
	/* all the sealed init keeps open besides stdio and preserved fds */
	t.keep[t.nkeep++] = sync_fd;
	t.keep[t.nkeep++] = fifo_fd;
	t.keep[t.nkeep++] = done_fd;
	if (r == 0)
		r = setup(a, sync_fd, exe, sizeof(exe), &state, &t, &e);
	if (r < 0) {
		sync_send(sync_fd, SYNC_ERR, &e);
		_exit(1);
	}
	if (sync_send(sync_fd, SYNC_READY, NULL) < 0)
		_exit(1);
	close(sync_fd);

	if (wait_for_start(fifo_fd, &e) < 0)
		die_after_start(done_fd, &e);
	close(fifo_fd);
	if (write(done_fd, "0", 1) != 1 || !p)
		_exit(p ? 127 : 0);
	/* in the container's namespaces, with its privileges, as runc runs them */
	if (hooks_run(a->spec, SPEC_HOOK_START_CONTAINER, state, &e) < 0)
		die_after_start(done_fd, &e);
	execve(exe, p->args, p->env ? p->env : (char *[]){ NULL });
	err_sys(&e, errno, "exec: \"%s\"", p->args[0]);
	die_after_start(done_fd, &e);
}
