/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hostile: page tables of our own, which map the first 4 MB as they are
 * and the next 4 MB to a page far beyond the Guest's memory; touching it
 * must end the Guest, not hand it a Host page.  Under PAE the far page
 * is at 4 GB, which a Host reading only the low 32 bits of the entry
 * would take for the Guest's page 0.
 */
#include "guest.inc"

#define PTE_FLAGS	0x7		/* present, writable, user */
#define FAR_PAGE	0x7FFFF000

	.text
	.globl	start
start:
	guest_init
#ifdef CONFIG_X86_PAE
	pae_read_entry $PAE_FLAGS, $1
#else
	movl	$pt0, %edi
	movl	$PTE_FLAGS, %eax
	movl	$1024, %ecx
1:	stosl
	addl	$4096, %eax
	loop	1b
	movl	$(pt0 + PTE_FLAGS), pgdir
	movl	$(pt1 + PTE_FLAGS), pgdir + 4
	movl	$(FAR_PAGE + PTE_FLAGS), pt1
	hcall	LHCALL_NEW_PGTABLE, $pgdir
	movl	0x400000, %eax
#endif
	fail	alive

	.data
alive:	.asciz	"bad-pfn: the Guest read a page beyond its memory"

#ifdef CONFIG_X86_PAE
	pae_tables
#else
	.bss
	.balign	4096
pgdir:	.skip	4096
pt0:	.skip	4096
pt1:	.skip	4096
#endif
	guest_data
