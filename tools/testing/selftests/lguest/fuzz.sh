#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz: run lguest's fuzzers, each target for FUZZ_SECONDS (60).
#
#   launcher  what a Guest or a kernel file feeds the Launcher: the
#             libFuzzer targets in fuzz/, with ASan and UBSan
#   host      what a Guest feeds the Host: fuzz-hcall's seeded random
#             hypercalls, in the host-fuzz scenario, from seed FUZZ_SEED
#             (a new one each run unless given), for FUZZ_SECONDS on the
#             two-level Host and again on the PAE one
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

host() {
	local seed=${FUZZ_SEED:-$(( $(date +%s) % 1000000 * 100 ))}

	echo "# host: seeds from $seed (replay with FUZZ_SEED=$seed)"
	mkdir -p "$out/host"
	LGTEST_ARGS="lgfuzz=$seconds lgseed=$seed" \
	LGTEST_TIMEOUT=$((seconds + 300)) \
		"$self/run_tests.sh" host-fuzz pae/host-fuzz | tee "$out/host/tap"
	cp "${BUILD:-$top/build}/test-logs/host-fuzz.log" \
		"${BUILD:-$top/build}/test-logs/pae-host-fuzz.log" "$out/host/"
	! grep -q '^not ok' "$out/host/tap"
}

# A section is a function that prints TAP and fails if anything crashed.
sections=(launcher host)
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
