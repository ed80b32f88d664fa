// SPDX-License-Identifier: MIT
/*
 * keel: the command line.  Global flags as runc has them, then a verb from
 * the table.  Verbs that this build compiled out are still known, so the
 * error says which option to turn on instead of "unknown command".
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "generated/version.h"
#include "lib/log.h"
#include "lib/util.h"

const struct command commands[] = {
	{ "create", cmd_create, "create a container" },
	{ "start", cmd_start, "start a created container" },
	{ "run", cmd_run, "create and start a container" },
	{ "state", cmd_state, "print a container's state as JSON" },
	{ "kill", cmd_kill, "send a signal to a container" },
	{ "delete", cmd_delete, "delete a container" },
	{ "list", cmd_list, "list containers" },
	{ "ps", cmd_ps, "list a container's processes" },
	{ "features", cmd_features, "print what this keel supports as JSON" },
#ifdef CONFIG_EXEC
	{ "exec", cmd_exec, "run a process in a running container" },
#endif
#ifdef CONFIG_SPEC_TEMPLATE
	{ "spec", cmd_spec, "write a default config.json" },
#endif
#ifdef CONFIG_EVENTS
	{ "events", cmd_events, "print a container's resource usage and OOM events" },
#endif
#ifdef CONFIG_UPDATE
	{ "update", cmd_update, "change a container's resource limits" },
#endif
#ifdef CONFIG_FREEZER
	{ "pause", cmd_pause, "suspend every process of a container" },
	{ "resume", cmd_resume, "resume a paused container" },
#endif
	{ NULL, NULL, NULL }
};

/* Verbs runc has that this keel does not offer, and why. */
static const struct {
	const char *name, *why;
} missing[] = {
	{ "exec", "this keel was built without CONFIG_EXEC" },
	{ "pause", "this keel was built without CONFIG_FREEZER" },
	{ "resume", "this keel was built without CONFIG_FREEZER" },
	{ "update", "this keel was built without CONFIG_UPDATE" },
	{ "spec", "this keel was built without CONFIG_SPEC_TEMPLATE" },
	{ "events", "this keel was built without CONFIG_EVENTS" },
	{ "checkpoint", "not supported by keel" },
	{ "restore", "not supported by keel" },
};

static void print_version(void)
{
	printf("keel version %s\ncommit: %s\nspec: %s\n", KEEL_VERSION, KEEL_COMMIT,
	       OCI_SPEC_VERSION);
}

static int usage(FILE *f)
{
	fputs("Usage: keel [global options] <command> [options] [args]\n\n"
	      "keel is a small OCI container runtime, command-line compatible with runc.\n\n"
	      "Commands:\n", f);
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fputs("  help       this help, or a command's: help COMMAND (as COMMAND --help)\n"
	      "\nGlobal options:\n"
	      "  --root DIR             state directory (default " CONFIG_DEFAULT_ROOT ")\n"
	      "  --log FILE             log file (default: stderr)\n"
	      "  --log-format FORMAT    text or json\n"
	      "  --debug                log debug messages\n"
	      "  --systemd-cgroup       refused: keel has no systemd cgroup driver\n"
	      "  -v, --version          print the version\n"
	      "  -h, --help             this help\n", f);
	return f == stdout ? 0 : 1;
}

static int parse_globals(int argc, char **argv, struct globals *g, struct err *e)
{
	enum { O_ROOT = 256, O_LOG, O_LOGFMT, O_DEBUG, O_SYSTEMD, O_ROOTLESS };
	static const struct option opts[] = {
		{ "root", required_argument, NULL, O_ROOT },
		{ "log", required_argument, NULL, O_LOG },
		{ "log-format", required_argument, NULL, O_LOGFMT },
		{ "debug", no_argument, NULL, O_DEBUG },
		{ "systemd-cgroup", no_argument, NULL, O_SYSTEMD },
		{ "rootless", required_argument, NULL, O_ROOTLESS },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (c) {
		case O_ROOT: g->root = optarg; break;
		case O_LOG: g->log = optarg; break;
		case O_LOGFMT: g->log_format = optarg; break;
		case O_DEBUG: g->debug = true; break;
		case O_SYSTEMD: g->systemd_cgroup = true; break;
		case O_ROOTLESS: break;	/* keel decides by euid, like runc's "auto" */
		case 'v': print_version(); exit(0);
		case 'h': exit(usage(stdout));
		default:
			return err_set(e, EINVAL, "unknown global option \"%s\" (see \"keel --help\")",
				       argv[optind - 1]);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct globals g = { .root = CONFIG_DEFAULT_ROOT, .log_format = "text" };
	struct err e = { 0 };
	const char *verb;
	char *help_argv[] = { NULL, "--help", NULL };

	g.argv0 = argv[0];
	g.argv = argv;
	if (parse_globals(argc, argv, &g, &e) < 0 || log_init(g.log, g.log_format, g.debug, &e) < 0)
		return cmd_fail(&e);
	/* create changes directory to the bundle: keep --root meaning the same */
	g.root = path_absolute(g.root);
	if (g.systemd_cgroup) {
		err_set(&e, ENOTSUP, "--systemd-cgroup: keel has no systemd cgroup driver; use cgroupfs");
		return cmd_fail(&e);
	}
	if (optind >= argc)
		return usage(stderr);
	verb = argv[optind];
	argc -= optind;
	argv += optind;
	if (!strcmp(verb, "help")) {	/* runc's "help COMMAND" */
		if (argc < 2)
			return usage(stdout);
		verb = help_argv[0] = argv[1];
		argv = help_argv;
		argc = 2;
	}
	optind = 0;	/* musl and glibc: 0 fully resets getopt for the verb */
	opterr = 0;
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(verb, c->name))
			return c->fn(&g, argc, argv);
	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		if (!strcmp(verb, missing[i].name)) {
			err_set(&e, ENOTSUP, "%s: %s", verb, missing[i].why);
			return cmd_fail(&e);
		}
	}
	err_set(&e, EINVAL, "unknown command \"%s\" (see \"keel --help\")", verb);
	return cmd_fail(&e);
}
