#!/bin/bash
# Makes docs/results.md: the DeepBench report (`rnnc bench`, every problem on plasticine-rnn)
# with the designs of the small and medium cells cosimulated with their Verilog first
# (bench/rtl_deepbench.sh under Verilator), so that the document says which were. A GPU's
# figures are in it when bench/gpu_cudnn.py wrote rnnc-out/bench/gpu_cudnn.csv before.
# Not a test: it takes about 15 minutes on two cores.
#
#   tools/results.sh [NAME ...]   (the problems cosimulated; default: the small and medium ones)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
tools/build.sh build -DRNNC_WERROR=ON >/dev/null
[ $# -eq 0 ] && set -- rnn-32-t672 rnn-64-t96 lstm-256-t150 lstm-512-t25 gru-512-t1
mkdir -p rnnc-out/bench
echo "results: cosimulating $* (bench/rtl_deepbench.sh)" >&2
bench/rtl_deepbench.sh --target plasticine-rnn build/rnnc rnnc-out/results-rtl "$@" \
	| tee rnnc-out/bench/cosim.txt || true
echo "results: rnnc bench" >&2
build/rnnc bench -o rnnc-out/bench --cosim rnnc-out/bench/cosim.txt
cp rnnc-out/bench/results.md docs/results.md
echo "results: written docs/results.md" >&2
