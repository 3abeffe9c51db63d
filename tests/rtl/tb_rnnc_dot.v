// Self-checking testbench of rnnc_dot: random vector steps (values, masks, row ends) and
// random backpressure against the dot product of sim/sim.c: a ring of DEPTH slots (pcu_drain /
// pcu_take) whose exit accumulates each step and sends the row's sum with its last step; a
// step's value is the exact sum of its masked products (sim_val_dot), computed here.
// With STAGES > 0 the chain is cut into segments of STAGES stages (S_LO, S_HI), joined by wires:
// the model is a ring per segment (pcu_drain without accumulate for all but the last), and the
// steps leaving each segment (valid, last, tag, the sum of its partial values) are checked too.
// With GROUPS > 1 the lanes hold that many row groups, each with its own weights, mask,
// partial values and accumulator (the hv form), checked group by group; with II > 1 a step
// enters each segment at most every II cycles (pcu_take's next_issue). With MERGED (the merged
// candidate gate) a row's steps from ACC2_STEP on add into the second accumulator (pcu_drain
// with acc2_step) and both sums are checked.
// Compared every cycle. Prints PASS, or FAIL: <first mismatch>.
`default_nettype none
module tb_rnnc_dot_case #(
    parameter LANES = 16,
    parameter PACK = 4,
    parameter FOLDED = 1,
    parameter FOLD_LAT = 5,
    parameter SEED = 1,
    parameter CYCLES = 1200,
    parameter STAGES = 0,       // > 0: the chain cut into segments of STAGES stages
    parameter GROUPS = 1,
    parameter II = 1,
    parameter MERGED = 0,
    parameter ACC2_STEP = 0
) (
    input  wire       clk,
    output reg        done,
    output reg [31:0] errors
);
    localparam NV = LANES * PACK;
    localparam L = $clog2(NV);
    localparam NVP = 1 << L;
    localparam INL = $clog2(PACK);
    localparam SW = 16 + L;
    localparam NCH = FOLDED ? INL + 2 : L + 2;                 // stages of the chain
    localparam NSEG = STAGES == 0 ? 1 : (NCH + STAGES - 1) / STAGES;
    localparam MAXD = NCH + FOLD_LAT;                          // >= every segment's depth
    localparam PW = GROUPS * NVP * SW;                         // room for a segment's out_part
    localparam G = GROUPS;
    localparam NS = MERGED ? 2 : G;                            // sums of out_data
    reg rst, in_valid, in_last, out_ready;
    reg [NV*8-1:0] in_x;
    reg [G*NV*8-1:0] in_w;
    reg [G*NV-1:0] in_mask;
    reg [5:0] in_tag;
    wire [5:0] out_tag;
    wire in_ready, out_valid;
    wire [NS*64-1:0] out_data;

    // segment k's stages [seg_lo(k), seg_hi(k)), its depth, the values after stage s - 1
    function integer seg_lo(input integer k);
        seg_lo = k * STAGES;
    endfunction
    function integer seg_hi(input integer k);
        seg_hi = STAGES == 0 || (k + 1) * STAGES > NCH ? NCH : (k + 1) * STAGES;
    endfunction
    function integer seg_depth(input integer k);
        seg_depth = seg_hi(k) - seg_lo(k) + (seg_hi(k) == NCH && FOLDED ? FOLD_LAT - 1 : 0);
    endfunction
    function integer nvals(input integer s);
        nvals = s == 0 || s > L + 1 || (FOLDED && s > INL + 1) ? 1 : 1 << (L + 1 - s);
    endfunction

    // the chain: c_*[k] enter segment k, c_*[k + 1] leave it
    wire [NSEG:0] c_valid, c_ready, c_last;
    wire [(NSEG+1)*6-1:0] c_tag;
    wire [(NSEG+1)*PW-1:0] c_part;
    assign c_valid[0] = in_valid;
    assign c_last[0] = in_last;
    assign c_tag[5:0] = in_tag;
    assign c_part[PW-1:0] = {PW{1'b0}};
    assign c_ready[NSEG] = out_ready;
    assign in_ready = c_ready[0];
    assign out_valid = c_valid[NSEG];
    assign out_tag = c_tag[NSEG*6 +: 6];

    genvar g;
    generate
        if (STAGES == 0) begin : g_whole
            // the whole chain, instantiated as before the segment parameters
            rnnc_dot #(.LANES(LANES), .PACK(PACK), .VBITS(8), .ACCW(64), .FOLDED(FOLDED),
                       .FOLD_LAT(FOLD_LAT), .TW(6), .GROUPS(G), .II(II), .MERGED(MERGED),
                       .ACC2_STEP(ACC2_STEP)) dut (
                .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(c_ready[0]), .in_x(in_x),
                .in_w(in_w), .in_mask(in_mask), .in_last(in_last), .in_tag(in_tag),
                .out_valid(c_valid[1]), .out_ready(out_ready), .out_data(out_data),
                .out_tag(c_tag[11:6])
            );
            assign c_last[1] = c_valid[1];
            assign c_part[2*PW-1:PW] = {PW{1'b0}};
        end else begin : g_split
            for (g = 0; g < NSEG; g = g + 1) begin : g_seg
                localparam LO = seg_lo(g);
                localparam HI = seg_hi(g);
                localparam PI = nvals(LO);
                localparam PO = nvals(HI);
                wire [NS*64-1:0] data;
                rnnc_dot #(.LANES(LANES), .PACK(PACK), .VBITS(8), .ACCW(64), .FOLDED(FOLDED),
                           .FOLD_LAT(FOLD_LAT), .TW(6), .GROUPS(G), .II(II), .S_LO(LO),
                           .MERGED(MERGED), .ACC2_STEP(ACC2_STEP),
                           // odd seeds name the last segment's end, even ones leave it 0
                           .S_HI(g == NSEG - 1 && SEED % 2 == 0 ? 0 : HI)) dut (
                    .clk(clk), .rst(rst), .in_valid(c_valid[g]), .in_ready(c_ready[g]),
                    .in_x(g == 0 ? in_x : {NV*8{1'b0}}), .in_w(g == 0 ? in_w : {G*NV*8{1'b0}}),
                    .in_mask(g == 0 ? in_mask : {G*NV{1'b0}}),
                    .in_part(c_part[g*PW +: G*PI*SW]), .in_last(c_last[g]),
                    .in_tag(c_tag[g*6 +: 6]), .out_valid(c_valid[g+1]),
                    .out_ready(c_ready[g+1]), .out_data(data), .out_tag(c_tag[(g+1)*6 +: 6]),
                    .out_part(c_part[(g+1)*PW +: G*PO*SW]), .out_last(c_last[g+1])
                );
                if (PO < NVP) begin : g_pad
                    assign c_part[(g+1)*PW + G*PO*SW +: G*(NVP-PO)*SW] = {G*(NVP-PO)*SW{1'b0}};
                end
                if (g == NSEG - 1) begin : g_out
                    assign out_data = data;
                end
            end
        end
    endgenerate

    // the model: segment k's ring of seg_depth(k) slots in [k x MAXD, (k + 1) x MAXD); slot h
    // holds group q's value in val[h x G + q]
    reg signed [63:0] val [0:NSEG*MAXD*G-1];
    reg last [0:NSEG*MAXD-1];
    reg [5:0] tag [0:NSEG*MAXD-1];
    reg full [0:NSEG*MAXD-1];
    integer head [0:NSEG-1];
    integer nxt [0:NSEG-1];     // the first cycle a step may enter the segment
    reg stl [0:NSEG];
    reg rdy [0:NSEG];           // the segment takes a step this cycle if one is offered
    reg signed [63:0] acc [0:G-1];
    reg signed [63:0] acc2;     // MERGED: the second accumulator
    integer es;                 // MERGED: the exit step's vector step within its row
    reg signed [63:0] v, ev;
    reg bad;
    reg signed [SW-1:0] pv;
    integer now, k, p, h, hp, rows, q;
    integer pin, pout;
    reg evalid, eready;
    reg [31:0] r;

    function [31:0] xs(input [31:0] s);
        reg [31:0] t;
        begin
            t = s ^ (s << 13);
            t = t ^ (t >> 17);
            xs = t ^ (t << 5);
        end
    endfunction

    initial begin
        done = 0;
        errors = 0;
        rst = 1;
        in_valid = 0;
        in_last = 0;
        out_ready = 0;
        in_x = 0;
        in_w = 0;
        in_mask = 0;
        in_tag = 0;
        now = 0;
        for (q = 0; q < G; q = q + 1)
            acc[q] = 0;
        acc2 = 0;
        es = 0;
        rows = 0;
        r = SEED;
        for (k = 0; k < NSEG * MAXD; k = k + 1)
            full[k] = 0;
        for (k = 0; k < NSEG; k = k + 1) begin
            head[k] = 0;
            nxt[k] = 0;
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            rst <= 0;
        end else if (!done) begin
            // stalls, from the last segment back: the last one waits on out_ready with a row's
            // last step, another one when its oldest step cannot enter the next segment
            rdy[NSEG] = out_ready;
            for (k = NSEG - 1; k >= 0; k = k - 1) begin
                h = k * MAXD + head[k];
                stl[k] = full[h] && (k < NSEG - 1 || last[h]) && !rdy[k+1];
                rdy[k] = !stl[k] && now >= nxt[k];
            end
            h = (NSEG - 1) * MAXD + head[NSEG-1];
            evalid = full[h] && last[h];
            eready = rdy[0];
            bad = out_valid !== evalid || in_ready !== eready ||
                  (evalid && (out_tag !== tag[h] || (STAGES > 0 && c_last[NSEG] !== 1'b1)));
            for (q = 0; q < G && !MERGED; q = q + 1) begin
                ev = acc[q] + val[h*G+q];
                if (evalid && $signed(out_data[q*64 +: 64]) !== ev)
                    bad = 1;
            end
            if (MERGED && evalid && ($signed(out_data[63:0]) !==
                                     (es >= ACC2_STEP ? acc[0] : acc[0] + val[h*G]) ||
                                     $signed(out_data[NS*64-1:NS*64-64]) !==
                                     (es >= ACC2_STEP ? acc2 + val[h*G] : acc2)))
                bad = 1;
            if (bad) begin
                if (errors == 0)
                    $display("FAIL: rnnc_dot LANES=%0d PACK=%0d FOLDED=%0d STAGES=%0d GROUPS=%0d II=%0d MERGED=%0d cycle %0d: out_valid %b out_data[0] %0d tag %h in_ready %b, expected %b %0d %h %b",
                             LANES, PACK, FOLDED, STAGES, G, II, MERGED, now, out_valid,
                             $signed(out_data[63:0]), out_tag, in_ready, evalid,
                             MERGED && es >= ACC2_STEP ? acc[0] : acc[0] + val[h*G], tag[h],
                             eready);
                errors = errors + 1;
            end
            // the steps leaving the other segments: their flag, tag and partial values
            for (k = 0; k < NSEG - 1; k = k + 1) begin
                h = k * MAXD + head[k];
                bad = c_valid[k+1] !== full[h] || (full[h] && (c_last[k+1] !== last[h] ||
                      c_tag[(k+1)*6 +: 6] !== tag[h]));
                for (q = 0; q < G; q = q + 1) begin
                    v = 0;
                    for (p = 0; p < nvals(seg_hi(k)); p = p + 1) begin
                        pv = c_part[(k+1)*PW + (q*nvals(seg_hi(k)) + p)*SW +: SW];
                        v = v + pv;
                    end
                    if (full[h] && v !== val[h*G+q])
                        bad = 1;
                end
                if (bad) begin
                    if (errors == 0)
                        $display("FAIL: rnnc_dot LANES=%0d PACK=%0d FOLDED=%0d STAGES=%0d cycle %0d segment %0d: out_valid %b last %b tag %h partial sum %0d, expected %b %b %h %0d",
                                 LANES, PACK, FOLDED, STAGES, now, k, c_valid[k+1], c_last[k+1],
                                 c_tag[(k+1)*6 +: 6], v, full[h], last[h], tag[h], val[h*G+G-1]);
                    errors = errors + 1;
                end
            end
            // the cycle, from the last segment back: the exit, then a step enters
            for (k = NSEG - 1; k >= 0; k = k - 1) begin
                h = k * MAXD + head[k];
                if (!stl[k]) begin
                    if (full[h]) begin
                        if (k == NSEG - 1) begin         // the exit: accumulate, or send
                            if (last[h])
                                rows = rows + 1;
                            if (MERGED && !last[h] && es >= ACC2_STEP)
                                acc2 = acc2 + val[h*G];
                            else
                                for (q = 0; q < G; q = q + 1)
                                    acc[q] = last[h] ? 0 : acc[q] + val[h*G+q];
                            if (last[h])
                                acc2 = 0;
                            es = last[h] ? 0 : es + 1;
                        end                              // else taken by segment k + 1
                        full[h] = 0;
                    end
                    if (k == 0) begin
                        if (in_valid && rdy[0]) begin    // a vector step enters
                            for (q = 0; q < G; q = q + 1) begin
                                v = 0;
                                for (p = 0; p < NV; p = p + 1)
                                    if (in_mask[q*NV+p])
                                        v = v + $signed(in_x[p*8 +: 8]) *
                                                $signed(in_w[(q*NV+p)*8 +: 8]);
                                val[h*G+q] = v;
                            end
                            last[h] = in_last;
                            tag[h] = in_tag;
                            full[h] = 1;
                            nxt[k] = now + II;
                        end
                    end else begin
                        hp = (k - 1) * MAXD + head[k-1];
                        if (full[hp] && rdy[k]) begin    // the previous segment's oldest step
                            for (q = 0; q < G; q = q + 1)
                                val[h*G+q] = val[hp*G+q];
                            last[h] = last[hp];
                            tag[h] = tag[hp];
                            full[h] = 1;
                            nxt[k] = now + II;
                        end
                    end
                    head[k] = (head[k] + 1) % seg_depth(k);
                end
            end
            now = now + 1;
            case ((now / 250) % 4)
                0: begin pin = 90; pout = 40; end
                1: begin pin = 60; pout = 95; end
                2: begin pin = 30; pout = 60; end
                default: begin pin = 100; pout = 100; end
            endcase
            r = xs(r);
            in_valid <= r % 100 < pin;
            r = xs(r);
            out_ready <= r % 100 < pout;
            r = xs(r);
            in_last <= r % 100 < 30;
            in_tag <= r[13:8];
            r = xs(r);
            // mostly full vectors; sometimes a masked tail, sometimes a random mask
            for (k = 0; k < G * NV; k = k + 1)
                in_mask[k] <= r % 8 == 0 ? k < r[15:8] % (G * NV + 1) : r % 8 == 1 ? r[k % 32] :
                              1'b1;
            for (k = 0; k < G * NV; k = k + 1) begin
                r = xs(r);
                // extremes now and then: -128 x -128 is the largest product
                if (k < NV)
                    in_x[k*8 +: 8] <= r[31:29] == 0 ? 8'h80 : r[7:0];
                in_w[k*8 +: 8] <= r[31:29] == 0 ? 8'h80 : r[15:8];
            end
            if (now == CYCLES) begin
                done <= 1;
                if (rows < 50) begin
                    $display("FAIL: rnnc_dot only %0d rows", rows);
                    errors = errors + 1;
                end
            end
        end
    end
endmodule

module tb_rnnc_dot;
    localparam NC = 22;
    reg clk = 0;
    always #5 clk = !clk;
    wire [NC-1:0] done;
    wire [NC*32-1:0] e;
    integer k, errs;
    tb_rnnc_dot_case #(16, 4, 1, 5, 61) c0 (clk, done[0], e[0*32 +: 32]);   // Plasticine, folded: 8 slots
    tb_rnnc_dot_case #(16, 4, 0, 5, 62) c1 (clk, done[1], e[1*32 +: 32]);   // tree + acc: 8 slots
    tb_rnnc_dot_case #(1, 4, 1, 5, 63) c2 (clk, done[2], e[2*32 +: 32]);    // rv = 4: one lane
    tb_rnnc_dot_case #(3, 2, 0, 5, 64) c3 (clk, done[3], e[3*32 +: 32]);    // lanes not a power of two
    tb_rnnc_dot_case #(5, 1, 1, 3, 65) c4 (clk, done[4], e[4*32 +: 32]);
    tb_rnnc_dot_case #(2, 2, 0, 2, 66) c5 (clk, done[5], e[5*32 +: 32]);
    // segments: the chain cut at pcu.stages = STAGES, joined by wires
    // 16 x 4 tree: 1 + 2 + 4 + 1 stages, [0,6) [6,8)
    tb_rnnc_dot_case #(16, 4, 0, 5, 67, 1200, 6) c6 (clk, done[6], e[6*32 +: 32]);
    // [0,3) [3,6) [6,8)
    tb_rnnc_dot_case #(16, 4, 0, 5, 68, 1200, 3) c7 (clk, done[7], e[7*32 +: 32]);
    // 8 x 4 tree: 1 + 2 + 3 + 1 stages, [0,2) [2,4) [4,6) [6,7)
    tb_rnnc_dot_case #(8, 4, 0, 5, 69, 1200, 2) c8 (clk, done[8], e[8*32 +: 32]);
    // folded: mul, 2 inlane, folded; [0,3) [3,4): the folded stage alone
    tb_rnnc_dot_case #(16, 4, 1, 5, 70, 1200, 3) c9 (clk, done[9], e[9*32 +: 32]);
    // [0,2) [2,4)
    tb_rnnc_dot_case #(16, 4, 1, 5, 71, 1200, 2) c10 (clk, done[10], e[10*32 +: 32]);
    // 3 x 2 tree, a segment per stage: mul, inlane, tree, tree, acc
    tb_rnnc_dot_case #(3, 2, 0, 5, 72, 1200, 1) c11 (clk, done[11], e[11*32 +: 32]);
    // one value: mul, folded
    tb_rnnc_dot_case #(1, 1, 1, 3, 73, 1200, 1) c12 (clk, done[12], e[12*32 +: 32]);
    // 5 x 1 tree: [0,4) [4,5), the acc stage alone
    tb_rnnc_dot_case #(5, 1, 0, 5, 74, 1200, 4) c13 (clk, done[13], e[13*32 +: 32]);
    // row groups (hv): 4 groups of 4 lanes, folded; 16 of one lane; 3 of 3 lanes as a tree cut
    // into segments of 2 stages taking a step every 3 cycles; 2 of 2 lanes, II 2, whole
    tb_rnnc_dot_case #(4, 4, 1, 5, 75, 1200, 0, 4) c14 (clk, done[14], e[14*32 +: 32]);
    tb_rnnc_dot_case #(1, 4, 1, 5, 76, 1200, 2, 16) c15 (clk, done[15], e[15*32 +: 32]);
    tb_rnnc_dot_case #(3, 2, 0, 5, 77, 1500, 2, 3, 3) c16 (clk, done[16], e[16*32 +: 32]);
    tb_rnnc_dot_case #(2, 2, 0, 2, 78, 1200, 0, 2, 2) c17 (clk, done[17], e[17*32 +: 32]);
    // two accumulators (the merged candidate gate): steps from 2 on into the second, folded;
    // from 1 on, a 3 x 2 tree cut into segments of 2 stages; all steps into the second; from 3
    // on, folded, cut [0,3) [3,4)
    tb_rnnc_dot_case #(16, 4, 1, 5, 79, 1200, 0, 1, 1, 1, 2) c18 (clk, done[18], e[18*32 +: 32]);
    tb_rnnc_dot_case #(3, 2, 0, 5, 80, 1200, 2, 1, 1, 1, 1) c19 (clk, done[19], e[19*32 +: 32]);
    tb_rnnc_dot_case #(1, 4, 1, 5, 81, 1200, 0, 1, 1, 1, 0) c20 (clk, done[20], e[20*32 +: 32]);
    tb_rnnc_dot_case #(16, 4, 1, 5, 82, 1200, 3, 1, 1, 1, 3) c21 (clk, done[21], e[21*32 +: 32]);
    initial begin
        wait (&done);
        #1;  // let the error counts settle (Verilator resumes before its ports update)
        errs = 0;
        for (k = 0; k < NC; k = k + 1)
            errs = errs + e[k*32 +: 32];
        if (errs != 0)
            $fatal(1, "rnnc_dot: %0d mismatches", errs);
        $display("PASS rnnc_dot: %0d cases (12 of them cut into 2 to 5 segments, 4 of row groups, 4 of two accumulators) x 1200 cycles",
                 NC);
        $finish;
    end
endmodule
`default_nettype wire
