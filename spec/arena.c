// SPDX-License-Identifier: MIT
/*
 * A chunked bump allocator.  A parsed spec is many small strings and arrays
 * that all die together, so one arena makes spec_free() a list walk and
 * leaves no partial structure to unwind when parsing fails half way.
 */
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "spec/spec-internal.h"

#define CHUNK_SIZE 16384
#define ALIGN alignof(max_align_t)

struct chunk {
	struct chunk *next;
	size_t size, used;
	alignas(max_align_t) unsigned char mem[];
};

struct arena {
	struct chunk *head;	/* the chunk being filled */
};

static struct chunk *chunk_new(size_t size)
{
	struct chunk *ch = xmalloc(sizeof(*ch) + size);

	ch->next = NULL;
	ch->size = size;
	ch->used = 0;
	return ch;
}

struct arena *arena_new(void)
{
	struct arena *a = xmalloc(sizeof(*a));

	a->head = chunk_new(CHUNK_SIZE);
	return a;
}

void arena_free(struct arena *a)
{
	struct chunk *ch, *next;

	if (!a)
		return;
	for (ch = a->head; ch; ch = next) {
		next = ch->next;
		free(ch);
	}
	free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct chunk *ch = a->head;
	size_t need = (n + ALIGN - 1) & ~(ALIGN - 1);
	void *p;

	if (need < n)
		abort();
	/* Big blocks get a chunk of their own behind head, so the
	 * partly used head keeps serving small ones. */
	if (need > CHUNK_SIZE / 4) {
		ch = chunk_new(need);
		ch->next = a->head->next;
		a->head->next = ch;
	} else if (ch->size - ch->used < need) {
		ch = chunk_new(CHUNK_SIZE);
		ch->next = a->head;
		a->head = ch;
	}
	p = ch->mem + ch->used;
	ch->used += need;
	return memset(p, 0, n);
}

void *arena_array(struct arena *a, size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total))
		abort();
	return arena_alloc(a, total);
}

char *arena_strdup(struct arena *a, const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(arena_alloc(a, n), s, n);
}
