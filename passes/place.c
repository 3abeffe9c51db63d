/* Placement and routing of a mapping, and its text form.
 *
 * Placement is greedy and deterministic: units are placed in the order map_build made them
 * (copy by copy, each dot product followed by its PMUs), each on the free site of its kind
 * nearest to its anchor: a PMU next to the PCU it feeds, a PCU next to the unit it continues
 * (`near`) or else next to the PCU placed before it, so that a hidden-unit copy forms a compact
 * cluster. Distance is Manhattan; ties go to the smaller row, then the smaller column. The
 * target's layout says which sites hold PCUs (ir_target_site_pcu): on the checkerboard, where
 * row + col is even; on pmu2, where (row + col) % 3 == 0.
 *
 * Routing is dimension-ordered: along the row (X) first, then along the column (Y), so a link
 * takes |drow| + |dcol| switch hops. */
#include <stdlib.h>
#include <string.h>

#include "map.h"

static int
site_kind(const Target *t, int row, int col)
{
	return ir_target_site_pcu(t, row, col) ? MAP_PCU : MAP_PMU;
}

/* The free site of `kind` nearest to (ar, ac), searched in rings of growing distance. */
static int
nearest(const char *used, const Target *t, int kind, int ar, int ac, int *row, int *col)
{
	int rows = t->rows, cols = t->cols, d, dr;

	for (d = 0; d <= rows + cols; d++) {
		for (dr = -d; dr <= d; dr++) {
			int r = ar + dr, rem = d - abs(dr), side;

			if (r < 0 || r >= rows)
				continue;
			for (side = -1; side <= 1; side += 2) {
				int c = ac + side * rem;

				if (c >= 0 && c < cols && !used[r * cols + c] && site_kind(t, r, c) == kind) {
					*row = r;
					*col = c;
					return 1;
				}
				if (rem == 0)
					break;
			}
		}
	}
	return 0;
}

void
map_place(Mapping *m)
{
	const Target *t = m->t;
	char *used = calloc((size_t)t->rows * (size_t)t->cols, 1);
	int last_pcu = -1, i;

	if (!used)
		IR_BUG("out of memory");
	m->row_lo = t->rows, m->col_lo = t->cols, m->row_hi = m->col_hi = -1;
	for (i = 0; i < m->nunit; i++) {
		MapUnit *u = &m->unit[i];
		int ar = 0, ac = 0;

		if (u->near >= 0) {
			ar = m->unit[u->near].row;
			ac = m->unit[u->near].col;
			if (u->near2 >= 0) {
				ar = (ar + m->unit[u->near2].row) / 2;
				ac = (ac + m->unit[u->near2].col) / 2;
			}
		} else if (last_pcu >= 0) {
			ar = m->unit[last_pcu].row;
			ac = m->unit[last_pcu].col;
		}
		if (!nearest(used, t, u->kind, ar, ac, &u->row, &u->col))
			IR_BUG("no free %s site for '%s'", u->kind == MAP_PCU ? "PCU" : "PMU", u->name);
		used[u->row * t->cols + u->col] = 1;
		if (u->kind == MAP_PCU) {
			last_pcu = i;
			m->pcus++;
		} else {
			m->pmus++;
		}
		if (u->row < m->row_lo) m->row_lo = u->row;
		if (u->row > m->row_hi) m->row_hi = u->row;
		if (u->col < m->col_lo) m->col_lo = u->col;
		if (u->col > m->col_hi) m->col_hi = u->col;
	}
	free(used);
	for (i = 0; i < m->nlink; i++) {
		MapLink *l = &m->link[i];
		const MapUnit *a = &m->unit[l->src], *b = &m->unit[l->dst];

		l->hops = abs(a->row - b->row) + abs(a->col - b->col);
		m->hops += l->hops;
		if (l->vector)
			m->vector_hops += l->hops;
		else
			m->scalar_hops += l->hops;
	}
}

/* ---- printing ---------------------------------------------------------------------------- */

static const char *const stage_names[NMAPST] = {
	"op", "mul", "inlane", "tree", "acc", "folded", "combine",
};

