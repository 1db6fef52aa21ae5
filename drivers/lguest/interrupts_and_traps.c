// SPDX-License-Identifier: GPL-2.0
#include <linux/uaccess.h>
#include <linux/hrtimer.h>
#include <linux/sched.h>
#include <asm/irq_vectors.h>
#include "lg.h"

/*H:200
 * Interrupts and traps.  A Guest has them like any kernel, but it never
 * gets them straight from the processor: the processor delivers
 * everything to the Switcher, and the Host decides what the Guest should
 * see.  So the Host must do by hand what the processor does for an
 * interrupt: push a frame onto the Guest's stack and jump to the handler
 * the Guest registered in its IDT.  This file is that (H:205 to H:220),
 * the virtual interrupts it delivers (H:230 to H:250), the Guest's IDT
 * (H:260, H:270) and kernel stack (H:280), and the Guest's timer
 * (H:290).  First, two questions we ask of an IDT entry: where does it
 * go, and is it there at all.
:*/
static unsigned long idt_address(const gate_desc *g)
{
	return gate_offset(g);
}

static bool idt_present(const gate_desc *g)
{
	return g->bits.p;
}

/*H:205
 * Pushing onto the Guest's stack means writing Guest virtual addresses,
 * which we translate through the Guest's own page tables (guest_pa(),
 * H:440, kills a Guest whose stack is not mapped).
:*/
static void push_guest_stack(struct lg_cpu *cpu, unsigned long *sp, u32 val)
{
	*sp -= sizeof(val);
	lgwrite(cpu, guest_pa(cpu, *sp), u32, val);
}

/*H:210
 * This is the processor's interrupt delivery, done in software.  If the
 * Guest was in its userspace (ring 3), the handler runs on the kernel
 * stack the Guest named with SET_STACK, and the old stack goes on it
 * first.  Then the flags (with the Guest's virtual interrupt flag in
 * place of the real one, which is always on), the code segment and the
 * return address, and an error code for the traps that have one.  An
 * interrupt gate turns the virtual interrupt flag off, as the real one
 * would turn off the real flag.  The flags we push are the ones the
 * Guest's lguest_iret (G:050) puts back into its virtual flag when the
 * handler returns.
:*/
static void push_guest_interrupt_frame(struct lg_cpu *cpu, const gate_desc *g,
				       bool has_err)
{
	struct lguest_regs *regs = &cpu->regs;
	unsigned long sp = regs->esp, ss = regs->ss;
	u32 eflags, irq_enabled;

	if ((regs->cs & 3) != GUEST_PL) {
		sp = cpu->arch.esp1;
		ss = cpu->arch.ss1;
		push_guest_stack(cpu, &sp, regs->ss);
		push_guest_stack(cpu, &sp, regs->esp);
	}

	eflags = regs->eflags;
	if (get_user(irq_enabled, &cpu->lguest_data->irq_enabled))
		irq_enabled = 0;
	eflags = (eflags & ~X86_EFLAGS_IF) | (irq_enabled & X86_EFLAGS_IF);

	push_guest_stack(cpu, &sp, eflags);
	push_guest_stack(cpu, &sp, regs->cs);
	push_guest_stack(cpu, &sp, regs->eip);
	if (has_err)
		push_guest_stack(cpu, &sp, regs->errcode);

	regs->ss = ss;
	regs->esp = sp;
	regs->cs = gate_segment(g) | GUEST_PL;
	regs->eip = idt_address(g);

	if (g->bits.type == GATE_INTERRUPT &&
	    put_user(0, &cpu->lguest_data->irq_enabled))
		kill_guest(cpu, "cannot clear the interrupt flag");
}

/*H:220
 * Reflect a trap to the Guest.  If the Guest has no handler for it we
 * say so and the caller kills it: a kernel without a page fault handler
 * has no hope anyway.
:*/
bool deliver_trap(struct lg_cpu *cpu, unsigned int num)
{
	const gate_desc *g = &cpu->arch.idt[num];

	if (num >= IDT_ENTRIES || !idt_present(g) || !cpu->lguest_data)
		return false;
	push_guest_interrupt_frame(cpu, g, LGUEST_VECTOR_HAS_ERRCODE(num));
	return true;
}

