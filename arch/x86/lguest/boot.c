// SPDX-License-Identifier: GPL-2.0
/*
 * The Guest's side of lguest: the paravirt operations that replace every
 * privileged instruction with a word to the Host.  Building a kernel
 * with CONFIG_LGUEST (the Host) and CONFIG_LGUEST_GUEST (this) gives one
 * image that can be both; "make run" in the project boots it in QEMU.
 */
#include <linux/kernel.h>
#include <linux/start_kernel.h>
#include <linux/string.h>
#include <linux/console.h>
#include <linux/screen_info.h>
#include <linux/irq.h>
#include <linux/interrupt.h>
#include <linux/clocksource.h>
#include <linux/clockchips.h>
#include <linux/lguest.h>
#include <linux/lguest_launcher.h>
#include <linux/export.h>
#include <linux/pm.h>
#include <linux/reboot.h>
#include <linux/notifier.h>
#include <linux/panic_notifier.h>
#include <linux/acpi.h>
#include <asm/paravirt.h>
#include <asm/param.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/desc.h>
#include <asm/setup.h>
#include <asm/e820/api.h>
#include <asm/mce.h>
#include <asm/io.h>
#include <asm/fpu/api.h>
#include <asm/stackprotector.h>
#include <asm/reboot.h>
#include <asm/i8259.h>
#include <asm/tlbflush.h>
#include <asm/irq_vectors.h>
#include <asm/hw_irq.h>
#include <asm/x86_init.h>
#include <asm/tlbflush.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/lguest.h>


/*G:033
 * The page we share with the Host: our virtual interrupt flag, the
 * interrupts we have masked, the last page fault address, the time, and
 * a ring of hypercalls waiting to be made.  It is statically set up so
 * that the Host can read what it needs at our very first hypercall:
 * every ring slot free, the noirq stretch (from G:050 into G:052),
 * where our kernel starts, our system call vector, and the timer's line
 * masked until we want it.
:*/
struct lguest_data lguest_data = {
	.hcall_status = { [0 ... LHCALL_RING_SIZE - 1] = 0xFF },
	.noirq_start = (unsigned long)lguest_noirq_iret,
	.noirq_end = (unsigned long)lguest_noirq_end,
	.kernel_address = PAGE_OFFSET,
	.blocked_interrupts = { 1 },
	.syscall_vec = IA32_SYSCALL_VECTOR,
	.pgtable_levels = CONFIG_PGTABLE_LEVELS,
};

/*G:035
 * A hypercall the Host need not do at once goes in the ring; the Host
 * works through it at the next real hypercall or trap (H:130).  If the
 * ring is full we make this one a real hypercall, which empties it.  The
 * ring is ours to fill with interrupts off, and the Host reads each
 * slot's arguments only after its status says it is ready, hence the
 * barrier.  The Host empties the ring in order, so the ring is empty
 * when the slot we filled last is free again.
:*/
static unsigned int next_call;

static bool async_hcalls_waiting(void)
{
	return lguest_data.hcall_status[(next_call + LHCALL_RING_SIZE - 1) %
					LHCALL_RING_SIZE] != 0xFF;
}

static void async_hcall(unsigned long call, unsigned long arg1,
			unsigned long arg2, unsigned long arg3)
{
	unsigned long flags;

	local_irq_save(flags);
	if (lguest_data.hcall_status[next_call] != 0xFF) {
		hcall(call, arg1, arg2, arg3);
	} else {
		lguest_data.hcalls[next_call].arg0 = call;
		lguest_data.hcalls[next_call].arg1 = arg1;
		lguest_data.hcalls[next_call].arg2 = arg2;
		lguest_data.hcalls[next_call].arg3 = arg3;
		/* The Host must not see the status before the arguments. */
		wmb();
		lguest_data.hcall_status[next_call] = 0;
		next_call = (next_call + 1) % LHCALL_RING_SIZE;
	}
	local_irq_restore(flags);
}

/*
 * In lazy MMU mode (a batch of page table changes) the calls about page
 * tables can wait in the ring; leaving the mode flushes it, if anything
 * waits: fork and exit leave it once for every page table they copy or
 * free, mostly with nothing queued.  A context switch is such a batch
 * too: the new page table, kernel stack, TLS and TS flag all wait for the
 * end of the switch, so a switch costs one trip out instead of three or
 * four.  Nothing in between needs them: the
 * kernel's half of every page table is the same, and neither the stack
 * nor TLS is used before we next leave the kernel.  The start of a switch
 * is also where we note how up to date the shadow of the page table we
 * are leaving is (remember_loaded_pgtable(), G:092).
 */
static DEFINE_PER_CPU(bool, lguest_lazy_mmu);
static DEFINE_PER_CPU(bool, lguest_lazy_switch);

