// SPDX-License-Identifier: MIT
/*
 * seccomp/: every filter is loaded for real in a forked child, which makes
 * the syscall and reports what happened through its exit status.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "generated/version.h"
#include "seccomp/sc.h"
#include "test/unit/tap.h"

#ifdef CONFIG_SECCOMP
#include <linux/filter.h>
#include <seccomp.h>

static char *names_getcwd[] = { "getcwd", NULL };
static char *names_getppid[] = { "getppid", NULL };
static char *names_dup[] = { "dup", NULL };

/* One rule, default ALLOW: the common shape of these tests. */
static struct spec_seccomp one_rule(struct spec_sc_rule *r)
{
	return (struct spec_seccomp){
		.default_action = SPEC_SC_ALLOW, .rules = r, .n_rules = 1,
	};
}

/* Fork; the child loads s and returns fn()'s value as its exit status. */
static int run_filtered(const struct spec_seccomp *s, int (*fn)(void))
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct err e = { 0 };
		int fd;

		if (sc_apply(s, &fd, &e)) {
			printf("#   child: %s\n", e.msg);
			fflush(stdout);
			_exit(100);
		}
		_exit(fn());
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static int exited(int status, int code)
{
	if (!WIFEXITED(status) || WEXITSTATUS(status) != code) {
		printf("#   status 0x%x, want exit %d\n", status, code);
		return 0;
	}
	return 1;
}

/* errno of a failed call, 0 on success */
static int err_of(long r)
{
	return r < 0 ? errno : 0;
}

static int child_getcwd(void)
{
	char buf[256];

	return getcwd(buf, sizeof(buf)) ? 0 : errno;
}

static int child_getppid(void)
{
	return err_of(syscall(SYS_getppid));
}

static int test_errno_ret(void)
{
	struct spec_sc_rule r = {
		.names = names_getcwd, .action = SPEC_SC_ERRNO,
		.has_errno_ret = true, .errno_ret = 38,
	};
	struct spec_seccomp s = one_rule(&r);

	CHECK(child_getcwd() == 0);
	CHECK(exited(run_filtered(&s, child_getcwd), 38));
	CHECK(exited(run_filtered(&s, child_getppid), 0));
	r.has_errno_ret = false;
	CHECK(exited(run_filtered(&s, child_getcwd), EPERM));
	return TEST_PASS;
}

static int test_default_errno_allowlist(void)
{
	static char *allowed[] = { "exit", "exit_group", "write", "getcwd", NULL };
	struct spec_sc_rule r = { .names = allowed, .action = SPEC_SC_ALLOW };
	struct spec_seccomp s = {
		.default_action = SPEC_SC_ERRNO, .has_default_errno_ret = true,
		.default_errno_ret = 77, .rules = &r, .n_rules = 1,
	};

	CHECK(exited(run_filtered(&s, child_getppid), 77));
	CHECK(exited(run_filtered(&s, child_getcwd), 0));
	return TEST_PASS;
}

static int test_kill(void)
{
	struct spec_sc_rule r = { .names = names_getppid, .action = SPEC_SC_KILL_PROCESS };
	struct spec_seccomp s = one_rule(&r);
	int st = run_filtered(&s, child_getppid);

	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	r.action = SPEC_SC_KILL_THREAD;
	st = run_filtered(&s, child_getppid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	CHECK(exited(run_filtered(&s, child_getcwd), 0));
	return TEST_PASS;
}

static volatile sig_atomic_t trapped_nr = -1;

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	trapped_nr = si->si_syscall;
}

static int child_trap(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };

	/* installed before the filter would be nicer, but SIGSYS is only ours here */
	sigaction(SIGSYS, &sa, NULL);
	syscall(SYS_getppid);
	return trapped_nr == SYS_getppid ? 0 : 1;
}

static int test_trap(void)
{
	struct spec_sc_rule r = { .names = names_getppid, .action = SPEC_SC_TRAP };
	struct spec_seccomp s = one_rule(&r);

	CHECK(exited(run_filtered(&s, child_trap), 0));
	return TEST_PASS;
}

