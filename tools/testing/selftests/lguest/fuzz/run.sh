#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh OUTPUT LIBFUZZER-ARGS...
#
# Run every Launcher fuzz target built in OUTPUT (by this directory's
# Makefile) with the given libFuzzer arguments (a -runs=N or a
# -max_total_time=SECONDS), starting from its seeds in corpus/NAME and
# whatever it found before in OUTPUT/corpus/NAME, where new inputs go.
# Prints a TAP line per target with its executions and coverage; a target
# that crashed is "not ok", with the libFuzzer summary and the command
# that reproduces it.  Logs in OUTPUT/logs, crashes in OUTPUT/crashes.
# Exits non-zero if anything crashed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: run.sh OUTPUT LIBFUZZER-ARGS...}
out=${out%/}
shift
n=0 crashed=0

final_stat() {	# final_stat LOG NAME: a number from libFuzzer's final stats
	sed -n "s/^stat::$2: *//p" "$1" | tail -n 1
}

secs() {	# secs LOG: how long the run took
	sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$1"
}

# -close_fd_mask=3: the Launcher's own messages (one per refused input)
# would drown the log; the sanitizers and must() report on an fd of
# their own.  -timeout: an input that runs 20 seconds is a hang.
run_target() {	# run_target NAME
	local t=$1 log=$out/logs/$1.log crashes=$out/crashes/$1/ rc cov f runs inputs
	shift
	mkdir -p "$out/logs" "$out/corpus/$t" "$crashes"
	"$out/fuzz_$t" -close_fd_mask=3 -timeout=20 -print_final_stats=1 \
		-artifact_prefix="$crashes" "$@" "$out/corpus/$t" \
		"$here/corpus/$t" >"$log" 2>&1
	rc=$?
	n=$((n + 1))
	cov=$(grep -a -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
	runs=$(final_stat "$log" number_of_executed_units)
	if [ $rc -eq 0 ]; then
		inputs=$(find "$out/corpus/$t" "$here/corpus/$t" -type f | wc -l)
		echo "ok $n - $t: $runs executions in $(secs "$log") s," \
			"${cov:-no coverage}, $inputs inputs in its corpus"
		return
	fi
	crashed=$((crashed + 1))
	echo "not ok $n - $t: crashed after $runs executions" \
		"(${cov:-no coverage})"
	grep -a -E 'runtime error: |ERROR: |^fuzz: ' "$log" | head -n 3 |
		sed 's/^/# /'
	sed -n 's/.*Test unit written to //p' "$log" | while IFS= read -r f; do
		echo "# reproduce: $out/fuzz_$t $f"
	done
	echo "# log: $log"
}

for src in "$here"/fuzz_*.c; do
	t=$(basename "$src" .c)
	run_target "${t#fuzz_}" "$@"
done
[ $crashed -eq 0 ]