static bool hcalls_deferred(void)
{
	return this_cpu_read(lguest_lazy_mmu) ||
		this_cpu_read(lguest_lazy_switch);
}

static void lazy_hcall(unsigned long call, unsigned long arg1,
		       unsigned long arg2, unsigned long arg3)
{
	if (hcalls_deferred())
		async_hcall(call, arg1, arg2, arg3);
	else
		hcall(call, arg1, arg2, arg3);
}

static void remember_loaded_pgtable(void);

static void lguest_start_context_switch(struct task_struct *prev)
{
	this_cpu_write(lguest_lazy_switch, true);
	remember_loaded_pgtable();
}

static void flush_async_hcalls(void)
{
	if (async_hcalls_waiting())
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
}

static void lguest_end_context_switch(struct task_struct *next)
{
	this_cpu_write(lguest_lazy_switch, false);
	flush_async_hcalls();
}

static void lguest_enter_lazy_mmu(void)
{
	this_cpu_write(lguest_lazy_mmu, true);
}

static void lguest_leave_lazy_mmu(void)
{
	this_cpu_write(lguest_lazy_mmu, false);
	flush_async_hcalls();
}

static void lguest_flush_lazy_mmu(void)
{
	if (this_cpu_read(lguest_lazy_mmu))
		flush_async_hcalls();
}

/*G:040
 * Interrupts.  "cli" and "sti" are privileged, and slow besides; our
 * interrupt flag is simply lguest_data.irq_enabled, which the Host reads
 * before it delivers anything.  These three are called from everywhere,
 * so they must save every register they touch: the thunks do that.
 *
 * Turning interrupts on may find one that the Host held back while they
 * were off (it set irq_pending): a hypercall, any hypercall, lets the
 * Host deliver it now.
:*/
static __used unsigned long lguest_save_fl(void)
{
	return lguest_data.irq_enabled;
}
PV_CALLEE_SAVE_REGS_THUNK(lguest_save_fl);

static __used void lguest_irq_disable(void)
{
	lguest_data.irq_enabled = 0;
}
PV_CALLEE_SAVE_REGS_THUNK(lguest_irq_disable);

static __used void lguest_irq_enable(void)
{
	lguest_data.irq_enabled = X86_EFLAGS_IF;
	barrier();
	if (unlikely(lguest_data.irq_pending))
		hcall(LHCALL_FLUSH_ASYNC, 0, 0, 0);
}
PV_CALLEE_SAVE_REGS_THUNK(lguest_irq_enable);

/*G:045
 * Halting is sleeping in the Host until an interrupt comes, and it is the
 * one place where "turn interrupts on" and "wait for one" must be a
 * single step.  The idle loop turns interrupts off, sees nothing to run,
 * and asks to halt.  Had we turned our flag on first and then trapped,
 * an interrupt could slip in between the two: the Host runs us for any
 * exit it likes (its own timer tick, the IPI that says the Launcher's
 * block thread just raised an interrupt) and delivers it right there.
 * Its handler wakes the task that was waiting for the disk or the
 * network, and then we halt anyway, with that task ready to run and
 * nothing left to wake us.  A tickless kernel with nothing else to do
 * has no timer armed, so we slept until someone typed a key.
 *
 * This lguest did exactly that for a while, and the race hid well.  The
 * window is two instructions wide, and under QEMU's software emulation,
 * where we are tested, an interrupt only ever arrives between blocks of
 * translated code: the store and the trap sit in one block, so the
 * window is never hit there.  On a real processor, or an emulator that
 * takes interrupts between instructions, it is hit now and then, and
 * each time costs a sleep until the next timer or keystroke.
 *
 * Real processors solve it with "sti; hlt", where the interrupt cannot
 * come between the two.  We solve it the same way: we halt with
 * interrupts still off, and the Host treats HALT as "turn interrupts on
 * and sleep" in one go (H:240), so an interrupt that came in meanwhile
 * is delivered at once instead of being slept through.  The tiny Guest
 * halt-pending holds the Host to that, as H:240 shows.
:*/
static void lguest_safe_halt(void)
{
	hcall(LHCALL_HALT, 0, 0, 0);
}

/*G:060
 * Descriptor tables.  The IDT the Host builds for us comes from entries
 * we send one at a time; the GDT goes whole.  Our kernel's segments say
 * ring 0, which is not where we run: before the Host sees them we make
 * them ring 1 (it would refuse them otherwise, H:310).
:*/
static void lguest_write_idt_entry(gate_desc *dt, int entrynum,
				   const gate_desc *g)
{
	gate_desc direct;
	u32 *raw;

	/*
	 * Linux's system call gate becomes a trap gate to our own door
	 * (G:052), which the Host lets the processor take directly: no trip
	 * through the Host for a system call.
	 */
	if (entrynum == IA32_SYSCALL_VECTOR && g->bits.p) {
		pack_gate(&direct, GATE_TRAP, (unsigned long)lguest_entry_INT80,
			  3, 0, __KERNEL_CS);
		g = &direct;
	}
	raw = (u32 *)g;
	native_write_idt_entry(dt, entrynum, g);
	hcall(LHCALL_LOAD_IDT_ENTRY, entrynum, raw[0], raw[1]);
}

