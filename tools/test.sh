#!/bin/bash
# Builds rnnc and runs the whole test suite twice: in a normal build with warnings as errors, and
# in a build with AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
export OPENBLAS_NUM_THREADS=1

start=$SECONDS
echo "== build (warnings are errors)"
tools/build.sh build -DRNNC_WERROR=ON
ctest --test-dir build --output-on-failure -j"$(nproc)"

echo "== build with AddressSanitizer and UndefinedBehaviorSanitizer"
tools/build.sh build-asan -DRNNC_WERROR=ON -DRNNC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
# the rtl label (Verilog simulations of the library and of emitted designs) ran above: the
# emitter itself runs here in cli.emit-verilog; so did the suite label (all 72 DeepBench
# problems through the default schedule), whose code the unit tests run here
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$(nproc)" -LE 'rtl|suite'
echo "== all tests passed in $((SECONDS - start)) s"
