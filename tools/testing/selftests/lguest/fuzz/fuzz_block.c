// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: block requests.
 *
 * One disk of 1 MB in the biggest Guest the Launcher allows ("lguest
 * 2048 --block=..."), so that descriptors can be as long as the Launcher
 * will ever accept.  The Guest's moves (fuzz.h) write request headers
 * into its memory, chain descriptors and kick; blk_request() serves them
 * as the disk's I/O thread would.  Beyond the sanitizers: after every
 * move, the disk file must still be exactly 1 MB.
 */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	start_launcher(2048);
	add_disk(1 << 20);
	guest_built(from_guest_phys(guest_max));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return play_one(data, size);
}
