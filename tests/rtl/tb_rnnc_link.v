// Self-checking testbench of rnnc_link: random traffic and random backpressure against the
// link model of sim/sim.c (can_push / push / peek / pop), compared every cycle.
// Prints PASS, or FAIL: <first mismatch>.
`default_nettype none
module tb_rnnc_link_case #(
    parameter LAT = 1,
    parameter DEPTH = 4,
    parameter SEED = 1,
    parameter CYCLES = 4000,
    parameter FLITS = 1
) (
    input  wire       clk,
    output reg        done,
    output reg [31:0] errors
);
    localparam CAP = DEPTH + LAT;
    reg rst, in_valid, out_ready;
    reg [15:0] in_data;
    wire in_ready, out_valid;
    wire [15:0] out_data;

    rnnc_link #(.WIDTH(16), .LAT(LAT), .DEPTH(DEPTH), .FLITS(FLITS)) dut (
        .clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data),
        .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data)
    );

    // the reference: sim.c's Chan
    reg [15:0] q [0:CAP-1];
    integer at [0:CAP-1];
    integer head, n, now, pop_cycle, pop_n, k, pin, pout;
    reg [31:0] r;
    reg can_push, peek_ok;

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
        n = 0;
        now = 0;
        pop_cycle = -1;
        pop_n = 0;
        r = SEED;
    end

    always @(posedge clk) begin
        if (rst) begin
            rst <= 0;
        end else if (!done) begin
            can_push = n + (pop_cycle == now ? pop_n : 0) < CAP;
            peek_ok = n != 0 && at[head] <= now;
            if (in_ready !== can_push || out_valid !== peek_ok ||
                (peek_ok && out_data !== q[head])) begin
                if (errors == 0)
                    $display("FAIL: rnnc_link LAT=%0d DEPTH=%0d FLITS=%0d cycle %0d: in_ready %b out_valid %b out_data %h, expected %b %b %h",
                             LAT, DEPTH, FLITS, now, in_ready, out_valid, out_data, can_push, peek_ok, q[head]);
                errors = errors + 1;
            end
            if (peek_ok && out_ready) begin       // pop
                head = (head + 1) % CAP;
                n = n - 1;
                if (pop_cycle != now) begin
                    pop_cycle = now;
                    pop_n = 0;
                end
                pop_n = pop_n + 1;
            end
            if (can_push && in_valid) begin       // push
                k = (head + n) % CAP;
                q[k] = in_data;
                at[k] = now + LAT + FLITS - 1;
                n = n + 1;
            end
            now = now + 1;
            // the next cycle's stimulus: phases of different load and backpressure
            case ((now / 300) % 4)
                0: begin pin = 90; pout = 30; end
                1: begin pin = 50; pout = 90; end
                2: begin pin = 20; pout = 50; end
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

module tb_rnnc_link;
    reg clk = 0;
    always #5 clk = !clk;
    wire [7:0] done;
    wire [31:0] e0, e1, e2, e3, e4, e5, e6, e7;
    tb_rnnc_link_case #(1, 4, 11) c0 (clk, done[0], e0);
    tb_rnnc_link_case #(2, 4, 12) c1 (clk, done[1], e1);
    tb_rnnc_link_case #(5, 2, 13) c2 (clk, done[2], e2);
    tb_rnnc_link_case #(3, 1, 14) c3 (clk, done[3], e3);
    tb_rnnc_link_case #(7, 6, 15) c4 (clk, done[4], e4);
    // tokens of several flits (hv > 1): seen FLITS - 1 cycles later, the same capacity
    tb_rnnc_link_case #(1, 4, 16, 4000, 2) c5 (clk, done[5], e5);
    tb_rnnc_link_case #(2, 4, 17, 4000, 16) c6 (clk, done[6], e6);
    tb_rnnc_link_case #(3, 1, 18, 4000, 4) c7 (clk, done[7], e7);
    initial begin
        wait (&done);
        #1;  // let the error counts settle (Verilator resumes before its ports update)
        if (e0 + e1 + e2 + e3 + e4 + e5 + e6 + e7 != 0)
            $fatal(1, "rnnc_link: %0d mismatches", e0 + e1 + e2 + e3 + e4 + e5 + e6 + e7);
        $display("PASS rnnc_link: 8 cases (3 of several flits) x 4000 cycles");
        $finish;
    end
endmodule
`default_nettype wire
