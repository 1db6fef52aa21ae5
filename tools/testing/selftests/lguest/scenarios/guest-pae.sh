# SPDX-License-Identifier: GPL-2.0
# flavours: 2level pae
# timeout: 300
# What PAE adds, and a mixed pair refused.  Each Host image holds the
# other format's kernel as /bzImage-other: a two-level Host must refuse a
# PAE Guest and a PAE Host a two-level one, with one line saying which,
# the Launcher exiting 1 and the Host unharmed.  On the PAE Host (6 GiB)
# a Guest's no-execute pages stay so, for its programs (nx-exec) and for
# its kernel (lkdtm), and its memory comes partly from above 4 GiB.
. ./lib.sh

insmod /lg.ko
GUEST_TIMEOUT=120

run_guest mixed '' 64 /bzImage-other --initrd=/guest-initrd.cpio rdinit=/init
check "mixed pair: the Launcher exits 1 ($guest_rc)" [ "$guest_rc" = 1 ]
if [ "$flavour" = pae ]; then
	check_grep "mixed pair: the PAE Host says why" "$guest_err" \
		'a two-level Guest cannot run on this PAE Host'
else
	check_grep "mixed pair: the two-level Host says why" "$guest_err" \
		'a PAE Guest \(three-level page tables\) cannot run on this two-level Host'
fi
echo "  mixed: $(cat "$guest_err")"
check "mixed pair: the Launcher printed one line" \
	[ "$(wc -l < "$guest_err")" -eq 1 ]

if [ "$flavour" = pae ]; then
	# The same program on this Host, natively: NX is the kernel's to keep
	# (patches/0007) before it is the Host's.
	mkdir -p /mnt/guest && mount -o loop,ro /guest.img /mnt/guest
	/mnt/guest/bin/nx-exec > /tmp/native-nx.out 2>&1
	check_grep "native: a page mapped without PROT_EXEC is SIGSEGV on the Host" \
		/tmp/native-nx.out '^nx-exec: ok'
	umount /mnt/guest

	high0=$(cat /sys/kernel/debug/lguest/high_frames)
	run_guest nx \
		'mount -t debugfs none /sys/kernel/debug; nx-exec; sh -c "echo EXEC_DATA > /sys/kernel/debug/provoke-crash/DIRECT"; echo AFTER:EXEC_DATA; sh -c "echo WRITE_RO > /sys/kernel/debug/provoke-crash/DIRECT"; echo AFTER:WRITE_RO; dd if=/dev/zero of=/tmp/fill bs=1M count=24 2>/dev/null; echo FILLED; poweroff -f' \
		96 /vmlinux --initrd=/guest-initrd.cpio rdinit=/init
	high=$(($(cat /sys/kernel/debug/lguest/high_frames) - high0))
	check "nx: the Guest powered off ($guest_rc)" [ "$guest_rc" = 0 ]
	check_grep "nx: the Guest kernel turned NX on" "$guest_out" \
		'NX \(Execute Disable\) protection: active'
	check_grep "nx: the Guest kernel write-protected its text" "$guest_out" \
		'Write protecting kernel text and read-only data'
	check_grep "nx: a page mapped PROT_EXEC runs" "$guest_out" \
		'^nx-exec: PROT_EXEC page: ran and returned'
	check_grep "nx: a page mapped without PROT_EXEC is SIGSEGV" "$guest_out" \
		'^nx-exec: page without PROT_EXEC: killed by signal 11'
	check_grep "nx: lkdtm's jump into kernel data faults as NX" "$guest_out" \
		'kernel tried to execute NX-protected page'
	check_grep "nx: the Guest went on after that oops" "$guest_out" \
		'^AFTER:EXEC_DATA'
	check_grep "nx: lkdtm's write to read-only data faults" "$guest_out" \
		'lkdtm: attempting bad rodata write'
	check "nx: lkdtm never survived a bad access" \
		sh -c "! grep -q 'lkdtm: FAIL' '$guest_out'"
	check_grep "nx: the Guest went on after that one too" "$guest_out" \
		'^AFTER:WRITE_RO'
	check "above 4 GiB: $high of the Guest's pages came from there" \
		[ "$high" -gt 0 ]
	grep -E 'HighMem|present' /proc/zoneinfo | head -n 6 | sed 's/^/  zoneinfo: /'
fi

check "lg.ko unloads after the Guests are gone" rmmod lg
check_host_dmesg_clean
