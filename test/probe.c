// SPDX-License-Identifier: MIT
/*
 * probe: copied into test bundles as /probe, it reports what the container
 * sees so that integration tests can assert from inside (crun's tests/init.c).
 * Static, no keel code, one subcommand per question:
 *
 *	pid ppid ids hostname ns caps seccomp nnp cwd env fds mounts umask
 *	cgroup rlimit NAME | write PATH | stat PATH | sleep N | exit N |
 *	signal-wait | syscall getcwd | syscall personality ARG |
 *	fork N SECS | tty | keyring | sched | affinity | personality
 *
 * and one for the host side of a test:
 *
 *	fd-recv SOCK            listen on SOCK, take one fd sent as
 *				SCM_RIGHTS and print the message and what
 *				the fd is (its /proc/self/fd link)
 *	console-recv SOCK CMD   listen on SOCK, take a pty master sent as
 *				SCM_RIGHTS (--console-socket), type CMD into
 *				it and print what comes back until the
 *				container side closes or 10 s pass
 *
 * Output is plain text meant for grep and string comparison; a failing
 * system call prints "NAME: ERRNONAME" to stderr and exits 1.
 */
#include <dirent.h>
#include <linux/seccomp.h>
#include <linux/filter.h>
#include <sys/prctl.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <linux/mount.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <stdint.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NAMED(x) { x, #x }

struct named { int val; const char *name; };

static const struct named errnos[] = {
	NAMED(EPERM), NAMED(ENOENT), NAMED(ESRCH), NAMED(EINTR), NAMED(EIO),
	NAMED(ENXIO), NAMED(E2BIG), NAMED(ENOEXEC), NAMED(EBADF),
	NAMED(ECHILD), NAMED(EAGAIN), NAMED(ENOMEM), NAMED(EACCES),
	NAMED(EFAULT), NAMED(EBUSY), NAMED(EEXIST), NAMED(EXDEV),
	NAMED(ENODEV), NAMED(ENOTDIR), NAMED(EISDIR), NAMED(EINVAL),
	NAMED(ENFILE), NAMED(EMFILE), NAMED(ENOTTY), NAMED(ETXTBSY),
	NAMED(EFBIG), NAMED(ENOSPC), NAMED(ESPIPE), NAMED(EROFS),
	NAMED(EMLINK), NAMED(EPIPE), NAMED(ERANGE), NAMED(ENAMETOOLONG),
	NAMED(ENOSYS), NAMED(ENOTEMPTY), NAMED(ELOOP), NAMED(EOPNOTSUPP),
	NAMED(EDQUOT), NAMED(ENOTSUP),
};

static const struct named signals[] = {
	NAMED(SIGHUP), NAMED(SIGINT), NAMED(SIGQUIT), NAMED(SIGUSR1),
	NAMED(SIGUSR2), NAMED(SIGTERM), NAMED(SIGCHLD), NAMED(SIGCONT),
	NAMED(SIGWINCH),
};

static const struct named rlimits[] = {
	{ RLIMIT_AS, "AS" }, { RLIMIT_CORE, "CORE" }, { RLIMIT_CPU, "CPU" },
	{ RLIMIT_DATA, "DATA" }, { RLIMIT_FSIZE, "FSIZE" },
	{ RLIMIT_LOCKS, "LOCKS" }, { RLIMIT_MEMLOCK, "MEMLOCK" },
	{ RLIMIT_MSGQUEUE, "MSGQUEUE" }, { RLIMIT_NICE, "NICE" },
	{ RLIMIT_NOFILE, "NOFILE" }, { RLIMIT_NPROC, "NPROC" },
	{ RLIMIT_RSS, "RSS" }, { RLIMIT_RTPRIO, "RTPRIO" },
	{ RLIMIT_RTTIME, "RTTIME" }, { RLIMIT_SIGPENDING, "SIGPENDING" },
	{ RLIMIT_STACK, "STACK" },
};

static const char *errname(int e)
{
	static char buf[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnos); i++)
		if (errnos[i].val == e)
			return errnos[i].name;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static int die(const char *what)
{
	fprintf(stderr, "probe: %s: %s\n", what, errname(errno));
	return 1;
}

