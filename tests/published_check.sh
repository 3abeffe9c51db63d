#!/bin/bash
# deepbench/published.csv: every figure has a problem DeepBench has, a known platform and metric,
# a number and its unit, and a source.
#   published_check.sh RNNC CSV
set -u
rnnc=$1 csv=$2
problems=$("$rnnc" --list-deepbench)
bad=0 n=0
while IFS= read -r line; do
	case $line in '#'*|'') continue;; esac
	n=$((n + 1))
	IFS=, read -r prob plat metric value unit src <<<"$line"
	src=${src#\"}; src=${src%\"}
	err=""
	grep -qw -- "$prob" <<<"$problems" || err="unknown problem '$prob'"
	case $plat in xeon|v100|bw|plasticine-paper|titanxp) ;; *) err="unknown platform '$plat'";; esac
	case $metric:$unit in latency:ms|power:W) ;; *) err="unknown metric '$metric' in '$unit'";; esac
	[[ $value =~ ^[0-9]+(\.[0-9]+)?$ ]] || err="'$value' is not a number"
	[ ${#src} -ge 20 ] || err="no source"
	if [ -n "$err" ]; then
		echo "FAIL $csv: $err: $line"
		bad=1
	fi
done <"$csv"
[ $bad -eq 0 ] && echo "PASS: $n figures, each with its source"
exit $bad