/*
 * Loading a whole table (five times while we boot) is 256 entries: they
 * go through the ring (G:035), a trip to the Host for each 64 instead of
 * for each one, and we flush it before we return, so that the table is
 * the Host's when the kernel thinks it loaded.
 */
static void lguest_load_idt(const struct desc_ptr *desc)
{
	const u32 *raw = (const u32 *)desc->address;
	unsigned int i;

	for (i = 0; i < (desc->size + 1) / 8; i++)
		async_hcall(LHCALL_LOAD_IDT_ENTRY, i, raw[2 * i],
			    raw[2 * i + 1]);
	flush_async_hcalls();
}

static void ring1_segments(struct desc_struct *gdt, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (gdt[i].p && gdt[i].s && gdt[i].dpl == 0)
			gdt[i].dpl = GUEST_PL;
}

/*
 * The GDT the Host has from us, as the kernel last loaded it: the
 * kernel may name the same table by its direct address or by its alias
 * in the CPU entry area, so we compare physical addresses.
 */
static struct desc_struct *loaded_gdt;

static void send_gdt(struct desc_struct *gdt)
{
	ring1_segments(gdt, GDT_ENTRIES);
	loaded_gdt = gdt;
	hcall(LHCALL_LOAD_GDT, slow_virt_to_phys(gdt), GDT_ENTRIES, 0);
}

static void lguest_load_gdt(const struct desc_ptr *desc)
{
	send_gdt((struct desc_struct *)desc->address);
}

static void lguest_write_gdt_entry(struct desc_struct *dt, int entrynum,
				   const void *desc, int type)
{
	native_write_gdt_entry(dt, entrynum, desc, type);
	if (loaded_gdt &&
	    slow_virt_to_phys(dt) == slow_virt_to_phys(loaded_gdt))
		send_gdt(dt);
}

/*
 * Thread-local storage: three GDT entries changed on every task switch.
 * A processor does not mind %gs holding a selector whose entry has just
 * gone; the Host does, when it reloads our segment registers after this
 * very hypercall.  So we empty %gs first.  A task switch reloads it
 * afterwards anyway; set_thread_area() does not, and a process that
 * added a second TLS entry would go back to user space with %gs empty
 * (under QEMU, which checks no segment, reading "%gs:0x10" at address
 * 0x10), so outside a switch, the hypercall made, we load it again.
 *
 * Most switches change nothing here: to or from a kernel thread, or
 * between processes forked from one another, the three entries are the
 * ones already loaded.  Every entry the Host holds came from loaded_gdt,
 * so when they match the Host has them too, and we spare ourselves the
 * hypercall and, often, the trip that would have flushed it.
 */
static bool tls_already_loaded(const struct thread_struct *t)
{
	return loaded_gdt &&
		!memcmp(&loaded_gdt[GDT_ENTRY_TLS_MIN], t->tls_array,
			sizeof(t->tls_array));
}

static void lguest_load_tls(struct thread_struct *t, unsigned int cpu)
{
	unsigned int i, gs;

	if (tls_already_loaded(t))
		return;
	savesegment(gs, gs);
	loadsegment(gs, 0);
	for (i = 0; loaded_gdt && i < GDT_ENTRY_TLS_ENTRIES; i++)
		loaded_gdt[GDT_ENTRY_TLS_MIN + i] = t->tls_array[i];
	lazy_hcall(LHCALL_LOAD_TLS, __pa(&t->tls_array), 0, 0);
	if (!hcalls_deferred())
		loadsegment(gs, gs);
}

/*G:070
 * The stack the processor switches to when our userspace traps: the Host
 * puts it in the TSS it runs us with, with our ring-1 kernel segment.
 * Our own copy of the TSS keeps it too, because the entry code reads it
 * there to find its way between the entry stack and the task's stack.
:*/
static void lguest_load_sp0(unsigned long sp0)
{
	this_cpu_write(cpu_tss_rw.x86_tss.sp0, sp0);
	lazy_hcall(LHCALL_SET_STACK, __KERNEL_DS | GUEST_PL, sp0,
		   THREAD_SIZE / PAGE_SIZE);
}

static void lguest_set_ldt(const void *addr, unsigned int entries)
{
}

static void lguest_load_tr_desc(void)
{
}

