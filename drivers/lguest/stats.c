// SPDX-License-Identifier: GPL-2.0
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "lg.h"

/*H:025
 * Counters under /sys/kernel/debug/lguest/, for the tests, "make bench"
 * and the curious: Guest exits, by trap (exits_by_trap: trap_31 is the
 * hypercall, 32 and up the Host's interrupts) and hypercalls by name
 * (hcalls, the ring's included), system calls that came through the
 * Host, interrupts raised and delivered, sleeps in HALT, breaks, entries
 * abandoned because something was raised on the way in (H:045), shadow
 * faults fixed (and the neighbours shadowed with them, H:425) and the
 * shadow-directory cache's hits and misses (and hits whose user half was
 * kept, H:470), the shadow pages and pins held (both back to zero with
 * no Guest left), NOTIFYs that went to an eventfd (H:049), NMIs noted
 * in the Switcher, and shadow entries made for a page above 4GB (only a
 * PAE Host has those, H:420).  A stuck Guest's numbers, read twice, say which
 * of these the run loop is still doing.
:*/
atomic_t lguest_exits, lguest_syscall_exits, lguest_irqs_raised,
	lguest_irqs_delivered, lguest_halts, lguest_breaks, lguest_kicked_entries,
	lguest_pinned_pages, lguest_shadow_pages, lguest_host_traps_latched,
	lguest_shadow_faults, lguest_shadow_around, lguest_pgdir_hits,
	lguest_pgdir_misses, lguest_pgdir_kept, lguest_notify_eventfds,
	lguest_high_frames;
atomic_t lguest_exits_by_trap[256], lguest_hcalls_by_nr[32];
static struct dentry *lguest_debugfs;


static int exits_by_trap_show(struct seq_file *m, void *unused)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lguest_exits_by_trap); i++)
		if (atomic_read(&lguest_exits_by_trap[i]))
			seq_printf(m, "trap_%u %d\n", i,
				   atomic_read(&lguest_exits_by_trap[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(exits_by_trap);

static int hcalls_by_name_show(struct seq_file *m, void *unused)
{
	static const char * const names[] = {
		[LHCALL_FLUSH_ASYNC] = "flush_async",
		[LHCALL_LGUEST_INIT] = "lguest_init",
		[LHCALL_SHUTDOWN] = "shutdown",
		[LHCALL_LOAD_GDT] = "load_gdt",
		[LHCALL_NEW_PGTABLE] = "new_pgtable",
		[LHCALL_FLUSH_TLB] = "flush_tlb",
		[LHCALL_LOAD_IDT_ENTRY] = "load_idt_entry",
		[LHCALL_SET_STACK] = "set_stack",
		[LHCALL_TS] = "ts",
		[LHCALL_SET_CLOCKEVENT] = "set_clockevent",
		[LHCALL_HALT] = "halt",
		[LHCALL_SET_PTE] = "set_pte",
		[LHCALL_SET_PMD] = "set_pmd",
		[LHCALL_LOAD_TLS] = "load_tls",
		[LHCALL_NOTIFY] = "notify",
		[LHCALL_SET_PUD] = "set_pud",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i] && atomic_read(&lguest_hcalls_by_nr[i]))
			seq_printf(m, "%s %d\n", names[i],
				   atomic_read(&lguest_hcalls_by_nr[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hcalls_by_name);

static void add_counter(const char *name, atomic_t *v)
{
	debugfs_create_atomic_t(name, 0444, lguest_debugfs, v);
}

void lguest_stats_init(void)
{
	lguest_debugfs = debugfs_create_dir("lguest", NULL);
	add_counter("exits", &lguest_exits);
	add_counter("syscall_exits", &lguest_syscall_exits);
	add_counter("irqs_raised", &lguest_irqs_raised);
	add_counter("irqs_delivered", &lguest_irqs_delivered);
	add_counter("halts", &lguest_halts);
	add_counter("breaks", &lguest_breaks);
	add_counter("kicked_entries", &lguest_kicked_entries);
	add_counter("pinned_pages", &lguest_pinned_pages);
	add_counter("shadow_pages", &lguest_shadow_pages);
	add_counter("host_traps_latched", &lguest_host_traps_latched);
	add_counter("shadow_faults", &lguest_shadow_faults);
	add_counter("shadow_around", &lguest_shadow_around);
	add_counter("pgdir_hits", &lguest_pgdir_hits);
	add_counter("pgdir_misses", &lguest_pgdir_misses);
	add_counter("pgdir_kept", &lguest_pgdir_kept);
	add_counter("notify_eventfds", &lguest_notify_eventfds);
	add_counter("high_frames", &lguest_high_frames);
	debugfs_create_file("exits_by_trap", 0444, lguest_debugfs, NULL,
			    &exits_by_trap_fops);
	debugfs_create_file("hcalls", 0444, lguest_debugfs, NULL,
			    &hcalls_by_name_fops);
}

void lguest_stats_exit(void)
{
	debugfs_remove_recursive(lguest_debugfs);
}

/* The trace events of H:026, made here once. */
#define CREATE_TRACE_POINTS
#include "trace.h"
