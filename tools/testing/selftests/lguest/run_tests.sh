#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lguest's test runner: prints TAP and ends with "N passed, N failed".
#
#   run_tests.sh              everything
#   run_tests.sh NAME...      only these: a scenario name, "unit",
#                             "checkpatch", "sparse", "journey" or "bench";
#                             "pae/NAME" for a scenario's PAE run, "pae"
#                             for every PAE run
#
# The kinds of test:
#  - unit: each directory here with a Makefile and a "run" target (the
#    Launcher's tests) prints its own TAP; we renumber it.
#  - checkpatch: checkpatch.pl --no-tree -f on every .c/.h lguest owns,
#    and every scenario's check lines looked at for a condition the shell
#    would cut in two (below).
#  - sparse: the Host and Guest directories rebuilt with sparse (C=2),
#    in both kernels (two-level and PAE).
#  - bench: make bench in its quick mode (bench/bench.sh, BENCH_QUICK=1)
#    runs to its end and fills every line of its table; its figures are
#    never judged.  Its table and logs are in build/test-logs/bench/.
#  - journey: the book's checks (journey.py --check) and its HTML page
#    as headless chromium lays it out (journey-layout.js).
#  - scenarios/NAME.sh: the Host boots in QEMU and its init runs the
#    scenario, which reports "LGTEST ok - ..." or "LGTEST not ok - ..." on
#    the serial line.  A scenario whose Host dies, hangs past its timeout or
#    never reaches its end fails as a whole.  Header lines "# smp: N" and
#    "# timeout: SECONDS" tune the boot, and "# flavours: 2level pae"
#    runs it on the two-level Host and again on the PAE one (6 GiB, its
#    own image, build/host-pae.cpio; reported as pae/NAME, the scenario
#    sees lgflavour=pae on the Host's command line); LGTEST_TIMEOUT overrides the
#    timeout and LGTEST_ARGS adds to the Host's command line (make
#    stress uses both).  The serial log is build/test-logs/NAME.log, and
#    what a scenario marks as evidence (each Guest's console, the
#    Launcher's stderr, a stuck Launcher's threads) is filed beside it in
#    build/test-logs/NAME/.  A scenario with a NAME.expect
#    beside it has its serial line driven by serial-expect.py, which types
#    at the console as a person would and checks what comes back.
set -uo pipefail
shopt -s nullglob

self=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$self/../../../.." && pwd)
b=${BUILD:-$top/build}
logs=$b/test-logs
mkdir -p "$logs"

n=0 passed=0 failed=0

report() {	# report 0|1 description
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
	fi
}

wanted() {
	[ ${#only[@]} -eq 0 ] && return 0
	local w
	for w in "${only[@]}"; do
		[ "$w" = "$1" ] && return 0
	done
	return 1
}

# Feed TAP lines from a command through report(), prefixed with $1.
relay_tap() {
	local prefix=$1 line seen=0 status=0
	shift
	while IFS= read -r line; do
		case "$line" in
		"ok "*)
			report 0 "$prefix: ${line#ok * - }"; seen=1 ;;
		"not ok "*)
			report 1 "$prefix: ${line#not ok * - }"; seen=1 ;;
		"exit status "*)
			status=${line#exit status } ;;
		*)
			echo "# $line" ;;
		esac
	done < <("$@" 2>&1; echo "exit status $?")
	[ $seen -eq 1 ] || report 1 "$prefix: produced no results"
	[ "$status" -eq 0 ] || report 1 "$prefix: exited with status $status"
}

run_unit_tests() {
	local mk
	for mk in "$self"/*/Makefile; do
		grep -q '^run:' "$mk" || continue
		relay_tap "unit $(basename "$(dirname "$mk")")" \
			make -s -C "$(dirname "$mk")" run
	done
}

owned_sources() {
	(cd "$top" && git ls-files -- 'arch/*' 'drivers/*' 'include/*' \
		'tools/*' 'Documentation/*' | grep -E '\.[ch]$')
}

# The journey's tagged comments end with a line holding only ":*/", as
# lguest's always did, so a reader (and Documentation/lguest's extractor)
# can tell where each stop on the tour ends.  checkpatch wants a bare "*/"
# there; that one warning, on exactly that line, is the price of the book
# and the only one we let through.
checkpatch_file() {
	local line n

	"$b/linux/scripts/checkpatch.pl" --no-tree -f --terse --show-types \
		--no-summary "$1" 2>&1 | grep -v '^$' |
	while IFS= read -r line; do
		case "$line" in
		*BLOCK_COMMENT_STYLE*"trailing */ on a separate line"*)
			n=${line#"$1":}
			n=${n%%:*}
			sed -n "${n}p" "$1" | grep -qx '[[:space:]]*:\*/' &&
				continue ;;
		esac
		echo "$line"
	done
}

run_checkpatch() {
	local f out
	for f in $(owned_sources); do
		out=$(checkpatch_file "$top/$f")
		if [ -n "$out" ]; then
			echo "$out" | sed 's/^/# /'
			report 1 "checkpatch: $f"
		else
			report 0 "checkpatch: $f"
		fi
	done
	run_check_lint
}

# "check DESC [ a ] && [ b ]" is "check DESC [ a ]", then "[ b ]" with
# nobody looking at its answer: a test that cannot fail.  Find any check
# whose command has &&, || or ; outside quotes (continued lines joined).
run_check_lint() {
	local f out
	for f in "$self"/scenarios/*.sh; do
		out=$(awk '
			function flush() {
				s = stmt
				gsub(/\x27[^\x27]*\x27/, "", s)
				gsub(/"([^"\\]|\\.)*"/, "", s)
				if (s ~ /&&|\|\||;/)
					print FILENAME ":" line ": " stmt
				stmt = ""
			}
			stmt != "" { stmt = stmt " " $0 }
			stmt == "" && /^[ \t]*check(_grep)? / { stmt = $0; line = FNR }
			stmt != "" && !/\\$/ { flush() }
		' "$f")
		if [ -n "$out" ]; then
			echo "$out" | sed 's/^/# /'
			report 1 "checks are single commands: ${f##*/}"
		else
			report 0 "checks are single commands: ${f##*/}"
		fi
	done
}

