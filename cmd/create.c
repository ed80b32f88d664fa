// SPDX-License-Identifier: MIT
/*
 * create and run.  create leaves init blocked on the exec fifo and exits;
 * run does the same, then starts it and (unless --detach) waits for it.
 * Everything made on the way (state dir, cgroup, init) is undone on error.
 */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#include <sys/wait.h>
#include <unistd.h>

#include "cg/cg.h"
#include "cmd/cmd.h"
#include "cmd/container.h"
#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "lib/log.h"
#include "lib/selfexec.h"
#include "lib/util.h"
#include "mount/mnt.h"
#include "ns/ns.h"
#include "seccomp/sc.h"
#include "spec/spec.h"

struct create_opts {
	const char *bundle, *pid_file, *console_socket, *pidfd_socket;	/* absolute */
	bool no_pivot, detach, keep, no_new_keyring;
	bool attached;		/* a foreground run: keel itself is the terminal */
	int preserve_fds;
};

/* A made container, and what to undo if a later step fails. */
struct made {
	struct container c;
	struct cg cg;
	bool have_dir, have_cg;
	pid_t pid;
	int console;		/* pty master for a foreground run, else -1 */
	struct spec *spec;	/* kept for the hooks of run */
};

static const char create_usage[] =
	"Usage: keel create [options] <container-id>\n"
	"Create a container: set it up and leave its process waiting for \"start\".\n\n"
	"  -b, --bundle DIR         bundle directory (default: current directory)\n"
	"      --pid-file FILE      write the container process's pid to FILE\n"
	"      --console-socket S   unix socket that receives the terminal master\n"
	"      --no-pivot           MS_MOVE + chroot instead of pivot_root (ramdisk roots)\n"
	"      --no-new-keyring     keep the caller's session keyring (default: a new one)\n"
	"      --preserve-fds N     pass N fds beyond stdio (3..3+N-1) to the container\n"
	"      --pidfd-socket S     unix socket that receives a pidfd of the container process\n";

static const char run_usage[] =
	"Usage: keel run [options] <container-id>\n"
	"Create and start a container; wait for it unless --detach.\n\n"
	"  -b, --bundle DIR         bundle directory (default: current directory)\n"
	"  -d, --detach             do not wait for the container\n"
	"      --keep               keep the container's state after it exits\n"
	"      --pid-file FILE      write the container process's pid to FILE\n"
	"      --console-socket S   unix socket that receives the terminal master\n"
	"      --no-pivot           MS_MOVE + chroot instead of pivot_root\n"
	"      --no-new-keyring     keep the caller's session keyring\n"
	"      --preserve-fds N     pass N extra fds to the container\n"
	"      --pidfd-socket S     unix socket that receives a pidfd of the container process\n";

static bool set(const char *s)
{
	return s && *s;
}

/*
 * Fields keel parses but does not apply (yet): refusing them beats running
 * a container with less than it asked for.
 */
/* Fields applied by ns/attrs.c, which CONFIG_PROC_ATTRS=n leaves out. */
static const char *needs_proc_attrs(const struct spec *s)
{
	const struct spec_process *p = s->process;
	const struct spec_linux *l = &s->linux;

	if (l->n_sysctl)
		return "linux.sysctl";
	if (l->has_personality)
		return "linux.personality";
	if (p->has_scheduler)
		return "process.scheduler";
	if (p->has_io_priority)
		return "process.ioPriority";
	if (p->has_exec_cpu_affinity)
		return "process.execCPUAffinity";
	return NULL;
}

static const char *not_applied(const struct spec *s)
{
	const struct spec_process *p = s->process;
	const struct spec_linux *l = &s->linux;

	if (l->has_intel_rdt)
		return "linux.intelRdt";
	if (l->has_net_devices)
		return "linux.netDevices";
	if (set(l->mount_label))
		return "linux.mountLabel";
	if (set(p->apparmor_profile))
		return "process.apparmorProfile";
	if (set(p->selinux_label))
		return "process.selinuxLabel";
	return NULL;
}

