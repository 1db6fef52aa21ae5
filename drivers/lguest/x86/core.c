// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>
#include <linux/sched.h>
#include <asm/fpu/api.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/traps.h>
#include "../lg.h"

/*H:490
 * The x86 half of the Host: what it takes to switch into a Guest and
 * back on this processor, and what to do with each kind of trap that
 * brings the Guest back.  The rest of the Host does not know what a
 * segment or a control register is.
 *
 * The Host calls the Switcher through a far pointer: its entry point,
 * and the Switcher's own code segment (with its own GDT entry, G:055) so
 * the call lands at ring 0 in a segment that exists in both worlds.
 * Everything of the Switcher's has two addresses, where the module put
 * it and where the Switcher runs (H:020): switcher_offset() turns one
 * into the other for the code between start_switcher_text and
 * end_switcher_text (S:100, S:170), and lguest_pages() finds a
 * processor's pages (H:015) just above that code.
:*/
static struct {
	unsigned long offset;
	unsigned short segment;
} lguest_entry;

static unsigned long switcher_offset(const void *host_addr)
{
	return switcher_addr + (host_addr - (void *)start_switcher_text);
}

static struct lguest_pages *lguest_pages(unsigned int cpu)
{
	return (struct lguest_pages *)(switcher_addr + PAGE_SIZE +
				       cpu * 2 * PAGE_SIZE);
}

/*H:500
 * Setting up, once, when the module loads: the Switcher's entry point
 * (switch_to_guest, S:110), its trap stubs at their Switcher addresses
 * (default_idt_entries, S:170), and for each processor the parts of the
 * Guest's GDT, IDT and TSS that never change.
:*/
void lguest_arch_host_init(void)
{
	unsigned int i;

	lguest_entry.offset = switcher_offset(switch_to_guest);
	lguest_entry.segment = LGUEST_CS;
	for (i = 0; i < IDT_ENTRIES; i++)
		default_idt_entries[i] =
			switcher_offset((void *)default_idt_entries[i]);

	for_each_possible_cpu(i) {
		struct lguest_pages *pages = lguest_pages(i);
		struct lguest_ro_state *state = &pages->state;

		setup_default_gdt_entries(state);
		state->guest_tss.sp0 = (unsigned long)(&pages->regs + 1);
		state->guest_tss.ss0 = LGUEST_DS;
		state->guest_tss.io_bitmap_base = sizeof(state->guest_tss);
		state->guest_gdt_desc.size = sizeof(state->guest_gdt) - 1;
		state->guest_gdt_desc.address = (unsigned long)state->guest_gdt;
		state->guest_idt_desc.size = sizeof(state->guest_idt) - 1;
		state->guest_idt_desc.address = (unsigned long)state->guest_idt;
	}
}

/*H:510
 * The Guest's first registers: it starts at the entry point the Launcher
 * gave, in ring 1 on the Guest's own kernel segments, with interrupts on
 * (the real flag; the Guest's own flag is in lguest_data) and %esi
 * pointing at boot_params, which the Launcher put at physical 0.
:*/
void lguest_arch_setup_regs(struct lg_cpu *cpu, unsigned long start)
{
	struct lguest_regs *regs = &cpu->regs;

	regs->ds = regs->es = regs->ss = __KERNEL_DS | GUEST_PL;
	regs->cs = __KERNEL_CS | GUEST_PL;
	regs->eflags = X86_EFLAGS_IF | X86_EFLAGS_FIXED;
	regs->eip = start;
	regs->esi = 0;

	/*
	 * Until the Guest loads its own GDT it runs on flat ring-1 segments
	 * of ours, in the slots Linux uses for its kernel.
	 */
	cpu->arch.gdt[GDT_ENTRY_KERNEL_CS] =
		(struct desc_struct)GDT_ENTRY_INIT(DESC_CODE32 | _DESC_DPL(GUEST_PL),
						   0, 0xfffff);
	cpu->arch.gdt[GDT_ENTRY_KERNEL_DS] =
		(struct desc_struct)GDT_ENTRY_INIT(DESC_DATA32 | _DESC_DPL(GUEST_PL),
						   0, 0xfffff);
}

