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

# A loop of nothing but system calls, which never leaves the Guest now
# (G:052), must not starve the Guest's timer: its clock has to go on
# with ours.  We time the loop from here by when its two lines appear.
start_launcher spin 64 /vmlinux --initrd=/guest-initrd.cpio rdinit=/init
spin_sent=0 spin_t0='' spin_t1=''
while kill -0 $guest_pid 2>/dev/null && still_patient; do
	if [ $spin_sent = 0 ] && grep -q 'init is running' "$guest_out"; then
		echo 'clock-spin 3000000; poweroff -f' >&3
		spin_sent=1
	fi
	[ -z "$spin_t0" ] && grep -q '^SPIN-BEGIN' "$guest_out" &&
		spin_t0=$(cut -d' ' -f1 /proc/uptime)
	[ -z "$spin_t1" ] && grep -q '^SPIN-END' "$guest_out" &&
		spin_t1=$(cut -d' ' -f1 /proc/uptime)
	sleep 0.1
done
finish_launcher spin
host_ms=$(awk -v a="${spin_t0:-0}" -v b="${spin_t1:-0}" 'BEGIN { print int((b - a) * 1000) }')
guest_ms=$(sed -n 's/^SPIN-END .* in \([0-9]*\) ms.*/\1/p' "$guest_out")
echo "  3000000 system calls: ${guest_ms:-?} ms by the Guest's clock, about $host_ms ms by ours"
check "clock-spin: the loop ran to its end" [ -n "$guest_ms" ]
check "clock-spin: the Guest's clock kept up with ours (${guest_ms:-?} of $host_ms ms)" \
	[ -n "$guest_ms" ] && [ $((guest_ms * 2)) -ge $((host_ms - 400)) ]

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
