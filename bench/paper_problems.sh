#!/bin/bash
# The problems of the SysML 2019 paper's table on its fabric: for each, the design rnnc's
# default schedule picks on plasticine-rnn, the fabric it compiles for, the share of the chip's
# PCUs that compute dot products, and the simulated latency. The paper's own figures are in
# docs/mapping.md (and ../shared/baselines.md) with their source; this prints rnnc's side.
#
#   bench/paper_problems.sh RNNC [TARGET]
set -u
rnnc=${1:?usage: paper_problems.sh RNNC [TARGET]}
target=${2:-plasticine-rnn}
printf '%-16s %-24s %-10s %-22s %12s\n' problem schedule fabric "dot-product PCUs" latency
for p in lstm-256-t150 lstm-512-t25 lstm-1024-t25 lstm-1536-t50 lstm-2048-t25 gru-512-t1 \
         gru-1024-t1500 gru-1536-t375 gru-2048-t375 gru-2560-t375; do
	out=$("$rnnc" "deepbench:$p" --target "$target" 2>&1) || { echo "$p: rnnc failed"; continue; }
	sched=$(sed -n 's/^  mapping      \(hu=[0-9]* ru=[0-9]* rv=[0-9]*\).*/\1/p' <<<"$out")
	grid=$(sed -n 's/^  fabric       grown from .* to \([0-9]* x [0-9]*\) .*/\1/p' <<<"$out")
	share=$(sed -n 's/^  fabric use   \([0-9]* of the chip.s [0-9]* PCUs ([0-9.]*%)\).*/\1/p' <<<"$out")
	lat=$(sed -n 's/^  simulation   [0-9]* cycles, \([0-9.]* us\).*/\1/p' <<<"$out")
	printf '%-16s %-24s %-10s %-22s %12s\n' "$p" "$sched" "${grid:-nominal}" \
	       "${share% of the chip*}/${share#*chip\'s }" "$lat"
done
