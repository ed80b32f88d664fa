// SPDX-License-Identifier: MIT
/*
 * process.*: what the container process is, set up in init after the
 * rootfs is in place.  The order of identity changes is the classic one:
 * shrink the bounding set while still privileged, keep capabilities across
 * setuid, then set the final sets (see capabilities(7)).
 */
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/util.h"
#include "ns/ns-internal.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

static const char default_path[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

static const char *env_path(const struct spec_process *p)
{
	for (char **e = p->env; e && *e; e++)
		if (str_has_prefix(*e, "PATH="))
			return *e + 5;
	return default_path;
}

static bool is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Look the program up now, so that "not found" fails create, as in runc. */
int proc_resolve_exec(const struct spec_process *p, char *out, size_t len, struct err *e)
{
	const char *name = p->args[0];
	const char *dirs = env_path(p);

	if (strchr(name, '/')) {
		if (!is_executable(name))
			return err_sys(e, access(name, F_OK) ? errno : EACCES, "exec: \"%s\"", name);
		snprintf(out, len, "%s", name);
		return 0;
	}
	while (*dirs) {
		size_t n = strcspn(dirs, ":");

		snprintf(out, len, "%.*s%s%s", (int)n, dirs, n ? "/" : "", name);
		if (is_executable(out))
			return 0;
		dirs += n + (dirs[n] == ':');
	}
	return err_set(e, ENOENT, "exec: \"%s\": executable file not found in $PATH", name);
}

int proc_setup_limits(const struct spec_process *p, struct err *e)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		struct rlimit rl = { .rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard };

		if (setrlimit(p->rlimits[i].resource, &rl) < 0)
			return err_sys(e, errno, "process.rlimits[%zu]: setrlimit", i);
	}
	umask(p->user.has_umask ? p->user.umask : 022);
	return 0;
}

/*
 * chdir to process.cwd and make sure it is inside the container: a cwd like
 * /proc/self/fd/N through a leaked host directory fd would put the process
 * outside its root (CVE-2024-21626), for init and for exec alike.  getcwd()
 * then fails or starts with "(unreachable)", which is how the kernel shows a
 * cwd outside the root.
 */
int proc_enter_cwd(const char *cwd, struct err *e)
{
	char buf[4096];

	if (chdir(cwd) < 0)
		return err_sys(e, errno, "process.cwd: chdir %s", cwd);
	if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
		return err_set(e, EPERM, "process.cwd: %s is outside the container", cwd);
	return 0;
}

/*
 * Before the mount namespace changes (the host's /proc is still there) and
 * while root: lowering the score needs CAP_SYS_RESOURCE.
 */
int proc_setup_oom(const struct spec_process *p, struct err *e)
{
	char buf[16];
	int n;

	if (!p || !p->has_oom_score_adj)
		return 0;
	n = snprintf(buf, sizeof(buf), "%d", p->oom_score_adj);
	if (write_file("/proc/self/oom_score_adj", buf, n, e) < 0)
		return err_wrap(e, "process.oomScoreAdj");
	return 0;
}

static int last_cap(void)
{
	char buf[16] = "";
	int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	int n = -1;

	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) > 0)
			n = atoi(buf);
		close(fd);
	}
	return n > 0 && n < 64 ? n : CAP_LAST_CAP;
}

static int drop_bounding(uint64_t keep, struct err *e)
{
	for (int c = 0, last = last_cap(); c <= last; c++) {
		if (keep & (1ULL << c))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return err_sys(e, errno, "process.capabilities.bounding: drop capability %d", c);
	}
	return 0;
}