/*H:230
 * Virtual interrupts.  The Launcher and the timer set bits in
 * irqs_pending; the Guest masks lines in its blocked_interrupts (its
 * whole interrupt controller, G:100).  The first line pending and not
 * blocked is the one to deliver, if any.
:*/
unsigned int interrupt_pending(struct lg_cpu *cpu, bool *more)
{
	DECLARE_BITMAP(blk, LGUEST_IRQS);
	DECLARE_BITMAP(pending, LGUEST_IRQS);
	unsigned int irq;

	if (!cpu->lguest_data)
		return LGUEST_IRQS;
	if (copy_from_user(&blk, cpu->lguest_data->blocked_interrupts,
			   sizeof(blk)))
		return LGUEST_IRQS;
	bitmap_andnot(pending, cpu->irqs_pending, blk, LGUEST_IRQS);

	irq = find_first_bit(pending, LGUEST_IRQS);
	*more = find_next_bit(pending, LGUEST_IRQS, irq + 1) < LGUEST_IRQS;
	return irq;
}

/*H:240
 * The Guest may be unable to take an interrupt now: with its virtual
 * interrupt flag off, or between its noirq_start and noirq_end (the last
 * instructions of its return path and the first of its system call
 * entry, G:050 and G:052, where a frame pushed on its stack would land
 * in the wrong place).  Either way we set irq_pending, and the Guest
 * asks us again as soon as it turns interrupts on.
 *
 * The window is only a few instructions, but a Guest that does nothing
 * but system calls sits on its edge all the time, and under QEMU, which
 * takes interrupts where a block of translated code begins, our own
 * timer tick landed on the first instruction of G:052 nearly every time.
 * Without irq_pending there, nothing asked again: the Guest's timer
 * waited for a tick that happened to land elsewhere, and a "sleep 1"
 * beside such a loop took eight seconds.
 *
 * HALT means "turn interrupts on and sleep until one comes", in one
 * step, like "sti; hlt" on a real processor: the Guest halts with its
 * flag still off (G:045), and the first interrupt that finds it halted
 * turns the flag on and is delivered.  One that was already waiting
 * when the Guest halted is delivered straight away, so the Guest never
 * sleeps through an interrupt it has not seen.
 *
 * Try it: halt-pending lets a timer tick wait here with its flag off, as
 * Linux's idle loop has it, and then halts; "lguest 32
 * /guests/halt-pending.elf" says the tick was delivered, where a Host
 * without this would leave it asleep for good.
:*/
static void wake_from_halt(struct lg_cpu *cpu)
{
	cpu->halted = false;
	if (put_user(X86_EFLAGS_IF, &cpu->lguest_data->irq_enabled))
		kill_guest(cpu, "cannot turn interrupts on after HALT");
}

static bool can_take_interrupt(struct lg_cpu *cpu)
{
	struct lguest *lg = cpu->lg;
	u32 irq_enabled;

	if (cpu->regs.eip >= lg->noirq_start && cpu->regs.eip < lg->noirq_end)
		return false;
	if (get_user(irq_enabled, &cpu->lguest_data->irq_enabled))
		return false;
	return irq_enabled;
}

void try_deliver_interrupt(struct lg_cpu *cpu, unsigned int irq, bool more)
{
	const gate_desc *g;

	if (cpu->halted)
		wake_from_halt(cpu);
	if (!can_take_interrupt(cpu)) {
		put_user(1, &cpu->lguest_data->irq_pending);
		return;
	}

	g = &cpu->arch.idt[FIRST_EXTERNAL_VECTOR + irq];
	if (!idt_present(g))
		return;
	push_guest_interrupt_frame(cpu, g, false);
	clear_bit(irq, cpu->irqs_pending);
	atomic_inc(&lguest_irqs_delivered);
	put_user(more, &cpu->lguest_data->irq_pending);
	/* Most interrupts are the timer's: give the Guest the time, too. */
	write_timestamp(cpu);
}

