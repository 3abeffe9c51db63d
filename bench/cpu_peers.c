/* cpu_peers: the measured CPU peers (cpu/peers.h) of one cell at any size, one thread only,
 * per inference and per step: what `rnnc bench --cpu` measures for DeepBench problems, for
 * studying where the time goes (for instance the same cell at T = 1 and at the paper's T).
 *
 *   cpu_peers CELL H T [D]      (CELL: lstm, gru or rnn; D defaults to H; batch 1) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/peers.h"
#include "frontend/fe.h"
#include "ir/ir.h"
#include "passes/passes.h"

int
main(int argc, char **argv)
{
	CpuPeerOptions o = {0.2, 3, 0};
	CpuPeer p[NPEER];
	CpuHost host;
	char text[256];
	CellSpec s;
	Ctx c;
	Func *f;
	int H, T, D, k;

	if (argc < 4 || (H = atoi(argv[2])) < 1 || (T = atoi(argv[3])) < 1) {
		fprintf(stderr, "usage: cpu_peers lstm|gru|rnn H T [D]\n");
		return 2;
	}
	D = argc > 4 ? atoi(argv[4]) : H;
	ir_ctx_init(&c);
	snprintf(text, sizeof text, "name: peer\ncell: %s\nhidden: %d\ninput: %d\ntimesteps: %d\n"
	         "precision: {type: fp32}\nactivation: {impl: exact}\n", argv[1], H, D, T);
	if (fe_parse_spec(&c, "cpu_peers.yaml", text, strlen(text), &s) < 0 ||
	    !(f = pass_fuse(pass_build(&c, &s))) || ir_verify(f) ||
	    cpu_peers_measure(&c, f, s.cell, &o, p) < 0) {
		ir_print_diags(&c, stderr);
		return 1;
	}
	cpu_host(&host);
	printf("%s H %d D %d T %d, batch 1, one thread, measured on %s, %d cores\n", argv[1], H, D,
	       T, host.model, host.cores);
	printf("%-12s %14s %12s %12s\n", "peer", "us/inference", "us/step", "h rel diff");
	for (k = 0; k < NPEER; k++) {
		if (p[k].sec[0] < 0) {
			printf("%-12s %s\n", cpu_peer_name((CpuPeerKind)k), p[k].why[0]);
			continue;
		}
		printf("%-12s %14.1f %12.2f %12.1e\n", cpu_peer_name((CpuPeerKind)k), p[k].sec[0] * 1e6,
		       p[k].sec[0] * 1e6 / T, p[k].err);
	}
	ir_ctx_free(&c);
	return 0;
}
