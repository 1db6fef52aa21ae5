/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The clock: ask for an interrupt 1 ms from now, halt until it comes,
 * and again, until ten have arrived through the Guest's own IDT.
 */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	set_gate FIRST_EXTERNAL_VECTOR, tick, GATE_INTR_RING1
	movl	$X86_EFLAGS_IF, lguest_data + LGUEST_DATA_irq_enabled
	hcall	LHCALL_SET_CLOCKEVENT, $1000000
1:	hcall	LHCALL_HALT
	cmpl	$10, ticks
	jb	1b
	hcall	LHCALL_SET_CLOCKEVENT, $0
	print	done
	poweroff done

/*
 * The interrupt gate turned our virtual interrupt flag off; we turn it
 * back on before iret, as a kernel's interrupt return would, and ask
 * for the next tick.
 */
tick:
	pushal
	incl	ticks
	hcall	LHCALL_SET_CLOCKEVENT, $1000000
	popal
	movl	$X86_EFLAGS_IF, lguest_data + LGUEST_DATA_irq_enabled
	iret

	.data
ticks:	.long	0
done:	.asciz	"timer: ten ticks arrived\n"
	guest_data