static void
print_slice(const Mapping *m, const MapSlice *sl, FILE *out)
{
	int d;

	fprintf(out, "%s[", m->f->tensors[sl->tensor].name);
	for (d = 0; d < sl->ndim; d++)
		fprintf(out, "%s%d:%d", d ? ", " : "", sl->lo[d], sl->hi[d]);
	fputc(']', out);
	if (sl->k_tiles)
		fprintf(out, " tile %d of %d x %d", sl->k_tile, sl->k_tiles, sl->k_width);
	fprintf(out, " %lld elems %lld bytes", (long long)sl->elems, (long long)sl->bytes);
}

static void
print_unit(const Mapping *m, int i, FILE *out)
{
	const MapUnit *u = &m->unit[i];
	int k;

	fprintf(out, "  %-20s %s %-8s at %d,%d", u->name, u->kind == MAP_PCU ? "pcu" : "pmu",
	        map_role_name(u->role), u->row, u->col);
	fprintf(out, " ports v%d/%d s%d/%d\n", u->used.vector_in, u->used.vector_out,
	        u->used.scalar_in, u->used.scalar_out);
	if (u->kind == MAP_PCU) {
		fprintf(out, "    lanes %d pack %d rows %lld", u->lanes, u->pack, (long long)u->rows);
		if (u->role == MAP_DOT)
			fprintf(out, " vsteps %lld macs %lld", (long long)u->vsteps, (long long)u->macs);
		if (u->accumulators)
			fprintf(out, " acc %d x %d bits", u->accumulators, u->acc_bits);
		fputc('\n', out);
		fprintf(out, "    stages");
		for (k = 0; k < u->nstage; k++) {
			const MapStage *s = &u->stage[k];

			if (s->kind == MAP_ST_OP) {
				/* name each instruction by its position in the hidden loop's body; the
				 * ops of a packed stage joined by '+' */
				const Block *b = &ir_node(m->f, m->hidden_loop)->l.body;
				int j, r;

				for (r = 0; r < (s->nref ? s->nref : 1); r++) {
					Ref ref = s->nref ? s->refs[r] : s->ref;

					for (j = 0; j < b->len && b->n[j] != ref; j++)
						;
					fprintf(out, "%s%s@%d", r ? "+" : " ", ir_ops[ir_node(m->f, ref)->i.op].name,
					        j);
				}
			} else {
				fprintf(out, " %s", stage_names[s->kind]);
			}
			fprintf(out, "(%d,%dl)", s->cycles, s->lanes);
		}
		fputc('\n', out);
	} else {
		fprintf(out, "    bytes %lld banks %d reads %d", (long long)u->bytes, u->banks,
		        u->reads);
		if (u->role == MAP_HBUF)
			fprintf(out, " level %d h values %lld vectors %lld", u->seg, (long long)u->rows,
			        (long long)u->vsteps);
		fputc('\n', out);
		for (k = 0; k < u->nslice; k++) {
			fprintf(out, "    slice ");
			print_slice(m, &u->slice[k], out);
			fputc('\n', out);
		}
	}
}

