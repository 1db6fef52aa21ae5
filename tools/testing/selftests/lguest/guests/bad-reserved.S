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
	pae_identity
	movl	$(pae_pt1 + PAE_FLAGS), pae_pmd + 8
	movl	$(0x100000 + PAE_FLAGS), pae_pt1
	movl	$0x00100000, pae_pt1 + 4
	hcall	LHCALL_NEW_PGTABLE, $pae_pdpt
	movl	0x200000, %eax
	fail	alive

	.data
alive:	.asciz	"bad-reserved: the Host took an entry with reserved bits"

	pae_tables
	guest_data
