/* SPDX-License-Identifier: MIT */
/*
 * A tiny TAP producer for keel's unit tests.  Each test is a function
 * returning TEST_PASS, TEST_FAIL or TEST_SKIP; CHECK() reports the failing
 * expression and line.  main() is:
 *
 *	int main(void)
 *	{
 *		RUN_TEST(test_parse_minimal);
 *		return tap_done();
 *	}
 *
 * Output is TAP 13 ("ok N - name", "not ok N - name", "ok N - name # SKIP
 * why"), which test/run counts.
 */
#ifndef KEEL_TEST_TAP_H
#define KEEL_TEST_TAP_H

#include <stdio.h>
#include <string.h>

enum { TEST_PASS = 0, TEST_FAIL = -1, TEST_SKIP = 77 };

static int tap_n, tap_failed;
static const char *tap_skip_why = "";

#define CHECK(cond) do { \
	if (!(cond)) { \
		printf("#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
		return TEST_FAIL; \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *_a = (a), *_b = (b); \
	if (!_a || !_b || strcmp(_a, _b)) { \
		printf("#   %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
		       _a ? _a : "(null)", _b ? _b : "(null)"); \
		return TEST_FAIL; \
	} \
} while (0)

#define SKIP(why) do { tap_skip_why = (why); return TEST_SKIP; } while (0)

#define RUN_TEST(fn) do { \
	int _r; \
	fflush(stdout); \
	_r = fn(); \
	tap_n++; \
	if (_r == TEST_SKIP) \
		printf("ok %d - %s # SKIP %s\n", tap_n, #fn, tap_skip_why); \
	else if (_r == TEST_PASS) \
		printf("ok %d - %s\n", tap_n, #fn); \
	else { \
		printf("not ok %d - %s\n", tap_n, #fn); \
		tap_failed++; \
	} \
	fflush(stdout); \
} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
