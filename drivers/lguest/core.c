// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/uaccess.h>
#include <linux/sched/signal.h>
#include "lg.h"
#include "trace.h"

/*H:020
 * The Switcher lives at one address in every address space: the Host's
 * and each Guest's.  We take the last slot (the stretch one page table
 * maps: 4MB, or 2MB under PAE, H:402) that fits below the end of the
 * vmalloc area, so in a Guest's shadow the Switcher has a whole slot to
 * itself: one entry there, pointing at a page table we own, maps it.  The Guest is told to keep
 * out of everything from switcher_addr up.  The first page holds the
 * Switcher's code (S:100 to S:170, copied from between
 * start_switcher_text and end_switcher_text), the rest are each
 * processor's (H:015).  Reserving an area at an address of our choosing
 * and putting our own pages in it takes two vmalloc calls that modules
 * are not usually given: patches/0003 exports them.
:*/
unsigned long switcher_addr;
struct page **lg_switcher_pages;
static struct vm_struct *switcher_vma;
static unsigned int switcher_pages;

static void free_switcher_pages(void)
{
	unsigned int i;

	for (i = 0; i < switcher_pages; i++)
		if (lg_switcher_pages[i])
			__free_page(lg_switcher_pages[i]);
	kfree(lg_switcher_pages);
}

/*
 * vm_area_map_pages() maps with PAGE_KERNEL, which a PAE Host makes
 * no-execute, and the code page must run.  Its code went in through the
 * kernel's own mapping of the page, so nothing has touched switcher_addr
 * yet and no TLB holds its entry: we can set_pte() that entry read only
 * and executable with no flush.
 */
static int make_switcher_code_executable(void)
{
	unsigned int level;
	pte_t *pte = lookup_address(switcher_addr, &level);

	if (!pte || level != PG_LEVEL_4K)
		return -EFAULT;
	set_pte(pte, pte_mkexec(pte_wrprotect(*pte)));
	return 0;
}

static int map_switcher(void)
{
	unsigned long size, top;
	unsigned int i;
	int err;

	/*
	 * The Switcher's code must fit its one page: the Guest's page table
	 * for the Switcher has a single entry for it.
	 */
	if (end_switcher_text - start_switcher_text > PAGE_SIZE) {
		pr_err("lguest: Switcher code is %td bytes, over a page\n",
		       end_switcher_text - start_switcher_text);
		return -E2BIG;
	}

	switcher_pages = TOTAL_SWITCHER_PAGES;
	if (switcher_pages > PTRS_PER_PTE)
		return -E2BIG;
	lg_switcher_pages = kcalloc(switcher_pages, sizeof(*lg_switcher_pages),
				    GFP_KERNEL);
	if (!lg_switcher_pages)
		return -ENOMEM;
	for (i = 0; i < switcher_pages; i++) {
		lg_switcher_pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!lg_switcher_pages[i]) {
			err = -ENOMEM;
			goto free_pages;
		}
	}

	/* One guard page after the area, as every vm area has. */
	size = switcher_pages * PAGE_SIZE;
	top = VMALLOC_END - size - PAGE_SIZE;
	switcher_addr = round_down(top, PMD_SIZE);
	if (switcher_addr < VMALLOC_START) {
		err = -ENOSPC;
		goto free_pages;
	}
	switcher_vma = __get_vm_area_caller(size, VM_SPARSE, switcher_addr,
					    switcher_addr + size + PAGE_SIZE,
					    __builtin_return_address(0));
	if (!switcher_vma || (unsigned long)switcher_vma->addr != switcher_addr) {
		pr_err("lguest: cannot reserve the Switcher at %#lx\n",
		       switcher_addr);
		err = -ENOMEM;
		goto free_vma;
	}
	memcpy(page_address(lg_switcher_pages[0]), start_switcher_text,
	       end_switcher_text - start_switcher_text);
	err = vm_area_map_pages(switcher_vma, switcher_addr,
				switcher_addr + size, lg_switcher_pages);
	if (!err)
		err = make_switcher_code_executable();
	if (err)
		goto free_vma;
	pr_info("lguest: mapped Switcher at %#lx\n", switcher_addr);
	return 0;

free_vma:
	if (switcher_vma)
		free_vm_area(switcher_vma);
free_pages:
	free_switcher_pages();
	return err;
}

static void unmap_switcher(void)
{
	free_vm_area(switcher_vma);
	free_switcher_pages();
}

