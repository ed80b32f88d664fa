// SPDX-License-Identifier: MIT
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd/cmd.h"
#include "lib/log.h"
#include "lib/util.h"

int cmd_fail(const struct err *e)
{
	log_fatal(e);
	return 1;
}

int cmd_usage(const char *verb, const char *fmt, ...)
{
	struct err e = { .code = EINVAL };
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(e.msg, sizeof(e.msg), "%s: %s (see \"keel %s --help\")", verb, msg, verb);
	return cmd_fail(&e);
}

int cmd_bad_option(const char *verb, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "?";

	if (optopt && arg[0] == '-' && arg[1] != '-')
		return cmd_usage(verb, "unknown option \"-%c\" or missing argument", optopt);
	return cmd_usage(verb, "unknown option \"%s\" or bad or missing argument", arg);
}

int cmd_help(const char *usage)
{
	fputs(usage, stdout);
	return 0;
}

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "IOT", SIGIOT }, { "BUS", SIGBUS },
	{ "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
	{ "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH }, { "IO", SIGIO }, { "POLL", SIGPOLL }, { "PWR", SIGPWR },
	{ "SYS", SIGSYS },
};

int cmd_parse_signal(const char *s, int *sig, struct err *e)
{
	const char *name = s;
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*s && !*end && !errno) {
		if (n <= 0 || n > SIGRTMAX)
			return err_set(e, EINVAL, "invalid signal \"%s\"", s);
		*sig = n;
		return 0;
	}
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++) {
		if (!strcasecmp(name, signals[i].name)) {
			*sig = signals[i].sig;
			return 0;
		}
	}
	if (!strncasecmp(name, "RTMIN", 5) || !strncasecmp(name, "RTMAX", 5)) {
		n = name[5] ? strtol(name + 5, &end, 10) : 0;
		if (!*end) {
			*sig = (name[3] == 'I' || name[3] == 'i') ? SIGRTMIN + n : SIGRTMAX + n;
			if (*sig >= SIGRTMIN && *sig <= SIGRTMAX)
				return 0;
		}
	}
	return err_set(e, EINVAL, "invalid signal \"%s\"", s);
}
