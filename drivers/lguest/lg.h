/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LGUEST_H
#define _LGUEST_H

#include <linux/types.h>
#include <linux/mm.h>
#include <linux/init.h>
#include <linux/stringify.h>
#include <linux/lguest.h>
#include <linux/lguest_launcher.h>
#include <linux/wait.h>
#include <linux/hrtimer.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/eventfd.h>
#include <asm/lguest.h>
#include <asm/pgtable.h>

/*H:010
 * Now for the Host: drivers/lguest, the module that runs Guests, and the
 * only part of lguest with any real privilege.  Everything we have read
 * so far ran as a Guest or as an ordinary process, and the Host trusts
 * neither: it checks every number they hand it, and a Guest that breaks
 * a rule is killed (H:028).  This is the longest part, so here is the
 * way through: what the Host keeps for a Guest (here), the Switcher's
 * pages and the Guest's memory (H:012 to H:035), the run loop and
 * /dev/lguest (H:040 to H:060), hypercalls (H:100 to H:140), interrupts
 * and traps (H:200 to H:290), segments (H:300 to H:320), shadow page
 * tables (H:400 to H:485), and the x86 code that enters the Guest and
 * sees why it came back (H:490 to H:560).
 *
 * The Host keeps, for each Guest, a struct lguest (H:011, below): where
 * its memory lives in the Launcher, how far it reaches, its shadow page
 * tables (pgdirs, H:011), why it died if it did.  One Guest has one
 * virtual CPU here (an SMP Guest is M:020's exercise), kept in a struct
 * lg_cpu: its registers (in the layout of H:012), its interrupts, its
 * descriptor tables (and which lguest_pages, H:015, last carried them)
 * and its timer.  We meet the run loop that owns most of it in H:040 and
 * H:060, the other threads that poke at it in H:045 and H:250.
:*/

/* How many of a Guest's page directories we keep shadows of. */
#define PGDIR_CACHE	4

struct pgdir {
	/* The Guest's page directory (Guest physical), or -1UL if unused. */
	unsigned long gpgdir;
	/* Our shadow of it, which the processor really uses. */
	pgd_t *pgdir;
};

struct lg_cpu_arch {
	/* The Guest's GDT and IDT as it asked for them (after our checks). */
	struct desc_struct gdt[GDT_ENTRIES];
	gate_desc idt[IDT_ENTRIES];
	/* The ring-1 stack the Guest's kernel wants traps delivered on. */
	unsigned long ss1, esp1;
	/* The faulting address of the last page fault. */
	unsigned long last_pagefault;
	/*
	 * Which Switcher pages last carried our tables, and which of the
	 * tables changed since (H:522).  NULL and "all": a new CPU's pages
	 * hold nothing of ours.
	 */
	struct lguest_pages *last_pages;
	unsigned int changed;
};

/* What changed: the Guest's IDT, its GDT, or only the GDT's TLS slots. */
#define CHANGED_IDT		1
#define CHANGED_GDT		2
#define CHANGED_GDT_TLS		4
#define CHANGED_ALL		7

struct lguest;

/*
 * Who touches an lg_cpu: the run loop, in the Launcher's thread inside
 * read(), owns all of it except irqs_pending, break_out, kicked and the
 * timer, which other threads and the timer's interrupt write too; each
 * of those says how it is shared.
 */
struct lg_cpu {
	struct lguest *lg;
	/* The Launcher's thread that runs this CPU. */
	struct task_struct *tsk;

	/* The Guest's registers while it is not running. */
	struct lguest_regs regs;
	/* Why it last stopped, and whether inside the Switcher (S:120). */
	unsigned long trapnum, trap_errcode;
	bool switcher_trapped;

	/* The page table that maps the Switcher into the Guest (H:480). */
	pte_t *switcher_ptes;
	/* Which physical CPU's Switcher pages that table maps. */
	unsigned int last_pages_cpu;

	/* Which of lg->pgdirs the Guest is running on. */
	unsigned int cpu_pgd;

	/* Where the Guest registered its struct lguest_data, in our space. */
	struct lguest_data __user *lguest_data;

	/* The hypercall the Guest trapped with, to do on the way back. */
	struct hcall_args hcall;
	bool hcall_pending;
	/* The next slot of the asynchronous hypercall ring to look at. */
	unsigned int next_hcall;

	/* The Guest asked to sleep until an interrupt comes. */
	bool halted;
	/* The Guest wants the processor's "task switched" flag set. */
	bool ts;
	/* A NOTIFY the Launcher has yet to hear about. */
	unsigned long pending_notify;