/*H:250
 * Anyone may raise an interrupt for a Guest: the Launcher's LHREQ_IRQ,
 * or the Guest's own timer.  Then the run loop must look again before
 * it next enters the Guest (H:045 shows how it makes sure).
:*/
void set_interrupt(struct lg_cpu *cpu, unsigned int irq)
{
	set_bit(irq, cpu->irqs_pending);
	atomic_inc(&lguest_irqs_raised);
	kick_guest_cpu(cpu);
}

/*H:260
 * The IDT.  The Guest gives us one entry at a time (G:060 sends them).  A
 * few vectors are the Host's and the Guest cannot have them (NMI, double
 * fault, the reserved vector 15, machine check and the hypercall
 * vector); others must be honest interrupt or trap gates to the Guest's
 * own code, below the Switcher.  We keep the Guest's table and build the
 * real one from it every time the Guest runs.
 *
 * Try it: bad-idt points its page fault handler into the Switcher's
 * pages, and "lguest 32 /guests/bad-idt.elf" hears "IDT entry 14 points
 * at bad address".
:*/
static bool host_owned_vector(unsigned int num)
{
	return num == 2 || num == 8 || num == 15 || num == 18 ||
	       num == LGUEST_TRAP_ENTRY;
}

void load_guest_idt_entry(struct lg_cpu *cpu, unsigned int num, u32 lo, u32 hi)
{
	u32 raw[2] = { lo, hi };
	gate_desc g;

	if (num >= IDT_ENTRIES) {
		kill_guest(cpu, "IDT entry %u does not exist", num);
		return;
	}
	if (host_owned_vector(num))
		return;

	cpu->arch.changed |= CHANGED_IDT;
	memcpy(&g, raw, sizeof(g));
	if (!idt_present(&g)) {
		memset(&cpu->arch.idt[num], 0, sizeof(g));
		return;
	}
	if (g.bits.type != GATE_INTERRUPT && g.bits.type != GATE_TRAP) {
		kill_guest(cpu, "IDT entry %u has bad type %u", num,
			   g.bits.type);
		return;
	}
	if ((gate_segment(&g) >> 3) == GDT_ENTRY_LGUEST_CS ||
	    (gate_segment(&g) >> 3) == GDT_ENTRY_TSS) {
		kill_guest(cpu, "IDT entry %u uses the Host's segment %#lx",
			   num, gate_segment(&g));
		return;
	}
	if (idt_address(&g) >= switcher_addr) {
		kill_guest(cpu, "IDT entry %u points at bad address %#lx",
			   num, idt_address(&g));
		return;
	}
	cpu->arch.idt[num] = g;
}

/*M:040
 * System calls no longer come through the Host (G:052): "dd bs=1" makes
 * one in about 1.5 microseconds under QEMU here, where each took some 50
 * going through the Host, and "yes lguest | head -c 1M" typed at the
 * Guest's shell no longer takes 15 seconds.  What still comes through
 * is every context switch (a new page table, the kernel stack, TLS:
 * three hypercalls, more on a miss in the shadow cache) and every page
 * fault the shadow has not seen.  Batch the switch into one exit and
 * count what that saves in "make bench"'s pipe and fork lines.
:*/

/*H:270
 * The system call trap comes from the Guest's userspace to the Guest's
 * kernel, and need not bother the Host at all: the processor can go
 * from ring 3 to ring 1 by itself, on the stack in the TSS.  We let it
 * when the Guest's gate is a trap gate (an interrupt gate would clear
 * the real interrupt flag, and the Host's interrupts with it) that ring
 * 3 may use: the Guest's door of G:052 is just that.
 *
 * Try it: syscall makes 101 system calls from its own ring 3, and the
 * Host's count of those it saw, /sys/kernel/debug/lguest/syscall_exits,
 * does not move.  And soft-int, below, tries "int $14" from ring 1;
 * bad-syscall-gate aims this very gate into the Switcher, and H:260's
 * check of every gate kills it.
:*/
static bool direct_trap(const struct lg_cpu *cpu, unsigned int num)
{
	const gate_desc *g = &cpu->arch.idt[num];

	return num == cpu->lg->syscall_vec && num == IA32_SYSCALL_VECTOR &&
	       idt_present(g) && g->bits.type == GATE_TRAP && g->bits.dpl == 3;
}

