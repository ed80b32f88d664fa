/* SPDX-License-Identifier: MIT */
/*
 * Logging in runc's shapes, because containerd's shim and podman parse them:
 *   text: time="2026-01-02T03:04:05Z" level=error msg="..."
 *   json: {"level":"error","msg":"...","time":"2026-01-02T03:04:05Z"}
 * Without --log, warnings and errors go to stderr as "keel: <msg>".
 */
#ifndef KEEL_LIB_LOG_H
#define KEEL_LIB_LOG_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/err.h"

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* path may be NULL (stderr only); format "text" or "json". */
int log_init(const char *path, const char *format, bool debug, struct err *e);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The error the CLI exits with: to the log file if any, and to stderr. */
void log_fatal(const struct err *e);
/* The log fd (or -1), so init can keep writing to it after clone. */
int log_fd(void);

/* Write s as a JSON string literal, quotes included. */
void json_str(FILE *f, const char *s);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)

#endif
