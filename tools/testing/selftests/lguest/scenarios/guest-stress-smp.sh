# SPDX-License-Identifier: GPL-2.0
# flavours: 2level pae
# smp: 2
# timeout: 900
# The same hunt with the Host on two CPUs, where the Launcher's run
# loop, its block thread, its Waker and the Guest's timer can all be
# busy at once on different processors.
. ./guest-stress.sh
