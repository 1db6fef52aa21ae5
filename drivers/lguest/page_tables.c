// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/uaccess.h>
#include <asm/trap_pf.h>
#include "lg.h"

/*H:400
 * Shadow page tables.  The Guest keeps page tables like any kernel, but
 * it cannot be allowed to give them to the processor: its "physical"
 * addresses are offsets into the Launcher's memory, not real ones, and
 * it could map anything.  So the processor runs the Guest on tables the
 * Host builds, a shadow of the Guest's: each entry is filled in when the
 * Guest first faults on it, with the real page that backs the Guest's
 * page.  The Guest tells us by hypercall when it changes an entry, so we
 * can throw away our stale copy.
 *
 * An address in the Guest passes through three hands before it is real:
 *
 *	Guest virtual     the Guest's page tables      Guest physical
 *	Guest physical    + mem_base (H:030)           Launcher virtual
 *	Launcher virtual  the Launcher's page tables   Host physical
 *
 * A shadow entry is all three at once, Guest virtual to Host physical:
 * we walk the Guest's tables ourselves and ask the Host's memory manager
 * for the last step, which also pins the page for as long as the shadow
 * holds it.  That is the only table the processor ever sees.
 *
 * The way through: the two formats a Host may have, two-level and PAE
 * (H:402), what a shadow entry holds (H:405 to H:420, with the kernel's
 * tables that every shadow shares in H:415), the fault that fills one
 * in (H:430), the Host's own walk of the Guest's tables (H:440), the
 * hypercalls that empty them (H:450 to H:470), and the Switcher's place
 * in every shadow (H:480).  First, a few helpers: the shadow the Guest
 * runs on now and the Guest's page directory it shadows, both from the
 * cache of them in struct lguest (H:010), where its kernel begins, and
 * the pages shadows are made of, counted.
:*/
/* The shadow page directory the Guest runs on now. */
static pgd_t *current_spgd(struct lg_cpu *cpu)
{
	return cpu->lg->pgdirs[cpu->cpu_pgd].pgdir;
}

static unsigned long current_gpgdir(struct lg_cpu *cpu)
{
	return cpu->lg->pgdirs[cpu->cpu_pgd].gpgdir;
}

/* The Guest's kernel half, from the kernel_address of LGUEST_INIT up. */
static bool is_kernel_address(const struct lguest *lg, unsigned long vaddr)
{
	return lg->kernel_address && vaddr >= lg->kernel_address;
}

/*
 * Shadow directories and tables come and go with the Guest's whims; the
 * debugfs count of them (and of the pins below) must fall back to zero
 * when the last Guest is gone, which is how the fuzzing tests see a leak.
 */
static void *alloc_shadow_page(void)
{
	void *page = (void *)get_zeroed_page(GFP_KERNEL);

	if (page)
		atomic_inc(&lguest_shadow_pages);
	return page;
}

static void free_shadow_page(void *page)
{
	if (page)
		atomic_dec(&lguest_shadow_pages);
	free_page((unsigned long)page);
}

/*H:402
 * Two formats.  A two-level Host has the classic i386 tables: a page
 * directory of 1024 entries, each pointing at a page table of 1024
 * four-byte entries, 4MB apiece.  A PAE Host (CONFIG_X86_PAE, the
 * format every current 32-bit distribution kernel uses) has entries of
 * eight bytes, so a table holds 512 and covers 2MB, and one more level
 * on top: %cr3 names a page-directory-pointer table of four entries,
 * each pointing at a page middle directory of 512 entries for its
 * gigabyte.  The extra bits buy frames above 4GB and bit 63, NX: a page
 * the processor will not execute.  The Guest's tables are in the Host's
 * format; LGUEST_INIT refuses a Guest built for the other one (H:100).
 *
 * Most of this file does not care which: what it shadows is the stretch
 * of address space one page table covers, which we call a slot (4MB or
 * 2MB, vaddr >> PMD_SHIFT), and the entry that points at its page table
 * (a page directory entry, or a middle directory entry under PAE; the
 * kernel folds the missing level away, so pmd_t is both).  Only finding
 * that entry walks one level more.  The kernel's accessors, pte_val()
 * and __pte(), pmd_val() and __pmd(), pgd_val() and __pgd(), read and
 * make entries of either width: on a paravirtualized kernel they are
 * patchable calls, which patches/0004 makes the plain native ones under
 * PAE, since a call site cannot carry 64 bits on i386.  The pointer level is the fussiest
 * of all: its entries may hold nothing but the present and cache bits
 * and the address (not even "writable" or NX), and the processor reads
 * all four when %cr3 is loaded, which the Switcher does on every entry
 * to the Guest.
:*/
#define SLOTS		(1UL << (32 - PMD_SHIFT))

static unsigned int slot_of(unsigned long vaddr)
{
	return vaddr >> PMD_SHIFT;
}

static unsigned long slot_addr(unsigned int slot)
{
	return (unsigned long)slot << PMD_SHIFT;
}

