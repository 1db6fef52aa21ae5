// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-hcall: a Guest that attacks the Host with seeded random hypercalls.
 *
 * It runs "ops=N" operations from "seed=S" (on its command line):
 * hypercalls with every valid number, made directly and through the
 * asynchronous ring, with arguments biased toward what a Host gets wrong
 * (addresses at the edges of Guest memory, page-table-entry shapes, the
 * Switcher's range, small numbers, all ones), interleaved with accesses,
 * software interrupts and trips to ring 3 that make the Host deliver
 * traps through whatever the Guest has just set up.  A few operations in
 * a thousand are outright hostile (a frame beyond our memory, a ring-0
 * segment, a bad hypercall number): those end the run, as they should.
 *
 * The Guest keeps its own world sane between operations (its page
 * tables, GDT, IDT and stack are put back after each random change), so
 * that it lives long enough to make thousands of calls.  Every run ends
 * with the Guest powering off or killed with a reason; the scenario that
 * runs it checks the Host's log and memory afterwards.  The same seed
 * makes the same calls, so a failure can be replayed.
 */
#include "fuzz-consts.h"
#include "fuzz-hcall.h"

#include <linux/compiler_attributes.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define PAGE_SIZE	4096UL
#define PGDIRS		6	/* more than the Host keeps shadows for */
#define MAX_MEM_MB	256

/*
 * Our page tables are in the Host's format, the only one it lets us run
 * (H:100): two-level, or PAE's 64-bit entries with a middle level under
 * four-entry pointer tables.  Either way a slot is what one page table
 * maps (4 MB, or 2 MB), and random entries go in the scratch slot at
 * 1 GB.  Under PAE every directory points at the same middle
 * directories, as Linux's do for its kernel half.
 */
#define PAE		(K_PGTABLE_LEVELS == 3)
#if K_PGTABLE_LEVELS == 3
typedef u64 entry_t;
#define PTRS		512
#define SLOT_SHIFT	21
#else
typedef u32 entry_t;
#define PTRS		1024
#define SLOT_SHIFT	22
#endif
#define SCRATCH		0x40000000UL
#define SLOTS		(1UL << (32 - SLOT_SHIFT))
#define PAE_NX		(1ULL << 63)

/* The x86 boot protocol's zero page (Documentation/arch/x86/zero-page.rst). */
#define BP_CMD_LINE_PTR	0x228
#define BP_E820_TABLE	0x2d0

static unsigned long hcall(unsigned long call, unsigned long a1,
			   unsigned long a2, unsigned long a3)
{
	asm volatile("int $0x1F"
		     : "+a"(call) : "d"(a1), "b"(a2), "c"(a3) : "memory");
	return call;
}

/* A field of lguest_data; hcall()'s memory clobber orders the accesses. */
#define LD(type, off)	(*(type *)(lguest_data + (off)))

/* Text for the Launcher's early console: NOTIFY of a Guest address. */
static char line[128];

static void put(const char *s)
{
	hcall(K_LHCALL_NOTIFY, (unsigned long)s, 0, 0);
}

static char *fmt_num(char *p, unsigned long n, unsigned int base)
{
	char tmp[12];
	int i = 0;

	do {
		tmp[i++] = "0123456789abcdef"[n % base];
		n /= base;
	} while (n);
	while (i)
		*p++ = tmp[--i];
	return p;
}

static char *fmt_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

static void say(const char *what, unsigned long n, const char *end)
{
	char *p = fmt_str(line, "fuzz-hcall: ");

	p = fmt_str(p, what);
	p = fmt_num(p, n, 10);
	p = fmt_str(p, end);
	*p = '\0';
	put(line);
}

static void __noreturn fail(const char *why, unsigned long n)
{
	char *p = fmt_str(line, "fuzz-hcall: ");

	p = fmt_str(p, why);
	p = fmt_num(p, n, 16);
	*p = '\0';
	for (;;)
		hcall(K_LHCALL_SHUTDOWN, (unsigned long)line, 0, 0);
}

/* Called by the assembler's handler for a trap we did not provoke. */
void __noreturn __attribute__((regparm(0))) fuzz_unexpected_trap(u32 vector)
{
	fail("a trap outside any probe, vector 0x", vector);
}

/* xorshift32: small, and the same sequence from the same seed. */
static u32 rng_state;

static u32 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static u32 below(u32 n)
{
	return n ? rnd() % n : 0;
}

static int one_in(u32 n)
{
	return below(n) == 0;
}

/* What we know of our world. */
static unsigned long mem_bytes, switcher_start;
static entry_t pgdirs[PGDIRS][PTRS] __aligned(4096);
static entry_t pmds[4][PTRS] __aligned(4096);
static entry_t ptes[(MAX_MEM_MB << 20) >> SLOT_SHIFT][PTRS] __aligned(4096);
static entry_t scratch_pte[PTRS] __aligned(4096);
static unsigned int cur_pgdir;
static u64 gdt[K_GDT_ENTRIES] __aligned(8);
static u64 junk_gdt[K_GDT_ENTRIES + 4] __aligned(8);
static unsigned long ops_done, traps_seen, kills_tried;

/*
 * Interesting 32-bit values: mostly around the edges a Host must check
 * (our memory's end, the Switcher, page boundaries), some plain random.
 */
static u32 interesting(void)
{
	static const u32 fixed[] = {
		0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 255, 256,
		0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFF000,
		0xC0000000, 0x00100000, 0x1000, 0xFFF,
	};

	switch (below(8)) {
	case 0:
		return fixed[below(ARRAY_SIZE(fixed))];
	case 1:
		return mem_bytes - below(3) * PAGE_SIZE - below(8);
	case 2:
		return switcher_start + below(3) * PAGE_SIZE + below(16) * 4;
	case 3:
		return below(mem_bytes) & ~(PAGE_SIZE - 1);
	case 4:
		return below(mem_bytes);
	case 5:
		return below(64);
	default:
		return rnd();
	}
}

/*
 * Now and then an argument is simply hostile: the Host must kill us for
 * it.  By default rarely enough that most runs reach their end;
 * "hostile=N" on the command line makes it one in N, for short runs that
 * try the Host's refusals instead.
 */
static u32 hostility = 30000;

static int hostile(void)
{
	if (!one_in(hostility))
		return 0;
	kills_tried++;
	return 1;
}

/* An address inside our memory with room for len bytes after it. */
static u32 guest_addr(u32 len)
{
	return below(mem_bytes - len);
}

/*
 * A page-table entry: a page of ours with random flags (and under PAE,
 * NX or not).  A hostile one names a frame beyond our memory, or under
 * PAE one at 4 GB and up, or sets a bit the processor reserves.
 */
static entry_t random_pte(void)
{
	entry_t e = (below(mem_bytes / PAGE_SIZE) * PAGE_SIZE) | (rnd() & 0xFFF);

	if (PAE && one_in(2))
		e |= PAE_NX;
	if (!hostile())
		return e;
	e |= K_PAGE_PRESENT;
	if (!PAE || one_in(3))
		return e + mem_bytes + below(64) * PAGE_SIZE;
	return e | ((entry_t)1 << (32 + below(31)));
}

static int in_scratch(u32 addr)
{
	return (addr >> SLOT_SHIFT) == (SCRATCH >> SLOT_SHIFT);
}

/* A Guest virtual address below the Switcher, mostly in the scratch area. */
static u32 random_vaddr(void)
{
	if (below(4))
		return SCRATCH + below(PTRS) * PAGE_SIZE;
	if (one_in(3))
		return switcher_start - 1 - below(4 * PAGE_SIZE);
	return below(switcher_start);
}

/* One of our page directories, or (ignored by the Host) some other page. */
static u32 random_pgdir(void)
{
	if (one_in(10))
		return guest_addr(PAGE_SIZE) & ~(PAGE_SIZE - 1);
	return (u32)pgdirs[below(PGDIRS)];
}

/* The entry for slot s: in each directory, or PAE's middle directories. */
static void set_slot(unsigned int s, entry_t e)
{
	unsigned int d;

	if (PAE)
		pmds[s / PTRS][s % PTRS] = e;
	else
		for (d = 0; d < PGDIRS; d++)
			pgdirs[d][s] = e;
}

/* The page holding slot s's entry, for SET_PMD. */
static u32 slot_page(unsigned int s)
{
	return PAE ? (u32)pmds[(s / PTRS) % 4] : (u32)pgdirs[below(PGDIRS)];
}

/* Our page directories all map our memory 1:1 with the same tables. */
static void build_pagetables(void)
{
	unsigned int i, d, slot_size = 1 << SLOT_SHIFT;
	unsigned int tables = (mem_bytes + slot_size - 1) / slot_size;
	u32 flags = K_PAGE_PRESENT | K_PAGE_RW | K_PAGE_USER |
		    K_PAGE_ACCESSED | K_PAGE_DIRTY;

	for (i = 0; i * PAGE_SIZE < mem_bytes; i++)
		ptes[i / PTRS][i % PTRS] = i * PAGE_SIZE | flags;
	for (i = 0; i < tables; i++)
		set_slot(i, (u32)ptes[i] | flags);
	set_slot(SCRATCH >> SLOT_SHIFT, (u32)scratch_pte | flags);
	if (PAE)
		for (d = 0; d < PGDIRS; d++)
			for (i = 0; i < 4; i++)
				pgdirs[d][i] = (u32)pmds[i] | K_PAGE_PRESENT;
}

static void switch_pgdir(unsigned int d)
{
	cur_pgdir = d;
	hcall(K_LHCALL_NEW_PGTABLE, (u32)pgdirs[d], 0, 0);
}

/* A flat 4 GB descriptor with the given access byte. */
static u64 flat_seg(u32 access)
{
	return 0x0000FFFFULL | ((u64)(0x00CF0000 | (access << 8)) << 32);
}

static void load_good_gdt(void)
{
	hcall(K_LHCALL_LOAD_GDT, (u32)gdt, K_GDT_ENTRIES, 0);
}

static void build_gdt(void)
{
	gdt[K_GDT_ENTRY_KERNEL_CS] = flat_seg(0xBB);	/* ring 1 code */
	gdt[K_GDT_ENTRY_KERNEL_DS] = flat_seg(0xB3);	/* ring 1 data */
	gdt[K_GDT_ENTRY_DEFAULT_USER_CS] = flat_seg(0xFB);
	gdt[K_GDT_ENTRY_DEFAULT_USER_DS] = flat_seg(0xF3);
}

/* Our gate for a vector: an interrupt gate, usable from ring 3. */
static void set_good_gate(unsigned int vec)
{
	u32 handler = (u32)trap_stubs + vec * 16;
	u32 lo = (handler & 0xFFFF) | ((K_KERNEL_CS | K_GUEST_PL) << 16);
	u32 hi = (handler & 0xFFFF0000) | 0xEE00;

	hcall(K_LHCALL_LOAD_IDT_ENTRY, vec, lo, hi);
}

static void set_good_stack(void)
{
	hcall(K_LHCALL_SET_STACK, K_KERNEL_DS | K_GUEST_PL, (u32)kstack_top, 2);
}

/*
 * After anything that may have changed our world: put it back.  Only the
 * gates we changed, or each operation would cost 255 more hypercalls.
 */
static u32 changed_gates[K_IDT_ENTRIES / 32];

static void gate_changed(unsigned int vec)
{
	changed_gates[(vec / 32) % (K_IDT_ENTRIES / 32)] |= 1U << (vec % 32);
}

static void restore_world(void)
{
	unsigned int v;

	load_good_gdt();
	for (v = 0; v < K_IDT_ENTRIES; v++) {
		if (!(changed_gates[v / 32] & (1U << (v % 32))))
			continue;
		changed_gates[v / 32] &= ~(1U << (v % 32));
		if (v != K_LGUEST_TRAP_ENTRY)
			set_good_gate(v);
	}
	set_good_stack();
	switch_pgdir(cur_pgdir);
}

/* The arguments of one random call: what fill_call() chooses. */
struct call {
	u32 nr, a1, a2, a3;
};

static int our_segment(unsigned int e)
{
	return e == K_GDT_ENTRY_KERNEL_CS || e == K_GDT_ENTRY_KERNEL_DS ||
	       e == K_GDT_ENTRY_DEFAULT_USER_CS ||
	       e == K_GDT_ENTRY_DEFAULT_USER_DS;
}

/*
 * A GDT like ours with a few bits flipped in entries we do not stand
 * on; a flip that makes a present entry a system or ring-0 segment is
 * the Host's to refuse, so only hostile() keeps one.
 */
static void random_gdt_call(struct call *c)
{
	unsigned int i, n = K_GDT_ENTRY_DEFAULT_USER_DS + 1 +
		below(K_GDT_ENTRIES - K_GDT_ENTRY_DEFAULT_USER_DS);

	for (i = 0; i < K_GDT_ENTRIES; i++)
		junk_gdt[i] = gdt[i];
	for (i = below(4); i > 0 && n; i--) {
		unsigned int e = below(n);
		u64 *d = &junk_gdt[e];

		if (our_segment(e) && !hostile())
			continue;
		*d ^= (u64)1 << below(64);
		if (((*d >> 47) & 1) && !hostile())
			*d |= (u64)1 << 44 | (u64)1 << 45;
	}
	c->a1 = (u32)junk_gdt;
	c->a2 = hostile() ? below(n) : n;
	if (hostile())
		c->a2 = K_GDT_ENTRIES + 1 + below(100);
	if (hostile())
		c->a1 = mem_bytes - below(64);
}

/* The Host refuses these in gates and stacks, as it should: hostile(). */
static int host_segment(unsigned int e)
{
	return (e == K_GDT_ENTRY_LGUEST_CS || e == K_GDT_ENTRY_LGUEST_DS ||
		e == K_GDT_ENTRY_TSS) && !hostile();
}

/* A gate to somewhere below the Switcher, through a ring-1 segment. */
static void random_idt_call(struct call *c)
{
	u32 handler = one_in(2) ? below(switcher_start) :
		      (u32)trap_stubs + below(256) * 16;
	u32 seg = (below(K_GDT_ENTRIES) << 3) | below(4);
	u32 type = one_in(2) ? 0xE : 0xF;

	if (one_in(2) || host_segment(seg >> 3))
		seg = K_KERNEL_CS | K_GUEST_PL;
	if (hostile())
		type = below(16);
	if (hostile())
		handler = switcher_start + below(PAGE_SIZE);
	c->a1 = hostile() ? K_IDT_ENTRIES + below(1000) : below(K_IDT_ENTRIES);
	gate_changed(c->a1);
	c->a2 = (handler & 0xFFFF) | (seg << 16);
	c->a3 = (handler & 0xFFFF0000) | (one_in(10) ? 0 : 0x8000) |
		(below(4) << 13) | (type << 8);
}

/*
 * SET_STACK: our kernel data segment, somewhere in our kernel stack.
 * Any other segment or place is for hostile(): the Host may accept it,
 * but the first trap from ring 3 that uses it ends us.
 */
static void random_stack_call(struct call *c)
{
	u32 e = below(K_GDT_ENTRIES);

	if (host_segment(e))
		e = K_GDT_ENTRY_KERNEL_DS;
	c->a1 = hostile() ? (e << 3) | below(4) : K_KERNEL_DS | K_GUEST_PL;
	c->a2 = hostile() ? interesting() : (u32)kstack_top - below(64) * 4;
	c->a3 = hostile() ? 3 + below(100) : below(3);
}

/*
 * Choose a call.  Most keep the Guest alive; the few that cannot (a
 * bad number, a second LGUEST_INIT) come once in some thousands.
 */
static void fill_call(struct call *c)
{
	unsigned int slot;
	entry_t e;

	c->a1 = c->a2 = c->a3 = 0;
	switch (below(15)) {
	case 0:
		c->nr = K_LHCALL_NEW_PGTABLE;
		c->a1 = hostile() ? rnd() : (u32)pgdirs[below(PGDIRS)];
		break;
	case 1:
	case 2:
		c->nr = K_LHCALL_SET_PTE;
		c->a1 = random_pgdir();
		c->a2 = random_vaddr();
		e = random_pte();
		c->a3 = e;
		if (in_scratch(c->a2))
			scratch_pte[(c->a2 >> 12) % PTRS] = e;
		if (hostile())
			c->a2 = switcher_start + below(-switcher_start);
		break;
	case 3:
		/* A two-level Host has no SET_PUD: for it, that is hostile. */
		if (one_in(4) && (PAE || hostile())) {
			c->nr = K_LHCALL_SET_PUD;
			c->a1 = random_pgdir();
			c->a2 = one_in(8) && hostile() ? rnd() : below(4);
			break;
		}
		c->nr = K_LHCALL_SET_PMD;
		slot = below(switcher_start >> SLOT_SHIFT);
		if (hostile())
			slot = (switcher_start >> SLOT_SHIFT) +
				below(SLOTS - (switcher_start >> SLOT_SHIFT));
		c->a1 = one_in(10) ? guest_addr(PAGE_SIZE) & ~(PAGE_SIZE - 1) :
			slot_page(slot);
		c->a2 = one_in(4) && hostile() ? rnd() : slot % PTRS;
		break;
	case 4:
		c->nr = K_LHCALL_FLUSH_TLB;
		c->a1 = one_in(2) ? below(2) : interesting();
		break;
	case 5:
		c->nr = K_LHCALL_LOAD_IDT_ENTRY;
		random_idt_call(c);
		break;
	case 6:
		c->nr = K_LHCALL_LOAD_GDT;
		random_gdt_call(c);
		break;
	case 7:
		c->nr = K_LHCALL_LOAD_TLS;
		random_gdt_call(c);
		c->a1 = one_in(2) ? (u32)&junk_gdt[below(8)] : guest_addr(24);
		break;
	case 8:
		c->nr = K_LHCALL_SET_STACK;
		random_stack_call(c);
		break;
	case 9:
		c->nr = K_LHCALL_TS;
		c->a1 = interesting();
		break;
	case 10:
		c->nr = K_LHCALL_SET_CLOCKEVENT;
		c->a1 = one_in(2) ? below(200000) : interesting();
		break;
	case 11:
		/* The early console of a Guest address: what is there. */
		c->nr = K_LHCALL_NOTIFY;
		c->a1 = one_in(4) ? guest_addr(1) : (u32)"";
		break;
	case 12:
		c->nr = K_LHCALL_FLUSH_ASYNC;
		break;
	default:
		c->nr = K_LHCALL_SET_PTE;
		c->a1 = (u32)pgdirs[cur_pgdir];
		c->a2 = SCRATCH + below(PTRS) * PAGE_SIZE;
		c->a3 = (below(mem_bytes / PAGE_SIZE) * PAGE_SIZE) |
			(rnd() & 0x67) | K_PAGE_PRESENT;
		scratch_pte[(c->a2 >> 12) % PTRS] = c->a3;
		break;
	}
	/* Checked first of all, so rarer than the other hostile arguments. */
	if (one_in(8) && hostile())
		c->nr = one_in(2) ? K_LHCALL_LGUEST_INIT :
			K_LHCALL_SET_PUD + 1 + below(1000);
}

static void op_sync_call(void)
{
	struct call c;

	fill_call(&c);
	hcall(c.nr, c.a1, c.a2, c.a3);
	restore_world();
}

/* Up to a ringful of calls, run by the Host at the next trap. */
static void op_ring(void)
{
	unsigned int i, n = 1 + below(K_LHCALL_RING_SIZE);
	u32 *slots = (u32 *)(lguest_data + K_LGUEST_DATA_hcalls);
	unsigned char *status = lguest_data + K_LGUEST_DATA_hcall_status;
	unsigned int first = below(K_LHCALL_RING_SIZE);

	for (i = 0; i < n; i++) {
		unsigned int s = (first + i) % K_LHCALL_RING_SIZE;
		struct call c;

		fill_call(&c);
		slots[s * 4] = c.nr;
		slots[s * 4 + 1] = c.a1;
		slots[s * 4 + 2] = c.a2;
		slots[s * 4 + 3] = c.a3;
		status[s] = one_in(50) ? rnd() : 0;
	}
	hcall(K_LHCALL_FLUSH_ASYNC, 0, 0, 0);
	for (i = 0; i < K_LHCALL_RING_SIZE; i++)
		status[i] = 0xFF;
	restore_world();
}

static void op_touch(void)
{
	u32 addr = one_in(4) ? interesting() : random_vaddr();

	/* Outside the few pages the Switcher maps there, a fault is fatal. */
	if (addr >= switcher_start && !hostile())
		addr = random_vaddr();

	if (below(2))
		traps_seen += !!probe_read(addr);
	else if (in_scratch(addr) ||
		 (addr >= switcher_start && hostile()))
		traps_seen += !!probe_write(addr, rnd());
	else
		traps_seen += !!probe_read(addr);
}

static unsigned int random_vector(void)
{
	unsigned int v = below(K_IDT_ENTRIES);

	return v == K_LGUEST_TRAP_ENTRY ? 0x80 : v;
}

static void op_soft_int(void)
{
	traps_seen += !!probe_int(random_vector());
}

static void op_user_trip(void)
{
	if (one_in(4)) {
		struct call c;

		random_stack_call(&c);
		hcall(K_LHCALL_SET_STACK, c.a1, c.a2, c.a3);
	}
	traps_seen += !!probe_user(random_vector());
	set_good_stack();
}

/*
 * A trap through a gate we just made at random (our handler on our code
 * segment, any type and privilege, present or not), before putting ours
 * back.  Another segment is for hostile(): the Host delivers through it
 * and the processor then refuses to run us.
 */
static void op_random_gate(void)
{
	unsigned int v = random_vector();
	struct call c;

	random_idt_call(&c);
	if (!hostile())
		c.a2 = (K_KERNEL_CS | K_GUEST_PL) << 16;
	c.a2 = (((u32)trap_stubs + v * 16) & 0xFFFF) | (c.a2 & 0xFFFF0000);
	c.a3 = (((u32)trap_stubs + v * 16) & 0xFFFF0000) | (c.a3 & 0xFFFF);
	hcall(K_LHCALL_LOAD_IDT_ENTRY, v, c.a2, c.a3);
	gate_changed(v);
	if (v == 14 && one_in(2))
		traps_seen += !!probe_read(0x80000000 + below(1 << 20));
	else if (one_in(2))
		traps_seen += !!probe_user(v);
	else
		traps_seen += !!probe_int(v);
	restore_world();
}

/* HALT sleeps until an interrupt: ask for one first, or we sleep forever. */
static void op_halt(void)
{
	hcall(K_LHCALL_SET_CLOCKEVENT, 1 + below(100000), 0, 0);
	hcall(K_LHCALL_HALT, 0, 0, 0);
	LD(u32, K_LGUEST_DATA_irq_enabled) = 0;
}

static void one_op(void)
{
	switch (below(10)) {
	case 0:
	case 1:
	case 2:
		op_sync_call();
		break;
	case 3:
		op_ring();
		break;
	case 4:
	case 5:
		op_touch();
		break;
	case 6:
		op_soft_int();
		break;
	case 7:
		if (one_in(3))
			op_random_gate();
		else
			op_user_trip();
		break;
	case 8:
		if (one_in(4))
			op_halt();
		else
			switch_pgdir(below(PGDIRS));
		break;
	default:
		hcall(K_LHCALL_FLUSH_TLB, below(2), 0, 0);
		break;
	}
}

/* "name=number" on the command line, or def. */
static u32 cmdline_number(const char *cmdline, const char *name, u32 def)
{
	const char *p = cmdline;

	while (*p) {
		const char *n = name, *q = p;
		u32 v = 0;

		while (*n && *q == *n)
			n++, q++;
		if (!*n && *q == '=' && (p == cmdline || p[-1] == ' ')) {
			for (q++; *q >= '0' && *q <= '9'; q++)
				v = v * 10 + *q - '0';
			return v;
		}
		p++;
	}
	return def;
}

static void init_ring(void)
{
	unsigned int i;

	for (i = 0; i < K_LHCALL_RING_SIZE; i++)
		lguest_data[K_LGUEST_DATA_hcall_status + i] = 0xFF;
}

void __noreturn __attribute__((regparm(0))) fuzz_main(unsigned char *boot)
{
	const char *cmdline = *(const char **)(boot + BP_CMD_LINE_PTR);
	u32 seed = cmdline_number(cmdline, "seed", 1);
	u32 ops = cmdline_number(cmdline, "ops", 5000);
	unsigned int v;

	hostility = cmdline_number(cmdline, "hostile", hostility);

	mem_bytes = *(u32 *)(boot + BP_E820_TABLE + 8);
	if (mem_bytes > MAX_MEM_MB << 20)
		fail("give me at most this many MB: 0x", MAX_MEM_MB);
	rng_state = seed ? seed : 1;
	init_ring();
	LD(u32, K_LGUEST_DATA_kernel_address) = one_in(2) ? 0 : 0xC0000000;
	if (hostile())
		LD(u32, K_LGUEST_DATA_kernel_address) = -below(1 << 24);
	/* Our tables' format; a hostile run claims the other one. */
	LD(u32, K_LGUEST_DATA_pgtable_levels) = K_PGTABLE_LEVELS;
	if (hostile())
		LD(u32, K_LGUEST_DATA_pgtable_levels) = 5 - K_PGTABLE_LEVELS;
	hcall(K_LHCALL_LGUEST_INIT, (u32)lguest_data, 0, 0);
	switcher_start = -LD(u32, K_LGUEST_DATA_reserve_mem);

	build_pagetables();
	build_gdt();
	for (v = 0; v < K_IDT_ENTRIES; v++)
		gate_changed(v);
	restore_world();
	switch_pgdir(0);
	say("seed ", seed, "\n");

	for (ops_done = 0; ops_done < ops; ops_done++) {
		one_op();
		if (ops_done % 1000 == 999)
			say("", ops_done + 1, " operations\n");
	}
	say("traps delivered to us: ", traps_seen, "\n");
	say("hostile calls that could have killed us: ", kills_tried, "\n");
	say("done: ", ops_done, " operations, powering off\n");
	for (;;)
		hcall(K_LHCALL_SHUTDOWN, (u32)"fuzz-hcall: done",
		      K_LGUEST_SHUTDOWN_POWEROFF, 0);
}
