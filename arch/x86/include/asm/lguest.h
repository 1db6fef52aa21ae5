/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_LGUEST_H
#define _ASM_X86_LGUEST_H

/*G:055
 * Segments.  The Guest's kernel runs in ring 1, and the selectors it
 * loads say so: their low bits are GUEST_PL.  Two GDT entries the kernel
 * leaves free are not the Guest's at all: they are the Switcher's own
 * ring-0 code and data segments.  They must be at the same place in the
 * Host's GDT and in every Guest's, because the Switcher keeps running on
 * them while it changes one GDT for the other.
:*/
#define GDT_ENTRY_LGUEST_CS	10
#define GDT_ENTRY_LGUEST_DS	11
#define LGUEST_CS		(GDT_ENTRY_LGUEST_CS * 8)
#define LGUEST_DS		(GDT_ENTRY_LGUEST_DS * 8)

#define GUEST_PL		1

/*H:215
 * The vectors for which the processor pushes an error code: double
 * fault, invalid TSS, segment not present, stack fault, general
 * protection, page fault, alignment check, control protection, VMM
 * communication and security.  One definition, written so that both the
 * Switcher's stubs (in assembler) and the Host's C can use it.
:*/
#define LGUEST_VECTOR_HAS_ERRCODE(v)					\
	((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 ||		\
	 (v) == 21 || (v) == 29 || (v) == 30)

#ifndef __ASSEMBLY__
#include <asm/desc.h>

/*H:012
 * Every trap that leaves the Guest lands in the Switcher, which saves the
 * Guest's registers in this layout: the processor pushes the last five
 * (plus an error code for some traps), the Switcher pushes the rest.  The
 * same structure read backwards is how the Switcher restores them.
:*/
struct lguest_regs {
	/* Pushed (and popped) by the Switcher. */
	unsigned long eax, ebx, ecx, edx;
	unsigned long esi, edi, ebp;
	unsigned long gs;
	unsigned long fs, ds, es;
	/* Pushed by the Switcher's per-trap entry code. */
	unsigned long trapnum, errcode;
	/* Pushed by the processor. */
	unsigned long eip;
	unsigned long cs;
	unsigned long eflags;
	unsigned long esp;
	unsigned long ss;
};

/*H:015
 * Each physical CPU has two pages of Switcher state next to the code.
 * The first holds the Guest's registers at its very end: it is the stack
 * a trap in the Guest lands on, so that pushing the trap frame builds
 * struct lguest_regs in place.  In a Guest's address space this slot
 * maps that Guest's own register page, writable (they are its registers
 * after all).  The second page is what the Switcher needs to get back to
 * the Host, and the tables the Guest runs under; the Guest sees it read
 * only, so it can look but not change its own IDT, GDT or TSS.
:*/
struct lguest_ro_state {
	/* What the Switcher restores to return to the Host. */
	unsigned long host_cr3;
	struct desc_ptr host_idt_desc;
	struct desc_ptr host_gdt_desc;
	unsigned long host_sp;
	/*
	 * Set by the Switcher when the trap that brought it back to the Host
	 * interrupted the Switcher itself rather than the Guest (the
	 * processor refusing the Guest's segments on the way in): the
	 * Guest's registers are then not where they should be.
	 */
	unsigned long switcher_trapped;
	/*
	 * A bit for each NMI or machine check (by vector) that arrived while
	 * the Switcher was switching, for the Host to raise when it is back.
	 */
	unsigned long host_traps_latched;

	/* The tables the Guest runs with, checked and fixed by the Host. */
	struct desc_ptr guest_idt_desc;
	struct desc_ptr guest_gdt_desc;
	struct x86_hw_tss guest_tss;
	gate_desc guest_idt[IDT_ENTRIES];
	struct desc_struct guest_gdt[GDT_ENTRIES];
};

struct lguest_pages {
	/* This is the stack page mapped read-write in the Guest. */
	char spare[PAGE_SIZE - sizeof(struct lguest_regs)];
	struct lguest_regs regs;

	/* This is the Host state & Guest descriptor page, read only. */
	struct lguest_ro_state state;
} __aligned(PAGE_SIZE);

/* The code page, then two pages for each CPU. */
#define TOTAL_SWITCHER_PAGES	(1 + 2 * nr_cpu_ids)
/*:*/

/*
 * The Guest side (arch/x86/lguest): where its C code starts, and the
 * stretch of its interrupt return the Host must not interrupt.
 */
void lguest_init(void);
extern char lguest_noirq_iret[], lguest_noirq_end[], lguest_entry_INT80[];

#endif /* __ASSEMBLY__ */
#endif /* _ASM_X86_LGUEST_H */