/* The slot the Switcher lives in, and nothing of the Guest's above. */
static unsigned int switcher_slot(void)
{
	return slot_of(switcher_addr);
}

static void *entry_page(u64 entry)
{
	return __va(entry & PTE_PFN_MASK);
}

static pte_t *spte_page(pmd_t spmd)
{
	return entry_page(pmd_val(spmd));
}

/*
 * The shadow entry for vaddr's slot: in a two-level directory the
 * directory entry itself; under PAE the middle directory's, or NULL if
 * the pointer table has no middle directory there yet.
 */
static pmd_t *spmd_of(pgd_t *spgdir, unsigned long vaddr)
{
#ifdef CONFIG_X86_PAE
	pgd_t spgd = spgdir[pgd_index(vaddr)];

	if (!(pgd_val(spgd) & _PAGE_PRESENT))
		return NULL;
	return (pmd_t *)entry_page(pgd_val(spgd)) + pmd_index(vaddr);
#else
	return (pmd_t *)&spgdir[pgd_index(vaddr)];
#endif
}

/* The same, making the middle directory if it is missing. */
static pmd_t *make_spmd(struct lg_cpu *cpu, pgd_t *spgdir,
			unsigned long vaddr)
{
#ifdef CONFIG_X86_PAE
	pgd_t *spgd = &spgdir[pgd_index(vaddr)];

	if (!(pgd_val(*spgd) & _PAGE_PRESENT)) {
		void *pmds = alloc_shadow_page();

		if (!pmds) {
			kill_guest(cpu, "out of memory for shadow page tables");
			return NULL;
		}
		/* Present and the address: nothing else is allowed here. */
		*spgd = __pgd(__pa(pmds) | _PAGE_PRESENT);
	}
#endif
	return spmd_of(spgdir, vaddr);
}

/* A new, empty shadow directory, with room for the Switcher (H:480). */
static pgd_t *new_spgdir(struct lg_cpu *cpu)
{
	pgd_t *spgdir = alloc_shadow_page();

	if (spgdir && !make_spmd(cpu, spgdir, switcher_addr)) {
		free_shadow_page(spgdir);
		return NULL;
	}
	return spgdir;
}

/*H:405
 * Each present shadow entry holds a pin on the real page behind it,
 * taken with pin_user_pages_fast(): while the Guest can reach the page
 * through our tables, the Launcher's memory cannot be swapped, moved or
 * freed from under it.  The pin may last as long as the Guest, so we say
 * FOLL_LONGTERM, and the kernel first moves the page out of any zone
 * that must stay movable.  Throwing an entry away drops the pin.
:*/
static void release_pte(pte_t *spte)
{
	if (pte_present(*spte)) {
		unpin_user_page(pte_page(*spte));
		atomic_dec(&lguest_pinned_pages);
	}
	*spte = __pte(0);
}

static void free_ptes(pte_t *ptes)
{
	unsigned int i;

	for (i = 0; i < PTRS_PER_PTE; i++)
		release_pte(&ptes[i]);
	free_shadow_page(ptes);
}

/*
 * A kernel slot may point at a page table every shadow shares (H:415):
 * letting go of the slot does not free that.
 */
static bool shares_kernel_ptes(const struct lguest *lg, unsigned int slot,
			       pmd_t spmd)
{
	return lg->kernel_ptes[slot].ptes == spte_page(spmd);
}

static void release_spmd(struct lguest *lg, pmd_t *spmd, unsigned int slot)
{
	if (!(pmd_val(*spmd) & _PAGE_PRESENT))
		return;
	if (!shares_kernel_ptes(lg, slot, *spmd))
		free_ptes(spte_page(*spmd));
	*spmd = __pmd(0);
}

/* Let go of slots [start, end); a missing middle directory skips 512. */
static void release_slots(struct lguest *lg, pgd_t *spgdir,
			  unsigned int start, unsigned int end)
{
	unsigned int slot;

	for (slot = start; slot < end; slot++) {
		pmd_t *spmd = spmd_of(spgdir, slot_addr(slot));

		if (!spmd)
			slot |= PTRS_PER_PMD - 1;
		else
			release_spmd(lg, spmd, slot);
	}
}

/* All of a shadow directory below the Switcher, then (PAE) its levels. */
static void free_spgdir(struct lguest *lg, pgd_t *spgdir)
{
	unsigned int i;

	release_slots(lg, spgdir, 0, switcher_slot());
	if (PTRS_PER_PMD > 1)
		for (i = 0; i < PTRS_PER_PGD; i++)
			if (pgd_val(spgdir[i]) & _PAGE_PRESENT)
				free_shadow_page(entry_page(pgd_val(spgdir[i])));
	free_shadow_page(spgdir);
}

