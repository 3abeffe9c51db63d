# Sourced by the scripts that take a tool list and a WORKDIR (tests/rtl/*.sh, bench/*.sh).

# need_tools WHO STATUS TOOL ...: when a TOOL is missing, says so and exits with STATUS
# (77, skipped, on standard output; anything else, an error, on standard error).
need_tools() {
	local who=$1 status=$2 tool
	shift 2
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 && continue
		if [ "$status" = 77 ]; then
			echo "$who: skipped, $tool not found (tools/deps.sh installs it)"
		else
			echo "$who: $tool not found (tools/deps.sh installs it)" >&2
		fi
		exit "$status"
	done
}

# fresh_workdir WHO DIR MARKER [SUBDIR]: empties DIR, only when it is new, empty or marked
# with the file MARKER by an earlier run, and makes DIR/SUBDIR and the marker; fails (status
# 2) otherwise, touching nothing.
fresh_workdir() {
	local who=$1 dir=$2 marker=$3 sub=${4:-}
	if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ] && [ ! -f "$dir/$marker" ]; then
		echo "$who: $dir is not empty and was not made by $who; not touching it" >&2
		return 2
	fi
	rm -rf "$dir" && mkdir -p "$dir/$sub" && : >"$dir/$marker" || return 2
}