/*H:030
 * Guest memory is a piece of the Launcher's address space: Guest physical
 * address 0 is mem_base in the Launcher.  Every access the Host makes to
 * Guest memory goes through here, checked against pfn_limit, and copies
 * to or from the Launcher's memory as the Launcher itself would.  A Guest
 * that gives us an address outside its memory is killed.
:*/
bool lguest_address_ok(const struct lguest *lg, unsigned long addr,
		       unsigned long len)
{
	unsigned long limit = lg->pfn_limit * PAGE_SIZE;

	return addr < limit && len <= limit - addr;
}

void __lgread(struct lg_cpu *cpu, void *b, unsigned long addr,
	      unsigned int bytes)
{
	if (!lguest_address_ok(cpu->lg, addr, bytes) ||
	    copy_from_user(b, cpu->lg->mem_base + addr, bytes) != 0) {
		memset(b, 0, bytes);
		kill_guest(cpu, "bad read address %#lx len %u", addr, bytes);
	}
}

void __lgwrite(struct lg_cpu *cpu, unsigned long addr, const void *b,
	       unsigned int bytes)
{
	if (!lguest_address_ok(cpu->lg, addr, bytes) ||
	    copy_to_user(cpu->lg->mem_base + addr, b, bytes) != 0)
		kill_guest(cpu, "bad write address %#lx len %u", addr, bytes);
}

/*H:042
 * A Guest that halted sleeps here until something wants it: an
 * interrupt it can take (interrupt_pending(), H:230), a break from the
 * Waker, or a signal.  We set our state before we look, so a wake-up
 * that comes between the look and schedule() is not lost: it makes
 * schedule() return at once.
 *
 * Try it: halt sleeps with no timer set and nothing else to wake it;
 * "timeout 3 lguest 32 /guests/halt.elf" ends it with the one thing
 * left, a signal.
:*/
static bool should_sleep(struct lg_cpu *cpu)
{
	bool more;

	return cpu->halted && !READ_ONCE(cpu->break_out) &&
	       interrupt_pending(cpu, &more) >= LGUEST_IRQS;
}

static void sleep_until_interrupt(struct lg_cpu *cpu)
{
	set_current_state(TASK_INTERRUPTIBLE);
	if (should_sleep(cpu))
		schedule();
	__set_current_state(TASK_RUNNING);
}

/*H:045
 * Waking the run loop.  The Waker's break and the Launcher's interrupts
 * come from other threads, and the Guest's timer from an hrtimer, at any
 * moment: the run loop may be asleep (wake it), inside the Guest on
 * another processor (the IPI from kick_process() brings it out), or
 * anywhere in between.  "In between" is the awkward one: after the loop
 * has looked for interrupts but before it has turned the Host's off to
 * enter the Guest, the IPI arrives, does nothing, and the Guest runs on
 * without hearing of the interrupt until some unrelated exit, a whole
 * Host tick later or never.  So whoever raises something also sets
 * cpu->kicked.  The loop clears it before it looks, and looks at it once
 * more with interrupts off, just before the Switcher: set before that
 * moment, we go round again; set after it, the IPI waits in the
 * processor and brings the Guest straight back out.
:*/
void kick_guest_cpu(struct lg_cpu *cpu)
{
	/* What the caller changed is seen before the flag is... */
	smp_mb();
	WRITE_ONCE(cpu->kicked, true);
	/* ...and the flag before we look at where the run loop is. */
	smp_mb();
	if (!wake_up_process(cpu->tsk))
		kick_process(cpu->tsk);
}

