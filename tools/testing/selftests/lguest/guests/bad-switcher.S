/* SPDX-License-Identifier: GPL-2.0 */
/* Hostile: a page table entry for an address in the Switcher's space. */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	switcher_start
	hcall	LHCALL_SET_PTE, $0, %eax, $0x1007
	fail	alive

	.data
alive:	.asciz	"bad-switcher: the Host let a mapping cover the Switcher"
	guest_data