/* Print the lines of a file that start with one of the prefixes (all if none). */
static int cat_lines(const char *path, const char *const *prefixes, int strip)
{
	char line[4096];
	FILE *f = fopen(path, "re");
	int i, found = 0;

	if (!f)
		return die(path);
	while (fgets(line, sizeof(line), f)) {
		if (!prefixes) {
			fputs(line, stdout);
			continue;
		}
		for (i = 0; prefixes[i]; i++) {
			size_t n = strlen(prefixes[i]);

			if (strncmp(line, prefixes[i], n))
				continue;
			found = 1;
			fputs(strip ? line + n + strspn(line + n, " \t") : line, stdout);
		}
	}
	fclose(f);
	if (prefixes && !found) {
		fprintf(stderr, "probe: %s: no %s\n", path, prefixes[0]);
		return 1;
	}
	return 0;
}

static int status_field(const char *field)
{
	const char *p[] = { field, NULL };

	return cat_lines("/proc/self/status", p, 1);
}

static int do_ids(void)
{
	gid_t groups[256];
	int i, n = getgroups(ARRAY_SIZE(groups), groups);

	if (n < 0)
		return die("getgroups");
	printf("uid=%u gid=%u groups=", (unsigned)getuid(), (unsigned)getgid());
	for (i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", (unsigned)groups[i]);
	printf("\n");
	return 0;
}

static int do_ns(void)
{
	static const char *const names[] = {
		"pid", "mnt", "uts", "ipc", "net", "cgroup", "user",
	};
	char path[64], target[128];
	size_t i;
	ssize_t n;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0) {
			printf("%s:%s\n", names[i], errname(errno));
			continue;
		}
		target[n] = '\0';
		printf("%s\n", target);
	}
	return 0;
}

static int do_fds(void)
{
	char path[64], target[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	ssize_t n;

	if (!d)
		return die("/proc/self/fd");
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = '\0';
		printf("%s %s\n", de->d_name, target);
	}
	closedir(d);
	return 0;
}

static int do_rlimit(const char *name)
{
	struct rlimit rl;
	size_t i;

	if (!strncmp(name, "RLIMIT_", 7))
		name += 7;
	for (i = 0; i < ARRAY_SIZE(rlimits); i++)
		if (!strcasecmp(name, rlimits[i].name))
			break;
	if (i == ARRAY_SIZE(rlimits)) {
		fprintf(stderr, "probe: unknown rlimit %s\n", name);
		return 2;
	}
	if (getrlimit(rlimits[i].val, &rl))
		return die("getrlimit");
	if (rl.rlim_cur == RLIM_INFINITY)
		printf("unlimited ");
	else
		printf("%llu ", (unsigned long long)rl.rlim_cur);
	if (rl.rlim_max == RLIM_INFINITY)
		printf("unlimited\n");
	else
		printf("%llu\n", (unsigned long long)rl.rlim_max);
	return 0;
}

static int do_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0) {
		printf("%s\n", errname(errno));
		return 1;
	}
	close(fd);
	printf("ok\n");
	return 0;
}

static const char *file_type(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG:	return "file";
	case S_IFDIR:	return "dir";
	case S_IFLNK:	return "link";
	case S_IFCHR:	return "chr";
	case S_IFBLK:	return "blk";
	case S_IFIFO:	return "fifo";
	case S_IFSOCK:	return "sock";
	}
	return "?";
}

/* "type=chr mode=0666 uid=0 gid=0 size=0 rdev=1,3" or the errno name. */
static int do_stat(const char *path)
{
	struct stat st;

	if (lstat(path, &st)) {
		printf("%s\n", errname(errno));
		return 1;
	}
	printf("type=%s mode=%04o uid=%u gid=%u size=%lld rdev=%u,%u\n",
	       file_type(st.st_mode), (unsigned)(st.st_mode & 07777),
	       (unsigned)st.st_uid, (unsigned)st.st_gid, (long long)st.st_size,
	       major(st.st_rdev), minor(st.st_rdev));
	return 0;
}

static void nop_handler(int sig)
{
}

/*
 * Print "ready" once the signals are blocked, so a test knows it may send
 * one, then the name of the first that arrives.  A handler is installed as
 * well because PID 1 of a namespace never sees default-action signals.
 */

/* term-wait: a TERM handler is the program's first act; exits 0 on TERM. */
static void term_exit(int sig)
{
	(void)sig;
	_exit(0);
}

static int do_term_wait(void)
{
	for (;;)
		pause();
	return 0;
}

/*
 * enosys-exec NR[,NR...] CMD ARGS...: a seccomp filter that answers ENOSYS
 * for the listed system call numbers, then exec CMD, which inherits it:
 * the fallbacks keel takes on kernels without close_range or openat2.
 */
