// SPDX-License-Identifier: MIT
/*
 * vfprintf without floating point.  musl's printf core carries a long
 * double formatter (fmt_fp and its helpers, ~8 KiB of the static binary)
 * that keel never uses: nothing in keel, cJSON's parser or libseccomp
 * prints a float.  Every printf-family function in musl (printf,
 * snprintf, dprintf, asprintf, ...) ends in vfprintf, so defining it here,
 * in an object linked before libc (as lib/strtod.c does for strtod),
 * replaces it for all of them.
 *
 * Supported: flags "-0+ #", width and precision (numbers or "*"), length
 * modifiers hh h l ll z j t, conversions d i u o x X c s p %.  A float
 * conversion prints "?" and an unknown one is copied as is: both are bugs
 * a test would show, not undefined behaviour.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/*
 * Output goes through a buffer of our own, so that a line to unbuffered
 * stderr leaves in one write(2), as with musl's own vfprintf: log lines of
 * processes sharing a file do not interleave.
 */
struct out {
	FILE *f;
	int n;
	int err;
	size_t len;
	char buf[512];
};

static void flush(struct out *o)
{
	if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->err = 1;
	o->len = 0;
}

static void put(struct out *o, const char *s, size_t n)
{
	o->n += (int)n;
	while (n) {
		size_t k = sizeof(o->buf) - o->len;

		if (k > n)
			k = n;
		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
		if (o->len == sizeof(o->buf))
			flush(o);
	}
}

static void pad(struct out *o, char c, int n)
{
	char b[16];

	memset(b, c, sizeof(b));
	for (; n > 0; n -= (int)sizeof(b))
		put(o, b, n < (int)sizeof(b) ? (size_t)n : sizeof(b));
}

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16 };

/* The text s (n bytes) in a field of width w, after a prefix. */
static void field(struct out *o, const char *pre, const char *s, int n, int zeros, int w,
		  int fl)
{
	int pl = (int)strlen(pre), len = pl + zeros + n;

	if (!(fl & F_LEFT) && !(fl & F_ZERO))
		pad(o, ' ', w - len);
	put(o, pre, pl);
	if (!(fl & F_LEFT) && (fl & F_ZERO))
		pad(o, '0', w - len);
	pad(o, '0', zeros);
	put(o, s, n);
	if (fl & F_LEFT)
		pad(o, ' ', w - len);
}

static void number(struct out *o, uintmax_t v, bool neg, char conv, int w, int prec, int fl)
{
	static const char digits[] = "0123456789abcdef0123456789ABCDEF";
	unsigned base = conv == 'o' ? 8 : conv == 'x' || conv == 'X' || conv == 'p' ? 16 : 10;
	const char *dg = digits + (conv == 'X' ? 16 : 0);
	char buf[3 * sizeof(uintmax_t)], *p = buf + sizeof(buf);
	const char *pre = "";
	int n, zeros;

	for (uintmax_t x = v; x; x /= base)
		*--p = dg[x % base];
	n = (int)(buf + sizeof(buf) - p);
	if (neg)
		pre = "-";
	else if (fl & F_PLUS)
		pre = "+";
	else if (fl & F_SPACE)
		pre = " ";
	if (((fl & F_ALT) && v && base == 16) || conv == 'p')
		pre = conv == 'X' ? "0X" : "0x";
	if (prec >= 0)
		fl &= ~F_ZERO;
	else
		prec = 1;
	zeros = prec > n ? prec - n : 0;
	if ((fl & F_ALT) && base == 8 && !zeros && (v || !prec))
		zeros = 1;
	field(o, pre, p, n, zeros, w, fl);
}

/* A width or precision: digits, or "*" from the arguments. */
static int count(const char **fmt, va_list *ap)
{
	int v = 0;

	if (**fmt == '*') {
		(*fmt)++;
		return va_arg(*ap, int);
	}
	while (**fmt >= '0' && **fmt <= '9')
		v = v * 10 + *(*fmt)++ - '0';
	return v;
}

static void conversion(struct out *o, const char **fmtp, va_list *ap)
{
	const char *fmt = *fmtp, *start = fmt - 1;
	int fl = 0, w, prec = -1, len = 0;
	uintmax_t u;
	intmax_t i;
	char c;

	for (;; fmt++) {
		const char *f = strchr("-0+ #", *fmt);

		if (!*fmt || !f)
			break;
		fl |= 1 << (f - "-0+ #");
	}
	w = count(&fmt, ap);
	if (w < 0) {
		fl |= F_LEFT;
		w = -w;
	}
	if (*fmt == '.') {
		fmt++;
		prec = count(&fmt, ap);
	}
	/* length: 1 h, 2 hh, 3 l, 4 ll (and j, z, t: all 64-bit or long) */
	for (; *fmt && strchr("hlzjtL", *fmt); fmt++)
		len = *fmt == 'h' ? (len == 1 ? 2 : 1) : *fmt == 'l' && len == 3 ? 4 : 3;
	c = *fmt ? *fmt++ : '\0';
	*fmtp = fmt;
	switch (c) {
	case 'd': case 'i':
		i = len == 4 ? va_arg(*ap, long long) : len == 3 ? va_arg(*ap, long)
							    : va_arg(*ap, int);
		if (len == 1)
			i = (short)i;
		else if (len == 2)
			i = (signed char)i;
		number(o, i < 0 ? -(uintmax_t)i : (uintmax_t)i, i < 0, c, w, prec, fl);
		return;
	case 'u': case 'o': case 'x': case 'X':
		u = len == 4 ? va_arg(*ap, unsigned long long) : len == 3 ? va_arg(*ap, unsigned long)
								    : va_arg(*ap, unsigned);
		if (len == 1)
			u = (unsigned short)u;
		else if (len == 2)
			u = (unsigned char)u;
		number(o, u, false, c, w, prec, fl & ~(F_PLUS | F_SPACE));
		return;
	case 'p':
		number(o, (uintptr_t)va_arg(*ap, void *), false, c, w, -1, 0);
		return;
	case 'c': {
		char ch = (char)va_arg(*ap, int);

		field(o, "", &ch, 1, 0, w, fl & F_LEFT);
		return;
	}
	case 's': {
		const char *s = va_arg(*ap, const char *);

		if (!s)
			s = "(null)";
		field(o, "", s, prec >= 0 ? (int)strnlen(s, prec) : (int)strlen(s), 0, w, fl & F_LEFT);
		return;
	}
	case '%':
		put(o, "%", 1);
		return;
	case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
		(void)va_arg(*ap, double);
		put(o, "?", 1);
		return;
	}
	put(o, start, fmt - start);
}

int vfprintf(FILE *restrict f, const char *restrict format, va_list ap)
{
	struct out o = { .f = f };
	const char *fmt = format;
	va_list ap2;

	va_copy(ap2, ap);
	while (*fmt) {
		const char *pct = strchr(fmt, '%');
		size_t n = pct ? (size_t)(pct - fmt) : strlen(fmt);

		put(&o, fmt, n);
		fmt += n;
		if (*fmt == '%') {
			fmt++;
			conversion(&o, &fmt, &ap2);
		}
	}
	va_end(ap2);
	flush(&o);
	if (o.err || ferror(f))
		return -1;
	return o.n;
}
