#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boot the Host in QEMU, run lgbench natively on it and then
# in a Guest on it (host.sh and guest.sh); then the same on the PAE Host
# with a PAE Guest; and report what it measured: a table on the
# terminal and in bench.txt, a chart in bench.html.  Benchmarks are not tests: this fails only when the bench
# did not run, or left a benchmark without its figures.
#
#   BENCH_QUICK=1   two short runs of everything: proves the bench runs
#                   (make check does this); its figures mean little
#   BENCH_OUT=DIR   where bench.txt, bench.html, bench.log and
#                   bench-pae.log (the Hosts' serial lines) go: build/
#                   unless set
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

for f in "$b/host.cpio" "$b/host-pae.cpio"; do
	[ -f "$f" ] || die "$f is missing: run make first"
done
mkdir -p "$out" || die "cannot create $out"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# What the bench adds rides on top of the images "make" built, as a
# second archive the kernel unpacks after the first: the Guest's part
# on top of its initramfs, the Host's on top of host.cpio.
cpio_of() {	# cpio_of DIR: DIR's contents as a newc archive on stdout
	(cd "$1" && find . | cpio -o -H newc --quiet)
}

# bench_boot FLAVOUR KOBJ IMAGE LOG: one QEMU boot of that Host, lgbench
# natively and in a Guest of the same format.  The tiny Guest that times
# hypercalls is built against the same kernel, which it must match.
bench_boot() {
	local flavour=$1 kobj=$2 image=$3 log=$4 bin=$b/bench-$1 dir=$work/$1
	local qemu rc start

	mkdir -p "$bin"
	make -s -C "$self" OUTPUT="$bin/" KSRC="$b/linux" KOBJ="$kobj" ||
		die "cannot build lgbench"
	mkdir -p "$dir/guest/bench" "$dir/host/bench" "$dir/host/scenarios"
	cp "$bin/lgbench" "$bin/lgbench-exit0" "$self/guest.sh" \
		"$dir/guest/bench/"
	cpio_of "$dir/guest" > "$dir/host/bench/guest.cpio"
	cp "$bin/lgbench" "$bin/lgbench-exit0" "$bin/hcall.elf" \
		"$dir/host/bench/"
	cp "$self/host.sh" "$dir/host/scenarios/bench.sh"
	cp "$lg/scenarios/lib.sh" "$dir/host/scenarios/"
	cpio_of "$dir/host" > "$dir/extra.cpio"
	cat "$image" "$dir/extra.cpio" > "$dir/initrd"

	rm -f "$log"
	echo "bench: the $flavour Host, one QEMU boot ($mode), its serial line in $log"
	start=$(date +%s)
	LGFLAVOUR=$flavour timeout --foreground "$timeout" "$lg/qemu.sh" "$b" \
		"$dir/initrd" "$log" 1 lgtest=bench "lgbench=$mode" \
		> "$dir/qemu.out" 2>&1 &
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
	[ $rc -eq 124 ] && echo "error: the $flavour Host ran past ${timeout}s" >&2
	[ -s "$dir/qemu.out" ] && sed 's/^/  qemu: /' "$dir/qemu.out"
	echo "bench: $(($(date +%s) - start))s in QEMU"
}

bench_boot 2level "$b/obj" "$b/host.cpio" "$out/bench.log"
bench_boot pae "$b/obj-pae" "$b/host-pae.cpio" "$out/bench-pae.log"
python3 "$self/report.py" --text "$out/bench.txt" --html "$out/bench.html" \
	--pae "$out/bench-pae.log" "$out/bench.log"
