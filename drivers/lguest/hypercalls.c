// SPDX-License-Identifier: GPL-2.0
#include <linux/uaccess.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <asm/tsc.h>
#include "lg.h"
#include "trace.h"

/*H:120
 * Shutting down: the Guest gives us a reason string and what it wants.
 * Power off and a crash both end the Guest with that string as its last
 * words; only a power off carries LGUEST_POWEROFF_PREFIX, which the
 * Launcher takes as a clean exit.  A restart is its own kind of death:
 * the Launcher's read returns ERESTART and it starts over (L:430).  The
 * Guest's three ways out were G:120's.
:*/
static void guest_shutdown(struct lg_cpu *cpu, unsigned long msg_pa,
			   unsigned long how)
{
	unsigned long limit = cpu->lg->pfn_limit * PAGE_SIZE;
	char msg[128] = "";

	if (how == LGUEST_SHUTDOWN_RESTART) {
		if (!cpu->lg->dead)
			cpu->lg->dead = ERR_PTR(-ERESTART);
		return;
	}
	if (msg_pa >= limit) {
		kill_guest(cpu, "shutdown reason at bad address %#lx", msg_pa);
		return;
	}
	__lgread(cpu, msg, msg_pa, min_t(unsigned long, sizeof(msg) - 1,
					 limit - msg_pa));
	if (how == LGUEST_SHUTDOWN_POWEROFF)
		kill_guest(cpu, LGUEST_POWEROFF_PREFIX "%s", msg);
	else
		kill_guest(cpu, "%s", msg);
}

/*H:110
 * Here is the whole list.  Most calls are one line, because the work
 * is elsewhere, and this is the map of where: shutting down just below
 * (H:120); the IDT, the kernel stack and the timer in
 * interrupts_and_traps.c (H:260, H:280, H:290); the GDT and TLS in
 * segments.c (H:310); and the page tables in page_tables.c: entries
 * changed (H:450), flushes (H:460) and a new page directory (H:470).
 *
 * Try it: bad-hcall asks for call 99 and earns the default case below.
 * Its big brother fuzz-hcall makes thousands of random calls from a
 * seed, with arguments chosen to hurt; "make fuzz" turns it loose for a
 * minute, and a run that goes wrong names the seed that replays it.
:*/
static void count_hcall(const struct hcall_args *args)
{
	if (args->arg0 < ARRAY_SIZE(lguest_hcalls_by_nr))
		atomic_inc(&lguest_hcalls_by_nr[args->arg0]);
	trace_lguest_hcall(args->arg0, args->arg1, args->arg2, args->arg3);
}

static void do_hcall(struct lg_cpu *cpu, struct hcall_args *args)
{
	count_hcall(args);
	switch (args->arg0) {
	case LHCALL_FLUSH_ASYNC:
		/* The ring was emptied on the way in: nothing left to do. */
		break;
	case LHCALL_LGUEST_INIT:
		kill_guest(cpu, "LGUEST_INIT called twice");
		break;
	case LHCALL_SHUTDOWN:
		guest_shutdown(cpu, args->arg1, args->arg2);
		break;
	case LHCALL_LOAD_GDT:
		load_guest_gdt(cpu, args->arg1, args->arg2);
		break;
	case LHCALL_NEW_PGTABLE:
		guest_new_pagetable(cpu, args->arg1,
				    args->arg2 == LGUEST_PGTABLE_UNCHANGED);
		break;
	case LHCALL_FLUSH_TLB:
		guest_flush_tlb(cpu, args->arg1);
		break;
	case LHCALL_LOAD_IDT_ENTRY:
		load_guest_idt_entry(cpu, args->arg1, args->arg2, args->arg3);
		break;
	case LHCALL_SET_STACK:
		guest_set_stack(cpu, args->arg1, args->arg2, args->arg3);
		break;
	case LHCALL_TS:
		cpu->ts = args->arg1;
		break;
	case LHCALL_SET_CLOCKEVENT:
		guest_set_clockevent(cpu, args->arg1);
		break;
	case LHCALL_HALT:
		cpu->halted = true;
		break;
	case LHCALL_SET_PTE:
		guest_set_pte(cpu, args->arg1, args->arg2);
		break;
	case LHCALL_SET_PMD:
		guest_set_pmd(cpu, args->arg1, args->arg2);
		break;
	case LHCALL_SET_PUD:
		guest_set_pud(cpu, args->arg1, args->arg2);
		break;
	case LHCALL_LOAD_TLS:
		guest_load_tls(cpu, args->arg1);
		break;
	case LHCALL_NOTIFY:
		if (notify_eventfd(cpu->lg, args->arg1))
			atomic_inc(&lguest_notify_eventfds);
		else
			cpu->pending_notify = args->arg1;
		break;
	default:
		kill_guest(cpu, "bad hypercall %lu", args->arg0);
	}
}

