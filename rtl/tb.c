/* The self-checking testbench and the Makefile of --emit=verilog (docs/rtl.md).
 *
 * The testbench is the DRAM: it loads x_0 into the xh copies while the top is in reset, and
 * x_{t+1} while step t runs (a vector per xh copy per cycle, from the cycle after step_go), then
 * raises x_ready. It compares every value the top sends out with the value the C simulator
 * computed (exp_<tensor>.hex, [t][b][i]) and, when the top is done, the cycles with the C
 * simulator's. It prints PASS, or FAIL with the first mismatch. */
#include "rtl_int.h"

/* Each output port of the top: per copy, store to DRAM and lane of the row groups, with its
 * name (rtl_out_name). */
static void
each_out(const Rtl *x, FILE *out, void (*fn)(const Rtl *, FILE *, const char *o, Ref r))
{
	const Block *body = &ir_node(x->f, x->m->hidden_loop)->l.body;
	int u, i, l;

	for (u = 0; u < x->m->hu; u++) {
		for (i = 0; i < body->len; i++) {
			Ref r = body->n[i];
			const Node *n = ir_node(x->f, r);

			if (n->kind != N_INSTR || n->i.op != OP_STORE || !rtl_is_output(x, r))
				continue;
			for (l = 0; l < x->hv; l++)
				fn(x, out, rtl_out_name(x, u, r, l), r);
		}
	}
}

static const char *
tname(const Rtl *x, Ref r)
{
	return rtl_name(x, x->f->tensors[ir_node(x->f, r)->i.acc.tensor].name);
}

static int
tbits(const Rtl *x, Ref r)
{
	return x->f->tensors[ir_node(x->f, r)->i.acc.tensor].ty.bits;
}

static void
decl_out(const Rtl *x, FILE *out, const char *o, Ref r)
{
	fprintf(out, "    wire %s_valid;\n    wire [%d:0] %s_b;\n    wire [31:0] %s_i;\n"
	        "    wire [%d:0] %s_data;\n", o, x->bw - 1, o, o, tbits(x, r) - 1, o);
}

static void
conn_out(const Rtl *x, FILE *out, const char *o, Ref r)
{
	(void)x;
	(void)r;
	fprintf(out, ",\n        .%s_valid(%s_valid), .%s_b(%s_b),\n        .%s_i(%s_i), "
	        ".%s_data(%s_data)", o, o, o, o, o, o, o, o);
}

static void
check_out(const Rtl *x, FILE *out, const char *o, Ref r)
{
	fprintf(out, "            if (%s_valid)\n                check_%s(%s_b, %s_i, %s_data);\n",
	        o, tname(x, r), o, o, o);
}

