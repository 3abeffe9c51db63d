// Self-checking testbench of rnnc_dot: random vector steps (values, masks, row ends) and
// random backpressure against the dot product of sim/sim.c: a ring of DEPTH slots (pcu_drain /
// pcu_take) whose exit accumulates each step and sends the row's sum with its last step; a
// step's value is the exact sum of its masked products (sim_val_dot), computed here.
// Compared every cycle. Prints PASS, or FAIL: <first mismatch>.
`default_nettype none
module tb_rnnc_dot_case #(
    parameter LANES = 16,
    parameter PACK = 4,
    parameter FOLDED = 1,
    parameter FOLD_LAT = 5,
    parameter SEED = 1,
    parameter CYCLES = 1200
) (
    input  wire       clk,
    output reg        done,
    output reg [31:0] errors
);
    localparam NV = LANES * PACK;
    localparam DEPTH = 1 + $clog2(PACK) + (FOLDED ? FOLD_LAT : $clog2(LANES) + 1);
    reg rst, in_valid, in_last, out_ready;
    reg [NV*8-1:0] in_x, in_w;
    reg [NV-1:0] in_mask;
    reg [5:0] in_tag;
    wire [5:0] out_tag;
    wire in_ready, out_valid;
    wire [63:0] out_data;

    rnnc_dot #(.LANES(LANES), .PACK(PACK), .VBITS(8), .ACCW(64), .FOLDED(FOLDED),
               .FOLD_LAT(FOLD_LAT), .TW(6)) dut (
        .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready), .in_x(in_x),
        .in_w(in_w), .in_mask(in_mask), .in_last(in_last), .in_tag(in_tag), .out_valid(out_valid),
        .out_ready(out_ready), .out_data(out_data), .out_tag(out_tag)
    );

    reg signed [63:0] val [0:DEPTH-1];
    reg last [0:DEPTH-1];
    reg [5:0] tag [0:DEPTH-1];
    reg full [0:DEPTH-1];
    reg signed [63:0] acc, v, ev;
    integer head, now, k, rows, pin, pout;
    reg stalled, evalid, eready;
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
        head = 0;
        now = 0;
        acc = 0;
        rows = 0;
        r = SEED;
        for (k = 0; k < DEPTH; k = k + 1)
            full[k] = 0;
    end

    always @(posedge clk) begin
        if (rst) begin
            rst <= 0;
        end else if (!done) begin
            stalled = full[head] && last[head] && !out_ready;
            evalid = full[head] && last[head];
            ev = acc + val[head];
            eready = !stalled;
            if (out_valid !== evalid || (evalid && (out_data !== ev || out_tag !== tag[head])) ||
                in_ready !== eready) begin
                if (errors == 0)
                    $display("FAIL: rnnc_dot LANES=%0d PACK=%0d FOLDED=%0d cycle %0d: out_valid %b out_data %0d tag %h in_ready %b, expected %b %0d %h %b",
                             LANES, PACK, FOLDED, now, out_valid, $signed(out_data), out_tag,
                             in_ready, evalid, ev, tag[head], eready);
                errors = errors + 1;
            end
            if (!stalled) begin
                if (full[head]) begin                    // the exit: accumulate, or send
                    if (last[head]) begin
                        acc = 0;
                        rows = rows + 1;
                    end else begin
                        acc = acc + val[head];
                    end
                    full[head] = 0;
                end
                if (in_valid) begin                      // a vector step enters
                    v = 0;
                    for (k = 0; k < NV; k = k + 1)
                        if (in_mask[k])
                            v = v + $signed(in_x[k*8 +: 8]) * $signed(in_w[k*8 +: 8]);
                    val[head] = v;
                    last[head] = in_last;
                    tag[head] = in_tag;
                    full[head] = 1;
                end
                head = (head + 1) % DEPTH;
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
            for (k = 0; k < NV; k = k + 1)
                in_mask[k] <= r % 8 == 0 ? k < r[15:8] % (NV + 1) : r % 8 == 1 ? r[k % 32] : 1'b1;
            for (k = 0; k < NV; k = k + 1) begin
                r = xs(r);
                // extremes now and then: -128 x -128 is the largest product
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
    reg clk = 0;
    always #5 clk = !clk;
    wire [5:0] done;
    wire [31:0] e0, e1, e2, e3, e4, e5;
    tb_rnnc_dot_case #(16, 4, 1, 5, 61) c0 (clk, done[0], e0);   // Plasticine, folded: 8 slots
    tb_rnnc_dot_case #(16, 4, 0, 5, 62) c1 (clk, done[1], e1);   // tree + acc: 8 slots
    tb_rnnc_dot_case #(1, 4, 1, 5, 63) c2 (clk, done[2], e2);    // rv = 4: one lane
    tb_rnnc_dot_case #(3, 2, 0, 5, 64) c3 (clk, done[3], e3);    // lanes not a power of two
    tb_rnnc_dot_case #(5, 1, 1, 3, 65) c4 (clk, done[4], e4);
    tb_rnnc_dot_case #(2, 2, 0, 2, 66) c5 (clk, done[5], e5);
    initial begin
        wait (&done);
        #1;  // let the error counts settle (Verilator resumes before its ports update)
        if (e0 + e1 + e2 + e3 + e4 + e5 != 0)
            $fatal(1, "rnnc_dot: %0d mismatches", e0 + e1 + e2 + e3 + e4 + e5);
        $display("PASS rnnc_dot: 6 cases x 1200 cycles");
        $finish;
    end
endmodule
`default_nettype wire
