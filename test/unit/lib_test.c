// SPDX-License-Identifier: MIT
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <limits.h>
#include <errno.h>
#include "lib/err.h"
#include "lib/util.h"
#include "test/unit/tap.h"

static int test_err_set_returns_negative_code(void)
{
	struct err e = { 0 };

	CHECK(err_set(&e, ENOENT, "thing %d", 3) == -ENOENT);
	CHECK(e.code == ENOENT);
	CHECK_STR(e.msg, "thing 3");
	return TEST_PASS;
}

static int test_err_sys_appends_strerror(void)
{
	struct err e = { 0 };

	CHECK(err_sys(&e, ENOENT, "open %s", "/x") == -ENOENT);
	CHECK_STR(e.msg, "open /x: No such file or directory");
	return TEST_PASS;
}

static int test_err_wrap_prepends(void)
{
	struct err e = { 0 };

	err_set(&e, EINVAL, "inner");
	CHECK(err_wrap(&e, "outer %s", "ctx") == -EINVAL);
	CHECK_STR(e.msg, "outer ctx: inner");
	return TEST_PASS;
}

static int test_err_truncates_safely(void)
{
	char big[1000];
	struct err e = { 0 };

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	err_set(&e, EINVAL, "%s", big);
	CHECK(strlen(e.msg) == ERR_MSG_MAX - 1);
	err_wrap(&e, "%s", big);
	CHECK(strlen(e.msg) == ERR_MSG_MAX - 1);
	return TEST_PASS;
}

static int test_zero_code_becomes_einval(void)
{
	struct err e = { 0 };

	CHECK(err_set(&e, 0, "x") == -EINVAL);
	return TEST_PASS;
}

/* A message that quotes a newline (an id, a JSON string) stays one line. */
static int test_err_one_line(void)
{
	struct err e = { 0 };

	err_set(&e, EINVAL, "id \"%s\"", "a\nb\tc");
	CHECK_STR(e.msg, "id \"a?b?c\"");
	return TEST_PASS;
}

static int test_proc_start_time_self(void)
{
	unsigned long long a = 0, b = 0;

	CHECK(proc_start_time(getpid(), &a) == 0);
	CHECK(proc_start_time(getpid(), &b) == 0);
	CHECK(a == b && a > 0);
	CHECK(proc_start_time(-1, &a) < 0);
	return TEST_PASS;
}

static int test_write_file_atomic_roundtrip(void)
{
	char dir[] = "/tmp/keel-lib-test.XXXXXX", path[64];
	struct err e = { 0 };
	char *got = NULL;
	size_t len;

	CHECK(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a/b/f", dir);
	snprintf(path, sizeof(path), "%s/a/b", dir);
	CHECK(mkdir_p(path, 0700, &e) == 0);
	snprintf(path, sizeof(path), "%s/a/b/f", dir);
	CHECK(write_file_atomic(path, "hello", 5, 0600, &e) == 0);
	CHECK(read_file(path, &got, &len, &e) == 0);
	CHECK(len == 5);
	CHECK_STR(got, "hello");
	free(got);
	unlink(path);
	snprintf(path, sizeof(path), "%s/a/b", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/a", dir);
	rmdir(path);
	rmdir(dir);
	return TEST_PASS;
}

/* lib/strtod.c: what cJSON needs from it for config.json's numbers */
static int test_strtod(void)
{
	static const struct {
		const char *in;
		double want;
		int used;	/* characters consumed */
	} cases[] = {
		{ "0", 0, 1 }, { "-12", -12, 3 }, { "2.0", 2, 3 }, { "1e3", 1000, 3 },
		{ "1.5", 1.5, 3 }, { "1E-2", 0.01, 4 }, { "12abc", 12, 2 }, { "1e", 1, 1 },
		{ "  7,", 7, 3 }, { "+4", 4, 2 }, { "9007199254740993", 9007199254740992.0, 16 },
		{ "4294967295", 4294967295.0, 10 }, { "-0.25e+2", -25, 8 },
		/* found by the fuzzer: 0 * 10^999 must not be a NaN */
		{ "0e999", 0, 5 }, { "0.0e-999", 0, 8 },
		{ "1.99999999999999999999999999999999999999", 2, 40 },
		{ "100000000000000000000000000000", 1e29, 30 },
	};
	char *end;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double d = strtod(cases[i].in, &end);

		if (d != cases[i].want || end - cases[i].in != cases[i].used) {
			printf("#   strtod(\"%s\") = %.17g, used %d\n", cases[i].in, d,
			       (int)(end - cases[i].in));
			return TEST_FAIL;
		}
	}
	CHECK(strtod("abc", &end) == 0 && !strcmp(end, "abc"));
	CHECK(strtod("-", &end) == 0 && !strcmp(end, "-"));
	errno = 0;
	CHECK(strtod("1e999", &end) > 1e308 && errno == ERANGE);
	return TEST_PASS;
}

/* lib/printf.c replaces musl's vfprintf: every format keel uses, and more */
static int test_printf(void)
{
	char b[256], big[1200];
	char *a = NULL;

#define FMT(want, ...) do { \
		int n_ = snprintf(b, sizeof(b), __VA_ARGS__); \
		CHECK_STR(b, want); \
		CHECK(n_ == (int)strlen(want)); \
	} while (0)
	FMT("a 1 -2 3 b", "a %d %i %u %s", 1, -2, 3u, "b");
	FMT("18446744073709551615 -9223372036854775808", "%llu %lld", 18446744073709551615ULL,
	    (long long)INT64_MIN);
	FMT("4294967295 2147483647 -1", "%lu %ld %zd", 4294967295UL, 2147483647L, (ssize_t)-1);
	FMT("ff FF 0xff 0XFF 777 0777 0", "%x %X %#x %#X %o %#o %#x", 255, 255, 255, 255, 511, 511, 0);
	FMT("|   42|42   |00042|  -42|-0042|+42| 42|", "|%5d|%-5d|%05d|%5d|%05d|%+d|% d|", 42, 42, 42,
	    -42, -42, 42, 42);
	FMT("|  042|0042|", "|%5.3d|%.4d|", 42, 42);
	FMT("|||0|", "|%.0d|%.0u|%#.0o|", 0, 0u, 0);
	FMT("|abc|  abc|abc  |ab|   ab|", "|%s|%5s|%-5s|%.2s|%*.*s|", "abc", "abc", "abc", "abc", 5, 2,
	    "abc");
	FMT("|x|  x|x  |%|", "|%c|%3c|%-3c|%%|", 'x', 'x', 'x');
	FMT("(null)", "%s", (char *)NULL);
	FMT("-1 255 -1 65535", "%hhd %hhu %hd %hu", 255, 255, 65535, 65535);
	FMT("0004 0001 000000012 2026-11-23", "%04x %04d %09ld %04d-%02d-%02d", 4, 1, 12L, 2026, 11, 23);
	FMT("|ab   |-7  |", "|%-*s|%-*d|", 5, "ab", 4, -7);
	FMT("0x1234", "%p", (void *)0x1234);
	/* truncation: the return value is what would have been written */
	CHECK(snprintf(b, 4, "%s", "abcdef") == 6);
	CHECK_STR(b, "abc");
	/* longer than the internal buffer */
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(asprintf(&a, "<%s>", big) == (int)sizeof(big) + 1);
	CHECK(a && a[0] == '<' && a[sizeof(big)] == '>' && strlen(a) == sizeof(big) + 1);
	free(a);
#undef FMT
	return TEST_PASS;
}