/*
 * Build the real IDT: each vector goes to the Switcher's stub for it,
 * which brings us back to the Host.  The gate keeps the privilege level
 * the Guest gave its own, so "int $3" from the Guest's userspace works
 * where the Guest wants it to; but the vectors the Host's interrupts use
 * cannot be raised by the Guest at all, nor the hypercall from ring 3.
 * Nor can a vector that comes with an error code: "int $14" pushes none,
 * and the Switcher's stub, expecting the processor's, would save every
 * register four bytes out of place.  The tiny Guest soft-int tries it
 * and gets the general protection fault a processor would give it.
 */
void copy_traps(const struct lg_cpu *cpu, gate_desc *idt,
		const unsigned long *def)
{
	unsigned int i;

	for (i = 0; i < IDT_ENTRIES; i++) {
		const gate_desc *g = &cpu->arch.idt[i];
		unsigned int dpl = 0;

		if (direct_trap(cpu, i)) {
			idt[i] = *g;
			idt[i].segment |= GUEST_PL;
			continue;
		}
		if (i == LGUEST_TRAP_ENTRY)
			dpl = GUEST_PL;
		else if (idt_present(g) && !LGUEST_VECTOR_HAS_ERRCODE(i) &&
			 (i < FIRST_EXTERNAL_VECTOR || i == IA32_SYSCALL_VECTOR))
			dpl = g->bits.dpl;
		pack_gate(&idt[i], GATE_INTERRUPT, def[i], dpl, 0, LGUEST_CS);
	}
}

/*H:280
 * SET_STACK: where the Guest's kernel stack is, for the processor to
 * switch to when the Guest's userspace traps (lguest_load_sp0(), G:070).
 * It must be a ring-1 segment of the Guest's, or the processor would be
 * switching to something the Guest should not have.
 *
 * Try it: bad-stack asks for the kernel's data segment at ring 0, as a
 * native kernel would, and is told "bad stack segment 0x68".
:*/
void guest_set_stack(struct lg_cpu *cpu, u32 seg, u32 esp, unsigned int pages)
{
	if ((seg & 3) != GUEST_PL || (seg >> 3) == GDT_ENTRY_LGUEST_DS ||
	    (seg >> 3) == GDT_ENTRY_TSS) {
		kill_guest(cpu, "bad stack segment %#x", seg);
		return;
	}
	if (pages > 2) {
		kill_guest(cpu, "stack of %u pages is too big", pages);
		return;
	}
	cpu->arch.ss1 = seg;
	cpu->arch.esp1 = esp;
}

/*H:290
 * The Guest's clock event (G:110) is an hrtimer here: SET_CLOCKEVENT asks
 * for an interrupt (line 0) so many nanoseconds from now; zero cancels.
 *
 * Try it: timer asks for a tick a millisecond away and halts, ten times
 * over, and each tick comes in through its own IDT; "lguest 32
 * /guests/timer.elf".
:*/
static enum hrtimer_restart clockdev_fn(struct hrtimer *timer)
{
	struct lg_cpu *cpu = container_of(timer, struct lg_cpu, hrt);

	set_interrupt(cpu, 0);
	return HRTIMER_NORESTART;
}

void guest_set_clockevent(struct lg_cpu *cpu, unsigned long delta)
{
	if (!delta) {
		hrtimer_cancel(&cpu->hrt);
		return;
	}
	hrtimer_start(&cpu->hrt, ns_to_ktime(delta), HRTIMER_MODE_REL);
}

void init_clockdev(struct lg_cpu *cpu)
{
	hrtimer_init(&cpu->hrt, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	cpu->hrt.function = clockdev_fn;
}
