#!/bin/bash
# Builds rnnc and compiles the default example, examples/lstm.yaml, for the built-in Plasticine
# target, writing the outputs to build/example/. Any rnnc arguments replace the default spec.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
tools/build.sh build -DRNNC_WERROR=ON >/dev/null
if [ $# -eq 0 ]; then
  set -- examples/lstm.yaml -o build/example
fi
exec build/rnnc "$@"
