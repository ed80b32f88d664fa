// SPDX-License-Identifier: MIT
/*
 * process.terminal.  Init opens the pty in the container's own devpts (after
 * pivot_root, so the slave is a name the container can see), makes the
 * slave its controlling terminal and stdio, and sends the master to create,
 * which passes it to --console-socket (runc's protocol: one message, the
 * slave's name as data, the master as SCM_RIGHTS) or, for a foreground
 * "keel run", copies between it and keel's own stdio.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "lib/util.h"
#include "mount/mnt.h"
#include "ns/ns-internal.h"

static int make_ctty(int slave, const struct spec_process *p, struct err *e)
{
	/* a session of its own, so that the slave can become its terminal */
	if (setsid() < 0)
		return err_sys(e, errno, "process.terminal: setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return err_sys(e, errno, "process.terminal: TIOCSCTTY");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return err_sys(e, errno, "process.terminal: dup2");
	/* the process may drop root: it must still own its terminal */
	if (fchown(slave, p->user.uid, -1) < 0 && errno != EPERM && errno != EINVAL)
		return err_sys(e, errno, "process.terminal: chown");
	return 0;
}

int console_setup(const struct spec_process *p, bool dev_console, int *master, char *name,
		  size_t len, struct err *e)
{
	_cleanup_close_ int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	_cleanup_close_ int slave = -1;
	struct winsize ws = { 0 };

	if (m < 0)
		return err_sys(e, errno, "process.terminal: open /dev/ptmx (is /dev/pts mounted?)");
	if (unlockpt(m) < 0 || ptsname_r(m, name, len) != 0)
		return err_sys(e, errno, "process.terminal: unlockpt");
	slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return err_sys(e, errno, "process.terminal: open %s", name);
	if (p->has_console_size) {
		ws.ws_row = p->console_height;
		ws.ws_col = p->console_width;
		if (ioctl(m, TIOCSWINSZ, &ws) < 0)
			return err_sys(e, errno, "process.consoleSize: TIOCSWINSZ");
	}
	if (make_ctty(slave, p, e) < 0 || (dev_console && mnt_bind_console(slave, e) < 0))
		return -e->code;
	*master = steal_fd(&m);
	return 0;
}

int console_send(const char *path, int master, const char *name, struct err *e)
{
	_cleanup_close_ int sk = unix_connect(path);
	int r;

	if (sk < 0)
		return err_sys(e, -sk, "--console-socket: connect %s", path);
	r = fd_send(sk, name, strlen(name), master);
	return r < 0 ? err_sys(e, -r, "--console-socket: send to %s", path) : 0;
}

/* --- keel run with a terminal ---------------------------------------------- */

static struct termios saved_tio;
static int winch_pipe[2] = { -1, -1 };

static void on_winch(int sig)
{
	(void)!write(winch_pipe[1], "w", 1);
}

static void copy_size(int master)
{
	struct winsize ws;

	if (ioctl(0, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

/* Our terminal goes raw so keys reach the container's line discipline. */
static bool raw_mode(int master)
{
	struct termios t;

	if (!isatty(0) || tcgetattr(0, &saved_tio) < 0)
		return false;
	t = saved_tio;
	cfmakeraw(&t);
	tcsetattr(0, TCSANOW, &t);
	copy_size(master);
	if (pipe2(winch_pipe, O_CLOEXEC | O_NONBLOCK) == 0)
		signal(SIGWINCH, on_winch);
	return true;
}

/* Returns false when the container side is gone (EIO on the master). */
static bool pump(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	return n > 0 && write_all(to, buf, n) == n;
}

int console_proxy(int master, struct err *e)
{
	struct pollfd p[3] = {
		{ .fd = master, .events = POLLIN },
		{ .fd = 0, .events = POLLIN },
		{ .fd = -1, .events = POLLIN },
	};
	bool raw = raw_mode(master);

	p[2].fd = winch_pipe[0];
	for (;;) {
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents && !pump(master, 1))
			break;
		if (p[1].revents && !pump(0, master)) {
			/* end of our input: end the container's, as a typed ^D would */
			(void)!write(master, "\x04", 1);
			p[1].fd = -1;
		}
		if (p[2].revents) {
			char c;

			while (read(winch_pipe[0], &c, 1) == 1)
				;
			copy_size(master);
		}
	}
	if (raw)
		tcsetattr(0, TCSANOW, &saved_tio);
	(void)e;
	return 0;
}
