/* Unit tests of the measured CPU peers (cpu/peers.c, cpu/dnnl.c): on small cells, every peer's
 * h (all steps) must agree with the OpenBLAS reference on the same weights: rnnc's LLVM code
 * within 1e-5 relative, oneDNN fp32 within 1e-4 (its gates reordered, GRU as linear before
 * reset), oneDNN int8 within its quantization error. Not timing: one inference of each.
 *
 * Exit status 77 (skipped) when oneDNN is not built in, once the peers without it pass. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "cpu/dnnl.h"
#include "cpu/peers.h"
#include "frontend/fe.h"
#include "ir/ir.h"
#include "passes/passes.h"

/* The fused fp32 nest of a cell with exact activations, as `rnnc bench --cpu` measures it. */
static Func *
nest(Ctx *c, const char *cell, int H, int D, int T, int B)
{
	char text[256];
	CellSpec s;
	Func *f;

	snprintf(text, sizeof text, "name: peer\ncell: %s\nhidden: %d\ninput: %d\ntimesteps: %d\n"
	         "batch: %d\nprecision: {type: fp32}\nactivation: {impl: exact}\n", cell, H, D, T, B);
	if (fe_parse_spec(c, "peer.yaml", text, strlen(text), &s) < 0)
		return NULL;
	f = pass_fuse(pass_build(c, &s));
	return f && !ir_verify(f) ? f : NULL;
}

static void
check_cell(const char *name, CellKind cell, int H, int D, int T, int B)
{
	CpuPeerOptions o = {0, 1, 0};
	CpuPeer p[NPEER];
	Ctx c;
	Func *f;

	ir_ctx_init(&c);
	f = nest(&c, name, H, D, T, B);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL_FATAL(cpu_peers_measure(&c, f, cell, &o, p), 0);
	printf("\n  %s H %d D %d T %d B %d: rnnc %.2e, oneDNN fp32 %.2e, int8 %.2e (%s)", name, H, D,
	       T, B, p[PEER_JIT].err, p[PEER_DNNL_F32].err, p[PEER_DNNL_INT8].err,
	       p[PEER_DNNL_INT8].err < 0 ? p[PEER_DNNL_INT8].why[PEER_1T] : "measured");
	CU_ASSERT(p[PEER_BLAS].err == 0);
	CU_ASSERT(p[PEER_BLAS].sec[PEER_1T] > 0);
	CU_ASSERT(p[PEER_JIT].err >= 0 && p[PEER_JIT].err <= 1e-5);
	CU_ASSERT(p[PEER_JIT].sec[PEER_ALL] < 0);  /* single-threaded: says so */
	if (cpu_dnnl_version()) {
		CU_ASSERT(p[PEER_DNNL_F32].err >= 0 && p[PEER_DNNL_F32].err <= 1e-4);
		CU_ASSERT(p[PEER_DNNL_F32].sec[PEER_1T] > 0);
		/* int8: measured and close (8-bit weights: a few percent), or said to be unsupported */
		if (p[PEER_DNNL_INT8].err >= 0) {
			CU_ASSERT(p[PEER_DNNL_INT8].err <= 0.05);
		} else {
			CU_ASSERT(strstr(p[PEER_DNNL_INT8].why[PEER_1T], "not supported") != NULL);
		}
		if (cell == CELL_LSTM) {  /* oneDNN's int8 LSTM runs on every x86 CPU it supports */
			CU_ASSERT(p[PEER_DNNL_INT8].err >= 0);
		}
	} else {
		CU_ASSERT(strstr(p[PEER_DNNL_F32].why[PEER_1T], "not built in") != NULL);
	}
	ir_ctx_free(&c);
}

static void
test_lstm(void)
{
	check_cell("lstm", CELL_LSTM, 48, 40, 6, 1);
}

static void
test_gru(void)
{
	check_cell("gru", CELL_GRU, 40, 24, 5, 1);
}

static void
test_rnn(void)
{
	check_cell("rnn", CELL_RNN, 32, 32, 4, 1);
}

static void
test_batch(void)
{
	check_cell("lstm", CELL_LSTM, 32, 32, 3, 2);
	check_cell("gru", CELL_GRU, 32, 16, 3, 4);
}

static void
test_host(void)
{
	CpuHost h;

	cpu_host(&h);
	CU_ASSERT(h.cores >= 1);
	CU_ASSERT(h.model[0] != 0);
}

static CU_TestInfo peer_tests[] = {
	{"lstm", test_lstm},
	{"gru", test_gru},
	{"rnn", test_rnn},
	{"batch", test_batch},
	{"host", test_host},
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{.pName = "peers", .pTests = peer_tests},
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	unsigned run, failed;

	if (CU_initialize_registry() != CUE_SUCCESS || CU_register_suites(suites) != CUE_SUCCESS)
		return 2;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	run = CU_get_number_of_tests_run();
	failed = CU_get_number_of_tests_failed();  /* before cleanup, which resets it */
	printf("\n%u passed, %u failed\n", run - failed, failed);
	CU_cleanup_registry();
	if (!failed && !cpu_dnnl_version()) {
		printf("oneDNN not built in: its peers skipped\n");
		return 77;
	}
	return failed ? 1 : 0;
}
