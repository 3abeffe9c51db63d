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
awk -F, 'NR > 1 && $9 == 1 { if ($29 == 1) f++; else if ($30 == "") bad++ }
         END { exit !(f >= 1 && bad == 0) }' "$work/j1/sweep.csv" || fail "front flags"
if "$rnnc" sweep "$work/gru.yaml" --set hu=0 -o "$work/bad" >"$work/bad.log" 2>&1; then
	fail "--set hu=0 accepted"
fi
grep -q "is not a value of hu" "$work/bad.log" || fail "--set hu=0: $(cat "$work/bad.log")"
[ -e "$work/bad" ] && fail "a failed sweep left an output folder"
echo "PASS: $points points, -j1 and -j3 identical"
