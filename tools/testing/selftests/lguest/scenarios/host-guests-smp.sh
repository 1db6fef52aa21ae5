# SPDX-License-Identifier: GPL-2.0
# flavours: 2level pae
# smp: 2
# timeout: 150
# The same tiny Guests with the Host on two CPUs, where the Launcher's
# thread can move between processors and the timer can fire on another.
. ./host-guests.sh
