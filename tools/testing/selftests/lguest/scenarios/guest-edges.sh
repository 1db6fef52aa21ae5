# SPDX-License-Identifier: GPL-2.0
# flavours: 2level pae
# timeout: 600
# The edges where data used to get lost: a disk bigger than 4 GiB (the
# Launcher's file offsets are 64 bits), a write past a disk's end, a disk
# file cut shorter while the Guest runs, and a console flooded with input
# the Guest never reads.
. ./lib.sh

insmod /lg.ko
GUEST_TIMEOUT=60

# wait_for_guest FILE PATTERN: until the Guest says it, or it ends, or
# we run out of patience (lib.sh).
wait_for_guest() {
	while still_patient; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		kill -0 $guest_pid 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

# A sparse 6 GiB disk: 4 KiB written by the Guest at 5 GiB + 4 KiB must
# land exactly there, and not 4 GiB lower, where a 32-bit offset would
# have put it.  A write past the end is refused and the file keeps its
# size.
six=$((6 << 30))
dd if=/dev/zero of=/tmp/big.img bs=1M count=0 seek=6144 2>/dev/null
yes lguest-big | head -c 4096 > /tmp/big-expect.bin
at=$(((5 << 18) + 1))
run_guest big \
	"yes lguest-big | head -c 4096 | dd of=/dev/vda bs=4096 seek=$at conv=fsync && echo BIG-WRITTEN; echo SECTORS:\$(cat /sys/block/vda/size); dd if=/dev/zero of=/dev/vda bs=4096 seek=$((6 << 18)) count=1 conv=fsync || echo PAST-END-REFUSED; poweroff -f" \
	64 /vmlinux --initrd=/guest-initrd.cpio --block=/tmp/big.img rdinit=/init
check "big: the Guest powers off ($guest_rc)" [ "$guest_rc" = 0 ]
check_grep "big: the Guest sees all 6 GiB" "$guest_out" "^SECTORS:$((six / 512))"
check_grep "big: the Guest wrote at 5 GiB + 4 KiB" "$guest_out" '^BIG-WRITTEN'
dd if=/tmp/big.img of=/tmp/big-back.bin bs=4096 skip=$at count=1 2>/dev/null
check "big: the Host reads the same 4 KiB back at 5 GiB + 4 KiB" \
	cmp /tmp/big-expect.bin /tmp/big-back.bin
dd if=/tmp/big.img of=/tmp/big-low.bin bs=4096 skip=$((at - (1 << 20))) \
	count=1 2>/dev/null
head -c 4096 /dev/zero > /tmp/zero4k.bin
check "big: and 4 GiB lower the disk is still zeros" \
	cmp /tmp/zero4k.bin /tmp/big-low.bin
check_grep "big: a write past the end is refused" "$guest_out" \
	'^PAST-END-REFUSED'
size=$(stat -c %s /tmp/big.img)
check "big: the disk file keeps its size ($size)" [ "$size" = $six ]
rm -f /tmp/big.img

# A disk file cut to half its size while the Guest runs: the next read
# beyond the new end stops the Guest, with one line saying so.
dd if=/dev/zero of=/tmp/shrink.img bs=1M count=16 2>/dev/null
start_launcher shrink 64 /vmlinux --initrd=/guest-initrd.cpio \
	--block=/tmp/shrink.img rdinit=/init
if wait_for_guest "$guest_out" 'init is running'; then
	dd if=/dev/null of=/tmp/shrink.img bs=1M count=0 seek=8 2>/dev/null
	echo "dd if=/dev/vda of=/dev/null bs=4096 skip=3500 count=1; echo READ-DONE" >&3
	wait_for_guest /dev/null never
fi
finish_launcher shrink
check "shrink: the Launcher stops the Guest with status 1 ($guest_rc)" \
	[ "$guest_rc" = 1 ]
check_grep "shrink: and says which disk shrank" "$guest_err" \
	'block vda: the disk file shrank from 16777216 to 8388608 bytes'
size=$(stat -c %s /tmp/shrink.img)
check "shrink: the file was not grown back ($size)" [ "$size" = 8388608 ]

# A flood of typed input the Guest never reads: the Launcher stops taking
# it once the Guest's buffers are full, the Waker does not spin, and the
# Guest goes on with its work.
start_launcher flood 64 /vmlinux --initrd=/guest-initrd.cpio rdinit=/init
if wait_for_guest "$guest_out" 'init is running'; then
	echo "sleep 6; echo FLOOD-SURVIVED; poweroff -f" >&3
	sleep 1
	(yes 'flooding the console with lines nobody reads' >&3) 2>/dev/null &
	flooder=$!
	sleep 4
	waker=$(children $guest_pid | head -n 1)
	ticks=$(awk '{ print $14 + $15 }' /proc/$waker/stat 2>/dev/null)
	wait_for_guest "$guest_out" FLOOD-SURVIVED
	wait_for_guest /dev/null never
fi
kill $flooder 2>/dev/null
finish_launcher flood
check "flood: the Guest went on and powered off ($guest_rc)" \
	[ "$guest_rc" = 0 ]
check_grep "flood: and said so" "$guest_out" '^FLOOD-SURVIVED'
check "flood: the Waker did not spin (${ticks:-?} ticks of CPU in 5s)" \
	[ -n "$ticks" -a "${ticks:-0}" -lt 100 ]

check "lg.ko unloads" rmmod lg
check_host_dmesg_clean
