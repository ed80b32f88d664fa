// SPDX-License-Identifier: MIT
/*
 * events (CONFIG_EVENTS): a container's resource usage as runc prints it,
 * one JSON object per line, {"type":"stats","id":ID,"data":{...}}, and
 * {"type":"oom","id":ID} when the OOM killer struck in its cgroup.
 * --stats prints one stats event and exits; otherwise a stats event comes
 * every --interval until the container stops.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cg/cg.h"
#include "cmd/cmd.h"
#include "cmd/container.h"
#include "lib/cleanup.h"
#include "lib/jsonw.h"
#include "lib/log.h"
#include "lib/util.h"

static const char usage[] =
	"Usage: keel events [--stats] [--interval DURATION] <container-id>\n"
	"Print the container's resource usage (cpu, memory, pids, blkio, hugetlb)\n"
	"as JSON, one event per line: every DURATION (default 5s, as 500ms, 1m30s)\n"
	"and an \"oom\" event on each OOM kill, until the container stops.\n\n"
	"      --stats               print the stats once and exit\n"
	"      --interval DURATION   time between two stats events (default 5s)\n";

/* OOM kills are polled at this period (runc waits on an eventfd or inotify) */
#define TICK_NS 200000000LL

/* Go's time.ParseDuration, what runc's --interval takes: "5s", "1m30s", "1.5h". */
static int parse_duration(const char *s, long long *ns)
{
	static const struct {
		char name[4];
		long long ns;
	} units[] = {	/* "ms" before "m", which would take its "m" */
		{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 }, { "\xce\xbcs", 1000 },
		{ "ms", 1000000 }, { "s", 1000000000 }, { "m", 60000000000 }, { "h", 3600000000000 },
	};
	unsigned long long total = 0;
	int sign = *s == '-' ? -1 : 1;

	s += *s == '-' || *s == '+';
	if (!*s)
		return -EINVAL;
	if (!strcmp(s, "0")) {
		*ns = 0;
		return 0;
	}
	while (*s) {
		unsigned long long whole = 0;
		const char *start = s, *frac = NULL;
		unsigned long long part;
		size_t u;

		for (; isdigit((unsigned char)*s) && whole < 1ULL << 62; s++)
			whole = whole * 10 + (*s - '0');
		if (*s == '.')
			for (frac = ++s; isdigit((unsigned char)*s); s++)
				;
		if (s == start || (frac == start + 1 && s == frac))
			return -EINVAL;
		for (u = 0; u < ARRAY_SIZE(units) && !str_has_prefix(s, units[u].name); u++)
			;
		if (u == ARRAY_SIZE(units) || whole > (unsigned long long)INT64_MAX / units[u].ns)
			return -EINVAL;
		total += whole * units[u].ns;
		/* each fraction digit is worth a tenth of the one before: ns truncated, as Go */
		for (part = units[u].ns; frac && isdigit((unsigned char)*frac) && part; frac++)
			total += (unsigned int)(*frac - '0') * (part /= 10);
		if (total > INT64_MAX)
			return -EINVAL;
		s += strlen(units[u].name);
	}
	*ns = sign * (long long)total;
	return 0;
}

/* Go's encoding/json: omitempty drops zero numbers and empty lists */
static void num(struct jw *w, const char *key, uint64_t v, bool omitempty)
{
	char buf[24];

	if (!v && omitempty)
		return;
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	jw_raw(w, key, buf);
}

static void list(struct jw *w, const char *key, const struct cg_u64s *l)
{
	if (!l->n)
		return;
	jw_open(w, key, '[');
	for (size_t i = 0; i < l->n; i++)
		num(w, NULL, l->v[i], false);
	jw_close(w, ']');
}

static void put_cpu(struct jw *w, const struct cg_stats *st)
{
	jw_open(w, "cpu", '{');
	jw_open(w, "usage", '{');
	num(w, "total", st->cpu.total, true);
	list(w, "percpu", &st->cpu.percpu);
	list(w, "percpu_kernel", &st->cpu.percpu_kernel);
	list(w, "percpu_user", &st->cpu.percpu_user);
	num(w, "kernel", st->cpu.kernel, false);
	num(w, "user", st->cpu.user, false);
	jw_close(w, '}');
	jw_open(w, "throttling", '{');
	num(w, "periods", st->cpu.periods, true);
	num(w, "throttledPeriods", st->cpu.throttled_periods, true);
	num(w, "throttledTime", st->cpu.throttled_time, true);
	jw_close(w, '}');
	jw_close(w, '}');
	jw_open(w, "cpuset", '{');
	list(w, "cpus", &st->cpuset.cpus);
	for (int i = 0; i < CG_CPUSET_FLAGS; i++) {
		jw_int(w, cg_cpuset_flags[i], st->cpuset.flags[i]);
		if (i == 0)
			list(w, "mems", &st->cpuset.mems);
	}
	jw_close(w, '}');
}

static void put_memory(struct jw *w, const struct cg_stats *st)
{
	static const char *const names[CG_MEM_N] = {
		[CG_MEM_USAGE] = "usage", [CG_MEM_SWAP] = "swap",
		[CG_MEM_KERNEL] = "kernel", [CG_MEM_KERNEL_TCP] = "kernelTCP",
	};

	jw_open(w, "memory", '{');
	num(w, "cache", st->memory.cache, true);
	for (int i = 0; i < CG_MEM_N; i++) {
		const struct cg_mem_entry *m = &st->memory.entry[i];

		jw_open(w, names[i], '{');
		num(w, "limit", m->limit, false);
		num(w, "usage", m->usage, true);
		num(w, "max", m->max, true);
		num(w, "failcnt", m->failcnt, false);
		jw_close(w, '}');
	}
	if (st->memory.n_raw) {
		jw_open(w, "raw", '{');
		for (size_t i = 0; i < st->memory.n_raw; i++)
			num(w, st->memory.raw[i].key, st->memory.raw[i].val, false);
		jw_close(w, '}');
	}
	jw_close(w, '}');
	jw_open(w, "pids", '{');
	num(w, "current", st->pids.current, true);
	num(w, "limit", st->pids.limit, true);
	jw_close(w, '}');
}

