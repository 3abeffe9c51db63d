// rnnc_dot: the dot-product PCU, multiply, in-lane reduce, cross-lane reduce, accumulate.
//
// Parameters:
//   LANES     lanes used (ceil(rv / pack))
//   PACK      values per lane, a power of two (4: 8-bit values in a 32-bit lane)
//   VBITS     bits of a value (signed two's complement), 8
//   ACCW      accumulator bits, 64 (partial sums are exact)
//   FOLDED    1: one folded reduce-accumulate stage of FOLD_LAT cycles; 0: one stage per
//             level of the cross-lane tree and an accumulate stage
//   FOLD_LAT  the folded stage's latency, log2(pcu.lanes) + 1 (5 on Plasticine)
//   TW        bits of a tag carried with each step unchanged (the token's batch and row):
//             out_tag is the tag of the row's last step
// Stages (each registered, one cycle, as the MapStage list of passes/map.c):
//   mul (1): the exact products of value pairs, masked values give 0;
//   inlane (log2(PACK)): pairs of values of a lane added;
//   tree (ceil(log2(LANES))) + acc (1), or folded (FOLD_LAT): the lanes added.
//   DEPTH = 1 + log2(PACK) + (FOLDED ? FOLD_LAT : ceil(log2(LANES)) + 1).
// Ports: in_x, in_w: LANES x PACK values, value v = l x PACK + k in bits v x VBITS +: VBITS;
// in_mask[v] = 1 for a value inside the reduction (tail values past N are 0: they add 0);
// in_last: the row's last vector step. out_data: the row's exact sum (ACCW bits, signed),
// out_tag: in_tag of the row's last step.
// Cycle behaviour (pcu_drain of sim/sim.c, the last segment of a dot product):
//   - the pipeline timing is rnnc_pipe's: a vector step entering in cycle n reaches the exit
//     in cycle n + DEPTH unless stalled; in_ready low while the pipeline stalls;
//   - at the exit a step that is not the row's last is added into the accumulator and leaves
//     without waiting for anything; the last step offers acc + its sum (out_valid) and leaves
//     with out_ready, which clears the accumulator; while it waits the pipeline stalls.
// rst is synchronous and active high: empty pipeline, zero accumulator.
`default_nettype none
module rnnc_dot #(
    parameter LANES = 16,
    parameter PACK = 4,
    parameter VBITS = 8,
    parameter ACCW = 64,
    parameter FOLDED = 1,
    parameter FOLD_LAT = $clog2(LANES) + 1,
    parameter TW = 1
) (
    input  wire                      clk,
    input  wire                      rst,
    input  wire                      in_valid,
    output wire                      in_ready,
    input  wire [LANES*PACK*VBITS-1:0] in_x,
    input  wire [LANES*PACK*VBITS-1:0] in_w,
    input  wire [LANES*PACK-1:0]     in_mask,
    input  wire                      in_last,
    input  wire [TW-1:0]             in_tag,
    output wire                      out_valid,
    input  wire                      out_ready,
    output wire [ACCW-1:0]           out_data,
    output wire [TW-1:0]             out_tag
);
    localparam NV = LANES * PACK;
    localparam L = $clog2(NV);            // levels of the whole reduction tree
    localparam NVP = 1 << L;              // values, padded to a power of two with zeros
    localparam INL = $clog2(PACK);        // in-lane levels
    localparam SW = 2 * VBITS + L;        // bits of an exact partial sum
    localparam EXTRA = FOLDED ? FOLD_LAT : 1;
    localparam DEPTH = 1 + (FOLDED ? INL : L) + EXTRA;

    // control: the valid bits, the last flag and the tag travel through an rnnc_pipe
    wire en, e_valid, e_last;
    wire [TW-1:0] e_tag;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [DEPTH-1:0] slots;
    /* verilator lint_on UNUSEDSIGNAL */
    rnnc_pipe #(.WIDTH(TW + 1), .DEPTH(DEPTH), .II(1)) ctl (
        .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready),
        .in_data({in_tag, in_last}), .out_valid(e_valid), .out_ready(!e_last || out_ready),
        .out_data({e_tag, e_last}),
        .en(en), .slot_valid(slots)
    );

    // level i of the tree holds NVP >> i values of SW bits (g_lvl[i].val; level 0 is prod)
    wire [NVP*SW-1:0] prod;
    wire [SW-1:0] tree_out;

    // mul stage
    genvar i, j;
    generate
        for (j = 0; j < NVP; j = j + 1) begin : g_mul
            if (j < NV) begin : g_val
                wire signed [VBITS-1:0] x = in_x[j*VBITS +: VBITS];
                wire signed [VBITS-1:0] w = in_w[j*VBITS +: VBITS];
                wire signed [2*VBITS-1:0] p = x * w;
                reg [SW-1:0] p_q;
                always @(posedge clk)
                    if (en)
                        p_q <= in_mask[j] ? {{L{p[2*VBITS-1]}}, p} : {SW{1'b0}};
                assign prod[j*SW +: SW] = p_q;
            end else begin : g_pad
                assign prod[j*SW +: SW] = {SW{1'b0}};
            end
        end
        // reduction levels: registered, except the cross-lane levels of the folded stage
        for (i = 1; i <= L; i = i + 1) begin : g_lvl
            localparam NI = NVP >> i;
            wire [2*NI*SW-1:0] src;
            wire [NI*SW-1:0] val;
            if (i == 1) begin : g_first
                assign src = prod;
            end else begin : g_next
                assign src = g_lvl[i-1].val;
            end
            for (j = 0; j < NI; j = j + 1) begin : g_add
                wire [SW-1:0] s = src[2*j*SW +: SW] + src[(2*j+1)*SW +: SW];
                if (i <= INL || !FOLDED) begin : g_reg
                    reg [SW-1:0] q;
                    always @(posedge clk)
                        if (en)
                            q <= s;
                    assign val[j*SW +: SW] = q;
                end else begin : g_comb
                    assign val[j*SW +: SW] = s;
                end
            end
        end
        if (L == 0) begin : g_l0
            assign tree_out = prod;
        end else begin : g_lout
            assign tree_out = g_lvl[L].val;
        end
    endgenerate

    // the accumulate stage, or the folded stage's cycles
    reg [EXTRA*SW-1:0] dl;          // stage k in bits k x SW +: SW
    wire [SW-1:0] e_val = dl[(EXTRA-1)*SW +: SW];
    generate
        if (EXTRA == 1) begin : g_x1
            always @(posedge clk)
                if (en)
                    dl <= tree_out;
        end else begin : g_xn
            always @(posedge clk)
                if (en)
                    dl <= {dl[(EXTRA-1)*SW-1:0], tree_out};
        end
    endgenerate

    // the exit: accumulate, or send the row's sum
    wire [ACCW-1:0] e_sum = {{(ACCW-SW){e_val[SW-1]}}, e_val};
    reg [ACCW-1:0] acc;
    always @(posedge clk) begin
        if (rst)
            acc <= {ACCW{1'b0}};
        else if (e_valid && !e_last)
            acc <= acc + e_sum;
        else if (e_valid && out_ready)
            acc <= {ACCW{1'b0}};
    end
    assign out_valid = e_valid && e_last;
    assign out_data = acc + e_sum;
    assign out_tag = e_tag;
endmodule
`default_nettype wire
