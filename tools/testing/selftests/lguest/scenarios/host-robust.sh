# SPDX-License-Identifier: GPL-2.0
# flavours: 2level pae
# timeout: 300
# The Host against misuse: a Launcher abusing /dev/lguest, Guests that
# spin or sleep forever (a signal must still end them), and two hundred
# hostile Guests in a row, after which the Host's memory must be where
# it was.
. ./lib.sh

insmod /lg.ko

lguest-misuse
check "lguest-misuse found every errno as documented" [ $? = 0 ]
# Random requests from two processes: nothing to check but the Host.
timeout 120 lguest-misuse fuzz 1 3000
check "lguest-misuse fuzz: both processes came to their end" [ $? = 0 ]
held="$(cat /sys/kernel/debug/lguest/shadow_pages) $(cat /sys/kernel/debug/lguest/pinned_pages)"
check "no shadow page or pin outlives the random Guests ($held)" \
	[ "$held" = "0 0" ]

# stop_after NAME SECONDS SIGNAL: start the Guest, wait until it says its
# first line, send SIGNAL to the Launcher, and see that it is gone within
# SECONDS.
stop_after() {
	local name=$1 secs=$2 sig=$3 pid i
	lguest 32 "/guests/$name.elf" > "/tmp/$name.out" 2>&1 &
	pid=$!
	for i in $(seq 50); do
		grep -q "$name: " "/tmp/$name.out" && break
		sleep 0.1
	done
	check_grep "$name: the Guest is running" "/tmp/$name.out" "$name: "
	kill -"$sig" $pid
	for i in $(seq $((secs * 10))); do
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 $pid 2>/dev/null; then
		not_ok "$name: SIG$sig ends the Launcher within ${secs}s"
		kill -9 $pid
	else
		ok "$name: SIG$sig ends the Launcher within ${secs}s"
	fi
	wait $pid 2>/dev/null
}

stop_after spin 2 TERM
stop_after halt 2 TERM
stop_after spin 2 INT

# meminfo FIELD: its value in kB, after the kernel drops what it caches.
meminfo() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo
}

hostile="bad-init bad-hcall bad-gdt bad-stack bad-idt bad-switcher bad-pfn"
run_hostile() {
	local n=0 g
	while [ $n -lt "$1" ]; do
		for g in $hostile; do
			[ $n -lt "$1" ] || break
			lguest 32 "/guests/$g.elf" > /dev/null 2>&1
			n=$((n + 1))
		done
	done
}

# A first round lets caches and slabs grow to their working size.
run_hostile 20
free0=$(meminfo MemFree)
slab0=$(meminfo Slab)
start=$(date +%s)
run_hostile 200
secs=$(($(date +%s) - start))
free1=$(meminfo MemFree)
slab1=$(meminfo Slab)
echo "  200 hostile Guests in ${secs}s: MemFree ${free0} -> ${free1} kB, Slab ${slab0} -> ${slab1} kB"
check "200 hostile Guests: MemFree within 512 kB (${free0} -> ${free1} kB)" \
	[ $((free0 - free1)) -lt 512 ]
check "200 hostile Guests: Slab within 256 kB (${slab0} -> ${slab1} kB)" \
	[ $((slab1 - slab0)) -lt 256 ]

run_guest hello "" 32 /guests/hello.elf
check "hello still runs afterwards" [ "$guest_rc" = 0 ]
check_grep "hello: the Guest says so" "$guest_out" 'Hello from a tiny'
check "lg.ko unloads" rmmod lg
check_host_dmesg_clean
