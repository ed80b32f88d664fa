// SPDX-License-Identifier: MIT
/* features: the runtime-spec features document of this build, on stdout. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "generated/version.h"
#include "lib/cleanup.h"
#include "spec/spec.h"

#ifdef CONFIG_SECCOMP
#include <seccomp.h>

#define STR_(x) #x
#define STR(x) STR_(x)
/* Linked statically: the header's version is the library's. */
#define LIBSECCOMP_VERSION STR(SCMP_VER_MAJOR) "." STR(SCMP_VER_MINOR) "." STR(SCMP_VER_MICRO)
#else
#define LIBSECCOMP_VERSION NULL
#endif

static const char usage[] =
	"Usage: keel features\n"
	"Print what this keel supports (OCI runtime-spec features.md) as JSON.\n";

int cmd_features(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const struct spec_features_build b = {
		.keel_version = KEEL_VERSION,
		.libseccomp_version = LIBSECCOMP_VERSION,
	};
	_cleanup_free_ char *json = NULL;
	struct err e = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h')
			return cmd_help(usage);
		return cmd_bad_option("features", argv);
	}
	if (optind != argc)
		return cmd_usage("features", "takes no arguments");
	json = spec_features_json(&b);
	if (fputs(json, stdout) == EOF || fflush(stdout) == EOF) {
		err_sys(&e, errno, "write features");
		return cmd_fail(&e);
	}
	return 0;
}
