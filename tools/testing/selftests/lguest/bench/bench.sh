#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boot the Host in QEMU once, run lgbench natively on it and
# then in a Guest on it (host.sh and guest.sh), and report what it
# measured: a table on the terminal and in bench.txt, a chart in
# bench.html.  Benchmarks are not tests: this fails only when the bench
# did not run, or left a benchmark without its figures.
#
#   BENCH_QUICK=1   two short runs of everything: proves the bench runs
#                   (make check does this); its figures mean little
#   BENCH_OUT=DIR   where bench.txt, bench.html and bench.log (the Host's
#                   serial line) go: build/ unless set
set -uo pipefail

self=$(cd "$(dirname "$0")" && pwd)
lg=$(cd "$self/.." && pwd)
top=$(cd "$lg/../../../.." && pwd)
b=${BUILD:-$top/build}
out=${BENCH_OUT:-$b}
mode=full timeout=900
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	mode=quick timeout=400
fi

die() {
	echo "error: $*" >&2
	exit 1
}

[ -f "$b/host.cpio" ] || die "$b/host.cpio is missing: run make first"
mkdir -p "$out" "$b/bench" || die "cannot create $out"
make -s -C "$self" OUTPUT="$b/bench/" KSRC="$b/linux" KOBJ="$b/obj" ||
	die "cannot build lgbench"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# What the bench adds rides on top of the images "make" built, as a
# second archive the kernel unpacks after the first: the Guest's part
# on top of its initramfs, the Host's on top of host.cpio.
cpio_of() {	# cpio_of DIR: DIR's contents as a newc archive on stdout
	(cd "$1" && find . | cpio -o -H newc --quiet)
}
mkdir -p "$work/guest/bench" "$work/host/bench" "$work/host/scenarios"
cp "$b/bench/lgbench" "$b/bench/lgbench-exit0" "$self/guest.sh" \
	"$work/guest/bench/"
cpio_of "$work/guest" > "$work/host/bench/guest.cpio"
cp "$b/bench/lgbench" "$b/bench/lgbench-exit0" "$b/bench/hcall.elf" \
	"$work/host/bench/"
cp "$self/host.sh" "$work/host/scenarios/bench.sh"
cp "$lg/scenarios/lib.sh" "$work/host/scenarios/"
cpio_of "$work/host" > "$work/extra.cpio"
cat "$b/host.cpio" "$work/extra.cpio" > "$work/initrd"

log=$out/bench.log
rm -f "$log"
echo "bench: one QEMU boot ($mode), the Host's serial line in $log"
start=$(date +%s)
timeout --foreground "$timeout" "$lg/qemu.sh" "$b" "$work/initrd" "$log" 1 \
	lgtest=bench "lgbench=$mode" > "$work/qemu.out" 2>&1 &
qemu=$!

# Progress: each step and each figure as it arrives.
until [ -e "$log" ] || ! kill -0 $qemu 2>/dev/null; do
	sleep 0.2
done
tail -n +1 -f --pid=$qemu "$log" 2>/dev/null | tr -d '\r' | awk '
	/^LGBENCH info / { sub(/^LGBENCH info /, ""); print "  " $0; fflush() }
	/^LGBENCH error / { sub(/^LGBENCH /, ""); print "  " $0; fflush() }
	/^LGBENCH result / {
		printf "    %-6s %-13s %12.1f %s\n", $3, $4, $6, $5; fflush()
	}'
wait $qemu
rc=$?
[ $rc -eq 124 ] && echo "error: the Host ran past ${timeout}s" >&2
[ -s "$work/qemu.out" ] && sed 's/^/  qemu: /' "$work/qemu.out"
echo "bench: $(($(date +%s) - start))s in QEMU"
python3 "$self/report.py" --text "$out/bench.txt" --html "$out/bench.html" \
	"$log"
