#!/bin/bash
# --emit=verilog without simulators: the files are deterministic (emitting twice gives the same
# bytes), `-o DIR` alone writes them, and designs the backend does not build are clear errors
# (non-zero exit) when asked for, a note when -o alone writes everything.
# usage: emit_verilog.sh RNNC EXAMPLES_DIR WORK_DIR
set -u
rnnc=$1 examples=$2 work=$3
fails=0
rm -rf "$work" && mkdir -p "$work" || exit 1

fail() {
	echo "FAIL $1: $2"
	fails=$((fails + 1))
}

# deterministic, and complete (a GRU smaller than examples/gru.yaml: emitting runs the
# interpreter, slow in the sanitizer build)
printf 'name: gru-small\ncell: gru\nhidden: 48\ninput: 20\nbatch: 2\ntimesteps: 5\n' \
       >"$work/gru.yaml"
for spec in "$work"/gru.yaml "$examples"/rnn.yaml; do
	name=$(basename "$spec" .yaml)
	"$rnnc" -q "$spec" -o "$work/$name.a" --emit=verilog || { fail "$spec" "rnnc failed"; continue; }
	"$rnnc" -q "$spec" -o "$work/$name.b" --emit=verilog || { fail "$spec" "rnnc failed"; continue; }
	diff -r "$work/$name.a" "$work/$name.b" >/dev/null || fail "$spec" "emitted twice, the files differ"
	v=$work/$name.a/verilog
	for f in Makefile x.hex xh_r0.hex lib/rnnc_pmu.v lib/rnnc_dot.v; do
		[ -s "$v/$f" ] || fail "$spec" "no $f"
	done
	ls "$v"/*_top.v "$v"/*_tb.v "$v"/exp_h.hex >/dev/null 2>&1 || fail "$spec" "no top, testbench or expected outputs"
	grep -q "timestamp\|$(date +%Y-%m-%d)" "$v"/*_top.v && fail "$spec" "a date in the top"
done
# the emitter on schedules of the cosimulation matrix (tests/rtl/cosim.sh runs them): here it
# runs in the sanitizer build too
for v in "lstm 9 11 3 2|hu: 3, ru: 1, rv: 8, folded: false" "gru 10 7 3 2|hu: 3, ru: 2, rv: 6" \
         "lstm 8 60 1 2|hu: 1, ru: 1, rv: 64, folded: false" "rnn 20 20 2 2|hu: 2, ru: 6, rv: 4" \
         "lstm 7 5 2 2|hu: 1, ru: 1, rv: 4, hv: 4" \
         "gru 10 9 1 2|hu: 2, ru: 3, rv: 4, hv: 4, combine: chain" \
         "gru 12 32 2 2|hu: 2, ru: 2, rv: 32, folded: false, combine: chain, candidate: merged"; do
	set -- ${v%%|*}
	printf 'name: m\ncell: %s\nhidden: %s\ninput: %s\nbatch: %s\ntimesteps: %s\nschedule: {%s}\n' \
	       "$1" "$2" "$3" "$4" "$5" "${v#*|}" >"$work/m.yaml"
	"$rnnc" -q "$work/m.yaml" -o "$work/m" --emit=verilog || fail "$v" "rnnc failed"
done
"$rnnc" "$examples/rnn.yaml" -o "$work/all" >"$work/all.txt" || fail "-o alone" "rnnc failed"
ls "$work/all/verilog"/*_top.v >/dev/null 2>&1 || fail "-o alone" "no Verilog written"
# the search's choice is built as chosen: on plasticine-rnn this GRU's is the merged candidate
# gate (tests/golden/cli/summary-plasticine-rnn)
printf 'name: gru-merged\ncell: gru\nhidden: 64\ntimesteps: 4\n' >"$work/gru-merged.yaml"
if ! "$rnnc" "$work/gru-merged.yaml" --target plasticine-rnn --emit=verilog -o "$work/gm" \
     >"$work/gm.txt" 2>&1; then
	fail "merged" "rnnc failed: $(grep -m1 error "$work/gm.txt")"
elif ! grep -q "candidate=merged (searched)" "$work/gm.txt" ||
     ! grep -q "candidate merged" "$work/gm/verilog"/*_top.v; then
	fail "merged" "the searched merged design was not written"
fi
# ... and this vanilla RNN's hoists the input products (the search keeps every form for Verilog)
printf 'name: rnn-hoist\ncell: rnn\nhidden: 128\ntimesteps: 8\n' >"$work/rnn-hoist.yaml"
if ! "$rnnc" "$work/rnn-hoist.yaml" --target plasticine-rnn --emit=verilog -o "$work/rh" \
     >"$work/rh.txt" 2>&1; then
	fail "hoisted" "rnnc failed: $(grep -m1 error "$work/rh.txt")"
elif ! grep -q "hoist_input=true (searched)" "$work/rh.txt" ||
     ! grep -q "hoist_input sx" "$work/rh/verilog"/*_top.v; then
	fail "hoisted" "the searched hoisted design was not written"
fi

# asked for and not buildable: an error
check_error() {  # name, expected message part, rnnc arguments...
	local name=$1 want=$2
	shift 2
	if "$rnnc" -q "$@" >"$work/$name.out" 2>&1; then
		fail "$name" "rnnc succeeded"
	elif ! grep -q -- "$want" "$work/$name.out"; then
		fail "$name" "message: $(head -1 "$work/$name.out")"
	fi
}
check_error stream "weights streamed from DRAM" "$examples/lstm-stream.yaml" -o "$work/stream" --emit=verilog
sed 's/type: fixed/type: fp32/' "$examples/lstm.yaml" >"$work/fp32.yaml"
check_error fp32 "precision.type: fixed" "$work/fp32.yaml" -o "$work/fp32" --emit=verilog
check_error cpu "has no fabric" "$examples/rnn.yaml" --target cpu -o "$work/cpu" --emit=verilog
# -o alone: a note, and the rest is written
if ! "$rnnc" "$examples/lstm-stream.yaml" -o "$work/stream-all" >"$work/stream-all.txt" 2>&1; then
	fail "stream, -o alone" "rnnc failed"
elif ! grep -q "verilog      not written: weights streamed" "$work/stream-all.txt"; then
	fail "stream, -o alone" "no note"
fi

[ $fails -eq 0 ] && echo "emit-verilog: all checks pass"
exit $((fails != 0))
