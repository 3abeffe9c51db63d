#!/bin/bash
# deepbench/platforms.csv: every figure has a known platform, figure and unit, a number and a
# source.
#   platforms_check.sh CSV
set -u
csv=$1
bad=0 n=0
while IFS= read -r line; do
	case $line in '#'*|'') continue;; esac
	n=$((n + 1))
	IFS=, read -r plat fig value unit src <<<"$line"
	src=${src#\"}; src=${src%\"}
	err=""
	case $plat in xeon|v100|bw|plasticine-paper|titanxp) ;; *) err="unknown platform '$plat'";; esac
	case $fig:$unit in process:nm|die_area:mm2|tdp:W|measured_peak_power:W|peak_8bit:TFLOPS) ;;
	geomean_speedup_v100:x|geomean_speedup_bw:x) ;;
	*) err="unknown figure '$fig' in '$unit'";; esac
	[[ $value =~ ^[0-9]+(\.[0-9]+)?$ ]] || err="'$value' is not a number"
	[ ${#src} -ge 20 ] || err="no source"
	if [ -n "$err" ]; then
		echo "FAIL $csv: $err: $line"
		bad=1
	fi
done <"$csv"
[ $bad -eq 0 ] && echo "PASS: $n figures, each with its source"
exit $bad