static int do_enosys_exec(char *list, char **argv)
{
	struct sock_filter f[64];
	struct sock_fprog prog = { .filter = f };
	int n = 0;

	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	for (char *t = strtok(list, ","); t && n < 60; t = strtok(NULL, ",")) {
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, atoi(t), 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog.len = n;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0))
		return die("PR_SET_SECCOMP");
	execvp(argv[0], argv);
	return die(argv[0]);
}

/*
 * ptrace-syscall PID NR [ARG...]: attach to PID, make it call NR with the
 * arguments, print what the call returned, and let it go on as it was:
 * what an attacker with CAP_SYS_PTRACE in a shared pid namespace does to a
 * waiting container init.  An argument is a number, or h:PATH: a file
 * handle for PATH (name_to_handle_at, which needs no privilege) written
 * into the tracee's stack, below its red zone, and restored afterwards.
 * x86_64 only.
 */
#if defined(__x86_64__)
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>

struct poke {
	unsigned long addr, saved[(sizeof(struct file_handle) + MAX_HANDLE_SZ) / 8 + 1];
	int words;
};

static int poke_handle(pid_t pid, const char *path, unsigned long sp, struct poke *pk)
{
	union {
		struct file_handle fh;
		unsigned long w[sizeof(pk->saved) / 8];
	} h = { .fh.handle_bytes = MAX_HANDLE_SZ };
	int mount_id;

	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) < 0)
		return die("name_to_handle_at");
	pk->addr = (sp - 1024) & ~15UL;
	pk->words = (sizeof(h.fh) + h.fh.handle_bytes + 7) / 8;
	for (int i = 0; i < pk->words; i++) {
		errno = 0;
		pk->saved[i] = ptrace(PTRACE_PEEKDATA, pid, pk->addr + 8 * i, 0);
		if (errno || ptrace(PTRACE_POKEDATA, pid, pk->addr + 8 * i, h.w[i]) < 0)
			return die("PTRACE_POKEDATA");
	}
	return 0;
}

static int do_ptrace_syscall(int argc, char **argv)
{
	pid_t pid = atoi(argv[2]);
	struct user_regs_struct saved, r;
	unsigned long *args[] = { &r.rdi, &r.rsi, &r.rdx, &r.r10, &r.r8, &r.r9 };
	struct poke pk = { 0 };
	int status;

	if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0)
		return die("PTRACE_SEIZE");
	if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0 || waitpid(pid, &status, __WALL) != pid)
		return die("PTRACE_INTERRUPT");
	if (ptrace(PTRACE_GETREGS, pid, 0, &saved) < 0)
		return die("PTRACE_GETREGS");
	r = saved;
	r.rip -= 2;		/* the "syscall" instruction it sleeps behind */
	r.orig_rax = -1;	/* no restart of the interrupted call */
	r.rax = strtoll(argv[3], NULL, 0);
	for (int i = 0; i < 6; i++) {
		const char *a = 4 + i < argc ? argv[4 + i] : "0";

		if (!strncmp(a, "h:", 2)) {
			if (pk.words || poke_handle(pid, a + 2, saved.rsp, &pk))
				return 1;
			*args[i] = pk.addr;
		} else {
			*args[i] = strtoul(a, NULL, 0);
		}
	}
	if (ptrace(PTRACE_SETREGS, pid, 0, &r) < 0 || ptrace(PTRACE_SINGLESTEP, pid, 0, 0) < 0 ||
	    waitpid(pid, &status, __WALL) != pid || ptrace(PTRACE_GETREGS, pid, 0, &r) < 0)
		return die("inject");
	if ((long long)r.rax < 0 && (long long)r.rax > -4096)
		printf("errno %lld %s\n", -(long long)r.rax, strerror(-(long long)r.rax));
	else
		printf("%lld\n", (long long)r.rax);
	for (int i = 0; i < pk.words; i++)
		ptrace(PTRACE_POKEDATA, pid, pk.addr + 8 * i, pk.saved[i]);
	ptrace(PTRACE_SETREGS, pid, 0, &saved);
	ptrace(PTRACE_DETACH, pid, 0, 0);
	return 0;
}
#else
static int do_ptrace_syscall(int argc, char **argv)
{
	fprintf(stderr, "probe: ptrace-syscall is written for x86_64 only\n");
	return 3;
}
#endif

