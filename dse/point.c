/* The design point: (spec, target, knobs) scheduled and mapped (dse.h). */
#include <string.h>

#include "../passes/passes.h"
#include "dse.h"

int
dse_schedule(Ctx *c, const DsePoint *p, DseDesign *d)
{
	CellSpec *s = ir_alloc(&c->arena, sizeof *s);
	Target *t = ir_alloc(&c->arena, sizeof *t);

	memset(d, 0, sizeof *d);
	*s = *p->spec;
	s->knobs = p->knobs;
	*t = *p->target;
	d->spec = s;
	d->target = t;
	d->sched = pass_schedule(c, p->fixed, &s->knobs);
	if (!d->sched) {
		d->why.kind = MAP_FAIL_SHAPE;
		return -1;
	}
	return 0;
}

int
dse_map(Ctx *c, DseDesign *d)
{
	d->map = map_build(c, d->sched, d->spec, d->target, &d->why);
	return d->map ? 0 : -1;
}

int
dse_lower(Ctx *c, const DsePoint *p, DseDesign *d)
{
	if (dse_schedule(c, p, d) < 0)
		return -1;
	return dse_map(c, d);
}