static void put_blkio(struct jw *w, const char *key, const struct cg_blkio_list *l)
{
	if (!l->n)
		return;
	jw_open(w, key, '[');
	for (size_t i = 0; i < l->n; i++) {
		jw_open(w, NULL, '{');
		num(w, "major", l->v[i].major, true);
		num(w, "minor", l->v[i].minor, true);
		if (l->v[i].op[0])
			jw_str(w, "op", l->v[i].op);
		num(w, "value", l->v[i].value, true);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void put_stats(struct jw *w, const struct cg_stats *st)
{
	put_cpu(w, st);
	put_memory(w, st);
	jw_open(w, "blkio", '{');
	put_blkio(w, "ioServiceBytesRecursive", &st->blkio.bytes);
	put_blkio(w, "ioServicedRecursive", &st->blkio.ios);
	jw_close(w, '}');
	jw_open(w, "hugetlb", '{');
	for (size_t i = 0; i < st->n_hugetlb; i++) {
		jw_open(w, st->hugetlb[i].size, '{');
		num(w, "usage", st->hugetlb[i].usage, true);
		num(w, "max", st->hugetlb[i].max, true);
		num(w, "failcnt", st->hugetlb[i].failcnt, false);
		jw_close(w, '}');
	}
	jw_close(w, '}');
	/* what runc reports there needs intel_rdt and the network namespace */
	jw_open(w, "intel_rdt", '{');
	jw_close(w, '}');
	jw_raw(w, "network_interfaces", "null");
}

/* One event as one line, flushed at once for whoever reads the pipe. */
static int print_event(const char *type, const char *id, const struct cg_stats *st)
{
	_cleanup_free_ char *s = NULL;
	struct jw w = { .pretty = false };

	jw_open(&w, NULL, '{');
	jw_str(&w, "type", type);
	jw_str(&w, "id", id);
	if (st) {
		jw_open(&w, "data", '{');
		put_stats(&w, st);
		jw_close(&w, '}');
	}
	jw_close(&w, '}');
	s = jw_finish(&w);
	puts(s);
	return fflush(stdout);
}

static int stats_event(struct cg *cg, const char *id, struct err *e)
{
	struct cg_stats st;
	int rc = cg_stats(cg, &st, e);

	if (!rc && print_event("stats", id, &st))
		rc = err_sys(e, errno, "stdout");
	cg_stats_free(&st);
	return rc;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Stats every interval and OOM events until init is gone; the first after one interval, as runc. */
static int watch(struct container *c, struct cg *cg, long long interval)
{
	long long next = now_ns() + interval, wait;
	uint64_t kills = 0, n;
	bool oom = cg_oom_kills(cg, &kills);
	struct err e;

	for (;;) {
		wait = next - now_ns();
		wait = wait < 0 ? 0 : wait < TICK_NS ? wait : TICK_NS;
		nanosleep(&(struct timespec){ wait / 1000000000LL, wait % 1000000000LL }, NULL);
		/* before the liveness check: an OOM kill of init itself is reported too */
		if (oom && cg_oom_kills(cg, &n) && n > kills) {
			kills = n;
			if (print_event("oom", c->id, NULL))
				return 1;	/* the reader is gone */
		}
		if (!ctr_alive(c))
			return 0;
		if (now_ns() < next)
			continue;
		if (stats_event(cg, c->id, &e) < 0) {
			if (ferror(stdout))
				return 1;
			if (ctr_alive(c))	/* else it just stopped: end quietly */
				log_warn("%s", e.msg);
		}
		next += interval;
		if (next < now_ns())	/* we were stopped or suspended: do not catch up */
			next = now_ns() + interval;
	}
}

int cmd_events(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stats", no_argument, NULL, 's' }, { "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' }, { 0 }
	};
	const char *ival = "5s";
	long long interval;
	bool once = false;
	struct container c;
	struct err e = { 0 };
	enum ctr_status st;
	struct cg cg;
	int opt;

	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (opt == 's')
			once = true;
		else if (opt == 'i')
			ival = optarg;
		else if (opt == 'h')
			return cmd_help(usage);
		else
			return cmd_bad_option("events", argv);
	}
	if (argc - optind != 1)
		return cmd_usage("events", "expects exactly one container id");
	if (parse_duration(ival, &interval) < 0)
		return cmd_usage("events", "--interval: invalid duration \"%s\" (e.g. 5s, 500ms, 1m30s)",
				 ival);
	if (ctr_load(&c, g->root, argv[optind], &e) < 0)
		return cmd_fail(&e);
	if (interval <= 0) {
		err_set(&e, EINVAL, "duration interval must be greater than 0");
		return cmd_fail(&e);
	}
	st = ctr_status(&c);
	if (st == CTR_STOPPED || st == CTR_CREATING) {
		err_set(&e, EINVAL, "container with id %s is not running", c.id);
		return cmd_fail(&e);
	}
	if (cg_open(&cg, c.cgroup, c.id, &e) < 0)
		return cmd_fail(&e);
	if (once)
		return stats_event(&cg, c.id, &e) < 0 ? cmd_fail(&e) : 0;
	return watch(&c, &cg, interval);
}