	/* Virtual interrupts waiting to be delivered: atomic bit ops only. */
	DECLARE_BITMAP(irqs_pending, LGUEST_IRQS);

	/*
	 * The Launcher's Waker wants us out; it waits on break_wq.  Written
	 * by the Waker (1) and the Launcher's thread (0) through
	 * LHREQ_BREAK, read by the run loop: READ_ONCE/WRITE_ONCE, with
	 * kick_guest_cpu() ordering the write before the wake-up.
	 */
	bool break_out;
	wait_queue_head_t break_wq;
	/*
	 * Set by kick_guest_cpu() whenever an interrupt or a break is
	 * raised; cleared by the run loop before it looks (H:045).
	 */
	bool kicked;

	/* The Guest's clock event: its callback only calls set_interrupt(). */
	struct hrtimer hrt;

	struct lg_cpu_arch arch;
};

/* A page table the kernel slots of every shadow share (H:415). */
struct kernel_shadow {
	pte_t *ptes;
	/* The Guest page table (Guest physical) it shadows. */
	unsigned long gptes;
};

/*H:011
 * And the Guest itself, a struct lguest: where its memory is and how far
 * it reaches, what it told us at LGUEST_INIT, the shadows of its page
 * directories and the tables their kernel halves share (H:415), its one
 * CPU, the eventfds its kicks may go to (H:049), and why it died, if it
 * did.
:*/
struct lg_eventfd {
	unsigned long addr;
	struct eventfd_ctx *ctx;
};

struct lguest {
	/* Where Guest physical address 0 lives in the Launcher. */
	void __user *mem_base;
	/* The number of pages the Guest may touch: nothing at or above. */
	unsigned long pfn_limit;

	/* What the Guest told us in LGUEST_INIT (H:100). */
	unsigned long kernel_address;
	unsigned long noirq_start, noirq_end;
	unsigned int syscall_vec;

	struct pgdir pgdirs[PGDIR_CACHE];
	/* One per slot (H:402), allocated with the first shadow. */
	struct kernel_shadow *kernel_ptes;

	struct lg_cpu cpu;

	/*
	 * Added by LHREQ_EVENTFD, looked up by the run loop: both under
	 * eventfd_lock.  One per virtqueue at most, and each queue
	 * has an interrupt line of its own.
	 */
	spinlock_t eventfd_lock;
	unsigned int num_eventfds;
	struct lg_eventfd eventfds[LGUEST_IRQS];

	/* Why the Guest died (a string), ERR_PTR(-ERESTART), or NULL. */
	char *dead;
};

/*:*/

/*
 * x86/switcher_32.S: the Switcher's code lies between these two, and
 * default_idt_entries holds its 256 trap entry points (made Switcher
 * addresses at load time).
 */
extern char start_switcher_text[], end_switcher_text[], switch_to_guest[];
extern unsigned long default_idt_entries[];

/* core.c: */
extern unsigned long switcher_addr;
extern struct page **lg_switcher_pages;
/* stats.c: */
extern atomic_t lguest_exits, lguest_syscall_exits, lguest_irqs_raised,
	lguest_irqs_delivered, lguest_halts, lguest_breaks, lguest_kicked_entries,
	lguest_pinned_pages, lguest_shadow_pages, lguest_host_traps_latched,
	lguest_shadow_faults, lguest_shadow_around, lguest_pgdir_hits,
	lguest_pgdir_misses, lguest_pgdir_kept, lguest_notify_eventfds,
	lguest_high_frames;
extern atomic_t lguest_exits_by_trap[256], lguest_hcalls_by_nr[32];
void lguest_stats_init(void);
void lguest_stats_exit(void);
bool lguest_address_ok(const struct lguest *lg, unsigned long addr,
		       unsigned long len);
void __lgread(struct lg_cpu *cpu, void *dst, unsigned long addr,
	      unsigned int bytes);
void __lgwrite(struct lg_cpu *cpu, unsigned long addr, const void *src,
	       unsigned int bytes);
int run_guest(struct lg_cpu *cpu, unsigned long __user *user);
void kick_guest_cpu(struct lg_cpu *cpu);

