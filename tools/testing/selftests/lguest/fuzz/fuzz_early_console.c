// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the early console.
 *
 * Before its drivers are up, a Guest prints by NOTIFYing the address of
 * a string in its memory.  Here the Guest has no devices yet: its moves
 * (fuzz.h) write bytes anywhere in its RAM and NOTIFY any address.  The
 * device page is made inaccessible along with the spare pages, so a
 * string read running off the end of RAM faults.
 */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	start_launcher(16);
	guest_built(devices.page);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return play_one(data, size);
}