# Sparse on every object of the Host and the Guest.  C=2 checks a file
# whether or not it needs rebuilding, so a clean tree is checked too.
run_sparse() {
	local dir obj out label
	for obj in obj obj-pae; do
		for dir in drivers/lguest arch/x86/lguest; do
			label=$dir
			[ $obj = obj-pae ] && label="$dir (PAE)"
			out=$(flock "$b/.lock" make -s -C "$b/linux" O="$b/$obj" \
				ARCH=i386 C=2 "$dir/" 2>&1 |
				grep -E 'warning:|error:')
			if [ -n "$out" ]; then
				echo "$out" | sed 's/^/# /'
				report 1 "sparse: $label"
			else
				report 0 "sparse: $label"
			fi
		done
	done
}

header() {	# header FILE KEY DEFAULT
	local v
	v=$(sed -n "s/^# $2: *\([0-9]*\).*/\1/p" "$1" | head -n 1)
	echo "${v:-$3}"
}

# Split the sections a scenario marked (lib.sh's evidence()) out of its
# serial log into files of their own.
file_evidence() {	# file_evidence LOG DIR
	rm -rf "$2"
	grep -aq '^LGEVIDENCE begin ' "$1" || return 0
	mkdir -p "$2"
	awk -v dir="$2" '
		/^LGEVIDENCE begin / { f = dir "/" $3; printf "" > f; next }
		/^LGEVIDENCE end$/ { if (f != "") close(f); f = ""; next }
		f != "" { print > f }' "$1"
}

# The flavours a scenario runs in: its "# flavours:" line, or 2level.
flavours() {
	local v
	v=$(sed -n 's/^# flavours: *//p' "$1" | head -n 1)
	echo "${v:-2level}"
}

# Each flavour's Host image; a PAE scenario reports as pae/NAME.
image_of() {
	case "$1" in
	pae) echo "$b/host-pae.cpio" ;;
	*) echo "$b/host.cpio" ;;
	esac
}

label_of() {	# label_of FLAVOUR NAME
	if [ "$1" = 2level ]; then echo "$2"; else echo "$1/$2"; fi
}

