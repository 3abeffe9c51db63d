// rnnc_pmu: a PMU, banked scratchpad with a stream read port and write ports.
//
// Parameters:
//   WIDTH       bits per word
//   VEC         words per vector read (the lanes x pack values of one vector step)
//   WORDS       words held; word i lives in bank i % BANKS at row i / BANKS
//   BANKS       banks; a vector read needs VEC words, so it issues once every
//               II = ceil(VEC / BANKS) cycles (docs/sim.md: bank-conflict stalls)
//   INIT        "" or a $readmemh file of WORDS words (the weights, a table)
//   NB, NR, NT  the walk: batch, rows, vector steps (sim.c stream_cycle)
//   SB, SR, SS  word strides of the read address per batch, row, vector step:
//               addr = rd_base + b x SB + j x SR + s x SS, reading words addr .. addr + VEC - 1
//               (xh: SB = N, SR = 0, SS = VEC; weights: SB = 0, SR = NT x VEC, SS = VEC)
//   WPORTS      write ports (one per link bringing h values into the xh double buffer)
//   SX, NSTEP   hoist_input (SX > 0): the walk of NSTEP steps, each the x phase of the step (its
//               first SX vector steps of every row) and then its h half (the other NT - SX),
//               both along (batch, row, vector step); a phase follows the one before it with
//               no gap, and `start` begins the whole walk. SX = 0: a walk of one step per start
// Cycle behaviour:
//   - start in cycle n begins a walk of NB x NR x NT vectors; the first is offered in n + 1;
//   - while the walk lasts, out_valid is high in the cycles where II cycles have passed since
//     the previous vector; a vector leaves in a cycle with out_valid && out_ready (a multicast
//     top ANDs its links' in_ready), and the next position follows;
//   - out_data is the vector at the current position (word w in bits w x WIDTH +: WIDTH),
//     out_pos its {b, j, s} (PW bits each, PW = $clog2 of the largest bound + 1), out_last
//     s == NT - 1 (the row's last vector step), busy the walk in progress;
//   - hold high keeps the current vector back (out_valid low): the top's gate of a hoisted
//     walk, whose phases wait for their step (out_xp: the x phase, out_step: its step; both 0
//     with SX = 0); out_last is then the phase's last vector step;
//   - a write (wr_en[p]) in cycle n is seen by reads from cycle n + 1; two ports must not
//     write one word in the same cycle (each h and x word has one writer). The xh double
//     buffer is two halves of the words: the top walks one (rd_base) while the epilogue
//     writes the other.
// The read is combinational (a register file); a vector is offered in its issue cycle, as in
// the simulator. rst is synchronous and active high: no walk; the contents stay.
`default_nettype none
module rnnc_pmu #(
    parameter WIDTH = 8,
    parameter VEC = 4,
    parameter WORDS = 64,
    parameter BANKS = 16,
    parameter INIT = "",
    parameter NB = 1,
    parameter NR = 2,
    parameter NT = 2,
    parameter SB = 0,
    parameter SR = 8,
    parameter SS = 4,
    parameter WPORTS = 1,
    parameter SX = 0,
    parameter [31:0] NSTEP = 32'd1,
    parameter AW = $clog2(WORDS),
    parameter PW = $clog2((NB > NR ? (NB > NT ? NB : NT) : (NR > NT ? NR : NT)) + 1)
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire                  start,
    input  wire [AW-1:0]         rd_base,
    output wire                  out_valid,
    input  wire                  out_ready,
    output wire [VEC*WIDTH-1:0]  out_data,
    output wire [3*PW-1:0]       out_pos,
    output wire                  out_last,
    output wire                  busy,
    input  wire                  hold,
    output wire                  out_xp,
    output wire [31:0]           out_step,
    input  wire [WPORTS-1:0]     wr_en,
    input  wire [WPORTS*AW-1:0]  wr_addr,
    input  wire [WPORTS*WIDTH-1:0] wr_data
);
    localparam II = (VEC + BANKS - 1) / BANKS;

    reg [WIDTH-1:0] mem [0:WORDS-1];
    generate
        if (INIT != "") begin : g_init
            initial $readmemh(INIT, mem);
        end
    endgenerate

    /* verilator lint_off UNUSEDSIGNAL */
    wire [2:0] at_max;      // only the vector step's is used: out_last
    /* verilator lint_on UNUSEDSIGNAL */
    wire [3*PW-1:0] pos;
    wire run, ii_ok;
    wire issue = out_valid && out_ready;

    generate
        if (SX == 0) begin : g_walk
            localparam [95:0] WALK = NB * 96'h1_0000_0000_0000_0000 + NR * 96'h1_0000_0000 +
                                     NT * 96'h1;
            /* verilator lint_off UNUSEDSIGNAL */
            wire [2:0] wrap;
            wire done;
            /* verilator lint_on UNUSEDSIGNAL */
            rnnc_counter #(
                .LEVELS(3), .W(PW), .BOUNDS(WALK)
            ) walk (
                .clk(clk), .rst(rst), .start(start), .en(issue), .cnt(pos), .at_max(at_max),
                .wrap(wrap), .busy(run), .done(done)
            );
            assign out_xp = 1'b0;
            assign out_step = 32'd0;
        end else begin : g_hoist
            // the x phase (counter cx) and the h half (ch) of step ts, one after the other
            localparam [95:0] WX = NB * 96'h1_0000_0000_0000_0000 + NR * 96'h1_0000_0000 +
                                   SX * 96'h1;
            localparam integer NH = NT - SX;
            localparam [95:0] WH = NB * 96'h1_0000_0000_0000_0000 + NR * 96'h1_0000_0000 +
                                   NH * 96'h1;
            localparam [PW-1:0] SXP = SX[PW-1:0];
            /* verilator lint_off UNUSEDSIGNAL */
            wire [2:0] mx, mh, wx, wh;
            /* verilator lint_on UNUSEDSIGNAL */
            wire [3*PW-1:0] px, ph;
            wire rx, rh, dx, dh;
            reg [31:0] ts;
            rnnc_counter #(
                .LEVELS(3), .W(PW), .BOUNDS(WX)
            ) cx (
                .clk(clk), .rst(rst), .start(start || (dh && ts + 32'd1 < NSTEP)),
                .en(issue), .cnt(px), .at_max(mx), .wrap(wx), .busy(rx), .done(dx)
            );
            rnnc_counter #(
                .LEVELS(3), .W(PW), .BOUNDS(WH)
            ) ch (
                .clk(clk), .rst(rst), .start(dx), .en(issue), .cnt(ph), .at_max(mh),
                .wrap(wh), .busy(rh), .done(dh)
            );
            always @(posedge clk) begin
                if (rst || start)
                    ts <= 32'd0;
                else if (dh)
                    ts <= ts + 32'd1;
            end
            assign run = rx || rh;
            assign pos = rx ? px : {ph[3*PW-1:PW], ph[PW-1:0] + SXP};
            assign at_max = rx ? mx : mh;
            assign out_xp = rx;
            assign out_step = ts;
        end
    endgenerate

    // the address of the current vector (32-bit arithmetic, then the AW address bits)
    /* verilator lint_off UNUSEDSIGNAL */
    wire [31:0] addr32 = {{(32-AW){1'b0}}, rd_base}
                       + {{(32-PW){1'b0}}, pos[2*PW +: PW]} * SB[31:0]
                       + {{(32-PW){1'b0}}, pos[PW +: PW]} * SR[31:0]
                       + {{(32-PW){1'b0}}, pos[0 +: PW]} * SS[31:0];
    /* verilator lint_on UNUSEDSIGNAL */

    genvar w;
    generate
        for (w = 0; w < VEC; w = w + 1) begin : g_word
            wire [AW-1:0] a = addr32[AW-1:0] + w[AW-1:0];
            assign out_data[w*WIDTH +: WIDTH] = mem[a];
        end
        if (II == 1) begin : g_ii1
            assign ii_ok = 1'b1;
        end else begin : g_ii
            localparam IW = $clog2(II);
            localparam integer IIM1 = II - 1;
            reg [IW-1:0] wait_q;
            always @(posedge clk) begin
                if (rst || start)
                    wait_q <= {IW{1'b0}};
                else if (issue)
                    wait_q <= IIM1[IW-1:0];
                else if (wait_q != {IW{1'b0}})
                    wait_q <= wait_q - 1'b1;
            end
            assign ii_ok = wait_q == {IW{1'b0}};
        end
    endgenerate

    assign out_valid = run && ii_ok && !hold;
    assign out_pos = pos;
    assign out_last = at_max[0];
    assign busy = run;

    // a process per write port, not a loop of non-blocking writes to the array (which some
    // simulators build only unrolled); the top never writes a word from two ports in a cycle
    genvar p;
    generate
        for (p = 0; p < WPORTS; p = p + 1) begin : g_wr
            always @(posedge clk)
                if (wr_en[p])
                    mem[wr_addr[p*AW +: AW]] <= wr_data[p*WIDTH +: WIDTH];
        end
    endgenerate
endmodule
`default_nettype wire
