#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the lguest Host in QEMU.  The one place that knows the command line.
#
#   qemu.sh BUILD                      interactive, serial on this terminal
#   qemu.sh BUILD INITRD LOG SMP ARGS  for a test: serial into LOG, or
#                                      onto the Unix socket LOG.sock when
#                                      SERIAL_SOCKET=1 (someone will type)
#
# Software emulation (TCG) is all we need: lguest asks nothing of VT-x.
# Any Host oops, warning or panic ends the emulation (panic_on_warn,
# oops=panic, and -no-reboot turning the reboot into an exit), so a test
# that sees the Host die never waits for its timeout.  The Host's init
# ends with "reboot -f" for the same reason: with no ACPI there is no
# power off, only a halt that would sit until the timeout.
set -euo pipefail

b=$1
cmdline="console=ttyS0 panic=-1 oops=panic panic_on_warn=1"
qemu=(qemu-system-i386 -machine pc -cpu "${QEMU_CPU:-max,vendor=GenuineIntel}" -m 512
	-kernel "$b/obj/arch/x86/boot/bzImage" -no-reboot -nic none)

if [ $# -eq 1 ]; then
	exec "${qemu[@]}" -smp "${SMP:-1}" -initrd "$b/host.cpio" \
		-nographic -append "$cmdline"
fi
initrd=$2 log=$3 smp=$4
shift 4
if [ -n "${SERIAL_SOCKET:-}" ]; then
	serial=(-chardev "socket,id=serial0,path=$log.sock,server=on,wait=on"
		-serial chardev:serial0)
else
	serial=(-serial "file:$log")
fi
exec "${qemu[@]}" -smp "$smp" -initrd "$initrd" -display none \
	-monitor none "${serial[@]}" -append "$cmdline $*"
