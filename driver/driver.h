/* The driver: the only part of rnnc that knows every stage. */
#ifndef RNNC_DRIVER_H
#define RNNC_DRIVER_H

#include "../ir/exec.h"
#include "../ir/ir.h"
#include "../ir/spec.h"
#include "../ir/target.h"
#include "../sim/core.h"

typedef enum { CMD_COMPILE, CMD_SWEEP, CMD_MERGE, CMD_BENCH, CMD_OPT } Command;

/* Files that --emit writes into the output folder. */
enum { EMIT_SPEC = 1 << 0, EMIT_IR = 1 << 1, EMIT_OBJ = 1 << 2, EMIT_REPORT = 1 << 3,
       EMIT_SIM = 1 << 4, EMIT_VERILOG = 1 << 5,
       EMIT_VERILOG_ASKED = 1 << 15 /* --emit named verilog: not building it is an error */ };

#define DRV_MAX_INPUTS 256
#define DRV_MAX_INPUTS_STR "256"

typedef struct Options {
	Command cmd;
	const char *inputs[DRV_MAX_INPUTS];
	int ninputs;
	const char *outdir;
	unsigned emit;
	const char *dump_after;
	const char *arch, *target;
	int jobs;
	int verbosity;
	const char *passes;        /* opt: the passes to run, comma-separated */
	const char *spec;          /* opt: the spec giving precision and knobs */
	const char *sets[DRV_MAX_INPUTS];  /* sweep: --set KNOB=VALUES, in order */
	int nsets;
	int simulate;              /* sweep: points to simulate (-1: the default) */
	int objective;             /* sweep: DseObjective */
	double max_area_mm2, max_power_w;  /* sweep: constraints (0: none) */
	int max_pcus;
	int shard_k, shard_n;      /* sweep: --shard K/N */
	int merge;                 /* sweep: every point from the cache (rnnc merge) */
	int ablations;             /* bench: the ablations, not the suite */
	int cpu_peers;             /* bench: the measured CPU peers (bench_cpu.c) */
	const char *gpu_csv;       /* bench: a CSV of bench/gpu_cudnn.py (NULL: DIR's, if any) */
	const char *cosim;         /* bench: bench/rtl_deepbench.sh's output, for results.md */
	const char *spec_extra;    /* YAML keys added to a deepbench: spec (bench's ablations) */
	int strategy;              /* search and sweep: DseStrategy (0: by the space's size) */
	uint64_t seed;             /* ... the heuristic's seed and samples (0: the default) */
	int64_t samples;
	char **args;               /* the command line after the command word, as given */
	int nargs;
} Options;

typedef struct Pass Pass;

int drv_parse_emit(const char *list, unsigned *out);
const char *drv_emit_kinds(void);
const char *drv_pass_names(void);
const Pass *drv_find_pass(const char *name);

int drv_compile(const Options *o);
int drv_sweep(const Options *o);
int drv_bench(const Options *o);
/* rnnc bench --cpu: 0, or 1 after reporting errors (to c, or for a problem to stderr). */
int drv_bench_cpu(const Options *o, Ctx *c);
int drv_print_target(const Options *o, const char *name_or_file);
int drv_list_deepbench(const Options *o);
int drv_opt(const Options *o);
int drv_finish(Ctx *c, int rc);
/* Reads DIR/sweep.args (one argument a line) into argv[0..max), the text in *buf (to free);
 * the count, or -1 after an error message. */
int drv_read_args(const char *dir, char **buf, char **argv, int max);
/* Runs gnuplot on DIR/SCRIPT in DIR: 0 drawn, 1 gnuplot is not installed, -1 it failed
 * (reported to c). */
int drv_gnuplot(Ctx *c, const char *dir, const char *script);
/* The spec, target and quantized nest of o->inputs[0], before scheduling: what a sweep varies
 * the knobs of. 0, or -1 after reporting errors to c. */
int drv_prepare(Ctx *c, const Options *o, CellSpec *spec, Target *target, const Func **fixed,
                const Func **fp32);
/* The quantization error of h (max and mean absolute, over all steps) of a quantized nest
 * against the fp32 one, which is run once; -1 past the budget of compile's own figure. */
typedef struct DrvQuantRef {
	Ctx *c;
	const CellSpec *spec;
	const Func *fp32;
	Memory mf;
	int ran;
} DrvQuantRef;
int drv_quant_error(DrvQuantRef *q, const Func *fixed, double *max, double *mean);
/* The mapped design of o->inputs[0] (a spec file or deepbench:NAME) as rnnc chooses it, for
 * the simulator, and its steps; NULL after reporting errors to c. */
SimDesign *drv_design(Ctx *c, const Options *o, int *T);
/* The design rnnc chooses for o->inputs[0], simulated (timing only), as `rnnc bench` tabulates
 * it; 0, or -1 after reporting errors to c. */
typedef struct DrvResult {
	CellSpec spec;
	char target[64];
	int rows, cols;           /* the fabric simulated */
	int grown;                /* ... larger than the target's, for the weights or the schedule */
	int stream;               /* the weights stream from DRAM */
	char schedule[128];       /* "hu=10 ru=4 rv=64 combine=chain ..." */
	int dot_pcus, pcus, chip_pcus;
	double latency_us, tflops, util, area_mm2, chip_area_mm2, power_w, energy_uj;
} DrvResult;
int drv_evaluate(Ctx *c, const Options *o, DrvResult *r);
/* mkdir -p; and DIR/NAME written by fn(arg, file) through a temporary file renamed into
 * place (files.c). 0, or -1 after reporting the error to c. */
int drv_make_dirs(Ctx *c, const char *path);
int drv_write_file(Ctx *c, const char *dir, const char *name, void (*fn)(const void *, FILE *),
                   const void *arg);

#endif
