// rnnc_rescale: fixed-point cast sIW.IF -> sOW.OF (ir_num_rescale of ir/numeric.c).
//
// Parameters: IW, IF (input bits and fraction bits), OW, OF (result bits and fraction bits).
// Dropping S = IF - OF > 0 fraction bits rounds to nearest, ties toward +infinity:
// (x >>> S) + x[S-1], which cannot overflow; S < 0 shifts left exactly (IW - S bits); then the
// value saturates to OW bits (rnnc_sat). Combinational.
`default_nettype none
module rnnc_rescale #(
    parameter IW = 32,
    parameter IF = 14,
    parameter OW = 8,
    parameter OF = 7
) (
    input  wire [IW-1:0] in_data,
    output wire [OW-1:0] out_data
);
    localparam S = IF - OF;
    localparam TW = S < 0 ? IW - S : IW;   // bits of the exact shifted value
    wire [TW-1:0] t;

    generate
        if (S > 0) begin : g_right
            // S < IW always (IF < IW): the round bit x[S-1] exists
            wire signed [IW-1:0] x = in_data;
            wire signed [IW-1:0] sh = x >>> S;
            assign t = sh + {{(IW-1){1'b0}}, in_data[S-1]};
        end else if (S < 0) begin : g_left
            assign t = {in_data, {(-S){1'b0}}};
        end else begin : g_same
            assign t = in_data;
        end
    endgenerate

    rnnc_sat #(.IW(TW), .OW(OW)) sat (.in_data(t), .out_data(out_data));
endmodule
`default_nettype wire