/*H:415
 * The kernel's half of every Guest page directory is the same (Linux
 * copies it into each new one, or under PAE points each at the same
 * middle directory), so its shadow is the same too.  Once shadows of it
 * were made for each page directory alone, and each new process (a
 * fork, an exec) faulted in, one by one, every kernel page it touched:
 * most of its faults.  Now each kernel slot has one shadow page table,
 * in lg->kernel_ptes, which every shadow directory points at, along
 * with the Guest page table it shadows: a directory whose Guest entry
 * names another one is not the same after all, and the shared one goes.
 * A shared table is freed only once no shadow directory points at it,
 * and that is all this does.
:*/
static void release_kernel_ptes(struct lguest *lg, unsigned int slot)
{
	pte_t *ptes = lg->kernel_ptes[slot].ptes;
	unsigned int i;

	if (!ptes)
		return;
	for (i = 0; i < PGDIR_CACHE; i++) {
		pmd_t *spmd = lg->pgdirs[i].pgdir ?
			spmd_of(lg->pgdirs[i].pgdir, slot_addr(slot)) : NULL;

		if (spmd && (pmd_val(*spmd) & _PAGE_PRESENT) &&
		    spte_page(*spmd) == ptes)
			*spmd = __pmd(0);
	}
	lg->kernel_ptes[slot].ptes = NULL;
	free_ptes(ptes);
}

static void release_all_kernel_ptes(struct lguest *lg)
{
	unsigned int slot;

	for (slot = 0; slot < SLOTS; slot++)
		release_kernel_ptes(lg, slot);
}

/* The slot's shared table, if it shadows the Guest's one, or a new one. */
static pte_t *kernel_ptes(struct lguest *lg, unsigned int slot, u64 gpmd)
{
	struct kernel_shadow *k = &lg->kernel_ptes[slot];

	if (k->ptes && k->gptes != (gpmd & PTE_PFN_MASK))
		release_kernel_ptes(lg, slot);
	if (!k->ptes) {
		k->ptes = alloc_shadow_page();
		k->gptes = gpmd & PTE_PFN_MASK;
	}
	return k->ptes;
}

/*H:410
 * A Guest page-table entry may only name pages of the Guest's memory.
 * One that points beyond pfn_limit is not a mistake we can reflect; we
 * kill the Guest.  Under PAE an entry has bits the processor reserves
 * (52 to 62, and NX if the Host runs without it), and the pointer
 * level reserves nearly everything but the address: a Guest entry
 * with any of them set would be a fault the Guest could not explain,
 * so that kills it too.  The frame is compared as all 64 bits: cut to
 * 32 it would wrap into the Guest's memory.
 *
 * Try it: bad-pfn builds page tables of its own with one entry pointing
 * far past its memory and touches it; "lguest 32 /guests/bad-pfn.elf"
 * gets "beyond Guest memory", not somebody else's page.  Its PAE twin
 * does it with a frame above 4GB.
:*/
#ifdef CONFIG_X86_PAE
#define GUEST_RESERVED_BITS	(GENMASK_ULL(62, 52) | \
				 (_PAGE_NX & ~__supported_pte_mask))
#define GUEST_PDPTE_RESERVED	(GENMASK_ULL(63, 52) | GENMASK_ULL(8, 5) | \
				 _PAGE_RW | _PAGE_USER)
#else
#define GUEST_RESERVED_BITS	0
#endif

static bool check_gpfn(struct lg_cpu *cpu, u64 gentry, unsigned long vaddr)
{
	u64 gpfn = (gentry & PTE_PFN_MASK) >> PAGE_SHIFT;

	if (gpfn < cpu->lg->pfn_limit)
		return true;
	kill_guest(cpu, "page table maps %#lx to %#llx, beyond Guest memory",
		   vaddr, gpfn << PAGE_SHIFT);
	return false;
}

/* A present entry of a page table or directory, before we use it. */
static bool check_gentry(struct lg_cpu *cpu, u64 gentry, unsigned long vaddr)
{
	if (gentry & GUEST_RESERVED_BITS) {
		kill_guest(cpu, "page table entry %#llx for %#lx has reserved bits set",
			   gentry, vaddr);
		return false;
	}
	return check_gpfn(cpu, gentry, vaddr);
}

/*H:420
 * Making a shadow entry from a Guest's: the same permission bits, NX
 * among them, but the real page.  We leave out "global" (the Guest's
 * global pages must not outlive a switch back to the Host) and, until
 * the Guest's entry is dirty, "writable": the first write then faults
 * to us and we set the dirty bit in the Guest's entry, as the processor
 * would have.  pfn_pte() keeps NX only where the Host has it on.
:*/
static pte_t gpte_to_spte(struct lg_cpu *cpu, pteval_t gpte,
			  unsigned long vaddr)
{
	pteval_t flags = gpte & (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
				 _PAGE_PWT | _PAGE_PCD | _PAGE_ACCESSED |
				 _PAGE_DIRTY | _PAGE_NX);
	unsigned long gpfn = (gpte & PTE_PFN_MASK) >> PAGE_SHIFT;
	struct page *page;

	if (!(gpte & _PAGE_DIRTY))
		flags &= ~_PAGE_RW;
	if (pin_user_pages_fast((unsigned long)cpu->lg->mem_base +
				gpfn * PAGE_SIZE, 1, FOLL_WRITE | FOLL_LONGTERM,
				&page) != 1) {
		kill_guest(cpu, "cannot get the page behind Guest address %#lx",
			   gpfn << PAGE_SHIFT);
		return __pte(0);
	}
	atomic_inc(&lguest_pinned_pages);
	if (page_to_pfn(page) >= BIT(32 - PAGE_SHIFT))
		atomic_inc(&lguest_high_frames);
	return pfn_pte(page_to_pfn(page), __pgprot(flags));
}