static unsigned long lguest_store_tr(void)
{
	return GDT_ENTRY_TSS * 8;
}

/*G:080
 * cpuid is not privileged, but what it says is the Host's processor, and
 * some of that we cannot have: no APIC, no SYSENTER (the Host's kernel
 * would get our system calls), no large pages, no MTRRs or PAT, no
 * XSAVE.  We keep the FPU, TSC, CMOV, MMX and SSE family, and add PGE:
 * with it, Linux flushes its kernel mappings only when they change,
 * which the Host's shadow page tables like very much.  A PAE Guest (on
 * a PAE Host, H:100 sees to that) keeps PAE, and NX if the Host's
 * processor has it: the Host copies NX into its shadow (H:420).
:*/
#define LGUEST_CPUID_1_EDX (BIT(0) | BIT(4) | BIT(8) | BIT(15) | BIT(23) | \
			    BIT(24) | BIT(25) | BIT(26) | \
			    (IS_ENABLED(CONFIG_X86_PAE) ? BIT(6) : 0))
#define LGUEST_CPUID_1_ECX (BIT(0) | BIT(9) | BIT(13))
#define LGUEST_CPUID_80000001_EDX (IS_ENABLED(CONFIG_X86_PAE) ? BIT(20) : 0)

static void lguest_cpuid(unsigned int *ax, unsigned int *bx,
			 unsigned int *cx, unsigned int *dx)
{
	unsigned int function = *ax;

	native_cpuid(ax, bx, cx, dx);
	switch (function) {
	case 0:
		if (*ax > 1)
			*ax = 1;
		break;
	case 1:
		*cx &= LGUEST_CPUID_1_ECX;
		*dx &= LGUEST_CPUID_1_EDX;
		*dx |= BIT(13);
		break;
	case 0x80000000:
		if (*ax > 0x80000004)
			*ax = 0x80000004;
		break;
	case 0x80000001:
		*cx = 0;
		*dx &= LGUEST_CPUID_80000001_EDX;
		break;
	}
}

/*
 * Control and debug registers and MSRs: what the Guest may know of them
 * it keeps itself; writing them does nothing but what the Host must see
 * (the TS bit of cr0, cr3).
 */
static unsigned long current_cr0, current_cr3;

static unsigned long lguest_read_cr0(void)
{
	return current_cr0;
}

static void lguest_write_cr0(unsigned long val)
{
	if ((val ^ current_cr0) & X86_CR0_TS)
		lazy_hcall(LHCALL_TS, !!(val & X86_CR0_TS), 0, 0);
	current_cr0 = val;
}

static __used unsigned long lguest_read_cr2(void)
{
	return lguest_data.cr2;
}
PV_CALLEE_SAVE_REGS_THUNK(lguest_read_cr2);

static void lguest_write_cr2(unsigned long val)
{
	lguest_data.cr2 = val;
}

static unsigned long lguest_read_cr3(void)
{
	return current_cr3;
}

static void lguest_write_cr4(unsigned long val)
{
}

static unsigned long lguest_get_debugreg(int regno)
{
	return 0;
}

static void lguest_set_debugreg(int regno, unsigned long value)
{
}

static u64 lguest_read_msr(unsigned int msr)
{
	return 0;
}

static u64 lguest_read_msr_safe(unsigned int msr, int *err)
{
	*err = -EIO;
	return 0;
}

static void lguest_write_msr(unsigned int msr, unsigned int low,
			     unsigned int high)
{
}

static int lguest_write_msr_safe(unsigned int msr, unsigned int low,
				 unsigned int high)
{
	return -EIO;
}

static u64 lguest_read_pmc(int counter)
{
	return 0;
}

/*G:090
 * Page tables.  The processor never sees ours: the Host makes shadow
 * tables from them and keeps them the way a processor keeps its TLB.
 * So, like the TLB, the shadow needs to hear only about flushes and
 * about a new %cr3 (lguest_write_cr3(), G:092, which drops our user
 * mappings as a real %cr3 load does, unless they did not change).
 * Writing an entry is a plain write, exactly as natively: Linux already
 * flushes after changing an entry that was present, and an entry that
 * was not present is not in the shadow either.  Page directory entries
 * are the exception: Linux may change a present one without a flush, so
 * the Host hears of each of those.  One that was not present, though, the
 * shadow cannot hold either, just as for an entry: fork fills eight of
 * them and exec thirteen, and a fault shadows each when it is first used.
 *
 * With PAE an entry is 64 bits, but nothing changes here: no hypercall
 * carries one, since the Host reads our tables itself (H:450).  The
 * page directory entries we tell it of are middle directory entries
 * then, and there is one level more, the four pointer entries, which
 * Linux fills when it makes a page directory and hardly ever changes;
 * a present one that does change gets a SET_PUD of its own.
:*/
static void lguest_flush_tlb_user(void)
{
	lazy_hcall(LHCALL_FLUSH_TLB, 0, 0, 0);
}

