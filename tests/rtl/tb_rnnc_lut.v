// Self-checking testbench of rnnc_lut: tables and vectors from numvec (INIT_LUT of
// ir/interp.c, ir_num_lut_index_fix of ir/numeric.c). Run in the directory holding numvec's
// files. Prints PASS, or FAIL: <first mismatch>.
`default_nettype none
module tb_rnnc_lut_case #(
    parameter XW = 32,
    parameter signed [63:0] LO = -131072,
    parameter signed [63:0] HI = 131072,
    parameter N = 1024,
    parameter OW = 16,
    parameter FILE = "lut_0.hex",
    parameter TAB = "lut_0_tab.hex"
) (
    output reg        done,
    output reg [31:0] errors
);
    reg [63:0] vec [0:3*512-1];
    reg [XW-1:0] x;
    wire [$clog2(N)-1:0] idx;
    wire [OW-1:0] y;
    reg [63:0] got, got_idx;
    integer i;

    rnnc_lut #(.XW(XW), .LO(LO), .HI(HI), .N(N), .OW(OW), .INIT(TAB)) dut (
        .in_data(x), .out_idx(idx), .out_data(y)
    );

    initial begin
        done = 0;
        errors = 0;
        $readmemh(FILE, vec);
        for (i = 0; i < 512; i = i + 1) begin
            x = vec[3*i][XW-1:0];
            #1;
            got = $signed(y);
            got_idx = idx;
            if (got !== vec[3*i+2] || got_idx !== vec[3*i+1]) begin
                if (errors == 0)
                    $display("FAIL: rnnc_lut %s vector %0d: x %h, got index %0d entry %h, expected index %0d entry %h",
                             TAB, i, vec[3*i], got_idx, got, vec[3*i+1], vec[3*i+2]);
                errors = errors + 1;
            end
        end
        done = 1;
    end
endmodule

module tb_rnnc_lut;
    wire [5:0] done;
    wire [31:0] e0, e1, e2, e3, e4, e5;
    // x format, [lo, hi) x 2^F, entries, entry bits (numvec.c lut_case)
    tb_rnnc_lut_case #(32, -64'sd131072, 64'sd131072, 1024, 16, "lut_0.hex", "lut_0_tab.hex") c0 (done[0], e0);
    tb_rnnc_lut_case #(16, -64'sd8192, 64'sd8192, 1024, 16, "lut_1.hex", "lut_1_tab.hex") c1 (done[1], e1);
    tb_rnnc_lut_case #(8, -64'sd1024, 64'sd1024, 1024, 16, "lut_2.hex", "lut_2_tab.hex") c2 (done[2], e2);
    tb_rnnc_lut_case #(16, -64'sd128, 64'sd128, 1024, 16, "lut_3.hex", "lut_3_tab.hex") c3 (done[3], e3);
    tb_rnnc_lut_case #(16, -64'sd256, 64'sd256, 100, 16, "lut_4.hex", "lut_4_tab.hex") c4 (done[4], e4);
    tb_rnnc_lut_case #(32, -64'sd98304, 64'sd98304, 48, 8, "lut_5.hex", "lut_5_tab.hex") c5 (done[5], e5);
    initial begin
        wait (&done);
        #1;  // let the error counts settle (Verilator resumes before its ports update)
        if (e0 + e1 + e2 + e3 + e4 + e5 != 0)
            $fatal(1, "rnnc_lut: %0d mismatches", e0 + e1 + e2 + e3 + e4 + e5);
        $display("PASS rnnc_lut: 6 cases x 512 vectors");
        $finish;
    end
endmodule
`default_nettype wire
