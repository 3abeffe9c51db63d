/* Tests: a spec's text compiled up to the mapping, as the driver does but with the spec's knobs
 * only (no default schedule, no fabric growth). */
#ifndef RNNC_TESTS_DESIGN_H
#define RNNC_TESTS_DESIGN_H

#include "frontend/fe.h"
#include "passes/map.h"

typedef struct Design {
	Ctx c;
	CellSpec s;
	Target t;
	Func *f;       /* the scheduled nest */
	Mapping *m;
} Design;

/* Compiles spec text through build, fuse, quantize, schedule and map_build; 0 when it maps.
 * d->c holds the diagnostics either way: ir_ctx_free(&d->c) when done. */
int design(Design *d, const char *text);

#endif
