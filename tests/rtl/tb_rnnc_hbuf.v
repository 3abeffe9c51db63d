// Self-checking testbench of rnnc_hbuf against a model that transcribes sim/core.c's
// hbuf_cycle: the oldest complete vector is offered (from the cycle after it completed) and
// leaves with out_ready; then every valid input is taken, in input order: a scalar h extends
// its copy's run, which becomes a vector at a multiple of W rows or at the copy's last row; an
// input vector is queued as it is. Random gaps between the h of each copy, random backpressure
// in phases; a step's h all sent before the next starts (as the step barrier does). Compared
// every cycle. Prints PASS, or FAIL: <first mismatch>.
`default_nettype none
module tb_rnnc_hbuf_case #(
    parameter VIN = 0,
    parameter N = 3,
    parameter W = 4,
    parameter QAW = 5,
    parameter SEED = 1,
    parameter STEPS = 40
) (
    input  wire       clk,
    output reg        done,
    output reg [31:0] errors,
    output reg [31:0] vectors
);
    localparam VB = 8, BW = 1, RW = 6, B = 2;
    localparam CW = $clog2(W + 1);
    localparam IW = VIN != 0 ? BW + RW + CW + W * VB : BW + RW + VB;
    localparam OW = BW + RW + CW + W * VB;
    reg rst, out_ready;
    reg [N-1:0] in_valid, in_end;
    reg [N*IW-1:0] in_data;
    wire out_valid;
    wire [OW-1:0] out_data;

    rnnc_hbuf #(.N(N), .VIN(VIN), .VB(VB), .W(W), .BW(BW), .RW(RW), .QAW(QAW)) dut (
        .clk(clk), .rst(rst), .in_valid(in_valid), .in_data(in_data), .in_end(in_end),
        .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data)
    );

    // the reference
    reg [OW-1:0] mq [0:1023];
    reg [W*VB-1:0] mvals [0:N-1];
    reg [BW+RW-1:0] mtag [0:N-1];
    integer mcnt [0:N-1];
    integer rows [0:N-1], lo [0:N-1], sent [0:N-1];
    integer mh, mt, now, k, pin, pout, step, left, per_step;
    reg [31:0] r;
    reg [VB-1:0] h;
    reg [BW+RW-1:0] tg;
    reg [OW-1:0] v;

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
        vectors = 0;
        rst = 1;
        in_valid = 0;
        in_end = 0;
        in_data = 0;
        out_ready = 0;
        mh = 0;
        mt = 0;
        now = 0;
        step = 0;
        r = SEED;
        per_step = 0;
        for (k = 0; k < N; k = k + 1) begin
            rows[k] = 1 + (k * 5 + SEED) % 9;   // copies of 1 to 9 rows: runs of W or less
            lo[k] = k == 0 ? 0 : lo[k - 1] + rows[k - 1];
            sent[k] = 0;
            mcnt[k] = 0;
            mvals[k] = 0;
            mtag[k] = 0;
            per_step = per_step + B * ((rows[k] + W - 1) / W);
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            rst <= 0;
        end else if (!done) begin
            // the offer and the departure
            if (out_valid !== (mt != mh) || (out_valid && out_data !== mq[mh % 1024])) begin
                if (errors == 0)
                    $display("FAIL: rnnc_hbuf VIN=%0d N=%0d W=%0d cycle %0d: out_valid %b out_data %h, expected %b %h",
                             VIN, N, W, now, out_valid, out_data, mt != mh, mq[mh % 1024]);
                errors = errors + 1;
            end
            if (out_valid && out_ready) begin
                mh = mh + 1;
                vectors = vectors + 1;
            end
            // the inputs, in order
            for (k = 0; k < N; k = k + 1) begin
                if (in_valid[k]) begin
                    if (VIN != 0) begin
                        mq[mt % 1024] = in_data[k*IW +: OW];
                        mt = mt + 1;
                    end else begin
                        if (mcnt[k] == 0)
                            mtag[k] = in_data[k*IW + VB +: BW + RW];
                        mvals[k][mcnt[k]*VB +: VB] = in_data[k*IW +: VB];
                        if (in_end[k]) begin
                            mq[mt % 1024] = {mtag[k], mcnt[k][CW-1:0] + 1'b1, mvals[k]};
                            mt = mt + 1;
                            mcnt[k] = 0;
                        end else begin
                            mcnt[k] = mcnt[k] + 1;
                        end
                    end
                end
            end
            now = now + 1;
            case ((now / 200) % 4)
                0: begin pin = 90; pout = 30; end
                1: begin pin = 40; pout = 90; end
                2: begin pin = 15; pout = 60; end
                default: begin pin = 100; pout = 100; end
            endcase
            r = xs(r);
            out_ready <= r % 100 < pout;
            // the next cycle's inputs: each copy's rows (b, j) in order, then the next step once
            // every vector of this one has left
            left = 0;
            for (k = 0; k < N; k = k + 1)
                left = left + (sent[k] < (VIN != 0 ? per_step / N : B * rows[k]));
            if (left == 0 && mt == mh) begin
                step = step + 1;
                for (k = 0; k < N; k = k + 1)
                    sent[k] = 0;
            end
            for (k = 0; k < N; k = k + 1) begin
                r = xs(r);
                in_valid[k] <= 1'b0;
                in_end[k] <= 1'b0;
                if (step < STEPS && r % 100 < pin &&
                    sent[k] < (VIN != 0 ? per_step / N : B * rows[k])) begin
                    r = xs(r);
                    h = r[VB-1:0];
                    in_valid[k] <= 1'b1;
                    if (VIN != 0) begin
                        r = xs(r);
                        v = {r, xs(r), xs(r ^ 32'h5a5a), xs(r ^ 32'h1234)};
                        in_data[k*IW +: IW] <= v[OW-1:0];
                    end else begin
                        tg = {sent[k] / rows[k] == 1 ? 1'b1 : 1'b0, 6'd0};
                        tg[RW-1:0] = lo[k] + sent[k] % rows[k];
                        in_data[k*IW +: IW] <= {tg, h};
                        in_end[k] <= (sent[k] % rows[k] + 1) % W == 0 ||
                                     sent[k] % rows[k] + 1 == rows[k];
                    end
                    sent[k] = sent[k] + 1;
                end
            end
            if (step == STEPS && mt == mh)
                done <= 1;
        end
    end
endmodule

module tb_rnnc_hbuf;
    reg clk = 0;
    always #5 clk = !clk;
    wire [3:0] done;
    wire [31:0] e0, e1, e2, e3, n0, n1, n2, n3;
    tb_rnnc_hbuf_case #(0, 3, 4, 5, 31, 40) c0 (clk, done[0], e0, n0);
    tb_rnnc_hbuf_case #(0, 4, 16, 5, 32, 40) c1 (clk, done[1], e1, n1);
    tb_rnnc_hbuf_case #(0, 1, 2, 4, 33, 40) c2 (clk, done[2], e2, n2);
    tb_rnnc_hbuf_case #(1, 3, 4, 5, 34, 40) c3 (clk, done[3], e3, n3);
    initial begin
        wait (&done);
        #1;  // let the error counts settle (Verilator resumes before its ports update)
        if (e0 + e1 + e2 + e3 != 0)
            $fatal(1, "rnnc_hbuf: %0d mismatches", e0 + e1 + e2 + e3);
        if (n0 == 0 || n1 == 0 || n2 == 0 || n3 == 0)
            $fatal(1, "rnnc_hbuf: a case sent no vector");
        $display("PASS rnnc_hbuf: 4 cases x 40 steps, %0d vectors", n0 + n1 + n2 + n3);
        $finish;
    end
endmodule
`default_nettype wire