static int do_signal_wait(void)
{
	static const int wanted[] = { SIGTERM, SIGUSR1, SIGUSR2, SIGINT, SIGHUP };
	struct sigaction sa = { .sa_handler = nop_handler };
	sigset_t set;
	size_t i;
	int sig;

	sigemptyset(&set);
	for (i = 0; i < ARRAY_SIZE(wanted); i++) {
		sigaddset(&set, wanted[i]);
		sigaction(wanted[i], &sa, NULL);
	}
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return die("sigprocmask");
	printf("ready\n");
	fflush(stdout);
	do
		sig = sigwaitinfo(&set, NULL);
	while (sig < 0 && errno == EINTR);
	if (sig < 0)
		return die("sigwaitinfo");
	for (i = 0; i < ARRAY_SIZE(signals); i++)
		if (signals[i].val == sig)
			printf("%s\n", signals[i].name);
	return 0;
}

/*
 * Raw syscall, so seccomp tests see the kernel's answer, not libc's.
 * getcwd prints the directory; personality ARG (any strtoul base) prints
 * the previous persona in hex.
 */
static int do_syscall(const char *name, const char *arg)
{
	char buf[PATH_MAX];
	long r;

	if (!strcmp(name, "getcwd")) {
		r = syscall(SYS_getcwd, buf, sizeof(buf));
	} else if (!strcmp(name, "personality") && arg) {
		r = syscall(SYS_personality, strtoul(arg, NULL, 0));
		snprintf(buf, sizeof(buf), "0x%lx", r);
	} else {
		fprintf(stderr, "probe: unsupported syscall %s\n", name);
		return 2;
	}
	if (r < 0) {
		printf("errno %d %s\n", errno, errname(errno));
		return 1;
	}
	printf("%s\n", buf);
	return 0;
}

/*
 * Try to fork n children that each sleep secs; print "forked K failed F"
 * and the first failure's errno name (or "-"), then reap them all.  For
 * pids.max: a shell that cannot fork just dies, this counts.
 */
static int do_fork(int n, int secs)
{
	int i, forked = 0, failed = 0, first = 0;
	pid_t pid;

	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid == 0) {
			sleep(secs);
			_exit(0);
		}
		if (pid < 0) {
			if (!failed++)
				first = errno;
			continue;
		}
		forked++;
	}
	printf("forked %d failed %d %s\n", forked, failed, failed ? errname(first) : "-");
	fflush(stdout);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}

/* stdin: its name, whether it is our controlling terminal, its size */
static int do_tty(void)
{
	struct winsize ws = { 0 };
	const char *name = ttyname(0);

	if (!name)
		return die("ttyname");
	ioctl(0, TIOCGWINSZ, &ws);
	printf("tty %s ctty %s size %u %u\n", name, tcgetsid(0) == getsid(0) ? "yes" : "no",
	       ws.ws_row, ws.ws_col);
	return 0;
}

static int recv_master(int sk, char *name, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = name, .iov_len = len - 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	ssize_t n = recvmsg(sk, &msg, 0);
	int fd = -1;

	if (n < 0)
		return die("recvmsg");
	name[n] = '\0';
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static int accept_one(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int lsk, sk;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	lsk = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lsk < 0 || bind(lsk, (struct sockaddr *)&a, sizeof(a)) || listen(lsk, 1))
		return die("listen");
	sk = accept(lsk, NULL, NULL);
	if (sk < 0)
		return die("accept");
	close(lsk);
	return sk;
}