run_scenario() {
	local script=$1 flavour=$2 name label smp timeout log work
	name=$(basename "$script" .sh)
	label=$(label_of "$flavour" "$name")
	smp=$(header "$script" smp 1)
	timeout=${LGTEST_TIMEOUT:-$(header "$script" timeout 180)}
	log=$logs/${label//\//-}.log
	work=$(mktemp -d)

	# The scenario rides in a second cpio archive appended to the Host's
	# initramfs: the kernel unpacks both, and editing a scenario needs no
	# image rebuild.
	mkdir -p "$work/root/scenarios"
	cp "$self"/scenarios/*.sh "$work/root/scenarios/"
	(cd "$work/root" && find . | cpio -o -H newc --quiet) > "$work/s.cpio"
	cat "$(image_of "$flavour")" "$work/s.cpio" > "$work/initrd"

	rm -f "$log" "$log.sock"
	local rc expect=${script%.sh}.expect
	if [ -f "$expect" ]; then
		SERIAL_SOCKET=1 LGFLAVOUR=$flavour timeout --foreground \
			"$timeout" "$self/qemu.sh" "$b" "$work/initrd" "$log" \
			"$smp" "lgtest=$name" "lgflavour=$flavour" \
			${LGTEST_ARGS:-} >"$work/qemu.out" 2>&1 &
		timeout "$timeout" "$self/serial-expect.py" "$log.sock" \
			"$log" "$expect"
		wait $!
		rc=$?
		rm -f "$log.sock"
	else
		LGFLAVOUR=$flavour timeout --foreground "$timeout" \
			"$self/qemu.sh" "$b" "$work/initrd" "$log" "$smp" \
			"lgtest=$name" "lgflavour=$flavour" ${LGTEST_ARGS:-} \
			>"$work/qemu.out" 2>&1
		rc=$?
	fi
	rm -rf "$work"
	tr -d '\r' < "$log" > "$log.txt" 2>/dev/null && mv "$log.txt" "$log"
	file_evidence "$log" "${log%.log}"

	local results
	results=$(grep -a -o 'LGTEST \(not \)\{0,1\}ok - .*' "$log" |
		sed 's/^LGTEST //')
	if [ -z "$results" ]; then
		report 1 "$label: no results (log: $log)"
	else
		while IFS= read -r line; do
			case "$line" in
			"ok - "*) report 0 "$label: ${line#ok - }" ;;
			*) report 1 "$label: ${line#not ok - }" ;;
			esac
		done <<< "$results"
	fi
	if [ $rc -eq 124 ]; then
		report 1 "$label: the Host ran it to the end (timed out after ${timeout}s; log: $log)"
	elif ! grep -aq "LGTEST end $name" "$log"; then
		report 1 "$label: the Host ran it to the end (it died; log: $log)"
		grep -a -m 5 -E 'Oops|BUG|WARNING|panic' "$log" | sed 's/^/# /'
	else
		report 0 "$label: the Host ran it to the end"
	fi
}

# The journey: the tags are sound and no section names what its reader
# has not met yet (journey.py --check); and the page it makes renders in
# a real browser (Debian's chromium, headless): a screenshot with
# something on it, and, run inside a copy of the page, journey-layout.js
# finds every section's code highlighted beside its prose and every link
# landing on a section.
run_journey() {
	local out html=$b/test-logs/journey.html png=$b/test-logs/journey.png
	local layout=$b/test-logs/journey-layout.html verdict
	mkdir -p "$b/test-logs"
	if out=$(python3 "$top/Documentation/lguest/journey.py" --check "$top" 2>&1); then
		report 0 "journey: tags and forward references ($(echo "$out" | tail -n 1))"
	else
		echo "$out" | sed 's/^/# /'
		report 1 "journey: tags and forward references"
	fi
	python3 "$top/Documentation/lguest/journey.py" --html "$html" "$top" 2>/dev/null
	rm -f "$png"
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--hide-scrollbars --window-size=1000,1400 \
		--screenshot="$png" "file://$html" >/dev/null 2>&1
	if [ -s "$png" ] && [ "$(stat -c %s "$png")" -gt 20000 ] &&
	   grep -q 'id="part-M"' "$html"; then
		report 0 "journey: the HTML page renders in chromium ($(stat -c %s "$png") byte screenshot)"
	else
		report 1 "journey: the HTML page renders in chromium (no screenshot in $png)"
	fi
	sed "s|</body>|<script src=\"file://$self/journey-layout.js\"></script></body>|" \
		"$html" >"$layout"
	verdict=$(timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--window-size=1400,1000 --dump-dom "file://$layout" 2>/dev/null |
		grep -o 'journey-layout: [^<]*')
	case "$verdict" in
	"journey-layout: ok "*)
		report 0 "journey: each section's code beside its prose in chromium (${verdict#journey-layout: ok })" ;;
	*)
		echo "# ${verdict:-chromium gave no verdict on $layout}" | cut -c1-2000
		report 1 "journey: each section's code beside its prose in chromium" ;;
	esac
}

run_bench() {
	local out=$logs/bench what="bench: make bench runs and fills its table (BENCH_QUICK=1)"
	mkdir -p "$out"
	if BENCH_QUICK=1 BENCH_OUT="$out" "$self/bench/bench.sh" \
			> "$out/bench.out" 2>&1; then
		report 0 "$what"
	else
		grep -A 40 '^Problems:\|^error:' "$out/bench.out" | sed 's/^/# /'
		report 1 "$what (log: $out/bench.out)"
	fi
}

only=("$@")
if wanted unit; then
	run_unit_tests
fi
if wanted checkpatch; then
	run_checkpatch
fi
if wanted sparse; then
	run_sparse
fi
if wanted journey; then
	run_journey
fi
if wanted bench; then
	run_bench
fi
# Every scenario in each of its flavours: all two-level runs first, then
# the PAE ones.  "NAME" selects a scenario's two-level run, "pae/NAME" its
# PAE run, and "pae" every PAE run.
for flavour in 2level pae; do
	for s in "$self"/scenarios/*.sh; do
		name=$(basename "$s" .sh)
		[ "$name" = lib ] && continue
		case " $(flavours "$s") " in *" $flavour "*) ;; *) continue ;; esac
		label=$(label_of "$flavour" "$name")
		wanted "$label" || { [ "$flavour" = pae ] && wanted pae; } ||
			continue
		if [ ! -f "$(image_of "$flavour")" ]; then
			report 1 "$label: $(image_of "$flavour") is missing (run make)"
			continue
		fi
		run_scenario "$s" "$flavour"
	done
done

echo "1..$n"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
