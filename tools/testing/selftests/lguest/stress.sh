#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make stress: the stress scenario (scenarios/guest-stress.sh) round after
# round until the time budget is spent, going through the eight pairings
# of one or two Host CPUs, an idle console or someone typing, and a
# two-level or a PAE Host and Guest.
#
#   STRESS_MINUTES   the budget (default 30); the round under way when it
#                    runs out is finished
#   STRESS_MB        MiB per check (default 64): written to the Guest's root
#                    disk per pair of boots, and sent over TCP each way
#
# Each round's TAP goes to build/stress-logs/round-N.tap; a round that
# fails keeps its serial log and evidence there too.  Ends with a summary
# and exits non-zero if any round failed.
set -uo pipefail

self=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$self/../../../.." && pwd)
b=${BUILD:-$top/build}
out=$b/stress-logs
minutes=${STRESS_MINUTES:-30}
mb=${STRESS_MB:-64}
# A stuck Guest is caught inside the round within a minute (lib.sh's
# patience); this only bounds a Host that stops answering altogether.
export LGTEST_TIMEOUT=$((1200 + mb * 20))

rm -rf "$out" && mkdir -p "$out"
start=$(date +%s)
rounds=0 failed=0
echo "stress: ${minutes} minutes, $mb MiB per check; logs in $out"
while [ $(($(date +%s) - start)) -lt $((minutes * 60)) ]; do
	rounds=$((rounds + 1))
	if [ $((rounds % 2)) -eq 1 ]; then name=guest-stress; else name=guest-stress-smp; fi
	if [ $(((rounds + 1) / 2 % 2)) -eq 1 ]; then kind=idle; else kind=typing; fi
	if [ $(((rounds + 3) / 4 % 2)) -eq 0 ]; then name=pae/$name; fi
	t0=$(date +%s)
	LGTEST_ARGS="lgstress=$mb lgtype=$kind" \
		"$self/run_tests.sh" "$name" > "$out/round-$rounds.tap" 2>&1
	rc=$?
	summary=$(tail -n 1 "$out/round-$rounds.tap")
	echo "round $rounds ($name, $kind): $summary in $(($(date +%s) - t0))s"
	if [ $rc -ne 0 ]; then
		failed=$((failed + 1))
		grep '^not ok' "$out/round-$rounds.tap" | sed 's/^/  /'
		log=${name//\//-}
		cp -r "$b/test-logs/$log.log" "$out/round-$rounds-$log.log"
		[ -d "$b/test-logs/$log" ] &&
			cp -r "$b/test-logs/$log" "$out/round-$rounds-$log"
	fi
done
echo "stress: $rounds rounds in $((($(date +%s) - start) / 60)) minutes, $failed failed"
[ $failed -eq 0 ]
