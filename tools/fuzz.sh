#!/bin/bash
# tools/fuzz.sh [SECONDS]: fuzzes the spec and target parser with libFuzzer (clang-14) for
# SECONDS (default 600), starting from the examples, the golden inputs and tests/fuzz/corpus.
# New crashing inputs land in build-fuzz/artifacts/; copy them to tests/fuzz/corpus/ once fixed,
# so that every test run replays them.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
if ! command -v clang-14 >/dev/null || ! dpkg-query -W libclang-rt-14-dev >/dev/null 2>&1; then
  apt-get install -y -qq --no-install-recommends clang-14 libclang-rt-14-dev >/dev/null
fi
CC=clang-14 cmake -S . -B build-fuzz -DRNNC_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_frontend
mkdir -p build-fuzz/corpus build-fuzz/artifacts
cp tests/fuzz/corpus/* tests/golden/spec/*.yaml tests/golden/target/*.yaml examples/*.yaml \
   build-fuzz/corpus/ 2>/dev/null || true
cd build-fuzz
exec ./tests/fuzz_frontend -dict=../tests/fuzz/spec.dict -max_len=2048 \
  -max_total_time="${1:-600}" -print_final_stats=1 -artifact_prefix=artifacts/ corpus
