/* SPDX-License-Identifier: GPL-2.0 */
/*S:100
 * Welcome to the Switcher itself, the last part and the lowest: a page of
 * assembler that every other part stands on, and the only code in lguest
 * that belongs to neither world.
 *
 * This page of code is the one place where the Host and the Guest meet.
 * It is copied to a page mapped at the same address in the Host and in
 * every Guest, so it can change page tables under its own feet and keep
 * running.  Going in, it saves the Host's state on the Host's stack,
 * loads the Guest's tables and registers and "returns" into the Guest
 * with iret.  Coming out, every interrupt and trap the Guest can take is
 * routed here by the IDT we gave the Guest, and the Switcher puts
 * everything back.
 *
 * It is copied, so it must not care where it runs: only relative jumps,
 * and addresses worked out from what the processor tells us.  Its pages
 * (H:015, H:020) are:
 *
 *	switcher_addr     this code            read only in a Guest
 *	+ 1 page          CPU 0's registers    writable: its trap stack
 *	+ 2 pages         CPU 0's state        read only in a Guest
 *	+ 3, + 4 pages    CPU 1's pair, and so on
 *
 * One round trip, in the order we read it: the Host's run_guest_once()
 * (H:530) calls switch_to_guest (S:110), which loads the Guest's world
 * and irets into it.  The Guest runs until something traps; through the
 * Guest's IDT the processor lands in that vector's stub (S:150, S:170),
 * which takes one of two ways home, both starting by undoing the way in
 * (S:120): straight back to the Host just after its call (S:130), or on
 * to the Host's own handler for an interrupt that was meant for it
 * (S:140).  The NMI, which respects nobody's half-finished work, gets a
 * section of its own (S:160).
 *
 * It finds its way around a processor's struct lguest_pages (H:015) by
 * offsets the kernel's asm-offsets works out for it (patches/0002 adds
 * them): LGUEST_PAGES_regs for the Guest's registers; LGUEST_PAGES_host_sp,
 * LGUEST_PAGES_host_cr3, LGUEST_PAGES_host_gdt_desc and
 * LGUEST_PAGES_host_idt_desc for what takes us back to the Host;
 * LGUEST_PAGES_guest_gdt_desc, LGUEST_PAGES_guest_idt_desc and
 * LGUEST_PAGES_guest_idt for the Guest's tables; and
 * LGUEST_PAGES_switcher_trapped to say a trap caught us in the middle.
:*/
#include <linux/linkage.h>
#include <asm/asm-offsets.h>
#include <asm/page.h>
#include <asm/segment.h>
#include <asm/lguest.h>
#include <asm/processor-flags.h>

.text
.global start_switcher_text
start_switcher_text:

/*S:110
 * The Host calls us from run_guest_once() (H:530) with "pushf; lcall
 * *lguest_entry": the processor leaves the Host's flags, code segment and
 * return address on its stack, exactly the frame an interrupt would leave,
 * which we will use twice.  %eax holds this CPU's struct lguest_pages (at
 * its Switcher address), %ebx the physical address of the Guest's shadow
 * page directory.
:*/
.global switch_to_guest
switch_to_guest:
	/* The Host's segment registers and frame pointer, then its stack. */
	pushl	%es
	pushl	%ds
	pushl	%gs
	pushl	%fs
	pushl	%ss
	pushl	%ebp
	movl	%esp, LGUEST_PAGES_host_sp(%eax)

	/*
	 * The order of what follows is chosen for the NMI, which can arrive
	 * between any two instructions.  We load the Guest's IDT while still
	 * on the Host's stack: from then on an NMI lands in our own stub,
	 * which notes it for the Host and lets us finish (S:160), and the
	 * Host's handler never runs on the small stack of the register page
	 * we move onto next.  Then the Guest's GDT (whose kernel segments
	 * would not do for the Host's handlers), its TSS, and its page
	 * tables.
	 */
	lidt	LGUEST_PAGES_guest_idt_desc(%eax)
	leal	LGUEST_PAGES_regs(%eax), %esp
	lgdt	LGUEST_PAGES_guest_gdt_desc(%eax)
	movl	$(GDT_ENTRY_TSS * 8), %edx
	ltr	%dx
	movl	%ebx, %cr3

	/*
	 * This page now maps the Guest's own register page: pop the lot,
	 * skip the trap number and error code, and iret into the Guest.
	 */
	popl	%eax
	popl	%ebx
	popl	%ecx
	popl	%edx
	popl	%esi
	popl	%edi
	popl	%ebp
	popl	%gs
	popl	%fs
	popl	%ds
	popl	%es
	addl	$8, %esp
	iret
