// SPDX-License-Identifier: MIT
/*
 * The tail that both the container's init and "keel exec" run last: what
 * turns a keel process into the one the spec describes.  In order:
 *
 *   1. every fd but stdio, the preserved ones and the few the caller
 *      still needs (marked close-on-exec) is closed (CVE-2024-21626
 *      class: no host fd may reach the program, or a waiting init);
 *   2. without noNewPrivileges the seccomp filter goes in first, since
 *      loading it then needs CAP_SYS_ADMIN, which step 3 may drop;
 *   3. bounding set, groups, gid, uid, then the capability sets;
 *   4. with noNewPrivileges: no_new_privs, then the filter (as late as the
 *      spec allows, as runc does);
 *   5. the final CPU affinity.
 *
 * A seccomp listener gets the notify fd right after the filter is in: the
 * process's next calls may already notify.  init runs this before it waits
 * for "start" (a process that can ptrace the waiting init then finds only
 * the container's privileges: no capability beyond the spec's, the filter,
 * no_new_privs); exec runs it right before execve.
 */
#include <sys/prctl.h>
#include <unistd.h>

#include "ns/ns-internal.h"
#include "seccomp/sc.h"

static int load_filter(struct proc_tail *t, struct err *e)
{
	int notify_fd = -1, r = sc_apply(t->seccomp, &notify_fd, e);

	if (r < 0 || notify_fd < 0)
		return r;
	if (t->listener_fd >= 0)
		r = sc_notify_send(t->listener_fd, notify_fd, t->host_pid,
				   t->seccomp->listener_metadata, t->state, e);
	close(notify_fd);
	if (t->listener_fd >= 0)
		close(t->listener_fd);
	t->listener_fd = -1;
	return r;
}

int proc_seal(struct proc_tail *t, struct err *e)
{
	const struct spec_process *p = t->proc;
	int keep[5], n = 0, r;

	for (int i = 0; i < t->nkeep; i++)
		keep[n++] = t->keep[i];
	keep[n++] = t->listener_fd;
	r = proc_close_fds(t->keep_fds, keep, n, e);

	if (r == 0 && !p->no_new_privileges)
		r = load_filter(t, e);
	if (r == 0)
		r = proc_setup_identity(p, e);
	if (r == 0)
		r = proc_setup_caps(p, e);
	if (r == 0 && p->no_new_privileges) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			r = err_sys(e, errno, "process.noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS)");
		else
			r = load_filter(t, e);
	}
	if (r == 0 && p->has_exec_cpu_affinity)
		r = proc_set_affinity(p->exec_cpu_affinity.final, "final", e);
	return r;
}
