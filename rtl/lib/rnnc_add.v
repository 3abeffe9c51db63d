// rnnc_add: saturating elementwise add, sub, max, min of one fixed-point type
// (ir_num_add / ir_num_sub of ir/numeric.c; max and min as the interpreter).
//
// Parameters: W (bits of operands and result), OP (0 add, 1 sub, 2 max, 3 min).
// Fraction bits do not matter: both operands and the result have the same type (neg is
// OP = 1 with in_a = 0). The sum is exact in W + 1 bits, then saturated to W. Combinational.
`default_nettype none
module rnnc_add #(
    parameter W = 16,
    parameter OP = 0
) (
    input  wire [W-1:0] in_a,
    input  wire [W-1:0] in_b,
    output wire [W-1:0] out_data
);
    generate
        if (OP == 0 || OP == 1) begin : g_add
            wire [W:0] a = {in_a[W-1], in_a};
            wire [W:0] b = {in_b[W-1], in_b};
            wire [W:0] r = OP == 0 ? a + b : a - b;
            rnnc_sat #(.IW(W + 1), .OW(W)) sat (.in_data(r), .out_data(out_data));
        end else begin : g_minmax
            wire a_gt = $signed(in_a) > $signed(in_b);
            assign out_data = (OP == 2) == a_gt ? in_a : in_b;
        end
    endgenerate
endmodule
`default_nettype wire
