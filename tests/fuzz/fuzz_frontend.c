/* Fuzz target for the frontend: every input is parsed as a spec (with its target resolved) and
 * as a target description. Besides "no crash, no sanitizer report", it checks that a spec that
 * parses prints to YAML that parses back and prints the same (the normalized form is stable).
 * Built with -fsanitize=fuzzer under clang (RNNC_FUZZ=ON), and replayed over the corpus by
 * tests/fuzz/replay.c in every build. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/fe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
printed(const CellSpec *s, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		abort();
	fe_print_spec(s, f);
	fclose(f);
	return buf;
}

static void
sink_diags(const Ctx *c)
{
	static FILE *null;

	if (!null && !(null = fopen("/dev/null", "w")))
		abort();
	ir_print_diags(c, null);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Ctx c;
	CellSpec s, s2;
	Target t;

	ir_ctx_init(&c);
	if (fe_parse_spec(&c, "fuzz.yaml", (const char *)data, size, &s) == 0 &&
	    fe_resolve_target(&c, &s, NULL, NULL, &t) == 0) {
		size_t n1, n2;
		char *p1 = printed(&s, &n1), *p2;

		if (fe_parse_spec(&c, "printed.yaml", p1, n1, &s2) != 0) {
			ir_print_diags(&c, stderr);
			fprintf(stderr, "the printed spec does not parse:\n%s", p1);
			abort();
		}
		p2 = printed(&s2, &n2);
		if (strcmp(p1, p2)) {
			fprintf(stderr, "printing is not stable:\n%s---\n%s", p1, p2);
			abort();
		}
		free(p1);
		free(p2);
	}
	sink_diags(&c);
	ir_ctx_free(&c);

	ir_ctx_init(&c);
	fe_parse_target(&c, "fuzz.yaml", (const char *)data, size, &t);
	sink_diags(&c);
	ir_ctx_free(&c);
	return 0;
}
