/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_LGUEST_H
#define _LINUX_LGUEST_H

#ifndef __ASSEMBLY__
#include <linux/time64.h>
#include <linux/lguest_launcher.h>
#include <asm/irq.h>
#include <asm/lguest_hcall.h>

/*G:032
 * The Guest and the Host share one page of state, struct lguest_data.  The
 * Guest tells the Host where it is with LHCALL_LGUEST_INIT, its very first
 * hypercall; after that both sides read and write it without any call at
 * all, which is what makes things like "disable interrupts" cost a single
 * store instead of a trip through the Switcher.
:*/
struct lguest_data {
	/*
	 * X86_EFLAGS_IF when the Guest is willing to take interrupts, 0 when
	 * not.  The Host reads it before delivering anything.
	 */
	unsigned int irq_enabled;
	/* Interrupt lines the Guest has masked (LGUEST_IRQS is in D:015). */
	unsigned long blocked_interrupts[BITS_TO_LONGS(LGUEST_IRQS)];

	/* The Host writes the faulting address here before a page fault. */
	unsigned long cr2;

	/* Wall clock time, refreshed by the Host whenever it runs us. */
	struct timespec64 time;

	/* The Host sets this when an interrupt is waiting and IRQs were off. */
	int irq_pending;

	/*
	 * The asynchronous hypercall ring.  A status byte of 0 means the slot
	 * holds a call for the Host; the Host sets it to 0xFF once done.
	 */
	u8 hcall_status[LHCALL_RING_SIZE];
	struct hcall_args hcalls[LHCALL_RING_SIZE];

/* Fields the Host fills in during LHCALL_LGUEST_INIT: */
	/* How much at the top of the address space the Switcher needs. */
	unsigned long reserve_mem;
	/* The TSC frequency, or 0 if the TSC is not to be trusted. */
	u32 tsc_khz;

/* Fields the Guest fills in before LHCALL_LGUEST_INIT: */
	/*
	 * Instructions in [noirq_start, noirq_end) run with interrupts held
	 * off by the Host: the Guest's path back to userspace through iret.
	 */
	unsigned long noirq_start, noirq_end;
	/* Where the Guest's kernel begins (PAGE_OFFSET). */
	unsigned long kernel_address;
	/* The vector the Guest uses for system calls. */
	unsigned int syscall_vec;
	/*
	 * The Guest's page table format: 2 (two-level) or 3 (PAE).  It must
	 * be the Host's, which H:100 checks before reading any table.
	 */
	unsigned int pgtable_levels;
};
/*:*/

extern struct lguest_data lguest_data;

/* The Guest's interrupt chip takes a line the lguest bus hands out. */
int lguest_setup_irq(unsigned int irq);
#endif /* __ASSEMBLY__ */
#endif /* _LINUX_LGUEST_H */
