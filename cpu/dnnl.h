/* oneDNN's RNN inference primitive as a measured CPU peer: the cell sequence of a BlasCell
 * (blasref.h, the same weights and layout) run by oneDNN's forward-inference LSTM, GRU or
 * vanilla RNN, in fp32 or int8.
 *
 * The cells are rnnc's: LSTM is oneDNN's vanilla LSTM (gates i, f, c~, o: rnnc's i, f, j, o),
 * GRU its linear-before-reset GRU (lbr_gru; gates u, r, o: rnnc's z, r, n, and the fourth bias
 * u' is rnnc's recurrent candidate bias bh_n), RNN its vanilla RNN with tanh. The weights are
 * reordered into oneDNN's own layout once, when the peer is made (a model's load time); a run
 * is one inference of all T steps.
 *
 * int8 is oneDNN's: u8 data (x and h quantized as 127 v + 128) and s8 weights with a scale per
 * gate and output (127 over the largest magnitude of that row of W and U), f32 biases, cell
 * state and output. oneDNN implements it for some cells only; cpu_dnnl_new says which.
 *
 * Built only when oneDNN (libdnnl-dev) is found; otherwise every call reports "oneDNN not built
 * in". oneDNN's threads are its CPU runtime's: OpenMP in Debian's build. */
#ifndef RNNC_CPU_DNNL_H
#define RNNC_CPU_DNNL_H

#include <stddef.h>

#include "blasref.h"

typedef struct CpuDnnl CpuDnnl;

/* oneDNN's version ("2.6.3") and threading runtime ("OpenMP"), or NULL when not built in. */
const char *cpu_dnnl_version(void);
const char *cpu_dnnl_runtime(void);

/* A primitive for p's cell, sizes (B = 1 or more) and weights, with x, h[0] and c (LSTM) as its
 * inputs, copied now. NULL with the reason in why[0..n) ("oneDNN not built in", "int8 LBR GRU
 * not supported by oneDNN 2.6.3", ...). */
CpuDnnl *cpu_dnnl_new(const BlasCell *p, int int8, char *why, size_t n);
/* One inference; -1 when oneDNN fails. */
int cpu_dnnl_run(CpuDnnl *d);
/* The last run's h[1..T], [T][B][H], into h. */
void cpu_dnnl_output(const CpuDnnl *d, float *h);
void cpu_dnnl_free(CpuDnnl *d);

/* The number of threads oneDNN's runtime uses from now on. */
void cpu_dnnl_set_threads(int n);

#endif
