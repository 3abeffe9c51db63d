// Self-checking testbench of rnnc_pipe: random tokens and random backpressure against the
// ring of slots of sim/sim.c (pcu_drain / pcu_take / pcu_cycle, with next_issue for II),
// compared every cycle. Prints PASS, or FAIL: <first mismatch>.
`default_nettype none
module tb_rnnc_pipe_case #(
    parameter DEPTH = 8,
    parameter II = 1,
    parameter SEED = 1,
    parameter CYCLES = 4000
) (
    input  wire       clk,
    output reg        done,
    output reg [31:0] errors
);
    reg rst, in_valid, out_ready;
    reg [15:0] in_data;
    wire in_ready, out_valid, en;
    wire [15:0] out_data;
    wire [DEPTH-1:0] slot_valid;

    rnnc_pipe #(.WIDTH(16), .DEPTH(DEPTH), .II(II)) dut (
        .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data),
        .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data), .en(en),
        .slot_valid(slot_valid)
    );

    // the reference: a PCU's ring in sim.c
    reg [15:0] pipe [0:DEPTH-1];
    reg full [0:DEPTH-1];
    integer head, nvalid, now, next_issue, k, pin, pout, cnt;
    reg [31:0] r;
    reg stalled, take;

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
        out_ready = 0;
        in_data = 0;
        head = 0;
        nvalid = 0;
        now = 0;
        next_issue = 0;
        r = SEED;
        for (k = 0; k < DEPTH; k = k + 1)
            full[k] = 0;
    end

    always @(posedge clk) begin
        if (rst) begin
            rst <= 0;
        end else if (!done) begin
            stalled = full[head] && !out_ready;
            take = !stalled && in_valid && now >= next_issue;
            cnt = 0;
            for (k = 0; k < DEPTH; k = k + 1)
                cnt = cnt + slot_valid[k];
            if (out_valid !== full[head] || (full[head] && out_data !== pipe[head]) ||
                in_ready !== (!stalled && now >= next_issue) || en !== !stalled ||
                cnt != nvalid) begin
                if (errors == 0)
                    $display("FAIL: rnnc_pipe DEPTH=%0d II=%0d cycle %0d: out_valid %b out_data %h in_ready %b en %b tokens %0d, expected %b %h %b %b %0d",
                             DEPTH, II, now, out_valid, out_data, in_ready, en, cnt,
                             full[head], pipe[head], !stalled && now >= next_issue, !stalled, nvalid);
                errors = errors + 1;
            end
            if (!stalled) begin
                if (full[head]) begin             // pcu_drain: the oldest token leaves
                    full[head] = 0;
                    nvalid = nvalid - 1;
                end
                if (take) begin                   // pcu_take
                    pipe[head] = in_data;
                    full[head] = 1;
                    nvalid = nvalid + 1;
                    next_issue = now + II;
                end
                head = (head + 1) % DEPTH;
            end
            now = now + 1;
            case ((now / 250) % 4)
                0: begin pin = 90; pout = 40; end
                1: begin pin = 60; pout = 95; end
                2: begin pin = 25; pout = 60; end
                default: begin pin = 100; pout = 100; end
            endcase
            r = xs(r);
            in_valid <= r % 100 < pin;
            r = xs(r);
            out_ready <= r % 100 < pout;
            r = xs(r);
            in_data <= r[15:0];
            if (now == CYCLES)
                done <= 1;
        end
    end
endmodule

module tb_rnnc_pipe;
    reg clk = 0;
    always #5 clk = !clk;
    wire [5:0] done;
    wire [31:0] e0, e1, e2, e3, e4, e5;
    tb_rnnc_pipe_case #(8, 1, 31) c0 (clk, done[0], e0);
    tb_rnnc_pipe_case #(1, 1, 32) c1 (clk, done[1], e1);
    tb_rnnc_pipe_case #(2, 1, 33) c2 (clk, done[2], e2);
    tb_rnnc_pipe_case #(5, 2, 34) c3 (clk, done[3], e3);
    tb_rnnc_pipe_case #(3, 3, 35) c4 (clk, done[4], e4);
    tb_rnnc_pipe_case #(1, 2, 36) c5 (clk, done[5], e5);
    initial begin
        wait (&done);
        #1;  // let the error counts settle (Verilator resumes before its ports update)
        if (e0 + e1 + e2 + e3 + e4 + e5 != 0)
            $fatal(1, "rnnc_pipe: %0d mismatches", e0 + e1 + e2 + e3 + e4 + e5);
        $display("PASS rnnc_pipe: 6 cases x 4000 cycles");
        $finish;
    end
endmodule
`default_nettype wire
