// Self-checking testbench of rnnc_counter: random enables and restarts against a reference
// walk over positions p = 0 .. prod(BOUNDS) - 1 (the (batch, row, vector step) order of
// stream_cycle in sim/sim.c), compared every cycle. Prints PASS, or FAIL: <first mismatch>.
`default_nettype none
module tb_rnnc_counter_case #(
    parameter LEVELS = 3,
    parameter W = 8,
    parameter [LEVELS*32-1:0] BOUNDS = {32'd2, 32'd3, 32'd4},
    parameter SEED = 1,
    parameter CYCLES = 3000
) (
    input  wire       clk,
    output reg        done,
    output reg [31:0] errors
);
    reg rst, start, en;
    wire [LEVELS*W-1:0] cnt;
    wire [LEVELS-1:0] at_max, wrap;
    wire busy, fin;

    rnnc_counter #(.LEVELS(LEVELS), .W(W), .BOUNDS(BOUNDS)) dut (
        .clk(clk), .rst(rst), .start(start), .en(en), .cnt(cnt), .at_max(at_max),
        .wrap(wrap), .busy(busy), .done(fin)
    );

    integer p, len, now, k, rest, bound, walks;
    reg run, allmax, ok;
    reg [LEVELS*W-1:0] ecnt;
    reg [LEVELS-1:0] emax, ewrap;
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
        start = 0;
        en = 0;
        p = 0;
        run = 0;
        now = 0;
        walks = 0;
        r = SEED;
        len = 1;
        for (k = 0; k < LEVELS; k = k + 1)
            len = len * BOUNDS[32*k +: 32];
    end

    always @(posedge clk) begin
        if (rst) begin
            rst <= 0;
        end else if (!done) begin
            // the expected outputs at position p
            rest = p;
            allmax = 1;
            for (k = 0; k < LEVELS; k = k + 1) begin
                bound = BOUNDS[32*k +: 32];
                ecnt[W*k +: W] = rest % bound;
                emax[k] = rest % bound == bound - 1;
                allmax = allmax && emax[k];
                ewrap[k] = en && run && allmax;
                rest = rest / bound;
            end
            ok = cnt === ecnt && at_max === emax && wrap === ewrap && busy === run &&
                 fin === ewrap[LEVELS-1];
            if (!ok) begin
                if (errors == 0)
                    $display("FAIL: rnnc_counter LEVELS=%0d cycle %0d position %0d: cnt %h at_max %b wrap %b busy %b done %b, expected %h %b %b %b %b",
                             LEVELS, now, p, cnt, at_max, wrap, busy, fin, ecnt, emax, ewrap, run,
                             ewrap[LEVELS-1]);
                errors = errors + 1;
            end
            if (start) begin
                p = 0;
                run = 1;
                walks = walks + 1;
            end else if (run && en) begin
                p = p + 1;
                if (p == len) begin
                    p = 0;
                    run = 0;
                end
            end
            now = now + 1;
            r = xs(r);
            start <= r % 100 < (run ? 1 : 15);
            r = xs(r);
            en <= r % 100 < ((now / 200) % 2 ? 90 : 40);
            if (now == CYCLES)
                done <= 1;
        end
    end
endmodule

module tb_rnnc_counter;
    reg clk = 0;
    always #5 clk = !clk;
    wire [4:0] done;
    wire [31:0] e0, e1, e2, e3, e4;
    tb_rnnc_counter_case #(3, 8, {32'd2, 32'd3, 32'd4}, 41) c0 (clk, done[0], e0);
    tb_rnnc_counter_case #(1, 4, 32'd5, 42) c1 (clk, done[1], e1);
    tb_rnnc_counter_case #(2, 6, {32'd1, 32'd1}, 43) c2 (clk, done[2], e2);
    tb_rnnc_counter_case #(3, 16, {32'd1, 32'd7, 32'd1}, 44) c3 (clk, done[3], e3);
    tb_rnnc_counter_case #(4, 5, {32'd3, 32'd2, 32'd1, 32'd5}, 45) c4 (clk, done[4], e4);
    initial begin
        wait (&done);
        #1;  // let the error counts settle (Verilator resumes before its ports update)
        if (e0 + e1 + e2 + e3 + e4 != 0)
            $fatal(1, "rnnc_counter: %0d mismatches", e0 + e1 + e2 + e3 + e4);
        $display("PASS rnnc_counter: 5 cases x 3000 cycles");
        $finish;
    end
endmodule
`default_nettype wire
