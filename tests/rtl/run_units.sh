#!/bin/bash
# Tests of the Verilog unit library rtl/lib (docs/rtl.md):
#   1. verilator --lint-only -Wall on every module, with its default parameters and some
#      others: zero warnings;
#   2. every testbench tests/rtl/tb_<module>.v (one per module) and the other tb_*.v there
#      (compositions) built and run with verilator --binary and with iverilog -g2005 + vvp:
#      both must print PASS (and no FAIL);
#   3. yosys synth of every module: it must synthesize without warnings.
#
#   run_units.sh WORKDIR [NUMVEC]
#
# WORKDIR receives the build directories, logs and test vectors (it is emptied first, if it is
# new, empty or an earlier WORKDIR of this script);
# NUMVEC is the vector generator built from tests/rtl/numvec.c (the CMake target rtl_numvec);
# without it the script compiles numvec.c with the numeric code of ir/ itself.
# Exits 77 (skipped) when verilator, iverilog, vvp, yosys or a C compiler is missing.
# At most two jobs run at once.
set -u

src=$(cd "$(dirname "$0")/../.." && pwd)
lib=$src/rtl/lib
tbdir=$src/tests/rtl

# lint with the default parameters and with these variants (module:-G options, comma-separated)
variants="rnnc_fifo:-GDEPTH=1 rnnc_fifo:-GDEPTH=3 rnnc_link:-GLAT=2 rnnc_link:-GLAT=5,-GDEPTH=1 rnnc_link:-GFLITS=2
rnnc_link:-GLAT=2,-GFLITS=16
rnnc_pipe:-GDEPTH=1 rnnc_pipe:-GII=3 rnnc_counter:-GLEVELS=1,-GBOUNDS=5 rnnc_pmu:-GBANKS=2,-GWPORTS=2
rnnc_dot:-GFOLDED=0 rnnc_dot:-GLANES=1 rnnc_dot:-GLANES=3,-GPACK=2,-GFOLDED=0 rnnc_dot:-GPACK=1
rnnc_dot:-GFOLDED=0,-GS_HI=6 rnnc_dot:-GFOLDED=0,-GS_LO=3,-GS_HI=6 rnnc_dot:-GFOLDED=0,-GS_LO=6
rnnc_dot:-GFOLDED=0,-GS_LO=7 rnnc_dot:-GS_HI=1 rnnc_dot:-GS_LO=1,-GS_HI=3 rnnc_dot:-GS_LO=3
rnnc_dot:-GLANES=1,-GPACK=1,-GS_LO=1 rnnc_dot:-GLANES=5,-GPACK=1,-GFOLDED=0,-GS_LO=2,-GS_HI=3
rnnc_dot:-GGROUPS=4,-GLANES=4 rnnc_dot:-GGROUPS=16,-GLANES=1,-GS_LO=2,-GII=4
rnnc_dot:-GGROUPS=3,-GLANES=3,-GPACK=2,-GFOLDED=0,-GS_LO=2,-GS_HI=4,-GII=2
rnnc_dot:-GMERGED=1,-GACC2_STEP=2 rnnc_dot:-GMERGED=1 rnnc_dot:-GMERGED=1,-GFOLDED=0,-GS_LO=6,-GACC2_STEP=1
rnnc_dot:-GMERGED=1,-GS_HI=3
rnnc_sat:-GOW=16 rnnc_rescale:-GIF=7,-GIW=8,-GOF=14,-GOW=16 rnnc_add:-GOP=1 rnnc_add:-GOP=3
rnnc_mul:-GOF=30,-GOW=32 rnnc_lut:-GN=100 rnnc_hbuf:-GVIN=1,-GN=3 rnnc_hbuf:-GN=1,-GW=1,-GQAW=2
rnnc_hbuf:-GN=4,-GW=16,-GQAW=5"

