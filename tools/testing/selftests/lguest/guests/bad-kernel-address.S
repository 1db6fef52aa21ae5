/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A Guest that says its kernel starts inside the Switcher, then asks for
 * a user-only TLB flush: everything below kernel_address.  Believed, that
 * would make the Host release the Switcher's own page-directory slot and
 * give its pages back while still mapped.  It must be killed at
 * LGUEST_INIT instead.
 */
#include "guest.inc"

	.text
	.globl	start
start:
	movl	$0xFFC00000, lguest_data + LGUEST_DATA_kernel_address
	guest_init
	hcall	LHCALL_FLUSH_TLB, $0
	fail	survived

	.data
survived: .asciz "bad-kernel-address: the Host let us flush its Switcher"
	guest_data
