// rnnc_lut: table-lookup activation (docs/numerics.md "Lookup tables", ir_num_lut_index_fix).
//
// Parameters:
//   XW      bits of the input x (signed fixed point, F fraction bits)
//   LO, HI  the table's range as raw integers of the input's format: L = lo x 2^F, R = hi x 2^F
//   N       entries (>= 2)
//   OW      bits of an entry (the result type)
//   INIT    $readmemh file of N entries, OW-bit two's complement (entry k = fn at the middle
//           of interval k, converted to the result type)
// Index: x <= L gives 0, x >= R gives N - 1, otherwise floor((x - L) x N / (R - L)). When the
// step (R - L) / N is a power of two this is a shift right, when N / (R - L) is one a shift
// left (the default table: 1024 entries over [-8, 8) is a shift); otherwise a divider by the
// constant R - L. Combinational: out_idx and out_data = table[out_idx].
`default_nettype none
module rnnc_lut #(
    parameter XW = 32,
    parameter signed [63:0] LO = -131072,
    parameter signed [63:0] HI = 131072,
    parameter N = 1024,
    parameter OW = 16,
    parameter INIT = ""
) (
    input  wire [XW-1:0]        in_data,
    output wire [$clog2(N)-1:0] out_idx,
    output wire [OW-1:0]        out_data
);
    localparam IW = $clog2(N);
    localparam CW = 68 + IW;                 // wide enough for (x - L) x N with 64-bit L, x
    localparam signed [CW-1:0] L = {{(CW-64){LO[63]}}, LO};
    localparam signed [CW-1:0] R = {{(CW-64){HI[63]}}, HI};
    localparam [CW-1:0] SPAN = R - L;
    localparam [CW-1:0] NN = N * {{(CW-1){1'b0}}, 1'b1};
    localparam [CW-1:0] STEP = SPAN / NN;    // raw units per entry when it divides
    localparam [CW-1:0] PER = NN / SPAN;     // entries per raw unit when it divides
    localparam SHR = SPAN % NN == 0 && (STEP & (STEP - 1)) == 0;
    localparam SHL = !SHR && NN % SPAN == 0 && (PER & (PER - 1)) == 0;
    localparam KR = SHR ? $clog2(STEP) : 0;
    localparam KL = SHL ? $clog2(PER) : 0;

    /* verilator lint_off UNDRIVEN */
    reg [OW-1:0] tab [0:N-1];      // filled from INIT only
    /* verilator lint_on UNDRIVEN */
    generate
        if (INIT != "") begin : g_init
            initial $readmemh(INIT, tab);
        end
    endgenerate

    wire signed [CW-1:0] x = {{(CW-XW){in_data[XW-1]}}, in_data};
    wire [CW-1:0] d = x - L;                 // x - L, positive inside (L, R)
    /* verilator lint_off UNUSEDSIGNAL */
    wire [CW-1:0] q;                         // the index inside (L, R): < N
    /* verilator lint_on UNUSEDSIGNAL */
    generate
        if (SHR) begin : g_shr
            assign q = d >> KR;
        end else if (SHL) begin : g_shl
            assign q = d << KL;
        end else begin : g_div
            assign q = (d * NN) / SPAN;
        end
    endgenerate

    assign out_idx = x <= L ? {IW{1'b0}} : x >= R ? N[IW-1:0] - 1'b1 : q[IW-1:0];
    assign out_data = tab[out_idx];
endmodule
`default_nettype wire
