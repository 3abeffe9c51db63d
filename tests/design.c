/* Tests: spec text up to the mapping (design.h). */
#include <stdio.h>
#include <string.h>

#include "design.h"
#include "dse/dse.h"
#include "passes/passes.h"

int
design(Design *d, const char *text)
{
	DsePoint p;
	DseDesign dd;
	Func *f;

	ir_ctx_init(&d->c);
	d->f = NULL;
	d->m = NULL;
	if (fe_parse_spec(&d->c, "t.yaml", text, strlen(text), &d->s) < 0 ||
	    fe_resolve_target(&d->c, &d->s, NULL, NULL, &d->t) < 0)
		return -1;
	f = pass_build(&d->c, &d->s);
	f = f ? pass_fuse(f) : NULL;
	f = f ? pass_quantize(f, &d->s) : NULL;
	if (!f)
		return -1;
	p.spec = &d->s;
	p.fixed = f;
	p.target = &d->t;
	p.knobs = d->s.knobs;
	if (dse_lower(&d->c, &p, &dd) < 0 && !dd.sched)
		return -1;
	d->f = dd.sched;
	d->m = dd.map;
	d->why = dd.why;
	return d->m ? 0 : -1;
}

void
random_design(uint32_t *r, int n, int stream, char *text, size_t ntext, char *label,
              size_t nlabel)
{
	static const char *const cells[] = {"lstm", "gru", "rnn"};
	static const int rvs[] = {1, 2, 3, 4, 5, 7, 8, 16, 32, 64};
	static const int hvs[] = {1, 1, 1, 1, 2, 4, 8, 16};
	int v[10], k, H, D, B, T, hu, ru, rv, tiles, hv;
	char hvs_text[16];
	const char *cell, *weights, *combine, *epilogue;

	for (k = 0; k < 10; k++) {
		*r = *r * 1664525u + 1013904223u;  /* Numerical Recipes' LCG */
		v[k] = (int)(*r >> 16);
	}
	cell = cells[v[0] % 3];
	H = 1 + v[1] % 40, D = 1 + v[2] % 40, B = 1 + v[3] % 4, T = 1 + v[4] % 3;
	hu = 1 + v[5] % 12 < H ? 1 + v[5] % 12 : H;  /* beyond 4: h through hbufs */
	rv = rvs[v[7] % 10] < D + H ? rvs[v[7] % 10] : D + H;
	tiles = (D + H + rv - 1) / rv;
	ru = 1 + v[6] % 8 < tiles ? 1 + v[6] % 8 : tiles;
	weights = stream && v[9] % 4 == 0 ? "stream" : "onchip";
	/* the combine and epilogue forms from other bits of the same draw, so the sizes stay as
	 * they were; hu beyond 4 sends h through hbufs: a 24 x 24 grid (the paper's) has the PCUs
	 * for it */
	combine = ru > 1 && v[9] / 4 % 2 ? "chain" : "tree";
	epilogue = v[9] / 64 % 2 ? "packed" : "serial";
	/* hv (lanes across hidden units) likewise, halved until its row groups fit the 16 lanes
	 * (ceil(rv / 4) each at 8 bits) and H; one copy's h at a time per xh input (hu <= 4) */
	hv = hu > 4 ? 1 : hvs[v[9] / 8 % 8];
	while (hv > 1 && (hv * ((rv + 3) / 4) > 16 || hv > H))
		hv /= 2;
	snprintf(text, ntext, "name: r%d\ncell: %s\nhidden: %d\ninput: %d\nbatch: %d\n"
	         "timesteps: %d\n%sschedule: {hu: %d, ru: %d, rv: %d, hv: %d, folded: %s, "
	         "weights: %s, combine: %s, epilogue: %s}\n", n, cell, H, D, B, T,
	         hu > 4 ? "target: {grid: {rows: 24, cols: 24}}\n" : "", hu, ru, rv, hv,
	         v[8] % 2 ? "true" : "false", weights, combine, epilogue);
	snprintf(hvs_text, sizeof hvs_text, " hv%d", hv);
	snprintf(label, nlabel, "%s H%d D%d B%d T%d hu%d ru%d rv%d%s%s%s%s%s", cell, H, D, B, T, hu,
	         ru, rv, v[8] % 2 ? "" : " unfolded", *weights == 's' ? " stream" : "",
	         *combine == 'c' ? " chain" : "", *epilogue == 'p' ? " packed" : "",
	         hv > 1 ? hvs_text : "");
}