void
map_print(const Mapping *m, FILE *out)
{
	const Target *t = m->t;
	int i;

	fprintf(out, "mapping %s on %s (%d x %d)\n", m->name, t->name, t->rows, t->cols);
	fprintf(out, "schedule hu %d ru %d rv %d hv %d folded %d pack %d inlane %d%s\n", m->hu,
	        m->ru, m->rv, m->hv, m->folded, m->pack, m->inlane,
	        m->epilogue == MAP_EPI_PACKED ? " epilogue packed" : "");
	fprintf(out, "sizes H %d D %d N %d B %d nt %d\n", m->H, m->D, m->N, m->B, m->nt);
	if (m->weights == MAP_WEIGHTS_ONCHIP)
		fprintf(out, "weights on-chip %lld bytes\n", (long long)m->weight_bytes);
	else
		fprintf(out, "weights streamed %lld bytes per step\n",
		        (long long)m->stream_bytes_per_step);
	/* the tree is the default and is not printed, so that older dumps stay as they were */
	if (m->combine == MAP_COMBINE_CHAIN)
		fprintf(out, "combine chain: each tile's last dot segment adds the previous tile's "
		        "sum\n");
	/* likewise the split candidate gate */
	if (m->candidate == MAP_CANDIDATE_MERGED)
		fprintf(out, "candidate merged: one dot product, two accumulators (k < %d, k >= %d), "
		        "%d dot products per tile and copy\n", m->D, m->D, m->ndot);
	if (m->hoist)
		fprintf(out, "hoist_input: x phase of %d vector steps a row (k < %d), walked a step "
		        "ahead after the h half's %d; its sums wait in the xsum PMUs\n", m->sx,
		        m->sx * m->ru * m->rv, m->nt - m->sx);
	for (i = 0; i < m->nprod; i++) {
		fprintf(out, "product p%d gate %d k %d:%d weights %s", i, m->prod[i].gate,
		        m->prod[i].k_lo, m->prod[i].k_hi, m->f->tensors[m->prod[i].weight].name);
		if (m->prod[i].second >= 0)
			fprintf(out, " dot acc 0, p%d in acc 1", m->prod[i].second);
		if (m->prod[i].into >= 0)
			fprintf(out, " in the dot of p%d, acc 1", m->prod[i].into);
		fputc('\n', out);
	}
	for (i = 0; i < m->hu; i++)
		fprintf(out, "copy u%d rows %d:%d\n", i, m->copy[i].lo, m->copy[i].hi);
	if (m->hvec)
		fprintf(out, "h distribution %d hbuf in %d level%s, vectors of %d values\n", m->nhbuf,
		        m->hlevels, m->hlevels == 1 ? "" : "s", m->hvec);
	for (i = 0; i < m->ru; i++)
		fprintf(out, "tile r%d elems %lld vsteps %d\n", i, (long long)m->tile[i].elems,
		        m->tile[i].vsteps);
	fprintf(out, "units %d\n", m->nunit);
	for (i = 0; i < m->nunit; i++)
		print_unit(m, i, out);
	fprintf(out, "links %d\n", m->nlink);
	for (i = 0; i < m->nlink; i++) {
		const MapLink *l = &m->link[i];

		fprintf(out, "  %s -> %s %s %d bits port %d hops %d %s", m->unit[l->src].name,
		        m->unit[l->dst].name, l->vector ? "vector" : "scalar", l->bits, l->port,
		        l->hops, map_link_name(l->what));
		if (l->what == MAP_L_SUM)
			fprintf(out, " p%d", m->unit[l->src].prod);
		if (l->what == MAP_L_SUM && m->prod[m->unit[l->src].prod].second >= 0)
			fprintf(out, "+p%d", m->prod[m->unit[l->src].prod].second);
		if (map_link_flits(m, l) > 1)  /* hv > 1: a row group's values, one flit a cycle */
			fprintf(out, " flits %d", map_link_flits(m, l));
		fputc('\n', out);
	}
	fprintf(out, "total ");
	map_summary(m, out);
}

void
map_summary(const Mapping *m, FILE *out)
{
	int n[NMAPROLE] = {0}, i;
	char hbufs[32];

	for (i = 0; i < m->nunit; i++)
		n[m->unit[i].role]++;
	/* only designs that distribute h name their hbufs: the others print as before */
	snprintf(hbufs, sizeof hbufs, ", %d hbuf", n[MAP_HBUF]);
	fprintf(out, "%d of %d PCU (%d dot, %d combine, %d epilogue), %d of %d PMU (%d weight, "
	        "%d xh, %d lut, %d state%s), grid rows %d-%d cols %d-%d, %d links, %lld hops "
	        "(%lld vector, %lld scalar), %lld MAC per step\n", m->pcus, ir_target_pcus(m->t),
	        n[MAP_DOT], n[MAP_COMBINE], n[MAP_EPI], m->pmus, ir_target_pmus(m->t),
	        n[MAP_WEIGHT], n[MAP_XH], n[MAP_LUT], n[MAP_CELL], n[MAP_HBUF] ? hbufs : "",
	        m->row_lo, m->row_hi, m->col_lo, m->col_hi, m->nlink, (long long)m->hops, (long long)m->vector_hops,
	        (long long)m->scalar_hops, (long long)m->macs);
}
