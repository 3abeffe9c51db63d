/* rnnc: the command line. Parses options, runs the pipeline (driver/compile.c) and turns the
 * collected diagnostics into an exit status. Only this file exits. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../deepbench/db.h"
#include "../dse/sweep.h"
#include "../frontend/fe.h"
#include "driver.h"

#ifndef RNNC_VERSION
#define RNNC_VERSION "0.0.0"
#endif

static const char usage[] =
	"usage: rnnc [options] SPEC             compile an RNN cell spec\n"
	"       rnnc sweep [options] SPEC       sweep the design space of a spec\n"
	"       rnnc merge [options] DIR        merge the shards of a sweep in DIR\n"
	"       rnnc bench [options] [NAME...]  the DeepBench report: each problem searched and simulated\n"
	"                                       against the published figures (all by default)\n"
	"       rnnc opt [options] FILE.rir     run IR passes on a loop-IR file (docs/ir.md)\n"
	"       rnnc --print-target NAME|FILE   print a target description\n"
	"       rnnc --list-deepbench           list the DeepBench problems\n";

static const char help[] =
	"\n"
	"rnnc compiles recurrent cells (LSTM, GRU, vanilla RNN) for a spatial accelerator of\n"
	"Plasticine-style compute (PCU) and memory (PMU) units: it lowers the cell to a loop\n"
	"nest, fuses it into one pass per time step, searches tiling and unroll factors, and\n"
	"reports speed, area and power of the design it chose.\n"
	"\n"
	"SPEC is a YAML file (docs/spec.md) or deepbench:NAME, a DeepBench inference problem\n"
	"such as deepbench:lstm-1024-t25 or deepbench:gru-512-t1-b4 (see --list-deepbench).\n"
	"\n"
	"options:\n"
	"  -o DIR              write output files into DIR (default: rnnc-out/NAME)\n"
	"  --emit=LIST         files to write, comma-separated: %s\n"
	"  --dump-after=PASS   print the result of PASS on standard output; passes: %s\n"
	"  --target NAME       built-in target (default: plasticine); cpu: the host, through\n"
	"                      LLVM, writing an object file (NAME.o and NAME.h)\n"
	"  --arch FILE         target description file (docs/target.md)\n"
	"  -j N                parallel workers for sweep and bench (default: online cores);\n"
	"                      the output does not depend on N\n"
	"  --set KNOB=VALUES   sweep: the values of a knob (hu, ru, rv, hv, folded, combine,\n"
	"                      epilogue): N, LO..HI or a comma-separated list (docs/sweep.md)\n"
	"  --simulate N        sweep: simulate the model's N best points (default 8)\n"
	"  --objective OBJ     search and sweep: latency (default), area, power or energy\n"
	"  --max-area MM2, --max-power W, --max-pcu N\n"
	"                      the chosen design keeps within these (the model's figures)\n"
	"  --strategy S        search and sweep: exhaustive, anneal or random (default:\n"
	"                      exhaustive, anneal past %d points; docs/sweep.md)\n"
	"  --seed N            the seed of anneal and random (default %d)\n"
	"  --samples N         the points anneal and random model (default %d)\n"
	"  --shard K/N         sweep: the K-th of N parts, for a job array; then rnnc merge DIR\n"
	"  --ablations         bench: each problem's design against the same fabric without each\n"
	"                      of its ideas (docs/bench.md); default: the paper's problems\n"
	"  --cpu               bench: measured CPU peers (oneDNN, OpenBLAS, rnnc's LLVM code) on\n"
	"                      this machine, beside rnnc's Plasticine design (docs/bench.md)\n"
	"  --gpu FILE          bench: GPU latencies measured by bench/gpu_cudnn.py (default:\n"
	"                      DIR/gpu_cudnn.csv when it is there)\n"
	"  --cosim FILE        bench: the output of bench/rtl_deepbench.sh, for results.md\n"
	"  --passes=LIST       opt: the passes to run in order (fuse, quantize, schedule), each\n"
	"                      followed by the verifier; none: parse, verify and print\n"
	"  --spec FILE         opt: the spec whose precision and schedule knobs the passes use\n"
	"  -q, --quiet         print errors only\n"
	"  -v, --verbose       print more about each stage\n"
	"  -h, --help          print this help\n"
	"  --version           print the version\n"
	"\n"
	"exit status: 0 success, 1 errors in the input (reported as file:line:col: error: ...),\n"
	"2 a bad command line.\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "rnnc: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'rnnc --help' for more.\n");
	return 2;
}

/* Options that take a value accept both "--opt VALUE" and "--opt=VALUE". */
static const char *const long_opts[] = {
	"--emit", "--dump-after", "--target", "--arch", "--print-target", "--list-deepbench",
	"--quiet", "--verbose", "--help", "--version", "--passes", "--spec", "--set", "--simulate",
	"--objective", "--max-area", "--max-power", "--max-pcu", "--shard", "--strategy", "--seed",
	"--samples", "--ablations", "--cpu", "--gpu", "--cosim", NULL,
};

