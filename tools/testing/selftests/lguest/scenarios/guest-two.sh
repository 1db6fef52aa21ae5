# SPDX-License-Identifier: GPL-2.0
# flavours: 2level pae
# smp: 2
# timeout: 300
# Two Guests at once, one per Host CPU, each with its own Launcher: both
# boot, answer, and power off, and neither sees the other's console.
. ./lib.sh

insmod /lg.ko
GUEST_TIMEOUT=60
run_guest first 'echo FIRST:$((40 + 2)); poweroff -f' \
	64 /vmlinux --initrd=/guest-initrd.cpio rdinit=/init &
first=$!
run_guest second 'echo SECOND:$((50 + 8)); poweroff -f' \
	64 /vmlinux --initrd=/guest-initrd.cpio rdinit=/init
wait $first
check_grep "first Guest answered" /tmp/first.out '^FIRST:42'
check_grep "second Guest answered" /tmp/second.out '^SECOND:58'
check "the first saw nothing of the second" \
	sh -c '! grep -q SECOND: /tmp/first.out'
check "both powered off (Launcher status 0)" \
	sh -c '! grep -q . /tmp/first.err && ! grep -q . /tmp/second.err'
check "lg.ko unloads" rmmod lg
check_host_dmesg_clean
