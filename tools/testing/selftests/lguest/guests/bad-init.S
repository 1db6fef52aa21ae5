/* SPDX-License-Identifier: GPL-2.0 */
/* Hostile: a hypercall before LGUEST_INIT. */
#include "guest.inc"

	.text
	.globl	start
start:
	hcall	LHCALL_FLUSH_TLB, $1
	guest_init
	fail	alive

	.data
alive:	.asciz	"bad-init: the Host took a hypercall before LGUEST_INIT"
	guest_data
