#!/bin/bash
# DeepBench-size designs through the Verilog backend (docs/rtl.md). Not a test: a design takes
# minutes to build. For each problem:
#   rnnc deepbench:NAME --emit=verilog,sim writes the design and its standalone C simulator;
#   the testbench is built with Verilator (--binary, C++ at -O2) and run: PASS or FAIL, every
#   h_t value bit-exact and the cycles equal to the C simulator's;
#   the standalone C simulator (cc -O2) simulates the same steps cycle by cycle (-a);
# and prints one line per design: PASS/FAIL, the cycles from both, each simulator's speed in
# simulated cycles per second and the ratio (C simulator / Verilator), measured in this run.
#
#   rtl_deepbench.sh [--target T] RNNC WORKDIR [NAME ...]
#
# --target T compiles for target T (default: rnnc's, plasticine); each line then names the
# schedule rnnc chose, which is the design `rnnc bench --target T` reports for the problem.
#
# NAME is a DeepBench problem (rnnc --list-deepbench); by default the smaller inference
# problems of the suite. WORKDIR receives a folder per problem (emptied first if this script
# made it).
set -u

target=()
if [ "${1:-}" = --target ] && [ $# -ge 2 ]; then
	target=(--target "$2")
	shift 2
fi
if [ $# -lt 2 ]; then
	echo "usage: rtl_deepbench.sh [--target T] RNNC WORKDIR [NAME ...]" >&2
	exit 2
fi
rnnc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$2
shift 2
[ $# -eq 0 ] && set -- rnn-64-t96 rnn-32-t672 lstm-256-t150 gru-512-t1 lstm-512-t25
. "$(dirname "$0")/../tools/workdir.sh"
need_tools rtl_deepbench.sh 2 verilator make cc
fresh_workdir rtl_deepbench.sh "$work" .rtl-deepbench || exit 2
work=$(cd "$work" && pwd)

# seconds since the epoch, with nanoseconds
now() { date +%s.%N; }

printf '%-18s %-5s %12s %12s %14s %14s %8s %s\n' problem rtl "rtl cycles" "C cycles" \
	"verilator c/s" "C sim c/s" "C/rtl" "units, build"
fails=0
for name in "$@"; do
	out=$work/$name
	mkdir -p "$out"
	if ! "$rnnc" "deepbench:$name" "${target[@]}" --emit=verilog,sim -o "$out" >"$out/rnnc.log" 2>&1; then
		printf '%-18s FAIL  rnnc: %s\n' "$name" "$(grep -m1 'error:' "$out/rnnc.log" || head -1 "$out/rnnc.log")"
		fails=$((fails + 1))
		continue
	fi
	v=$out/verilog
	t0=$(now)
	if ! make -s -C "$v" obj_dir/V$(sed -n 's/^V := //p' "$v/Makefile")_tb \
	     >"$out/build.log" 2>&1; then
		printf '%-18s FAIL  verilator build, see %s\n' "$name" "$out/build.log"
		fails=$((fails + 1))
		continue
	fi
	t1=$(now)
	mod=$(sed -n 's/^V := //p' "$v/Makefile")
	(cd "$v" && "./obj_dir/V${mod}_tb") >"$out/verilator.log" 2>&1
	t2=$(now)
	cc -O2 -o "$out/sim" "$out/${name}_sim.c" 2>"$out/cc.log"
	t3=$(now)
	"$out/sim" -a -j "$out/sim.json" >"$out/sim.log" 2>&1
	t4=$(now)
	csim=$(sed -n 's/.*"cycles": *\([0-9]*\).*/\1/p' "$out/sim.json" | head -1)
	if grep -q '^PASS' "$out/verilator.log"; then
		res=PASS
		rtl=$(sed -n 's/.* \([0-9]*\) cycles as the C simulator.*/\1/p' "$out/verilator.log")
	else
		res=FAIL
		rtl=-
		fails=$((fails + 1))
	fi
	units=$(grep -m1 -o '[0-9]* units' "$v/${mod}_top.v" | cut -d' ' -f1)
	awk -v n="$name" -v r="$res" -v rc="$rtl" -v cc="$csim" -v t0="$t0" -v t1="$t1" -v t2="$t2" \
	    -v t3="$t3" -v t4="$t4" -v u="$units" 'BEGIN {
		tv = t2 - t1; tc = t4 - t3; tb = t1 - t0;
		vs = (rc == "-" || tv <= 0) ? 0 : rc / tv; cs = tc > 0 ? cc / tc : 0;
		printf "%-18s %-5s %12s %12s %14.0f %14.0f %8.1f %d units, %.0f s\n", n, r, rc, cc,
		       vs, cs, (vs > 0 ? cs / vs : 0), u, tb }'
	sed -n 's/^  mapping *\([^:]*\).*/    design: \1/p' "$out/rnnc.log" | head -1
	[ "$res" = FAIL ] && sed 's/^/    /' "$out/verilator.log" | grep -m3 'FAIL'
done
exit $((fails != 0))
