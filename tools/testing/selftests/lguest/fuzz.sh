#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz: run lguest's fuzzers, each target for FUZZ_SECONDS (60).
#
#   launcher  what a Guest or a kernel file feeds the Launcher: the
#             libFuzzer targets in fuzz/, with ASan and UBSan
#
# Each section builds its fuzzers and prints a TAP line per target with
# its executions and coverage, and for a crash what the sanitizer said
# and the command that reproduces it.  Crashes, logs and the inputs each
# target found are kept in build/fuzz/SECTION/, and the next run starts
# from those inputs.  Exits non-zero if anything crashed.
set -uo pipefail

self=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$self/../../../.." && pwd)
out=${BUILD:-$top/build}/fuzz
seconds=${FUZZ_SECONDS:-60}

launcher() {
	make -s -C "$self/fuzz" OUTPUT="$out/launcher/" &&
		"$self/fuzz/run.sh" "$out/launcher" -max_total_time="$seconds"
}

# A section is a function that prints TAP and fails if anything crashed.
sections=(launcher)
failed=()
for s in "${sections[@]}"; do
	echo "# $s: each target for ${seconds}s, crashes and logs in $out/$s/"
	"$s" || failed+=("$s")
done
if [ ${#failed[@]} -ne 0 ]; then
	echo "crashes (or a failed build) in: ${failed[*]}"
	exit 1
fi
echo "no crashes in: ${sections[*]}"
