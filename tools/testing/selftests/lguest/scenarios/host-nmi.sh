# SPDX-License-Identifier: GPL-2.0
# smp: 2
# timeout: 120
# NMIs taken while a Guest runs go to the Host's own NMI handler: with a
# Guest spinning on CPU 1, ask every CPU for an NMI backtrace from CPU 0.
# CPU 1 must answer (from inside the Switcher's way back), and the Guest
# must go on running.
. ./lib.sh

insmod /lg.ko
dmesg -c > /dev/null
taskset 2 lguest 32 /guests/spin.elf > /tmp/spin.out 2>&1 &
pid=$!
for i in $(seq 50); do
	grep -q "spin: " /tmp/spin.out && break
	sleep 0.1
done
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
check "lg.ko unloads" rmmod lg
check_host_dmesg_clean