int proc_setup_identity(const struct spec_process *p, struct err *e)
{
	const struct spec_user *u = &p->user;

	if (p->has_caps && drop_bounding(p->caps.bounding, e) < 0)
		return -e->code;
	if (setgroups(u->n_additional_gids, u->additional_gids) < 0 && errno != EPERM)
		return err_sys(e, errno, "process.user.additionalGids: setgroups");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return err_sys(e, errno, "process.user.gid: setgid %u", (unsigned)u->gid);
	/* keep permitted caps over setuid, so capset below can still grant them */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return err_sys(e, errno, "prctl(PR_SET_KEEPCAPS)");
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return err_sys(e, errno, "process.user.uid: setuid %u", (unsigned)u->uid);
	return 0;
}

int proc_setup_caps(const struct spec_process *p, struct err *e)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	const struct spec_caps *c = &p->caps;

	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	if (!p->has_caps)
		return 0;
	for (int i = 0; i < 2; i++) {
		data[i].effective = c->effective >> (32 * i);
		data[i].permitted = c->permitted >> (32 * i);
		data[i].inheritable = c->inheritable >> (32 * i);
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return err_sys(e, errno, "process.capabilities: capset");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return err_sys(e, errno, "process.capabilities.ambient: clear");
	/*
	 * The kernel raises an ambient capability only if it is permitted and
	 * inheritable.  runc spec (and buildah, with 14 ambient and no
	 * inheritable capabilities) lists ambient ones that cannot be raised:
	 * runc goes on without them (a warning in its log), and so does keel,
	 * or "runc spec"'s bundle would not run.  A container that needs them
	 * lists them as inheritable too.
	 */
	for (int i = 0; i < 64; i++)
		if (c->ambient & (1ULL << i))
			prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0);
	return 0;
}

/*
 * Nothing of keel's may reach the container (CVE-2024-21626 class: a leaked
 * host directory fd used as cwd or via /proc/self/fd), nor sit in a waiting
 * init where a process that can ptrace it would find it.  Every fd from
 * "first" up is closed but the "keep" ones, which the caller still needs
 * until execve and which are marked close-on-exec.  close_range() does it
 * in a few calls (5.9+).  Older kernels (5.4 LTS boards) get a walk of
 * /proc/self/fd, which sees every open fd whatever its number; a loop up
 * to RLIMIT_NOFILE would miss one inherited above a limit lowered since
 * (the container's own, say).  Without /proc either, the loop is all there
 * is: up to the hard limit.
 */
static bool kept(int fd, const int *keep, int n)
{
	for (int i = 0; i < n; i++)
		if (keep[i] == fd)
			return true;
	return false;
}

static int close_ranges(int first, const int *keep, int n)
{
	unsigned int lo = first;

	/* keep[] is short: take its members in ascending order */
	for (;;) {
		int next = -1;

		for (int i = 0; i < n; i++)
			if (keep[i] >= (int)lo && (next < 0 || keep[i] < next))
				next = keep[i];
		if (next < 0)
			break;
		if ((unsigned int)next > lo && syscall(SYS_close_range, lo, next - 1U, 0) < 0)
			return -1;
		lo = next + 1U;
	}
	return syscall(SYS_close_range, lo, ~0U, 0) < 0 ? -1 : 0;
}

static int close_walk(int first, const int *keep, int n)
{
	int dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	/* the kernel's readdir of fd/ goes by number: closing behind it is safe */
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] >= '0' && de->d_name[0] <= '9' && fd >= first && fd != dfd &&
		    !kept(fd, keep, n))
			close(fd);
	}
	closedir(d);
	return 0;
}

int proc_close_fds(int first, const int *keep, int n, struct err *e)
{
	struct rlimit rl;

	for (int i = 0; i < n; i++)
		if (keep[i] >= 0 && fcntl(keep[i], F_SETFD, FD_CLOEXEC) < 0)
			return err_sys(e, errno, "fcntl(%d, F_SETFD)", keep[i]);
	if (close_ranges(first, keep, n) == 0 || close_walk(first, keep, n) == 0)
		return 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return err_sys(e, errno, "getrlimit");
	for (rlim_t fd = first; fd < rl.rlim_max && fd < (1 << 20); fd++)
		if (!kept(fd, keep, n))
			close(fd);
	return 0;
}
