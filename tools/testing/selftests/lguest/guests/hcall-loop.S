/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypercalls as fast as we can make them, each one checked: a counter in
 * memory and the same counter in a register go up together, a hypercall
 * between, and must still agree after it.  A Host that lost the
 * hypercall's trap, or ran us again from registers older than our
 * memory, makes them disagree.  host-nmi fires NMIs at us meanwhile.
 * Runs until killed, saying how far it got every 65536 calls.
 */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	print	running
	xorl	%esi, %esi
1:	incl	count
	incl	%esi
	hcall	LHCALL_FLUSH_ASYNC
	cmpl	count, %esi
	jne	2f
	testl	$0xFFFF, %esi
	jnz	1b
	print	progress
	jmp	1b
2:	fail	disagree

	.data
count:	.long	0
running: .asciz	"hcall-loop: the Guest is running\n"
progress: .asciz "hcall-loop: another 65536 hypercalls, all accounted for\n"
disagree: .asciz "hcall-loop: memory and registers disagree across a hypercall"
	guest_data
