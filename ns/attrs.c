// SPDX-License-Identifier: MIT
/*
 * The scheduling side of process.* and linux.personality, by raw system
 * calls (musl has no sched_setattr or ioprio_set wrappers).  All of it is
 * set in init while it is still root (real-time policies need CAP_SYS_NICE)
 * and survives execve.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/util.h"
#include "ns/ns-internal.h"

#ifndef SYS_sched_setattr
#define SYS_sched_setattr 314	/* x86_64; the others get it from musl */
#endif

/* struct sched_attr of sched_setattr(2), version 1 (48 bytes) */
struct sched_attr_v1 {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_SHIFT 13

static int set_scheduler(const struct spec_scheduler *s, struct err *e)
{
	struct sched_attr_v1 a = {
		.size = sizeof(a), .sched_policy = s->policy, .sched_flags = s->flags,
		.sched_nice = s->nice, .sched_priority = s->priority,
		.sched_runtime = s->runtime, .sched_deadline = s->deadline,
		.sched_period = s->period,
	};

	if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
		return err_sys(e, errno, "process.scheduler: sched_setattr");
	return 0;
}

static int set_ioprio(const struct spec_io_priority *p, struct err *e)
{
	int prio = (p->io_class << IOPRIO_CLASS_SHIFT) | p->priority;

	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, prio) < 0)
		return err_sys(e, errno, "process.ioPriority: ioprio_set");
	return 0;
}

/* "0-3,7" (validated by spec/) to a cpu set. */
static void parse_cpus(const char *list, cpu_set_t *set)
{
	CPU_ZERO(set);
	for (const char *p = list; *p; ) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;

		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		for (unsigned long c = a; c <= b && c < CPU_SETSIZE; c++)
			CPU_SET(c, set);
		p = *end == ',' ? end + 1 : end;
		if (end == p && *p)
			break;
	}
}

int proc_set_affinity(const char *cpus, const char *field, struct err *e)
{
	cpu_set_t set;

	if (!cpus || !*cpus)
		return 0;
	parse_cpus(cpus, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return err_sys(e, errno, "process.execCPUAffinity.%s: sched_setaffinity", field);
	return 0;
}

int proc_setup_sched(const struct spec *s, struct err *e)
{
	const struct spec_process *p = s->process;
	int r = 0;

	if (p && p->has_scheduler)
		r = set_scheduler(&p->scheduler, e);
	if (r == 0 && p && p->has_io_priority)
		r = set_ioprio(&p->io_priority, e);
	if (r == 0 && p && p->has_exec_cpu_affinity)
		r = proc_set_affinity(p->exec_cpu_affinity.initial, "initial", e);
	if (r == 0 && s->linux.has_personality &&
	    personality(s->linux.personality.domain) < 0)
		r = err_sys(e, errno, "linux.personality");
	return r;
}

/* Sysctls that belong to a namespace, and which one. */
static const struct {
	const char *prefix;	/* a key equal to it, or starting with it if it ends in '.' */
	enum spec_ns_type ns;
} namespaced[] = {
	{ "kernel.msgmax", SPEC_NS_IPC }, { "kernel.msgmnb", SPEC_NS_IPC },
	{ "kernel.msgmni", SPEC_NS_IPC }, { "kernel.sem", SPEC_NS_IPC },
	{ "kernel.shmall", SPEC_NS_IPC }, { "kernel.shmmax", SPEC_NS_IPC },
	{ "kernel.shmmni", SPEC_NS_IPC }, { "kernel.shm_rmid_forced", SPEC_NS_IPC },
	{ "fs.mqueue.", SPEC_NS_IPC }, { "net.", SPEC_NS_NETWORK },
};

static bool same_file(const char *p, const struct stat *a)
{
	struct stat b;

	return stat(p, &b) == 0 && a->st_ino == b.st_ino && a->st_dev == b.st_dev;
}

/*
 * Does ns join the host's namespace of its kind: keel's own (keel checks
 * before init enters the spec's namespaces) or pid 1's (a path such as
 * /proc/1/ns/net)?  Then a write into it is a write into the host's.
 */
static bool joins_hosts(const struct spec_ns *ns)
{
	static const char *const file[] = { [SPEC_NS_IPC] = "ipc", [SPEC_NS_NETWORK] = "net" };
	char self[32], init[32];
	struct stat a;

	if (!ns->path || ns->type >= ARRAY_SIZE(file) || !file[ns->type] || stat(ns->path, &a) < 0)
		return false;
	snprintf(self, sizeof(self), "/proc/self/ns/%s", file[ns->type]);
	snprintf(init, sizeof(init), "/proc/1/ns/%s", file[ns->type]);
	return same_file(self, &a) || same_file(init, &a);
}

/*
 * Only keys of a namespace the container has of its own: any other sysctl
 * would be written into the host's kernel (runc: "not allowed in host
 * network namespace").
 */
int sysctl_check(const struct spec *s, struct err *e)
{
	for (size_t i = 0; i < s->linux.n_sysctl; i++) {
		const char *k = s->linux.sysctl[i].key;
		int ns = -1;

		for (size_t j = 0; j < ARRAY_SIZE(namespaced); j++) {
			const char *p = namespaced[j].prefix;
			size_t n = strlen(p);

			if (p[n - 1] == '.' ? !strncmp(k, p, n) : !strcmp(k, p))
				ns = namespaced[j].ns;
		}
		if (strstr(k, "..") || strchr(k, '/'))
			ns = -1;
		if (ns < 0)
			return err_set(e, EPERM, "linux.sysctl.%s: not a namespaced sysctl: it would "
				       "change the host", k);
		if (!spec_ns_find(s, ns))
			return err_set(e, EPERM, "linux.sysctl.%s: needs a %s namespace of the "
				       "container's own", k, spec_ns_name(ns));
		if (joins_hosts(spec_ns_find(s, ns)))
			return err_set(e, EPERM, "linux.sysctl.%s: not allowed in the host's %s "
				       "namespace", k, spec_ns_name(ns));
	}
	return 0;
}

/*
 * Written through keel's own /proc before the mounts, never the container's
 * (which the image could have arranged, CVE-2025-52881): the values land in
 * the namespaces this process is in now, the container's.  fstatfs makes
 * sure the file is procfs.
 */
int proc_setup_sysctl(const struct spec *s, struct err *e)
{
	for (size_t i = 0; i < s->linux.n_sysctl; i++) {
		const struct spec_kv *kv = &s->linux.sysctl[i];
		char path[256];
		struct statfs sf;
		int fd, n = snprintf(path, sizeof(path), "/proc/sys/%s", kv->key);

		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		if (n >= (int)sizeof(path))
			return err_set(e, ENAMETOOLONG, "linux.sysctl.%s: too long", kv->key);
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			return err_sys(e, errno, "linux.sysctl.%s", kv->key);
		if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC ||
		    write_all(fd, kv->value, strlen(kv->value)) < 0) {
			int saved = errno ? errno : EPERM;

			close(fd);
			return err_sys(e, saved, "linux.sysctl.%s: write", kv->key);
		}
		close(fd);
	}
	return 0;
}