/*
 * The Guest's entry for vaddr's slot: the entry of its page directory,
 * or under PAE of the middle directory its pointer entry names.  A
 * pointer entry that is not present reads as an entry that is not.
 */
static u64 read_gpmd(struct lg_cpu *cpu, unsigned long gpgdir,
		     unsigned long vaddr)
{
#ifdef CONFIG_X86_PAE
	u64 gpgd = lgread(cpu, gpgdir + pgd_index(vaddr) * sizeof(pgd_t), u64);

	if (!(gpgd & _PAGE_PRESENT))
		return 0;
	if (gpgd & GUEST_PDPTE_RESERVED) {
		kill_guest(cpu, "page directory pointer entry %#llx for %#lx has reserved bits set",
			   gpgd, vaddr);
		return 0;
	}
	if (!check_gpfn(cpu, gpgd, vaddr))
		return 0;
	return lgread(cpu, (gpgd & PTE_PFN_MASK) +
		      pmd_index(vaddr) * sizeof(pmd_t), u64);
#else
	return lgread(cpu, gpgdir + pgd_index(vaddr) * sizeof(pgd_t), u32);
#endif
}

static unsigned long gpte_addr(u64 gpmd, unsigned long vaddr)
{
	return (gpmd & PTE_PFN_MASK) + pte_index(vaddr) * sizeof(pte_t);
}

/*
 * Would the Guest's own tables let this access through?  An instruction
 * fetch from a page either level marks NX is the Guest's fault, which
 * is how its no-execute pages stay so.
 */
static bool access_allowed(u64 gentry, int errcode)
{
	if (!(gentry & _PAGE_PRESENT))
		return false;
	if ((errcode & X86_PF_WRITE) && !(gentry & _PAGE_RW))
		return false;
	if ((errcode & X86_PF_USER) && !(gentry & _PAGE_USER))
		return false;
	if ((errcode & X86_PF_INSTR) && (gentry & _PAGE_NX))
		return false;
	return true;
}

/* The bits of a Guest's directory entry its shadow keeps. */
static pmdval_t spmd_flags(u64 gpmd)
{
	return gpmd & (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED |
		       _PAGE_NX);
}

/* A shadow page table for vaddr's slot, made if there is none yet. */
static pte_t *shadow_pte(struct lg_cpu *cpu, u64 gpmd, unsigned long vaddr)
{
	unsigned int slot = slot_of(vaddr);
	pmd_t *spmd = make_spmd(cpu, current_spgd(cpu), vaddr);

	if (!spmd)
		return NULL;
	if (!(pmd_val(*spmd) & _PAGE_PRESENT)) {
		void *page = is_kernel_address(cpu->lg, vaddr) ?
			kernel_ptes(cpu->lg, slot, gpmd) : alloc_shadow_page();

		if (!page) {
			kill_guest(cpu, "out of memory for shadow page tables");
			return NULL;
		}
		*spmd = __pmd((__pa(page) | spmd_flags(gpmd)) &
			      __supported_pte_mask);
	}
	return spte_page(*spmd) + pte_index(vaddr);
}

/*H:425
 * One fault, sixteen pages.  Starting a program touches hundreds of
 * pages, and each was a fault to us and a trip back into the Guest,
 * with the Guest's own tables already mapping most of them: its
 * fault-around maps the sixteen pages around a file fault at once.  So
 * when we make a shadow entry for a fault (demand_page(), next, H:430)
 * we make the missing ones beside it too,
 * in the same aligned block of sixteen, wherever the Guest's entry is
 * present and already accessed.
 *
 * That is what a processor's TLB may do, too: it may load any entry the
 * tables allow, whenever it likes, so the Guest already tells us
 * (H:450) when it changes an entry that was present.  Only the accessed
 * and dirty bits are ours to keep honest: an entry the processor has
 * never touched stays out (we would have to set its accessed bit for a
 * page nobody used), and one not yet dirty goes in read only, as in
 * H:420.  A neighbour past the Guest's memory, or with reserved bits,
 * is left for its own fault to kill the Guest, if anything ever
 * touches it.
:*/
#define SHADOW_AROUND	16

static bool worth_shadowing(struct lg_cpu *cpu, pteval_t gpte)
{
	return (gpte & (_PAGE_PRESENT | _PAGE_ACCESSED)) ==
		(_PAGE_PRESENT | _PAGE_ACCESSED) &&
	       !(gpte & GUEST_RESERVED_BITS) &&
	       ((gpte & PTE_PFN_MASK) >> PAGE_SHIFT) < cpu->lg->pfn_limit;
}

