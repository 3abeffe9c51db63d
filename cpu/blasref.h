/* The fp32 reference of a whole cell sequence, written the usual unfused way with OpenBLAS: per
 * time step one product of the stacked input weights with x_t and one of the stacked recurrent
 * weights with h_{t-1} (sgemv for batch 1, sgemm otherwise), then elementwise loops for the
 * biases, activations (expf, tanhf) and the state update. */
#ifndef RNNC_CPU_BLASREF_H
#define RNNC_CPU_BLASREF_H

#include "../ir/spec.h"

/* G = 4 gates for LSTM (i, j, f, o), 3 for GRU (r, z, n; linear before reset, as cuDNN), 1 for
 * RNN. All arrays are row-major. */
typedef struct BlasCell {
	CellKind cell;
	int T, B, D, H;
	const float *x;   /* [T][B][D] */
	const float *wx;  /* [G][H][D] */
	const float *uh;  /* [G][H][H] */
	const float *bx;  /* [G][H] */
	const float *bh;  /* [G][H] */
	float *h;         /* [T+1][B][H]: h[0] is the initial state; h[t+1] is written by step t */
	float *c;         /* [B][H]: the LSTM cell state, in and out (unused otherwise) */
} BlasCell;

/* Returns -1 when the sizes are invalid or memory runs out, else 0. */
int cpu_blas_run(const BlasCell *p);

#endif
