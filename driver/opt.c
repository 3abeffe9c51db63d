/* `rnnc opt`: runs named passes on a loop-IR file and prints the result, so each pass can be
 * tested on its own (input IR -> expected IR) and users can experiment with hand-written IR. */
#include <stdio.h>
#include <string.h>

#include "../frontend/fe.h"
#include "../passes/passes.h"
#include "driver.h"


static Func *
run_pass(Func *f, const char *name, size_t len, const CellSpec *s)
{
	if (len == 4 && !strncmp(name, "fuse", len))
		return pass_fuse(f);
	if (len == 8 && !strncmp(name, "quantize", len))
		return pass_quantize(f, s);
	if (len == 8 && !strncmp(name, "schedule", len)) {
		return pass_schedule(NULL, f, &s->knobs);
	}
	return NULL;
}

int
drv_opt(const Options *o)
{
	static const char defaults[] = "cell: lstm\nhidden: 1\ntimesteps: 1\n";  /* every precision default */
	Ctx c;
	CellSpec spec;
	const SrcFile *src;
	Func *f;
	const char *p = o->passes ? o->passes : "";

	ir_ctx_init(&c);
	c.verbosity = o->verbosity;
	/* check the pass names before doing any work */
	while (*p) {
		size_t len = strcspn(p, ",");

		int known = (len == 4 && !strncmp(p, "fuse", len)) ||
		            (len == 8 && (!strncmp(p, "quantize", len) || !strncmp(p, "schedule", len)));

		if (!known) {
			fprintf(stderr, "rnnc: unknown pass '%.*s' for --passes; passes are fuse, quantize, "
			        "schedule\n", (int)len, p);
			ir_ctx_free(&c);
			return 2;
		}
		p += len + (p[len] == ',');
	}
	if (o->spec ? fe_load_spec(&c, o->spec, &spec) < 0
	            : fe_parse_spec(&c, "<defaults>", defaults, sizeof defaults - 1, &spec) < 0)
		return drv_finish(&c, 1);
	if (!(src = fe_read_file(&c, o->inputs[0])) || !(f = ir_parse(&c, src)) || ir_verify(f))
		return drv_finish(&c, 1);
	for (p = o->passes ? o->passes : ""; *p;) {
		size_t len = strcspn(p, ",");

		if (!(f = run_pass(f, p, len, &spec)))
			return drv_finish(&c, 1);
		if (ir_verify(f)) {
			ir_note(&c, (Loc){0}, "this is a bug of the '%.*s' pass", (int)len, p);
			return drv_finish(&c, 1);
		}
		p += len + (p[len] == ',');
	}
	ir_print(f, stdout);
	return drv_finish(&c, 0);
}
