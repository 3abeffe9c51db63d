#!/bin/bash
# Cosimulation of emitted designs (docs/rtl.md): for every spec of a matrix of small designs
# (LSTM, GRU, vanilla; non-divisor sizes; hu, ru, rv variants; folded on and off; batches; one
# on the 2 : 1 pmu2 layout of plasticine-rnn; the chained combine; packed epilogues on 4- and
# 6-stage PCUs; h through hbufs; row groups, schedule.hv 2, 4 and 16; the GRU's merged candidate
# gate with the tree and the chain, cut into segments, packed, on plasticine-rnn; hoisted input
# products),
#   1. rnnc SPEC --emit=verilog,report writes the design;
#   2. `make lint` (verilator --lint-only -Wall on the top and the library): zero warnings;
#   3. `make` (Verilator --binary) runs the testbench: PASS, i.e. every h_t bit-exact and the
#      cycle count equal to the C simulator's;
#   4. `make iverilog` (Icarus, -g2005) prints the same PASS line;
#   5. for the designs marked synth: `make synth` (Yosys) succeeds; its cell count is printed
#      beside the area model's estimate of the design.
#
#   cosim.sh RNNC WORKDIR [SPEC.yaml ...]
#
# Without specs, the built-in matrix. WORKDIR receives one folder per design (emptied first if
# it was made by this script). Two designs build at once. Exits 77 (skipped) when verilator,
# iverilog, vvp, yosys or make is missing.
set -u

if [ "${1:-}" = "--one" ]; then
	rnnc=$2 spec=$3 work=$4
	name=$(basename "$spec" .yaml)
	out=$work/$name
	synth=0
	grep -q '^# synth' "$spec" && synth=1
	mkdir -p "$out"
	if ! "$rnnc" "$spec" --emit=verilog,report -o "$out" -q >"$out/rnnc.log" 2>&1; then
		echo "FAIL $name: rnnc: $(head -1 "$out/rnnc.log")"
		exit 1
	fi
	v=$out/verilog
	if ! make -s -C "$v" lint >"$out/lint.log" 2>&1 || grep -q '%Warning\|%Error' "$out/lint.log"; then
		echo "FAIL $name: lint: $(grep -m1 '%Warning\|%Error' "$out/lint.log")"
		exit 1
	fi
	# Verilator's C++ at -O0: these designs run a few hundred cycles, the build dominates
	if ! make -s -C "$v" VFLAGS="-MAKEFLAGS OPT_FAST=-O0 -MAKEFLAGS OPT_SLOW=-O0 -MAKEFLAGS OPT_GLOBAL=-O0" \
	     >"$out/verilator.log" 2>&1 || ! grep -q '^PASS' "$out/verilator.log" ||
	   grep -q 'FAIL' "$out/verilator.log"; then
		echo "FAIL $name: verilator: $(grep -m1 'FAIL\|rror' "$out/verilator.log")"
		exit 1
	fi
	if ! make -s -C "$v" iverilog >"$out/icarus.log" 2>&1 ||
	   [ "$(grep '^PASS' "$out/icarus.log")" != "$(grep '^PASS' "$out/verilator.log")" ]; then
		echo "FAIL $name: icarus: $(grep -m1 'FAIL\|PASS\|rror' "$out/icarus.log")"
		exit 1
	fi
	extra=""
	if [ $synth = 1 ]; then
		if ! make -s -C "$v" synth >"$out/synth.log" 2>&1 || [ ! -s "$v/synth.stat" ]; then
			echo "FAIL $name: yosys: $(grep -m1 -i 'error' "$out/synth.log")"
			exit 1
		fi
		cells=$(grep 'Number of cells' "$v/synth.stat" | tail -1 | awk '{print $NF}')
		area=$(sed -n 's/.*"area_mm2": *{"used": *\([0-9.]*\).*/\1/p' "$out/report.json" | head -1)
		extra="; yosys $cells cells, area model $area mm2"
	fi
	echo "ok   $name: $(grep '^PASS' "$out/verilator.log" | sed 's/^PASS [^:]*: //'), icarus the same$extra"
	exit 0
fi

