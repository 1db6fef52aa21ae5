/* SPDX-License-Identifier: GPL-2.0 */
/* Hostile: a hypercall number the Host has never heard of. */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	hcall	99
	fail	alive

	.data
alive:	.asciz	"bad-hcall: the Host let an unknown hypercall through"
	guest_data
