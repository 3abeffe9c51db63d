// The units composed into the hand-derived example of docs/sim.md (tests/unit/test_sim.c):
// a vanilla RNN, H = D = 2, T = 2, hu = ru = 1, rv = 4. The xh and weight PMUs stream one
// vector per row (N = 4: one vector step) over 1-hop links into the dot product (depth
// 1 + 2 + 5 = 8), its sums go 2 hops to the epilogue (5 one-cycle stages: an rnnc_pipe), h comes
// back 1 hop into the other half of xh. DRAM: 100 cycles + 1; step 0 streams at S = 101.
// Expected, from docs/sim.md: row 0 enters the dot product at S + 1, leaves at S + 9, reaches
// the epilogue at S + 11, leaves it at S + 16 and reaches xh at S + 17; row 1 a cycle later;
// step 0 ends at S + 18; step 1 streams at S + 101 and ends at S + 119: 221 cycles in all.
// The controller (begin_step, the barrier, DRAM) is written here as the simulator's main loop.
// Prints PASS, or FAIL: <first mismatch>.
`default_nettype none
module tb_sim_example;
    localparam STEPS = 2, H = 2, D = 2, DRAM = 101;
    reg clk = 0;
    always #5 clk = !clk;
    reg rst = 1;

    // ---- units -------------------------------------------------------------------------
    wire start;
    reg [2:0] rd_base;
    wire xh_valid, xh_ready, xh_last, w_valid, w_ready, w_last, xh_busy, w_busy;
    wire [31:0] xh_vec, w_vec;
    wire [5:0] xh_pos, w_pos;
    wire h_valid;
    wire [9:0] h_tok;
    reg [2:0] h_addr;

    rnnc_pmu #(.WIDTH(8), .VEC(4), .WORDS(8), .BANKS(16), .NB(1), .NR(2), .NT(1), .SB(4),
               .SR(0), .SS(4), .WPORTS(1)) xh (
        .clk(clk), .rst(rst), .start(start), .rd_base(rd_base), .out_valid(xh_valid),
        .out_ready(xh_ready), .out_data(xh_vec), .out_pos(xh_pos), .out_last(xh_last),
        .busy(xh_busy), .hold(1'b0), .out_xp(), .out_step(), .wr_en(h_valid), .wr_addr(h_addr), .wr_data(h_tok[7:0])
    );
    rnnc_pmu #(.WIDTH(8), .VEC(4), .WORDS(8), .BANKS(16), .NB(1), .NR(2), .NT(1), .SB(0),
               .SR(4), .SS(4), .WPORTS(1)) w (
        .clk(clk), .rst(rst), .start(start), .rd_base(3'd0), .out_valid(w_valid),
        .out_ready(w_ready), .out_data(w_vec), .out_pos(w_pos), .out_last(w_last),
        .busy(w_busy), .hold(1'b0), .out_xp(), .out_step(), .wr_en(1'b0), .wr_addr(3'd0), .wr_data(8'd0)
    );

    // xh -> dot (1 hop): {row, last, vector}; weights -> dot (1 hop)
    wire xl_valid, xl_ready, wl_valid, wl_ready;
    wire [34:0] xl_data;
    wire [31:0] wl_data;
    rnnc_link #(.WIDTH(35), .LAT(1), .DEPTH(4)) l_xh (
        .clk(clk), .rst(rst), .in_valid(xh_valid), .in_ready(xh_ready),
        .in_data({xh_pos[1:0], xh_last, xh_vec}), .out_valid(xl_valid), .out_ready(xl_ready),
        .out_data(xl_data)
    );
    rnnc_link #(.WIDTH(32), .LAT(1), .DEPTH(4)) l_w (
        .clk(clk), .rst(rst), .in_valid(w_valid), .in_ready(w_ready), .in_data(w_vec),
        .out_valid(wl_valid), .out_ready(wl_ready), .out_data(wl_data)
    );

    // the dot product takes a step when both links hold one
    wire dot_in_ready, dot_out_valid, dot_out_ready;
    wire [63:0] dot_sum;
    wire [1:0] dot_row;
    wire dot_take = xl_valid && wl_valid && dot_in_ready;
    assign xl_ready = dot_take;
    assign wl_ready = dot_take;
    rnnc_dot #(.LANES(1), .PACK(4), .VBITS(8), .ACCW(64), .FOLDED(1), .FOLD_LAT(5), .TW(2)) dot (
        .clk(clk), .rst(rst), .in_valid(xl_valid && wl_valid), .in_ready(dot_in_ready),
        .in_x(xl_data[31:0]), .in_w(wl_data), .in_mask(4'hf), .in_last(xl_data[32]),
        .in_tag(xl_data[34:33]), .out_valid(dot_out_valid), .out_ready(dot_out_ready),
        .out_data(dot_sum), .out_tag(dot_row)
    );

    // the sum, 2 hops to the epilogue
    wire sl_valid, sl_ready;
    wire [65:0] sl_data;
    rnnc_link #(.WIDTH(66), .LAT(2), .DEPTH(4)) l_sum (
        .clk(clk), .rst(rst), .in_valid(dot_out_valid), .in_ready(dot_out_ready),
        .in_data({dot_row, dot_sum}), .out_valid(sl_valid), .out_ready(sl_ready),
        .out_data(sl_data)
    );

    // the epilogue: 5 one-cycle stages (add, add, lut, cast, cast); h is a byte of the sum here
    wire epi_out_valid, epi_out_ready, epi_en;
    wire [9:0] epi_out;
    wire [4:0] epi_slots;
    rnnc_pipe #(.WIDTH(10), .DEPTH(5), .II(1)) epi (
        .clk(clk), .rst(rst), .in_valid(sl_valid), .in_ready(sl_ready),
        .in_data({sl_data[65:64], sl_data[7:0]}), .out_valid(epi_out_valid),
        .out_ready(epi_out_ready), .out_data(epi_out), .en(epi_en), .slot_valid(epi_slots)
    );

    // h, 1 hop back to xh, taken as it arrives
    rnnc_link #(.WIDTH(10), .LAT(1), .DEPTH(4)) l_h (
        .clk(clk), .rst(rst), .in_valid(epi_out_valid), .in_ready(epi_out_ready),
        .in_data(epi_out), .out_valid(h_valid), .out_ready(1'b1), .out_data(h_tok)
    );

    // ---- the controller: sim_run's loop ---------------------------------------------------
    integer now = 0, nxt = 0, running = 0, recv = 0, dram_at = DRAM, s_cyc = 0, errors = 0;
    integer ends [0:STEPS-1];
    integer starts [0:STEPS-1];
    // the step that streams next begins in cycle now + 1 when x is there and the previous step
    // has all its h by the end of this cycle (the barrier): start its walks now
    wire complete = running != 0 && recv + h_valid == H;
    assign start = !rst && nxt < STEPS && (running == 0 || complete) && now + 1 >= dram_at;

    always @(*) h_addr = (nxt % 2) * 4 + D + h_tok[9:8];   // the other half: the next step's

    task check_at(input integer got, input integer want, input [8*24-1:0] what);
        begin
            if (got != want) begin
                if (errors == 0)
                    $display("FAIL: %0s at cycle %0d, expected %0d (step streaming at %0d)",
                             what, got, want, s_cyc);
                errors = errors + 1;
            end
        end
    endtask

    integer k_dot_in = 0, k_dot_out = 0, k_epi_in = 0, k_epi_out = 0, k_h = 0;
    always @(posedge clk) begin
        if (rst) begin
            rst <= 0;
        end else begin
            if (dot_take) begin
                check_at(now, s_cyc + 1 + k_dot_in % 2, "dot product entry");
                k_dot_in = k_dot_in + 1;
            end
            if (dot_out_valid && dot_out_ready) begin
                check_at(now, s_cyc + 9 + k_dot_out % 2, "dot product exit");
                k_dot_out = k_dot_out + 1;
            end
            if (sl_valid && sl_ready) begin
                check_at(now, s_cyc + 11 + k_epi_in % 2, "epilogue entry");
                k_epi_in = k_epi_in + 1;
            end
            if (epi_out_valid && epi_out_ready) begin
                check_at(now, s_cyc + 16 + k_epi_out % 2, "epilogue exit");
                k_epi_out = k_epi_out + 1;
            end
            if (h_valid) begin
                check_at(now, s_cyc + 17 + k_h % 2, "h reaching xh");
                k_h = k_h + 1;
                recv = recv + 1;
            end
            if (complete) begin
                ends[nxt - 1] = now;
                running = 0;
                recv = 0;
            end
            if (start) begin
                s_cyc = now + 1;
                starts[nxt] = now + 1;
                rd_base <= (nxt % 2) * 4;
                running = 1;
                nxt = nxt + 1;
                if (nxt < STEPS)
                    dram_at = s_cyc + DRAM;
            end
            now = now + 1;
            if (nxt == STEPS && running == 0) begin
                check_at(starts[0], 101, "step 0 streaming");
                check_at(ends[0], 119, "step 0 ending");
                check_at(starts[1], 202, "step 1 streaming");
                check_at(ends[1], 220, "step 1 ending");
                check_at(k_h, STEPS * H, "h values");
                if (errors != 0)
                    $fatal(1, "sim example: %0d mismatches", errors);
                $display("PASS sim example: steps at %0d..%0d and %0d..%0d, %0d cycles",
                         starts[0], ends[0], starts[1], ends[1], ends[1] + 1);
                $finish;
            end
            if (now > 1000)
                $fatal(1, "FAIL: sim example did not finish");
        end
    end
endmodule
`default_nettype wire
