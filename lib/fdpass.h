/* SPDX-License-Identifier: MIT */
/* Passing file descriptors over unix sockets (SCM_RIGHTS). */
#ifndef KEEL_LIB_FDPASS_H
#define KEEL_LIB_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* Send len bytes of data with fd attached (fd < 0: none).  0 or -errno. */
int fd_send(int sock, const void *data, size_t len, int fd);
/*
 * Receive one message of at most len bytes; an attached fd lands in *fd
 * (close-on-exec), else *fd = -1.  Returns the byte count or -errno.
 */
ssize_t fd_recv(int sock, void *data, size_t len, int *fd);
/* Connect a SOCK_STREAM unix socket to path.  The fd, or -errno. */
int unix_connect(const char *path);

#endif
