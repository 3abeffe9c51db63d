// rnnc_pipe: the timing of a PCU pipeline of DEPTH slots with whole-pipeline stall.
//
// Parameters: WIDTH (token bits), DEPTH (slots: the sum of the stage latencies, >= 1),
//             II (cycles between two tokens taken, >= 1; 1 unless the unit waits on PMU banks).
// Cycle behaviour (pcu_drain / pcu_take / pcu_cycle of sim/sim.c):
//   - out_valid: the oldest slot holds a token; it leaves in a cycle with out_ready;
//   - if the oldest slot holds a token and out_ready is low, the whole pipeline stalls: nothing
//     moves and nothing enters (in_ready low, en low);
//   - otherwise the pipeline advances (en high) and one token may enter (in_ready high, unless
//     fewer than II cycles have passed since the last one entered);
//   - a token entering in cycle n leaves in cycle n + DEPTH when nothing stalls.
// The sim's ring of slots with a moving head is this shift register with a common enable:
// slot k holds the token that entered k + 1 advances ago. `en` and `slot_valid` let a datapath
// outside keep its stage registers in lock step (the epilogue's stages, the dot product's).
// rst is synchronous and active high: the pipeline empties.
`default_nettype none
module rnnc_pipe #(
    parameter WIDTH = 32,
    parameter DEPTH = 8,
    parameter II = 1
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             in_valid,
    output wire             in_ready,
    input  wire [WIDTH-1:0] in_data,
    output wire             out_valid,
    input  wire             out_ready,
    output wire [WIDTH-1:0] out_data,
    output wire             en,
    output wire [DEPTH-1:0] slot_valid
);
    reg [DEPTH-1:0] v;
    reg [DEPTH*WIDTH-1:0] d;    // slot k in bits k x WIDTH +: WIDTH
    wire ii_ok;

    assign out_valid = v[DEPTH-1];
    assign out_data = d[(DEPTH-1)*WIDTH +: WIDTH];
    assign en = !v[DEPTH-1] || out_ready;
    assign in_ready = en && ii_ok;
    assign slot_valid = v;

    wire take = in_valid && in_ready;

    generate
        if (II == 1) begin : g_ii1
            assign ii_ok = 1'b1;
        end else begin : g_ii
            localparam IW = $clog2(II);
            localparam integer IIM1 = II - 1;
            reg [IW-1:0] wait_q;    // cycles still to wait before the next take
            always @(posedge clk) begin
                if (rst)
                    wait_q <= {IW{1'b0}};
                else if (take)
                    wait_q <= IIM1[IW-1:0];
                else if (wait_q != {IW{1'b0}})
                    wait_q <= wait_q - 1'b1;
            end
            assign ii_ok = wait_q == {IW{1'b0}};
        end
        if (DEPTH == 1) begin : g_one
            always @(posedge clk) begin
                if (rst)
                    v <= 1'b0;
                else if (en)
                    v <= take;
                if (en)
                    d <= in_data;
            end
        end else begin : g_many
            always @(posedge clk) begin
                if (rst)
                    v <= {DEPTH{1'b0}};
                else if (en)
                    v <= {v[DEPTH-2:0], take};
                if (en)
                    d <= {d[(DEPTH-1)*WIDTH-1:0], in_data};
            end
        end
    endgenerate

endmodule
`default_nettype wire
