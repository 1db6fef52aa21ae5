#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the lguest Host in QEMU.  The one place that knows the command line.
# LGFLAVOUR=pae boots the PAE Host (build/obj-pae) with 6 GiB, so that some
# of its memory, and of its Guests', lies above 4 GiB; the default is the
# two-level Host with 512 MiB.
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
case "${LGFLAVOUR:-2level}" in
2level)	kobj=$b/obj mem=512 image=$b/host.cpio ;;
pae)	kobj=$b/obj-pae mem=6G image=$b/host-pae.cpio ;;
*)	echo "qemu.sh: LGFLAVOUR is 2level or pae, not $LGFLAVOUR" >&2
	exit 1 ;;
esac
qemu=(qemu-system-i386 -machine pc -cpu "${QEMU_CPU:-max,vendor=GenuineIntel}"
	-m "${QEMU_MEM:-$mem}" -kernel "$kobj/arch/x86/boot/bzImage"
	-no-reboot -nic none)

if [ $# -eq 1 ]; then
	exec "${qemu[@]}" -smp "${SMP:-1}" -initrd "$image" \
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