/* Features config.json may ask for that this build does not (yet) provide. */
static int check_features(const struct spec *s, struct err *e)
{
	const char *field;
	int r;

	if (!s->process)
		return err_set(e, EINVAL, "process: required to create a container");
	if (s->process->terminal && !IS_ENABLED(CONFIG_CONSOLE))
		return err_set(e, ENOTSUP, "process.terminal: this keel was built without CONFIG_CONSOLE");
	if (s->hooks && !IS_ENABLED(CONFIG_HOOKS))
		return err_set(e, ENOTSUP, "hooks: this keel was built without CONFIG_HOOKS");
	field = IS_ENABLED(CONFIG_PROC_ATTRS) ? NULL : needs_proc_attrs(s);
	if (field)
		return err_set(e, ENOTSUP, "%s: this keel was built without CONFIG_PROC_ATTRS", field);
	field = not_applied(s);
	if (field)
		return err_set(e, ENOTSUP, "%s: not supported by this keel yet", field);
	r = ns_check(s, e);
	if (r == 0)
		r = mnt_check(s, e);
	if (r == 0)
		r = sc_check(s->linux.seccomp, e);
	if (r == 0)
		r = cg_check(s->linux.resources, e);
	return r;
}

/* runc's rules: a terminal needs someone to hold its master. */
static int check_terminal(const struct spec *s, const struct create_opts *o, struct err *e)
{
	if (s->process->terminal && !o->console_socket && !o->attached)
		return err_set(e, EINVAL, "process.terminal: needs --console-socket unless keel run "
			       "stays attached");
	if (!s->process->terminal && o->console_socket)
		return err_set(e, EINVAL, "--console-socket: process.terminal is false");
	return 0;
}

/*
 * systemd socket activation, as runc does it: fds 3 .. 3+LISTEN_FDS-1 pass
 * to the container ahead of --preserve-fds, and the process is told about
 * them as pid 1.  The env array is replaced, not grown in place: it belongs
 * to the spec's arena.  The new one lives until keel exits: static, so that
 * LeakSanitizer sees it held.
 */
static void socket_activation(struct spec *s, struct create_opts *o)
{
	static char **env, fds_var[32];
	const char *v = getenv("LISTEN_FDS");
	char **old = s->process->env;
	size_t n = 0, j = 0;
	long fds;

	if (!v || (fds = strtol(v, NULL, 10)) <= 0 || fds > 1024)
		return;
	o->preserve_fds += fds;
	while (old && old[n])
		n++;
	env = xcalloc(n + 3, sizeof(*env));
	for (size_t i = 0; i < n; i++)
		if (!str_has_prefix(old[i], "LISTEN_FDS=") && !str_has_prefix(old[i], "LISTEN_PID="))
			env[j++] = old[i];
	snprintf(fds_var, sizeof(fds_var), "LISTEN_FDS=%ld", fds);
	env[j++] = fds_var;
	env[j++] = (char *)"LISTEN_PID=1";
	s->process->env = env;
}

/*
 * The mounts are in place (init waits before pivot_root): prestart and
 * createRuntime hooks run here, in keel's namespaces, as the runtime-spec
 * says; the state they saw goes on to init for its own hooks.
 */
static int on_mounted(pid_t pid, void *data, char **state, struct err *e)
{
	struct made *m = data;
	int r;

	m->c.pid = pid;
	time_rfc3339(m->c.created, sizeof(m->c.created), true);
	/* "created", as crun says to these hooks: the container exists now */
	*state = ctr_state_json(&m->c, CTR_CREATED, m->spec, false);
	r = hooks_run(m->spec, SPEC_HOOK_PRESTART, *state, e);
	if (r == 0)
		r = hooks_run(m->spec, SPEC_HOOK_CREATE_RUNTIME, *state, e);
	return r;
}

static int enter_cgroup(pid_t pid, void *data, struct err *e)
{
	struct made *m = data;

	return m->have_cg ? cg_enter(&m->cg, pid, e) : 0;
}

/*
 * Whose is the cgroup?  One that is not there yet is keel's, and so is one
 * a container in this --root made: cgroup.made says so (before the mkdir,
 * so that a create killed midway leaves nothing).  Any other is the host's
 * or a client's, joined as runc joins it, with its warning when processes
 * are in it already; keel will never kill them nor remove it.
 */
