// SPDX-License-Identifier: MIT
/*
 * A small allocator in place of musl's mallocng.
 *
 * keel is a short-lived, single-threaded process that allocates a few
 * hundred small blocks (the parsed config lives in an arena) and a few large
 * read buffers.  mallocng is built for long-lived programs: it gives freed
 * groups back to the kernel at once, so one "keel run" made 37 mmap/munmap
 * pairs and their page faults (a tenth of keel's own CPU time), and it costs
 * about 8 KiB of the static binary.  This one is ~0.6 KiB:
 *
 *  - small blocks (up to 32 KiB) come in power-of-two size classes, carved
 *    from 128 KiB chunks and kept on one free list per class when freed, so
 *    a long "keel events --interval" reuses them instead of growing;
 *  - larger blocks are mappings of their own, unmapped by free();
 *  - every block has a 16-byte header holding its usable size, which keeps
 *    the payload 16-byte aligned, as malloc must.
 *
 * Defining malloc, calloc, realloc and free in an object linked before
 * libc replaces musl's (musl supports that); musl's own internal callers go
 * through __libc_malloc_impl, __libc_realloc and __libc_free, aliased here
 * so that no part of mallocng is linked.  Not thread-safe: keel has no
 * threads, and its clone()d children have their own copy of the heap.
 * Host builds with sanitizers leave this file out (ASan brings its own).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define HDR		16
#define MIN_SHIFT	5			/* smallest block: 32 bytes */
#define NCLASS		11			/* up to 32 KiB with its header */
#define MAX_SMALL	((size_t)1 << (MIN_SHIFT + NCLASS - 1))
#define CHUNK		((size_t)128 << 10)

struct block {
	size_t size;			/* usable bytes after the header */
	struct block *next;		/* free list link, while free */
};

static struct block *free_list[NCLASS];
static char *chunk_cur, *chunk_end;

static void *map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

static int class_of(size_t total)
{
	int c = 0;

	while (((size_t)1 << (MIN_SHIFT + c)) < total)
		c++;
	return c;
}

void *malloc(size_t n)
{
	struct block *b;
	size_t total;
	int c;

	if (n > MAX_SMALL - HDR) {
		if (n > PTRDIFF_MAX - 4096)
			return errno = ENOMEM, NULL;
		total = (n + HDR + 4095) & ~(size_t)4095;
		b = map(total);
		if (!b)
			return NULL;
		b->size = total - HDR;
		return (char *)b + HDR;
	}
	c = class_of(n + HDR);
	total = (size_t)1 << (MIN_SHIFT + c);
	b = free_list[c];
	if (b) {
		free_list[c] = b->next;
		return (char *)b + HDR;
	}
	if ((size_t)(chunk_end - chunk_cur) < total) {
		/* the rest of the old chunk is dropped: a few KiB at most */
		chunk_cur = map(CHUNK);
		if (!chunk_cur)
			return chunk_end = NULL, NULL;
		chunk_end = chunk_cur + CHUNK;
	}
	b = (struct block *)chunk_cur;
	chunk_cur += total;
	b->size = total - HDR;
	return (char *)b + HDR;
}

void free(void *p)
{
	struct block *b;
	int c;

	if (!p)
		return;
	b = (struct block *)((char *)p - HDR);
	if (b->size > MAX_SMALL - HDR) {
		munmap(b, b->size + HDR);
		return;
	}
	c = class_of(b->size + HDR);
	b->next = free_list[c];
	free_list[c] = b;
}

void *calloc(size_t m, size_t n)
{
	void *p;

	if (n && m > SIZE_MAX / n)
		return errno = ENOMEM, NULL;
	p = malloc(m * n);
	/* large blocks are fresh mappings, already zero */
	if (p && m * n <= MAX_SMALL - HDR)
		memset(p, 0, m * n);
	return p;
}

void *realloc(void *p, size_t n)
{
	size_t have;
	void *q;

	if (!p)
		return malloc(n);
	have = ((struct block *)((char *)p - HDR))->size;
	if (n <= have)
		return p;
	q = malloc(n);
	if (q) {
		memcpy(q, p, have);
		free(p);
	}
	return q;
}

/* musl's internal entry points (atexit, locale, getdelim, ...) */
void *__libc_malloc_impl(size_t n) __attribute__((alias("malloc"), copy(malloc)));
void *__libc_realloc(void *p, size_t n) __attribute__((alias("realloc"), copy(realloc)));
void __libc_free(void *p) __attribute__((alias("free"), copy(free)));
