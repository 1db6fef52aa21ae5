# SPDX-License-Identifier: GPL-2.0
# flavours: 2level pae
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

# A loop of nothing but system calls never leaves the Guest now (G:052)
# and spends most of its time with interrupts off: the Guest's timer
# must still get through, or nothing else in the Guest would ever wake.
# With such a loop running, the shell's five "sleep 1"s must end in
# time, and the Guest must get its ticks: its HZ is 250.  (The sleeps
# took 8 to 20 s, and the Host delivered under ten interrupts a second,
# while our own timer tick kept landing in the Guest's no-interrupt
# window and nothing asked again, H:240.  Now about 5.3 s and 240 a
# second here; the time has room for a slower machine, the rate is what
# tells the two apart.)
spin_end() {
	grep -q '^AWAKE' "$guest_out" || return
	spin_t1=$(cut -d' ' -f1 /proc/uptime)
	spin_d1=$(cat /sys/kernel/debug/lguest/irqs_delivered)
}
start_launcher spin 64 /vmlinux --initrd=/guest-initrd.cpio rdinit=/init
spin_sent=0 spin_t0='' spin_t1='' spin_d0=0 spin_d1=0
while kill -0 $guest_pid 2>/dev/null && still_patient; do
	if [ $spin_sent = 0 ] && grep -q 'init is running' "$guest_out"; then
		echo 'clock-spin 100000000 & for s in 1 2 3 4 5; do sleep 1; done; echo AWAKE; poweroff -f' >&3
		spin_sent=1
	fi
	if [ -z "$spin_t0" ] && grep -q '^SPIN-BEGIN' "$guest_out"; then
		spin_t0=$(cut -d' ' -f1 /proc/uptime)
		spin_d0=$(cat /sys/kernel/debug/lguest/irqs_delivered)
	fi
	[ -n "$spin_t0" ] && [ -z "$spin_t1" ] && spin_end
	sleep 0.1
done
# The Guest powers off right after AWAKE, often before the loop sees it:
# the time we notice it now is still an upper bound.
[ -n "$spin_t0" ] && [ -z "$spin_t1" ] && spin_end
finish_launcher spin
spin_ms=$(awk -v a="${spin_t0:-0}" -v b="${spin_t1:-0}" 'BEGIN { print int((b - a) * 1000) }')
spin_hz=$(awk -v d="$((spin_d1 - spin_d0))" -v ms="$spin_ms" 'BEGIN { print (ms > 0 ? int(d * 1000 / ms) : 0) }')
echo "  five sleeps of a second beside a loop of system calls: $spin_ms ms, $spin_hz interrupts/s"
check_grep "clock-spin: the Guest's shell woke beside the loop" "$guest_out" '^AWAKE'
spin_in_time() {
	[ -n "$spin_t1" ] && [ "$spin_ms" -lt 15000 ]
}
check "clock-spin: its five sleeps of a second took under 15 s ($spin_ms ms)" \
	spin_in_time
check "clock-spin: meanwhile the Host delivered over 100 interrupts a second ($spin_hz)" \
	[ "$spin_hz" -gt 100 ]

# A process's shadow may outlive a switch (G:092, H:470), but never a
# change to its page table made while it was switched out: stale-shadow
# has another process rewrite its page through /proc/PID/mem, 200 times.
kept0=$(cat /sys/kernel/debug/lguest/pgdir_kept)
run_guest stale 'stale-shadow 200; poweroff -f' \
	64 /vmlinux --initrd=/guest-initrd.cpio rdinit=/init
kept=$(($(cat /sys/kernel/debug/lguest/pgdir_kept) - kept0))
check_grep "stale-shadow: each process saw the page changed behind its back" \
	"$guest_out" '^STALE-SHADOW: 200 rounds'
check "stale-shadow: while other switches kept their shadows ($kept)" \
	[ "$kept" -gt 100 ]

# A switch that finds the TLS entries already loaded skips LOAD_TLS
# (G:070), but never one that needs them: tls-switch's four processes
# each read their own word through a TLS entry, yielding to the others.
run_guest tls 'tls-switch 20000; poweroff -f' \
	64 /vmlinux --initrd=/guest-initrd.cpio rdinit=/init
check_grep "tls-switch: each process always saw its own TLS" \
	"$guest_out" '^TLS-SWITCH: 4 children of 20000 rounds, 0 saw another'

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
