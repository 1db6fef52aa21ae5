// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the network card.
 *
 * One card whose tap is a packet socket pair.  The Guest's moves
 * (fuzz.h) fill its receive and transmit queues and kick them, and
 * packets of any size arrive on the "tap" for handle_net_input() to put
 * into the receive buffers.  Beyond the sanitizers: every frame
 * handle_net_output() passes to the tap holds at least its virtio_net
 * header, which the Host's tap driver reads.
 */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	start_launcher(16);
	add_net();
	guest_built(from_guest_phys(guest_max));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return play_one(data, size);
}
