#!/bin/bash
# The drain left in each searched design, problem by problem (docs/mapping.md, "Hoisting the
# input products"). For each problem of the SysML 2019 paper's table, the design rnnc's search
# picks is simulated, and its steady step is split into
#   stream  the xh vectors a copy issues in a step: B x ceil(H / hu) rows x nt vector steps,
#   drain   the rest of the step: for an unhoisted design, the last row's way through the dot
#           products, the sums' combine, the epilogue and h's links back to every xh copy, and
#           the barrier; for a hoisted one, what of that its x phase does not hide.
# A design that walks a step's h half first and then the next step's x phase (hoist_input)
# has a step of at least stream_h + max(stream_x, drain), the `hoisted` column; the gain is the
# steady step against it. Over T steps the first step and the x phase of step 0 are not
# overlapped; the column `over T` counts that. Before the search had hoisting, these were the
# gains it left (docs/mapping.md); with it, a step at the stream is what the fabric's PCUs
# allow at that hu x ru.
#
#   bench/hoist_bound.sh RNNC [TARGET]
set -u
rnnc=${1:?usage: hoist_bound.sh RNNC [TARGET]}
target=${2:-plasticine-rnn}
printf '%-16s %-22s %8s %8s %8s %8s %9s %8s\n' problem schedule step stream drain hoisted gain "over T"
for p in lstm-256-t150 lstm-512-t25 lstm-1024-t25 lstm-1536-t50 lstm-2048-t25 gru-512-t1 \
         gru-1024-t1500 gru-1536-t375 gru-2048-t375 gru-2560-t375; do
	out=$("$rnnc" "deepbench:$p" --target "$target" --emit=report \
	      -o "${TMPDIR:-/tmp}/hoist-$p" 2>&1) || { echo "$p: rnnc failed"; continue; }
	awk -v p="$p" '
	/: (LSTM|GRU|RNN), hidden/ {
		for (i = 1; i <= NF; i++) {
			if ($i == "hidden") H = $(i + 1) + 0
			if ($i == "input") D = $(i + 1) + 0
			if ($i == "steps," || $i == "step,") T = $(i - 1) + 0
			if ($i == "batch") B = $(i + 1) + 0
		}
	}
	/^  mapping / {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^hu=/) hu = substr($i, 4) + 0
			if ($i ~ /^ru=/) ru = substr($i, 4) + 0
			if ($i ~ /^rv=/) rv = substr($i, 4) + 0
		}
	}
	/^  per step / { s0 = $3 + 0; step = $7 + 0; if (step == 0) step = s0 }
	END {
		N = D + H
		rows = int((H + hu - 1) / hu)
		nt = int((N + ru * rv - 1) / (ru * rv))
		ntx = int((D + ru * rv - 1) / (ru * rv))
		stream = B * rows * nt
		sx = B * rows * ntx
		sh = stream - sx
		drain = step - stream
		hoisted = sh + (sx > drain ? sx : drain)
		total = s0 + (T - 1) * step
		htotal = s0 + (T - 1) * hoisted
		printf "%-16s hu %-3d ru %-3d rv %-3d %10d %8d %8d %8d %8.3fx %7.3fx\n", p, hu, ru, rv,
		       step, stream, drain, hoisted, step / hoisted, total / htotal
	}' <<<"$out"
done
