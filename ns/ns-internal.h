/* SPDX-License-Identifier: MIT */
#ifndef KEEL_NS_INTERNAL_H
#define KEEL_NS_INTERNAL_H

#include "ns/ns.h"

/* Messages over the SOCK_SEQPACKET pair between create and init. */
enum sync_type { SYNC_GO = 1, SYNC_READY, SYNC_ERR, SYNC_CONSOLE, SYNC_MOUNTED, SYNC_HOOKS_DONE,
		 SYNC_LISTENER };

struct sync_msg {
	int type;
	struct err err;
};

int sync_send(int fd, int type, const struct err *e);
/* With an fd attached; text travels in the message's err.msg. */
int sync_send_fd(int fd, int type, const char *text, int passfd);
/* *passfd gets an attached fd or -1. */
int sync_recv(int fd, struct sync_msg *m, int *passfd);

#ifdef CONFIG_CONSOLE
/*
 * A pty from the container's devpts, its slave our terminal and stdio; with
 * dev_console (init, not exec) also the container's /dev/console.
 */
int console_setup(const struct spec_process *p, bool dev_console, int *master, char *name,
		  size_t len, struct err *e);
#else
static inline int console_setup(const struct spec_process *p, bool dev_console, int *master,
				char *name, size_t len, struct err *e)
{
	*master = -1;
	return p->terminal ? err_set(e, ENOTSUP, "process.terminal: this keel was built without CONFIG_CONSOLE") : 0;
}
#endif

/* Does init get a seccomp listener socket (linux.seccomp.listenerPath)? */
static inline bool ns_wants_listener(const struct spec *s)
{
	return s->linux.seccomp && s->linux.seccomp->listener_path;
}

/* The container init: never returns. */
__attribute__((noreturn)) void ns_init_main(const struct ns_init_args *a, int sync_fd);

/* Process attributes, in init after the rootfs is in place. */
int proc_resolve_exec(const struct spec_process *p, char *out, size_t len, struct err *e);
int proc_setup_identity(const struct spec_process *p, struct err *e);
int proc_setup_limits(const struct spec_process *p, struct err *e);
int proc_setup_oom(const struct spec_process *p, struct err *e);
int proc_enter_cwd(const char *cwd, struct err *e);
/* attrs.c: scheduler, ioPriority, CPU affinity, personality, sysctl */
#ifdef CONFIG_PROC_ATTRS
int proc_setup_sched(const struct spec *s, struct err *e);
int proc_set_affinity(const char *cpus, const char *field, struct err *e);
int proc_setup_sysctl(const struct spec *s, struct err *e);
#else
/* create refuses the fields these would apply (cmd/create.c not_applied) */
static inline int proc_setup_sched(const struct spec *s, struct err *e)
{
	return 0;
}

static inline int proc_set_affinity(const char *cpus, const char *field, struct err *e)
{
	return 0;
}

static inline int proc_setup_sysctl(const struct spec *s, struct err *e)
{
	return 0;
}
#endif
int proc_setup_caps(const struct spec_process *p, struct err *e);
/*
 * Close every fd from first on but the n in keep (marked close-on-exec:
 * the caller needs them until execve).
 */
int proc_close_fds(int first, const int *keep, int n, struct err *e);

/* The privilege drop that init and exec share (ns/tail.c). */
struct proc_tail {
	const struct spec_process *proc;
	const struct spec_seccomp *seccomp;	/* linux.seccomp, or NULL */
	int listener_fd;	/* socket to the seccomp listener, or -1; closed */
	pid_t host_pid;		/* our pid as the listener sees it */
	const char *state;	/* the container's state, for the listener */
	int keep_fds;		/* fds below this one reach the program */
	int keep[4];		/* fds from keep_fds up the caller still needs */
	int nkeep;		/* (closed at execve), or -1 */
};

/*
 * Everything but execve: fds, seccomp, identity, capabilities,
 * no_new_privs, affinity, in the order the spec and runc give them.
 */
int proc_seal(struct proc_tail *t, struct err *e);

#endif