/*H:130
 * The asynchronous ring.  The Guest fills slots in order and marks each
 * with status 0 (async_hcall(), G:035); we run them in the same order,
 * marking each 0xFF (free again) before we run it.  We stop at a NOTIFY
 * for the Launcher, so it hears of it before anything queued after it
 * happens (one that goes to an eventfd, H:049, needs no stop).
 *
 * Try it: ring queues a NOTIFY in the first slot without trapping, then
 * traps once with FLUSH_ASYNC; "lguest 32 /guests/ring.elf" prints the
 * string only that trap could have let out.
:*/
static void do_async_hcalls(struct lg_cpu *cpu)
{
	u8 st[LHCALL_RING_SIZE];
	unsigned int n;

	if (copy_from_user(st, cpu->lguest_data->hcall_status, sizeof(st))) {
		kill_guest(cpu, "cannot read the hypercall ring");
		return;
	}
	for (n = 0; n < LHCALL_RING_SIZE; n++) {
		unsigned int i = cpu->next_hcall;
		struct hcall_args args;

		if (st[i] == 0xFF)
			break;
		if (copy_from_user(&args, &cpu->lguest_data->hcalls[i],
				   sizeof(args)) ||
		    put_user(0xFF, &cpu->lguest_data->hcall_status[i])) {
			kill_guest(cpu, "cannot use hypercall ring slot %u", i);
			return;
		}
		cpu->next_hcall = (i + 1) % LHCALL_RING_SIZE;
		do_hcall(cpu, &args);
		if (cpu->pending_notify || cpu->lg->dead)
			break;
	}
}