static int claim_cgroup(struct made *m, const char *root, struct err *e)
{
	bool existed = cg_exists(&m->cg);
	_cleanup_free_ pid_t *pids = NULL;
	char path[PATH_MAX + 16];
	size_t n = 0;

	if (existed && cg_pids(&m->cg, &pids, &n, e) == 0 && n)
		log_warn("container's cgroup %s is not empty: %zu process(es) found", m->cg.path, n);
	err_clear(e);
	/* what cg_create() may undo by itself: only a cgroup it made now */
	m->cg.made = !existed;
	m->cg.alone = true;
	if (existed && !ctr_cgroup_made(root, m->c.id, m->cg.path))
		return 0;
	ctr_path(&m->c, "cgroup.made", path, sizeof(path));
	m->c.cg_made = true;
	return write_file_atomic(path, "", 0, 0600, e);
}

static void undo(struct made *m)
{
	struct err ignored;

	if (m->console >= 0)
		close(m->console);
	if (m->pid > 0) {
		kill(m->pid, SIGKILL);
		waitpid(m->pid, NULL, 0);
	}
	if (m->have_cg)
		ctr_cg_destroy(&m->c, &m->cg, true, &ignored);
	/* the lock's fd goes first: with the fd table full, the removal needs it */
	if (m->have_dir) {
		close(m->c.lock_fd);
		ctr_remove_dir(&m->c, &ignored);
	}
}

static int make_state_dir(struct made *m, const char *root, const char *config_json,
			  size_t len, struct err *e)
{
	char path[PATH_MAX + 16];
	int r;

	r = mkdir_p(root, 0700, e);
	if (r < 0)
		return r;
	if (mkdir(m->c.dir, 0700) < 0)
		return errno == EEXIST ? err_set(e, EEXIST, "container \"%s\" already exists", m->c.id)
				       : err_sys(e, errno, "mkdir %s", m->c.dir);
	m->have_dir = true;
	r = ctr_lock(&m->c, true, e);
	if (r < 0)
		return r;
	ctr_path(&m->c, "config.json", path, sizeof(path));
	r = write_file_atomic(path, config_json, len, 0600, e);
	if (r < 0)
		return r;
	ctr_path(&m->c, "exec.fifo", path, sizeof(path));
	if (mkfifo(path, 0600) < 0)
		return err_sys(e, errno, "mkfifo %s", path);
	ctr_path(&m->c, "exec.done", path, sizeof(path));
	if (mkfifo(path, 0600) < 0)
		return err_sys(e, errno, "mkfifo %s", path);
	return 0;
}

/* --pidfd-socket: a pidfd of init, so the caller can wait on it race-free. */
static int send_pidfd(const char *path, pid_t pid, struct err *e)
{
	_cleanup_close_ int pidfd = syscall(SYS_pidfd_open, pid, 0);
	_cleanup_close_ int sk = -1;
	int r;

	if (pidfd < 0)
		return err_sys(e, errno, "--pidfd-socket: pidfd_open");
	sk = unix_connect(path);
	if (sk < 0)
		return err_sys(e, -sk, "--pidfd-socket: connect %s", path);
	r = fd_send(sk, "pidfd", 5, pidfd);
	return r < 0 ? err_sys(e, -r, "--pidfd-socket: send to %s", path) : 0;
}

static int write_pid_file(const char *path, pid_t pid, struct err *e)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);

	return write_file_atomic(path, buf, n, 0644, e);
}

static int resolve_rootfs(const struct spec *s, const char *bundle, char *out, struct err *e)
{
	_cleanup_free_ char *joined = s->root.path[0] == '/' ? xstrdup(s->root.path)
					: xasprintf("%s/%s", bundle, s->root.path);

	if (!realpath(joined, out))
		return err_sys(e, errno, "root.path: %s", joined);
	return 0;
}

static int spawn(struct made *m, const struct spec *s, const struct create_opts *o,
		 struct err *e)
{
	char fifo[PATH_MAX + 16], done[PATH_MAX + 16];
	struct ns_init_args a = {
		.spec = s, .rootfs = m->c.rootfs, .fifo = fifo, .done_fifo = done,
		.no_pivot = o->no_pivot,
		.preserve_fds = o->preserve_fds, .new_keyring = !o->no_new_keyring,
		.before_go = enter_cgroup,
		.on_mounted = on_mounted, .data = m,
	};
	struct ns_init_result res;
	int *mount_fds = NULL;
	int r;

