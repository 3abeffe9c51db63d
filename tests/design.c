/* Tests: spec text up to the mapping (design.h). */
#include <string.h>

#include "design.h"
#include "passes/passes.h"

int
design(Design *d, const char *text)
{
	const Knobs *k;
	PassKnobs pk;
	Func *f;

	ir_ctx_init(&d->c);
	d->f = NULL;
	d->m = NULL;
	if (fe_parse_spec(&d->c, "t.yaml", text, strlen(text), &d->s) < 0 ||
	    fe_resolve_target(&d->c, &d->s, NULL, NULL, &d->t) < 0)
		return -1;
	k = &d->s.knobs;
	pk.hu = k->hu, pk.ru = k->ru, pk.rv = k->rv, pk.hv = k->hv;
	f = pass_build(&d->c, &d->s);
	f = f ? pass_fuse(f) : NULL;
	f = f ? pass_quantize(f, &d->s) : NULL;
	f = f ? pass_schedule(f, &pk) : NULL;
	if (!f)
		return -1;
	d->f = f;
	d->m = map_build(&d->c, f, &d->s, &d->t);
	return d->m ? 0 : -1;
}
