/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_LGUEST_HCALL_H
#define _ASM_X86_LGUEST_HCALL_H

/*P:010
 * Welcome, reader, to lguest, the smallest hypervisor that runs Linux as
 * it is.  A hypervisor lets several operating systems share one machine.
 * Here the Host is a Linux kernel with the lg module loaded; each Guest
 * is this same kernel, started by a little program, the Launcher, and
 * running in ring 1 where the Host keeps it from touching anything it
 * should not.  It needs no VT-x: only the segments and rings every
 * 32-bit x86 has had since the 386.
 *
 * The code lives in drivers/lguest (the Host), arch/x86/lguest (the
 * Guest), tools/launcher and the headers between them, plus six small
 * patches to the core kernel (patches/series): the first hooks lguest
 * into Kconfig, and the others are named where the tour leans on them.
 *
 * This first part is lguest seen from outside, each piece by the door the
 * others know it through: the Guest's hypercalls (below) and its page of
 * devices (P:050), the Launcher's command line (P:100), and the Host's
 * file, /dev/lguest (P:200), which its module creates when it loads
 * (P:400).  The parts after this one walk through each piece in the
 * order a Guest meets them: the Guest itself (G), its devices (D), the
 * Launcher that starts it (L), the Host that runs it (H) and the page of
 * assembler beneath them all (S).  Mastery (M) is what is left for you.
 *
 * Whatever privileged thing a Guest needs done, it asks the Host for,
 * with a hypercall, and here is the whole list of them.  The numbers are
 * ABI: they are the ones lguest used in 2.6.26, and new calls take
 * numbers after the last of them.
:*/
#define LHCALL_FLUSH_ASYNC	0
#define LHCALL_LGUEST_INIT	1
#define LHCALL_SHUTDOWN		2
#define LHCALL_LOAD_GDT		3
#define LHCALL_NEW_PGTABLE	4
#define LHCALL_FLUSH_TLB	5
#define LHCALL_LOAD_IDT_ENTRY	6
#define LHCALL_SET_STACK	7
#define LHCALL_TS		8
#define LHCALL_SET_CLOCKEVENT	9
/* HALT turns interrupts on and sleeps until one comes, in one step. */
#define LHCALL_HALT		10
#define LHCALL_SET_PTE		14
#define LHCALL_SET_PMD		15
#define LHCALL_LOAD_TLS		16
#define LHCALL_NOTIFY		17
/* PAE: a page directory pointer entry that was present changed. */
#define LHCALL_SET_PUD		18

/*
 * The second argument of LHCALL_NEW_PGTABLE: nothing in the user half of
 * this page directory changed since it was last loaded (G:092), so any
 * shadow of it may be kept.  0, as from an older Guest, drops it.
 */
#define LGUEST_PGTABLE_UNCHANGED	1

/*
 * The second argument of LHCALL_SHUTDOWN.  Any other value (a panic
 * passes 0) means the Guest crashed: the reason is its last words, and
 * the Launcher exits with an error.
 */
#define LGUEST_SHUTDOWN_POWEROFF	1
#define LGUEST_SHUTDOWN_RESTART		2

/* The software interrupt a Guest uses to call the Host. */
#define LGUEST_TRAP_ENTRY 0x1F

/* Slots in the asynchronous hypercall ring of struct lguest_data (G:032). */
#define LHCALL_RING_SIZE 64

#ifndef __ASSEMBLY__
#include <asm/hw_irq.h>

/*G:030
 * A hypercall is a software interrupt: the call number goes in %eax, up to
 * three arguments in %edx, %ebx and %ecx, and the Host hands a result back
 * in %eax.  The Switcher catches "int $0x1F" like any other trap and the
 * Host reads the Guest's registers from the copy the trap left behind.
 *
 * The "memory" clobber matters: the Host may read or write any Guest memory
 * during the call, so the compiler must not cache values across it.
:*/
static inline unsigned long hcall(unsigned long call, unsigned long arg1,
				  unsigned long arg2, unsigned long arg3)
{
	asm volatile("int $" __stringify(LGUEST_TRAP_ENTRY)
		     : "=a"(call)
		     : "a"(call), "d"(arg1), "b"(arg2), "c"(arg3)
		     : "memory");
	return call;
}

/*
 * One slot of the asynchronous ring: the call number and its arguments, in
 * the same order as the registers of a synchronous call.
 */
struct hcall_args {
	unsigned long arg0, arg1, arg2, arg3;
};

#endif /* !__ASSEMBLY__ */
#endif /* _ASM_X86_LGUEST_HCALL_H */
