// rnnc_sat: saturate a signed IW-bit value to OW bits (ir_num_sat of ir/numeric.c).
//
// Parameters: IW (input bits), OW (output bits). With OW >= IW the value is sign-extended;
// otherwise values past the largest (smallest) OW-bit value become that value.
// Combinational: the epilogue's stage register sits around it.
`default_nettype none
module rnnc_sat #(
    parameter IW = 16,
    parameter OW = 8
) (
    input  wire [IW-1:0] in_data,
    output wire [OW-1:0] out_data
);
    generate
        if (OW >= IW) begin : g_extend
            assign out_data = {{(OW-IW){in_data[IW-1]}}, in_data};
        end else begin : g_sat
            // in range when the bits above the result's sign bit all equal the input's sign
            wire neg = in_data[IW-1];
            wire fits = in_data[IW-1:OW-1] == {(IW-OW+1){neg}};
            assign out_data = fits ? in_data[OW-1:0] : {neg, {(OW-1){!neg}}};
        end
    endgenerate
endmodule
`default_nettype wire
