// SPDX-License-Identifier: MIT
#include <fcntl.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/selfexec.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

/*
 * Already safe: running from a sealed memfd, or from a file on a read-only
 * mount (ST_RDONLY is the mount's flag or the superblock's), which nothing
 * can open for writing through /proc/<pid>/exe either: EROFS.  Boards run
 * keel from a read-only root (squashfs, a ro ext4), where the copy is pure
 * cost; crun skips it there too.  A container cannot make the mount
 * writable: it is not in the container's mount namespace.
 */
static bool running_safe(void)
{
	_cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	struct statvfs sv;
	int seals;

	if (fd < 0)
		return false;
	seals = fcntl(fd, F_GET_SEALS);
	if (seals >= 0 && (seals & SEALS) == SEALS)
		return true;
	return fstatvfs(fd, &sv) == 0 && (sv.f_flag & ST_RDONLY);
}

static int copy_self(int to, struct err *e)
{
	_cleanup_close_ int from = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	struct stat st;
	off_t off = 0;

	if (from < 0 || fstat(from, &st) < 0)
		return err_sys(e, errno, "open /proc/self/exe");
	while (off < st.st_size) {
		ssize_t n = sendfile(to, from, &off, st.st_size - off);

		if (n <= 0)
			return err_sys(e, n < 0 ? errno : EIO, "copy keel into a memfd");
	}
	return 0;
}

int selfexec_sealed(char **argv, struct err *e)
{
	_cleanup_close_ int fd = -1;

	if (running_safe())
		return 0;
	fd = memfd_create("keel", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return err_sys(e, errno, "memfd_create");
	if (copy_self(fd, e) < 0)
		return -e->code;
	if (fcntl(fd, F_ADD_SEALS, SEALS) < 0)
		return err_sys(e, errno, "seal the keel memfd");
	fexecve(fd, argv, environ);
	return err_sys(e, errno, "re-execute keel from a sealed memfd");
}