/*:*/

/*S:120
 * The way back.  The processor has pushed the Guest's stack, flags, code
 * segment and instruction pointer (and for some traps an error code)
 * onto the stack in the Guest's TSS, which is the top of the register
 * page (H:500 pointed it there); our entry stub added the trap number.
 * We push the rest, so the page now holds a complete struct lguest_regs,
 * and undo switch_to_guest.
 *
 * We find our struct lguest_pages from the IDT we are running under,
 * which lives inside it, rather than from the stack.  A trap that hit
 * the Switcher itself (the processor refusing the Guest's segments as we
 * iret into it) is noted, so the Host knows the Guest never ran and its
 * registers are not in the page.
:*/
/*
 * sidt tells us where this CPU's Guest IDT is, and so where its struct
 * lguest_pages is: into %eax.  It needs eight bytes of whatever stack
 * we are on.
 */
.macro FIND_OUR_PAGES
	subl	$8, %esp
	sidt	2(%esp)
	movl	4(%esp), %eax
	addl	$8, %esp
	subl	$LGUEST_PAGES_guest_idt, %eax
.endm

.macro SWITCH_TO_HOST
	pushl	%es
	pushl	%ds
	pushl	%fs
	pushl	%gs
	pushl	%ebp
	pushl	%edi
	pushl	%esi
	pushl	%edx
	pushl	%ecx
	pushl	%ebx
	pushl	%eax

	/* Our own flat data segment: the Guest's may have any base. */
	movl	$LGUEST_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es

	FIND_OUR_PAGES

	/*
	 * The trap number, its error code, and whether it interrupted the
	 * Switcher (ring 0).  The Guest's registers are saved: ours now.
	 */
	movl	44(%esp), %ebx
	movl	48(%esp), %esi
	movl	56(%esp), %ecx
	andl	$3, %ecx

	/* The Host's stack before its IDT, for the NMI again (S:160). */
	movl	LGUEST_PAGES_host_cr3(%eax), %edx
	movl	%edx, %cr3
	lgdt	LGUEST_PAGES_host_gdt_desc(%eax)
	movl	LGUEST_PAGES_host_sp(%eax), %esp
	lidt	LGUEST_PAGES_host_idt_desc(%eax)

	xorl	%edx, %edx
	testl	%ecx, %ecx
	setz	%dl
	movl	%edx, LGUEST_PAGES_switcher_trapped(%eax)
	/*
	 * In that case the trap frame is not in the register page, so put
	 * the trap number and error code where the Host will look for them
	 * (at 44 and 48 in struct lguest_regs).
	 */
	jnz	1f
	movl	%ebx, (LGUEST_PAGES_regs + 44)(%eax)
	movl	%esi, (LGUEST_PAGES_regs + 48)(%eax)
1:

	/*
	 * The Host's TSS descriptor is marked busy, and ltr refuses a busy
	 * TSS: mark it available first (the Host's GDT is writable on
	 * 32-bit, as its double-fault task gate needs).
	 */
	movl	(LGUEST_PAGES_host_gdt_desc + 2)(%eax), %edx
	andb	$0xFD, (GDT_ENTRY_TSS * 8 + 5)(%edx)
	movl	$(GDT_ENTRY_TSS * 8), %edx
	ltr	%dx

	popl	%ebp
	popl	%ss
	popl	%fs
	popl	%gs
	popl	%ds
	popl	%es
.endm

/*S:130
 * A trap the Host must look at (a hypercall, a page fault, anything the
 * Guest did) simply goes back: the frame "pushf; lcall" left makes iret
 * return to the Host just after its call.
:*/
return_to_host:
	SWITCH_TO_HOST
	iret

