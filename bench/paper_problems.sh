#!/bin/bash
# The problems of the SysML 2019 paper's table on its fabric: for each, the design rnnc's search
# picks on plasticine-rnn, the fabric it compiles for, the share of the chip's PCUs that compute
# dot products, the simulated latency and MAC utilization, and the paper's own Plasticine latency
# (from deepbench/published.csv, with its source) with rnnc's speedup over it. Then the
# geometric mean of the speedups over the problems whose weights fit the paper's chip (whether
# or not their mapping made rnnc grow the fabric, which the fabric column shows), and the
# targets: every one of them faster than the paper, the mean at least 1.5x, and at least 80% of
# the MAC peak on LSTM and GRU from 1024 up.
#
#   bench/paper_problems.sh RNNC [TARGET]
set -u
rnnc=${1:?usage: paper_problems.sh RNNC [TARGET]}
target=${2:-plasticine-rnn}
published=$(dirname "$0")/../deepbench/published.csv
printf '%-15s %-20s %-8s %-16s %10s %7s %11s %8s\n' problem schedule fabric "dot PCUs" \
       "latency" "MAC" "paper" speedup
geo=0 n=0 slower=0 low=""
for p in lstm-256-t150 lstm-512-t25 lstm-1024-t25 lstm-1536-t50 lstm-2048-t25 gru-512-t1 \
         gru-1024-t1500 gru-1536-t375 gru-2048-t375 gru-2560-t375; do
	out=$("$rnnc" "deepbench:$p" --target "$target" 2>&1) || { echo "$p: rnnc failed"; continue; }
	sched=$(sed -n 's/^  mapping      \(hu=[0-9]* ru=[0-9]* rv=[0-9]*\).*/\1/p' <<<"$out")
	grid=$(sed -n 's/^  fabric       grown from .* to \([0-9]* x [0-9]*\) .*/\1/p' <<<"$out")
	share=$(sed -n 's/^  fabric use   \([0-9]*\) of the chip.s \([0-9]*\) PCUs.*/\1 of \2/p' <<<"$out")
	lat=$(sed -n 's/^  simulation   [0-9]* cycles, \([0-9.]*\) us.*/\1/p' <<<"$out")
	util=$(sed -n "s/.*MAC utilization \([0-9.]*\)% of the fabric's peak.*/\1/p" <<<"$out")
	paper=$(awk -F, -v p="$p" '$1 == p && $2 == "plasticine-paper" && $3 == "latency" {
	        print $4 * 1000 }' "$published")
	ratio=$(awk -v a="$paper" -v b="$lat" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", a / b }')
	printf '%-15s %-20s %-8s %-16s %8s us %6s%% %8s us %8s\n' "$p" "$sched" "${grid:-nominal}" \
	       "$share" "$lat" "$util" "$paper" "$ratio"
	# the targets count every problem whose weights fit the paper's chip, also when its
	# mapping needed the fabric grown
	grep -q "^  fabric       grown .* to hold the weights" <<<"$out" && continue
	geo=$(awk -v g="$geo" -v a="$paper" -v b="$lat" 'BEGIN { print g + log(a / b) }')
	n=$((n + 1))
	awk -v a="$paper" -v b="$lat" 'BEGIN { exit !(b >= a) }' && slower=$((slower + 1))
	case $p in lstm-256*|lstm-512*|gru-512*) ;; *)
		awk -v u="$util" 'BEGIN { exit !(u < 80) }' && low="$low $p";;
	esac
done
awk -v g="$geo" -v n="$n" 'BEGIN { printf "geometric mean of the speedup over the paper on the %d " \
    "problems that fit its chip: %.2fx (target 1.5x)\n", n, exp(g / n) }'
echo "slower than the paper: $slower of $n (target 0)"
echo "LSTM and GRU from 1024 up below 80% of the MAC peak:${low:- none} (target none)"
echo "the paper's figures: $(grep -m1 ',plasticine-paper,latency,' "$published" |
     sed 's/^[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,//')"
