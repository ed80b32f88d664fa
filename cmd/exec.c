// SPDX-License-Identifier: MIT
/*
 * exec (CONFIG_EXEC): run a process in a running container.  The process
 * is the container's own process.* from config.json (env, cwd, user,
 * capabilities, rlimits, no_new_privileges) with the command line's args
 * and flags on top, as runc does.
 */
#include <getopt.h>
#include <stdint.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cg/cg.h"
#include "cmd/cmd.h"
#include "cmd/container.h"
#include "lib/cleanup.h"
#include "lib/selfexec.h"
#include "lib/util.h"
#include "ns/ns.h"
#include "spec/spec.h"

static const char usage[] =
	"Usage: keel exec [options] <container-id> <command> [args...]\n"
	"Run a process in a running container.\n\n"
	"  -t, --tty                 give the process a terminal\n"
	"  -d, --detach              do not wait for the process\n"
	"      --pid-file FILE       write the process's pid to FILE\n"
	"      --console-socket S    unix socket that receives the terminal master\n"
	"      --cwd DIR             working directory in the container\n"
	"  -e, --env NAME=VALUE      set an environment variable (repeatable)\n"
	"  -u, --user UID[:GID]      run as this user\n"
	"      --no-new-privs        set no_new_privs for the process\n"
	"      --cap CAP             add a capability (repeatable)\n"
	"  -p, --process FILE        the process as runtime-spec JSON (\"-\": stdin);\n"
	"                            then no command is given\n"
	"      --preserve-fds N      pass N fds beyond stdio\n";

struct exec_opts {
	bool tty, detach, nnp;
	const char *pid_file, *console_socket, *cwd, *user, *process;
	char **env;		/* --env, NULL-terminated */
	size_t n_env;
	uint64_t caps;		/* --cap: added to every set but ambient */
	int preserve_fds;
};

static int parse_user(const char *s, struct spec_user *u)
{
	char *end;
	unsigned long uid = strtoul(s, &end, 10), gid = 0;

	if (end == s || (*end && *end != ':'))
		return -EINVAL;
	if (*end == ':') {
		gid = strtoul(end + 1, &end, 10);
		if (*end)
			return -EINVAL;
	}
	if (uid >= 0xffffffffUL || gid >= 0xffffffffUL)
		return -EINVAL;
	u->uid = uid;
	u->gid = gid;
	u->n_additional_gids = 0;
	return 0;
}

/* env with each NAME=VALUE of extra replacing an entry of the same name. */
static char **merge_env(char **env, char **extra, size_t n_extra)
{
	size_t n = 0, j = 0;
	char **out;

	while (env && env[n])
		n++;
	out = xcalloc(n + n_extra + 1, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		size_t klen = strcspn(env[i], "=");
		bool replaced = false;

		for (size_t k = 0; k < n_extra; k++)
			if (!strncmp(env[i], extra[k], klen) && extra[k][klen] == '=')
				replaced = true;
		if (!replaced)
			out[j++] = env[i];
	}
	for (size_t k = 0; k < n_extra; k++)
		out[j++] = extra[k];
	return out;
}

static int build_process(struct spec_process *p, const struct spec *s,
			 const struct exec_opts *o, char **args, struct err *e)
{
	if (s->process)
		*p = *s->process;
	else
		*p = (struct spec_process){ .cwd = "/" };
	if (args)
		p->args = args;
	p->terminal |= o->tty;
	/* without process.capabilities the process keeps them all already */
	if (o->caps && p->has_caps) {
		p->caps.bounding |= o->caps;
		p->caps.effective |= o->caps;
		p->caps.permitted |= o->caps;
		p->caps.inheritable |= o->caps;
	}
	p->env = merge_env(p->env, o->env, o->n_env);
	if (o->cwd)
		p->cwd = (char *)o->cwd;
	if (o->user && parse_user(o->user, &p->user) < 0)
		return err_set(e, EINVAL, "--user: \"%s\" is not UID[:GID]", o->user);
	p->no_new_privileges |= o->nnp;
	return 0;
}

/* --process FILE (or "-"): the whole process, as containerd's shim sends it. */
static int process_file(const char *path, struct spec_process *p, struct spec **ps,
			struct err *e)
{
	_cleanup_free_ char *json = NULL;
	size_t len;
	int r = strcmp(path, "-") ? spec_read(path, &json, &len, e)
				  : read_fd(0, &json, &len, e);

	if (r < 0)
		return err_wrap(e, "--process %s", path);
	*ps = spec_parse_process(json, len, e);
	if (!*ps)
		return err_wrap(e, "--process %s", path);
	*p = *(*ps)->process;
	return 0;
}

