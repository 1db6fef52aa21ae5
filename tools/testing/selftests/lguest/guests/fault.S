/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A page fault the Guest must see: read an address its page tables do
 * not map.  The Host finds no mapping, writes the address to
 * lguest_data.cr2 and delivers the fault to our handler.
 */
#include "guest.inc"

#define UNMAPPED 0x40000000

	.text
	.globl	start
start:
	guest_init
	set_gate 14, page_fault, GATE_INTR_RING1
	movl	UNMAPPED, %eax
	fail	returned

page_fault:
	cmpl	$UNMAPPED, lguest_data + LGUEST_DATA_cr2
	jne	1f
	print	caught
	poweroff caught
1:	fail	wrong

	.data
caught:	.asciz	"fault: the page fault at 0x40000000 reached the Guest's handler\n"
wrong:	.asciz	"fault: the Guest's handler saw the wrong address"
returned: .asciz "fault: the unmapped read returned"
	guest_data