/*H:522
 * A cheaper way in.  Most exits end in the same Guest going back in on
 * the same processor with its tables as they were, and copying its IDT
 * (256 gates, each checked again, over the Switcher's own stubs in
 * default_idt_entries, which we meet in S:170) and GDT onto the pages every
 * time was a good part of a hypercall's cost.  So each processor
 * remembers whose tables its pages hold, each Guest CPU which pages hold
 * its own, and the hypercalls that load a table mark it changed.  When
 * both memories agree, only what changed is copied; otherwise, another
 * Guest or another processor was here in between, and we copy it all.
 * A Guest CPU new to these pages (last_pages NULL) never matches, even
 * if it lives where a dead one used to.
:*/
static DEFINE_PER_CPU(struct lg_cpu *, lg_last_cpu);

static void copy_guest_tables(struct lg_cpu *cpu, struct lguest_pages *pages)
{
	struct lguest_ro_state *state = &pages->state;

	if (__this_cpu_read(lg_last_cpu) != cpu ||
	    cpu->arch.last_pages != pages) {
		__this_cpu_write(lg_last_cpu, cpu);
		cpu->arch.last_pages = pages;
		cpu->arch.changed = CHANGED_ALL;
	}
	if (cpu->arch.changed & CHANGED_IDT)
		copy_traps(cpu, state->guest_idt, default_idt_entries);
	if (cpu->arch.changed & CHANGED_GDT)
		copy_gdt(cpu, state->guest_gdt);
	else if (cpu->arch.changed & CHANGED_GDT_TLS)
		copy_gdt_tls(cpu, state->guest_gdt);
	make_tss_available(state->guest_gdt);
	cpu->arch.changed = 0;
}

/*H:520
 * Before each run the Guest's state goes onto this processor's Switcher
 * pages: the Host's descriptor tables and page table (for the way
 * back), the Guest's GDT and IDT as checked (the IDT laid over the
 * Switcher's own trap stubs, S:170) when they changed (H:522), its
 * kernel stack for traps from its userspace, and its registers, with the
 * flags it may not have cleaned: interrupts always on, no I/O privilege,
 * no nested task.
:*/
static void copy_in_guest_info(struct lg_cpu *cpu, struct lguest_pages *pages)
{
	struct lguest_ro_state *state = &pages->state;

	state->host_cr3 = __read_cr3();
	store_idt(&state->host_idt_desc);
	native_store_gdt(&state->host_gdt_desc);
	/*
	 * The Host's GDT needs the Switcher's segments too.  Writing them
	 * here, through the address the processor itself uses (writable on
	 * 32-bit), covers every processor, even one that came up after us.
	 */
	setup_host_gdt_entries((struct desc_struct *)state->host_gdt_desc.address);

	copy_guest_tables(cpu, pages);
	state->guest_tss.ss1 = cpu->arch.ss1;
	state->guest_tss.sp1 = cpu->arch.esp1;

	cpu->regs.eflags |= X86_EFLAGS_IF | X86_EFLAGS_FIXED;
	cpu->regs.eflags &= ~(X86_EFLAGS_IOPL | X86_EFLAGS_NT | X86_EFLAGS_VM |
			      X86_EFLAGS_AC);
	pages->regs = cpu->regs;
}

/*H:530
 * Some of the Host's settings must not reach the Guest.  Global pages
 * would keep the Host's kernel mappings in the TLB while the Guest's page
 * tables are loaded; SMEP and SMAP would stop the Guest's ring-1 kernel
 * touching its own user pages; UMIP would fault instructions it may use.
 * And SYSENTER would take the Guest's userspace straight into the Host's
 * kernel: with SYSENTER_CS zero it faults instead.  A Launcher with an LDT
 * of its own (modify_ldt) leaves LDTR pointing at a Host address, where
 * the Guest could map descriptors of its choosing and use them with a
 * selector that names the LDT: we load a null LDT for the Guest and put
 * the Launcher's back afterwards.  The kernel's CR4 helpers refuse to
 * clear pinned bits, so we write CR4 ourselves, with interrupts off, and
 * put it back before anything runs.
:*/
#define CR4_NOT_FOR_GUESTS \
	(X86_CR4_PGE | X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_UMIP)

