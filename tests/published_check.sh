#!/bin/bash
# The published figures rnnc compares with: every line has a known subject (a DeepBench problem,
# or a platform), a known metric and unit, a number and a source.
#   published_check.sh RNNC deepbench/published.csv   problem,platform,metric,value,unit,source
#   published_check.sh RNNC deepbench/platforms.csv   platform,figure,value,unit,source
set -u
rnnc=$1 csv=$2
problems=$("$rnnc" --list-deepbench)
bad=0 n=0
while IFS= read -r line; do
	case $line in '#'*|'') continue;; esac
	n=$((n + 1))
	case $csv in
	*platforms.csv) prob=""; IFS=, read -r plat metric value unit src <<<"$line";;
	*) IFS=, read -r prob plat metric value unit src <<<"$line";;
	esac
	src=${src#\"}; src=${src%\"}
	err=""
	[ -z "$prob" ] || grep -qw -- "$prob" <<<"$problems" || err="unknown problem '$prob'"
	case $plat in xeon|v100|bw|plasticine-paper|titanxp) ;; *) err="unknown platform '$plat'";; esac
	case $metric:$unit in
	latency:ms|power:W) [ -n "$prob" ] || err="'$metric' is a problem's figure";;
	process:nm|die_area:mm2|tdp:W|measured_peak_power:W|peak_8bit:TFLOPS|geomean_speedup_*:x)
		[ -z "$prob" ] || err="'$metric' is a platform's figure";;
	*) err="unknown metric '$metric' in '$unit'";;
	esac
	[[ $value =~ ^[0-9]+(\.[0-9]+)?$ ]] || err="'$value' is not a number"
	[ ${#src} -ge 20 ] || err="no source"
	if [ -n "$err" ]; then
		echo "FAIL $csv: $err: $line"
		bad=1
	fi
done <"$csv"
[ $bad -eq 0 ] && echo "PASS: $n figures, each with its source"
exit $bad