static int parse_opts(int argc, char **argv, struct exec_opts *o)
{
	enum { O_PID = 256, O_CONSOLE, O_CWD, O_NNP, O_PRESERVE, O_CAP };
	static const struct option opts[] = {
		{ "tty", no_argument, NULL, 't' },
		{ "detach", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, O_PID },
		{ "console-socket", required_argument, NULL, O_CONSOLE },
		{ "cwd", required_argument, NULL, O_CWD },
		{ "env", required_argument, NULL, 'e' },
		{ "user", required_argument, NULL, 'u' },
		{ "no-new-privs", no_argument, NULL, O_NNP },
		{ "preserve-fds", required_argument, NULL, O_PRESERVE },
		{ "process", required_argument, NULL, 'p' },
		{ "cap", required_argument, NULL, O_CAP },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "+tde:u:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 't': o->tty = true; break;
		case 'd': o->detach = true; break;
		case O_PID: o->pid_file = optarg; break;
		case O_CONSOLE: o->console_socket = optarg; break;
		case O_CWD: o->cwd = optarg; break;
		case 'u': o->user = optarg; break;
		case O_NNP: o->nnp = true; break;
		case 'e':
			if (!strchr(optarg, '='))
				return cmd_usage("exec", "--env: \"%s\" is not NAME=VALUE", optarg);
			o->env = xrealloc(o->env, (o->n_env + 2) * sizeof(*o->env));
			o->env[o->n_env++] = optarg;
			o->env[o->n_env] = NULL;
			break;
		case O_PRESERVE:
			o->preserve_fds = strtol(optarg, &end, 10);
			if (*end || o->preserve_fds < 0 || o->preserve_fds > 1 << 16)
				return cmd_usage("exec", "--preserve-fds: bad number \"%s\"", optarg);
			break;
		case 'p': o->process = optarg; break;
		case O_CAP: {
			int n = spec_cap_number(optarg);

			if (n < 0)
				return cmd_usage("exec", "--cap: unknown capability \"%s\"", optarg);
			o->caps |= UINT64_C(1) << n;
			break;
		}
		case 'h':
			return cmd_help(usage), -1;
		default:
			return cmd_bad_option("exec", argv);
		}
	}
	if (argc - optind < (o->process ? 1 : 2))
		return cmd_usage("exec", "expects a container id and %s",
				 o->process ? "no command" : "a command");
	if (o->process && argc - optind > 1)
		return cmd_usage("exec", "--process and a command exclude each other");
	if (o->tty && !o->console_socket && o->detach)
		return cmd_usage("exec", "--tty --detach needs --console-socket");
	/* with --process the terminal is the file's process.terminal */
	if (o->console_socket && !o->tty && !o->process)
		return cmd_usage("exec", "--console-socket needs --tty");
	return 0;
}

static int join_cgroup(void *data, struct err *e)
{
	const struct container *c = data;
	struct cg cg;

	if (!c->cgroup[0] || cg_open(&cg, c->cgroup, c->id, e) < 0)
		return c->cgroup[0] ? -e->code : 0;
	return cg_enter(&cg, getpid(), e);
}

static int wait_process(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 255;
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

static int do_exec(struct globals *g, const struct exec_opts *o, char **argv,
		   struct ns_init_result *res, struct err *e)
{
	struct spec *s, *pspec = NULL;
	struct spec_process p = { 0 };
	struct container c;
	int r;

	if (ctr_load(&c, g->root, argv[0], e) < 0)
		return -e->code;
	if (ctr_status(&c) != CTR_RUNNING && ctr_status(&c) != CTR_CREATED)
		return err_set(e, EINVAL, "cannot exec in a %s container", ctr_status_name(ctr_status(&c)));
	s = spec_load(c.dir, e);
	if (!s)
		return -e->code;
	r = o->process ? process_file(o->process, &p, &pspec, e)
		       : build_process(&p, s, o, argv + 1, e);
	if (r == 0 && o->process)
		r = build_process(&p, &(struct spec){ .process = &p }, o, NULL, e);
	if (r == 0 && p.terminal && o->detach && !o->console_socket)
		r = err_set(e, EINVAL, "a terminal with --detach needs --console-socket");
	if (r == 0 && !p.terminal && o->console_socket)
		r = err_set(e, EINVAL, "--console-socket: process.terminal is false");
	if (r == 0) {
		_cleanup_free_ char *state = ctr_state_json(&c, ctr_status(&c), s, false);
		struct ns_exec_args a = {
			.init_pid = c.pid, .init_start = c.start_time, .spec = s, .proc = &p,
			.preserve_fds = o->preserve_fds, .state = state,
			.join_cgroup = join_cgroup, .data = &c,
		};

		r = ns_exec(&a, res, e);
	}
	free(p.env);
	spec_free(pspec);
	spec_free(s);
	return r;
}

int cmd_exec(struct globals *g, int argc, char **argv)
{
	struct exec_opts o = { 0 };
	struct ns_init_result res = { .pid = -1, .console_master = -1 };
	struct err e = { 0 };
	char buf[32];
	int r;

	/* before anything of the container is in reach (CVE-2019-5736) */
	if (selfexec_sealed(g->argv, &e) < 0)
		return cmd_fail(&e);
	r = parse_opts(argc, argv, &o);
	if (r)
		return r < 0 ? 0 : r;
	r = do_exec(g, &o, argv + optind, &res, &e);
	if (r == 0 && res.console_master >= 0 && o.console_socket) {
		r = console_send(o.console_socket, res.console_master, res.console_name, &e);
		close(res.console_master);
		res.console_master = -1;
	}
	if (r == 0 && o.pid_file) {
		snprintf(buf, sizeof(buf), "%d", (int)res.pid);
		r = write_file_atomic(o.pid_file, buf, strlen(buf), 0644, &e);
	}
	free(o.env);
	if (r < 0) {
		if (res.pid > 0)
			kill(res.pid, SIGKILL);
		return cmd_fail(&e);
	}
	if (o.detach)
		return 0;
	if (res.console_master >= 0)
		console_proxy(res.console_master, &e);
	return wait_process(res.pid);
}
