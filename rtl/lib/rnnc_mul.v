// rnnc_mul: fixed-point multiply sAW.AF x sBW.BF -> sOW.OF (ir_num_mul of ir/numeric.c).
//
// Parameters: AW, AF, BW, BF (operands, at most 32 bits each), OW, OF (result).
// The product is exact (AW + BW bits, AF + BF fraction bits), then rounded (ties toward
// +infinity) and saturated to the result type by rnnc_rescale. Combinational.
`default_nettype none
module rnnc_mul #(
    parameter AW = 16,
    parameter AF = 14,
    parameter BW = 16,
    parameter BF = 14,
    parameter OW = 16,
    parameter OF = 14
) (
    input  wire [AW-1:0] in_a,
    input  wire [BW-1:0] in_b,
    output wire [OW-1:0] out_data
);
    wire signed [AW+BW-1:0] p = $signed(in_a) * $signed(in_b);

    rnnc_rescale #(.IW(AW + BW), .IF(AF + BF), .OW(OW), .OF(OF)) rs (
        .in_data(p), .out_data(out_data)
    );
endmodule
`default_nettype wire
