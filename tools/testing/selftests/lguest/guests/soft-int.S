/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "int $14" from ring 1, with our page fault gate open to ring 1.  The
 * processor pushes an error code for a real page fault but none for a
 * software interrupt, so the Switcher would save our registers four bytes
 * out of place.  The Host keeps such vectors at privilege 0 in the real
 * IDT: our "int $14" must become a general protection fault instead.
 */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	set_gate 14, page_fault, GATE_INTR_RING1
	set_gate 13, gp_fault, GATE_INTR_RING1
	int	$14
	fail	returned

page_fault:
	fail	reached

gp_fault:
	print	done
	poweroff done

	.data
done:	.asciz	"soft-int: int $14 from ring 1 became a general protection fault\n"
reached: .asciz	"soft-int: int $14 from ring 1 reached the page fault handler"
returned: .asciz "soft-int: int $14 from ring 1 returned"
	guest_data
