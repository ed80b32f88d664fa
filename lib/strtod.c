// SPDX-License-Identifier: MIT
/*
 * keel's strtod(), which takes the place of musl's in the static link.
 * cJSON calls strtod() for every JSON number, and musl's correctly rounded
 * decimal conversion (__floatscan, decfloat) is about 5 KiB: 4% of a small
 * keel.  config.json holds integers only, and spec/ reads integers from the
 * number's text; the double matters just for forms like "1e3" or "2.0" and
 * to tell a fraction from an integer.  This conversion is exact for those
 * (an integer of up to 15 digits times a small power of ten) and close for
 * the rest, which keel refuses as not an integer anyway.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

static double pow10i(int n)
{
	double r = 1, b = 10;

	for (unsigned int k = n < 0 ? -n : n; k; k >>= 1, b *= b)
		if (k & 1)
			r *= b;
	return n < 0 ? 1 / r : r;
}

/* "e[+-]digits" at p: the exponent, and p moved past it (if well formed). */
static int exponent(const char **pp)
{
	const char *p = *pp + 1;
	bool neg = false;
	int e = 0;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!digit(*p))
		return 0;
	for (; digit(*p); p++)
		if (e < 100000)
			e = e * 10 + (*p - '0');
	*pp = p;
	return neg ? -e : e;
}

double strtod(const char *restrict s, char **restrict end)
{
	const char *p = s;
	double v = 0;
	bool neg = false, any = false;
	int e10 = 0;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	/*
	 * Past 19 digits more precision means nothing to a double: count the
	 * rest only as a power of ten, so v stays finite and the result can
	 * never be inf / inf, a NaN (the fuzzer's "1.999...9 444...4").
	 */
	for (; digit(*p); p++, any = true) {
		if (v < 1e18)
			v = v * 10 + (*p - '0');
		else
			e10++;
	}
	if (*p == '.') {
		for (p++; digit(*p); p++, any = true) {
			if (v < 1e18) {
				v = v * 10 + (*p - '0');
				e10--;
			}
		}
	}
	if (!any) {
		if (end)
			*end = (char *)s;
		return 0;
	}
	if (*p == 'e' || *p == 'E')
		e10 += exponent(&p);
	/*
	 * Divide rather than multiply by 10^-n: 20 / 10 is exactly 2.  A zero
	 * stays zero: 0 * 10^999 would be 0 * inf, a NaN.
	 */
	if (v != 0)
		v = e10 < 0 ? v / pow10i(-e10) : v * pow10i(e10);
	if (isinf(v))
		errno = ERANGE;
	if (end)
		*end = (char *)p;
	return neg ? -v : v;
}
