// Self-checking testbench of rnnc_rescale: vectors from numvec (ir_num_rescale of
// ir/numeric.c). Run in the directory holding numvec's files. Prints PASS, or FAIL: <first
// mismatch>.
`default_nettype none
module tb_rnnc_rescale_case #(
    parameter IW = 32,
    parameter IF = 14,
    parameter OW = 8,
    parameter OF = 7,
    parameter FILE = "rescale_0.hex"
) (
    output reg        done,
    output reg [31:0] errors
);
    reg [63:0] vec [0:3*512-1];
    reg [IW-1:0] x;
    wire [OW-1:0] y;
    reg [63:0] got;
    integer i;

    rnnc_rescale #(.IW(IW), .IF(IF), .OW(OW), .OF(OF)) dut (.in_data(x), .out_data(y));

    initial begin
        done = 0;
        errors = 0;
        $readmemh(FILE, vec);
        for (i = 0; i < 512; i = i + 1) begin
            x = vec[3*i][IW-1:0];
            #1;
            got = $signed(y);
            if (got !== vec[3*i+2]) begin
                if (errors == 0)
                    $display("FAIL: rnnc_rescale s%0d.%0d -> s%0d.%0d vector %0d: in %h, got %h, expected %h",
                             IW, IF, OW, OF, i, vec[3*i], got, vec[3*i+2]);
                errors = errors + 1;
            end
        end
        done = 1;
    end
endmodule

module tb_rnnc_rescale;
    wire [7:0] done;
    wire [31:0] e0, e1, e2, e3, e4, e5, e6, e7;
    tb_rnnc_rescale_case #(32, 14, 8, 7, "rescale_0.hex") c0 (done[0], e0);
    tb_rnnc_rescale_case #(32, 14, 16, 14, "rescale_1.hex") c1 (done[1], e1);
    tb_rnnc_rescale_case #(16, 14, 16, 10, "rescale_2.hex") c2 (done[2], e2);
    tb_rnnc_rescale_case #(16, 10, 16, 14, "rescale_3.hex") c3 (done[3], e3);
    tb_rnnc_rescale_case #(8, 7, 32, 14, "rescale_4.hex") c4 (done[4], e4);
    tb_rnnc_rescale_case #(64, 20, 8, 0, "rescale_5.hex") c5 (done[5], e5);
    tb_rnnc_rescale_case #(16, 14, 8, 7, "rescale_6.hex") c6 (done[6], e6);
    tb_rnnc_rescale_case #(64, 63, 64, 0, "rescale_7.hex") c7 (done[7], e7);
    initial begin
        wait (&done);
        #1;  // let the error counts settle (Verilator resumes before its ports update)
        if (e0 + e1 + e2 + e3 + e4 + e5 + e6 + e7 != 0)
            $fatal(1, "rnnc_rescale: %0d mismatches", e0 + e1 + e2 + e3 + e4 + e5 + e6 + e7);
        $display("PASS rnnc_rescale: 8 cases x 512 vectors");
        $finish;
    end
endmodule
`default_nettype wire
