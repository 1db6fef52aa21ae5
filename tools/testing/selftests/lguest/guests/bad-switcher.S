/* SPDX-License-Identifier: GPL-2.0 */
/* Hostile: a page table entry for an address in the Switcher's space. */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	xorl	%eax, %eax
	subl	lguest_data + LGUEST_DATA_reserve_mem, %eax
	movl	%eax, switcher
	hcall	LHCALL_SET_PTE, $0, switcher, $0x1007
	fail	alive

	.data
switcher: .long	0
alive:	.asciz	"bad-switcher: the Host let a mapping cover the Switcher"
	guest_data
