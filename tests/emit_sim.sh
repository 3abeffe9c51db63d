#!/bin/bash
# --emit=sim: the standalone simulator of a design builds with a plain C compiler (warnings as
# errors), and prints the report rnnc prints, byte for byte: the summary's table, the per-unit
# table of --dump-after=sim, and report.json. Emitting twice gives the same file.
# usage: emit_sim.sh RNNC EXAMPLES_DIR WORK_DIR
set -u
rnnc=$1 examples=$2 work=$3
cc=${CC:-cc}
fails=0 n=0
rm -rf "$work" && mkdir -p "$work" || exit 1

fail() {
	echo "FAIL $1: $2"
	fails=$((fails + 1))
}

# a design whose h goes through hbufs (two levels: hu 16), with the design field hvec
printf 'name: hdist\ncell: lstm\nhidden: 256\ninput: 256\ntimesteps: 20\n%s\n%s\n' \
	'target: {grid: {rows: 24, cols: 24}}' 'schedule: {hu: 16, ru: 1, rv: 64}' > "$work/hdist.yaml"
for spec in "$examples"/lstm.yaml "$examples"/gru.yaml "$examples"/rnn.yaml "$examples"/lstm-stream.yaml \
            "$examples"/lstm-chain.yaml "$examples"/lstm-hv.yaml \
            deepbench:gru-512-t1-b4 deepbench:device/rnn-32-t672 deepbench:lstm-1024-t25-b2 \
            "$work/hdist.yaml"; do
	n=$((n + 1))
	name=$(basename "${spec#deepbench:}" .yaml)
	out=$work/$name
	if ! "$rnnc" "$spec" -o "$out" --emit=report,sim > "$out.txt"; then
		fail "$spec" "rnnc failed"; continue
	fi
	src=$(ls "$out"/*_sim.c)
	"$rnnc" -q "$spec" -o "$out/again" --emit=sim || { fail "$spec" "rnnc failed"; continue; }
	cmp -s "$src" "$out/again/$(basename "$src")" || fail "$spec" "emitted twice, the files differ"
	if ! $cc -O2 -Wall -Wextra -Wpedantic -Werror -o "$out/sim" "$src" 2> "$out/cc.txt"; then
		cat "$out/cc.txt"; fail "$spec" "the standalone simulator does not build"; continue
	fi
	"$out/sim" -j "$out/sim.json" > "$out/sim.txt" || { fail "$spec" "the simulator failed"; continue; }
	# rnnc adds a DeepBench problem's published figures to its summary and report.json
	sed '/^  "published": .*]},$/d; /^  "published": /,/]},$/d' "$out/report.json" \
		> "$out/report-sim.json"
	cmp "$out/report-sim.json" "$out/sim.json" || fail "$spec" "report.json differs"
	sed -n '/^  simulation/,$p' "$out.txt" | grep -v '^  standalone' | sed '/^  published/,$d' \
		> "$out/rnnc.table"
	tail -n +2 "$out/sim.txt" > "$out/sim.table"
	diff "$out/rnnc.table" "$out/sim.table" || fail "$spec" "the report table differs"
	"$rnnc" -q "$spec" --dump-after=sim > "$out/rnnc.units" || fail "$spec" "--dump-after=sim failed"
	"$out/sim" -u | tail -n +2 > "$out/sim.units"
	diff "$out/rnnc.units" "$out/sim.units" || fail "$spec" "the per-unit table differs"
	[ -s "$out/sim.table" ] || fail "$spec" "empty report"
done
# bad arguments: a usage message and exit status 2
"$work/lstm/sim" -T 0 2> /dev/null; [ $? -eq 2 ] || fail "-T 0" "not rejected with status 2"
"$work/lstm/sim" -x 2> /dev/null; [ $? -eq 2 ] || fail "-x" "not rejected with status 2"
# --target cpu has no fabric to simulate
"$rnnc" -q "$examples/rnn.yaml" --target cpu -o "$work/cpu" --emit=sim 2> "$work/cpu.err"
[ $? -eq 1 ] && grep -q "no fabric to simulate" "$work/cpu.err" || fail "--target cpu" "not rejected"
echo "$((n - fails)) of $n designs passed, $fails failures"
[ "$fails" -eq 0 ]