static void raw_write_cr4(unsigned long val)
{
	asm volatile("mov %0, %%cr4" : : "r"(val) : "memory");
}

static unsigned short clear_ldt(void)
{
	unsigned short ldt;

	asm volatile("sldt %0" : "=r"(ldt));
	if (ldt)
		asm volatile("lldt %w0" : : "q"(0));
	return ldt;
}

static void restore_ldt(unsigned short ldt)
{
	if (ldt)
		asm volatile("lldt %w0" : : "q"(ldt));
}

static void run_guest_once(struct lg_cpu *cpu, struct lguest_pages *pages)
{
	unsigned long cr4 = __read_cr4(), clobber_a, clobber_b;
	bool sep = boot_cpu_has(X86_FEATURE_SEP);
	unsigned short ldt = clear_ldt();

	if (sep)
		wrmsr(MSR_IA32_SYSENTER_CS, 0, 0);
	if (cr4 & CR4_NOT_FOR_GUESTS)
		raw_write_cr4(cr4 & ~CR4_NOT_FOR_GUESTS);

	/*
	 * %eax is the Switcher's address of this CPU's pages, %ebx the
	 * shadow page directory.  The Switcher saves and restores %ebp and
	 * the segment registers itself; the others are gone.
	 */
	asm volatile("pushf; lcall *%4"
		     : "=a"(clobber_a), "=b"(clobber_b)
		     : "0"(pages), "1"(shadow_pgdir_pa(cpu)), "m"(lguest_entry)
		     : "memory", "%edx", "%ecx", "%edi", "%esi");

	if (cr4 & CR4_NOT_FOR_GUESTS)
		raw_write_cr4(cr4);
	if (sep)
		wrmsr(MSR_IA32_SYSENTER_CS, __KERNEL_CS, 0);
	restore_ldt(ldt);
}

/*H:535
 * An NMI or machine check that arrived while the Switcher was half way
 * between the Host and the Guest was only noted (S:160).  Now that we
 * are the Host again, with interrupts still off, we raise it with a
 * software interrupt through our own IDT, which runs the same handler
 * the processor would have: late by a few instructions, never lost.  An
 * NMI noted on the way into the Guest waits for the Guest's next exit,
 * at most a tick away.
:*/
static void raise_latched_host_traps(struct lguest_pages *pages)
{
	unsigned long latched = xchg(&pages->state.host_traps_latched, 0);

	if (!latched)
		return;
	atomic_inc(&lguest_host_traps_latched);
	if (latched & BIT(X86_TRAP_NMI))
		asm volatile("int $2");
	if (latched & BIT(X86_TRAP_MC))
		asm volatile("int $18");
}

/*H:540
 * Running the Guest, seen from the Host: the Guest's FPU registers are the
 * Launcher's (they are loaded if the kernel had put them away), the
 * Switcher pages for this processor get the Guest's state, and with
 * interrupts off we call the Switcher, unless the run loop was kicked
 * meanwhile (then we return false and it goes round again).  When it
 * returns, the Guest's registers come back from the page, unless the trap
 * hit the Switcher itself, in which case they never left ours.  A page
 * fault's address must be read now, before anything can fault again.
:*/
bool lguest_arch_run_guest(struct lg_cpu *cpu)
{
	struct lguest_pages *pages;
	unsigned int host_cpu;

	fpregs_lock();
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();
	local_irq_disable();
	/* Something was raised since the run loop looked (H:045). */
	if (READ_ONCE(cpu->kicked)) {
		local_irq_enable();
		fpregs_unlock();
		return false;
	}

	host_cpu = smp_processor_id();
	pages = lguest_pages(host_cpu);
	copy_in_guest_info(cpu, pages);
	map_switcher_in_guest(cpu, host_cpu);
	if (cpu->ts)
		write_cr0(read_cr0() | X86_CR0_TS);

	run_guest_once(cpu, pages);
	raise_latched_host_traps(pages);

	if (cpu->ts)
		write_cr0(read_cr0() & ~X86_CR0_TS);
	cpu->switcher_trapped = pages->state.switcher_trapped;
	cpu->trapnum = pages->regs.trapnum;
	cpu->trap_errcode = pages->regs.errcode;
	if (!cpu->switcher_trapped)
		cpu->regs = pages->regs;
	if (cpu->trapnum == X86_TRAP_PF)
		cpu->arch.last_pagefault = read_cr2();

	local_irq_enable();
	fpregs_unlock();
	return true;
}

