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

/* On a checkerboard the units alternate, starting with a PCU in the top-left corner. */
int
ir_target_pcus(const Target *t)
{
	return (t->rows * t->cols + 1) / 2;
}

int
ir_target_pmus(const Target *t)
{
	return t->rows * t->cols / 2;
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
