/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HALT is "turn interrupts on and sleep" in one step (H:240).  We make a
 * timer interrupt wait in the Host while our interrupt flag is off, as
 * Linux's idle loop has it when it decides to halt, and then halt.  The
 * Host must deliver that interrupt at once, turning the flag on, rather
 * than leave it waiting while we sleep: a Guest whose wake-up came in
 * just before its HALT would otherwise sleep through it.
 */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	set_gate FIRST_EXTERNAL_VECTOR, tick, GATE_INTR_RING1
	hcall	LHCALL_SET_CLOCKEVENT, $1000

	/*
	 * Interrupts are off (lguest_data starts zeroed).  Trap until the
	 * Host has seen the tick and told us, through irq_pending, that it
	 * is holding it for us.
	 */
1:	hcall	LHCALL_FLUSH_ASYNC
	cmpl	$0, lguest_data + LGUEST_DATA_irq_pending
	je	1b
	cmpl	$0, ticks
	jne	early

	hcall	LHCALL_HALT
	cmpl	$1, ticks
	jne	lost
	cmpl	$X86_EFLAGS_IF, lguest_data + LGUEST_DATA_irq_enabled
	jne	still_off
	print	done
	poweroff done

/*
 * The interrupt gate turned our flag off; like a kernel's interrupt
 * return (G:050) we put back the one saved in the frame, which says
 * whether the Host turned interrupts on for us.
 */
tick:
	pushl	%eax
	incl	ticks
	movl	12(%esp), %eax
	andl	$X86_EFLAGS_IF, %eax
	movl	%eax, lguest_data + LGUEST_DATA_irq_enabled
	popl	%eax
	iret

early:	fail	early_msg
lost:	fail	lost_msg
still_off:
	fail	off_msg

	.data
ticks:	.long	0
done:	.asciz	"halt-pending: the tick waiting at HALT was delivered\n"
early_msg: .asciz "halt-pending: a tick arrived with interrupts off"
lost_msg: .asciz "halt-pending: HALT returned without the waiting tick"
off_msg: .asciz	"halt-pending: interrupts are still off after HALT"
	guest_data