# one module's lint (a job of the main script)
if [ "${1:-}" = "--lint" ]; then
	m=$2 work=$RNNC_RTL_WORK
	for v in "" $(printf '%s\n' $variants | sed -n "s/^$m://p"); do
		if ! verilator --lint-only -Wall -y "$lib" --top-module "$m" ${v//,/ } "$lib/$m.v" \
		     >"$work/lint.$m.log" 2>&1; then
			echo "FAIL $m lint ${v//,/ }:"
			sed 's/^/    /' "$work/lint.$m.log" | head -20
			exit 1
		fi
	done
	echo "ok   $m lint"
	exit 0
fi

# one module's synthesis (the dot product with 4 lanes: the same logic, a quarter of the
# multipliers, to keep it quick)
if [ "${1:-}" = "--synth" ]; then
	m=$2 work=$RNNC_RTL_WORK
	if yosys -q -p "read_verilog $(printf '%s ' "$lib"/rnnc_*.v); chparam -set LANES 4 rnnc_dot; \
	                synth -flatten -top $m; tee -q -o $work/synth.$m.stat stat" \
	     >"$work/synth.$m.log" 2>&1 && ! grep -qi 'warning' "$work/synth.$m.log"; then
		echo "ok   $m yosys: $(grep -m1 'Number of cells' "$work/synth.$m.stat" | sed 's/  */ /g')"
		exit 0
	fi
	echo "FAIL $m yosys: $(grep -m1 -i 'warning\|error' "$work/synth.$m.log"), see $work/synth.$m.log"
	exit 1
fi

# one testbench under both simulators (a job of the main script)
if [ "${1:-}" = "--tb" ]; then
	tb=$2 work=$RNNC_RTL_WORK
	out=$work/$tb
	mkdir -p "$out"
	res=0
	# verilator --binary, in two steps so that the runtime objects (verilated*.o), the same for
	# every testbench, are compiled once: the first testbench builds them into $work/vlrt
	vdir=$out/verilator
	if ! verilator --cc --exe --main --timing -Wno-fatal -Wno-lint -Wno-style --top-module "$tb" \
	     --Mdir "$vdir" -o "$tb" -y "$lib" "$tbdir/$tb.v" >"$out/verilator.build.log" 2>&1 ||
	   ! { [ ! -d "$work/vlrt" ] || cp "$work/vlrt"/verilated* "$vdir"/; } ||
	   ! make -s -C "$vdir" -f "V$tb.mk" OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0 \
	     >>"$out/verilator.build.log" 2>&1; then
		echo "FAIL $tb verilator: build failed, see $out/verilator.build.log"
		res=1
	else
		(cd "$work/vectors" && "$out/verilator/$tb") >"$out/verilator.log" 2>&1
		rc=$?
		if [ $rc -eq 0 ] && grep -q '^PASS' "$out/verilator.log" && ! grep -q 'FAIL' "$out/verilator.log"; then
			echo "ok   $tb verilator: $(grep -m1 '^PASS' "$out/verilator.log")"
		else
			echo "FAIL $tb verilator (exit $rc): $(grep -m1 'FAIL' "$out/verilator.log")"
			res=1
		fi
	fi
	if ! iverilog -g2005 -Wall -s "$tb" -o "$out/$tb.vvp" -y "$lib" "$tbdir/$tb.v" \
	     >"$out/icarus.build.log" 2>&1; then
		echo "FAIL $tb icarus: build failed, see $out/icarus.build.log"
		res=1
	else
		(cd "$work/vectors" && vvp -n "$out/$tb.vvp") >"$out/icarus.log" 2>&1
		rc=$?
		if [ $rc -eq 0 ] && grep -q '^PASS' "$out/icarus.log" && ! grep -q 'FAIL' "$out/icarus.log"; then
			echo "ok   $tb icarus: $(grep -m1 '^PASS' "$out/icarus.log")"
		else
			echo "FAIL $tb icarus (exit $rc): $(grep -m1 'FAIL' "$out/icarus.log")"
			res=1
		fi
	fi
	exit $res
fi

if [ $# -lt 1 ]; then
	echo "usage: run_units.sh WORKDIR [NUMVEC]" >&2
	exit 2
fi
work=$1
numvec=${2:-}
cc=${CC:-cc}
. "$src/tools/workdir.sh"
need_tools rtl.units 77 verilator iverilog vvp yosys
if [ -z "$numvec" ] && ! command -v "$cc" >/dev/null 2>&1; then
	echo "rtl.units: skipped, no C compiler ($cc) for tests/rtl/numvec.c"
	exit 77
fi

fresh_workdir run_units.sh "$work" .rtl-units vectors || exit 2
work=$(cd "$work" && pwd)

modules=$(cd "$lib" && ls rnnc_*.v | sed 's/\.v$//')
fail=0
pass=0

# test vectors of the fixed-point units, from ir/numeric.c
if [ -z "$numvec" ]; then
	numvec=$work/numvec
	if ! "$cc" -std=c11 -O1 -D_POSIX_C_SOURCE=200809L -o "$numvec" "$tbdir/numvec.c" \
	     "$src/ir/numeric.c" "$src/ir/ir.c" "$src/ir/diag.c" "$src/ir/arena.c" -lm \
	     >"$work/numvec.log" 2>&1; then
		echo "FAIL numvec: build failed, see $work/numvec.log"
		exit 1
	fi
fi
if ! "$numvec" "$work/vectors"; then
	echo "FAIL numvec: could not write the vectors"
	exit 1
fi

# the testbenches (one per module, and the compositions)
tbs=""
for m in $modules; do
	if [ -f "$tbdir/tb_$m.v" ]; then
		tbs="$tbs tb_$m"
	else
		echo "FAIL $m: no testbench tests/rtl/tb_$m.v"
		fail=$((fail + 1))
	fi
done
# and the compositions (tb_sim_example.v: the units timed as docs/sim.md's worked example)
for t in "$tbdir"/tb_*.v; do
	t=$(basename "$t" .v)
	case " $tbs " in *" $t "*) ;; *) tbs="$tbs $t" ;; esac
done
# at most two jobs at a time: first one testbench, which also builds the Verilator runtime
# objects shared by the others, beside the lint of every module; then the other testbenches and
# the synthesis of every module
export RNNC_RTL_WORK=$work
set -- $tbs
bash "$0" --tb "$1" >"$work/tb.out" 2>&1 &
for m in $modules; do
	bash "$0" --lint "$m"
done >"$work/lint.out" 2>&1
wait
mkdir -p "$work/vlrt" && cp "$work/$1/verilator"/verilated*.[od] "$work/vlrt"/ 2>/dev/null
shift
{
	printf -- '--tb %s\n' "$@"
	printf -- '--synth %s\n' $modules
} | xargs -P 2 -L 1 bash "$0" >"$work/jobs.out" 2>&1
cat "$work/lint.out"
{ cat "$work/tb.out"; grep -v ' yosys' "$work/jobs.out"; } | sort -k2
grep ' yosys' "$work/jobs.out" | sort -k2
pass=$((pass + $(cat "$work/lint.out" "$work/tb.out" "$work/jobs.out" | grep -c '^ok')))
fail=$((fail + $(cat "$work/lint.out" "$work/tb.out" "$work/jobs.out" | grep -c '^FAIL')))

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