/*H:550
 * A General Protection fault in ring 1 is most often the Guest's kernel
 * touching an I/O port (it has no right to any).  Reads of a port give
 * all ones, as from an empty bus, and writes vanish: that is enough for
 * the probing a kernel does at boot.  We decode only the one-byte
 * in/out forms, with an optional operand-size prefix, and the few
 * two-byte ones first, below.
:*/

/*
 * The general registers as an instruction's ModRM byte numbers them:
 * %eax, %ecx, %edx, %ebx, %esp, %ebp, %esi, %edi.
 */
static unsigned long *modrm_reg(struct lguest_regs *regs, unsigned int n)
{
	unsigned long *r[] = { &regs->eax, &regs->ecx, &regs->edx, &regs->ebx,
			       &regs->esp, &regs->ebp, &regs->esi, &regs->edi };

	return r[n & 7];
}

/*
 * Two-byte instructions a Guest kernel uses without asking us: it reads
 * %cr4 (Linux keeps a shadow of it, filled at boot by "mov %cr4, reg"),
 * and here and there a model-specific register.  %cr4 and every MSR
 * read as zero, and writes to MSRs vanish: no feature behind them is the
 * Guest's to use.
 */
static bool emulate_0f_insn(struct lg_cpu *cpu, unsigned long eip)
{
	struct lguest_regs *regs = &cpu->regs;
	u8 op = lgread(cpu, guest_pa(cpu, eip + 1), u8), modrm;

	switch (op) {
	case 0x20: /* mov %crN, reg */
		modrm = lgread(cpu, guest_pa(cpu, eip + 2), u8);
		if ((modrm & 0xF8) != 0xE0)
			return false;
		*modrm_reg(regs, modrm) = 0;
		regs->eip += 3;
		return true;
	case 0x30: /* wrmsr */
		regs->eip += 2;
		return true;
	case 0x32: /* rdmsr */
		regs->eax = regs->edx = 0;
		regs->eip += 2;
		return true;
	}
	return false;
}

static bool emulate_insn(struct lg_cpu *cpu)
{
	struct lguest_regs *regs = &cpu->regs;
	unsigned int insnlen = 0, in = 0, small = 0;
	u8 insn;

	if ((regs->cs & 3) != GUEST_PL)
		return false;
	insn = lgread(cpu, guest_pa(cpu, regs->eip), u8);
	if (insn == 0x0F)
		return emulate_0f_insn(cpu, regs->eip);
	if (insn == 0x66) {
		small = 1;
		insnlen = 1;
		insn = lgread(cpu, guest_pa(cpu, regs->eip + 1), u8);
	}
	switch (insn & 0xFE) {
	case 0xE4: /* in <port>,%al */
		insnlen += 2;
		in = 1;
		break;
	case 0xEC: /* in (%dx),%al */
		insnlen += 1;
		in = 1;
		break;
	case 0xE6: /* out %al,<port> */
		insnlen += 2;
		break;
	case 0xEE: /* out %al,(%dx) */
		insnlen += 1;
		break;
	default:
		return false;
	}
	if (in) {
		if (!(insn & 1))
			regs->eax |= 0xFF;
		else if (small)
			regs->eax |= 0xFFFF;
		else
			regs->eax = 0xFFFFFFFF;
	}
	regs->eip += insnlen;
	return true;
}

