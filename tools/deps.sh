#!/bin/bash
# Installs the Debian packages rnnc needs, when some are missing (as root, or through sudo).
set -euo pipefail

pkgs=(cmake make gcc g++ pkg-config libyaml-dev libcunit1-dev libopenblas-dev llvm-16-dev libdnnl-dev verilator iverilog yosys gnuplot-nox)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "rnnc: installing ${missing[*]}" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "rnnc: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
# --no-install-recommends: verilator recommends SystemC, which rnnc does not use
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
