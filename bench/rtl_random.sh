#!/bin/bash
# Random small designs through the Verilog backend (docs/rtl.md): a seeded draw of cells, sizes
# (H, D 1 to 20, B 1 to 3, T 1 to 3) and knobs (hu 1 to 4, ru 1 to 6, rv 1 to 64, folded on
# or off); the draws rnnc accepts with --emit=verilog (the others break a target constraint or
# a knob's range, and are counted by their first error) go through tests/rtl/cosim.sh: lint,
# Verilator and Icarus against the C simulator, bit for bit and cycle for cycle.
#
#   rtl_random.sh RNNC WORKDIR [COUNT [SEED]]
#
# COUNT designs (default 30) drawn with SEED (default 1); the same seed draws the same designs.
# Not a test: about 15 s per design on 2 cores.
set -u

if [ $# -lt 2 ]; then
	echo "usage: rtl_random.sh RNNC WORKDIR [COUNT [SEED]]" >&2
	exit 2
fi
rnnc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$2
count=${3:-30}
seed=${4:-1}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tools/workdir.sh"
fresh_workdir rtl_random.sh "$work" .rtl-random specs || exit 2
work=$(cd "$work" && pwd)

RANDOM=$seed
cells=(lstm gru rnn)
rvs=(1 2 3 4 5 7 8 13 16 32 64)
n=0 tries=0
: >"$work/rejected.log"
while [ $n -lt "$count" ] && [ $tries -lt $((count * 20)) ]; do
	tries=$((tries + 1))
	cell=${cells[RANDOM % 3]}
	H=$((RANDOM % 20 + 1)) D=$((RANDOM % 20 + 1)) B=$((RANDOM % 3 + 1)) T=$((RANDOM % 3 + 1))
	hu=$((RANDOM % 4 + 1)) ru=$((RANDOM % 6 + 1)) rv=${rvs[RANDOM % ${#rvs[@]}]}
	folded=$([ $((RANDOM % 2)) = 1 ] && echo true || echo false)
	name=$(printf 'r%03d-%s-h%d-d%d-b%d-t%d-hu%d-ru%d-rv%d%s' $n $cell $H $D $B $T $hu $ru $rv \
	       "$([ $folded = true ] || echo -unfolded)")
	spec=$work/specs/$name.yaml
	printf 'name: %s\ncell: %s\nhidden: %d\ninput: %d\nbatch: %d\ntimesteps: %d\nschedule: {hu: %d, ru: %d, rv: %d, folded: %s}\n' \
	       "$name" $cell $H $D $B $T $hu $ru $rv $folded >"$spec"
	if ! err=$("$rnnc" "$spec" -q --emit=verilog -o "$work/probe" 2>&1); then
		echo "$err" | head -1 | sed 's/^[^:]*:[0-9]*:[0-9]*: error: //; s/ = [0-9]*.*//; s/[0-9]\+/N/g' \
		     >>"$work/rejected.log"
		rm -f "$spec"
		continue
	fi
	n=$((n + 1))
done
rm -rf "$work/probe"
echo "rtl_random.sh: seed $seed, $n designs of $tries drawn; rejected by rnnc:"
sort "$work/rejected.log" | uniq -c | sort -rn | head -8
bash "$here/../tests/rtl/cosim.sh" "$rnnc" "$work/cosim" "$work"/specs/*.yaml
