// SPDX-License-Identifier: MIT
/*
 * strstr, the plain way.  musl's is the two-way algorithm (linear time,
 * about 1 KiB of code); every string keel searches is a few hundred bytes
 * of its own making (/proc lines, state JSON), where the quadratic worst
 * case cannot matter.  Linked before libc, it replaces musl's for keel,
 * cJSON and libseccomp alike (as lib/strtod.c and lib/printf.c do).
 */
#include <string.h>

char *strstr(const char *h, const char *n)
{
	size_t nl = strlen(n);

	for (; *h; h++)
		if (!strncmp(h, n, nl))
			return (char *)h;
	return nl ? NULL : (char *)h;
}
