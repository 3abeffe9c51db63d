// Self-checking testbench of rnnc_pmu: random walks (restarted at random times on either
// half), random backpressure and random writes, against the stream of sim/sim.c
// (stream_cycle: one vector per II cycles along (batch, row, vector step)) and a reference
// memory loaded from the same INIT file. Run in the directory holding numvec's files.
// Prints PASS, or FAIL: <first mismatch>.
`default_nettype none
module tb_rnnc_pmu_case #(
    parameter WIDTH = 8,
    parameter VEC = 4,
    parameter WORDS = 64,
    parameter BANKS = 16,
    parameter INIT = "",
    parameter NB = 2,
    parameter NR = 3,
    parameter NT = 2,
    parameter SB = 8,
    parameter SR = 0,
    parameter SS = 4,
    parameter WPORTS = 2,
    parameter HALF = 32,
    parameter SEED = 1,
    parameter CYCLES = 3000
) (
    input  wire       clk,
    output reg        done,
    output reg [31:0] errors
);
    localparam AW = $clog2(WORDS);
    localparam PW = $clog2((NB > NR ? (NB > NT ? NB : NT) : (NR > NT ? NR : NT)) + 1);
    localparam II = (VEC + BANKS - 1) / BANKS;
    reg rst, start, out_ready;
    reg [AW-1:0] rd_base;
    reg [WPORTS-1:0] wr_en;
    reg [WPORTS*AW-1:0] wr_addr;
    reg [WPORTS*WIDTH-1:0] wr_data;
    wire out_valid, out_last, busy;
    wire [VEC*WIDTH-1:0] out_data;
    wire [3*PW-1:0] out_pos;

    rnnc_pmu #(
        .WIDTH(WIDTH), .VEC(VEC), .WORDS(WORDS), .BANKS(BANKS), .INIT(INIT), .NB(NB), .NR(NR),
        .NT(NT), .SB(SB), .SR(SR), .SS(SS), .WPORTS(WPORTS)
    ) dut (
        .clk(clk), .rst(rst), .start(start), .rd_base(rd_base), .out_valid(out_valid),
        .out_ready(out_ready), .out_data(out_data), .out_pos(out_pos), .out_last(out_last),
        .busy(busy), .hold(1'b0), .out_xp(), .out_step(), .wr_en(wr_en), .wr_addr(wr_addr), .wr_data(wr_data)
    );

    reg [WIDTH-1:0] mem [0:WORDS-1];
    integer pos, len, now, next_issue, k, q, b, j, s, addr, issued;
    reg [WPORTS-1:0] nen;
    reg [WPORTS*AW-1:0] nwa;
    reg [WPORTS*WIDTH-1:0] nwd;
    reg run, evalid, ok;
    reg [VEC*WIDTH-1:0] edata;
    reg [31:0] r;

    function [31:0] xs(input [31:0] x);
        reg [31:0] t;
        begin
            t = x ^ (x << 13);
            t = t ^ (t >> 17);
            xs = t ^ (t << 5);
        end
    endfunction

    initial begin
        if (INIT != "")
            $readmemh(INIT, mem);
        done = 0;
        errors = 0;
        rst = 1;
        start = 0;
        out_ready = 0;
        rd_base = 0;
        wr_en = 0;
        wr_addr = 0;
        wr_data = 0;
        pos = 0;
        run = 0;
        now = 0;
        next_issue = 0;
        issued = 0;
        len = NB * NR * NT;
        r = SEED;
    end

    always @(posedge clk) begin
        if (rst) begin
            rst <= 0;
        end else if (!done) begin
            s = pos % NT;
            j = pos / NT % NR;
            b = pos / (NT * NR);
            addr = rd_base + b * SB + j * SR + s * SS;
            for (k = 0; k < VEC; k = k + 1)
                edata[k*WIDTH +: WIDTH] = mem[addr + k];
            evalid = run && now >= next_issue;
            ok = out_valid === evalid && busy === run;
            if (evalid)
                ok = ok && out_data === edata && out_last === (s == NT - 1) &&
                     out_pos === {b[PW-1:0], j[PW-1:0], s[PW-1:0]};
            if (!ok) begin
                if (errors == 0)
                    $display("FAIL: rnnc_pmu %0dx%0d banks %0d cycle %0d position %0d: valid %b data %h pos %h last %b busy %b, expected %b %h (b %0d j %0d s %0d) %b %b",
                             VEC, WIDTH, BANKS, now, pos, out_valid, out_data, out_pos, out_last,
                             busy, evalid, edata, b, j, s, s == NT - 1, run);
                errors = errors + 1;
            end
            if (evalid && out_ready) begin
                pos = pos + 1;
                issued = issued + 1;
                next_issue = now + II;
                if (pos == len) begin
                    pos = 0;
                    run = 0;
                end
            end
            for (k = 0; k < WPORTS; k = k + 1)
                if (wr_en[k])
                    mem[wr_addr[k*AW +: AW]] = wr_data[k*WIDTH +: WIDTH];
            if (start) begin
                pos = 0;
                run = 1;
                next_issue = now + 1;
            end
            now = now + 1;
            // the next cycle's stimulus; rd_base changes only with a start
            r = xs(r);
            start <= r % 100 < (run ? 1 : 20);
            if (r % 100 < (run ? 1 : 20))
                rd_base <= r[12] ? HALF[AW-1:0] : {AW{1'b0}};
            r = xs(r);
            out_ready <= r % 100 < ((now / 200) % 2 ? 95 : 50);
            // random writes, a word from one port at most in a cycle (as the top writes)
            for (k = 0; k < WPORTS; k = k + 1) begin
                r = xs(r);
                nen[k] = r % 100 < 30;
                nwa[k*AW +: AW] = r[AW+7:8];
                nwd[k*WIDTH +: WIDTH] = r[WIDTH+15:16];
                for (q = 0; q < k; q = q + 1)
                    if (nen[q] && nwa[q*AW +: AW] == nwa[k*AW +: AW])
                        nen[k] = 1'b0;
            end
            wr_en <= nen;
            wr_addr <= nwa;
            wr_data <= nwd;
            if (now == CYCLES) begin
                done <= 1;
                if (issued < CYCLES / 20) begin
                    $display("FAIL: rnnc_pmu only %0d vectors issued", issued);
                    errors = errors + 1;
                end
            end
        end
    end
endmodule

module tb_rnnc_pmu;
    reg clk = 0;
    always #5 clk = !clk;
    wire [3:0] done;
    wire [31:0] e0, e1, e2, e3;
    // xh-like: the vector depends on (batch, step), two write ports
    tb_rnnc_pmu_case #(8, 4, 64, 16, "pmu_init.hex", 2, 3, 2, 8, 0, 4, 2, 32, 51) c0 (clk, done[0], e0);
    // weight-like, a bank conflict every vector: II = 2
    tb_rnnc_pmu_case #(8, 4, 64, 2, "pmu_init.hex", 2, 3, 2, 0, 8, 4, 1, 32, 52) c1 (clk, done[1], e1);
    // scalar words, no INIT, II = 1
    tb_rnnc_pmu_case #(16, 1, 32, 1, "", 1, 5, 3, 0, 3, 1, 1, 16, 53) c2 (clk, done[2], e2);
    // xh-like with six write ports (h links and x lanes)
    tb_rnnc_pmu_case #(8, 4, 64, 16, "pmu_init.hex", 2, 3, 2, 8, 0, 4, 6, 32, 54) c3 (clk, done[3], e3);
    initial begin
        wait (&done);
        #1;  // let the error counts settle (Verilator resumes before its ports update)
        if (e0 + e1 + e2 + e3 != 0)
            $fatal(1, "rnnc_pmu: %0d mismatches", e0 + e1 + e2 + e3);
        $display("PASS rnnc_pmu: 4 cases x 3000 cycles");
        $finish;
    end
endmodule
`default_nettype wire
