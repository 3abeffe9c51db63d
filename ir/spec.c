/* Facts about a spec and a target that every stage needs. */
#include "spec.h"
#include "target.h"

const char *
ir_cell_name(CellKind k)
{
	static const char *const names[NCELL] = {"lstm", "gru", "rnn"};

	IR_ASSERT(k >= 0 && k < NCELL);
	return names[k];
}

int
ir_cell_gates(CellKind k)
{
	static const int gates[NCELL] = {4, 3, 1};

	IR_ASSERT(k >= 0 && k < NCELL);
	return gates[k];
}

int64_t
ir_spec_weight_count(const CellSpec *s)
{
	return (int64_t)ir_cell_gates(s->cell) * s->hidden * ((int64_t)s->input + s->hidden);
}

int64_t
ir_spec_macs_per_step(const CellSpec *s)
{
	return ir_spec_weight_count(s) * s->batch;
}

int64_t
ir_spec_weight_bytes(const CellSpec *s)
{
	int bits = s->prec.kind == PREC_FP32 ? 32 : s->prec.weight.bits;

	return ir_spec_weight_count(s) * bits / 8;
}

double
ir_spec_flop(const CellSpec *s)
{
	return 2.0 * (double)ir_spec_macs_per_step(s) * s->timesteps;
}

const char *const ir_layout_names[NLAYOUT + 1] = {"checkerboard", "pmu2", NULL};

const char *
ir_layout_name(Layout l)
{
	IR_ASSERT(l >= 0 && l < NLAYOUT);
	return ir_layout_names[l];
}

/* A layout puts a PCU on every `period`-th anti-diagonal, starting with a PCU in the top-left
 * corner; the sites in between hold PMUs. */
static int
layout_period(Layout l)
{
	switch (l) {
	case LAYOUT_CHECKERBOARD:
		return 2;
	case LAYOUT_PMU2:
		return 3;
	case NLAYOUT:
		break;
	}
	IR_BUG("layout %d", (int)l);
}

int
ir_target_site_pcu(const Target *t, int row, int col)
{
	return (row + col) % layout_period(t->layout) == 0;
}

/* Row by row in closed form (the search asks often, for grids up to 1024 x 1024): in row r the
 * PCU columns are those congruent to -r modulo the period. */
int
ir_target_pcus(const Target *t)
{
	int k = layout_period(t->layout), r, n = 0;

	for (r = 0; r < t->rows; r++) {
		int first = (k - r % k) % k;

		if (first < t->cols)
			n += (t->cols - first + k - 1) / k;
	}
	return n;
}

int
ir_target_pmus(const Target *t)
{
	return t->rows * t->cols - ir_target_pcus(t);
}

int64_t
ir_target_onchip_bytes(const Target *t)
{
	return (int64_t)ir_target_pmus(t) * t->pmu.capacity_kib * 1024;
}

int
ir_target_reduce_latency(const Target *t)
{
	int lg = 0;

	while ((1 << lg) < t->pcu.lanes)
		lg++;
	return lg + 1;
}
