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

# the heuristic: the same seed gives the same files with one worker or two; another seed
# valid files of its own; the seed in the summary and the files; bad values exit 2
"$rnnc" sweep "$work/gru.yaml" --strategy anneal --seed 9 --samples 300 -j1 -o "$work/an1" >"$work/an1.log" 2>&1 ||
	fail "anneal -j1: $(cat "$work/an1.log")"
"$rnnc" sweep "$work/gru.yaml" --strategy=anneal --seed=9 --samples=300 -j2 -q -o "$work/an2" ||
	fail "anneal -j2"
"$rnnc" sweep "$work/gru.yaml" --strategy anneal --seed 10 --samples 300 -j2 -q -o "$work/an3" ||
	fail "anneal, seed 10"
for f in $files; do
	cmp -s "$work/an1/$f" "$work/an2/$f" || fail "$f of anneal differs between -j1 and -j2"
done
grep -q "^  search      anneal, seed 9, 300 samples: 300 points visited" "$work/an1.log" ||
	fail "no seed in the summary: $(cat "$work/an1.log")"
head -1 "$work/an1/sweep.csv" | grep -q "^# anneal, seed 9, 300 samples: 300 points visited of $points$" ||
	fail "no seed in sweep.csv: $(head -1 "$work/an1/sweep.csv")"
grep -q '"search": {"strategy": "anneal", "seed": 9, "samples": 300,' "$work/an1/sweep.json" ||
	fail "no seed in sweep.json"
for d in an1 an3; do
	[ "$(grep -vc '^#' "$work/$d/sweep.csv")" -eq 301 ] || fail "$d/sweep.csv has not 300 points"
done
# the exhaustive sweep's best is among the points of a budget of a third of them
best=$(sed -n 's/^  best        \(hu=[^(]*\)(.*/\1/p' "$work/j1.log")
"$rnnc" sweep "$work/gru.yaml" --strategy anneal --samples $((points / 3)) -j2 -o "$work/an4" >"$work/an4.log" 2>&1 ||
	fail "anneal, a third: $(cat "$work/an4.log")"
grep -qF "  best        $best(" "$work/an4.log" || fail "anneal's best is not '$best': $(grep best "$work/an4.log")"
"$rnnc" sweep "$work/gru.yaml" --strategy random --samples 50 -q -o "$work/rnd" || fail "random"
for bad in "--seed x" "--seed -1" "--samples 0" "--samples 2.5" "--strategy annealing"; do
	# shellcheck disable=SC2086
	"$rnnc" sweep "$work/gru.yaml" $bad -o "$work/bad2" >"$work/bad2.log" 2>&1
	[ $? -eq 2 ] || fail "'$bad' did not exit 2: $(cat "$work/bad2.log")"
	grep -q "needs" "$work/bad2.log" || fail "'$bad': $(cat "$work/bad2.log")"
done
# a space past the limit is sampled, and the sweep says so
"$rnnc" sweep "$work/gru.yaml" --set rows=4..64 --set cols=4..64 --set pmu_kib=16..32 --samples 60 -j2 \
	-o "$work/auto" >"$work/auto.log" 2>"$work/auto.err" || fail "auto: $(cat "$work/auto.err")"
grep -q "note: the space has more than [0-9]* points: the sweep samples 60 of them by anneal, seed 1" "$work/auto.err" ||
	fail "no note of the switch: $(cat "$work/auto.err")"
grep -q "^  search      anneal, seed 1, 60 samples: 60 points visited" "$work/auto.log" || fail "auto: $(cat "$work/auto.log")"
if "$rnnc" sweep "$work/gru.yaml" --strategy random --shard 1/2 -o "$work/bad3" >"$work/bad3.log" 2>&1; then
	fail "a sharded walk accepted"
fi
grep -q "does not run in shards" "$work/bad3.log" || fail "sharded walk: $(cat "$work/bad3.log")"

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
# a walk killed and resumed walks the same way: its points come back from the cache
"$rnnc" sweep "$work/lstm.yaml" --target plasticine-rnn --strategy anneal --samples 1500 -j2 -q -o "$work/walk" ||
	fail "anneal of lstm.yaml"
set -m
"$rnnc" sweep "$work/lstm.yaml" --target plasticine-rnn --strategy anneal --samples 1500 -j2 -q -o "$work/walk-killed" &
pid=$!
set +m
sleep 0.3
kill -s KILL $pid 2>/dev/null
wait $pid 2>/dev/null
"$rnnc" sweep "$work/lstm.yaml" --target plasticine-rnn --strategy anneal --samples 1500 -j1 -o "$work/walk-killed" >"$work/walk.log" 2>&1 ||
	fail "resume of the walk: $(cat "$work/walk.log")"
for f in $files; do
	cmp -s "$work/walk/$f" "$work/walk-killed/$f" || fail "$f of the walk after SIGKILL and a resume differs"
done
grep -q "^  cache       [1-9]" "$work/walk.log" || echo "note: the walk was killed before its first result"
"$rnnc" sweep "$work/lstm.yaml" --target plasticine-rnn --strategy anneal --samples 1500 -o "$work/walk-killed" >"$work/walk2.log" 2>&1 ||
	fail "rerun of the walk"
grep -q "^  cache       .* 0 points evaluated and 0 simulated here" "$work/walk2.log" ||
	fail "the rerun of a finished walk evaluated points: $(cat "$work/walk2.log")"

echo "PASS: $points points, -j1 and -j3 identical, the shards merged identical, resumed identical; anneal by seed, -j1 and -j2 identical, resumed identical"
