// Self-checking testbench of rnnc_sat: vectors from numvec (ir_num_sat of ir/numeric.c).
// Run in the directory holding numvec's files. Prints PASS, or FAIL: <first mismatch>.
`default_nettype none
module tb_rnnc_sat_case #(
    parameter IW = 16,
    parameter OW = 8,
    parameter FILE = "sat_0.hex"
) (
    output reg        done,
    output reg [31:0] errors
);
    reg [63:0] vec [0:3*512-1];
    reg [IW-1:0] x;
    wire [OW-1:0] y;
    reg [63:0] got;
    integer i;

    rnnc_sat #(.IW(IW), .OW(OW)) dut (.in_data(x), .out_data(y));

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
                    $display("FAIL: rnnc_sat IW=%0d OW=%0d vector %0d: in %h, got %h, expected %h",
                             IW, OW, i, vec[3*i], got, vec[3*i+2]);
                errors = errors + 1;
            end
        end
        done = 1;
    end
endmodule

module tb_rnnc_sat;
    wire [4:0] done;
    wire [31:0] e0, e1, e2, e3, e4;
    tb_rnnc_sat_case #(16, 8, "sat_0.hex") c0 (done[0], e0);
    tb_rnnc_sat_case #(64, 32, "sat_1.hex") c1 (done[1], e1);
    tb_rnnc_sat_case #(33, 16, "sat_2.hex") c2 (done[2], e2);
    tb_rnnc_sat_case #(8, 8, "sat_3.hex") c3 (done[3], e3);
    tb_rnnc_sat_case #(40, 39, "sat_4.hex") c4 (done[4], e4);
    initial begin
        wait (&done);
        #1;  // let the error counts settle (Verilator resumes before its ports update)
        if (e0 + e1 + e2 + e3 + e4 != 0)
            $fatal(1, "rnnc_sat: %0d mismatches", e0 + e1 + e2 + e3 + e4);
        $display("PASS rnnc_sat: 5 cases x 512 vectors");
        $finish;
    end
endmodule
`default_nettype wire
