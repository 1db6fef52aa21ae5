# SPDX-License-Identifier: GPL-2.0
# flavours: 2level pae
# timeout: 200
# The Guest's console is the Host's serial line, as a user at "make run"
# has it: the test types into the Guest's shell through the Launcher and
# reads the Guest's answer, then ends the Launcher with three Ctrl-C and
# checks the terminal came back sane.
. ./lib.sh

insmod /lg.ko
cp /guest.img /tmp/guest.img
stty -g > /tmp/stty.before
setsid cttyhack lguest 64 /vmlinux --block=/tmp/guest.img root=/dev/vda
echo "LAUNCHER-EXIT-$?"
stty -g > /tmp/stty.after
check "the terminal settings are restored after ^C^C^C" \
	cmp -s /tmp/stty.before /tmp/stty.after
check "lg.ko unloads" rmmod lg
check_host_dmesg_clean