static void lguest_flush_tlb_kernel(void)
{
	lazy_hcall(LHCALL_FLUSH_TLB, 1, 0, 0);
}

static void lguest_flush_tlb_one_user(unsigned long addr)
{
	lazy_hcall(LHCALL_SET_PTE, current_cr3, addr, 0);
}

static void lguest_set_pmd(pmd_t *pmdp, pmd_t pmdval)
{
	unsigned long pa = __pa(pmdp);
	bool was_present = pmd_flags(*pmdp) & _PAGE_PRESENT;

	native_set_pmd(pmdp, pmdval);
	if (!was_present)
		return;
	lazy_hcall(LHCALL_SET_PMD, pa & PAGE_MASK,
		   (pa & ~PAGE_MASK) / sizeof(pmd_t), 0);
}

#ifdef CONFIG_X86_PAE
static void lguest_set_pud(pud_t *pudp, pud_t pudval)
{
	unsigned long pa = __pa(pudp);
	unsigned long pgdir = pa & ~(PTRS_PER_PGD * sizeof(pgd_t) - 1);
	bool was_present = native_pud_val(*pudp) & _PAGE_PRESENT;

	native_set_pud(pudp, pudval);
	if (was_present)
		lazy_hcall(LHCALL_SET_PUD, pgdir, (pa - pgdir) / sizeof(pgd_t),
			   0);
}
#endif

/*G:092
 * A page table that comes back unchanged.  Each switch between
 * processes is a new %cr3, and the Host drops the user half of its
 * shadow for it (H:470): a process switched back to faulted its stack,
 * its code and its data in again, page by page, every time.  A processor
 * with address-space IDs (PCID) has the same question to answer, and
 * Linux answers it: each mm counts its TLB flushes in context.tlb_gen,
 * and cpu_tlbstate.ctxs[] says how far this processor's TLB has caught
 * up.  A 32-bit kernel never uses PCIDs, but keeps the counts all the
 * same, so we borrow them.  When a switch begins we note, for the page
 * table we are leaving, which mm it was (its ctx_id, never reused) and
 * how far its shadow had caught up; when a page table is loaded, Linux
 * has just set ctxs[0] to the new mm's count, and an entry matching both
 * means no flush was asked for in between: we tell the Host
 * LGUEST_PGTABLE_UNCHANGED.  A page directory freed and reused by
 * another mm has another ctx_id; one we forgot only costs the faults.
 *
 * A flush for an mm that is not loaded changes only its count (Linux
 * flushes lazily, on the next load), which is why the count, and not
 * the flushes we hear about, is what we compare.
:*/
#define KEPT_PGTABLES	8

static struct kept_pgtable {
	unsigned long pgdir;
	u64 ctx_id, tlb_gen;
} kept_pgtables[KEPT_PGTABLES];
static unsigned int next_kept;

static struct kept_pgtable *find_kept(unsigned long cr3)
{
	unsigned int i;

	for (i = 0; i < KEPT_PGTABLES; i++)
		if (kept_pgtables[i].pgdir == cr3)
			return &kept_pgtables[i];
	return NULL;
}

static void remember_loaded_pgtable(void)
{
	struct mm_struct *mm = this_cpu_read(cpu_tlbstate.loaded_mm);
	struct kept_pgtable *k;

	if (mm == &init_mm || __pa(mm->pgd) != current_cr3)
		return;
	k = find_kept(current_cr3);
	if (!k) {
		k = &kept_pgtables[next_kept];
		next_kept = (next_kept + 1) % KEPT_PGTABLES;
	}
	k->pgdir = current_cr3;
	k->ctx_id = this_cpu_read(cpu_tlbstate.ctxs[0].ctx_id);
	k->tlb_gen = this_cpu_read(cpu_tlbstate.ctxs[0].tlb_gen);
}

static bool pgtable_unchanged(unsigned long cr3)
{
	const struct kept_pgtable *k = find_kept(cr3);

	return k && k->ctx_id == this_cpu_read(cpu_tlbstate.ctxs[0].ctx_id) &&
	       k->tlb_gen == this_cpu_read(cpu_tlbstate.ctxs[0].tlb_gen);
}

static void lguest_write_cr3(unsigned long cr3)
{
	current_cr3 = cr3;
	lazy_hcall(LHCALL_NEW_PGTABLE, cr3,
		   pgtable_unchanged(cr3) ? LGUEST_PGTABLE_UNCHANGED : 0, 0);
}

