// rnnc_link: a link of docs/sim.md, a delay line of LAT cycles ending in a FIFO of DEPTH entries.
//
// Parameters: WIDTH (data bits), LAT (max(1, hops x hop_cycles), >= 1), DEPTH (FIFO entries),
// FLITS (>= 1: flits of a token, one a cycle; a row group's values wider than the link, hv > 1).
// Cycle behaviour (can_push / push / peek / pop of sim/sim.c):
//   - the link holds up to CAP = DEPTH + LAT tokens: the flits on the wire sit in the switch
//     registers. in_ready = fewer than CAP tokens in the link at the start of the cycle, so a
//     slot freed by the consumer in cycle n is seen by the producer in cycle n + 1;
//   - a token pushed in cycle n (in_valid && in_ready) is visible to the consumer (out_valid,
//     out_data) from cycle n + LAT on, in push order; it leaves in a cycle with out_ready;
//   - a token of FLITS flits is seen when its last flit arrives, FLITS - 1 cycles later (the
//     capacity stays DEPTH + LAT; the consumer's issue interval, not the link, paces the flits).
// A multicast producer pushes only when every destination has room: the top ANDs the in_ready
// of its links and drives the same in_valid into all of them.
// The tokens are stored once, in a ring of CAP words; the delay line itself is LAT - 1 bits that
// carry each push to the moment it becomes visible (it never stalls, like the switches).
// rst is synchronous and active high: the link empties.
`default_nettype none
module rnnc_link #(
    parameter WIDTH = 32,
    parameter LAT = 1,
    parameter DEPTH = 4,
    parameter FLITS = 1
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
    localparam CAP = DEPTH + LAT;
    localparam AW = CAP > 1 ? $clog2(CAP) : 1;
    localparam CW = $clog2(CAP + 1);
    localparam integer LASTI = CAP - 1;
    localparam VLAT = LAT + FLITS - 1;    // cycles from a push to its token being seen

    reg [WIDTH-1:0] mem [0:CAP-1];
    reg [AW-1:0] rd, wr;
    reg [CW-1:0] count;    // tokens in the link (on the wire and in the FIFO)
    reg [CW-1:0] vis;      // of them, the oldest ones the consumer may see

    wire push = in_valid && in_ready;
    wire pop = out_valid && out_ready;
    wire arrive;           // a token pushed VLAT - 1 cycles ago becomes visible next cycle

    assign in_ready = count != CAP[CW-1:0];
    assign out_valid = vis != {CW{1'b0}};
    assign out_data = mem[rd];

    generate
        if (VLAT == 1) begin : g_direct
            assign arrive = push;
        end else if (VLAT == 2) begin : g_wire1
            reg wire_q;             // a token pushed one cycle ago
            always @(posedge clk)
                wire_q <= !rst && push;
            assign arrive = wire_q;
        end else begin : g_wire
            reg [VLAT-2:0] wire_q;   // wire_q[k]: a token pushed k + 1 cycles ago
            always @(posedge clk) begin
                if (rst)
                    wire_q <= {(VLAT-1){1'b0}};
                else
                    wire_q <= {wire_q[VLAT-3:0], push};
            end
            assign arrive = wire_q[VLAT-2];
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) begin
            rd <= {AW{1'b0}};
            wr <= {AW{1'b0}};
            count <= {CW{1'b0}};
            vis <= {CW{1'b0}};
        end else begin
            if (push) begin
                mem[wr] <= in_data;
                wr <= wr == LASTI[AW-1:0] ? {AW{1'b0}} : wr + 1'b1;
            end
            if (pop)
                rd <= rd == LASTI[AW-1:0] ? {AW{1'b0}} : rd + 1'b1;
            count <= count + {{(CW-1){1'b0}}, push} - {{(CW-1){1'b0}}, pop};
            vis <= vis + {{(CW-1){1'b0}}, arrive} - {{(CW-1){1'b0}}, pop};
        end
    end
endmodule
`default_nettype wire