static int do_fd_recv(const char *path)
{
	char name[256], link[64], target[256] = "";
	int sk = accept_one(path), fd;
	ssize_t n;

	if (sk < 0)
		return 1;
	fd = recv_master(sk, name, sizeof(name));
	if (fd < 0) {
		printf("no fd received\n");
		return 1;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	printf("message %s fd %s\n", name, target);
	return 0;
}

static int do_console_recv(const char *path, const char *cmd)
{
	char name[256], buf[4096];
	int sk = accept_one(path), master;
	struct pollfd p;
	ssize_t n;

	if (sk < 0)
		return 1;
	master = recv_master(sk, name, sizeof(name));
	if (master < 0) {
		fprintf(stderr, "console-recv: no fd received\n");
		return 1;
	}
	printf("received master for %s\n", name);
	fflush(stdout);
	if (write(master, cmd, strlen(cmd)) < 0 || write(master, "\n", 1) < 0)
		return die("write master");
	p.fd = master;
	p.events = POLLIN;
	while (poll(&p, 1, 10000) > 0 && (n = read(master, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	return 0;
}

/* policy, nice and rt priority as sched_getattr gives them; the io priority */
static int do_sched(void)
{
	struct {
		uint32_t size, policy;
		uint64_t flags;
		int32_t nice;
		uint32_t priority;
		uint64_t runtime, deadline, period;
	} a = { 0 };
	long io;

	if (syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0) < 0)
		return die("sched_getattr");
	io = syscall(SYS_ioprio_get, 1, 0);	/* IOPRIO_WHO_PROCESS, self */
	printf("policy %u nice %d priority %u ioprio-class %ld ioprio-data %ld\n",
	       a.policy, a.nice, a.priority, io >> 13, io & 0x1fff);
	return 0;
}

/*
 * The CVE-2021-30465 attacker: swap the names a and b (a directory and a
 * symlink) with renameat2(RENAME_EXCHANGE) as fast as it can for secs
 * seconds, so that a runtime resolving a mount target meets either at any
 * moment; prints "swaps N".
 */
static int do_swap(const char *a, const char *b, int secs)
{
	time_t end = time(NULL) + secs;
	unsigned long n = 0;

	while (time(NULL) < end)
		for (int i = 0; i < 1000; i++, n++)
			if (syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 2 /* RENAME_EXCHANGE */) < 0)
				return die("renameat2");
	printf("swaps %lu\n", n);
	return 0;
}

/* the CPUs this process may run on, as "0 1 3" */
static int do_affinity(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return die("sched_getaffinity");
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			printf("%d ", c);
	putchar('\n');
	return 0;
}

/*
 * Can PATH be id-mapped?  What the tests ask the kernel directly, without
 * keel, before they expect keel's idmap mounts to work: a clone of the
 * mount at PATH gets MOUNT_ATTR_IDMAP with a user namespace mapping 0 to
 * 1000.  Prints "yes", or "no: <error>" (tmpfs, for one, supports it only
 * since Linux 6.3).  The host side of a test runs it, as root.
 */
static int do_idmap_ok(const char *path)
{
	struct mount_attr a = { .attr_set = MOUNT_ATTR_IDMAP };
	int p[2], tree, ufd, r, err = 0;
	char f[64];
	pid_t pid;

	if (!path || pipe(p) < 0)
		return die("idmap-ok");
	pid = fork();
	if (pid == 0) {
		char c;

		close(p[1]);
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		/* hold the namespace until the parent is done with it */
		_exit(read(p[0], &c, 1) < 0);
	}
	close(p[0]);
	/* wait until the child has its user namespace */
	for (int i = 0; i < 1000; i++) {
		struct stat a1, a2;

		snprintf(f, sizeof(f), "/proc/%d/ns/user", (int)pid);
		if (stat(f, &a1) == 0 && stat("/proc/self/ns/user", &a2) == 0 &&
		    a1.st_ino != a2.st_ino)
			break;
		usleep(1000);
	}
	r = 0;
	for (const char *m = "uid_map"; m; m = m[0] == 'u' ? "gid_map" : NULL) {
		int fd;

		snprintf(f, sizeof(f), "/proc/%d/%s", (int)pid, m);
		fd = open(f, O_WRONLY);
		if (fd < 0 || write(fd, "0 1000 1", 8) != 8)
			r = -1;
		if (fd >= 0)
			close(fd);
	}
	snprintf(f, sizeof(f), "/proc/%d/ns/user", (int)pid);
	ufd = open(f, O_RDONLY | O_CLOEXEC);
	tree = syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | O_CLOEXEC);
	if (r < 0 || ufd < 0 || tree < 0) {
		err = errno;
	} else {
		a.userns_fd = ufd;
		if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
			err = errno;
	}
	close(p[1]);
	waitpid(pid, NULL, 0);
	if (tree >= 0)
		close(tree);
	if (ufd >= 0)
		close(ufd);
	if (err)
		return printf("no: %s\n", strerror(err)) < 0;
	return printf("yes\n") < 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: probe pid|ppid|ids|hostname|ns|caps|seccomp|nnp|"
		"cwd|env|fds|mounts|umask|cgroup|signal-wait\n"
		"       probe rlimit NAME|write PATH|stat PATH|sleep N|exit N|"
		"syscall getcwd|syscall personality ARG|fork N SECS\n"
		"       probe idmap-ok PATH\n"
		"       probe swap A B SECS\n"
		"       probe tty | fd-recv SOCK | console-recv SOCK CMD\n"
		"       probe term-wait | enosys-exec NR,... CMD... | ptrace-syscall PID NR [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const char *const caps[] = {
		"CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:", NULL,
	};
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : NULL;
	char buf[PATH_MAX];
	struct utsname u;
	char **e;
	mode_t m;

	if (!strcmp(cmd, "term-wait")) {
		signal(SIGTERM, term_exit);
		return do_term_wait();
	}
	if (!strcmp(cmd, "enosys-exec") && argc > 3)
		return do_enosys_exec(argv[2], argv + 3);
	if (!strcmp(cmd, "ptrace-syscall") && argc > 3)
		return do_ptrace_syscall(argc, argv);

	if (!strcmp(cmd, "pid"))
		return printf("%d\n", (int)getpid()) < 0;
	if (!strcmp(cmd, "ppid"))
		return printf("%d\n", (int)getppid()) < 0;
	if (!strcmp(cmd, "ids"))
		return do_ids();
	if (!strcmp(cmd, "hostname")) {
		if (uname(&u))
			return die("uname");
		return printf("%s\n", u.nodename) < 0;
	}
	if (!strcmp(cmd, "ns"))
		return do_ns();
	if (!strcmp(cmd, "caps"))
		return cat_lines("/proc/self/status", caps, 0);
	if (!strcmp(cmd, "seccomp"))
		return status_field("Seccomp:");
	if (!strcmp(cmd, "nnp"))
		return status_field("NoNewPrivs:");
	if (!strcmp(cmd, "cwd")) {
		if (!getcwd(buf, sizeof(buf)))
			return die("getcwd");
		return printf("%s\n", buf) < 0;
	}
	if (!strcmp(cmd, "env")) {
		for (e = environ; *e; e++)
			printf("%s\n", *e);
		return 0;
	}
	if (!strcmp(cmd, "fds"))
		return do_fds();
	if (!strcmp(cmd, "mounts"))
		return cat_lines("/proc/self/mountinfo", NULL, 0);
	if (!strcmp(cmd, "cgroup"))
		return cat_lines("/proc/self/cgroup", NULL, 0);
	if (!strcmp(cmd, "umask")) {
		m = umask(0);
		umask(m);
		return printf("%04o\n", (unsigned)m) < 0;
	}
	if (!strcmp(cmd, "signal-wait"))
		return do_signal_wait();
	if (!strcmp(cmd, "tty"))
		return do_tty();
	if (!strcmp(cmd, "sched"))
		return do_sched();
	if (!strcmp(cmd, "affinity"))
		return do_affinity();
	if (!strcmp(cmd, "personality"))
		return printf("%#x\n", (unsigned)personality(0xffffffff)) < 0;
	if (!strcmp(cmd, "keyring")) {
		/* KEYCTL_GET_KEYRING_ID (0) of KEY_SPEC_SESSION_KEYRING (-3) */
		long id = syscall(SYS_keyctl, 0, -3, 0);

		return id < 0 ? die("keyctl") : printf("%ld\n", id) < 0;
	}
	if (!strcmp(cmd, "fd-recv") && arg)
		return do_fd_recv(arg);
	if (!strcmp(cmd, "console-recv") && argc > 3)
		return do_console_recv(argv[2], argv[3]);
	if (!arg)
		return usage();
	if (!strcmp(cmd, "rlimit"))
		return do_rlimit(arg);
	if (!strcmp(cmd, "write"))
		return do_write(arg);
	if (!strcmp(cmd, "stat"))
		return do_stat(arg);
	if (!strcmp(cmd, "sleep"))
		return sleep(atoi(arg)) != 0;
	if (!strcmp(cmd, "exit"))
		return atoi(arg);
	if (!strcmp(cmd, "syscall"))
		return do_syscall(arg, argc > 3 ? argv[3] : NULL);
	if (!strcmp(cmd, "fork"))
		return do_fork(atoi(arg), argc > 3 ? atoi(argv[3]) : 1);
	if (!strcmp(cmd, "idmap-ok"))
		return do_idmap_ok(arg);
	if (!strcmp(cmd, "swap") && argc > 4)
		return do_swap(arg, argv[3], atoi(argv[4]));
	return usage();
}