static void reflect_page_fault(struct lg_cpu *cpu)
{
	if (!cpu->lguest_data ||
	    put_user(cpu->arch.last_pagefault, &cpu->lguest_data->cr2))
		kill_guest(cpu, "page fault at %#lx (eip %#lx) before LGUEST_INIT",
			   cpu->arch.last_pagefault, cpu->regs.eip);
	else if (!deliver_trap(cpu, X86_TRAP_PF))
		kill_guest(cpu, "unhandled page fault at %#lx (eip %#lx)",
			   cpu->arch.last_pagefault, cpu->regs.eip);
}

/*H:560
 * Why did the Guest stop?  A trap in the Switcher itself (outside the
 * Guest) can only be the processor refusing the Guest's state as we
 * entered: bad segment registers, say (an NMI there was only noted,
 * H:535).  Then the Guest's own traps: a hypercall (only noted here:
 * the run loop makes it next time round, in do_hypercalls(), H:140), a
 * page fault (ours to fix or the Guest's to handle), an I/O instruction,
 * and the rest, which we reflect.  Interrupts for the Host have already
 * been handled by the Host by the time we get here.
 *
 * Try it: not-lguest starts as any i386 kernel not built for lguest
 * would, with an lgdt, which faults in ring 1 before it has said hello;
 * "lguest 32 /guests/not-lguest.elf" names the likely mistake.
 *
 * And that is the Host.  One thing in it we have taken on trust: the
 * lcall in run_guest_once() (H:530), which goes into the Guest and comes
 * back with a trap number.  What happens on the far side of it is the
 * last part, and the shortest.
:*/
void lguest_arch_handle_trap(struct lg_cpu *cpu)
{
	unsigned long trap = cpu->trapnum;
	struct lguest_regs *regs = &cpu->regs;

	if (cpu->switcher_trapped) {
		kill_guest(cpu, "the processor refused the Guest's state (trap %lu, error %#lx): cs %#lx ss %#lx ds %#lx es %#lx fs %#lx gs %#lx",
			   trap, cpu->trap_errcode, regs->cs, regs->ss,
			   regs->ds, regs->es, regs->fs, regs->gs);
		return;
	}

	switch (trap) {
	case LGUEST_TRAP_ENTRY:
		cpu->hcall.arg0 = regs->eax;
		cpu->hcall.arg1 = regs->edx;
		cpu->hcall.arg2 = regs->ebx;
		cpu->hcall.arg3 = regs->ecx;
		cpu->hcall_pending = true;
		return;
	case X86_TRAP_PF:
		if (!demand_page(cpu, cpu->arch.last_pagefault, regs->errcode))
			reflect_page_fault(cpu);
		return;
	case X86_TRAP_GP:
		if (regs->errcode == 0 && emulate_insn(cpu))
			return;
		break;
	case X86_TRAP_NMI:
	case X86_TRAP_MC:
		return;
	}
	if (trap >= FIRST_EXTERNAL_VECTOR && trap != IA32_SYSCALL_VECTOR)
		return;
	if (trap == IA32_SYSCALL_VECTOR)
		atomic_inc(&lguest_syscall_exits);
	if (deliver_trap(cpu, trap))
		return;
	/*
	 * A kernel that faults before it has said hello was most likely
	 * never meant to run here: say so, not just where it fell.
	 */
	if (!cpu->lguest_data)
		kill_guest(cpu, "trap %lu at %#lx before LGUEST_INIT: is this a kernel built with CONFIG_LGUEST_GUEST?",
			   trap, regs->eip);
	else
		kill_guest(cpu, "unhandled trap %lu at %#lx (error %#lx)",
			   trap, regs->eip, regs->errcode);
}

/*M:030
 * All of this is i386.  x86-64 takes away what lguest stands on: long
 * mode has no segment limits and no ring 1 that means anything, so the
 * Guest's kernel would have to run in ring 3 with the Host switching page
 * tables on every system call (Xen's way), or the Switcher would become a
 * user of hardware virtualization, at which point it is KVM.  A reader
 * who finds a third way should write it up.
:*/