if [ $# -lt 2 ]; then
	echo "usage: cosim.sh RNNC WORKDIR [SPEC.yaml ...]" >&2
	exit 2
fi
rnnc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$2
shift 2
. "$(dirname "$0")/../../tools/workdir.sh"
need_tools rtl.cosim 77 verilator iverilog vvp yosys make
fresh_workdir cosim.sh "$work" .rtl-cosim specs || exit 2
work=$(cd "$work" && pwd)

if [ $# -eq 0 ]; then
	# name | cell hidden input batch timesteps | schedule | synth | target (built-in name) |
	# grid rows cols
	while IFS='|' read -r name sizes sched synth target grid; do
		set -- $sizes
		{
			[ -n "$synth" ] && echo "# synth"
			echo "name: $name"
			echo "cell: $1"
			echo "hidden: $2"
			echo "input: $3"
			echo "batch: $4"
			echo "timesteps: $5"
			[ -n "$sched" ] && echo "schedule: {$sched}"
			if [ -n "$grid" ]; then
				set -- $grid
				echo "target: {${target:+base: $target, }grid: {rows: $1, cols: $2}}"
			elif [ -n "$target" ]; then
				echo "target: $target"
			fi
		} >"$work/specs/$name.yaml"
	done <<'EOF'
lstm-h6-d5|lstm 6 5 2 3|hu: 2, ru: 2, rv: 4|
lstm-h7-d3|lstm 7 3 1 3|hu: 2, ru: 1, rv: 4|
lstm-h9-unfolded|lstm 9 11 1 2|hu: 3, ru: 1, rv: 8, folded: false|
lstm-h16-b3|lstm 16 16 3 2|hu: 1, ru: 3, rv: 8|
lstm-default|lstm 12 12 1 3||
gru-h6-d5|gru 6 5 2 3|hu: 2, ru: 2, rv: 4|
gru-h10-d7|gru 10 7 1 2|hu: 3, ru: 1, rv: 6, folded: false|
gru-h8-ru3|gru 8 8 2 2|hu: 1, ru: 3, rv: 4|
rnn-h2-d2|rnn 2 2 1 2|hu: 1, ru: 1, rv: 4|synth
rnn-h13-d9|rnn 13 9 2 3|hu: 4, ru: 2, rv: 3|
rnn-h20-ru6|rnn 20 20 1 2|hu: 2, ru: 6, rv: 4, folded: false|
rnn-h32-rv16|rnn 32 24 1 2|hu: 2, ru: 1, rv: 16|
lstm-h8-split|lstm 8 60 1 2|hu: 1, ru: 1, rv: 64, folded: false|
rnn-h12-split|rnn 12 30 2 2|hu: 2, ru: 2, rv: 32, folded: false|
rnn-h4-rv1|rnn 4 12 1 3|hu: 4, ru: 3, rv: 1|
gru-h5-rv2|gru 5 6 2 2|hu: 1, ru: 1, rv: 2, folded: false|
lstm-h8-pmu2|lstm 8 7 2 2|hu: 2, ru: 2, rv: 4||plasticine-rnn
lstm-h6-chain|lstm 6 5 2 3|hu: 2, ru: 2, rv: 4, combine: chain|
gru-h10-chain3|gru 10 9 1 2|hu: 3, ru: 3, rv: 4, combine: chain|
rnn-h20-chain5|rnn 20 20 2 2|hu: 2, ru: 5, rv: 8, folded: false, combine: chain|
rnn-h10-chain64|rnn 10 180 1 2|hu: 1, ru: 3, rv: 64, combine: chain|
lstm-h7-chain64|lstm 7 121 1 2|hu: 2, ru: 2, rv: 64, combine: chain|
rnn-h12-chain-split|rnn 12 30 2 2|hu: 2, ru: 2, rv: 32, folded: false, combine: chain|
gru-h5-chain5|gru 5 12 2 2|hu: 2, ru: 5, rv: 3, combine: chain|
rnn-h13-hu5|rnn 13 9 1 2|hu: 5, ru: 2, rv: 8||
lstm-h17-hu5|lstm 17 6 2 2|hu: 5, ru: 1, rv: 16||
gru-h24-hu8|gru 24 10 1 2|hu: 8, ru: 1, rv: 16|||24 24
lstm-h16-hu8|lstm 16 5 2 2|hu: 8, ru: 1, rv: 16, folded: false|||24 24
rnn-h40-hu12|rnn 40 8 2 2|hu: 12, ru: 2, rv: 16|||24 24
gru-h26-hu12|gru 26 4 1 2|hu: 12, ru: 1, rv: 16|||24 24
rnn-h33-hu16|rnn 33 7 1 2|hu: 16, ru: 1, rv: 16|||24 24
lstm-h6-packed4|lstm 6 5 2 3|hu: 2, ru: 2, rv: 4, epilogue: packed||{pcu: {stages: 4}}
lstm-h7-packed6|lstm 7 3 2 2|hu: 3, ru: 1, rv: 4, epilogue: packed|
gru-h6-packed4|gru 6 5 2 3|hu: 2, ru: 1, rv: 4, folded: false, epilogue: packed||{pcu: {stages: 4}}
gru-h8-packed6|gru 8 8 2 2|hu: 1, ru: 3, rv: 4, epilogue: packed|
rnn-h5-packed4|rnn 5 7 2 3|hu: 3, ru: 2, rv: 3, epilogue: packed||{pcu: {stages: 4}}
rnn-h13-packed6|rnn 13 9 2 2|hu: 1, ru: 1, rv: 8, epilogue: packed|
lstm-h8-packed-pmu2|lstm 8 7 2 2|hu: 2, ru: 2, rv: 4, epilogue: packed||plasticine-rnn
lstm-h7-hv4|lstm 7 5 2 2|hu: 1, ru: 1, rv: 4, hv: 4|
gru-h8-hv2|gru 8 6 1 2|hu: 2, ru: 2, rv: 8, hv: 2|
rnn-h16-hv16|rnn 16 8 1 2|hu: 1, ru: 1, rv: 4, hv: 16|
lstm-h10-hv4-chain|lstm 10 9 1 2|hu: 2, ru: 3, rv: 4, hv: 4, combine: chain|
gru-h6-hv2-packed4|gru 6 5 2 2|hu: 1, ru: 1, rv: 8, hv: 2, epilogue: packed||{pcu: {stages: 4}}
lstm-h8-hv4-pmu2|lstm 8 7 1 2|hu: 2, ru: 2, rv: 4, hv: 4||plasticine-rnn
lstm-h9-hv2-banks|lstm 9 6 1 2|hu: 1, ru: 1, rv: 4, hv: 2||{pmu: {banks: 2}}
rnn-h8-hv4-split|rnn 8 16 1 2|hu: 1, ru: 1, rv: 16, hv: 4, folded: false||plasticine-rnn
gru-h8-merged|gru 8 8 2 2|hu: 1, ru: 2, rv: 4, candidate: merged|
gru-h5-merged-chain5|gru 5 12 2 2|hu: 2, ru: 5, rv: 3, combine: chain, candidate: merged|
gru-h12-merged-chain-split|gru 12 32 2 2|hu: 2, ru: 2, rv: 32, folded: false, combine: chain, candidate: merged|
gru-h6-merged-packed4|gru 6 4 2 3|hu: 2, ru: 1, rv: 4, folded: false, epilogue: packed, candidate: merged||{pcu: {stages: 4}}
gru-h8-merged-pmu2|gru 8 8 2 2|hu: 2, ru: 2, rv: 4, candidate: merged||plasticine-rnn
lstm-h8-hoist-pmu2|lstm 8 16 2 3|hu: 2, ru: 2, rv: 4, hoist_input: true||plasticine-rnn
lstm-h7-hoist-hv2|lstm 7 12 1 3|hu: 1, ru: 2, rv: 4, hv: 2, hoist_input: true|
gru-h10-hoist-chain|gru 10 16 1 4|hu: 2, ru: 2, rv: 4, combine: chain, hoist_input: true|
gru-h8-hoist-merged|gru 8 12 2 3|hu: 1, ru: 2, rv: 4, candidate: merged, hoist_input: true|
gru-h6-hoist-merged-chain-pmu2|gru 6 16 1 3|hu: 2, ru: 3, rv: 4, combine: chain, candidate: merged, hoist_input: true||plasticine-rnn
rnn-h8-hoist-hv2-chain-packed4|rnn 8 16 2 3|hu: 2, ru: 2, rv: 4, hv: 2, combine: chain, epilogue: packed, hoist_input: true||{pcu: {stages: 4}}
rnn-h13-hoist-hu5|rnn 13 16 1 3|hu: 5, ru: 2, rv: 4, hoist_input: true|
EOF
	set -- "$work"/specs/*.yaml
fi

printf '%s\n' "$@" | xargs -P 2 -I{} "$0" --one "$rnnc" {} "$work" >"$work/results.log"
sort "$work/results.log"
pass=$(grep -c '^ok' "$work/results.log")
fail=$(grep -c '^FAIL' "$work/results.log")
echo "rtl.cosim: $pass designs pass, $fail fail"
[ "$fail" -eq 0 ] && [ "$pass" -eq $# ]
