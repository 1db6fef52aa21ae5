/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A Guest that halts with no timer and no interrupt to come: it sleeps in
 * the Host until a signal to the Launcher ends it.
 */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	print	halting
	hcall	LHCALL_HALT
	fail	woke

	.data
halting: .asciz	"halt: halting\n"
woke:	.asciz	"halt: woke with nothing to wake it"
	guest_data
