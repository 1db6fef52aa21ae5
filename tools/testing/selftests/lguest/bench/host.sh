# SPDX-License-Identifier: GPL-2.0
# make bench, inside the Host: bench.sh boots it with lgtest=bench, and
# init runs this as /scenarios/bench.sh.  Every benchmark runs natively
# here, then in a Guest; each result is an "LGBENCH result" line on the
# serial console, and the Host's counters around each of the Guest's
# runs an "LGBENCH counters" line.  Nothing here judges a number.
# lgbench=quick on the kernel command line makes every run short.
. ./lib.sh

opts="-r 9 -t 300"
grep -q 'lgbench=quick' /proc/cmdline && opts="-r 2 -t 20"
PATH=/bench:$PATH
net=169.254.1.1
veth=169.254.9.1
port=5000

info() {
	echo "LGBENCH info $*"
}

# bench SIDE LGBENCH-ARGS...: one lgbench, whose failure is reported, not
# fatal: the report names whatever is then missing.
bench() {
	local s=$1
	shift
	lgbench $opts -s "$s" "$@" ||
		echo "LGBENCH error $s: lgbench $* failed"
}

insmod /lg.ko
lgbench serve $port &
server=$!
dd if=/dev/zero of=/tmp/disk.img bs=1M count=32 2>/dev/null
# The Guest's extras ride on top of its usual initramfs.
cat /guest-initrd.cpio /bench/guest.cpio > /tmp/bench-initrd.cpio

info "native: system calls, processes, memory and page tables"
bench native int80 libc pipe fork exec fault cow walk-linear walk-random mremap \
	file-mmap unix
info "native: O_DIRECT on /tmp/disk.img, the Guest's disk"
bench native dio-read:/tmp/disk.img dio-write:/tmp/disk.img

# The native shape of the Guest's tap: a veth pair, its far end in a
# network namespace held open by a sleeping process.  busybox's ip names
# only our end; the kernel names the peer, and says which it is.
info "native: TCP with a network namespace over a veth pair"
unshare -n sleep 100000 &
ns=$!
sleep 0.2
ip link add bench0 type veth peer name bench1
peer=$(ip -o link show | sed -n 's/^[0-9]*: \([^@]*\)@bench0:.*/\1/p')
ip link set "$peer" netns $ns &&
	ip addr add $veth/24 dev bench0 &&
	ip link set bench0 up &&
	nsenter -t $ns -n sh -c "ip addr add 169.254.9.2/24 dev $peer &&
		ip link set $peer up && ip link set lo up" ||
	echo "LGBENCH error native: cannot set up the veth pair"
nsenter -t $ns -n lgbench $opts -s native tcp-out:$veth:$port \
	tcp-in:$veth:$port tcp-rr:$veth:$port ||
	echo "LGBENCH error native: the TCP benchmarks failed"
kill $ns

# The Host booted once: its own kernel's clock at init is all we have.
ms=$(dmesg | sed -n 's/^\[ *\([0-9.]*\)\] Run .* as init process.*/\1/p' |
	head -n 1 | awk '{ printf "%.3f", $1 * 1000 }')
echo "LGBENCH result native boot ms $ms $ms $ms 1"

info "guest: null hypercalls, from a tiny Guest"
bench guest -c hypercall:/bench/hcall.elf
info "guest: boot to init"
bench guest -c boot -- lguest 128 /vmlinux \
	--initrd=/tmp/bench-initrd.cpio rdinit=/init
info "guest: everything else, inside a 128 MB Guest"
lgbench -s guest -o /tmp/guest.out drive "sh /bench/guest.sh $opts" -- \
	lguest 128 /vmlinux --initrd=/tmp/bench-initrd.cpio \
	--block=/tmp/disk.img --tunnet=$net rdinit=/init
rc=$?
if [ $rc -ne 0 ]; then
	echo "LGBENCH error guest: the benchmark Guest failed ($rc)"
	evidence bench.console /tmp/guest.out
fi
kill $server
