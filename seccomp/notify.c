// SPDX-License-Identifier: MIT
/*
 * Seccomp user notification: hand the listener the notify fd.  The
 * runtime-spec wants one message on a unix stream socket: the container
 * state JSON as data, the fd as SCM_RIGHTS.
 */
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "generated/version.h"
#include "lib/cleanup.h"
#include "lib/jsonw.h"
#include "lib/util.h"
#include "seccomp/sc.h"

static int send_with_fd(int sk, const char *data, size_t len, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = { 0 };
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	ssize_t n;

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(sk, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* a stream socket may take less; the fd went with the first byte */
	if ((size_t)n < len && write_all(sk, data + n, len - n) < 0)
		return -errno;
	return 0;
}

int sc_listener_connect(const char *listener_path, struct err *e)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	_cleanup_close_ int sk = -1;

	if (strlen(listener_path) >= sizeof(addr.sun_path))
		return err_set(e, ENAMETOOLONG, "linux.seccomp.listenerPath: longer than %zu bytes",
			       sizeof(addr.sun_path) - 1);
	strcpy(addr.sun_path, listener_path);
	sk = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sk < 0)
		return err_sys(e, errno, "linux.seccomp.listenerPath: socket");
	if (connect(sk, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return err_sys(e, errno, "linux.seccomp.listenerPath: connect %s", listener_path);
	return steal_fd(&sk);
}

/*
 * The runtime-spec's "container process state": ociVersion, fds naming
 * what the SCM_RIGHTS carry, pid, metadata and the container state.
 */
int sc_notify_send(int sk, int notify_fd, pid_t pid, const char *metadata, const char *state,
		   struct err *e)
{
	static const char *const fds[] = { "seccompFd" };
	_cleanup_free_ char *head = NULL, *msg = NULL;
	struct jw w = { 0 };
	size_t hl;
	int rc;

	jw_open(&w, NULL, '{');
	jw_str(&w, "ociVersion", OCI_SPEC_VERSION);
	jw_strv(&w, "fds", fds, 1);
	jw_int(&w, "pid", pid);
	if (metadata)
		jw_str(&w, "metadata", metadata);
	jw_close(&w, '}');
	head = jw_finish(&w);
	/* splice the state (already JSON) in as the last member */
	hl = strlen(head);
	while (hl && head[hl - 1] != '}')
		hl--;
	msg = xasprintf("%.*s,\"state\":%s}", (int)(hl ? hl - 1 : 0), head,
			state && *state ? state : "{}");
	rc = send_with_fd(sk, msg, strlen(msg), notify_fd);
	if (rc)
		return err_sys(e, -rc, "linux.seccomp.listenerPath: send the notify fd");
	return 0;
}
