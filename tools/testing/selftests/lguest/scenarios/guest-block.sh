# SPDX-License-Identifier: GPL-2.0
# flavours: 2level pae
# timeout: 900
# The lguest bus and its block device: the Guest's root is the ext2 disk
# image, what the Guest writes is on the disk when it is gone (checked by
# the Host with e2fsck and debugfs), two --block files are vda and vdb in
# order, and --rng gives the Guest a hardware random number generator.
. ./lib.sh

insmod /lg.ko
GUEST_TIMEOUT=60
cp /guest.img /tmp/root.img
efd0=$(cat /sys/kernel/debug/lguest/notify_eventfds)

run_guest root \
	'grep " / " /proc/mounts; echo RO:$(cat /sys/block/vda/ro); ls /sys/devices/lguest; poweroff -f' \
	64 /vmlinux --block=/tmp/root.img root=/dev/vda
check "root: the Guest powers off ($guest_rc)" [ "$guest_rc" = 0 ]
check_grep "root: / is the ext2 disk on vda" "$guest_out" '^/dev/root / ext2 rw'
check_grep "root: the Guest's init ran from the disk" "$guest_out" \
	'lguest Guest: init is running'
check_grep "root: the disk sits on the lguest bus" "$guest_out" '^0[0-9]*$|virtio'
efd=$(($(cat /sys/kernel/debug/lguest/notify_eventfds) - efd0))
check "root: the disk's kicks went to its thread's eventfd, not the Launcher ($efd)" \
	[ "$efd" -gt 10 ]

# Durability: 4 MiB of known bytes written, synced; then, after a reboot,
# a second file; the Host reads both back from the image.
yes lguest-block | head -c 4194304 > /tmp/expect.bin
GUEST_CMDS_AGAIN='yes lguest-block | head -c 4194304 > /second.bin; sync; poweroff -f'
run_guest durable \
	'yes lguest-block | head -c 4194304 > /first.bin; sync; reboot -f' \
	64 /vmlinux --block=/tmp/root.img root=/dev/vda
unset GUEST_CMDS_AGAIN
check "durable: two boots, then power off ($guest_rc)" [ "$guest_rc" = 0 ]
check "durable: e2fsck finds the file system clean" \
	e2fsck -n -f /tmp/root.img
for f in first second; do
	rm -f /tmp/$f.bin
	debugfs -R "dump /$f.bin /tmp/$f.bin" /tmp/root.img 2>/dev/null
	check "durable: /$f.bin reads back byte for byte" \
		cmp /tmp/expect.bin /tmp/$f.bin
done
size=$(stat -c %s /tmp/root.img)
check "durable: the image kept its size ($size)" [ "$size" = 33554432 ]

# Two disks in command-line order, and the entropy device.
dd if=/dev/zero of=/tmp/a.img bs=1M count=8 2>/dev/null
dd if=/dev/zero of=/tmp/b.img bs=1M count=16 2>/dev/null
run_guest disks \
	'echo VDA:$(cat /sys/block/vda/size) VDB:$(cat /sys/block/vdb/size); echo RNG:$(head -c 16 /dev/hwrng | od -An -tx1 | tr -d " "); poweroff -f' \
	64 /vmlinux --initrd=/guest-initrd.cpio --block=/tmp/a.img \
	--block=/tmp/b.img --rng rdinit=/init
check "disks: the Guest powers off ($guest_rc)" [ "$guest_rc" = 0 ]
check_grep "disks: vda is the first file, vdb the second" "$guest_out" \
	'^VDA:16384 VDB:32768'
check_grep "disks: /dev/hwrng gives random bytes" "$guest_out" \
	'^RNG:[0-9a-f]{32}'

# A read-only disk shared by two Guests running at once: both read the
# same bytes, neither can write, and the file stays as it was.
yes lguest-ro | head -c 1048576 > /tmp/shared.img
sum=$(md5sum < /tmp/shared.img | cut -d" " -f1)
ro_cmds='echo RO:$(cat /sys/block/vda/ro); echo SUM:$(head -c 1048576 /dev/vda | md5sum); dd if=/dev/zero of=/dev/vda bs=4096 count=1 conv=fsync 2>/dev/null || echo WRITE-REFUSED; sleep 2; poweroff -f'
run_guest ro-a "$ro_cmds" 64 /vmlinux --initrd=/guest-initrd.cpio \
	--block=/tmp/shared.img,ro rdinit=/init &
ro_a=$!
run_guest ro-b "$ro_cmds" 64 /vmlinux --initrd=/guest-initrd.cpio \
	--block=/tmp/shared.img,ro rdinit=/init
wait $ro_a
for g in ro-a ro-b; do
	check_grep "$g: ,ro gives the Guest a read-only vda" /tmp/$g.out '^RO:1'
	check_grep "$g: and it reads the file's bytes" /tmp/$g.out "^SUM:$sum"
	check_grep "$g: and cannot write it" /tmp/$g.out '^WRITE-REFUSED'
done
check "ro: the shared file is unchanged, byte for byte" \
	[ "$(md5sum < /tmp/shared.img | cut -d" " -f1)" = "$sum" ]