/*H:040
 * The Launcher's read() comes here (H:060), and this loop is the Guest's
 * life.  Each time round we first finish what the Guest asked for last
 * time (do_hypercalls(), H:140), then see whether the Launcher must hear
 * about something (a NOTIFY, the Guest's death, a signal, a break from
 * the Waker), and offer the Guest a waiting interrupt (H:230, H:240).  A
 * Guest that halted sleeps (H:042); any other runs until it next traps
 * (lguest_arch_run_guest(), H:540), and we see why it stopped
 * (lguest_arch_handle_trap(), H:560).  The kicked flag is H:045's story.
 *
 * Try it: the tiny Guest spin never traps at all, so only the Host's
 * timer tick and the cond_resched() below get this processor back from
 * it; "timeout 3 lguest 32 /guests/spin.elf" shows a signal still ends
 * it.  (The scenario host-robust checks that it does, within 2 seconds.)
:*/
int run_guest(struct lg_cpu *cpu, unsigned long __user *user)
{
	while (!cpu->lg->dead) {
		unsigned int irq;
		bool more;

		WRITE_ONCE(cpu->kicked, false);
		/* Clear, then look: pairs with kick_guest_cpu(). */
		smp_mb();

		do_hypercalls(cpu);

		if (cpu->pending_notify) {
			if (put_user(cpu->pending_notify, user))
				return -EFAULT;
			cpu->pending_notify = 0;
			return sizeof(cpu->pending_notify);
		}
		if (cpu->lg->dead)
			break;
		if (signal_pending(current))
			return -ERESTARTSYS;
		if (READ_ONCE(cpu->break_out)) {
			atomic_inc(&lguest_breaks);
			return -EAGAIN;
		}

		irq = interrupt_pending(cpu, &more);
		if (irq < LGUEST_IRQS)
			try_deliver_interrupt(cpu, irq, more);
		if (cpu->lg->dead)
			break;

		if (cpu->halted) {
			atomic_inc(&lguest_halts);
			sleep_until_interrupt(cpu);
			continue;
		}

		/*
		 * A Guest that never traps still comes back on every Host
		 * timer tick; this is where the Host gets its processor back.
		 */
		cond_resched();

		if (!lguest_arch_run_guest(cpu)) {
			atomic_inc(&lguest_kicked_entries);
			continue;
		}

		atomic_inc(&lguest_exits);
		atomic_inc(&lguest_exits_by_trap[cpu->trapnum % 256]);
		trace_lguest_exit(cpu->trapnum, cpu->trap_errcode,
				  cpu->regs.eip);
		lguest_arch_handle_trap(cpu);
	}

	if (cpu->lg->dead == ERR_PTR(-ERESTART))
		return -ERESTART;
	return -ENOENT;
}

/*P:400
 * This is the Host: lg.ko.  It is a module that gives the Launcher a file,
 * /dev/lguest, through which the Launcher hands over the Guest's memory
 * and then, by reading, runs it.  The Host does three things: it moves
 * the processor between itself and the Guest (the Switcher), it answers
 * the Guest's hypercalls, and it keeps the Guest inside its memory by
 * running it on shadow page tables it builds itself.
 *
 * Loading the module sets up what every Guest will share: the Switcher's
 * pages at the top of the address space (map_switcher(), H:020), each
 * processor's part of them (H:500), /dev/lguest itself (H:060), and a
 * few counters in debugfs for the tests and the curious (H:025).
 *
 * That is every piece.  To watch them move, "make run" at the top of the
 * project builds it all and boots a Host in QEMU, which loads lg.ko and
 * starts a Linux Guest on the console; leave the Guest's shell and you
 * are at the Host's.  Beside the real Guest, the Host's image carries
 * twenty-odd tiny ones, from tools/testing/selftests/lguest/guests, most
 * of them a page of assembler that does one thing to the Host.  Some
 * teach; the ones called bad-something are hostile on purpose, each
 * breaking one rule the Host must enforce.  Each takes a minute to read
 * and two to change, and "make run" puts the changed one in the image.
 * At the Host's prompt,
 *
 *	lguest 32 /guests/hello.elf
 *
 * says hello and powers off.  The others are named in the sections whose
 * rule they prove, with what to try (the few that never stop on their
 * own want a "timeout 3" in front); for a hostile one, what the Launcher
 * prints as it exits is the Host's reason for killing it.  And
 * "tools/testing/selftests/lguest/run_tests.sh host-guests" runs them all
 * and checks every answer.
:*/
/*
 * The Launcher builds a Guest's first page tables, so it must know our
 * format (L:200): it reads this, which cannot be changed.
 */
static int pgtable_levels = CONFIG_PGTABLE_LEVELS;
module_param(pgtable_levels, int, 0444);
MODULE_PARM_DESC(pgtable_levels,
		 "The Host's page table levels: 2, or 3 with PAE (read only)");

static int __init init(void)
{
	int err;

	if (pgtable_levels != CONFIG_PGTABLE_LEVELS) {
		pr_err("lguest: this Host's page tables have %d levels, not %d\n",
		       CONFIG_PGTABLE_LEVELS, pgtable_levels);
		return -EINVAL;
	}

	err = map_switcher();
	if (err)
		return err;
	lguest_arch_host_init();

	err = lguest_device_init();
	if (err) {
		unmap_switcher();
		return err;
	}

	lguest_stats_init();
	return 0;
}

static void __exit fini(void)
{
	lguest_stats_exit();
	lguest_device_remove();
	unmap_switcher();
}

module_init(init);
module_exit(fini);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("lguest developers");
MODULE_DESCRIPTION("lguest: the Host side of a little hypervisor");