void
rtl_tb(const Rtl *x, FILE *out)
{
	const Mapping *m = x->m;
	const Func *f = x->f;
	const Block *body = &ir_node(f, m->hidden_loop)->l.body;
	int r, i, xaw = rtl_clog2(2 * (int64_t)x->half), nout = 0;

	rtl_header(x, out, ir_sprintf(&x->c->arena, "%s_tb: the self-checking testbench of %s_top",
	                              x->mod, x->mod));
	fprintf(out, "// It loads x_t as the DRAM would, compares every h_t value the top sends out "
	        "with the C\n// simulator's (exp_*.hex) and the cycles with its count, and prints "
	        "PASS, or FAIL with the\n// first mismatch. `define VCD (make VCD=1) dumps "
	        "%s.vcd.\n", x->mod);
	fprintf(out, "`default_nettype none\nmodule %s_tb;\n", x->mod);
	fprintf(out, "    localparam T = %d, B = %d, D = %d, H = %d, RV = %d, RU = %d, NT = %d, "
	        "HALF = %d;\n", x->T, m->B, m->D, m->H, m->rv, m->ru, m->nt, x->half);
	fprintf(out, "    localparam [31:0] CYCLES = 32'd%lld;  // the C simulator's\n",
	        (long long)x->r->cycles);
	fprintf(out, "    reg clk = 1'b0;\n    always #5 clk = !clk;\n    reg rst = 1'b1;\n"
	        "    reg x_ready = 1'b0;\n");
	for (r = 0; r < m->ru; r++)
		fprintf(out, "    reg xw_r%d_en;\n    reg [%d:0] xw_r%d_addr;\n    reg [%d:0] xw_r%d_data;\n"
		        "    reg [%d:0] xw_r%d_mask;\n", r, xaw - 1, r, m->rv * x->ab - 1, r, m->rv - 1, r);
	fprintf(out, "    wire step_go, done;\n    wire [31:0] step_next, step_cur, last_cycle;\n");
	each_out(x, out, decl_out);
	fprintf(out, "\n    %s_top #(.T(T)) dut (\n        .clk(clk), .rst(rst), .x_ready(x_ready)",
	        x->mod);
	for (r = 0; r < m->ru; r++)
		fprintf(out, ",\n        .xw_r%d_en(xw_r%d_en), .xw_r%d_addr(xw_r%d_addr), "
		        ".xw_r%d_data(xw_r%d_data), .xw_r%d_mask(xw_r%d_mask)", r, r, r, r, r, r, r, r);
	fprintf(out, ",\n        .step_go(step_go), .step_next(step_next), .step_cur(step_cur), "
	        ".done(done),\n        .last_cycle(last_cycle)");
	each_out(x, out, conn_out);
	fprintf(out, "\n    );\n\n");

	fprintf(out, "`ifdef VCD\n    initial begin\n        $dumpfile(\"%s.vcd\");\n"
	        "        $dumpvars(0, %s_tb);\n    end\n`endif\n\n", x->mod, x->mod);

	/* DRAM */
	fprintf(out, "    // ---- DRAM: x_t into the xh copies, vector step s of tile r for batch row b "
	        "----\n");
	fprintf(out, "    reg [%d:0] xmem [0:%d];\n    initial $readmemh(\"x.hex\", xmem);\n",
	        x->ab - 1, x->T * m->B * m->D > 0 ? x->T * m->B * m->D - 1 : 0);
	fprintf(out, "    integer ld_t = 0, ld_p = 0, loading = 1, lb, ls, lk, ll;\n    reg [31:0] la;\n");
	fprintf(out, "    always @(*) begin\n        lb = ld_p / NT;\n        ls = ld_p %% NT;\n");
	for (r = 0; r < m->ru; r++) {
		fprintf(out, "        xw_r%d_en = loading != 0;\n", r);
		fprintf(out, "        la = (ld_t %% 2) * HALF + lb * NT * RV + ls * RV;\n"
		        "        xw_r%d_addr = la[%d:0];\n", r, xaw - 1);
		fprintf(out, "        for (ll = 0; ll < RV; ll = ll + 1) begin\n"
		        "            lk = (ls * RU + %d) * RV + ll;\n"
		        "            xw_r%d_mask[ll] = lk < D;\n"
		        "            xw_r%d_data[ll * %d +: %d] = lk < D ? xmem[(ld_t * B + lb) * D + lk] : "
		        "%d'd0;\n        end\n", r, r, r, x->ab, x->ab, x->ab);
	}
	fprintf(out, "    end\n");
	fprintf(out, "    always @(posedge clk) begin\n"
	        "        if (loading != 0) begin\n"
	        "            if (ld_p == B * NT - 1) begin\n"
	        "                loading <= 0;\n                x_ready <= 1'b1;\n            end\n"
	        "            ld_p <= ld_p + 1;\n        end\n"
	        "        if (rst && x_ready)\n            rst <= 1'b0;\n"
	        "        if (!rst && step_go) begin\n            x_ready <= 1'b0;\n"
	        "            if (step_next + 32'd1 < T) begin\n                loading <= 1;\n"
	        "                ld_t <= step_next + 1;\n                ld_p <= 0;\n"
	        "            end\n        end\n    end\n\n");

	/* the checks */
	fprintf(out, "    // ---- the checks ----------------------------------------------------------"
	        "--------\n");
	fprintf(out, "    integer errors = 0, outs = 0, cyc = 0;\n");
	for (i = 0; i < body->len; i++) {
		Ref s = body->n[i];
		const Node *n = ir_node(f, s);
		const char *t;
		int bits;

		if (n->kind != N_INSTR || n->i.op != OP_STORE || !rtl_is_output(x, s))
			continue;
		t = tname(x, s);
		bits = tbits(x, s);
		nout++;
		fprintf(out, "    reg [%d:0] exp_%s [0:%d];\n    initial $readmemh(\"exp_%s.hex\", exp_%s);\n",
		        bits - 1, t, x->T * m->B * m->H - 1, t, t);
		fprintf(out, "    task check_%s(input [%d:0] b, input [31:0] i, input [%d:0] v);\n"
		        "        integer e;\n        begin\n"
		        "            e = (step_cur * B + b) * H + i;\n"
		        "            outs = outs + 1;\n"
		        "            if (i >= H || v !== exp_%s[e]) begin\n"
		        "                if (errors == 0)\n"
		        "                    $display(\"FAIL %s: %s[t %%0d, b %%0d, i %%0d] = %%0h, the C "
		        "simulator has %%0h (cycle %%0d)\",\n"
		        "                             step_cur, b, i, v, exp_%s[e], cyc);\n"
		        "                errors = errors + 1;\n            end\n        end\n    endtask\n",
		        t, x->bw - 1, bits - 1, t, x->mod, f->tensors[n->i.acc.tensor].name, t);
	}
	fprintf(out, "    always @(posedge clk) begin\n        if (!rst) begin\n"
	        "            cyc <= cyc + 1;\n");
	each_out(x, out, check_out);
	fprintf(out, "            if (done) begin\n"
	        "                if (outs != %d * T * B * H) begin\n"
	        "                    if (errors == 0)\n"
	        "                        $display(\"FAIL %s: %%0d values sent out, expected %%0d\", "
	        "outs, %d * T * B * H);\n"
	        "                    errors = errors + 1;\n                end\n"
	        "                if (last_cycle + 32'd1 != CYCLES) begin\n"
	        "                    if (errors == 0)\n"
	        "                        $display(\"FAIL %s: %%0d cycles, the C simulator takes "
	        "%%0d\", last_cycle + 1, CYCLES);\n"
	        "                    errors = errors + 1;\n                end\n"
	        "                if (errors == 0)\n"
	        "                    $display(\"PASS %s: %%0d steps, %%0d values bit-exact, %%0d "
	        "cycles as the C simulator\", T, outs, last_cycle + 1);\n"
	        "                $finish;\n            end\n"
	        "            if (cyc > 2 * CYCLES + 1000) begin\n"
	        "                $display(\"FAIL %s: not done after %%0d cycles (the C simulator "
	        "takes %%0d)\", cyc, CYCLES);\n"
	        "                $finish;\n            end\n        end\n    end\n",
	        nout, x->mod, nout, x->mod, x->mod, x->mod);
	fprintf(out, "endmodule\n`default_nettype wire\n");
}

