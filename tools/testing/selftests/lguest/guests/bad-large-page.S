/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hostile (PAE): a middle directory entry for a 2 MB page.  The shadow
 * tables only map small pages, so touching it must kill the Guest with
 * that reason rather than map anything.
 */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	pae_identity
	movl	$(0x200000 + PAE_FLAGS + PAE_LARGE), pae_pmd + 8
	hcall	LHCALL_NEW_PGTABLE, $pae_pdpt
	movl	0x200000, %eax
	fail	alive

	.data
alive:	.asciz	"bad-large-page: the Host mapped a large page"

	pae_tables
	guest_data
