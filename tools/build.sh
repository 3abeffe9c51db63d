#!/bin/bash
# tools/build.sh DIR [cmake options...]: configures (once) and builds rnnc in DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1; shift
cmake -S . -B "$dir" "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
