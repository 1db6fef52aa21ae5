# SPDX-License-Identifier: GPL-2.0
# The Host kernel boots in QEMU and runs its init.
. ./lib.sh

check "Host kernel is i386 Linux $(uname -r)" \
	sh -c '[ "$(uname -s)" = Linux ] && uname -m | grep -q "^i.86$"'
check "Host has the Launcher and the Guest kernel" \
	test -x /bin/lguest -a -f /vmlinux -a -f /guest.img
check_host_dmesg_clean