static const char *
take_value(int argc, char **argv, int *i, const char *opt)
{
	size_t len = strlen(opt);

	if (argv[*i][len] == '=')
		return argv[*i] + len + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static int
parse_jobs(const char *s, int *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	v = strtol(s, &end, 10);
	if (*end || v < 1 || v > 1024)
		return -1;
	*out = (int)v;
	return 0;
}

/* A number > 0 (whole with `whole`), at most 1e9. */
static int
parse_positive(const char *s, int whole, double *out)
{
	char *end;
	double x;

	if (!s || !*s)
		return -1;
	x = strtod(s, &end);
	if (*end || !(x > 0) || x > 1e9 || (whole && x != (double)(int64_t)x))
		return -1;
	*out = x;
	return 0;
}

/* A whole number of 64 bits, in decimal. */
static int
parse_seed(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 20)
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end || errno == ERANGE)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

static int
is_opt(const char *arg, const char *opt)
{
	size_t len = strlen(opt);

	return !strncmp(arg, opt, len) && (arg[len] == 0 || arg[len] == '=');
}

/* Parses argv[i..argc) into o; -1 when all was taken, else the exit status (0 after --help or
 * --version, 2 after a bad command line). */
static int
parse_args(int argc, char **argv, int i, Options *o, const char **print_target, int *list_db)
{
	for (; i < argc; i++) {
		const char *a = argv[i], *v;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf("%s", usage);
			printf(help, drv_emit_kinds(), drv_pass_names(), DSE_EXHAUSTIVE_MAX, DSE_SEED_DEFAULT,
			       DSE_SAMPLES_DEFAULT);
			return 0;
		} else if (!strcmp(a, "--version")) {
			printf("rnnc %s\n", RNNC_VERSION);
			return 0;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			o->verbosity = -1;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			o->verbosity++;
		} else if (!strncmp(a, "-o", 2)) {
			o->outdir = a[2] ? a + 2 : i + 1 < argc ? argv[++i] : NULL;
			if (!o->outdir || !*o->outdir)
				return usage_error("option '-o' needs a directory");
		} else if (!strncmp(a, "-j", 2)) {
			v = a[2] ? a + 2 : i + 1 < argc ? argv[++i] : NULL;
			if (parse_jobs(v, &o->jobs) < 0)
				return usage_error("option '-j' needs a worker count from 1 to 1024, got '%s'",
				                   v ? v : "");
		} else if (is_opt(a, "--emit")) {
			if (!(v = take_value(argc, argv, &i, "--emit")))
				return usage_error("option '--emit' needs a list of kinds");
			if (drv_parse_emit(v, &o->emit) < 0)
				return 2;
		} else if (is_opt(a, "--dump-after")) {
			if (!(o->dump_after = take_value(argc, argv, &i, "--dump-after")))
				return usage_error("option '--dump-after' needs a pass name");
			if (!drv_find_pass(o->dump_after)) {
				fprintf(stderr, "rnnc: unknown pass '%s' for --dump-after; passes are %s\n",
				        o->dump_after, drv_pass_names());
				return 2;
			}
		} else if (is_opt(a, "--passes")) {
			if (!(o->passes = take_value(argc, argv, &i, "--passes")))
				return usage_error("option '--passes' needs a list of passes");
		} else if (is_opt(a, "--spec")) {
			if (!(o->spec = take_value(argc, argv, &i, "--spec")))
				return usage_error("option '--spec' needs a spec file");
		} else if (is_opt(a, "--set")) {
			if (!(v = take_value(argc, argv, &i, "--set")))
				return usage_error("option '--set' needs KNOB=VALUES");
			if (o->nsets == DRV_MAX_INPUTS)
				return usage_error("too many --set options (the limit is %s)",
				                   DRV_MAX_INPUTS_STR);
			o->sets[o->nsets++] = v;
		} else if (is_opt(a, "--simulate")) {
			char *end;
			long n;

			if (!(v = take_value(argc, argv, &i, "--simulate")))
				return usage_error("option '--simulate' needs a count");
			n = strtol(v, &end, 10);
			if (!*v || *end || n < 0 || n > 1000000)
				return usage_error("option '--simulate' needs a count from 0, got '%s'", v);
			o->simulate = (int)n;
		} else if (is_opt(a, "--shard")) {
			char *end;
			long k, n;

			if (!(v = take_value(argc, argv, &i, "--shard")))
				return usage_error("option '--shard' needs K/N");
			k = strtol(v, &end, 10);
			n = *end == '/' ? strtol(end + 1, &end, 10) : 0;
			if (*end || n < 1 || n > 1000000 || k < 1 || k > n)
				return usage_error("option '--shard' needs K/N with 1 <= K <= N, got '%s'", v);
			o->shard_k = (int)k;
			o->shard_n = (int)n;
		} else if (is_opt(a, "--objective")) {
			if (!(v = take_value(argc, argv, &i, "--objective")) ||
			    (o->objective = dse_objective_find(v)) < 0)
				return usage_error("option '--objective' needs latency, area, power or energy");
		} else if (is_opt(a, "--strategy")) {
			if (!(v = take_value(argc, argv, &i, "--strategy")) ||
			    (o->strategy = dse_strategy_find(v)) < 0)
				return usage_error("option '--strategy' needs exhaustive, anneal or random");
		} else if (is_opt(a, "--seed")) {
			if (parse_seed(take_value(argc, argv, &i, "--seed"), &o->seed) < 0)
				return usage_error("option '--seed' needs a whole number from 0 to "
				                   "18446744073709551615");
		} else if (is_opt(a, "--samples")) {
			double x;

			if (parse_positive(take_value(argc, argv, &i, "--samples"), 1, &x) < 0)
				return usage_error("option '--samples' needs a positive whole number (at most "
				                   "1e9)");
			o->samples = (int64_t)x;
		} else if (is_opt(a, "--max-area")) {
			if (parse_positive(take_value(argc, argv, &i, "--max-area"), 0, &o->max_area_mm2) < 0)
				return usage_error("option '--max-area' needs a positive number of mm2");
		} else if (is_opt(a, "--max-power")) {
			if (parse_positive(take_value(argc, argv, &i, "--max-power"), 0, &o->max_power_w) < 0)
				return usage_error("option '--max-power' needs a positive number of watts");
		} else if (is_opt(a, "--max-pcu")) {
			double x;

			if (parse_positive(take_value(argc, argv, &i, "--max-pcu"), 1, &x) < 0)
				return usage_error("option '--max-pcu' needs a positive whole number");
			o->max_pcus = (int)x;
		} else if (is_opt(a, "--target")) {
			if (!(o->target = take_value(argc, argv, &i, "--target")))
				return usage_error("option '--target' needs a target name");
		} else if (is_opt(a, "--arch")) {
			if (!(o->arch = take_value(argc, argv, &i, "--arch")))
				return usage_error("option '--arch' needs a file");
		} else if (is_opt(a, "--print-target")) {
			if (!(*print_target = take_value(argc, argv, &i, "--print-target")))
				return usage_error("option '--print-target' needs a target name or file");
		} else if (!strcmp(a, "--ablations")) {
			o->ablations = 1;
		} else if (!strcmp(a, "--cpu")) {
			o->cpu_peers = 1;
		} else if (is_opt(a, "--gpu")) {
			if (!(o->gpu_csv = take_value(argc, argv, &i, "--gpu")))
				return usage_error("option '--gpu' needs a CSV file");
		} else if (is_opt(a, "--cosim")) {
			if (!(o->cosim = take_value(argc, argv, &i, "--cosim")))
				return usage_error("option '--cosim' needs a file");
		} else if (!strcmp(a, "--list-deepbench")) {
			*list_db = 1;
		} else if (a[0] == '-' && a[1]) {
			const char *near = NULL;
			int best = 3, j;

			size_t len = strcspn(a, "=");

			for (j = 0; long_opts[j]; j++) {
				char opt[64];
				int d;

				snprintf(opt, sizeof opt, "%.*s", (int)(len < 63 ? len : 63), a);
				d = ir_edit_distance(opt, long_opts[j], 3);

				if (d < best)
					best = d, near = long_opts[j];
			}
			if (near) {
				fprintf(stderr, "rnnc: unknown option '%s'; did you mean '%s'?\n", a, near);
				return 2;
			}
			return usage_error("unknown option '%s'", a);
		} else if (o->ninputs < DRV_MAX_INPUTS) {
			o->inputs[o->ninputs++] = a;
		} else {
			return usage_error("too many inputs (the limit is %s)", DRV_MAX_INPUTS_STR);
		}
	}
	return -1;
}

