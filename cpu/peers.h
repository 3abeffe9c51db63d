/* Measured CPU peers of a cell sequence, on the machine that runs them: oneDNN's RNN inference
 * primitive in fp32 and int8 (dnnl.h), the OpenBLAS reference (blasref.h) and rnnc's own LLVM
 * code for the fused fp32 nest (cpu.h), all on the same weights, one inference being all T
 * steps. Each is timed on one thread and on all the host's cores, as the best of `reps`
 * measurements each repeating the inference for at least `min_seconds`, and its h (every step)
 * is checked against the OpenBLAS reference's from the same initial state. */
#ifndef RNNC_CPU_PEERS_H
#define RNNC_CPU_PEERS_H

#include "../ir/ir.h"
#include "../ir/spec.h"

typedef enum { PEER_DNNL_F32, PEER_DNNL_INT8, PEER_BLAS, PEER_JIT, NPEER } CpuPeerKind;
enum { PEER_1T, PEER_ALL, NPEER_THREADS };  /* one thread, all cores */

typedef struct CpuPeer {
	double sec[NPEER_THREADS];        /* seconds per inference; -1: not measured ... */
	char why[NPEER_THREADS][96];      /* ... and why */
	double err;                       /* largest difference of h from the OpenBLAS reference,
	                                   * relative to max(1, |h|); -1: not run */
} CpuPeer;

typedef struct CpuHost {
	char model[128];                  /* /proc/cpuinfo's "model name" */
	int cores;                        /* the processors online */
	double load;                      /* the 1-minute load average (/proc/loadavg) when read:
	                                   * other work on the machine, which all-core timings feel */
} CpuHost;

typedef struct CpuPeerOptions {
	double min_seconds;               /* per measurement (0: one inference) */
	int reps;                         /* measurements, the best kept */
	int all_cores;                    /* also measure on all cores */
} CpuPeerOptions;

/* The peers' names, for tables ("oneDNN fp32", ...) and files ("onednn_fp32", ...). */
const char *cpu_peer_name(CpuPeerKind k);
const char *cpu_peer_key(CpuPeerKind k);
void cpu_host(CpuHost *h);

/* Measures every peer on f, the fused fp32 nest of a `cell` (tensors x, wx, uh, bx, bh, h and,
 * for LSTM, c, as pass_build makes them), into out[NPEER]. -1 after reporting an error to c
 * (f does not compile, memory runs out); a peer that cannot run says why in its entry. */
int cpu_peers_measure(Ctx *c, const Func *f, CellKind cell, const CpuPeerOptions *o,
                      CpuPeer out[NPEER]);

#endif
