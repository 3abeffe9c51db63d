/* The compilation context: the arena, the source files and the diagnostics of one compilation.
 *
 * Every stage of rnnc takes a Ctx. There are no mutable globals, so the design-space search can
 * run many candidates on threads, each with its own Ctx (or its own scratch arena).
 *
 * User errors are collected here and returned; only main() exits. Internal invariant failures
 * (bugs) go through IR_ASSERT, which aborts with file and line. */
#ifndef RNNC_IR_CTX_H
#define RNNC_IR_CTX_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- arenas: allocate often, free wholesale ---------------------------------------------- */

typedef struct ArenaBlock ArenaBlock;
typedef struct Arena {
	ArenaBlock *head;
	size_t used;  /* bytes handed out in total, for statistics */
} Arena;

void ir_arena_init(Arena *a);
void ir_arena_free(Arena *a);
void ir_arena_reset(Arena *a);                           /* frees all but one block */
void *ir_alloc(Arena *a, size_t size);                   /* zeroed, aligned for any type */
void *ir_alloc_array(Arena *a, size_t n, size_t size);   /* checks n*size for overflow */
char *ir_strdup(Arena *a, const char *s);
char *ir_strndup(Arena *a, const char *s, size_t n);
char *ir_sprintf(Arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- source locations -------------------------------------------------------------------- */

typedef struct SrcFile {
	const char *name;  /* as the user named it; appears in diagnostics */
	const char *text;  /* NUL-terminated copy of the whole file */
	size_t len;
} SrcFile;

/* line and col are 1-based; col counts characters (UTF-8 code points), as editors do.
 * A Loc with file == NULL means "no location" (command-line input, for instance). */
typedef struct Loc {
	const SrcFile *file;
	int line, col;
} Loc;

/* ---- diagnostics ------------------------------------------------------------------------- */

typedef enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } DiagKind;

typedef struct Diag {
	DiagKind kind;
	Loc loc;
	char *msg;
} Diag;

enum { IR_MAX_ERRORS = 50 };  /* further errors are counted, not stored */

typedef struct Ctx {
	Arena arena;       /* lives as long as the compilation */
	Diag *diags;       /* in the order they were reported */
	int ndiags, capdiags;
	int nerrors;       /* including those past IR_MAX_ERRORS */
	int verbosity;     /* -1 quiet, 0 normal, 1+ verbose */
} Ctx;

void ir_ctx_init(Ctx *c);
void ir_ctx_free(Ctx *c);
/* Forgets the diagnostics and everything allocated, keeping one block of the arena for reuse:
 * a scratch context for the candidates of a search. */
void ir_ctx_reset(Ctx *c);

/* Registers a source text (copied into the arena) so that diagnostics can quote it. */
const SrcFile *ir_add_source(Ctx *c, const char *name, const char *text, size_t len);

void ir_error(Ctx *c, Loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void ir_warning(Ctx *c, Loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void ir_note(Ctx *c, Loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void ir_vdiag(Ctx *c, DiagKind kind, Loc loc, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

/* Progress of long work, on one line of stderr that the next call overwrites, when stderr is
 * a terminal and the context is not quiet; ir_progress_end clears it. Nothing otherwise, so
 * logs and tests see no difference. */
void ir_progress(const Ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ir_progress_end(const Ctx *c);

/* Prints every collected diagnostic as `file:line:col: error: message`, followed by the source
 * line and a caret under the column when the source is known. */
void ir_print_diags(const Ctx *c, FILE *out);
void ir_print_diag(const Diag *d, FILE *out);

/* ---- invariants -------------------------------------------------------------------------- */

_Noreturn void ir_bug(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define IR_ASSERT(cond) \
	((cond) ? (void)0 : ir_bug(__FILE__, __LINE__, "assertion failed: %s", #cond))
#define IR_BUG(...) ir_bug(__FILE__, __LINE__, __VA_ARGS__)

/* Length of the UTF-8 sequence at s (n bytes available), or 0 where it is not valid UTF-8
 * (overlong forms, surrogates and code points past U+10FFFF are not valid). */
int ir_utf8_len(const unsigned char *s, size_t n);

/* A file compiled into the binary (built-in targets, DeepBench specs): see cmake/embed.cmake. */
typedef struct Embedded {
	const char *path;  /* relative to the source tree, e.g. "deepbench/server/lstm-512-t25.yaml" */
	const unsigned char *data;
	size_t len;
} Embedded;

/* Levenshtein distance, capped at `cap` (returns cap when larger): used to suggest names. */
int ir_edit_distance(const char *a, const char *b, int cap);

#endif