/* lib/strstr.c and lib/realpath.c replace musl's */
static int test_strstr_realpath(void)
{
	char buf[PATH_MAX], *p;
	const char *h = "0::/keel/x\n1:name=systemd:/";

	CHECK(strstr(h, "keel") == h + 4);
	CHECK(strstr(h, "") == h);
	CHECK(!strstr(h, "systemdX"));
	CHECK(strstr(h, "systemd:/") == h + 18);
	CHECK(!strstr("ab", "abc"));
	CHECK(realpath("/proc/self/../self/.", buf) && buf[0] == '/' && strcmp(buf, "/proc") != 0);
	CHECK(realpath("/tmp/../tmp//", buf) && !strcmp(buf, "/tmp"));
	p = realpath("/", NULL);
	CHECK(p && !strcmp(p, "/"));
	free(p);
	errno = 0;
	CHECK(!realpath("/nonexistent-keel-path/x", buf) && errno == ENOENT);
	return TEST_PASS;
}

/*
 * The allocator (lib/malloc.c in the static build, the sanitizer's in the
 * ASan one): random sizes across the small classes and the mapped blocks,
 * every block filled with its own byte and checked after the others were
 * freed, reallocated and reused; calloc zeroes reused memory.
 */
#define NSLOT 256

static unsigned lcg(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static size_t rand_size(unsigned *s)
{
	unsigned r = lcg(s) % 100;

	if (r < 70)
		return lcg(s) % 200;
	if (r < 95)
		return lcg(s) % 40000;
	return lcg(s) % 300000;
}

static int intact(const unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static int test_malloc(void)
{
	unsigned char *slot[NSLOT] = { 0 };
	size_t len[NSLOT] = { 0 };
	unsigned seed = 42;

	for (int op = 0; op < 20000; op++) {
		unsigned i = lcg(&seed) % NSLOT;
		unsigned char v = (unsigned char)(i * 7 + 1);

		if (slot[i]) {
			CHECK(intact(slot[i], len[i], v));
			if (lcg(&seed) % 3 == 0) {
				/* not 0: realloc(p, 0) may free p (glibc does) */
				size_t n = rand_size(&seed) + 1;
				unsigned char *q = realloc(slot[i], n);

				CHECK(q && ((uintptr_t)q & 15) == 0);
				CHECK(intact(q, n < len[i] ? n : len[i], v));
				memset(q, v, n);
				slot[i] = q, len[i] = n;
				continue;
			}
			free(slot[i]);
			slot[i] = NULL;
			continue;
		}
		len[i] = rand_size(&seed);
		slot[i] = malloc(len[i]);
		CHECK(slot[i] && ((uintptr_t)slot[i] & 15) == 0);
		memset(slot[i], v, len[i]);
	}
	for (int i = 0; i < NSLOT; i++) {
		CHECK(!slot[i] || intact(slot[i], len[i], (unsigned char)(i * 7 + 1)));
		free(slot[i]);
	}
	for (size_t n = 1; n < 70000; n = n * 3 + 1) {
		unsigned char *p = malloc(n);

		CHECK(p);
		memset(p, 0xff, n);
		free(p);
		p = calloc(n, 1);
		CHECK(p && intact(p, n, 0));
		free(p);
	}
	free(NULL);
	return TEST_PASS;
}

int main(void)
{
	RUN_TEST(test_err_set_returns_negative_code);
	RUN_TEST(test_err_sys_appends_strerror);
	RUN_TEST(test_err_wrap_prepends);
	RUN_TEST(test_err_truncates_safely);
	RUN_TEST(test_zero_code_becomes_einval);
	RUN_TEST(test_err_one_line);
	RUN_TEST(test_proc_start_time_self);
	RUN_TEST(test_write_file_atomic_roundtrip);
	RUN_TEST(test_strtod);
	RUN_TEST(test_printf);
	RUN_TEST(test_strstr_realpath);
	RUN_TEST(test_malloc);
	return tap_done();
}
