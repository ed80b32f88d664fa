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
#include <sys/personality.h>
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
