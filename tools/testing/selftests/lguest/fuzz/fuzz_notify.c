// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the device page, status writes and handle_notify().
 *
 * A Guest with every kind of device the Launcher has: the console, a
 * disk, a network card and the entropy source, in that order, as "lguest
 * 16 --block=... --tunnet=... --rng" would lay them out.  The Guest's
 * moves (fuzz.h) write anything anywhere in the device page (status
 * bytes, num_vq, feature_len, the accepted bits), NOTIFY device entries,
 * queues and arbitrary addresses, and feed keys and packets; each device
 * serves its queues with its own code.  Status 0 resets a device's rings,
 * DRIVER_OK starts the disk.
 */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	start_launcher(16);
	add_disk(1 << 20, false);
	add_net();
	add_rng();
	add_console();
	guest_built(from_guest_phys(guest_max));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return play_one(data, size);
}