/*H:035
 * Typed helpers: lgread(cpu, addr, type) reads one value of Guest memory,
 * lgwrite(cpu, addr, type, val) writes one; both kill the Guest if the
 * address is not its own.
:*/
#define lgread(cpu, addr, type)							({ type _v; __lgread((cpu), &_v, (addr), sizeof(_v)); _v; })
#define lgwrite(cpu, addr, type, val)						do {										type _v = (val);							__lgwrite((cpu), (addr), &_v, sizeof(_v));			} while (0)
/*:*/

/* lguest_user.c: */
int lguest_device_init(void);
void lguest_device_remove(void);
bool notify_eventfd(struct lguest *lg, unsigned long addr);

/* hypercalls.c: */
void do_hypercalls(struct lg_cpu *cpu);
void write_timestamp(struct lg_cpu *cpu);

/* interrupts_and_traps.c: */
unsigned int interrupt_pending(struct lg_cpu *cpu, bool *more);
void try_deliver_interrupt(struct lg_cpu *cpu, unsigned int irq, bool more);
void set_interrupt(struct lg_cpu *cpu, unsigned int irq);
bool deliver_trap(struct lg_cpu *cpu, unsigned int num);
void load_guest_idt_entry(struct lg_cpu *cpu, unsigned int num,
			  u32 lo, u32 hi);
void copy_traps(const struct lg_cpu *cpu, gate_desc *idt,
		const unsigned long *def);
void guest_set_stack(struct lg_cpu *cpu, u32 seg, u32 esp,
		     unsigned int pages);
void guest_set_clockevent(struct lg_cpu *cpu, unsigned long delta);
void init_clockdev(struct lg_cpu *cpu);

/* segments.c: */
void setup_default_gdt_entries(struct lguest_ro_state *state);
void setup_host_gdt_entries(struct desc_struct *gdt);
void load_guest_gdt(struct lg_cpu *cpu, unsigned long table, u32 num);
void guest_load_tls(struct lg_cpu *cpu, unsigned long gtls);
void copy_gdt(const struct lg_cpu *cpu, struct desc_struct *gdt);
void copy_gdt_tls(const struct lg_cpu *cpu, struct desc_struct *gdt);
void make_tss_available(struct desc_struct *gdt);

/* page_tables.c: */
int init_guest_pagetable(struct lguest *lg, unsigned long gpgdir);
void free_guest_pagetable(struct lguest *lg);
void guest_new_pagetable(struct lg_cpu *cpu, unsigned long gpgdir,
			 bool unchanged);
void guest_set_pte(struct lg_cpu *cpu, unsigned long gpgdir,
		   unsigned long vaddr);
void guest_set_pmd(struct lg_cpu *cpu, unsigned long gpmds, u32 idx);
void guest_set_pud(struct lg_cpu *cpu, unsigned long gpgdir, u32 idx);
void guest_flush_tlb(struct lg_cpu *cpu, unsigned long all);
bool demand_page(struct lg_cpu *cpu, unsigned long vaddr, int errcode);
unsigned long guest_pa(struct lg_cpu *cpu, unsigned long vaddr);
void map_switcher_in_guest(struct lg_cpu *cpu, unsigned int host_cpu);
unsigned long shadow_pgdir_pa(struct lg_cpu *cpu);

/* x86/core.c: */
void lguest_arch_host_init(void);
bool lguest_arch_run_guest(struct lg_cpu *cpu);
void lguest_arch_handle_trap(struct lg_cpu *cpu);
void lguest_arch_setup_regs(struct lg_cpu *cpu, unsigned long start);

/*H:028
 * A Guest that breaks the rules is killed: we remember why (the Launcher's
 * next read returns ENOENT, and the one after that the reason), and it
 * never runs again.  The first reason wins; later ones are usually just
 * consequences of it.  The Launcher prints that reason as it exits
 * (L:440), and earning one is the whole ambition of each hostile tiny
 * Guest we meet from here on.
:*/
#define kill_guest(cpu, fmt...)					\
do {								\
	if (!(cpu)->lg->dead) {					\
		(cpu)->lg->dead = kasprintf(GFP_ATOMIC, fmt);	\
		if (!(cpu)->lg->dead)				\
			(cpu)->lg->dead = ERR_PTR(-ENOMEM);	\
	}							\
} while (0)

/*M:020
 * One struct lg_cpu per Guest: a uniprocessor Guest.  An SMP Guest needs
 * an array of them, one Launcher thread each (the read offset already
 * names the CPU), interrupts that can be aimed at one CPU, and shadow
 * page tables shared with care: a flush on one virtual CPU must reach
 * the others, which is the Guest's IPI, which is one more hypercall.
:*/

#endif /* _LGUEST_H */
