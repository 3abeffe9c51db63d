// rnnc_hbuf: the staging PMU of the h distribution (docs/mapping.md, docs/rtl.md): it gathers
// the h_t of a group of hidden-unit copies into vectors of up to W contiguous values and sends
// them on, one a cycle, in the order they are complete (sim/core.c: hbuf_cycle).
//
// VIN = 0: each input is one copy's h in row order, {b, row, h} (row: the hidden unit), with
// in_end high on the value that ends a run (a multiple of W rows into the copy, or its last
// row); the run becomes the vector {b, row of its first value, n, values} (value i in bits
// i*VB of the values, the ones past n unused). VIN = 1: each input is such a vector from an
// hbuf of the level below, queued as it is.
//
// Every input is taken in the cycle it is valid (the top ties its links' ready high). The
// vectors complete in a cycle enter the queue in input order and are offered from the next
// cycle (a PMU write, then a read); the oldest leaves in a cycle with out_ready. QD must hold
// every vector of a step (the top sizes it), so nothing is ever refused.
`default_nettype none
module rnnc_hbuf #(
    parameter N = 2,          // inputs
    parameter VIN = 0,        // 0: scalar h inputs, 1: vector inputs
    parameter VB = 8,         // bits of an h value
    parameter W = 4,          // values per vector
    parameter BW = 1,         // batch index bits
    parameter RW = 4,         // row index bits
    parameter CW = $clog2(W + 1),
    parameter QAW = 3,        // queue address bits: 2^QAW vectors
    parameter IW = VIN != 0 ? BW + RW + CW + W * VB : BW + RW + VB,
    parameter OW = BW + RW + CW + W * VB
) (
    input  wire              clk,
    input  wire              rst,
    input  wire [N-1:0]      in_valid,
    input  wire [N*IW-1:0]   in_data,
    input  wire [N-1:0]      in_end,
    output wire              out_valid,
    input  wire              out_ready,
    output wire [OW-1:0]     out_data
);
    localparam QD = 1 << QAW;
    localparam [QAW-1:0] QONE = 1;
    localparam [QAW:0] CONE = 1;

    reg [OW-1:0] q [0:QD-1];
    reg [QAW-1:0] head, tail;
    reg [QAW:0] count;
    wire [N-1:0] push;
    wire [N*OW-1:0] entry;

    // where each input's vector goes this cycle: after those of the inputs before it
    reg [N*QAW-1:0] pre;
    reg [QAW-1:0] acc;
    integer i;
    always @* begin
        acc = {QAW{1'b0}};
        for (i = 0; i < N; i = i + 1) begin
            pre[i*QAW +: QAW] = acc;
            acc = acc + (push[i] ? QONE : {QAW{1'b0}});
        end
    end

    genvar k, w;
    generate
        for (k = 0; k < N; k = k + 1) begin : g_in
            if (VIN != 0) begin : g_vec
                assign push[k] = in_valid[k];
                assign entry[k*OW +: OW] = in_data[k*IW +: OW];
            end else begin : g_run
                // the run being gathered: its first value's {b, row}, the values so far
                reg [W*VB-1:0] vals;
                reg [CW-1:0] cnt;
                reg [BW+RW-1:0] tag;
                wire [VB-1:0] h = in_data[k*IW +: VB];
                wire [BW+RW-1:0] itag = in_data[k*IW + VB +: BW + RW];
                wire [W*VB-1:0] merged;
                for (w = 0; w < W; w = w + 1) begin : g_w
                    assign merged[w*VB +: VB] = cnt == w[CW-1:0] ? h : vals[w*VB +: VB];
                end
                assign push[k] = in_valid[k] && in_end[k];
                assign entry[k*OW +: OW] = {cnt == {CW{1'b0}} ? itag : tag, cnt + 1'b1, merged};
                always @(posedge clk) begin
                    if (rst) begin
                        cnt <= {CW{1'b0}};
                        vals <= {W*VB{1'b0}};
                        tag <= {BW+RW{1'b0}};
                    end else if (in_valid[k]) begin
                        cnt <= in_end[k] ? {CW{1'b0}} : cnt + 1'b1;
                        vals <= merged;
                        if (cnt == {CW{1'b0}})
                            tag <= itag;
                    end
                end
            end
            // a process per input, as rnnc_pmu's write ports: no two write one slot (the
            // slot is QAW bits: the queue wraps)
            wire [QAW-1:0] slot = tail + pre[k*QAW +: QAW];
            always @(posedge clk)
                if (push[k])
                    q[slot] <= entry[k*OW +: OW];
        end
    endgenerate

    wire pop = out_valid && out_ready;
    assign out_valid = count != {QAW+1{1'b0}};
    assign out_data = q[head];
    always @(posedge clk) begin
        if (rst) begin
            head <= {QAW{1'b0}};
            tail <= {QAW{1'b0}};
            count <= {QAW+1{1'b0}};
        end else begin
            head <= head + (pop ? QONE : {QAW{1'b0}});
            tail <= tail + acc;
            count <= count + {1'b0, acc} - (pop ? CONE : {QAW+1{1'b0}});
        end
    end
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused = ^in_end;
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
`default_nettype wire
