// rnnc_counter: a chain of LEVELS nested counters, level 0 the innermost.
//
// Parameters: LEVELS (>= 1), W (bits per level), BOUNDS (LEVELS x 32 bits: level k counts
//             0 .. BOUNDS[32k +: 32] - 1, each bound >= 1 and < 2^W).
// For a PMU stream the levels are (vector step, row, batch): BOUNDS = {B, ROWS, NT}, and the
// walk visits position p = (b x ROWS + j) x NT + s in order, as stream_cycle of sim/sim.c.
// Cycle behaviour:
//   - start in cycle n: the walk restarts at all zeros, busy from cycle n + 1;
//   - while busy, en in cycle n moves to the next position in cycle n + 1; cnt shows the
//     current position; at_max[k] says level k is at its last value;
//   - wrap[k] (combinational): en while busy and levels 0..k all at their last value, i.e.
//     level k wraps (or, for the outermost, the walk ends) in this cycle;
//   - done = wrap[LEVELS-1]: the last position is used in this cycle; busy is low from the
//     next cycle until the next start.
// rst is synchronous and active high: not busy, all zeros.
`default_nettype none
module rnnc_counter #(
    parameter LEVELS = 3,
    parameter W = 16,
    parameter [LEVELS*32-1:0] BOUNDS = {32'd2, 32'd3, 32'd4}
) (
    input  wire                clk,
    input  wire                rst,
    input  wire                start,
    input  wire                en,
    output wire [LEVELS*W-1:0] cnt,
    output wire [LEVELS-1:0]   at_max,
    output wire [LEVELS-1:0]   wrap,
    output wire                busy,
    output wire                done
);
    reg [LEVELS*W-1:0] c;
    reg run;
    wire step = en && run;

    assign cnt = c;
    assign busy = run;
    assign done = wrap[LEVELS-1];

    genvar k;
    generate
        for (k = 0; k < LEVELS; k = k + 1) begin : g_level
            localparam [31:0] BMAX = BOUNDS[32*k +: 32] - 32'd1;
            assign at_max[k] = c[W*k +: W] == BMAX[W-1:0];
            // level k moves when every inner level wraps; wrap[k] when it is at its last value too
            wire move;
            if (k == 0) begin : g_move0
                assign move = step;
            end else begin : g_movek
                assign move = step && (&at_max[k-1:0]);
            end
            assign wrap[k] = move && at_max[k];
            always @(posedge clk) begin
                if (rst || start)
                    c[W*k +: W] <= {W{1'b0}};
                else if (move)
                    c[W*k +: W] <= at_max[k] ? {W{1'b0}} : c[W*k +: W] + 1'b1;
            end
        end
    endgenerate

    always @(posedge clk) begin
        if (rst)
            run <= 1'b0;
        else if (start)
            run <= 1'b1;
        else if (done)
            run <= 1'b0;
    end
endmodule
`default_nettype wire
