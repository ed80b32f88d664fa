/* SPDX-License-Identifier: MIT */
/* Small helpers shared by every subsystem.  x*() abort on out of memory. */
#ifndef KEEL_LIB_UTIL_H
#define KEEL_LIB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/err.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Whole-file I/O.  read_file() NUL-terminates; *len excludes the NUL. */
int read_file(const char *path, char **out, size_t *len, struct err *e);
/* Read fd from its current offset to the end. */
int read_fd(int fd, char **out, size_t *len, struct err *e);
int read_file_at(int dirfd, const char *path, char **out, size_t *len, struct err *e);
/* Write buf to path (O_WRONLY|O_TRUNC, no create): cgroup and proc files. */
int write_file(const char *path, const char *buf, size_t len, struct err *e);
/* Write to tmp file in the same directory, fsync, rename: never a torn file. */
int write_file_atomic(const char *path, const char *buf, size_t len, mode_t mode,
		      struct err *e);
/* path made absolute against the current directory (not resolved); malloc'd. */
char *path_absolute(const char *path);
int mkdir_p(const char *path, mode_t mode, struct err *e);

/* write()/read() that retry on EINTR and short counts. */
ssize_t write_all(int fd, const void *buf, size_t len);
ssize_t read_all(int fd, void *buf, size_t len);

/* Process start time in clock ticks since boot (field 22 of /proc/pid/stat). */
int proc_start_time(pid_t pid, unsigned long long *out);
/* The same, plus the state letter (field 3: 'R', 'S', 'Z', ...). */
int proc_stat(pid_t pid, char *state, unsigned long long *start);

/* Now in UTC as "2006-01-02T15:04:05Z" (with ".123456789" if nanoseconds). */
void time_rfc3339(char *buf, size_t len, bool nanoseconds);

bool str_has_prefix(const char *s, const char *prefix);

#endif
