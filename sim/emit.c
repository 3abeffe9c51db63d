/* --emit=sim: one C file that simulates one design without rnnc.
 *
 * The file is the engine and the report (core.h, core.c, report.c, compiled into rnnc from the
 * source tree: cmake/embed.cmake), the SimDesign written out as static data, and a main
 * (standalone.c). `cc -O2 -o sim NAME_sim.c && ./sim` prints the report that rnnc prints for
 * the design, with the same numbers; `-j report.json` writes the same report.json. */
#include <string.h>

#include "sim.h"

extern const Embedded sim_sources[];
extern const size_t sim_sources_count;

static const Embedded *
source(const char *path)
{
	size_t i;

	for (i = 0; i < sim_sources_count; i++) {
		if (!strcmp(sim_sources[i].path, path))
			return &sim_sources[i];
	}
	IR_BUG("simulator source %s is not compiled in", path);
	return NULL;
}

/* A source file, without its #include of core.h (it comes first in the file). */
static void
put_source(const char *path, FILE *out)
{
	const Embedded *e = source(path);
	const char *p = (const char *)e->data, *end = p + e->len;

	fprintf(out, "\n/* ==== %s ==== */\n", path);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p + 1) : (size_t)(end - p);

		if (!(n >= 18 && !strncmp(p, "#include \"core.h\"", 17)))
			fwrite(p, 1, n, out);
		p += n;
	}
}

static void
put_string(const char *s, FILE *out)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			fprintf(out, "\\%03o", (unsigned char)*s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

void
sim_emit(const SimDesign *d, int T, const SimOptions *o, FILE *out)
{
	SimOptions opt = o ? *o : (SimOptions){0};
	int i;

	fprintf(out, "/* The cycle simulator of design ");
	put_string(d->name, out);
	fprintf(out, " on target ");
	put_string(d->target, out);
	fprintf(out, " (%d x %d),\n * written by rnnc --emit=sim: hu %d, ru %d, rv %d, "
	        "folded %d; %d units, %d links, T = %d.\n", d->rows, d->cols, d->hu,
	        d->ru, d->rv, d->folded, d->nunit, d->nlink, T);
	fprintf(out, " *\n * Build and run:  cc -O2 -o sim THIS_FILE.c && ./sim [-T STEPS] "
	        "[-d FIFO_DEPTH] [-u] [-j report.json]\n *\n * It prints the report rnnc prints "
	        "for this design. The engine (core.c) and the report\n * (report.c) are rnnc's own "
	        "sources; docs/sim.md in rnnc describes the timing model. */\n");
	put_source("sim/core.h", out);
	put_source("sim/core.c", out);
	put_source("sim/report.c", out);
	fprintf(out, "\n/* ==== the design ==== */\n\nstatic const SimUnitDesc design_units[] = {\n");
	for (i = 0; i < d->nunit; i++) {
		const SimUnitDesc *u = &d->unit[i];

		fprintf(out, "\t{");
		put_string(u->name, out);
		fprintf(out, ", %d, %d, %d, %d, %d, %d, %d, %ld, %ld, %ld, %d, %lld, %d, %ld, %d},\n",
		        u->pcu, u->role, u->prod, u->tile, u->seg, u->depth, u->accumulate,
		        (long)u->lo, (long)u->hi, (long)u->row_off, u->ii, (long long)u->row_bytes,
		        u->merged, (long)u->acc2_step, u->xsum);
	}
	fprintf(out, "};\n\nstatic const SimLinkDesc design_links[] = {\n");
	for (i = 0; i < d->nlink; i++) {
		const SimLinkDesc *l = &d->link[i];

		fprintf(out, "\t{%d, %d, %d, %d, %d, %d},\n", l->src, l->dst, l->kind, l->vector,
		        l->hops, l->flits > 1 ? l->flits : 1);
	}
	if (d->nlink == 0)
		fprintf(out, "\t{0, 0, 0, 0, 0, 0},\n");
	fprintf(out, "};\n\nstatic const SimDesign design = {\n\t.name = ");
	put_string(d->name, out);
	fprintf(out, ",\n\t.target = ");
	put_string(d->target, out);
	fprintf(out, ",\n\t.rows = %d, .cols = %d, .clock_mhz = %.17g,\n", d->rows, d->cols,
	        d->clock_mhz);
	fprintf(out, "\t.chip_pcus = %d, .chip_pmus = %d, .lanes = %d, .pack = %d, .hop_cycles = %d,\n",
	        d->chip_pcus, d->chip_pmus, d->lanes, d->pack, d->hop_cycles);
	fprintf(out, "\t.dram_latency = %d, .dram_gbs = %.17g,\n", d->dram_latency, d->dram_gbs);
	fprintf(out, "\t.pcu_area_mm2 = %.17g, .pmu_area_mm2 = %.17g,\n", d->pcu_area_mm2,
	        d->pmu_area_mm2);
	fprintf(out, "\t.vswitch_area_mm2 = %.17g, .sswitch_area_mm2 = %.17g,\n",
	        d->vswitch_area_mm2, d->sswitch_area_mm2);
	fprintf(out, "\t.pcu_mw = %.17g, .pmu_mw = %.17g, .vhop_pj = %.17g, .shop_pj = %.17g,\n",
	        d->pcu_mw, d->pmu_mw, d->vhop_pj, d->shop_pj);
	fprintf(out, "\t.hu = %d, .ru = %d, .rv = %d, .folded = %d,\n", d->hu, d->ru, d->rv,
	        d->folded);
	if (d->hv > 1)  /* row groups; left out for hv = 1, which the engine reads as 0 */
		fprintf(out, "\t.hv = %d,\n", d->hv);
	fprintf(out, "\t.H = %d, .D = %d, .B = %d, .nt = %d, .maxrows = %d, .abytes = %d,\n", d->H,
	        d->D, d->B, d->nt, d->maxrows, d->abytes);
	fprintf(out, "\t.macs = %lld, .pcus = %d, .pmus = %d, .stream = %d, .wbuf_bytes = %lld,\n",
	        (long long)d->macs, d->pcus, d->pmus, d->stream, (long long)d->wbuf_bytes);
	if (d->hvec)
		fprintf(out, "\t.hvec = %d,\n", d->hvec);
	if (d->sx)
		fprintf(out, "\t.sx = %d,\n", d->sx);
	fprintf(out, "\t.nunit = %d, .unit = design_units, .nlink = %d, .link = design_links,\n};\n",
	        d->nunit, d->nlink);
	fprintf(out, "\nstatic const int design_steps = %d;\n", T);
	fprintf(out, "static const SimOptions design_options = {%d, %d, %lld, 0};\n",
	        opt.fifo_depth, opt.max_steps, (long long)opt.budget);
	put_source("sim/standalone.c", out);
}
