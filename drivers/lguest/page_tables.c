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
 * The way through: what a shadow entry holds (H:405 to H:420, with the
 * kernel's tables that every shadow shares in H:415), the fault
 * that fills one in (H:430), the Host's own walk of the Guest's tables
 * (H:440), the hypercalls that empty them (H:450 to H:470), and the
 * Switcher's place in every shadow (H:480).  First, a few helpers: the
 * shadow the Guest runs on now and the Guest's page directory it
 * shadows, both from the cache of them in struct lguest (H:010), and
 * where the Switcher's part of a page directory begins.
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

/* The first page-directory slot that belongs to the Switcher. */
static unsigned int switcher_pgd_index(void)
{
	return pgd_index(switcher_addr);
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

static pte_t *spte_page(pgd_t spgd)
{
	return __va(pgd_val(spgd) & PAGE_MASK);
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
 * A page directory slot of the kernel's may point at a page table every
 * shadow shares (H:415): letting go of the slot does not free that.
 */
static bool shares_kernel_ptes(const struct lguest *lg, unsigned int idx,
			       pgd_t spgd)
{
	return lg->kernel_ptes[idx].ptes == spte_page(spgd);
}

static void release_pgd(struct lguest *lg, pgd_t *spgdir, unsigned int idx)
{
	pgd_t *spgd = &spgdir[idx];

	if (!(pgd_val(*spgd) & _PAGE_PRESENT))
		return;
	if (!shares_kernel_ptes(lg, idx, *spgd))
		free_ptes(spte_page(*spgd));
	*spgd = __pgd(0);
}

static void release_pgd_range(struct lguest *lg, pgd_t *spgdir,
			      unsigned int start, unsigned int end)
{
	unsigned int i;

	for (i = start; i < end; i++)
		release_pgd(lg, spgdir, i);
}

/*H:415
 * The kernel's half of every Guest page directory is the same (Linux
 * copies it into each new one), so its shadow is the same too.  Once
 * shadows of it were made for each page directory alone, and each new
 * process (a fork, an exec) faulted in, one by one, every kernel page
 * it touched: most of its faults.  Now each kernel slot has one shadow
 * page table, in lg->kernel_ptes, which every shadow directory points
 * at, along with the Guest page table it shadows: a directory whose
 * Guest entry names another one is not the same after all, and the
 * shared one goes.  A shared table is freed only once no shadow
 * directory points at it, and that is all this does.
:*/
static void release_kernel_ptes(struct lguest *lg, unsigned int idx)
{
	pte_t *ptes = lg->kernel_ptes[idx].ptes;
	unsigned int i;

	if (!ptes)
		return;
	for (i = 0; i < PGDIR_CACHE; i++) {
		pgd_t *spgd = lg->pgdirs[i].pgdir ? &lg->pgdirs[i].pgdir[idx]
						  : NULL;

		if (spgd && (pgd_val(*spgd) & _PAGE_PRESENT) &&
		    spte_page(*spgd) == ptes)
			*spgd = __pgd(0);
	}
	lg->kernel_ptes[idx].ptes = NULL;
	free_ptes(ptes);
}

static void release_all_kernel_ptes(struct lguest *lg)
{
	unsigned int idx;

	for (idx = 0; idx < PTRS_PER_PGD; idx++)
		release_kernel_ptes(lg, idx);
}

/* Slot idx's shared table, if it shadows the Guest's one, or a new one. */
static pte_t *kernel_ptes(struct lguest *lg, unsigned int idx,
			  unsigned long gpgd)
{
	struct kernel_shadow *k = &lg->kernel_ptes[idx];

	if (k->ptes && k->gptes != (gpgd & PAGE_MASK))
		release_kernel_ptes(lg, idx);
	if (!k->ptes) {
		k->ptes = alloc_shadow_page();
		k->gptes = gpgd & PAGE_MASK;
	}
	return k->ptes;
}

/*H:410
 * A Guest page-table entry may only name pages of the Guest's memory.
 * One that points beyond pfn_limit is not a mistake we can reflect; we
 * kill the Guest.
 *
 * Try it: bad-pfn builds page tables of its own with one entry pointing
 * far past its memory and touches it; "lguest 32 /guests/bad-pfn.elf"
 * gets "beyond Guest memory", not somebody else's page.
:*/
static bool check_gpfn(struct lg_cpu *cpu, unsigned long gpfn,
		       unsigned long vaddr)
{
	if (gpfn < cpu->lg->pfn_limit)
		return true;
	kill_guest(cpu, "page table maps %#lx to %#lx, beyond Guest memory",
		   vaddr, gpfn << PAGE_SHIFT);
	return false;
}

/*H:420
 * Making a shadow entry from a Guest's: the same permission bits, but the
 * real page.  We leave out "global" (the Guest's global pages must not
 * outlive a switch back to the Host) and, until the Guest's entry is
 * dirty, "writable": the first write then faults to us and we set the
 * dirty bit in the Guest's entry, as the processor would have.
:*/
static pte_t gpte_to_spte(struct lg_cpu *cpu, unsigned long gpte,
			  unsigned long vaddr)
{
	unsigned long flags = gpte & (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
				      _PAGE_PWT | _PAGE_PCD |
				      _PAGE_ACCESSED | _PAGE_DIRTY);
	unsigned long gpfn = gpte >> PAGE_SHIFT;
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
	return pfn_pte(page_to_pfn(page), __pgprot(flags));
}

/* Where in Guest memory the Guest's page-directory entry for vaddr is. */
static unsigned long gpgd_addr(struct lg_cpu *cpu, unsigned long vaddr)
{
	return current_gpgdir(cpu) + pgd_index(vaddr) * sizeof(u32);
}

static unsigned long gpte_addr(unsigned long gpgd, unsigned long vaddr)
{
	return (gpgd & PAGE_MASK) + pte_index(vaddr) * sizeof(u32);
}

/* Would the Guest's own tables let this access through? */
static bool access_allowed(unsigned long gentry, int errcode)
{
	if (!(gentry & _PAGE_PRESENT))
		return false;
	if ((errcode & X86_PF_WRITE) && !(gentry & _PAGE_RW))
		return false;
	if ((errcode & X86_PF_USER) && !(gentry & _PAGE_USER))
		return false;
	return true;
}

/* A shadow page table for vaddr's slot, made if there is none yet. */
static pte_t *shadow_pte(struct lg_cpu *cpu, unsigned long gpgd,
			 unsigned long vaddr)
{
	unsigned int idx = pgd_index(vaddr);
	pgd_t *spgd = current_spgd(cpu) + idx;

	if (!(pgd_val(*spgd) & _PAGE_PRESENT)) {
		void *page = is_kernel_address(cpu->lg, vaddr) ?
			kernel_ptes(cpu->lg, idx, gpgd) : alloc_shadow_page();

		if (!page) {
			kill_guest(cpu, "out of memory for shadow page tables");
			return NULL;
		}
		*spgd = __pgd(__pa(page) | (gpgd & (_PAGE_PRESENT | _PAGE_RW |
						    _PAGE_USER |
						    _PAGE_ACCESSED)));
	}
	return spte_page(*spgd) + pte_index(vaddr);
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
 * H:420.  A neighbour past the Guest's memory is left for its own fault
 * to kill the Guest, if anything ever touches it.
:*/
#define SHADOW_AROUND	16

static bool worth_shadowing(struct lg_cpu *cpu, u32 gpte)
{
	return (gpte & (_PAGE_PRESENT | _PAGE_ACCESSED)) ==
		(_PAGE_PRESENT | _PAGE_ACCESSED) &&
	       (gpte >> PAGE_SHIFT) < cpu->lg->pfn_limit;
}

static void shadow_neighbours(struct lg_cpu *cpu, unsigned long gpgd,
			      unsigned long vaddr)
{
	unsigned long start = vaddr & ~(SHADOW_AROUND * PAGE_SIZE - 1);
	u32 gptes[SHADOW_AROUND];
	pte_t *sptes;
	unsigned int i;

	__lgread(cpu, gptes, gpte_addr(gpgd, start), sizeof(gptes));
	sptes = shadow_pte(cpu, gpgd, start);
	for (i = 0; i < SHADOW_AROUND && !cpu->lg->dead; i++) {
		if (pte_present(sptes[i]) || !worth_shadowing(cpu, gptes[i]))
			continue;
		sptes[i] = gpte_to_spte(cpu, gptes[i], start + i * PAGE_SIZE);
		atomic_inc(&lguest_shadow_around);
	}
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
 * /guests/fault.elf" says so.
:*/
bool demand_page(struct lg_cpu *cpu, unsigned long vaddr, int errcode)
{
	unsigned long gpgd, gpte, new_gpte;
	pte_t *spte;

	if (vaddr >= switcher_addr) {
		kill_guest(cpu, "page fault at %#lx, in the Switcher's space",
			   vaddr);
		return true;
	}
	gpgd = lgread(cpu, gpgd_addr(cpu, vaddr), u32);
	if (!access_allowed(gpgd, errcode))
		return false;
	if (gpgd & _PAGE_PSE) {
		kill_guest(cpu, "large page at %#lx: not supported", vaddr);
		return true;
	}
	if (!check_gpfn(cpu, gpgd >> PAGE_SHIFT, vaddr))
		return true;

	gpte = lgread(cpu, gpte_addr(gpgd, vaddr), u32);
	if (!access_allowed(gpte, errcode))
		return false;
	if (!check_gpfn(cpu, gpte >> PAGE_SHIFT, vaddr))
		return true;

	new_gpte = gpte | _PAGE_ACCESSED;
	if (errcode & X86_PF_WRITE)
		new_gpte |= _PAGE_DIRTY;
	if (new_gpte != gpte)
		lgwrite(cpu, gpte_addr(gpgd, vaddr), u32, (u32)new_gpte);

	spte = shadow_pte(cpu, gpgd, vaddr);
	if (!spte || cpu->lg->dead)
		return true;
	release_pte(spte);
	*spte = gpte_to_spte(cpu, new_gpte, vaddr);
	atomic_inc(&lguest_shadow_faults);
	shadow_neighbours(cpu, gpgd, vaddr);
	return true;
}

/*H:440
 * The Host sometimes needs to know what a Guest virtual address means
 * (to push an interrupt frame on the Guest's stack): that is a walk of
 * the Guest's tables, and an address they do not map kills the Guest.
:*/
unsigned long guest_pa(struct lg_cpu *cpu, unsigned long vaddr)
{
	unsigned long gpgd, gpte;

	gpgd = lgread(cpu, gpgd_addr(cpu, vaddr), u32);
	if (!(gpgd & _PAGE_PRESENT) || (gpgd & _PAGE_PSE)) {
		kill_guest(cpu, "Guest address %#lx is not mapped", vaddr);
		return 0;
	}
	gpte = lgread(cpu, gpte_addr(gpgd, vaddr), u32);
	if (!(gpte & _PAGE_PRESENT)) {
		kill_guest(cpu, "Guest address %#lx is not mapped", vaddr);
		return 0;
	}
	return (gpte & PAGE_MASK) | (vaddr & ~PAGE_MASK);
}

/*H:450
 * The Guest's hypercalls about its tables, which G:090 makes on a flush
 * of one page and on every new page directory entry.  We never copy the
 * new value: dropping our shadow of the entry is always right, and the
 * next fault brings in whatever the Guest's table says then.  Kernel
 * mappings are the same in all the Guest's page directories, so a change
 * there drops the entry from every shadow we hold.  No entry of the
 * Guest's may cover the Switcher: that slot is ours in every shadow
 * (H:480).
 *
 * Try it: bad-switcher asks for a mapping in the Switcher's space, and
 * is told it "would cover the Switcher".
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
	pgd_t *spgd = spgdir + pgd_index(vaddr);

	if (pgd_val(*spgd) & _PAGE_PRESENT)
		release_pte(spte_page(*spgd) + pte_index(vaddr));
}

void guest_set_pte(struct lg_cpu *cpu, unsigned long gpgdir,
		   unsigned long vaddr, pte_t gpte)
{
	struct lguest *lg = cpu->lg;
	int i;

	if (vaddr >= switcher_addr) {
		kill_guest(cpu, "mapping at %#lx would cover the Switcher",
			   vaddr);
		return;
	}
	if (is_kernel_address(lg, vaddr)) {
		pte_t *shared = lg->kernel_ptes[pgd_index(vaddr)].ptes;

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

void guest_set_pmd(struct lg_cpu *cpu, unsigned long gpgdir, u32 idx)
{
	struct lguest *lg = cpu->lg;
	int i;

	if (idx >= switcher_pgd_index()) {
		kill_guest(cpu, "page directory entry %u would cover the Switcher",
			   idx);
		return;
	}
	if (is_kernel_address(lg, (unsigned long)idx << PGDIR_SHIFT)) {
		release_kernel_ptes(lg, idx);
		for (i = 0; i < PGDIR_CACHE; i++)
			if (lg->pgdirs[i].pgdir)
				release_pgd(lg, lg->pgdirs[i].pgdir, idx);
		return;
	}
	i = find_pgdir(lg, gpgdir);
	if (i >= 0)
		release_pgd(lg, lg->pgdirs[i].pgdir, idx);
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
	unsigned int end = lg->kernel_address ? pgd_index(lg->kernel_address)
					      : switcher_pgd_index();

	release_pgd_range(lg, current_spgd(cpu), 0, end);
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
			release_pgd_range(lg, lg->pgdirs[i].pgdir, 0,
					  switcher_pgd_index());
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
:*/
static bool check_gpgdir(struct lg_cpu *cpu, unsigned long gpgdir)
{
	if (PAGE_ALIGNED(gpgdir) && gpgdir / PAGE_SIZE < cpu->lg->pfn_limit)
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
	unsigned int idx;
	u32 gpgd;

	if (!lg->kernel_address)
		return;
	for (idx = pgd_index(lg->kernel_address);
	     idx < switcher_pgd_index() && !lg->dead; idx++) {
		if (!lg->kernel_ptes[idx].ptes)
			continue;
		gpgd = lgread(cpu, gpgdir + idx * sizeof(u32), u32);
		if ((gpgd & _PAGE_PRESENT) && !(gpgd & _PAGE_PSE) &&
		    (gpgd & PAGE_MASK) == lg->kernel_ptes[idx].gptes)
			spgdir[idx] = __pgd(__pa(lg->kernel_ptes[idx].ptes) |
					    (gpgd & (_PAGE_PRESENT | _PAGE_RW |
						     _PAGE_USER |
						     _PAGE_ACCESSED)));
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
		lg->pgdirs[i].pgdir = alloc_shadow_page();
		if (!lg->pgdirs[i].pgdir) {
			kill_guest(cpu, "out of memory for a page directory");
			return;
		}
	} else {
		release_pgd_range(lg, lg->pgdirs[i].pgdir, 0,
				  switcher_pgd_index());
	}
	lg->pgdirs[i].gpgdir = gpgdir;
	cpu->cpu_pgd = i;
	point_at_kernel_ptes(cpu, lg->pgdirs[i].pgdir, gpgdir);
}

/*H:480
 * The Switcher in every shadow: its slot in the page directory points at
 * a page table of our own, which maps the code page read only, and this
 * physical CPU's two pages: the register page writable (the processor
 * pushes trap frames there) and the state page read only.  The Guest
 * can move between physical CPUs, so we unmap the last one's pages.
:*/
void map_switcher_in_guest(struct lg_cpu *cpu, unsigned int host_cpu)
{
	pte_t *ptes = cpu->switcher_ptes;
	unsigned int base = pte_index(switcher_addr);
	unsigned int regs = base + 1 + 2 * host_cpu;
	pgprot_t ro = __pgprot(_PAGE_PRESENT | _PAGE_ACCESSED);
	pgprot_t rw = __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED |
			       _PAGE_DIRTY);

	if (cpu->last_pages_cpu != host_cpu) {
		unsigned int old = base + 1 + 2 * cpu->last_pages_cpu;

		ptes[old] = __pte(0);
		ptes[old + 1] = __pte(0);
		cpu->last_pages_cpu = host_cpu;
	}
	ptes[base] = pfn_pte(page_to_pfn(lg_switcher_pages[0]), ro);
	ptes[regs] = pfn_pte(page_to_pfn(lg_switcher_pages[regs - base]), rw);
	ptes[regs + 1] = pfn_pte(page_to_pfn(lg_switcher_pages[regs + 1 - base]),
				 ro);
	current_spgd(cpu)[switcher_pgd_index()] =
		__pgd(__pa(ptes) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
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
	lg->pgdirs[0].pgdir = alloc_shadow_page();
	lg->cpu.switcher_ptes = (pte_t *)get_zeroed_page(GFP_KERNEL);
	lg->kernel_ptes = kcalloc(PTRS_PER_PGD, sizeof(*lg->kernel_ptes),
				  GFP_KERNEL);
	if (!lg->pgdirs[0].pgdir || !lg->cpu.switcher_ptes ||
	    !lg->kernel_ptes) {
		free_shadow_page(lg->pgdirs[0].pgdir);
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
	for (i = 0; i < PGDIR_CACHE; i++) {
		if (!lg->pgdirs[i].pgdir)
			continue;
		release_pgd_range(lg, lg->pgdirs[i].pgdir, 0,
				  switcher_pgd_index());
		free_shadow_page(lg->pgdirs[i].pgdir);
	}
	free_page((unsigned long)lg->cpu.switcher_ptes);
	kfree(lg->kernel_ptes);
}

/*M:010
 * Mastery: lguest is small enough to change, and these are the changes
 * it is waiting for, each sitting beside the code it would touch.  None
 * has code to show yet; writing it is the exercise.
 *
 * These shadow tables are two-level, like the Guest's, so a Guest cannot
 * see more than 4GB nor mark a page no-execute.  PAE is the first
 * exercise: three levels, 64-bit entries, and a Switcher that lives in a
 * page middle directory rather than a page directory slot of its own.
 * Everything here that says pgd would grow a pmd sibling; demand_page()
 * walks one more level; and the Guest's pte hypercalls carry 64 bits.
:*/
