// SPDX-License-Identifier: MIT
/*
 * OCI hooks (CONFIG_HOOKS).  A hook gets the container state on stdin.  The
 * state is written to a memfd first and the hook reads that, not a pipe: a
 * hook that never reads its stdin then can neither block keel nor make it
 * die of SIGPIPE, however large the state.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "ns/ns-internal.h"

static int state_fd(const char *state, struct err *e)
{
	int fd = memfd_create("keel-state", MFD_CLOEXEC);

	if (fd < 0)
		return err_sys(e, errno, "hooks: memfd_create");
	if (write_all(fd, state, strlen(state)) < 0) {
		close(fd);
		return err_sys(e, errno, "hooks: write state");
	}
	return fd;
}

static __attribute__((noreturn)) void exec_hook(const struct spec_hook *h, int in)
{
	char *const none[] = { NULL };
	char *const argv0[] = { h->path, NULL };

	/* keel ignores SIGPIPE; a hook gets the default back */
	signal(SIGPIPE, SIG_DFL);
	if (lseek(in, 0, SEEK_SET) < 0 || dup2(in, 0) < 0)
		_exit(126);
	execve(h->path, h->args ? h->args : argv0, h->env ? h->env : none);
	dprintf(2, "keel: hook %s: %s\n", h->path, strerror(errno));
	_exit(127);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Wait for the hook, killing it once its timeout has passed. */
static int wait_hook(pid_t pid, const struct spec_hook *h, int *status)
{
	long long deadline = h->has_timeout ? now_ms() + h->timeout * 1000LL : 0;
	unsigned int step = 1;

	for (;;) {
		pid_t r = waitpid(pid, status, deadline ? WNOHANG : 0);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (deadline && now_ms() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return -ETIMEDOUT;
		}
		nanosleep(&(struct timespec){ .tv_nsec = step * 1000000L }, NULL);
		step = step < 50 ? step * 2 : 50;
	}
}

static int run_one(const struct spec_hook *h, const char *kind, size_t i, int in,
		   struct err *e)
{
	int status = 0, r;
	pid_t pid = fork();

	if (pid < 0)
		return err_sys(e, errno, "hooks.%s[%zu]: fork", kind, i);
	if (pid == 0)
		exec_hook(h, in);
	r = wait_hook(pid, h, &status);
	if (r == -ETIMEDOUT)
		return err_set(e, ETIMEDOUT, "hooks.%s[%zu]: %s timed out after %d s", kind, i,
			       h->path, h->timeout);
	if (r < 0)
		return err_sys(e, -r, "hooks.%s[%zu]: wait", kind, i);
	if (WIFSIGNALED(status))
		return err_set(e, ECANCELED, "hooks.%s[%zu]: %s killed by signal %d", kind, i,
			       h->path, WTERMSIG(status));
	if (WEXITSTATUS(status))
		return err_set(e, ECANCELED, "hooks.%s[%zu]: %s exited with status %d", kind, i,
			       h->path, WEXITSTATUS(status));
	return 0;
}

int hooks_run(const struct spec *s, enum spec_hook_kind kind, const char *state,
	      struct err *e)
{
	_cleanup_close_ int in = -1;
	size_t n = s->hooks ? s->hooks->count[kind] : 0;

	if (!n)
		return 0;
	in = state_fd(state, e);
	if (in < 0)
		return in;
	for (size_t i = 0; i < n; i++)
		if (run_one(&s->hooks->list[kind][i], spec_hook_name(kind), i, in, e) < 0)
			return -e->code;
	return 0;
}

int hooks_run_one(const struct spec *s, enum spec_hook_kind kind, size_t i, const char *state,
		  struct err *e)
{
	_cleanup_close_ int in = state_fd(state, e);

	if (in < 0)
		return in;
	return run_one(&s->hooks->list[kind][i], spec_hook_name(kind), i, in, e);
}

bool hooks_any(const struct spec *s, enum spec_hook_kind kind)
{
	return s->hooks && s->hooks->count[kind];
}
