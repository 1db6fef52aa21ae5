/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A Guest that never traps: it spins with interrupts (its own) off.  Only
 * the Host's timer takes the processor back, and a signal to the Launcher
 * must still end it.
 */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	print	spinning
1:	jmp	1b

	.data
spinning: .asciz "spin: spinning\n"
	guest_data
