# SPDX-License-Identifier: GPL-2.0
# timeout: 300
# Linux 6.12 boots as an lguest Guest: the same vmlinux and bzImage as the
# Host, with a busybox initramfs.  Everything checked here is what the
# Guest itself printed on its console.
. ./lib.sh

insmod /lg.ko
GUEST_TIMEOUT=120

run_guest boot \
	'echo CPU:$(grep -c ^processor /proc/cpuinfo); grep -m1 "model name" /proc/cpuinfo; echo SUM:$((6 * 7)); poweroff -f' \
	64 /vmlinux --initrd=/guest-initrd.cpio rdinit=/init
check "vmlinux: poweroff ends the Launcher with status 0 ($guest_rc)" \
	[ "$guest_rc" = 0 ]
check_grep "vmlinux: the kernel knows it runs on lguest" "$guest_out" \
	'Booting paravirtualized kernel on lguest'
check_grep "vmlinux: the Guest's init ran" "$guest_out" \
	'lguest Guest: init is running on'
check_grep "vmlinux: /proc/cpuinfo shows one CPU" "$guest_out" '^CPU:1'
check_grep "vmlinux: a shell command's output" "$guest_out" '^SUM:42'
boot_s=$(sed -n 's/^\[ *\([0-9.]*\)\] Run \/init as init process.*/\1/p' "$guest_out" | head -n 1)
host_s=$(dmesg | sed -n 's/^\[ *\([0-9.]*\)\] Run \/init as init process.*/\1/p' | head -n 1)
echo "  to init: Guest ${boot_s}s (its clock, from the Launcher's start), this Host natively ${host_s}s"
check "the Guest reached init ($boot_s s)" [ -n "$boot_s" ]

# System calls go straight from the Guest's userspace to its kernel
# (G:052, H:270): 40000 of them must not bring the Guest out to us.
sys0=$(cat /sys/kernel/debug/lguest/syscall_exits)
run_guest syscalls 'dd if=/dev/zero of=/dev/null bs=1 count=20000 && echo DD:done; poweroff -f' \
	64 /vmlinux --initrd=/guest-initrd.cpio rdinit=/init
sys=$(($(cat /sys/kernel/debug/lguest/syscall_exits) - sys0))
check_grep "syscalls: dd made its 40000 system calls" "$guest_out" '^DD:done'
check "syscalls: none of them came through the Host ($sys did)" [ "$sys" -lt 100 ]

run_guest bz 'echo BZ:$(uname -r); poweroff -f' \
	64 /bzImage --initrd=/guest-initrd.cpio rdinit=/init
check "bzImage: the Guest boots and powers off ($guest_rc)" [ "$guest_rc" = 0 ]
check_grep "bzImage: a shell command's output" "$guest_out" '^BZ:6\.12'

# reboot: the Launcher starts the Guest again; the second time we power off.
GUEST_CMDS_AGAIN='poweroff -f'
run_guest reboot 'reboot -f' 64 /vmlinux --initrd=/guest-initrd.cpio rdinit=/init
unset GUEST_CMDS_AGAIN
check "reboot: the Guest came up twice" \
	[ "$(grep -c 'init is running' "$guest_out")" -ge 2 ]
check "reboot: and then powered off ($guest_rc)" [ "$guest_rc" = 0 ]

run_guest panic 'echo c > /proc/sysrq-trigger' \
	64 /vmlinux --initrd=/guest-initrd.cpio rdinit=/init
check "panic: the Launcher exits 1 ($guest_rc)" [ "$guest_rc" = 1 ]
check_grep "panic: and says why" "$guest_err" 'Kernel panic'

check "lg.ko unloads" rmmod lg
check_host_dmesg_clean
