// Self-checking testbench of rnnc_mul: vectors from numvec (ir_num_mul of ir/numeric.c).
// Run in the directory holding numvec's files. Prints PASS, or FAIL: <first mismatch>.
`default_nettype none
module tb_rnnc_mul_case #(
    parameter AW = 16,
    parameter AF = 14,
    parameter BW = 16,
    parameter BF = 14,
    parameter OW = 16,
    parameter OF = 14,
    parameter FILE = "mul_0.hex"
) (
    output reg        done,
    output reg [31:0] errors
);
    reg [63:0] vec [0:3*512-1];
    reg [AW-1:0] a;
    reg [BW-1:0] b;
    wire [OW-1:0] y;
    reg [63:0] got;
    integer i;

    rnnc_mul #(.AW(AW), .AF(AF), .BW(BW), .BF(BF), .OW(OW), .OF(OF)) dut (
        .in_a(a), .in_b(b), .out_data(y)
    );

    initial begin
        done = 0;
        errors = 0;
        $readmemh(FILE, vec);
        for (i = 0; i < 512; i = i + 1) begin
            a = vec[3*i][AW-1:0];
            b = vec[3*i+1][BW-1:0];
            #1;
            got = $signed(y);
            if (got !== vec[3*i+2]) begin
                if (errors == 0)
                    $display("FAIL: rnnc_mul s%0d.%0d x s%0d.%0d -> s%0d.%0d vector %0d: a %h b %h, got %h, expected %h",
                             AW, AF, BW, BF, OW, OF, i, vec[3*i], vec[3*i+1], got, vec[3*i+2]);
                errors = errors + 1;
            end
        end
        done = 1;
    end
endmodule

module tb_rnnc_mul;
    wire [6:0] done;
    wire [31:0] e0, e1, e2, e3, e4, e5, e6;
    tb_rnnc_mul_case #(16, 14, 16, 14, 16, 14, "mul_0.hex") c0 (done[0], e0);
    tb_rnnc_mul_case #(16, 14, 16, 10, 16, 10, "mul_1.hex") c1 (done[1], e1);
    tb_rnnc_mul_case #(8, 7, 8, 7, 8, 7, "mul_2.hex") c2 (done[2], e2);
    tb_rnnc_mul_case #(32, 14, 16, 14, 16, 10, "mul_3.hex") c3 (done[3], e3);
    tb_rnnc_mul_case #(16, 2, 16, 2, 16, 12, "mul_4.hex") c4 (done[4], e4);
    tb_rnnc_mul_case #(32, 0, 32, 0, 64, 0, "mul_5.hex") c5 (done[5], e5);
    tb_rnnc_mul_case #(32, 31, 32, 31, 8, 7, "mul_6.hex") c6 (done[6], e6);
    initial begin
        wait (&done);
        #1;  // let the error counts settle (Verilator resumes before its ports update)
        if (e0 + e1 + e2 + e3 + e4 + e5 + e6 != 0)
            $fatal(1, "rnnc_mul: %0d mismatches", e0 + e1 + e2 + e3 + e4 + e5 + e6);
        $display("PASS rnnc_mul: 7 cases x 512 vectors");
        $finish;
    end
endmodule
`default_nettype wire
