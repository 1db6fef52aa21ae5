// SPDX-License-Identifier: GPL-2.0
#include <linux/uaccess.h>
#include "lg.h"

/*H:300
 * Segments are x86's oldest form of protection, and the one lguest leans
 * on: the Guest's kernel runs in ring 1, so everything it may use must
 * be a ring-1 (or ring-3) segment, and the few entries the Switcher
 * needs (its own code and data, set aside in G:055, and the TSS) must be
 * beyond the Guest's reach.  The Guest hands us its GDT; we check it and
 * keep a copy.
 *
 * These GDT slots are the Host's in every Guest's GDT: the TSS (the
 * processor finds the Switcher's stack through it), the Switcher's two
 * segments and the double fault TSS.  Whatever the Guest puts there is
 * ignored.
:*/
static bool host_owned_gdt_entry(unsigned int num)
{
	return num == GDT_ENTRY_TSS || num == GDT_ENTRY_LGUEST_CS ||
	       num == GDT_ENTRY_LGUEST_DS || num == GDT_ENTRY_DOUBLEFAULT_TSS;
}

/*H:310
 * The rules for the rest: an entry that is present must be a code or
 * data segment (a TSS, LDT or gate would let the Guest switch tasks or
 * call into places we do not control), and not ring 0: an honest Guest
 * has already made its own ring 1 (ring1_segments(), G:060).  We set its
 * "accessed" bit ourselves: the Guest's GDT is read only to it, and the
 * processor would otherwise write that bit the first time the segment
 * is loaded.
 *
 * Try it: bad-gdt hands us a kernel code segment still at ring 0, and
 * "lguest 32 /guests/bad-gdt.elf" is told "GDT entry 12 asks for ring
 * 0".
:*/
static bool check_gdt_entry(struct lg_cpu *cpu, unsigned int num,
			    struct desc_struct *d)
{
	if (!d->p)
		return true;
	if (!d->s) {
		kill_guest(cpu, "GDT entry %u is a system segment (type %u)",
			   num, d->type);
		return false;
	}
	if (d->dpl == 0) {
		kill_guest(cpu, "GDT entry %u asks for ring 0", num);
		return false;
	}
	d->type |= 1;
	return true;
}

static void check_gdt_entries(struct lg_cpu *cpu, unsigned int start,
			      unsigned int end)
{
	unsigned int i;

	for (i = start; i < end; i++) {
		if (host_owned_gdt_entry(i))
			memset(&cpu->arch.gdt[i], 0, sizeof(cpu->arch.gdt[i]));
		else if (!check_gdt_entry(cpu, i, &cpu->arch.gdt[i]))
			return;
	}
}

/* LOAD_GDT: the Guest's whole table, from Guest physical memory. */
void load_guest_gdt(struct lg_cpu *cpu, unsigned long table, u32 num)
{
	if (num > GDT_ENTRIES) {
		kill_guest(cpu, "GDT of %u entries is too big", num);
		return;
	}
	cpu->arch.changed |= CHANGED_GDT;
	memset(cpu->arch.gdt, 0, sizeof(cpu->arch.gdt));
	__lgread(cpu, cpu->arch.gdt, table, num * sizeof(cpu->arch.gdt[0]));
	check_gdt_entries(cpu, 0, num);
}

/* LOAD_TLS: the three thread-local entries, on every task switch. */
void guest_load_tls(struct lg_cpu *cpu, unsigned long gtls)
{
	struct desc_struct *tls = &cpu->arch.gdt[GDT_ENTRY_TLS_MIN];

	cpu->arch.changed |= CHANGED_GDT_TLS;
	__lgread(cpu, tls, gtls, sizeof(*tls) * GDT_ENTRY_TLS_ENTRIES);
	check_gdt_entries(cpu, GDT_ENTRY_TLS_MIN, GDT_ENTRY_TLS_MAX + 1);
}

/*H:320
 * The entries we put in every Guest GDT, once per physical CPU: the
 * Switcher's flat ring-0 code and data segments, and a TSS whose ring-0
 * stack is the top of this CPU's register page (see H:015).  The TSS
 * has no I/O bitmap, so the Guest cannot touch a port.
:*/
static void set_flat_segment(struct desc_struct *d, u16 flags)
{
	*d = (struct desc_struct)GDT_ENTRY_INIT(flags, 0, 0xfffff);
}

void setup_default_gdt_entries(struct lguest_ro_state *state)
{
	struct desc_struct *gdt = state->guest_gdt;

	set_flat_segment(&gdt[GDT_ENTRY_LGUEST_CS], DESC_CODE32);
	set_flat_segment(&gdt[GDT_ENTRY_LGUEST_DS], DESC_DATA32);
	set_tssldt_descriptor(&gdt[GDT_ENTRY_TSS],
			      (unsigned long)&state->guest_tss, DESC_TSS,
			      sizeof(state->guest_tss) - 1);
}

/* The Host needs its own copy of the Switcher's segments, too. */
void setup_host_gdt_entries(struct desc_struct *gdt)
{
	set_flat_segment(&gdt[GDT_ENTRY_LGUEST_CS], DESC_CODE32);
	set_flat_segment(&gdt[GDT_ENTRY_LGUEST_DS], DESC_DATA32);
}

/*
 * The Guest's entries go into this CPU's real GDT when they changed
 * (H:522): all of them, or only the three TLS slots a task switch
 * changes.  The TSS entry is made "available" again before every run:
 * the Switcher's ltr marks it busy and would refuse it next time.
 */
void copy_gdt(const struct lg_cpu *cpu, struct desc_struct *gdt)
{
	unsigned int i;

	for (i = 0; i < GDT_ENTRIES; i++)
		if (!host_owned_gdt_entry(i))
			gdt[i] = cpu->arch.gdt[i];
}

void copy_gdt_tls(const struct lg_cpu *cpu, struct desc_struct *gdt)
{
	unsigned int i;

	for (i = GDT_ENTRY_TLS_MIN; i <= GDT_ENTRY_TLS_MAX; i++)
		gdt[i] = cpu->arch.gdt[i];
}

void make_tss_available(struct desc_struct *gdt)
{
	gdt[GDT_ENTRY_TSS].type = DESC_TSS;
}

/*M:060
 * The last exercise is the one every kernel hacker does first: break it.
 * Take the ring-0 test out of check_gdt_entry() (H:310), run make, then
 * "run_tests.sh host-guests", and watch it catch bad-gdt getting further
 * than it should.  Most rules in this book have a tiny Guest, a unit test
 * or a scenario that fails when the rule goes: a rule you find without
 * one is a test to write, and a hole you find with no rule is a patch to
 * send.
 *
 * That is the end of the journey.  Thank you for reading this far; now
 * go and leave lguest better than you found it.
:*/
