/* Figures rnnc's own scripts measured on hardware at hand (bench/gpu_cudnn.py: cuDNN through
 * PyTorch on a GPU), read from their CSV files for the DeepBench report. */
#ifndef RNNC_DB_MEASURED_H
#define RNNC_DB_MEASURED_H

#include "../ir/ctx.h"

typedef struct DbMeasured {
	const char *problem;       /* "lstm-1024-t25" */
	const char *precision;     /* "fp32", "fp16" */
	double latency_ms;         /* one inference, all steps */
	const char *device;        /* "NVIDIA H200", or "cpu: <model>" for a check of the script */
	const char *driver, *cudnn, *torch, *date;
	const char *source;
} DbMeasured;

/* The lines of a gpu_cudnn.py CSV (in c's arena). 0; 1 when the file does not exist and
 * `optional`; -1 after an error (file:line:col) reported to c. */
int db_measured_read(Ctx *c, const char *path, int optional, const DbMeasured **out, int *n);
/* The line of a problem (the first of fp32, then any precision), or NULL. */
const DbMeasured *db_measured_find(const DbMeasured *m, int n, const char *problem);

#endif
