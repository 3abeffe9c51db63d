// rnnc_dot: the dot-product PCU, multiply, in-lane reduce, cross-lane reduce, accumulate; or
// one segment of that stage chain when a dot product is cut over several PCUs.
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
//   S_LO      the segment: chain stages [S_LO, S_HI) (MapUnit.stage of passes/map.c, segment
//   S_HI      k of a chain cut at pcu.stages is [k x stages, min((k + 1) x stages, NCH)));
//             S_HI = 0 means NCH, the end of the chain. The defaults 0, 0: the whole chain.
//   MERGED    1: two accumulators (the GRU's merged candidate gate, schedule.candidate:
//             merged; GROUPS = 1): a row's vector steps from ACC2_STEP on add into the
//             second; out_data holds both sums, the first in the low ACCW bits. 0: one.
//   ACC2_STEP with MERGED, the first vector step of a row that goes into the second
//             accumulator (SimUnitDesc.acc2_step of sim/sim.c)
//   SX        with MERGED and hoist_input, the x phase's vector steps (SimDesign.sx): the
//             tag's most significant bit is the x-phase bit, and a row of the h half begins
//             at vector step SX (an x phase's row at 0); 0: every row begins at step 0
// Stages (each registered, one cycle, as the MapStage list of passes/map.c), by index:
//   0 mul: the exact products of value pairs, masked values give 0;
//   1 .. INL (INL = log2(PACK)) inlane: pairs of values of a lane added;
//   FOLDED = 0: INL + 1 .. INL + T (T = ceil(log2(LANES))) tree: one level of the cross-lane
//     tree each, then INL + T + 1 acc (NCH = INL + T + 2 stages);
//   FOLDED = 1: INL + 1 folded, FOLD_LAT cycles: the lanes added (NCH = INL + 2 stages).
//   DEPTH = the sum of the segment's stage latencies; for the whole chain
//   DEPTH = 1 + log2(PACK) + (FOLDED ? FOLD_LAT : ceil(log2(LANES)) + 1).
// Values: with L = log2(NVP), NVP = LANES x PACK padded to a power of two, a partial value is
//   exact in SW = 2 x VBITS + L bits (signed). After stage s there are NVP >> s values for
//   s <= L (NVP after mul, NVP >> i after the i-th add level), 1 after the acc or folded stage.
//   PIN = 1 if S_LO = 0, else the values after stage S_LO - 1; POUT = 1 if S_HI = 0, else the
//   values after stage S_HI - 1 (1 for the last segment).
// Ports: in_x, in_w: LANES x PACK values (in_w, in_mask, in_part, out_data, out_part: that of
// each group, group g above group g - 1), value v = l x PACK + k in bits v x VBITS +: VBITS;
// in_mask[v] = 1 for a value inside the reduction (tail values past N are 0: they add 0);
// in_last: the row's last vector step. in_x, in_w, in_mask feed the mul stage (S_LO = 0 only).
// in_part (PIN x SW bits, value p in bits p x SW +: SW): the previous segment's out_part
// (S_LO > 0 only; tie it to 0 otherwise).
// The last segment (S_HI = 0 or NCH): out_data: the row's exact sum (ACCW bits, signed; with
// MERGED, 2 x ACCW: the sum of steps 0 .. ACC2_STEP - 1, then that of the others),
// out_tag: in_tag of the row's last step, out_last = 1 with out_valid, out_part the step's own
// sum. A non-last segment: out_part (POUT x SW bits) the step's partial values after stage
// S_HI - 1, out_last and out_tag its in_last and in_tag, out_data the first partial value
// sign-extended (unused).
// Cycle behaviour (pcu_drain of sim/sim.c):
//   - the pipeline timing is rnnc_pipe's: a vector step entering in cycle n reaches the exit
//     in cycle n + DEPTH unless stalled; in_ready low while the pipeline stalls;
//   - the last segment: at the exit a step that is not the row's last is added into the
//     accumulator and leaves without waiting for anything; the last step offers acc + its sum
//     (out_valid) and leaves with out_ready, which clears the accumulator; while it waits the
//     pipeline stalls; with MERGED, a count of the row's steps at the exit (from SX for an
//     h half's row) picks the accumulator (a row's steps leave in order), as pcu_drain does
//     with the token's step;
//   - a non-last segment: every step at the exit is offered (out_valid) and leaves with
//     out_ready; while it waits the pipeline stalls.
// rst is synchronous and active high: empty pipeline, zero accumulator.
`default_nettype none
module rnnc_dot #(
    parameter LANES = 16,
    parameter PACK = 4,
    parameter VBITS = 8,
    parameter ACCW = 64,
    parameter FOLDED = 1,
    parameter FOLD_LAT = $clog2(LANES) + 1,
    parameter TW = 1,
    parameter S_LO = 0,
    parameter S_HI = 0,
    parameter GROUPS = 1,
    parameter II = 1,
    parameter MERGED = 0,
    parameter ACC2_STEP = 0,
    parameter SX = 0
) (
    input  wire                      clk,
    input  wire                      rst,
    input  wire                      in_valid,
    output wire                      in_ready,
    input  wire [LANES*PACK*VBITS-1:0] in_x,
    input  wire [GROUPS*LANES*PACK*VBITS-1:0] in_w,
    input  wire [GROUPS*LANES*PACK-1:0] in_mask,
    // in_part: GROUPS x PIN x SW bits (PIN, SW as the localparams below)
    input  wire [GROUPS * ((S_LO == 0 || S_LO > $clog2(LANES*PACK) + 1 ||
                   (FOLDED != 0 && S_LO > $clog2(PACK) + 1)) ? 1 :
                  1 << ($clog2(LANES*PACK) + 1 - S_LO)) *
                 (2*VBITS + $clog2(LANES*PACK)) - 1:0] in_part,
    input  wire                      in_last,
    input  wire [TW-1:0]             in_tag,
    output wire                      out_valid,
    input  wire                      out_ready,
    output wire [(MERGED != 0 ? 2 : GROUPS)*ACCW-1:0] out_data,
    output wire [TW-1:0]             out_tag,
    // out_part: GROUPS x POUT x SW bits
    output wire [GROUPS * ((S_HI == 0 || S_HI > $clog2(LANES*PACK) + 1 ||
                   (FOLDED != 0 && S_HI > $clog2(PACK) + 1)) ? 1 :
                  1 << ($clog2(LANES*PACK) + 1 - S_HI)) *
                 (2*VBITS + $clog2(LANES*PACK)) - 1:0] out_part,
    output wire                      out_last
);
    localparam NV = LANES * PACK;
    localparam L = $clog2(NV);            // levels of the whole reduction tree
    localparam NVP = 1 << L;              // values, padded to a power of two with zeros
    localparam INL = $clog2(PACK);        // in-lane levels
    localparam SW = 2 * VBITS + L;        // bits of an exact partial sum
    localparam NCH = FOLDED ? INL + 2 : L + 2;    // stages of the whole chain
    localparam SHI = S_HI == 0 ? NCH : S_HI;
    localparam LAST = SHI == NCH;         // the segment with the acc or folded stage
    localparam EXTRA = FOLDED ? FOLD_LAT : 1;
    localparam DEPTH = SHI - S_LO + (LAST ? EXTRA - 1 : 0);
    // the values after stage s - 1 (1 for s = 0): PIN = NVALS(S_LO), POUT = NVALS(S_HI)
    localparam PIN = (S_LO == 0 || S_LO > L + 1 || (FOLDED != 0 && S_LO > INL + 1)) ? 1 :
                     1 << (L + 1 - S_LO);
    localparam POUT = (S_HI == 0 || S_HI > L + 1 || (FOLDED != 0 && S_HI > INL + 1)) ? 1 :
                      1 << (L + 1 - S_HI);

    genvar g, i, j;
    generate
        if (S_LO < 0 || S_LO >= SHI || SHI > NCH) begin : g_bad
            // not a segment of the chain: stop the elaboration
            rnnc_dot_bad_segment_parameters bad ();
        end
        if (MERGED != 0 && (GROUPS != 1 || ACC2_STEP < 0)) begin : g_bad_merged
            // two accumulators are for one row a token
            rnnc_dot_bad_merged_parameters bad ();
        end
    endgenerate

    // control: the valid bits, the last flag and the tag travel through an rnnc_pipe
    wire en, e_valid, e_last;
    wire [TW-1:0] e_tag;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [DEPTH-1:0] slots;
    /* verilator lint_on UNUSEDSIGNAL */
    rnnc_pipe #(.WIDTH(TW + 1), .DEPTH(DEPTH), .II(II)) ctl (
        .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready),
        .in_data({in_tag, in_last}), .out_valid(e_valid),
        .out_ready(LAST ? !e_last || out_ready : out_ready),
        .out_data({e_tag, e_last}),
        .en(en), .slot_valid(slots)
    );

    // each row group: its own datapath (g_grp[g]), the control above shared
    generate
        for (g = 0; g < GROUPS; g = g + 1) begin : g_grp
            wire [PIN*SW-1:0] part = in_part[g*PIN*SW +: PIN*SW];
            wire [SW-1:0] tree_out;     // the acc or folded stage's input (last segment)
            // level i of the tree holds NVP >> i values of SW bits (g_lvl[i].g_on.val; level 0
            // is g_mulst.prod), present for the levels of this segment's stages
            if (S_LO == 0) begin : g_mulst
                // mul stage
                wire [NVP*SW-1:0] prod;
                for (j = 0; j < NVP; j = j + 1) begin : g_mul
                    if (j < NV) begin : g_val
                        wire signed [VBITS-1:0] x = in_x[j*VBITS +: VBITS];
                        wire signed [VBITS-1:0] w = in_w[(g*NV+j)*VBITS +: VBITS];
                        wire signed [2*VBITS-1:0] p = x * w;
                        reg [SW-1:0] p_q;
                        always @(posedge clk)
                            if (en)
                                p_q <= in_mask[g*NV+j] ? {{L{p[2*VBITS-1]}}, p} : {SW{1'b0}};
                        assign prod[j*SW +: SW] = p_q;
                    end else begin : g_pad
                        assign prod[j*SW +: SW] = {SW{1'b0}};
                    end
                end
                // in_part is not used
                wire unused_part = &{1'b0, part};
            end else begin : g_nomul
                // the mul stage's inputs are not used
                wire unused_mul = &{1'b0, in_x, in_w[g*NV*VBITS +: NV*VBITS],
                                    in_mask[g*NV +: NV]};
            end
            // reduction levels: registered, except the cross-lane levels of the folded stage
            for (i = 1; i <= L; i = i + 1) begin : g_lvl
                localparam NI = NVP >> i;
                localparam ST = (FOLDED && i > INL) ? INL + 1 : i;    // the level's stage
                if (ST >= S_LO && ST < SHI) begin : g_on
                    wire [2*NI*SW-1:0] src;
                    wire [NI*SW-1:0] val;
                    if (i == 1 && S_LO == 0) begin : g_first
                        assign src = g_mulst.prod;
                    end else if (i == S_LO) begin : g_in
                        assign src = part;
                    end else begin : g_next
                        assign src = g_lvl[i-1].g_on.val;
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
            end
            if (!LAST) begin : g_notree
                assign tree_out = {SW{1'b0}};
            end else if (S_LO == NCH - 1 && !(FOLDED && L > INL)) begin : g_tin
                assign tree_out = part;      // the acc or folded stage alone, its one value in
            end else if (L == 0) begin : g_l0
                assign tree_out = g_mulst.prod;
            end else begin : g_lout
                assign tree_out = g_lvl[L].g_on.val;
            end

            // the last segment: the accumulate stage, or the folded stage's cycles, and the exit
            if (LAST) begin : g_last
                reg [EXTRA*SW-1:0] dl;          // stage k in bits k x SW +: SW
                wire [SW-1:0] e_val = dl[(EXTRA-1)*SW +: SW];
                if (EXTRA == 1) begin : g_x1
                    always @(posedge clk)
                        if (en)
                            dl <= tree_out;
                end else begin : g_xn
                    always @(posedge clk)
                        if (en)
                            dl <= {dl[(EXTRA-1)*SW-1:0], tree_out};
                end

                // the exit: accumulate, or send the row's sum
                wire [ACCW-1:0] e_sum = {{(ACCW-SW){e_val[SW-1]}}, e_val};
                if (MERGED == 0) begin : g_acc1
                    reg [ACCW-1:0] acc;
                    always @(posedge clk) begin
                        if (rst)
                            acc <= {ACCW{1'b0}};
                        else if (e_valid && !e_last)
                            acc <= acc + e_sum;
                        else if (e_valid && out_ready)
                            acc <= {ACCW{1'b0}};
                    end
                    assign out_data[g*ACCW +: ACCW] = acc + e_sum;
                end else begin : g_acc2
                    // the exit step's vector step within its row picks the accumulator
                    wire e_hi;
                    reg [ACCW-1:0] acc, acc2;
                    if (ACC2_STEP == 0) begin : g_all2
                        assign e_hi = 1'b1;     // the tile's blocks all lie in k >= D
                    end else begin : g_count
                        reg [31:0] e_s;
                        if (SX == 0) begin : g_nx
                            assign e_hi = e_s >= ACC2_STEP;
                        end else begin : g_hx
                            // an h half's row: its steps counted from SX
                            assign e_hi = (e_tag[TW-1] ? e_s : e_s + SX) >= ACC2_STEP;
                        end
                        always @(posedge clk)
                            if (rst || (e_valid && e_last && out_ready))
                                e_s <= 32'd0;
                            else if (e_valid && !e_last)
                                e_s <= e_s + 32'd1;
                    end
                    always @(posedge clk) begin
                        if (rst) begin
                            acc <= {ACCW{1'b0}};
                            acc2 <= {ACCW{1'b0}};
                        end else if (e_valid && !e_last) begin
                            if (e_hi)
                                acc2 <= acc2 + e_sum;
                            else
                                acc <= acc + e_sum;
                        end else if (e_valid && out_ready) begin
                            acc <= {ACCW{1'b0}};
                            acc2 <= {ACCW{1'b0}};
                        end
                    end
                    assign out_data[ACCW-1:0] = e_hi ? acc : acc + e_sum;
                    assign out_data[2*ACCW-1:ACCW] = e_hi ? acc2 + e_sum : acc2;
                end
                assign out_part[g*POUT*SW +: POUT*SW] = e_val;
            end else begin : g_seg
                // a plain pipeline: every step leaves with its partial values
                wire [POUT*SW-1:0] e_part;
                if (SHI == 1) begin : g_pmul
                    assign e_part = g_mulst.prod;
                end else begin : g_plvl
                    assign e_part = g_lvl[SHI-1].g_on.val;
                end
                assign out_data[g*ACCW +: ACCW] = {{(ACCW-SW){e_part[SW-1]}}, e_part[SW-1:0]};
                if (MERGED != 0) begin : g_data2
                    assign out_data[2*ACCW-1:ACCW] = {ACCW{1'b0}};
                end
                assign out_part[g*POUT*SW +: POUT*SW] = e_part;
                wire unused_tree = &{1'b0, tree_out};
            end
        end
        if (LAST) begin : g_olast
            assign out_valid = e_valid && e_last;
        end else begin : g_oseg
            assign out_valid = e_valid;
        end
    endgenerate
    assign out_tag = e_tag;
    assign out_last = e_last;
endmodule
`default_nettype wire
