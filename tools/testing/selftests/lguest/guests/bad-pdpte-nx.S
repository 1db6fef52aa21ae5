/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hostile (PAE): NX on a page directory pointer entry, where the
 * processor allows nothing but the present and cache bits.  Loaded into
 * %cr3 it would fault the Host; the Host must kill the Guest at its
 * first look.
 */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	pae_identity
	movl	$0x80000000, pae_pdpt + 4
	hcall	LHCALL_NEW_PGTABLE, $pae_pdpt
	movl	0x100000, %eax
	fail	alive

	.data
alive:	.asciz	"bad-pdpte-nx: the Host took NX in a pointer entry"

	pae_tables
	guest_data