int
main(int argc, char **argv)
{
	Options o = {0};
	const char *print_target = NULL;
	int list_db = 0, i, rc;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char *margv[DRV_MAX_INPUTS + 2], *margs = NULL;

	o.cmd = CMD_COMPILE;
	o.jobs = ncpu > 0 ? (int)ncpu : 1;
	o.simulate = -1;
	o.seed = DSE_SEED_DEFAULT;
	i = 1;
	if (argc > 1 && !strcmp(argv[1], "sweep"))
		o.cmd = CMD_SWEEP, i = 2;
	else if (argc > 1 && !strcmp(argv[1], "merge"))
		o.cmd = CMD_MERGE, i = 2;
	else if (argc > 1 && !strcmp(argv[1], "bench"))
		o.cmd = CMD_BENCH, i = 2;
	else if (argc > 1 && !strcmp(argv[1], "opt"))
		o.cmd = CMD_OPT, i = 2;
	o.args = argv + i;
	o.nargs = argc - i;
	if ((rc = parse_args(argc, argv, i, &o, &print_target, &list_db)) >= 0)
		return rc;
	if (o.cmd == CMD_MERGE) {
		/* rnnc merge DIR: the sweep that DIR/sweep.args describes, every point from DIR/cache */
		Options m = {0};
		const char *dir = o.inputs[0];
		int n;

		if (o.ninputs != 1 || o.nsets || o.outdir || o.arch || o.target)
			return usage_error("'rnnc merge' takes the output folder of a sharded sweep, and "
			                   "-j N, -q or -v");
		if ((n = drv_read_args(dir, &margs, margv + 1, DRV_MAX_INPUTS)) < 0)
			return 1;
		margv[0] = argv[0];
		m.cmd = CMD_SWEEP;
		m.jobs = o.jobs;
		m.verbosity = o.verbosity;
		m.simulate = -1;
		m.seed = DSE_SEED_DEFAULT;
		rc = parse_args(n + 1, margv, 1, &m, &print_target, &list_db);
		if (rc >= 0 || m.outdir || m.shard_n) {
			fprintf(stderr, "rnnc: %s/sweep.args is not the command line of a sweep\n", dir);
			free(margs);
			return 1;
		}
		m.outdir = dir;
		m.merge = 1;
		m.args = margv + 1;
		m.nargs = n;
		rc = m.ninputs == 1 ? drv_sweep(&m) : usage_error("%s/sweep.args names no spec", dir);
		free(margs);
		return rc;
	}
	if (o.arch && o.target)
		return usage_error("give either --arch FILE or --target NAME, not both");
	if (print_target)
		return drv_print_target(&o, print_target);
	if (list_db)
		return drv_list_deepbench(&o);
	switch (o.cmd) {
	case CMD_MERGE:
		break;  /* handled above */
	case CMD_BENCH:
		return drv_bench(&o);
	case CMD_OPT:
		if (o.ninputs != 1)
			return usage_error("'rnnc opt' takes one IR file");
		return drv_opt(&o);
	case CMD_SWEEP:
	case CMD_COMPILE:
		if (o.ninputs == 0)
			return fprintf(stderr, "rnnc: no spec given\n%s", usage), 2;
		if (o.ninputs > 1)
			return usage_error("one spec at a time; got a second: '%s'", o.inputs[1]);
		rc = o.cmd == CMD_SWEEP ? drv_sweep(&o) : drv_compile(&o);
		return rc;
	}
	return 2;
}
