// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the kernel loader.
 *
 * The input is a kernel file, ELF vmlinux or bzImage.  It goes into a
 * memory file that load_kernel() opens by name, as it would the user's
 * file; then, if it loaded, the page tables and boot_params are laid out
 * around it in a 16 MB Guest, as main() does.  A bzImage's gzip payload
 * has a checksum, so most mutations of one are refused early; the ELF
 * seeds let the fuzzer reach load_elf() directly.
 */
#include "fuzz.h"

static int kernel_fd;
static char kernel_name[32];

static void load(const u8 *data, size_t size)
{
	load_kernel(kernel_name);
	setup_pagetables(0, kernel_top);
	setup_boot_params("console=hvc0", 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	start_launcher(16);
	kernel_fd = memfd_create("lguest-fuzz-kernel", 0);
	if (kernel_fd < 0)
		err(1, "memfd");
	snprintf(kernel_name, sizeof(kernel_name), "/proc/self/fd/%d",
		 kernel_fd);
	guest_built(from_guest_phys(guest_max));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (ftruncate(kernel_fd, 0) || pwrite(kernel_fd, data, size, 0) < 0)
		err(1, "writing the kernel file");
	reset_guest();
	kernel_top = 0;
	run_launcher(load, data, size);
	return 0;
}
