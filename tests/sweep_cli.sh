#!/bin/bash
# rnnc sweep from the command line: the same files with one worker and with three, every point
# a line of the CSV, nothing half-written left behind, and bad --set values rejected.
#   sweep_cli.sh RNNC WORKDIR
set -u
rnnc=$1 work=$2
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work"
mkdir -p "$work"
cat >"$work/gru.yaml" <<'SPEC'
name: sweep-gru
cell: gru
hidden: 24
input: 12
timesteps: 2
batch: 2
SPEC
"$rnnc" sweep "$work/gru.yaml" -j1 -o "$work/j1" >"$work/j1.log" 2>&1 || fail "sweep -j1: $(cat "$work/j1.log")"
"$rnnc" sweep "$work/gru.yaml" -j3 -q -o "$work/j3" >"$work/j3.log" 2>&1 || fail "sweep -j3: $(cat "$work/j3.log")"
[ -s "$work/j3.log" ] && fail "-q printed: $(cat "$work/j3.log")"
files="sweep.csv sweep.json front.dat front.gp"
if command -v gnuplot >/dev/null; then
	files="$files front-latency-area.svg front-latency-power.svg"
	grep -q "^  plots       .*front-latency-area.svg" "$work/j1.log" || fail "no plots: $(cat "$work/j1.log")"
fi
for f in $files; do
	cmp -s "$work/j1/$f" "$work/j3/$f" || fail "$f differs between -j1 and -j3"
done
ls "$work"/j1/*.tmp >/dev/null 2>&1 && fail "a temporary file was left behind"
points=$(sed -n 's/.* values: \([0-9]*\) points$/\1/p' "$work/j1.log")
[ -n "$points" ] || fail "no point count in the summary: $(cat "$work/j1.log")"
[ "$(wc -l <"$work/j1/sweep.csv")" -eq $((points + 1)) ] || fail "sweep.csv has not $points points"
grep -q "^  best        hu=" "$work/j1.log" || fail "no best point in the summary"
# the front: at least one point, and every dominated point names one
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; nf = NF; next }
         NF != nf { short++ }
         $col["maps"] == 1 { if ($col["front"] == 1) f++; else if ($col["dominated_by"] == "") bad++ }
         END { exit !(f >= 1 && bad == 0 && short == 0) }' "$work/j1/sweep.csv" ||
	fail "front flags, or a line without every column"
if "$rnnc" sweep "$work/gru.yaml" --set hu=0 -o "$work/bad" >"$work/bad.log" 2>&1; then
	fail "--set hu=0 accepted"
fi
grep -q "is not a value of hu" "$work/bad.log" || fail "--set hu=0: $(cat "$work/bad.log")"
[ -e "$work/bad" ] && fail "a failed sweep left an output folder"

# three shards and a merge give the unsharded files, byte for byte
for k in 1 2 3; do
	"$rnnc" sweep "$work/gru.yaml" --shard $k/3 -j1 -o "$work/shards" >"$work/shard$k.log" 2>&1 ||
		fail "shard $k/3: $(cat "$work/shard$k.log")"
done
"$rnnc" merge "$work/shards" -j2 -q >"$work/merge.log" 2>&1 || fail "merge: $(cat "$work/merge.log")"
for f in $files; do
	cmp -s "$work/j1/$f" "$work/shards/$f" || fail "$f of the merged shards differs"
done
# a merge with a shard missing says so
mkdir -p "$work/part/cache"
cp "$work/shards/sweep.args" "$work/part/"
cp "$work/shards/cache/"*1of3.txt "$work/part/cache/"
if "$rnnc" merge "$work/part" >"$work/part.log" 2>&1; then
	fail "a merge with two shards missing succeeded"
fi
grep -q "points are not in .*a shard has not finished" "$work/part.log" || fail "merge: $(cat "$work/part.log")"

# killed at some moment and resumed: the uninterrupted result
cat >"$work/lstm.yaml" <<'SPEC'
name: sweep-lstm
cell: lstm
hidden: 256
input: 256
timesteps: 3
SPEC
"$rnnc" sweep "$work/lstm.yaml" --target plasticine-rnn -j2 -q -o "$work/whole" || fail "sweep of lstm.yaml"
for sig in INT KILL; do
	set -m  # job control: a background job of a script otherwise ignores SIGINT
	"$rnnc" sweep "$work/lstm.yaml" --target plasticine-rnn -j2 -q -o "$work/killed-$sig" &
	pid=$!
	set +m
	sleep 0.3
	kill -s $sig $pid 2>/dev/null
	wait $pid 2>/dev/null
	echo "SIG$sig after 0.3 s: $(cat "$work/killed-$sig"/cache/*.txt 2>/dev/null | wc -l) results cached"
	"$rnnc" sweep "$work/lstm.yaml" --target plasticine-rnn -j2 -q -o "$work/killed-$sig" || fail "resume after SIG$sig"
	for f in $files; do
		cmp -s "$work/whole/$f" "$work/killed-$sig/$f" || fail "$f after SIG$sig and a resume differs"
	done
done
echo "PASS: $points points, -j1 and -j3 identical, the shards merged identical, resumed identical"
