#!/bin/bash
# Every DeepBench problem compiles through the mapping with exit status 0 (the simulation is
# left to the benchmarks: it takes minutes over the whole suite).
# usage: deepbench_compile.sh RNNC
set -u
rnnc=$1
fails=0 n=0
while read -r name set _; do
	[ "$set" = device ] && name=device/$name
	n=$((n + 1))
	if ! "$rnnc" -q --dump-after=map "deepbench:$name" >/dev/null; then
		echo "FAIL deepbench:$name"
		fails=$((fails + 1))
	fi
done < <("$rnnc" --list-deepbench | tail -n +2)
echo "$((n - fails)) passed, $fails failed"
[ "$n" -gt 0 ] && [ "$fails" -eq 0 ]
