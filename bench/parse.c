// SPDX-License-Identifier: MIT
/*
 * How long spec_parse() takes on a typical config.json, and what
 * spec_free() costs after it.  Built from the same musl objects and flags
 * as keel (make bench-parse), so the figure is the one keel create pays.
 *
 *   bench/parse CONFIG.JSON [N]
 *
 * Prints mean, median, p99 and min microseconds per call, the peak RSS and
 * what a parsed spec keeps in memory, and exits 1 if the median parse
 * reaches a millisecond (the target is "well under").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "spec/spec.h"

#define WARMUP 100
#define KEEP 256	/* specs held at once to measure what one holds */
#define TARGET_US 1000.0

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static long peak_rss_kib(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

/* Resident now, not the high-water mark. */
static long rss_kib(void)
{
	long size = 0, res = -1;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f) {
		if (fscanf(f, "%ld %ld", &size, &res) != 2)
			res = -1;
		fclose(f);
	}
	return res < 0 ? -1 : res * (sysconf(_SC_PAGESIZE) / 1024);
}

/* What a parsed spec keeps (its arena) once the cJSON tree is gone. */
static double held_kib(const char *json, size_t len)
{
	static struct spec *keep[KEEP];
	long before = rss_kib(), after;
	struct err e;

	for (int i = 0; i < KEEP; i++)
		keep[i] = spec_parse(json, len, &e);
	after = rss_kib();
	for (int i = 0; i < KEEP; i++)
		spec_free(keep[i]);
	return before < 0 || after < 0 ? -1 : (double)(after - before) / KEEP;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct stats {
	double mean, median, p99, min;
};

/* Sorts t. */
static struct stats summarize(double *t, size_t n)
{
	struct stats s = { 0 };

	for (size_t i = 0; i < n; i++)
		s.mean += t[i];
	s.mean /= n;
	qsort(t, n, sizeof(*t), cmp_double);
	s.median = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
	s.p99 = t[n - 1 - n / 100];
	s.min = t[0];
	return s;
}

static void print_stats(const char *what, struct stats s)
{
	printf("%-11s mean %7.1f us  median %7.1f us  p99 %7.1f us  min %7.1f us\n",
	       what, s.mean, s.median, s.p99, s.min);
}

int main(int argc, char **argv)
{
	_cleanup_free_ char *json = NULL;
	_cleanup_free_ double *tp = NULL, *tf = NULL;
	struct stats sp, sf;
	struct err e = { 0 };
	long n = 5000, rss0, rss1;
	size_t len;

	if (argc < 2 || argc > 3 || (argc == 3 && (n = atol(argv[2])) < 1)) {
		fprintf(stderr, "usage: %s CONFIG.JSON [N]\n", argv[0]);
		return 2;
	}
	if (read_file(argv[1], &json, &len, &e) < 0) {
		fprintf(stderr, "bench/parse: %s\n", e.msg);
		return 2;
	}
	tp = xmalloc(n * sizeof(*tp));
	tf = xmalloc(n * sizeof(*tf));
	rss0 = peak_rss_kib();
	for (long i = -WARMUP; i < n; i++) {
		double t0 = now_us(), t1, t2;
		struct spec *s = spec_parse(json, len, &e);

		t1 = now_us();
		if (!s) {
			fprintf(stderr, "bench/parse: %s: %s\n", argv[1], e.msg);
			return 2;
		}
		spec_free(s);
		t2 = now_us();
		if (i >= 0) {
			tp[i] = t1 - t0;
			tf[i] = t2 - t1;
		}
	}
	rss1 = peak_rss_kib();
	sp = summarize(tp, n);
	sf = summarize(tf, n);

	printf("bench/parse: %s, %zu bytes, %ld parses after %d warm-up\n",
	       argv[1], len, n, WARMUP);
	print_stats("spec_parse", sp);
	print_stats("spec_free", sf);
	printf("peak RSS    %ld KiB over the parses (%ld KiB before the first)\n", rss1, rss0);
	printf("held        %.1f KiB per parsed spec (RSS growth with %d alive)\n",
	       held_kib(json, len), KEEP);
	printf("target: a typical %zu-byte config parses well under %.0f us: median %.1f us, %s\n",
	       len, TARGET_US, sp.median, sp.median < TARGET_US ? "ok" : "MISSED");
	return sp.median < TARGET_US ? 0 : 1;
}
