// SPDX-License-Identifier: MIT
/*
 * The container init, between clone and execve.  Order matters:
 *   1. wait for "go" (cgroup joined, id maps written)
 *   2. join namespaces given by path
 *   3. hostname, rootfs and mounts, pivot_root      (mount/)
 *   4. cwd, look up the program, rlimits
 *   5. report "ready", block on the exec fifo until "start"
 *   6. seccomp and the identity change, as late as possible: without
 *      noNewPrivileges loading a filter needs CAP_SYS_ADMIN, so the filter
 *      goes in first and the ids and capabilities change after it (as in
 *      runc); with it, no_new_privs, ids and capabilities first and the
 *      filter last.  Then stray fds are closed and execve.
 * Errors before 5 travel back to create as a struct err; after it they go
 * to the container's stderr, which is all that is left.
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

/* The seccomp listener's socket and init's pid as keel sees it */
static int listener_fd = -1;
static pid_t listener_pid;

static int recv_listener(int sync_fd, struct err *e)
{
	struct sync_msg m;

	if (sync_recv(sync_fd, &m, &listener_fd) < 0 || m.type != SYNC_LISTENER || listener_fd < 0)
		return err_set(e, EPROTO, "linux.seccomp.listenerPath: bad sync message");
	listener_pid = atoi(m.err.msg);
	return 0;
}

/*
 * The filter is in: give the listener the notify fd and the container
 * process state, then close both, so that the container inherits neither.
 */
static int notify_listener(const struct spec *s, int notify_fd, const char *state,
			   struct err *e)
{
	int r;

	if (notify_fd < 0 || listener_fd < 0)
		return 0;
	r = sc_notify_send(listener_fd, notify_fd, listener_pid, s->linux.seccomp->listener_metadata,
			   state, e);
	close(listener_fd);
	close(notify_fd);
	listener_fd = -1;
	return r;
}

/*
 * Mounts are done: keel runs prestart and createRuntime hooks in its own
 * namespaces, then sends the state (a memfd) for the hooks that run here.
 */
static int sync_hooks(const struct spec *s, int sync_fd, char **state, struct err *e)
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
		r = recv_listener(sync_fd, e);
	return r;
}

static int setup_rootfs(const struct ns_init_args *a, int sync_fd, char **state, struct err *e)
{
	const struct spec *s = a->spec;
	int rootfd = mnt_prepare(s, a->rootfs, a->mount_fds, e), r = 0;

	if (rootfd < 0)
		return rootfd;
	if (init_hooks(s))
		r = sync_hooks(s, sync_fd, state, e);
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
		 char **state, struct err *e)
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
		r = setup_rootfs(a, sync_fd, state, e);
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
	return r;
}

static __attribute__((noreturn)) void die_after_start(const struct err *e)
{
	dprintf(2, "keel: container init: %s\n", e->msg);
	_exit(127);
}

/*
 * startContainer hooks see the container as "created".  The state came
 * from keel saying "creating"; in compact JSON that key can only appear
 * once outside a string (quotes inside strings are escaped).
 */
static void run_start_hooks(const struct spec *s, char *state)
{
	static const char from[] = "\"status\":\"creating\"", to[] = "\"status\":\"created\" ";
	struct err e = { 0 };
	char *p = state ? strstr(state, from) : NULL;

	if (p)
		memcpy(p, to, sizeof(to) - 1);
	if (hooks_run(s, SPEC_HOOK_START_CONTAINER, state, &e) < 0)
		die_after_start(&e);
}

void ns_init_main(const struct ns_init_args *a, int sync_fd)
{
	const struct spec_process *p = a->spec->process;
	char exe[4096];
	struct sync_msg m;
	struct err e = { 0 };
	int fifo_fd, notify_fd = -1, fd, r;
	char *state = NULL;

	/*
	 * Until execve this process is keel.  Not dumpable: a process already
	 * in a joined pid namespace cannot ptrace it or open /proc/<pid>/exe
	 * (the CVE-2019-5736 route to overwriting the runtime binary).  execve
	 * resets it.
	 */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* keel's own signal setup must not leak into the container */
	signal(SIGPIPE, SIG_DFL);
	if (sync_recv(sync_fd, &m, &fd) < 0 || m.type != SYNC_GO || fd >= 0)
		_exit(1);
	fifo_fd = open(a->fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo_fd < 0)
		r = err_sys(&e, errno, "open %s", a->fifo);
	else
		r = setup(a, sync_fd, exe, sizeof(exe), &state, &e);
	if (r < 0) {
		sync_send(sync_fd, SYNC_ERR, &e);
		_exit(1);
	}
	if (sync_send(sync_fd, SYNC_READY, NULL) < 0)
		_exit(1);
	close(sync_fd);

	if (wait_for_start(fifo_fd, &e) < 0)
		die_after_start(&e);
	close(fifo_fd);
	if (!p)
		_exit(0);
	run_start_hooks(a->spec, state);
	/* the listener gets the notify fd at once: init's next calls may notify */
	if (!p->no_new_privileges && (sc_apply(a->spec->linux.seccomp, &notify_fd, &e) < 0 ||
				      notify_listener(a->spec, notify_fd, state, &e) < 0))
		die_after_start(&e);
	if (proc_setup_identity(p, &e) < 0 || proc_setup_caps(p, &e) < 0)
		die_after_start(&e);
	if (p->no_new_privileges) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			die_after_start(&(struct err){ .msg = "prctl(PR_SET_NO_NEW_PRIVS) failed" });
		if (sc_apply(a->spec->linux.seccomp, &notify_fd, &e) < 0 ||
		    notify_listener(a->spec, notify_fd, state, &e) < 0)
			die_after_start(&e);
	}
	if (p->has_exec_cpu_affinity &&
	    proc_set_affinity(p->exec_cpu_affinity.final, "final", &e) < 0)
		die_after_start(&e);
	if (proc_close_fds(3 + a->preserve_fds, &e) < 0)
		die_after_start(&e);
	execve(exe, p->args, p->env ? p->env : (char *[]){ NULL });
	err_sys(&e, errno, "exec %s", exe);
	die_after_start(&e);
}