void
rtl_makefile(const Rtl *x, FILE *out)
{
	const char *v = x->mod;

	fprintf(out, "# %s: the Verilog of the design '%s', generated by rnnc (docs/rtl.md).\n",
	        v, x->s->name);
	fprintf(out, "#   make            build with Verilator (--binary) and run the testbench: "
	        "PASS or FAIL\n"
	        "#   make VCD=1      the same, and dump %s.vcd\n"
	        "#   make iverilog   the testbench under Icarus Verilog (iverilog -g2005, vvp)\n"
	        "#   make lint       verilator --lint-only -Wall on the top and the library\n"
	        "#   make synth      Yosys: read, synth, stat of %s_top into synth.stat\n"
	        "# The C simulator takes %lld cycles.\n\n", v, v, (long long)x->r->cycles);
	fprintf(out, "V := %s\nLIB := $(sort $(wildcard lib/*.v))\nSRC := $(LIB) $(V)_top.v\n"
	        "VERILATOR ?= verilator\nIVERILOG ?= iverilog\nVVP ?= vvp\nYOSYS ?= yosys\n"
	        "VFLAGS ?= -O2\n"
	        "# the area model's estimate (docs/sim.md), printed beside Yosys's cell count\n"
	        "AREA := %.2f mm2 (%d PCU + %d PMU with their switches)\n", v, x->r->area_used_mm2,
	        x->d->pcus, x->d->pmus);
	fprintf(out, "ifdef VCD\nVDEF := -DVCD --trace\nIDEF := -DVCD\nendif\n\n");
	fprintf(out, ".PHONY: run verilator iverilog lint synth clean\n\n"
	        "run: verilator\n\n"
	        "verilator: obj_dir/V$(V)_tb\n\t./obj_dir/V$(V)_tb\n\n"
	        "obj_dir/V$(V)_tb: $(SRC) $(V)_tb.v\n"
	        "\t$(VERILATOR) --binary $(VFLAGS) $(VDEF) -Wno-fatal -Wno-lint -Wno-style "
	        "--top-module $(V)_tb \\\n\t    -o V$(V)_tb $(SRC) $(V)_tb.v\n\n"
	        "iverilog: $(V)_tb.vvp\n\t$(VVP) -n $(V)_tb.vvp\n\n"
	        "$(V)_tb.vvp: $(SRC) $(V)_tb.v\n"
	        "\t$(IVERILOG) -g2005 $(IDEF) -s $(V)_tb -o $@ $(SRC) $(V)_tb.v\n\n"
	        "lint:\n\t$(VERILATOR) --lint-only -Wall --top-module $(V)_top $(SRC)\n\n"
	        "synth: synth.stat\n"
	        "\t@echo \"yosys: $$(grep 'Number of cells' synth.stat | tail -1 | awk '{print $$NF}') "
	        "cells; area model: $(AREA)\"\n\n"
	        "synth.stat: $(SRC)\n"
	        "\t$(YOSYS) -q -p 'read_verilog $(SRC); synth -top $(V)_top; tee -q -o $@ stat'\n\n"
	        "clean:\n\trm -rf obj_dir $(V)_tb.vvp $(V).vcd synth.stat\n");
}
