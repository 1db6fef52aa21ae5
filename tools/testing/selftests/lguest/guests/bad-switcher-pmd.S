/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hostile (PAE): a middle directory entry over the Switcher's slot.  The
 * last gigabyte's middle directory holds the Guest's kernel and the
 * Switcher both (H:480), so the Guest may change its entries, but not
 * that one.
 */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	pae_identity
	movl	$(pae_pt1 + PDPTE_PRESENT), pae_pdpt + 24
	hcall	LHCALL_NEW_PGTABLE, $pae_pdpt
	switcher_start
	shrl	$21, %eax
	andl	$511, %eax
	hcall	LHCALL_SET_PMD, $pae_pt1, %eax
	fail	alive

	.data
alive:	.asciz	"bad-switcher-pmd: the Host let a directory entry cover the Switcher"

	pae_tables
	guest_data
