// rnnc_fifo: a valid/ready FIFO of DEPTH entries of WIDTH bits.
//
// Parameters: WIDTH (data bits), DEPTH (entries, >= 1).
// Cycle behaviour (the FIFO end of a link in docs/sim.md):
//   - a word written in cycle n (in_valid && in_ready) is visible at the output in cycle n + 1;
//   - out_valid = at least one word held; out_data is the oldest word (first-word fall-through);
//     a word is taken in the cycle where out_valid && out_ready;
//   - in_ready = fewer than DEPTH words held at the start of the cycle: a slot freed by a read
//     in cycle n is seen by the writer in cycle n + 1 (in_ready never depends on out_ready).
// rst is synchronous and active high: the FIFO empties.
`default_nettype none
module rnnc_fifo #(
    parameter WIDTH = 32,
    parameter DEPTH = 4
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             in_valid,
    output wire             in_ready,
    input  wire [WIDTH-1:0] in_data,
    output wire             out_valid,
    input  wire             out_ready,
    output wire [WIDTH-1:0] out_data
);
    localparam AW = DEPTH > 1 ? $clog2(DEPTH) : 1;
    localparam CW = $clog2(DEPTH + 1);
    localparam integer LASTI = DEPTH - 1;

    reg [WIDTH-1:0] mem [0:DEPTH-1];
    reg [AW-1:0] rd, wr;
    reg [CW-1:0] count;

    wire push = in_valid && in_ready;
    wire pop = out_valid && out_ready;

    assign in_ready = count != DEPTH[CW-1:0];
    assign out_valid = count != {CW{1'b0}};
    assign out_data = mem[rd];

    always @(posedge clk) begin
        if (rst) begin
            rd <= {AW{1'b0}};
            wr <= {AW{1'b0}};
            count <= {CW{1'b0}};
        end else begin
            if (push) begin
                mem[wr] <= in_data;
                wr <= wr == LASTI[AW-1:0] ? {AW{1'b0}} : wr + 1'b1;
            end
            if (pop)
                rd <= rd == LASTI[AW-1:0] ? {AW{1'b0}} : rd + 1'b1;
            count <= count + {{(CW-1){1'b0}}, push} - {{(CW-1){1'b0}}, pop};
        end
    end
endmodule
`default_nettype wire
