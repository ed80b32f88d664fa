// SPDX-License-Identifier: MIT
/*
 * Linked into the sanitizer keel only ("make check SANITIZE=..."), never into
 * the real one.  path_absolute() makes --root, --pid-file, --console-socket
 * and --pidfd-socket absolute once per process; keel reads them until it
 * exits and never frees them, which costs the static binary nothing.
 * LeakSanitizer would call each a leak, and a suppression by function name
 * does not work for "keel exec", whose re-execution from a memfd leaves
 * nothing to symbolize.  So the link wraps path_absolute() (-Wl,--wrap) and
 * tells LSan these objects are held on purpose; every other leak counts.
 */
#include <sys/stat.h>

char *__real_path_absolute(const char *path);
char *__wrap_path_absolute(const char *path);

/* weak: a SANITIZE list without address or leak has no LSan to tell */
void __lsan_ignore_object(const void *p) __attribute__((weak));

char *__wrap_path_absolute(const char *path)
{
	char *p = __real_path_absolute(path);

	if (__lsan_ignore_object)
		__lsan_ignore_object(p);
	return p;
}

/*
 * LeakSanitizer stops the process to scan it from a task it clones, which
 * then lands in pid_for_children.  After "keel exec" (or create with a pid
 * namespace path) has joined a container's pid namespace, that task cannot
 * find keel and the exit hangs.  LSan asks this hook first: no leak check
 * there.  Every other keel process is checked.
 */
int __lsan_is_turned_off(void);

int __lsan_is_turned_off(void)
{
	struct stat self, children;

	if (stat("/proc/self/ns/pid", &self) < 0 ||
	    stat("/proc/self/ns/pid_for_children", &children) < 0)
		return 0;
	return self.st_ino != children.st_ino || self.st_dev != children.st_dev;
}