static void shadow_neighbours(struct lg_cpu *cpu, u64 gpmd,
			      unsigned long vaddr)
{
	unsigned long start = vaddr & ~(SHADOW_AROUND * PAGE_SIZE - 1);
	pteval_t gptes[SHADOW_AROUND];
	pte_t *sptes;
	unsigned int i;

	__lgread(cpu, gptes, gpte_addr(gpmd, start), sizeof(gptes));
	sptes = shadow_pte(cpu, gpmd, start);
	for (i = 0; sptes && i < SHADOW_AROUND && !cpu->lg->dead; i++) {
		if (pte_present(sptes[i]) || !worth_shadowing(cpu, gptes[i]))
			continue;
		sptes[i] = gpte_to_spte(cpu, gptes[i], start + i * PAGE_SIZE);
		atomic_inc(&lguest_shadow_around);
	}
}

/*
 * A fault the Guest's own tables would have taken is the Guest's, with
 * the error code they would have given: the processor said whether our
 * shadow had the page, and the Guest must hear whether its tables did.
 * Linux tells a fetch from a no-execute page (present) from one from a
 * page not there yet (which it fills in, and returns to retry) by that
 * bit alone: with ours, a jump into a no-execute page that was not yet
 * shadowed would retry for ever instead of ending in SIGSEGV.
 */
static bool guests_own_fault(struct lg_cpu *cpu, bool present)
{
	if (present)
		cpu->regs.errcode |= X86_PF_PROT;
	else
		cpu->regs.errcode &= ~X86_PF_PROT;
	return false;
}

/*H:430
 * A page fault in the Guest comes here first.  We walk the Guest's own
 * tables for the address: if they do not allow the access, the fault
 * is the Guest's and we return false to have it reflected.  If they
 * do, our shadow was merely missing (or read only until dirty): we set
 * the accessed and dirty bits in the Guest's entry, as the processor
 * would have, make the shadow entry and its neighbours (H:425), and
 * the Guest runs on none the wiser.
 *
 * Try it: fault reads an address its tables do not map, and its own
 * handler gets the fault with that address in lguest_data.cr2, which
 * reflect_page_fault() (H:550) wrote there; "lguest 32
 * /guests/fault.elf" says so.  bad-large-page (PAE) maps a 2MB page
 * and is killed for it.
:*/
bool demand_page(struct lg_cpu *cpu, unsigned long vaddr, int errcode)
{
	u64 gpmd;
	pteval_t gpte, new_gpte;
	pte_t *spte;

	if (vaddr >= switcher_addr) {
		kill_guest(cpu, "page fault at %#lx, in the Switcher's space",
			   vaddr);
		return true;
	}
	gpmd = read_gpmd(cpu, current_gpgdir(cpu), vaddr);
	if (cpu->lg->dead)
		return true;
	if (!(gpmd & _PAGE_PRESENT))
		return guests_own_fault(cpu, false);
	if (gpmd & _PAGE_PSE) {
		kill_guest(cpu, "large page at %#lx: not supported", vaddr);
		return true;
	}
	if (!check_gentry(cpu, gpmd, vaddr))
		return true;

	gpte = lgread(cpu, gpte_addr(gpmd, vaddr), pteval_t);
	if (!access_allowed(gpmd, errcode) || !access_allowed(gpte, errcode))
		return guests_own_fault(cpu, gpte & _PAGE_PRESENT);
	if (!check_gentry(cpu, gpte, vaddr))
		return true;

	new_gpte = gpte | _PAGE_ACCESSED;
	if (errcode & X86_PF_WRITE)
		new_gpte |= _PAGE_DIRTY;
	if (new_gpte != gpte)
		lgwrite(cpu, gpte_addr(gpmd, vaddr), pteval_t, new_gpte);

	spte = shadow_pte(cpu, gpmd, vaddr);
	if (!spte || cpu->lg->dead)
		return true;
	release_pte(spte);
	*spte = gpte_to_spte(cpu, new_gpte, vaddr);
	atomic_inc(&lguest_shadow_faults);
	shadow_neighbours(cpu, gpmd, vaddr);
	return true;
}

/*H:440
 * The Host sometimes needs to know what a Guest virtual address means
 * (to push an interrupt frame on the Guest's stack): that is a walk of
 * the Guest's tables, and an address they do not map kills the Guest.
:*/
unsigned long guest_pa(struct lg_cpu *cpu, unsigned long vaddr)
{
	u64 gpmd;
	pteval_t gpte;

	gpmd = read_gpmd(cpu, current_gpgdir(cpu), vaddr);
	if (cpu->lg->dead)
		return 0;
	if (!(gpmd & _PAGE_PRESENT) || (gpmd & _PAGE_PSE) ||
	    !check_gentry(cpu, gpmd, vaddr)) {
		kill_guest(cpu, "Guest address %#lx is not mapped", vaddr);
		return 0;
	}
	gpte = lgread(cpu, gpte_addr(gpmd, vaddr), pteval_t);
	if (!(gpte & _PAGE_PRESENT) || !check_gentry(cpu, gpte, vaddr)) {
		kill_guest(cpu, "Guest address %#lx is not mapped", vaddr);
		return 0;
	}
	return (gpte & PTE_PFN_MASK) | (vaddr & ~PAGE_MASK);
}