/*G:100
 * Our interrupt controller is a bitmap: lguest_data.blocked_interrupts,
 * which the Host reads before delivering line N as vector 32 + N.  Masking
 * a line is setting its bit.  We have LGUEST_IRQS lines (D:015 counts
 * them), and the lguest bus hands them out to its devices.
:*/
static void disable_lguest_irq(struct irq_data *data)
{
	set_bit(data->irq, lguest_data.blocked_interrupts);
}

static void enable_lguest_irq(struct irq_data *data)
{
	clear_bit(data->irq, lguest_data.blocked_interrupts);
}

static struct irq_chip lguest_irq_controller = {
	.name		= "lguest",
	.irq_mask	= disable_lguest_irq,
	.irq_mask_ack	= disable_lguest_irq,
	.irq_unmask	= enable_lguest_irq,
};

/*
 * The lguest bus hands out lines for its devices; each becomes a Linux
 * interrupt of the same number, on our chip, reached through its vector.
 */
int lguest_setup_irq(unsigned int irq)
{
	struct irq_desc *desc;
	int err;

	if (irq >= LGUEST_IRQS)
		return -EINVAL;
	err = irq_alloc_desc_at(irq, 0);
	if (err < 0 && err != -EEXIST)
		return err;
	desc = irq_to_desc(irq);
	irq_set_chip_and_handler_name(irq, &lguest_irq_controller,
				      handle_level_irq, "level");
	per_cpu(vector_irq, 0)[FIRST_EXTERNAL_VECTOR + irq] = desc;
	return 0;
}
EXPORT_SYMBOL_GPL(lguest_setup_irq);

/*G:110
 * Time.  The Host writes the wall clock into lguest_data whenever it runs
 * us; if it trusts the TSC it tells us its rate, and the kernel's TSC
 * clocksource serves.  Otherwise our clocksource is that wall clock.  Our
 * timer interrupt is line 0, asked for by SET_CLOCKEVENT.
:*/
static void lguest_get_wallclock(struct timespec64 *now)
{
	*now = lguest_data.time;
}

static unsigned long lguest_tsc_khz(void)
{
	return lguest_data.tsc_khz;
}

/* The Host writes the time only while we are stopped: no tearing. */
static u64 lguest_clock_read(struct clocksource *cs)
{
	return timespec64_to_ns(&lguest_data.time);
}

static struct clocksource lguest_clock = {
	.name		= "lguest",
	.rating		= 200,
	.read		= lguest_clock_read,
	.mask		= CLOCKSOURCE_MASK(64),
	.flags		= CLOCK_SOURCE_IS_CONTINUOUS,
};

static int lguest_clockevent_set_next_event(unsigned long delta,
					    struct clock_event_device *evt)
{
	hcall(LHCALL_SET_CLOCKEVENT, delta, 0, 0);
	return 0;
}

static int lguest_clockevent_shutdown(struct clock_event_device *evt)
{
	hcall(LHCALL_SET_CLOCKEVENT, 0, 0, 0);
	return 0;
}

static struct clock_event_device lguest_clockevent = {
	.name			= "lguest",
	.features		= CLOCK_EVT_FEAT_ONESHOT,
	.set_next_event		= lguest_clockevent_set_next_event,
	.set_state_shutdown	= lguest_clockevent_shutdown,
	.rating			= INT_MAX,
	.mult			= 1,
	.shift			= 0,
	.min_delta_ns		= 1000,
	.min_delta_ticks	= 1000,
	.max_delta_ns		= LONG_MAX,
	.max_delta_ticks	= LONG_MAX,
};

static void lguest_time_irq(struct irq_desc *desc)
{
	unsigned long flags;

	local_irq_save(flags);
	lguest_clockevent.event_handler(&lguest_clockevent);
	local_irq_restore(flags);
}

static void __init lguest_time_init(void)
{
	lguest_setup_irq(0);
	irq_set_handler(0, lguest_time_irq);
	if (!lguest_data.tsc_khz)
		clocksource_register_hz(&lguest_clock, NSEC_PER_SEC);
	lguest_clockevent.cpumask = cpumask_of(0);
	clockevents_register_device(&lguest_clockevent);
	enable_lguest_irq(irq_get_irq_data(0));
}

/*G:120
 * Stopping.  Power off, restart and a panic are all one hypercall: the
 * Host ends us with the reason we give, and the Launcher exits (or
 * starts us again).  A panic's reason is not a power off, so the
 * Launcher says what it was and exits with an error.
:*/
static int lguest_power_off(struct sys_off_data *data)
{
	hcall(LHCALL_SHUTDOWN, __pa("Power down"), LGUEST_SHUTDOWN_POWEROFF, 0);
	return NOTIFY_DONE;
}

static void lguest_restart(char *reason)
{
	hcall(LHCALL_SHUTDOWN, __pa(reason ? reason : "Restart"),
	      LGUEST_SHUTDOWN_RESTART, 0);
}

