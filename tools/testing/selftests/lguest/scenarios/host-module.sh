# SPDX-License-Identifier: GPL-2.0
# flavours: 2level pae
# lg.ko loads, gives /dev/lguest to root only, and unloads cleanly.
. ./lib.sh

check "insmod lg.ko" insmod /lg.ko
check "/dev/lguest is a character device" test -c /dev/lguest
check "/dev/lguest has mode 0600" \
	sh -c '[ "$(stat -c %a /dev/lguest)" = 600 ]'
check "lg is listed in /proc/modules" grep -q '^lg ' /proc/modules
check "rmmod lg" rmmod lg
check "/dev/lguest is gone after rmmod" test ! -e /dev/lguest
check "lg.ko loads a second time" insmod /lg.ko
check "and unloads a second time" rmmod lg
check_host_dmesg_clean