# Queue depth: four writers at once, each 4 MiB of its own bytes to its
# own quarter of a disk, with O_DIRECT so that each is many requests the
# Launcher's workers serve side by side; then four readers at once.  The
# Guest reads back what it wrote, and the file holds it.
dd if=/dev/zero of=/tmp/par.img bs=1M count=16 2>/dev/null
par_cmds='for i in 0 1 2 3; do yes lguest-par-$i | dd of=/dev/vda bs=64k count=64 seek=$((i * 64)) iflag=fullblock oflag=direct 2>/dev/null & done; wait; for i in 0 1 2 3; do echo SUM$i:$(dd if=/dev/vda bs=64k count=64 skip=$((i * 64)) iflag=direct 2>/dev/null | md5sum) > /tmp/sum$i & done; wait; cat /tmp/sum*; poweroff -f'
run_guest parallel "$par_cmds" 64 /vmlinux --initrd=/guest-initrd.cpio \
	--block=/tmp/par.img rdinit=/init
check "parallel: the Guest powers off ($guest_rc)" [ "$guest_rc" = 0 ]
for i in 0 1 2 3; do
	want=$(yes lguest-par-$i | head -c 4194304 | md5sum | cut -d" " -f1)
	check_grep "parallel: writer $i's bytes read back in the Guest" \
		"$guest_out" "^SUM$i:$want"
	got=$(dd if=/tmp/par.img bs=64k count=64 skip=$((i * 64)) 2>/dev/null |
		md5sum | cut -d" " -f1)
	check "parallel: and are in the file's quarter $i" [ "$got" = "$want" ]
done

# And overlapped: vda is a Host null_blk disk on which every request
# takes 50 ms.  The Guest reads 16 pages, each a megabyte past the last
# so that no read-ahead serves the next, one after another; then 16
# others, four readers at once.  Served one at a time both take at least
# 16 x 50 ms; with the Launcher's workers (L:362) the second takes about
# a third of the first (a quarter, but for the Guest's own work in
# starting 16 dd's).  /proc/uptime counts hundredths of a second.
insmod /null_blk.ko nr_devices=1 irqmode=2 completion_nsec=50000000 gb=1
depth_cmds='up() { read u _ < /proc/uptime; echo ${u%.*}${u#*.}; }; r() { k=$1; while [ $k -lt $2 ]; do dd if=/dev/vda of=/dev/null bs=4k count=1 skip=$((k * 256)) iflag=direct 2>/dev/null; k=$((k + 1)); done; }; t0=$(up); r 0 16; t1=$(up); for i in 0 1 2 3; do r $((16 + i * 4)) $((20 + i * 4)) & done; wait; t2=$(up); echo DEPTH:$((t1 - t0)):$((t2 - t1)); poweroff -f'
run_guest depth "$depth_cmds" 64 /vmlinux --initrd=/guest-initrd.cpio \
	--block=/dev/nullb0 rdinit=/init
depth=$(grep -o 'DEPTH:[0-9]*:[0-9]*' "$guest_out")
one=$(echo "$depth" | cut -d: -f2)
four=$(echo "$depth" | cut -d: -f3)
echo "  16 slow reads: ${one}0 ms one at a time, ${four}0 ms four at once"
check "depth: one at a time takes 16 x 50 ms or more (${one}0 ms)" \
	[ "${one:-0}" -ge 80 ]
check "depth: four at once, under half of that (${four}0 ms)" \
	[ $((${four:-9999} * 2)) -lt "${one:-0}" ]
rmmod null_blk

lguest 64 /vmlinux --block=/nonexistent.img > /tmp/noblk.out 2>&1 < /dev/null
rc=$?
check "a block file that cannot be opened: exit 1 ($rc)" [ "$rc" = 1 ]
check_grep "and one line naming it" /tmp/noblk.out 'nonexistent.img'

# Throughput: 16 MiB written (synced) and read back (caches dropped) on
# the Guest's vdb, and the same on a file in the Host, which is where
# the Guest's disk lives too (the Host's /tmp is memory).
run_guest speed \
	'time -p dd if=/dev/zero of=/dev/vdb bs=1M count=16 conv=fsync; echo 3 > /proc/sys/vm/drop_caches; time -p dd if=/dev/vdb of=/dev/null bs=1M; poweroff -f' \
	64 /vmlinux --initrd=/guest-initrd.cpio --block=/tmp/a.img \
	--block=/tmp/b.img rdinit=/init
gw=$(awk '/^real/ { print $2 }' "$guest_out" | sed -n 1p)
gr=$(awk '/^real/ { print $2 }' "$guest_out" | sed -n 2p)
{ time -p dd if=/dev/zero of=/tmp/native.img bs=1M count=16 conv=fsync; } 2> /tmp/nw.time
echo 3 > /proc/sys/vm/drop_caches
{ time -p dd if=/tmp/native.img of=/dev/null bs=1M; } 2> /tmp/nr.time
nw=$(awk '/^real/ { print $2 }' /tmp/nw.time)
nr=$(awk '/^real/ { print $2 }' /tmp/nr.time)
echo "  16 MiB on vdb: Guest write ${gw}s read ${gr}s; Host file write ${nw}s read ${nr}s"
check "speed: the Guest timed its writes and reads ($gw, $gr)" \
	[ -n "$gw" -a -n "$gr" ]

check "lg.ko unloads" rmmod lg
check_host_dmesg_clean
