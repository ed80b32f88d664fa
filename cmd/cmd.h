/* SPDX-License-Identifier: MIT */
/*
 * cmd/: the command layer.  One file per CLI verb, as runc and crun have
 * them; these are the only places (with runtime.c) that tie the subsystems
 * together.  Each verb returns the process exit status and has already
 * reported its error through log_fatal().
 */
#ifndef KEEL_CMD_H
#define KEEL_CMD_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/err.h"

struct globals {
	const char *root;	/* --root */
	const char *log;	/* --log */
	const char *log_format;	/* --log-format */
	bool debug;
	bool systemd_cgroup;
	const char *argv0;	/* name keel was called by ("keel", "runc") */
	char **argv;		/* the whole command line, to re-execute keel */
};

struct command {
	const char *name;
	int (*fn)(struct globals *g, int argc, char **argv);
	const char *summary;
};

extern const struct command commands[];

int cmd_create(struct globals *g, int argc, char **argv);
int cmd_run(struct globals *g, int argc, char **argv);
int cmd_start(struct globals *g, int argc, char **argv);
int cmd_state(struct globals *g, int argc, char **argv);
int cmd_kill(struct globals *g, int argc, char **argv);
int cmd_delete(struct globals *g, int argc, char **argv);
int cmd_list(struct globals *g, int argc, char **argv);
int cmd_ps(struct globals *g, int argc, char **argv);
int cmd_exec(struct globals *g, int argc, char **argv);
int cmd_pause(struct globals *g, int argc, char **argv);
int cmd_spec(struct globals *g, int argc, char **argv);
int cmd_resume(struct globals *g, int argc, char **argv);
int cmd_events(struct globals *g, int argc, char **argv);
int cmd_update(struct globals *g, int argc, char **argv);
int cmd_features(struct globals *g, int argc, char **argv);

/* Print "keel: <msg>" (and log it) and return exit status 1. */
int cmd_fail(const struct err *e);
/* A usage error: "keel <verb>: <msg>", exit status 1 (runc uses 1 too). */
int cmd_usage(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* After getopt_long returned '?': name the option that was wrong. */
int cmd_bad_option(const char *verb, char **argv);
/* --help text for a verb: prints and returns 0. */
int cmd_help(const char *usage);

/* Parse "9", "KILL" or "SIGKILL". */
int cmd_parse_signal(const char *s, int *sig, struct err *e);

#endif