/*H:100
 * Hypercalls.  A Guest asks the Host for things with a software
 * interrupt, int $0x1F, the call number in %eax and up to three
 * arguments in %edx, %ebx and %ecx (G:030 showed the Guest's side).
 * Calls that need no answer at once can instead be queued in a ring in
 * struct lguest_data, and the Host works through the ring whenever the
 * Guest next comes out.  This file is the dispatcher for both.
 *
 * The first hypercall must be LGUEST_INIT with the physical address of
 * the Guest's struct lguest_data (its very first instruction makes it,
 * G:020).  We tell the Guest how much of the top of its address space is
 * the Switcher's and how fast its TSC runs (if it can be trusted), and
 * read back what the Guest tells us about itself: where its kernel
 * starts, its system call vector, the stretch of code where it must not
 * be interrupted, and the format of its page tables, which must be ours:
 * a PAE Guest on a two-level Host, or the other way about, is killed
 * here, before we read a single table of it (H:402).
 *
 * Try it: bad-init makes another hypercall first, and is told "hypercall
 * 5 before LGUEST_INIT"; bad-kernel-address claims its kernel starts
 * inside the Switcher, which H:460 would believe to the Host's cost, and
 * is killed here instead; bad-syscall-vec asks for system calls on 0x81,
 * a vector whose gate H:270 would not let through, and is killed too;
 * and a PAE kernel started on a two-level Host, or the reverse, is told
 * which it is (guest-pae tries both).
 * As ever, "lguest 32 /guests/bad-init.elf".
:*/
static void initialize_guest(struct lg_cpu *cpu, const struct hcall_args *a)
{
	struct lguest *lg = cpu->lg;
	struct lguest_data __user *data;
	u32 khz = 0;
	unsigned int levels;

	if (a->arg0 != LHCALL_LGUEST_INIT) {
		kill_guest(cpu, "hypercall %lu before LGUEST_INIT", a->arg0);
		return;
	}
	if (!lguest_address_ok(lg, a->arg1, sizeof(*data))) {
		kill_guest(cpu, "lguest_data at bad address %#lx", a->arg1);
		return;
	}
	data = lg->mem_base + a->arg1;
	if (boot_cpu_has(X86_FEATURE_CONSTANT_TSC) && !check_tsc_unstable())
		khz = tsc_khz;

	if (put_user(0UL - switcher_addr, &data->reserve_mem) ||
	    put_user(khz, &data->tsc_khz) ||
	    get_user(lg->noirq_start, &data->noirq_start) ||
	    get_user(lg->noirq_end, &data->noirq_end) ||
	    get_user(lg->kernel_address, &data->kernel_address) ||
	    get_user(lg->syscall_vec, &data->syscall_vec) ||
	    get_user(levels, &data->pgtable_levels)) {
		kill_guest(cpu, "cannot use lguest_data at %#lx", a->arg1);
		return;
	}
	/*
	 * Everything from kernel_address up is the part of the address
	 * space the Guest's page directories share, and a user-only flush
	 * releases our shadow below it.  At or above the Switcher that
	 * would release the Switcher's own slot, pages and all.
	 */
	if (lg->kernel_address >= switcher_addr) {
		kill_guest(cpu, "kernel_address %#lx is in the Switcher's space (from %#lx)",
			   lg->kernel_address, switcher_addr);
		return;
	}
	if (levels != CONFIG_PGTABLE_LEVELS) {
		kill_guest(cpu, "%s", levels == 3 ?
			   "a PAE Guest (three-level page tables) cannot run on this two-level Host" :
			   CONFIG_PGTABLE_LEVELS == 3 ?
			   "a two-level Guest cannot run on this PAE Host: build it with CONFIG_X86_PAE" :
			   "the Guest's page table format is unknown");
		return;
	}
	if (lg->syscall_vec && lg->syscall_vec != IA32_SYSCALL_VECTOR) {
		kill_guest(cpu, "system call vector %#x is not supported",
			   lg->syscall_vec);
		return;
	}
	cpu->lguest_data = data;
	/* The system call vector decides which gates go straight through. */
	cpu->arch.changed |= CHANGED_IDT;
	write_timestamp(cpu);
}

/* The Guest's wall clock, refreshed whenever it makes a hypercall. */
void write_timestamp(struct lg_cpu *cpu)
{
	struct timespec64 now;

	ktime_get_real_ts64(&now);
	if (copy_to_user(&cpu->lguest_data->time, &now, sizeof(now)))
		kill_guest(cpu, "cannot write the time to lguest_data");
}

/*H:140
 * Called each time round the run loop: the ring first (the Guest queued
 * those calls before the one it trapped with), then the trapping call,
 * whose result goes back in %eax.
:*/
void do_hypercalls(struct lg_cpu *cpu)
{
	if (!cpu->lguest_data) {
		if (cpu->hcall_pending) {
			cpu->hcall_pending = false;
			count_hcall(&cpu->hcall);
			initialize_guest(cpu, &cpu->hcall);
		}
		return;
	}

	do_async_hcalls(cpu);
	if (cpu->hcall_pending && !cpu->pending_notify && !cpu->lg->dead) {
		cpu->hcall_pending = false;
		do_hcall(cpu, &cpu->hcall);
		cpu->regs.eax = 0;
		write_timestamp(cpu);
	}
}