/*H:450
 * The Guest's hypercalls about its tables, which G:090 makes on a flush
 * of one page and on every change to a present directory entry.  We
 * never copy the new value: dropping our shadow of the entry is always
 * right, and the next fault brings in whatever the Guest's table says
 * then.  That is why no hypercall carries a page table entry, and PAE
 * changed none of their meanings: SET_PMD names the page holding the
 * entry and its index there, and under PAE that page is a middle
 * directory, which we look for among the pointer tables we shadow;
 * SET_PUD, PAE's own, names a pointer table and an entry in it.
 * Kernel mappings are the same in all the Guest's page directories, so
 * a change there drops the slot from every shadow we hold.  No entry of
 * the Guest's may cover the Switcher: that slot is ours in every shadow
 * (H:480).
 *
 * Try it: bad-switcher asks for a mapping in the Switcher's space, and
 * is told it "would cover the Switcher"; on a PAE Host bad-switcher-pmd
 * asks for the Switcher's middle directory entry, and is told the same.
:*/
static int find_pgdir(const struct lguest *lg, unsigned long gpgdir)
{
	int i;

	for (i = 0; i < PGDIR_CACHE; i++)
		if (lg->pgdirs[i].pgdir && lg->pgdirs[i].gpgdir == gpgdir)
			return i;
	return -1;
}

static void drop_spte(pgd_t *spgdir, unsigned long vaddr)
{
	pmd_t *spmd = spmd_of(spgdir, vaddr);

	if (spmd && (pmd_val(*spmd) & _PAGE_PRESENT))
		release_pte(spte_page(*spmd) + pte_index(vaddr));
}

void guest_set_pte(struct lg_cpu *cpu, unsigned long gpgdir,
		   unsigned long vaddr)
{
	struct lguest *lg = cpu->lg;
	int i;

	if (vaddr >= switcher_addr) {
		kill_guest(cpu, "mapping at %#lx would cover the Switcher",
			   vaddr);
		return;
	}
	if (is_kernel_address(lg, vaddr)) {
		pte_t *shared = lg->kernel_ptes[slot_of(vaddr)].ptes;

		if (shared)
			release_pte(shared + pte_index(vaddr));
		for (i = 0; i < PGDIR_CACHE; i++)
			if (lg->pgdirs[i].pgdir)
				drop_spte(lg->pgdirs[i].pgdir, vaddr);
		return;
	}
	i = find_pgdir(lg, gpgdir);
	if (i >= 0)
		drop_spte(lg->pgdirs[i].pgdir, vaddr);
}

/* Forget one slot: in every shadow if it is the kernel's, else in pgdir i. */
static void drop_slot(struct lg_cpu *cpu, int i, unsigned int slot)
{
	struct lguest *lg = cpu->lg;
	int j;

	if (slot >= switcher_slot()) {
		kill_guest(cpu, "page directory entry for %#lx would cover the Switcher",
			   slot_addr(slot));
		return;
	}
	if (is_kernel_address(lg, slot_addr(slot))) {
		release_kernel_ptes(lg, slot);
		for (j = 0; j < PGDIR_CACHE; j++)
			if (lg->pgdirs[j].pgdir)
				release_slots(lg, lg->pgdirs[j].pgdir, slot,
					      slot + 1);
		return;
	}
	if (i >= 0)
		release_slots(lg, lg->pgdirs[i].pgdir, slot, slot + 1);
}

void guest_set_pmd(struct lg_cpu *cpu, unsigned long gpmds, u32 idx)
{
#ifdef CONFIG_X86_PAE
	struct lguest *lg = cpu->lg;
	unsigned int i, j;
	u64 gpgd;

	if (idx >= PTRS_PER_PMD) {
		kill_guest(cpu, "middle directory entry %u is out of range", idx);
		return;
	}
	for (i = 0; i < PGDIR_CACHE && !lg->dead; i++) {
		if (!lg->pgdirs[i].pgdir)
			continue;
		for (j = 0; j < PTRS_PER_PGD && !lg->dead; j++) {
			gpgd = lgread(cpu, lg->pgdirs[i].gpgdir +
				      j * sizeof(pgd_t), u64);
			if ((gpgd & _PAGE_PRESENT) &&
			    (gpgd & PTE_PFN_MASK) == gpmds)
				drop_slot(cpu, i, j * PTRS_PER_PMD + idx);
		}
	}
#else
	drop_slot(cpu, find_pgdir(cpu->lg, gpmds), idx);
#endif
}

