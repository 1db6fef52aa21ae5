/* SPDX-License-Identifier: GPL-2.0 */
#include <linux/linkage.h>
#include <linux/init.h>
#include <asm/asm-offsets.h>
#include <asm/bootparam.h>
#include <asm/lguest_hcall.h>
#include <asm/page_types.h>
#include <asm/processor-flags.h>
#include <asm/segment.h>
#include <asm/setup.h>

/*G:020
 * The Guest is a Linux kernel like any other, except that it runs in ring
 * 1, where every privileged instruction faults, so it must ask for what
 * it used to take.  This part is the Guest's side of lguest: the little
 * code in arch/x86/lguest that makes that so.  We follow it from its
 * first instruction (here) and its first C (G:025), through the way it
 * asks the Host for things and the page it shares with it (G:030 to
 * G:035), to the paravirt operations, one subsystem at a time:
 * interrupts, segments and descriptor tables, control registers, page
 * tables, interrupt lines, time and stopping.  The Host's answers come
 * much later, in part H; here we only see the questions.
 *
 * The Guest's first instructions.  The Launcher loaded this kernel at its
 * physical address and the Host started it here, in ring 1, with paging
 * on through the Launcher's page tables (virtual = physical), %esi
 * pointing at boot_params, and no stack.  startup_32 saw
 * hardware_subarch == X86_SUBARCH_LGUEST and jumped straight here,
 * before its first privileged instruction: patches/0005 puts that test
 * back at the top of startup_32, where it sat until lguest left in 4.14.
 *
 * We do what startup_32 would, minus everything privileged: tell the
 * Host where our lguest_data is (the page we share with it, G:032 and
 * G:033; the first hypercall must be this one), clear the BSS, keep
 * boot_params and the command line, and build the kernel's early page
 * tables.  Those map the kernel at PAGE_OFFSET as well as where it is
 * now; we give them to the Host instead of loading %cr3, and jump up to
 * where the kernel was linked to run, lguest_init() (G:025).  Until
 * then we run at physical addresses: pa() takes us there.
:*/
#define pa(x)	((x) - __PAGE_OFFSET)

__HEAD
SYM_CODE_START(lguest_entry)
	movl	$LHCALL_LGUEST_INIT, %eax
	movl	$pa(lguest_data), %edx
	int	$LGUEST_TRAP_ENTRY

	/* Percpu data goes through %fs: flat, until the real GDT is in. */
	movl	$(__KERNEL_DS | 1), %eax
	movl	%eax, %fs
	movl	pa(initial_stack), %esp
	subl	$__PAGE_OFFSET, %esp

	cld
	xorl	%eax, %eax
	movl	$pa(__bss_start), %edi
	movl	$pa(__bss_stop), %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	rep stosl

	movl	$pa(boot_params), %edi
	movl	$(PARAM_SIZE / 4), %ecx
	rep movsl
	movl	pa(boot_params) + NEW_CL_POINTER, %esi
	testl	%esi, %esi
	jz	1f
	movl	$pa(boot_command_line), %edi
	movl	$(COMMAND_LINE_SIZE / 4), %ecx
	rep movsl
1:
	call	mk_early_pgtbl_32

	movl	$LHCALL_NEW_PGTABLE, %eax
	movl	$pa(initial_page_table), %edx
	int	$LGUEST_TRAP_ENTRY

	addl	$__PAGE_OFFSET, %esp
	movl	$lguest_init, %eax
	jmp	*%eax
SYM_CODE_END(lguest_entry)

/*G:050
 * Returning from an interrupt is the one place where the processor would
 * restore the interrupt flag for us, from the flags on the stack; in
 * ring 1 it leaves the real flag alone, and ours is in lguest_data.  So
 * the kernel's return path jumps here instead of to iret (patches/0006
 * adds that jump to entry_32.S, taken when the kernel's own code segment
 * is not ring 0): we copy the saved flag into lguest_data.irq_enabled
 * ourselves and then iret.  The assembler finds that field at
 * LGUEST_DATA_irq_enabled, one of the offsets patches/0002 adds to the
 * kernel's asm-offsets.
 *
 * Between that copy and the iret an interrupt would be delivered onto
 * the very frame we are about to pop; the Host never interrupts us
 * between lguest_noirq_iret and lguest_noirq_end (which takes in the
 * first instruction of G:052 too), which we told it about in
 * lguest_data.  And the %ss: prefix is because %ds already holds
 * whatever we are returning to, perhaps userspace's.
:*/
.text
SYM_CODE_START(lguest_iret)
	pushl	%eax
	movl	12(%esp), %eax
SYM_INNER_LABEL(lguest_noirq_iret, SYM_L_GLOBAL)
	andl	$X86_EFLAGS_IF, %eax
	movl	%eax, %ss:lguest_data + LGUEST_DATA_irq_enabled
	popl	%eax
	iret
SYM_CODE_END(lguest_iret)

/*G:052
 * The system call's door, the one trap the processor hands us without
 * going through the Host (H:270): our int $0x80 gate is a trap gate to
 * here.  Linux's entry code counts on the gate having turned interrupts
 * off, and a trap gate does not, nor would it touch our virtual flag;
 * so the first thing we do is turn that off ourselves.  An interrupt
 * delivered before that store would land on a stack the entry code has
 * not yet claimed, which is why this instruction, too, lies before
 * lguest_noirq_end: the Host delivers nothing here.
:*/
SYM_CODE_START(lguest_entry_INT80)
	movl	$0, %ss:lguest_data + LGUEST_DATA_irq_enabled
SYM_INNER_LABEL(lguest_noirq_end, SYM_L_GLOBAL)
	jmp	entry_INT80_32
SYM_CODE_END(lguest_entry_INT80)