	ctr_path(&m->c, "exec.fifo", fifo, sizeof(fifo));
	ctr_path(&m->c, "exec.done", done, sizeof(done));
	/* relative mount sources are relative to the bundle, as in runc */
	if (chdir(m->c.bundle) < 0)
		return err_sys(e, errno, "chdir %s", m->c.bundle);
	/*
	 * Id-mapped mounts are made here, with the host's privileges, before
	 * init exists; init inherits them with the clone and moves them in.
	 */
	r = mnt_idmap_open(s, &mount_fds, e);
	if (r < 0)
		return r;
	a.mount_fds = mount_fds;
	r = ns_create_init(&a, &res, e);
	mnt_idmap_close(mount_fds, s->n_mounts);
	if (r < 0)
		return r;
	m->pid = res.pid;
	m->c.pid = res.pid;
	/* at once: an undo from here on must tell the container's pids apart */
	ctr_record_ns(&m->c);
	m->console = res.console_master;
	if (m->console >= 0 && o->console_socket) {
		r = console_send(o->console_socket, m->console, res.console_name, e);
		close(m->console);
		m->console = -1;
		if (r < 0)
			return r;
	}
	log_debug("%s: init is pid %d, waiting on %s", m->c.id, (int)m->pid, fifo);
	m->c.pid = m->pid;
	m->c.owner = geteuid();
	if (!m->c.created[0])
		time_rfc3339(m->c.created, sizeof(m->c.created), true);
	if (proc_start_time(m->pid, &m->c.start_time) < 0)
		return err_sys(e, ESRCH, "container init vanished");
	return 0;
}

static int do_create(struct globals *g, const char *id, struct create_opts *o,
		     struct made *m, struct err *e)
{
	_cleanup_free_ char *json = NULL, *cfg = NULL;
	struct spec *s;
	size_t len;
	int r;

	/*
	 * init is a clone of this process: an entrypoint "#!/proc/self/exe"
	 * would run keel's binary inside the container, where a process of a
	 * shared or parent pid namespace could open it by /proc/<pid>/exe and
	 * write it once it exits (CVE-2019-5736).  A sealed copy cannot be.
	 */
	r = selfexec_sealed(g->argv, e);
	if (r == 0)
		r = ctr_init(&m->c, g->root, id, e);
	if (r < 0)
		return r;
	if (!realpath(o->bundle ? o->bundle : ".", m->c.bundle))
		return err_sys(e, errno, "bundle %s", o->bundle ? o->bundle : ".");
	cfg = xasprintf("%s/config.json", m->c.bundle);
	r = spec_read(cfg, &json, &len, e);
	if (r < 0)	/* open and read errors name the path already */
		return r == -EFBIG ? err_wrap(e, "config.json") : r;
	s = m->spec = spec_parse(json, len, e);
	if (!s)
		return err_wrap(e, "config.json");
	r = check_features(s, e);
	if (r == 0)
		r = check_terminal(s, o, e);
	if (r == 0)
		socket_activation(s, o);
	if (r == 0)
		r = resolve_rootfs(s, m->c.bundle, m->c.rootfs, e);
	if (r == 0)
		r = make_state_dir(m, g->root, json, len, e);
	if (r == 0)
		r = cg_open(&m->cg, s->linux.cgroups_path, id, e);
	if (r == 0) {
		log_debug("%s: cgroup %s (%s driver)", id, m->cg.path, m->cg.drv->name);
		snprintf(m->c.cgroup, sizeof(m->c.cgroup), "%s", m->cg.path);
		m->cg.spec = s;
		r = claim_cgroup(m, g->root, e);
	}
	if (r == 0) {
		r = cg_create(&m->cg, s->linux.resources, e);
		m->have_cg = true;	/* a partial create is undone too */
	}
	if (r == 0)
		r = spawn(m, s, o, e);
	if (r == 0)
		r = ctr_save(&m->c, e);
	if (r == 0 && o->pid_file)
		r = write_pid_file(o->pid_file, m->pid, e);
	if (r == 0 && o->pidfd_socket)
		r = send_pidfd(o->pidfd_socket, m->pid, e);
	return r;
}

