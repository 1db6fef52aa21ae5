/* SPDX-License-Identifier: GPL-2.0 */
/* Hostile: a page fault handler inside the Switcher's pages. */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	switcher_start
	set_gate_to 14, GATE_INTR_RING1
	fail	alive

	.data
alive:	.asciz	"bad-idt: the Host accepted a gate into the Switcher"
	guest_data
