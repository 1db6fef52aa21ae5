# SPDX-License-Identifier: GPL-2.0
# flavours: 2level pae
# smp: 2
# timeout: 300
# The same Guest boots with the Host on two CPUs, where the Launcher, its
# Waker and the Guest's timer may each be on either.
. ./guest-boot.sh
