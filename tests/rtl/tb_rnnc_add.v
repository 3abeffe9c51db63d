// Self-checking testbench of rnnc_add: vectors from numvec (ir_num_add / ir_num_sub of
// ir/numeric.c, max, min). Run in the directory holding numvec's files. Prints PASS, or
// FAIL: <first mismatch>.
`default_nettype none
module tb_rnnc_add_case #(
    parameter W = 16,
    parameter OP = 0,
    parameter FILE = "add_0.hex"
) (
    output reg        done,
    output reg [31:0] errors
);
    reg [63:0] vec [0:3*512-1];
    reg [W-1:0] a, b;
    wire [W-1:0] y;
    reg [63:0] got;
    integer i;

    rnnc_add #(.W(W), .OP(OP)) dut (.in_a(a), .in_b(b), .out_data(y));

    initial begin
        done = 0;
        errors = 0;
        $readmemh(FILE, vec);
        for (i = 0; i < 512; i = i + 1) begin
            a = vec[3*i][W-1:0];
            b = vec[3*i+1][W-1:0];
            #1;
            got = $signed(y);
            if (got !== vec[3*i+2]) begin
                if (errors == 0)
                    $display("FAIL: rnnc_add W=%0d OP=%0d vector %0d: a %h b %h, got %h, expected %h",
                             W, OP, i, vec[3*i], vec[3*i+1], got, vec[3*i+2]);
                errors = errors + 1;
            end
        end
        done = 1;
    end
endmodule

module tb_rnnc_add;
    wire [7:0] done;
    wire [31:0] e0, e1, e2, e3, e4, e5, e6, e7;
    tb_rnnc_add_case #(16, 0, "add_0.hex") c0 (done[0], e0);
    tb_rnnc_add_case #(16, 1, "add_1.hex") c1 (done[1], e1);
    tb_rnnc_add_case #(8, 2, "add_2.hex") c2 (done[2], e2);
    tb_rnnc_add_case #(8, 3, "add_3.hex") c3 (done[3], e3);
    tb_rnnc_add_case #(32, 0, "add_4.hex") c4 (done[4], e4);
    tb_rnnc_add_case #(64, 0, "add_5.hex") c5 (done[5], e5);
    tb_rnnc_add_case #(64, 1, "add_6.hex") c6 (done[6], e6);
    tb_rnnc_add_case #(8, 1, "add_7.hex") c7 (done[7], e7);
    initial begin
        wait (&done);
        #1;  // let the error counts settle (Verilator resumes before its ports update)
        if (e0 + e1 + e2 + e3 + e4 + e5 + e6 + e7 != 0)
            $fatal(1, "rnnc_add: %0d mismatches", e0 + e1 + e2 + e3 + e4 + e5 + e6 + e7);
        $display("PASS rnnc_add: 8 cases x 512 vectors");
        $finish;
    end
endmodule
`default_nettype wire
