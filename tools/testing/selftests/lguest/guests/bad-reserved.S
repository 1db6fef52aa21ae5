/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hostile (PAE): a page table entry with bit 52 set, which the processor
 * reserves.  Copied into a shadow it would be a reserved-bit fault the
 * Guest never asked for; the Host must kill the Guest instead.
 */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	pae_read_entry $(0x100000 + PAE_FLAGS), $0x00100000
	fail	alive

	.data
alive:	.asciz	"bad-reserved: the Host took an entry with reserved bits"

	pae_tables
	guest_data