static int parse_opts(int argc, char **argv, bool run, struct create_opts *o, const char **id)
{
	enum { O_PID = 256, O_CONSOLE, O_NOPIVOT, O_NOKEYRING, O_PRESERVE, O_KEEP, O_PIDFD };
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "detach", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, O_PID },
		{ "console-socket", required_argument, NULL, O_CONSOLE },
		{ "pidfd-socket", required_argument, NULL, O_PIDFD },
		{ "no-pivot", no_argument, NULL, O_NOPIVOT },
		{ "no-new-keyring", no_argument, NULL, O_NOKEYRING },
		{ "preserve-fds", required_argument, NULL, O_PRESERVE },
		{ "keep", no_argument, NULL, O_KEEP },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *verb = run ? "run" : "create";
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, run ? "+b:dh" : "+b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': o->bundle = optarg; break;
		case 'd': o->detach = true; break;
		case O_PID: o->pid_file = optarg; break;
		case O_CONSOLE: o->console_socket = optarg; break;
		case O_NOPIVOT: o->no_pivot = true; break;
		case O_NOKEYRING: o->no_new_keyring = true; break;
		case O_KEEP: o->keep = true; break;
		case O_PIDFD: o->pidfd_socket = optarg; break;
		case O_PRESERVE:
			o->preserve_fds = strtol(optarg, &end, 10);
			if (*end || o->preserve_fds < 0 || o->preserve_fds > 1 << 16)
				return cmd_usage(verb, "--preserve-fds: bad number \"%s\"", optarg);
			break;
		case 'h':
			return cmd_help(run ? run_usage : create_usage), -1;
		default:
			return cmd_bad_option(verb, argv);
		}
	}
	if (optind != argc - 1)
		return cmd_usage(verb, "expects exactly one container id");
	/* relative to where keel was called, not to the bundle create moves to */
	if (o->pid_file)
		o->pid_file = path_absolute(o->pid_file);
	if (o->console_socket)
		o->console_socket = path_absolute(o->console_socket);
	if (o->pidfd_socket)
		o->pidfd_socket = path_absolute(o->pidfd_socket);
	o->attached = run && !o->detach;
	*id = argv[optind];
	return 0;
}

int cmd_create(struct globals *g, int argc, char **argv)
{
	struct create_opts o = { 0 };
	struct made m = { .pid = -1, .console = -1 };
	struct err e = { 0 };
	const char *id;
	int r = parse_opts(argc, argv, false, &o, &id);

	if (r)
		return r < 0 ? 0 : r;
	r = do_create(g, id, &o, &m, &e);
	if (r < 0)
		undo(&m);
	spec_free(m.spec);
	return r < 0 ? cmd_fail(&e) : 0;
}

/* Pass the usual termination signals on to the container, as runc run does. */
static pid_t fwd_pid;

static void forward(int sig)
{
	if (fwd_pid > 0)
		kill(fwd_pid, sig);
}

static int wait_container(pid_t pid)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	struct sigaction sa = { .sa_handler = forward };
	int status;

	fwd_pid = pid;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 255;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* run in the foreground: the terminal, the wait, and (without --keep) delete. */
static int attach(struct made *m, const struct create_opts *o)
{
	struct err e = { 0 };
	int status;

	if (m->console >= 0) {
		console_proxy(m->console, &e);
		close(m->console);
		m->console = -1;
	}
	status = wait_container(m->pid);
	m->pid = -1;
	if (!o->keep) {
		if (m->have_cg && ctr_cg_destroy(&m->c, &m->cg, true, &e) < 0)
			log_warn("%s", e.msg);
		ctr_remove_dir(&m->c, &e);
		cmd_hooks_after(&m->c, m->spec, SPEC_HOOK_POSTSTOP, CTR_STOPPED);
	}
	return status;
}

int cmd_run(struct globals *g, int argc, char **argv)
{
	struct create_opts o = { 0 };
	struct made m = { .pid = -1, .console = -1 };
	struct err e = { 0 };
	const char *id;
	int r = parse_opts(argc, argv, true, &o, &id), status;

	if (r)
		return r < 0 ? 0 : r;
	/* init may be a grandchild (a joined user namespace): reap it anyway */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	if (do_create(g, id, &o, &m, &e) < 0 || ctr_start(&m.c, &e) < 0) {
		undo(&m);
		spec_free(m.spec);
		return cmd_fail(&e);
	}
	cmd_hooks_after(&m.c, m.spec, SPEC_HOOK_POSTSTART, CTR_RUNNING);
	status = o.detach ? 0 : attach(&m, &o);
	spec_free(m.spec);
	return status;
}
