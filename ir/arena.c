/* Arena allocation (as in QBE and chibicc): objects of one compilation are allocated from large
 * blocks and freed together, so no stage needs to track ownership of IR nodes or strings. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"

struct ArenaBlock {
	ArenaBlock *next;
	size_t size, used;
	_Alignas(max_align_t) unsigned char data[];
};

enum { ARENA_BLOCK = 64 * 1024 };

void
ir_arena_init(Arena *a)
{
	a->head = NULL;
	a->used = 0;
}

void
ir_arena_free(Arena *a)
{
	ArenaBlock *b, *next;

	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
	a->used = 0;
}

void
ir_arena_reset(Arena *a)
{
	ArenaBlock *b, *next, *keep = NULL;

	/* keep one block of the usual size; large one-off requests are given back */
	for (b = a->head; b; b = next) {
		next = b->next;
		if (!keep && b->size == ARENA_BLOCK)
			keep = b;
		else
			free(b);
	}
	if (keep) {
		keep->next = NULL;
		keep->used = 0;
	}
	a->head = keep;
	a->used = 0;
}

void *
ir_alloc(Arena *a, size_t size)
{
	const size_t align = _Alignof(max_align_t);
	ArenaBlock *b = a->head;
	size_t cap;
	void *p;

	if (size == 0)
		size = 1;
	if (size > SIZE_MAX / 2)
		IR_BUG("arena request of %zu bytes", size);
	size = (size + align - 1) & ~(align - 1);
	if (!b || b->size - b->used < size) {
		cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
		b = malloc(sizeof *b + cap);
		if (!b)
			IR_BUG("out of memory allocating %zu bytes", cap);
		b->size = cap;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	b->used += size;
	a->used += size;
	memset(p, 0, size);
	return p;
}

void *
ir_alloc_array(Arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / 2 / size)
		IR_BUG("arena array of %zu x %zu bytes overflows", n, size);
	return ir_alloc(a, n * size);
}

char *
ir_strndup(Arena *a, const char *s, size_t n)
{
	char *p = ir_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *
ir_strdup(Arena *a, const char *s)
{
	return ir_strndup(a, s, strlen(s));
}

char *
ir_sprintf(Arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		IR_BUG("bad format '%s'", fmt);
	p = ir_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
