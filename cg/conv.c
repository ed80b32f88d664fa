// SPDX-License-Identifier: MIT
/*
 * runtime-spec resources are shaped after cgroup v1; cgroup v2 files take
 * other scales.  These are the conversions runc and crun use, as pure
 * functions (test/unit/cg_test.c, formulas in docs/design.md).
 */
#include <stdio.h>

#include "cg/cg-internal.h"

#define LN2 0.69314718055994530942
#define LN10 2.30258509299404568402

/* ln(x) for x in [0.7, 1.42]: 2 atanh((x-1)/(x+1)), |z| < 0.18 */
static double ln_near1(double x)
{
	double z = (x - 1) / (x + 1), z2 = z * z, t = z, sum = 0;

	for (int i = 1; i < 40; i += 2, t *= z2)
		sum += t / i;
	return 2 * sum;
}

/* e^x for |x| < 1.2: the Taylor series */
static double exp_small(double x)
{
	double t = 1, sum = 1;

	for (int i = 1; i < 30; i++) {
		t *= x / i;
		sum += t;
	}
	return sum;
}

/*
 * runc (opencontainers/cgroups, 2025) and crun 1.23: a quadratic in
 * log2(shares) through (2, 1), (1024, 100) and (262144, 10000):
 * weight = ceil(10^((l^2 + 125 l) / 612 - 7/34)), l = log2(shares).
 * Without libm (it would cost some 8 KiB): log2 as exponent plus
 * ln(mantissa) / ln 2, and 10^e split as Go's math.Pow does, into
 * 10^int (exact) times e^(frac ln 10), so 1024 gives exactly 100.
 */
uint64_t cg_cpu_weight(uint64_t shares)
{
	double m = (double)shares, l, e, w = 1;
	int k = 0, ei;
	uint64_t c;

	if (shares == 0)
		return 0;
	if (shares <= 2)
		return 1;
	if (shares >= 262144)
		return 10000;
	while (m >= 1.41421356237309504880) {
		m /= 2;
		k++;
	}
	l = k + ln_near1(m) / LN2;
	e = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
	ei = (int)e;
	e -= ei;
	if (e > 0.5) {
		e -= 1;
		ei++;
	}
	while (ei-- > 0)
		w *= 10;
	w *= exp_small(e * LN10);
	c = (uint64_t)w;
	return c < w ? c + 1 : c;
}

/* runc and crun: io.weight = 1 + (weight - 10) * 9999 / 990, clamped */
uint64_t cg_io_weight(uint64_t weight)
{
	if (weight == 0)
		return 0;
	if (weight <= 10)
		return 1;
	if (weight >= 1000)
		return 10000;
	return 1 + (weight - 10) * 9999 / 990;
}

const char *cg_swap_max(int64_t swap, int64_t limit, int64_t *out, bool *set)
{
	*set = true;
	/* as v1 does: unlimited memory and no word on swap: both unlimited */
	if (limit == -1 && swap == 0) {
		*out = -1;
		return NULL;
	}
	*out = swap;
	*set = swap != 0;
	/* swap alone is unlimited, or unset; or memory is, and swap is all */
	if (swap <= 0 || limit == -1)
		return NULL;
	if (limit <= 0)
		return "unable to set swap limit without memory limit";
	if (swap < limit)
		return "memory+swap limit should be >= memory limit";
	*out = swap - limit;
	return NULL;
}

void cg_cpu_max(char *buf, size_t len, int64_t quota, uint64_t period)
{
	if (quota > 0)
		snprintf(buf, len, "%lld %llu", (long long)quota, (unsigned long long)period);
	else
		snprintf(buf, len, "max %llu", (unsigned long long)period);
}