/* bit n set: dup(n) failed with errno 33 (the rule hit), for n = 0..5 */
static int child_dup_mask(void)
{
	int mask = 0;

	for (int fd = 0; fd < 6; fd++) {
		int r;

		if (fd > 2)
			dup2(2, fd);
		r = dup(fd);
		if (r < 0 && errno == 33)
			mask |= 1 << fd;
	}
	return mask;
}

static int dup_mask_with(struct spec_sc_arg *args, size_t n)
{
	struct spec_sc_rule r = {
		.names = names_dup, .action = SPEC_SC_ERRNO, .has_errno_ret = true,
		.errno_ret = 33, .args = args, .n_args = n,
	};
	struct spec_seccomp s = one_rule(&r);
	int st = run_filtered(&s, child_dup_mask);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int test_arg_operators(void)
{
	static const struct { enum spec_sc_op op; int mask; } t[] = {
		{ SPEC_SC_NE, 0x3d }, { SPEC_SC_LT, 0x01 }, { SPEC_SC_LE, 0x03 },
		{ SPEC_SC_EQ, 0x02 }, { SPEC_SC_GE, 0x3e }, { SPEC_SC_GT, 0x3c },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct spec_sc_arg a = { .index = 0, .value = 1, .op = t[i].op };
		int got = dup_mask_with(&a, 1);

		if (got != t[i].mask)
			printf("#   op %d: mask 0x%x, want 0x%x\n", t[i].op, got, t[i].mask);
		CHECK(got == t[i].mask);
	}
	return TEST_PASS;
}

static int test_masked_eq(void)
{
	/* value is the mask, valueTwo the datum: (fd & 6) == 4 -> fds 4, 5 */
	struct spec_sc_arg a = { .index = 0, .value = 6, .value_two = 4, .op = SPEC_SC_MASKED_EQ };

	CHECK(dup_mask_with(&a, 1) == 0x30);
	return TEST_PASS;
}

static int test_same_index_is_or(void)
{
	struct spec_sc_arg a[] = {
		{ .index = 0, .value = 1, .op = SPEC_SC_EQ },
		{ .index = 0, .value = 4, .op = SPEC_SC_EQ },
	};

	CHECK(dup_mask_with(a, 2) == 0x12);
	return TEST_PASS;
}

static int child_dup3(void)
{
	int r = 0;

	/* bit 0: dup3(1, 50) hit; bit 1: dup3(2, 50) hit; bit 2: dup3(1, 51) hit */
	if (syscall(SYS_dup3, 1, 50, 0) < 0 && errno == 33)
		r |= 1;
	if (syscall(SYS_dup3, 2, 50, 0) < 0 && errno == 33)
		r |= 2;
	if (syscall(SYS_dup3, 1, 51, 0) < 0 && errno == 33)
		r |= 4;
	return r;
}

static int test_different_index_is_and(void)
{
	static char *names[] = { "dup3", NULL };
	struct spec_sc_arg a[] = {
		{ .index = 0, .value = 1, .op = SPEC_SC_EQ },
		{ .index = 1, .value = 50, .op = SPEC_SC_EQ },
	};
	struct spec_sc_rule r = {
		.names = names, .action = SPEC_SC_ERRNO, .has_errno_ret = true,
		.errno_ret = 33, .args = a, .n_args = 2,
	};
	struct spec_seccomp s = one_rule(&r);

	CHECK(exited(run_filtered(&s, child_dup3), 1));
	return TEST_PASS;
}

static int test_unknown_syscall_skipped(void)
{
	static char *names[] = { "no_such_syscall_keel", "getcwd", NULL };
	struct spec_sc_rule r = {
		.names = names, .action = SPEC_SC_ERRNO, .has_errno_ret = true, .errno_ret = 38,
	};
	struct spec_seccomp s = one_rule(&r);
	struct err e = { 0 };

	CHECK(sc_check(&s, &e) == 0);
	CHECK(exited(run_filtered(&s, child_getcwd), 38));
	return TEST_PASS;
}

static int test_rule_equal_to_default_skipped(void)
{
	struct spec_sc_rule r[] = {
		{ .names = names_getppid, .action = SPEC_SC_ALLOW },
		{ .names = names_getcwd, .action = SPEC_SC_ERRNO, .has_errno_ret = true, .errno_ret = 38 },
	};
	struct spec_seccomp s = { .default_action = SPEC_SC_ALLOW, .rules = r, .n_rules = 2 };
	struct err e = { 0 };

	CHECK(sc_check(&s, &e) == 0);
	CHECK(exited(run_filtered(&s, child_getppid), 0));
	CHECK(exited(run_filtered(&s, child_getcwd), 38));
	return TEST_PASS;
}

static int test_flags_load(void)
{
	static char *flags[] = { "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
				 "SECCOMP_FILTER_FLAG_SPEC_ALLOW", NULL };
	struct spec_sc_rule r = {
		.names = names_getcwd, .action = SPEC_SC_ERRNO, .has_errno_ret = true, .errno_ret = 38,
	};
	struct spec_seccomp s = one_rule(&r);

	s.flags = flags;
	CHECK(exited(run_filtered(&s, child_getcwd), 38));
	return TEST_PASS;
}

/* Does the exported BPF program compare the audit arch with each of archs? */
static int bpf_has_archs(const struct spec_seccomp *s, const uint32_t *archs, size_t n)
{
	char path[] = "/tmp/keel-sc-bpf.XXXXXX";
	_cleanup_close_ int fd = mkstemp(path);
	_cleanup_free_ char *prog = NULL;
	struct err e = { 0 };
	size_t len, found = 0;

	if (fd < 0)
		return 0;
	unlink(path);
	if (sc_export_bpf(s, fd, &e)) {
		printf("#   %s\n", e.msg);
		return 0;
	}
	lseek(fd, 0, SEEK_SET);
	prog = xmalloc(1 << 20);
	len = read_all(fd, prog, 1 << 20);
	for (size_t a = 0; a < n; a++) {
		for (size_t off = 0; off + sizeof(struct sock_filter) <= len; off += sizeof(struct sock_filter)) {
			struct sock_filter insn;

			memcpy(&insn, prog + off, sizeof(insn));
			if (insn.code == (BPF_JMP | BPF_JEQ | BPF_K) && insn.k == archs[a]) {
				found++;
				break;
			}
		}
	}
	return found == n;
}

static int test_architectures(void)
{
	static char *x86[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL };
	static char *arm[] = { "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", NULL };
	static char *rv[] = { "SCMP_ARCH_RISCV64", NULL };
	static const uint32_t x86_a[] = { SCMP_ARCH_X86_64, SCMP_ARCH_X86 };
	static const uint32_t arm_a[] = { SCMP_ARCH_AARCH64, SCMP_ARCH_ARM };
	static const uint32_t rv_a[] = { SCMP_ARCH_RISCV64 };
	static char *names[] = { "open", "openat", "getcwd", NULL };
	struct spec_sc_rule r = { .names = names, .action = SPEC_SC_ERRNO };
	struct spec_seccomp s = one_rule(&r);
	struct err e = { 0 };

	s.architectures = x86;
	CHECK(sc_check(&s, &e) == 0);
	CHECK(bpf_has_archs(&s, x86_a, ARRAY_SIZE(x86_a)));
	s.architectures = arm;
	CHECK(sc_check(&s, &e) == 0);
	CHECK(bpf_has_archs(&s, arm_a, ARRAY_SIZE(arm_a)));
	s.architectures = rv;
	CHECK(sc_check(&s, &e) == 0);
	CHECK(bpf_has_archs(&s, rv_a, ARRAY_SIZE(rv_a)));
	/* none listed: only the native one (checked with an arch that is not) */
	s.architectures = NULL;
	CHECK(!bpf_has_archs(&s, seccomp_arch_native() == SCMP_ARCH_AARCH64 ? rv_a : arm_a, 1));
	/* and the x86 list loads: the native arch filter still works */
	s.architectures = x86;
	r.has_errno_ret = true;
	r.errno_ret = 38;
	CHECK(exited(run_filtered(&s, child_getcwd), 38));
	return TEST_PASS;
}

static int check_error(const struct spec_seccomp *s, const char *want)
{
	struct err e = { 0 };

	if (sc_check(s, &e) >= 0) {
		printf("#   sc_check accepted, want \"%s\"\n", want);
		return 0;
	}
	if (strcmp(e.msg, want)) {
		printf("#   \"%s\" != \"%s\"\n", e.msg, want);
		return 0;
	}
	return 1;
}

static int test_errors_name_json_path(void)
{
	static char *bad_arch[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_PDP11", NULL };
	static char *bad_flag[] = { "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_NOPE", NULL };
	static char *waitkill[] = { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL };
	struct spec_sc_arg bad_arg = { .index = 6, .op = SPEC_SC_EQ };
	struct spec_sc_rule r[4] = {
		{ .names = names_getcwd, .action = SPEC_SC_ERRNO },
		{ .names = names_getcwd, .action = SPEC_SC_ERRNO },
		{ .names = names_getcwd, .action = SPEC_SC_ERRNO },
		{ .names = names_getcwd, .action = SPEC_SC_ERRNO, .args = &bad_arg, .n_args = 1 },
	};
	struct spec_seccomp s = { .default_action = SPEC_SC_ALLOW, .rules = r, .n_rules = 4 };

	CHECK(check_error(&s, "linux.seccomp.syscalls[3].args[0].index: must be < 6"));
	s.n_rules = 3;
	s.architectures = bad_arch;
	CHECK(check_error(&s, "linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_PDP11\""));
	s.architectures = NULL;
	s.flags = bad_flag;
	CHECK(check_error(&s, "linux.seccomp.flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_NOPE\""));
	s.flags = waitkill;
	if (!SCMP_VER_MAJOR || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR < 6))
		CHECK(check_error(&s, "linux.seccomp.flags[0]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV "
				  "is not supported by this libseccomp (2.5.4)"));
	s.flags = NULL;
	r[1].has_errno_ret = true;
	r[1].errno_ret = 70000;
	CHECK(check_error(&s, "linux.seccomp.syscalls[1].errnoRet: must be < 65536"));
	return TEST_PASS;
}

static int test_notify_checks(void)
{
	static char *names_write[] = { "write", NULL };
	struct spec_sc_rule r = { .names = names_getppid, .action = SPEC_SC_NOTIFY };
	struct spec_seccomp s = one_rule(&r);
	struct err e = { 0 };

	if (!IS_ENABLED(CONFIG_SECCOMP_NOTIFY)) {
		s.listener_path = "/run/listener.sock";
		CHECK(check_error(&s, "linux.seccomp.listenerPath: this keel was built without "
				  "CONFIG_SECCOMP_NOTIFY"));
		return TEST_PASS;
	}
	CHECK(check_error(&s, "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used"));
	s.listener_path = "/run/listener.sock";
	CHECK(sc_check(&s, &e) == 0);
	r.names = names_write;
	CHECK(check_error(&s, "linux.seccomp.syscalls[0].names[0]: SCMP_ACT_NOTIFY cannot be used for \"write\""));
	s.n_rules = 0;
	s.default_action = SPEC_SC_NOTIFY;
	CHECK(check_error(&s, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"));
	return TEST_PASS;
}

static const char state_json[] = "{\"id\":\"t\",\"status\":\"creating\"}";
static const char process_state[] = "{\"ociVersion\":\"" OCI_SPEC_VERSION "\",\"fds\":[\"seccompFd\"],"
	"\"pid\":1,\"metadata\":\"m \\\"q\\\"\",\"state\":{\"id\":\"t\",\"status\":\"creating\"}}";

static int child_notify(const char *listener)
{
	struct spec_sc_rule r = { .names = names_getppid, .action = SPEC_SC_NOTIFY };
	struct spec_seccomp s = one_rule(&r);
	struct err e = { 0 };
	int fd, sk;

	s.listener_path = (char *)listener;
	if (sc_apply(&s, &fd, &e) || fd < 0)
		return 10;
	sk = sc_listener_connect(listener, &e);
	if (sk < 0 || sc_notify_send(sk, fd, 1, "m \"q\"", state_json, &e))
		return 11;
	close(sk);
	close(fd);
	/* the listener answers 4242 for us */
	return syscall(SYS_getppid) == 4242 ? 0 : 12;
}

static int recv_fd(int sk, char *buf, size_t len)
{
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = buf, .iov_len = len - 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.b, .msg_controllen = sizeof(u.b),
	};
	struct cmsghdr *c;
	ssize_t n = recvmsg(sk, &msg, MSG_CMSG_CLOEXEC);
	int fd;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static int wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 5000) == 1 && (p.revents & POLLIN);
}

/* Answer one notification for getppid with 4242. */
static int answer(int nfd)
{
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	int ok;

	if (!wait_readable(nfd) || seccomp_notify_alloc(&req, &resp))
		return 0;
	ok = seccomp_notify_receive(nfd, req) == 0 && req->data.nr == SYS_getppid;
	if (ok) {
		resp->id = req->id;
		resp->val = 4242;
		resp->error = 0;
		resp->flags = 0;
		ok = seccomp_notify_respond(nfd, resp) == 0;
	}
	seccomp_notify_free(req, resp);
	return ok;
}

static int test_notify_listener(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	_cleanup_close_ int lsk = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	_cleanup_close_ int sk = -1, nfd = -1;
	_cleanup_pid_ pid_t pid = -1;
	char buf[1024];
	int st;

	if (!IS_ENABLED(CONFIG_SECCOMP_NOTIFY))
		SKIP("CONFIG_SECCOMP_NOTIFY=n");
	if (seccomp_api_get() < 5)
		SKIP("kernel or libseccomp without user notification");
	snprintf(addr.sun_path, sizeof(addr.sun_path), "/tmp/keel-sc-%d.sock", (int)getpid());
	unlink(addr.sun_path);
	CHECK(lsk >= 0);
	CHECK(bind(lsk, (struct sockaddr *)&addr, sizeof(addr)) == 0);
	CHECK(listen(lsk, 1) == 0);
	pid = fork();
	if (pid == 0)
		_exit(child_notify(addr.sun_path));
	CHECK(wait_readable(lsk));
	sk = accept4(lsk, NULL, NULL, SOCK_CLOEXEC);
	unlink(addr.sun_path);
	CHECK(sk >= 0);
	nfd = recv_fd(sk, buf, sizeof(buf));
	CHECK(nfd >= 0);
	CHECK_STR(buf, process_state);
	CHECK(answer(nfd));
	CHECK(waitpid(pid, &st, 0) == pid);
	pid = -1;
	CHECK(exited(st, 0));
	return TEST_PASS;
}

int main(void)
{
	RUN_TEST(test_errno_ret);
	RUN_TEST(test_default_errno_allowlist);
	RUN_TEST(test_kill);
	RUN_TEST(test_trap);
	RUN_TEST(test_arg_operators);
	RUN_TEST(test_masked_eq);
	RUN_TEST(test_same_index_is_or);
	RUN_TEST(test_different_index_is_and);
	RUN_TEST(test_unknown_syscall_skipped);
	RUN_TEST(test_rule_equal_to_default_skipped);
	RUN_TEST(test_flags_load);
	RUN_TEST(test_architectures);
	RUN_TEST(test_errors_name_json_path);
	RUN_TEST(test_notify_checks);
	RUN_TEST(test_notify_listener);
	return tap_done();
}

#else /* !CONFIG_SECCOMP */

static int test_compiled_out_refuses(void)
{
	struct spec_seccomp s = { .default_action = SPEC_SC_ALLOW };
	struct err e = { 0 };
	int fd = 5;

	CHECK(sc_check(NULL, &e) == 0);
	CHECK(sc_check(&s, &e) == -ENOTSUP);
	CHECK_STR(e.msg, "linux.seccomp: this keel was built without CONFIG_SECCOMP");
	CHECK(sc_apply(&s, &fd, &e) == -ENOTSUP && fd == -1);
	return TEST_PASS;
}

int main(void)
{
	RUN_TEST(test_compiled_out_refuses);
	return tap_done();
}
#endif