void guest_set_pud(struct lg_cpu *cpu, unsigned long gpgdir, u32 idx)
{
	unsigned int slot, end;
	int i;

	if (PTRS_PER_PMD == 1) {
		kill_guest(cpu, "SET_PUD under a two-level Host");
		return;
	}
	if (idx >= PTRS_PER_PGD) {
		kill_guest(cpu, "page directory pointer entry %u is out of range",
			   idx);
		return;
	}
	i = find_pgdir(cpu->lg, gpgdir);
	end = min_t(unsigned int, (idx + 1) * PTRS_PER_PMD, switcher_slot());
	for (slot = idx * PTRS_PER_PMD; slot < end && !cpu->lg->dead; slot++)
		drop_slot(cpu, i, slot);
}

/*H:460
 * FLUSH_TLB is where a native kernel would reload CR3 or invlpg: the
 * Guest may have changed entries behind our back (the processor's own
 * atomic updates are not hypercalls), so we drop the user part of the
 * current shadow, or everything if the Guest says so.  "User part" means
 * below the kernel_address the Guest gave at LGUEST_INIT, which is why
 * H:100 would not let bad-kernel-address put it in the Switcher.
:*/
static void flush_user_mappings(struct lg_cpu *cpu)
{
	struct lguest *lg = cpu->lg;
	/* LGUEST_INIT keeps kernel_address below the Switcher's slot. */
	unsigned int end = lg->kernel_address ? slot_of(lg->kernel_address)
					      : switcher_slot();

	release_slots(lg, current_spgd(cpu), 0, end);
}

void guest_flush_tlb(struct lg_cpu *cpu, unsigned long all)
{
	struct lguest *lg = cpu->lg;
	int i;

	if (!all) {
		flush_user_mappings(cpu);
		return;
	}
	release_all_kernel_ptes(lg);
	for (i = 0; i < PGDIR_CACHE; i++)
		if (lg->pgdirs[i].pgdir)
			release_slots(lg, lg->pgdirs[i].pgdir, 0,
				      switcher_slot());
}

/*H:470
 * NEW_PGTABLE is a CR3 load (lguest_write_cr3(), G:090).  We keep shadows
 * of a few page directories (processes switch back and forth), and on a
 * miss we take over a slot other than the current one, throwing its
 * contents away.  The kernel part of a kept shadow is always good.  The
 * user part, like a real CR3 load, is forgotten: the Guest may have
 * changed it while it was not loaded without telling anyone (a processor
 * would not have needed telling).  Unless the Guest says nothing there
 * changed (LGUEST_PGTABLE_UNCHANGED, which G:092 works out as Linux does
 * for a processor's address-space IDs): then a process switched back to
 * finds its pages where it left them, with no fault for each.  The
 * Guest can only fool itself with that; pgdir_kept counts the times.
 *
 * A PAE pointer table is only 32 bytes, and Linux keeps them in a slab
 * of 32-byte objects, so that is the alignment we ask of one.
:*/
#define GPGDIR_SIZE	(PTRS_PER_PGD * sizeof(pgd_t))

static bool check_gpgdir(struct lg_cpu *cpu, unsigned long gpgdir)
{
	if (IS_ALIGNED(gpgdir, GPGDIR_SIZE) &&
	    gpgdir / PAGE_SIZE < cpu->lg->pfn_limit)
		return true;
	kill_guest(cpu, "bad page directory %#lx", gpgdir);
	return false;
}

/*
 * A new shadow directory starts with the kernel's shared tables (H:415)
 * wherever the Guest's directory names the tables they shadow.
 */
static void point_at_kernel_ptes(struct lg_cpu *cpu, pgd_t *spgdir,
				 unsigned long gpgdir)
{
	struct lguest *lg = cpu->lg;
	unsigned int slot;
	pmd_t *spmd;
	u64 gpmd;

	if (!lg->kernel_address)
		return;
	for (slot = slot_of(lg->kernel_address);
	     slot < switcher_slot() && !lg->dead; slot++) {
		if (!lg->kernel_ptes[slot].ptes)
			continue;
		gpmd = read_gpmd(cpu, gpgdir, slot_addr(slot));
		if (!(gpmd & _PAGE_PRESENT) || (gpmd & _PAGE_PSE) ||
		    (gpmd & PTE_PFN_MASK) != lg->kernel_ptes[slot].gptes)
			continue;
		spmd = make_spmd(cpu, spgdir, slot_addr(slot));
		if (spmd)
			*spmd = __pmd((__pa(lg->kernel_ptes[slot].ptes) |
				       spmd_flags(gpmd)) & __supported_pte_mask);
	}
}