/*S:140
 * A real interrupt (or an NMI, or a machine check) meant for the Host
 * arrived while the Guest was running.  Once we are back on the Host's
 * stack we jump to the Host's own handler for it, found in the Host's
 * IDT.  The Host's call frame on the stack looks to that handler just
 * like the Host was interrupted there, so its iret returns to the Host
 * after its lcall, as if the Guest had simply stopped.
:*/
deliver_to_host:
	SWITCH_TO_HOST
	movl	(LGUEST_PAGES_host_idt_desc + 2)(%eax), %edx
	leal	(%edx, %ebx, 8), %ebx
	movzwl	(%ebx), %edx
	movl	4(%ebx), %ecx
	xorw	%cx, %cx
	orl	%ecx, %edx
	jmp	*%edx
/*:*/

/*S:150
 * One small entry point per vector: push a zero where the processor
 * pushes no error code, so every frame has the same shape, then the
 * vector number.  The vectors with an error code are H:215's, the same
 * list the Host uses.  Each stub's address goes into default_idt_entries
 * for the Host to build the Guest's IDT from; the stubs are made in
 * S:170, once we have met the last place they go.
:*/
.macro IRQ_STUB vec, target
	.data
	.long	9999f
	.text
9999:
	.if LGUEST_VECTOR_HAS_ERRCODE(\vec)
	.else
	pushl	$0
	.endif
	pushl	$\vec
	jmp	\target
.endm

/*S:160
 * An NMI or a machine check can arrive anywhere, the Switcher included.
 * One that interrupts the Guest goes to the Host's handler like any
 * interrupt.  One that interrupts the Switcher (the code segment it
 * interrupted is ring 0) must not: the Switcher is half way through
 * saving or loading the Guest, and giving up there loses a hypercall or
 * runs the Guest from stale registers.  So we only note it, a bit by
 * vector in the state page's host_traps_latched (its offset is
 * LGUEST_PAGES_host_traps_latched), which the Guest cannot write, and
 * return to finish the switch; the Host raises it again the moment it
 * is back (H:535).  The page is read only here too, so for that one bit
 * we turn off write protection, with NMIs held off until our iret.
 *
 * Try it: "run_tests.sh host-nmi" boots a Host on two CPUs, spins the
 * tiny Guest spin on one and has every CPU report in by NMI; then it
 * fires thousands of NMIs, one at a time, at hcall-loop, a Guest that
 * checks after every hypercall that none was lost and no register went
 * stale.  Some of them land in the middle of a switch.
:*/
host_trap_in_switcher:
	pushl	%eax
	pushl	%ecx
	FIND_OUR_PAGES
	movl	8(%esp), %ecx
	pushl	%edx
	movl	%cr0, %edx
	andl	$~X86_CR0_WP, %edx
	movl	%edx, %cr0
	btsl	%ecx, LGUEST_PAGES_host_traps_latched(%eax)
	orl	$X86_CR0_WP, %edx
	movl	%edx, %cr0
	popl	%edx
	popl	%ecx
	popl	%eax
	addl	$8, %esp
	iret

/* The NMI's and machine check's stubs come here first. */
host_trap:
	testl	$3, 12(%esp)
	jz	host_trap_in_switcher
	jmp	deliver_to_host

/*S:170
 * And the stubs themselves, all 256, each adding its address to
 * default_idt_entries, which H:500 moves to the Switcher's addresses and
 * copy_traps() (H:270) builds every Guest IDT from.  Each vector goes
 * home the way its kind needs: the NMI and machine check through
 * host_trap (S:160), external interrupts to the Host's handlers (S:140),
 * and everything else back to the Host to be looked at (S:130),
 * including the system call vector whenever the Guest's gate does not
 * take it directly.
 *
 * end_switcher_text is the last line of lguest.  From the first
 * hypercall to here, that is the whole machine: a Guest that asks, a bus
 * that finds, a Launcher that serves, a Host that checks and a page that
 * switches.  What it does not do yet is the last part's business.
:*/
	.data
.global default_idt_entries
default_idt_entries:
	.text
	vec = 0
	.rept 256
	.if (vec == 2) || (vec == 18)
	IRQ_STUB vec, host_trap
	.elseif (vec >= 32) && (vec != 0x80)
	IRQ_STUB vec, deliver_to_host
	.else
	IRQ_STUB vec, return_to_host
	.endif
	vec = vec + 1
	.endr

.global end_switcher_text
end_switcher_text:
/*:*/
