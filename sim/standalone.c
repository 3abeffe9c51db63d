/* ---- main: the command line of a standalone simulator ----------------------------------------
 *
 * usage: PROGRAM [-T STEPS] [-d FIFO_DEPTH] [-a] [-u] [-j FILE]
 *   -T STEPS       time steps to simulate (default: the spec's)
 *   -a             simulate every step, cycle by cycle (default: stop where the steps repeat)
 *   -d DEPTH       entries of every link's FIFO (default: as compiled)
 *   -u             also print one line per unit
 *   -j FILE        write the report as JSON to FILE ("-": standard output)
 *
 * The design (`design`), its steps (`design_steps`) and options (`design_options`) are defined
 * above; this part of the file is the same for every design. */
#include <stdlib.h>

static int
parse_int(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 1 || v > 1000000000)
		return -1;
	*out = (int)v;
	return 0;
}

int
main(int argc, char **argv)
{
	SimOptions o = design_options;
	int T = design_steps, units = 0, all = 0, i;
	const char *json = NULL;
	Report r;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-T") && i + 1 < argc) {
			if (parse_int(argv[++i], &T) < 0)
				goto usage;
		} else if (!strcmp(argv[i], "-d") && i + 1 < argc) {
			if (parse_int(argv[++i], &o.fifo_depth) < 0)
				goto usage;
		} else if (!strcmp(argv[i], "-j") && i + 1 < argc) {
			json = argv[++i];
		} else if (!strcmp(argv[i], "-u")) {
			units = 1;
		} else if (!strcmp(argv[i], "-a")) {
			all = 1;
		} else {
			goto usage;
		}
	}
	if (all)
		o.max_steps = T;
	if (sim_core_run(&design, T, &o, NULL, &r) < 0) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		return 1;
	}
	printf("%s: the standalone simulator, on %s (%d x %d)\n", design.name, design.target,
	       design.rows, design.cols);
	sim_report_print(&r, stdout);
	if (units)
		sim_report_units(&r, stdout);
	if (json) {
		FILE *f = strcmp(json, "-") ? fopen(json, "w") : stdout;

		if (!f) {
			fprintf(stderr, "%s: cannot write %s\n", argv[0], json);
			sim_report_release(&r);
			return 1;
		}
		sim_report_json(&r, f);
		if (f != stdout && fclose(f) != 0) {
			fprintf(stderr, "%s: cannot write %s\n", argv[0], json);
			sim_report_release(&r);
			return 1;
		}
	}
	sim_report_release(&r);
	return 0;
usage:
	fprintf(stderr, "usage: %s [-T STEPS] [-d FIFO_DEPTH] [-a] [-u] [-j FILE]\n", argv[0]);
	return 2;
}