static int lguest_panic(struct notifier_block *nb, unsigned long event,
			void *msg)
{
	static char reason[128];

	snprintf(reason, sizeof(reason), "Kernel panic - not syncing: %s",
		 (char *)msg);
	hcall(LHCALL_SHUTDOWN, __pa(reason), 0, 0);
	return NOTIFY_DONE;
}

static struct notifier_block lguest_panic_block = {
	.notifier_call = lguest_panic,
};

/*G:130
 * Until the virtio console is up, printk goes out through NOTIFY: any
 * address in our memory that is not a device is printed by the Launcher
 * as a string (L:420 is the other end).  The kernel calls our arch setup
 * early, and it registers that console along with the panic and power-off
 * handlers of G:120.
:*/
static void early_notify_write(struct console *con, const char *s,
			       unsigned int n)
{
	static char buf[256];

	while (n) {
		unsigned int len = min_t(unsigned int, n, sizeof(buf) - 1);

		memcpy(buf, s, len);
		buf[len] = '\0';
		hcall(LHCALL_NOTIFY, __pa(buf), 0, 0);
		s += len;
		n -= len;
	}
}

static struct console lguest_boot_console = {
	.name	= "lgearly",
	.write	= early_notify_write,
	.flags	= CON_PRINTBUFFER | CON_BOOT,
	.index	= -1,
};

static void __init lguest_arch_setup(void)
{
	register_console(&lguest_boot_console);
	atomic_notifier_chain_register(&panic_notifier_list,
				       &lguest_panic_block);
	register_sys_off_handler(SYS_OFF_MODE_POWER_OFF, SYS_OFF_PRIO_PLATFORM,
				 lguest_power_off, NULL);
}

/*
 * The Launcher's memory map is one stretch of RAM, and the kernel's own
 * parser ignores a map of only one entry (a BIOS quirk): take it as is.
 */
static char *__init lguest_memory_setup(void)
{
	e820__range_add(boot_params.e820_table[0].addr,
			boot_params.e820_table[0].size,
			boot_params.e820_table[0].type);
	return "LGUEST";
}

/*G:140
 * And here is all of this part in one table, installed by lguest_init()
 * (G:025) before the kernel can reach a privileged instruction.  Read
 * down it as a summary: where a native kernel executes an instruction,
 * we store to lguest_data, make a hypercall, or do nothing at all.
 *
 * That is the Guest: nine hundred lines, comments and all, to talk a
 * kernel that believes it owns a PC out of touching it.  Each hypercall
 * it makes is answered by the Host, in part H; each NOTIFY goes on to
 * the Launcher.  What most NOTIFYs are about comes next: the Guest's
 * devices.
:*/
static void __init set_lguest_ops(void)
{
	pv_info.name = "lguest";

	pv_ops.irq.save_fl = PV_CALLEE_SAVE(lguest_save_fl);
	pv_ops.irq.irq_disable = PV_CALLEE_SAVE(lguest_irq_disable);
	pv_ops.irq.irq_enable = PV_CALLEE_SAVE(lguest_irq_enable);
	pv_ops.irq.safe_halt = lguest_safe_halt;
	pv_ops.irq.halt = lguest_safe_halt;

	pv_ops.cpu.io_delay = x86_init_noop;
	pv_ops.cpu.cpuid = lguest_cpuid;
	pv_ops.cpu.get_debugreg = lguest_get_debugreg;
	pv_ops.cpu.set_debugreg = lguest_set_debugreg;
	pv_ops.cpu.read_cr0 = lguest_read_cr0;
	pv_ops.cpu.write_cr0 = lguest_write_cr0;
	pv_ops.cpu.write_cr4 = lguest_write_cr4;
	pv_ops.cpu.load_tr_desc = lguest_load_tr_desc;
	pv_ops.cpu.load_gdt = lguest_load_gdt;
	pv_ops.cpu.load_idt = lguest_load_idt;
	pv_ops.cpu.set_ldt = lguest_set_ldt;
	pv_ops.cpu.store_tr = lguest_store_tr;
	pv_ops.cpu.load_tls = lguest_load_tls;
	pv_ops.cpu.start_context_switch = lguest_start_context_switch;
	pv_ops.cpu.end_context_switch = lguest_end_context_switch;
	pv_ops.cpu.write_gdt_entry = lguest_write_gdt_entry;
	pv_ops.cpu.write_idt_entry = lguest_write_idt_entry;
	pv_ops.cpu.load_sp0 = lguest_load_sp0;
	pv_ops.cpu.wbinvd = x86_init_noop;
	pv_ops.cpu.read_msr = lguest_read_msr;
	pv_ops.cpu.write_msr = lguest_write_msr;
	pv_ops.cpu.read_msr_safe = lguest_read_msr_safe;
	pv_ops.cpu.write_msr_safe = lguest_write_msr_safe;
	pv_ops.cpu.read_pmc = lguest_read_pmc;

	pv_ops.mmu.read_cr2 = PV_CALLEE_SAVE(lguest_read_cr2);
	pv_ops.mmu.write_cr2 = lguest_write_cr2;
	pv_ops.mmu.read_cr3 = lguest_read_cr3;
	pv_ops.mmu.write_cr3 = lguest_write_cr3;
	pv_ops.mmu.flush_tlb_user = lguest_flush_tlb_user;
	pv_ops.mmu.flush_tlb_kernel = lguest_flush_tlb_kernel;
	pv_ops.mmu.flush_tlb_one_user = lguest_flush_tlb_one_user;
	pv_ops.mmu.set_pmd = lguest_set_pmd;
#ifdef CONFIG_X86_PAE
	pv_ops.mmu.set_pud = lguest_set_pud;
#endif
	pv_ops.mmu.lazy_mode.enter = lguest_enter_lazy_mmu;
	pv_ops.mmu.lazy_mode.leave = lguest_leave_lazy_mmu;
	pv_ops.mmu.lazy_mode.flush = lguest_flush_lazy_mmu;
}

