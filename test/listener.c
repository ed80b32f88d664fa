// SPDX-License-Identifier: MIT
/*
 * A seccomp user-notification listener for the tests (runtime-spec
 * "listenerPath"):
 *
 *   listener SOCKET OUT MODE
 *
 * Listens on the unix socket SOCKET, accepts one connection, reads the
 * container process state (JSON) and the notify fd that came with it, and
 * writes the JSON to OUT.  Then it answers every notification until the
 * filter has no more users, appending "nr=N pid=P arg0=A" to OUT.log, with
 * MODE:
 *   errno    the call fails with EXDEV without running
 *   value    the call "succeeds" with 42 without running
 *   continue the call runs (SECCOMP_USER_NOTIF_FLAG_CONTINUE)
 * It gives up after 60 s.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "listener: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Read the whole message; the fd comes with the first part. */
static int receive(int sk, FILE *out)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char data[65536];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(sk, &msg, MSG_CMSG_CLOEXEC);
	int fd = -1;

	if (n < 0)
		die("recvmsg");
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	do
		fwrite(data, 1, n, out);
	while ((n = read(sk, data, sizeof(data))) > 0);
	fclose(out);
	return fd;
}

static void answer(int nfd, const char *mode, FILE *log)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	memset(&req, 0, sizeof(req));
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
		if (errno == EINTR || errno == ENOENT)
			return;
		die("SECCOMP_IOCTL_NOTIF_RECV");
	}
	fprintf(log, "nr=%d pid=%u arg0=%llu\n", req.data.nr, req.pid,
		(unsigned long long)req.data.args[0]);
	fflush(log);
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	if (!strcmp(mode, "errno"))
		resp.error = -EXDEV;
	else if (!strcmp(mode, "value"))
		resp.val = 42;
	else
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
		die("SECCOMP_IOCTL_NOTIF_SEND");
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char logname[4096];
	FILE *out, *log;
	int lsk, sk, nfd;

	if (argc != 4 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: listener SOCKET OUT errno|value|continue\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	snprintf(logname, sizeof(logname), "%s.log", argv[2]);
	out = fopen(argv[2], "w");
	log = fopen(logname, "w");
	if (!out || !log)
		die("open output");
	lsk = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lsk < 0 || bind(lsk, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lsk, 1) < 0)
		die("listen");
	alarm(60);
	sk = accept4(lsk, NULL, NULL, SOCK_CLOEXEC);
	if (sk < 0)
		die("accept");
	nfd = receive(sk, out);
	if (nfd < 0) {
		fprintf(stderr, "listener: no fd in the message\n");
		return 1;
	}
	for (;;) {
		struct pollfd p = { .fd = nfd, .events = POLLIN };

		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			die("poll");
		if (p.revents & POLLIN)
			answer(nfd, argv[3], log);
		else if (p.revents & (POLLHUP | POLLERR))
			break;
	}
	fclose(log);
	return 0;
}
