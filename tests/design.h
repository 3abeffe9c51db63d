/* Tests: a spec's text compiled up to the mapping, as the driver does but with the spec's knobs
 * only (no default schedule, no fabric growth). */
#ifndef RNNC_TESTS_DESIGN_H
#define RNNC_TESTS_DESIGN_H

#include <stddef.h>
#include <stdint.h>

#include "frontend/fe.h"
#include "passes/map.h"

typedef struct Design {
	Ctx c;
	CellSpec s;
	Target t;
	Func *f;       /* the scheduled nest */
	Mapping *m;
	MapFail why;   /* when it does not map */
} Design;

/* Compiles spec text through build, fuse, quantize and the design point (dse_lower); 0 when it
 * maps.
 * d->c holds the diagnostics either way: ir_ctx_free(&d->c) when done. */
int design(Design *d, const char *text);

/* The next seeded random design, named r<n>, from the generator state *r: cell, H and D 1 to 40,
 * B 1 to 4, T 1 to 3, hu 1 to 6, ru 1 to 8, rv 1 to 64 (each within its range: the spec checks
 * those), folded or not, and with `stream` the weights streamed one draw in four; the combine
 * form, and hv (1 in half the draws, else 2 to 16 within the lanes and H), from spare bits of
 * the draw, so the other knobs are those of the draws without them. Writes the spec's text and
 * a short label. */
void random_design(uint32_t *r, int n, int stream, char *text, size_t ntext, char *label,
                   size_t nlabel);

#endif
