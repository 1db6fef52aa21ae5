# SPDX-License-Identifier: GPL-2.0
# flavours: 2level pae
# timeout: 150
# The Host runs tiny hand-written Guests (guests/*.S) through the real
# Launcher: each well-behaved one proves one mechanism by what it prints,
# each hostile one must be killed with a reason while the Host stays up.
. ./lib.sh

GUEST_TIMEOUT=30
insmod /lg.ko
mount -t debugfs none /sys/kernel/debug 2>/dev/null

# guest_ok NAME EXPECTED: the Guest ran, said EXPECTED, powered off (0).
guest_ok() {
	run_guest "$1" "" 32 "/guests/$1.elf"
	check "$1: the Launcher exits 0" [ "$guest_rc" = 0 ]
	check_grep "$1: the Guest says so" "$guest_out" "$2"
}

# guest_killed NAME REASON: the Host killed it; the Launcher says why, exits 1.
guest_killed() {
	run_guest "$1" "" 32 "/guests/$1.elf"
	check "$1: the Launcher exits 1" [ "$guest_rc" = 1 ]
	check_grep "$1: the Launcher gives the Host's reason" "$guest_err" "$2"
	echo "  $1: $(cat "$guest_err")"
}

guest_ok hello 'Hello from a tiny lguest Guest'
guest_ok timer 'timer: ten ticks arrived'
guest_ok halt-pending 'the tick waiting at HALT was delivered'
guest_ok fault 'fault: the page fault at 0x40000000 reached'
guest_ok ring 'ring: a queued NOTIFY ran at the next trap'
guest_ok soft-int 'int .14 from ring 1 became a general protection fault'

exits=$(cat /sys/kernel/debug/lguest/exits)
check "the Host counts Guest exits in debugfs ($exits so far)" [ "$exits" -gt 0 ]

# The trace events (H:026) tell hello's story call by call: LGUEST_INIT
# (1) first, the NOTIFY (17) that prints, SHUTDOWN (2) last, each a trip
# out through the hypercall trap (31).
t=/sys/kernel/tracing
mount -t tracefs none $t 2>/dev/null
echo > $t/trace
echo 1 > $t/events/lguest/enable
run_guest traced "" 32 /guests/hello.elf
echo 0 > $t/events/lguest/enable
grep -o 'lguest_[a-z]*: .*' $t/trace > /tmp/trace.txt
evidence traced.trace /tmp/trace.txt
hcalls=$(sed -n 's/^lguest_hcall: nr \([0-9]*\) .*/\1/p' /tmp/trace.txt | tr '\n' ' ')
check "trace: hello's hypercalls in order ($hcalls)" [ "$hcalls" = "1 17 2 " ]
check_grep "trace: each came out through trap 31" /tmp/trace.txt \
	'^lguest_exit: trap 31 '

before=$(cat /sys/kernel/debug/lguest/syscall_exits)
guest_ok syscall 'syscall: 101 system calls reached'
after=$(cat /sys/kernel/debug/lguest/syscall_exits)
check "syscall: none of them left the Guest ($before -> $after exits)" \
	[ "$before" = "$after" ]

# Restarting: the Launcher re-executes itself (same pid) and the Guest runs
# again; we let it run three times and then stop it.
lguest 32 /guests/restart.elf > /tmp/restart.out 2> /tmp/restart.err &
pid=$!
for i in $(seq 150); do
	[ "$(grep -c 'restart: the Guest is running' /tmp/restart.out)" -ge 3 ] &&
		break
	sleep 0.2
done
runs=$(grep -c 'restart: the Guest is running' /tmp/restart.out)
check "restart: the Guest ran 3 times in one Launcher ($runs)" [ "$runs" -ge 3 ]
check "restart: the Launcher is still the same process" kill -0 $pid
kill -9 $pid
wait $pid 2>/dev/null

guest_killed not-lguest 'before LGUEST_INIT: is this a kernel built with CONFIG_LGUEST_GUEST'
guest_killed bad-init 'hypercall 5 before LGUEST_INIT'
guest_killed bad-hcall 'bad hypercall 99'
guest_killed bad-gdt 'GDT entry 12 asks for ring 0'
guest_killed bad-stack 'bad stack segment 0x68'
guest_killed bad-idt 'IDT entry 14 points at bad address'
guest_killed bad-switcher 'would cover the Switcher'
guest_killed bad-pfn 'beyond Guest memory'
if [ "$flavour" = pae ]; then
	# The PAE twins: bad-pfn's frame is at 4 GB, the rest only PAE has.
	check_grep "bad-pfn: the whole 64-bit frame is seen" "$guest_err" \
		'to 0x100000000, beyond Guest memory'
	guest_killed bad-large-page 'large page at 0x200000: not supported'
	guest_killed bad-reserved 'page table entry 0x10000000100007 for 0x200000 has reserved bits set'
	guest_killed bad-pdpte-nx 'page directory pointer entry 0x8000000000[0-9a-f]* for 0x[0-9a-f]* has reserved bits set'
	guest_killed bad-switcher-pmd 'page directory entry for 0x[0-9a-f]* would cover the Switcher'
fi
guest_killed bad-kernel-address "kernel_address 0xffc00000 is in the Switcher's space"
guest_killed bad-syscall-vec 'system call vector 0x81 is not supported'
guest_killed bad-syscall-gate 'IDT entry 128 points at bad address'

# After all that, a Guest still runs and the Host is unharmed.
guest_ok hello 'Hello from a tiny lguest Guest'
check "lg.ko unloads after the Guests are gone" rmmod lg
check_host_dmesg_clean
