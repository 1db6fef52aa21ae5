// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: block requests.
 *
 * A disk of 1 MB and a read-only one of 64 KB in the biggest Guest the
 * Launcher allows ("lguest 2048 --block=... --block=...,ro"), so that
 * descriptors can be as long as the Launcher will ever accept.  The
 * Guest's moves (fuzz.h) write request headers into its memory, chain
 * descriptors and kick; serve_one_request() serves them as the disks'
 * workers would.  Beyond the sanitizers: after every move, each disk
 * file must still be the size it was.
 */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	start_launcher(2048);
	add_disk(1 << 20, false);
	add_disk(64 << 10, true);
	guest_built(from_guest_phys(guest_max));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return play_one(data, size);
}
