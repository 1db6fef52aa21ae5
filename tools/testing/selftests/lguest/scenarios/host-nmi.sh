# SPDX-License-Identifier: GPL-2.0
# flavours: 2level pae
# smp: 2
# timeout: 240
# NMIs taken while a Guest runs go to the Host's own NMI handler: with a
# Guest spinning on CPU 1, ask every CPU for an NMI backtrace from CPU 0.
# CPU 1 must answer (from inside the Switcher's way back), and the Guest
# must go on running.  Then a storm: thousands of NMIs at CPU 1, one at a
# time, while a Guest there makes hypercalls.  Some land in the middle of
# a switch (S:160); every one must reach the Host's handler, and no
# hypercall may be lost nor the Guest run from stale registers.
. ./lib.sh

# start_on_cpu1 NAME: a tiny Guest on CPU 1, its words in /tmp/NAME.out,
# its Launcher in $pid, once it has said its first line.
start_on_cpu1() {
	local i

	taskset 2 lguest 32 "/guests/$1.elf" > "/tmp/$1.out" 2>&1 &
	pid=$!
	for i in $(seq 50); do
		grep -q "$1: " "/tmp/$1.out" && break
		sleep 0.1
	done
}

insmod /lg.ko
dmesg -c > /dev/null
start_on_cpu1 spin
check_grep "spin: the Guest is running on CPU 1" /tmp/spin.out "spin: "
taskset 1 sh -c 'echo l > /proc/sysrq-trigger'
sleep 1
dmesg > /tmp/nmi.log
check_grep "CPU 1 took the NMI in the Host's handler" /tmp/nmi.log \
	'NMI backtrace for cpu 1'
check "the Guest is still running" kill -0 $pid
kill $pid
wait $pid 2>/dev/null
# The backtraces are what we asked for; nothing else may be in the log.
dmesg -c > /dev/null

debugfs() {
	cat "/sys/kernel/debug/lguest/$1"
}
latched0=$(debugfs host_traps_latched)
start_on_cpu1 hcall-loop
check_grep "hcall-loop: the Guest is running" /tmp/hcall-loop.out "is running"
taskset 1 insmod /guests/nmi_storm.ko cpu=1 count=20000
sent=$(cat /sys/module/nmi_storm/parameters/sent)
received=$(cat /sys/module/nmi_storm/parameters/received)
rmmod nmi_storm
latched=$(($(debugfs host_traps_latched) - latched0))
echo "  NMIs: $sent sent, $received received, $latched of them in the Switcher"
check "the storm: every NMI reached the Host's handler ($received of $sent)" \
	[ "$sent $received" = "20000 20000" ]
check "the storm: some NMIs hit a switch and were raised afterwards ($latched)" \
	[ "$latched" -gt 0 ]
check "hcall-loop: still running after the storm" kill -0 $pid
for i in $(seq 600); do
	grep -q "all accounted for" /tmp/hcall-loop.out && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.1
done
check_grep "hcall-loop: went on making checked hypercalls" /tmp/hcall-loop.out \
	"all accounted for"
kill $pid
wait $pid 2>/dev/null
evidence hcall-loop.console /tmp/hcall-loop.out
check "hcall-loop: no hypercall lost, no stale registers" \
	[ -z "$(grep disagree /tmp/hcall-loop.out)" ]
check "lg.ko unloads" rmmod lg
check_host_dmesg_clean