void guest_new_pagetable(struct lg_cpu *cpu, unsigned long gpgdir,
			 bool unchanged)
{
	struct lguest *lg = cpu->lg;
	int i;

	if (!check_gpgdir(cpu, gpgdir))
		return;
	i = find_pgdir(lg, gpgdir);
	if (i >= 0) {
		atomic_inc(&lguest_pgdir_hits);
		cpu->cpu_pgd = i;
		if (unchanged)
			atomic_inc(&lguest_pgdir_kept);
		else
			flush_user_mappings(cpu);
		return;
	}
	atomic_inc(&lguest_pgdir_misses);
	i = (cpu->cpu_pgd + 1) % PGDIR_CACHE;
	if (!lg->pgdirs[i].pgdir) {
		lg->pgdirs[i].pgdir = new_spgdir(cpu);
		if (!lg->pgdirs[i].pgdir) {
			kill_guest(cpu, "out of memory for a page directory");
			return;
		}
	} else {
		release_slots(lg, lg->pgdirs[i].pgdir, 0, switcher_slot());
	}
	lg->pgdirs[i].gpgdir = gpgdir;
	cpu->cpu_pgd = i;
	point_at_kernel_ptes(cpu, lg->pgdirs[i].pgdir, gpgdir);
}

/*H:480
 * The Switcher in every shadow: its slot points at a page table of our
 * own, which maps the code page read only, and this physical CPU's two
 * pages: the register page writable (the processor pushes trap frames
 * there) and the state page read only, both no-execute where the Host
 * can say so.  The Guest can move between physical CPUs, so we unmap
 * the last one's pages.  With two levels the slot is the last page
 * directory entry below the Host's own top; under PAE a page directory
 * entry would be a whole gigabyte, the Guest's kernel included, so the
 * Switcher moves down to a middle directory entry in the last
 * gigabyte's middle directory, which every shadow has (new_spgdir()).
:*/
void map_switcher_in_guest(struct lg_cpu *cpu, unsigned int host_cpu)
{
	pte_t *ptes = cpu->switcher_ptes;
	unsigned int base = pte_index(switcher_addr);
	unsigned int regs = base + 1 + 2 * host_cpu;
	pgprot_t code = __pgprot(_PAGE_PRESENT | _PAGE_ACCESSED);
	pgprot_t ro = __pgprot(_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_NX);
	pgprot_t rw = __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED |
			       _PAGE_DIRTY | _PAGE_NX);

	if (cpu->last_pages_cpu != host_cpu) {
		unsigned int old = base + 1 + 2 * cpu->last_pages_cpu;

		ptes[old] = __pte(0);
		ptes[old + 1] = __pte(0);
		cpu->last_pages_cpu = host_cpu;
	}
	ptes[base] = pfn_pte(page_to_pfn(lg_switcher_pages[0]), code);
	ptes[regs] = pfn_pte(page_to_pfn(lg_switcher_pages[regs - base]), rw);
	ptes[regs + 1] = pfn_pte(page_to_pfn(lg_switcher_pages[regs + 1 - base]),
				 ro);
	*spmd_of(current_spgd(cpu), switcher_addr) =
		__pmd(__pa(ptes) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
}

/* The physical address of the shadow directory, for the Switcher's CR3. */
unsigned long shadow_pgdir_pa(struct lg_cpu *cpu)
{
	return __pa(current_spgd(cpu));
}

/*H:485
 * A Guest starts with one shadow page directory, for the page directory
 * the Launcher built (LHREQ_INITIALIZE, H:050), and a page table for the
 * Switcher's slot; the rest of the cache fills up as the Guest loads
 * others.  When the Guest goes, every pin goes with its shadows.
:*/
int init_guest_pagetable(struct lguest *lg, unsigned long gpgdir)
{
	lg->pgdirs[0].pgdir = new_spgdir(&lg->cpu);
	lg->cpu.switcher_ptes = (pte_t *)get_zeroed_page(GFP_KERNEL);
	lg->kernel_ptes = kcalloc(SLOTS, sizeof(*lg->kernel_ptes), GFP_KERNEL);
	if (!lg->pgdirs[0].pgdir || !lg->cpu.switcher_ptes ||
	    !lg->kernel_ptes) {
		if (lg->pgdirs[0].pgdir)
			free_spgdir(lg, lg->pgdirs[0].pgdir);
		free_page((unsigned long)lg->cpu.switcher_ptes);
		kfree(lg->kernel_ptes);
		return -ENOMEM;
	}
	lg->pgdirs[0].gpgdir = gpgdir;
	return 0;
}

void free_guest_pagetable(struct lguest *lg)
{
	int i;

	release_all_kernel_ptes(lg);
	for (i = 0; i < PGDIR_CACHE; i++)
		if (lg->pgdirs[i].pgdir)
			free_spgdir(lg, lg->pgdirs[i].pgdir);
	free_page((unsigned long)lg->cpu.switcher_ptes);
	kfree(lg->kernel_ptes);
}

/*M:010
 * Mastery: lguest is small enough to change, and these are the changes
 * it is waiting for, each sitting beside the code it would touch.  None
 * has code to show yet; writing it is the exercise.
 *
 * The shadow tables map only small pages: a Guest entry for a large
 * page (4MB, or 2MB under PAE) kills the Guest (H:430), so the Guest is
 * told it has none (G:080).  Shadowing one as a page table of small
 * entries, filled in on faults like any other, is the first exercise;
 * the Guest's kernel would then map its memory with a few hundred
 * entries instead of a quarter of a million.
:*/