/*G:025
 * lguest_init() is where the Guest's C code starts, on the kernel's own
 * page tables at last.  We install our paravirt operations before the
 * kernel can run a privileged instruction, keep out of the Host's
 * Switcher at the top of the address space, and turn off every piece of
 * hardware probing (ACPI, the PIC, the APIC, the BIOS tables) a machine
 * would want and we do not have.  We also spare ourselves patching the
 * kernel's LOCK prefixes, which costs us, unlike a machine, thousands of
 * trips to the Host.  Then the kernel starts as always.
 *
 * Most of what this names we meet in the rest of this part: the page we
 * share with the Host in G:032 and G:033 (the Host has told us there how
 * much room its Switcher needs), our control registers in G:080, the
 * clock in G:110, restarting in G:120, the early console and the memory
 * map in G:130, and set_lguest_ops(), which installs everything, in
 * G:140.
:*/
/*
 * A Guest has one CPU, so the kernel would rewrite each of its four
 * thousand LOCK prefixes into a harmless one at boot.  It does so through
 * text_poke(), which maps the page at a spare address in a page table of
 * its own, switches to it and back: two NEW_PGTABLE hypercalls and a page
 * fault for each, 9000 trips to the Host and 0.4 s of boot under QEMU.  A
 * LOCK costs a UP machine a few cycles, so we ask the kernel to keep
 * them, as a user would with noreplace-smp on the command line.
 */
static __init void keep_lock_prefixes(void)
{
	strlcat(boot_command_line, " noreplace-smp", COMMAND_LINE_SIZE);
}

__init void lguest_init(void)
{
	set_lguest_ops();
	keep_lock_prefixes();
	/*
	 * X86_FEATURE_LGUEST keeps alternatives from patching our operations
	 * back to cli and sti (patches/0004 teaches the kernel the bit).
	 */
	setup_force_cpu_cap(X86_FEATURE_LGUEST);
	current_cr3 = __pa(initial_page_table);
	current_cr0 = X86_CR0_PE | X86_CR0_PG | X86_CR0_WP | X86_CR0_ET |
		      X86_CR0_NE;

	reserve_top_address(lguest_data.reserve_mem);
	disable_acpi();
	legacy_pic = &null_legacy_pic;

	x86_init.oem.arch_setup = lguest_arch_setup;
	x86_init.resources.memory_setup = lguest_memory_setup;
	x86_init.resources.probe_roms = x86_init_noop;
	x86_init.mpparse.find_mptable = x86_init_noop;
	x86_init.mpparse.early_parse_smp_cfg = x86_init_noop;
	x86_init.mpparse.parse_smp_cfg = x86_init_noop;
	x86_init.irqs.pre_vector_init = x86_init_noop;
	x86_init.irqs.intr_mode_select = x86_init_noop;
	x86_init.irqs.intr_mode_init = x86_init_noop;
	x86_init.timers.timer_init = lguest_time_init;
	x86_init.timers.setup_percpu_clockev = x86_init_noop;
	x86_platform.get_wallclock = lguest_get_wallclock;
	if (lguest_data.tsc_khz) {
		x86_platform.calibrate_tsc = lguest_tsc_khz;
		x86_platform.calibrate_cpu = lguest_tsc_khz;
	} else {
		setup_clear_cpu_cap(X86_FEATURE_TSC);
	}
	x86_platform.legacy.rtc = 0;
	machine_ops.restart = lguest_restart;

	i386_start_kernel();
}
