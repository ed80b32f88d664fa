/* SPDX-License-Identifier: MIT */
/*
 * ns/: namespaces, the clone of the container init, and what init does
 * between clone and execve.  Init reports back over a sync socket, then
 * blocks on <state>/exec.fifo until "start" writes to it.
 */
#ifndef KEEL_NS_H
#define KEEL_NS_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/err.h"
#include "spec/spec.h"

struct ns_init_args {
	const struct spec *spec;
	const char *rootfs;		/* absolute path on the host */
	const char *fifo;		/* absolute path of exec.fifo */
	const char *done_fifo;		/* and of exec.done (see ns_start) */
	bool no_pivot;
	bool new_keyring;		/* a session keyring of its own, as runc gives */
	int preserve_fds;		/* fds 3 .. 3+n-1 pass to the container */
	/* per mounts[i], a detached mount keel made (mnt_idmap_open) or -1;
	 * NULL if none.  init inherits them with the clone. */
	const int *mount_fds;
	/*
	 * Called in the parent after clone, before init may go on: put the
	 * child into its cgroup here, so it cannot run user code outside it.
	 */
	int (*before_go)(pid_t pid, void *data, struct err *e);
	/*
	 * With hooks: called once the mounts are in place, before pivot_root.
	 * Runs prestart and createRuntime hooks and returns (malloc'd) the
	 * state JSON that init passes to createContainer and startContainer.
	 */
	int (*on_mounted)(pid_t pid, void *data, char **state, struct err *e);
	void *data;
};

struct ns_init_result {
	pid_t pid;			/* init, in keel's pid namespace */
	int console_master;		/* pty master with process.terminal, else -1 */
	char console_name[64];		/* its slave, as the container sees it */
};

/*
 * Clone the container init and wait until it has set up everything and is
 * blocked on the exec fifo.  On failure init is gone and e says why.
 */
int ns_create_init(const struct ns_init_args *a, struct ns_init_result *res, struct err *e);

/* exec: a new process in a running container (CONFIG_EXEC). */
struct ns_exec_args {
	pid_t init_pid;			/* the container's init ... */
	unsigned long long init_start;	/* ... and its start time, against pid reuse */
	const struct spec *spec;	/* the container's config: seccomp */
	const struct spec_process *proc;	/* what to run */
	int preserve_fds;
	const char *state;		/* the container's state, for a seccomp listener */
	/* in the new process before it joins the mount namespace */
	int (*join_cgroup)(void *data, struct err *e);
	void *data;
};

/*
 * Join every namespace of the container, its cgroup and its root, set the
 * process up as proc says and execve it.  Returns once the exec happened
 * (or failed: then the process is gone and e says why).  With
 * proc->terminal the pty master comes back in res.
 */
int ns_exec(const struct ns_exec_args *a, struct ns_init_result *res, struct err *e);

/*
 * Release a created container: unlink its exec fifo, write to it, and wait
 * on exec.done until init has called execve (0) or failed on the way (the
 * error).  -ESRCH if init is gone.
 */
int ns_start(const char *fifo, const char *done, struct err *e);

/* Refuse a config whose namespaces this build cannot provide. */
int ns_check(const struct spec *s, struct err *e);
/* Refuse sysctls outside the container's own namespaces. */
#ifdef CONFIG_PROC_ATTRS
int sysctl_check(const struct spec *s, struct err *e);
#else
static inline int sysctl_check(const struct spec *s, struct err *e)
{
	return s->linux.n_sysctl ?
	       err_set(e, ENOTSUP, "linux.sysctl: this keel was built without CONFIG_PROC_ATTRS") : 0;
}
#endif

#ifdef CONFIG_CONSOLE
/* Hand a pty master to the --console-socket listener at path. */
int console_send(const char *path, int master, const char *name, struct err *e);
/*
 * keel run in the foreground with a terminal: copy between our stdio and the
 * master (our terminal in raw mode while it lasts) until the container's
 * side closes.
 */
int console_proxy(int master, struct err *e);
#else
static inline int console_send(const char *path, int master, const char *name, struct err *e)
{
	return err_set(e, ENOTSUP, "--console-socket: this keel was built without CONFIG_CONSOLE");
}

static inline int console_proxy(int master, struct err *e)
{
	return err_set(e, ENOTSUP, "process.terminal: this keel was built without CONFIG_CONSOLE");
}
#endif

#ifdef CONFIG_HOOKS
/* Run the hooks of one kind, in order, each with state on stdin. */
int hooks_run(const struct spec *s, enum spec_hook_kind kind, const char *state,
	      struct err *e);
bool hooks_any(const struct spec *s, enum spec_hook_kind kind);
/* Only the i-th hook of that kind. */
int hooks_run_one(const struct spec *s, enum spec_hook_kind kind, size_t i, const char *state,
		  struct err *e);
#else
/* create refuses a config with hooks when they are compiled out */
static inline int hooks_run(const struct spec *s, enum spec_hook_kind kind,
			    const char *state, struct err *e)
{
	return 0;
}

static inline bool hooks_any(const struct spec *s, enum spec_hook_kind kind)
{
	return false;
}

static inline int hooks_run_one(const struct spec *s, enum spec_hook_kind kind, size_t i,
				const char *state, struct err *e)
{
	return 0;
}
#endif

#ifdef CONFIG_USERNS
int userns_write_maps(pid_t pid, const struct spec *s, struct err *e);
int userns_write_map(pid_t pid, const char *file, const struct spec_idmap *m, size_t n,
		     const char *field, struct err *e);
#else
static inline int userns_write_maps(pid_t pid, const struct spec *s, struct err *e)
{
	return 0;
}
#endif

#endif
