/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System calls without the Host: we load a GDT with user segments, give
 * the Host our kernel stack, install int $0x80 as a ring-3 trap gate and
 * drop to ring 3, which makes 100 system calls and a last one to say it
 * is done.  Each lands in our ring-1 handler; the Host's syscall_exits
 * counter (in debugfs) shows whether any went through the Host.
 */
#include "guest.inc"

#define CALLS	100

	.text
	.globl	start
start:
	movl	$IA32_SYSCALL_VECTOR, lguest_data + LGUEST_DATA_syscall_vec
	guest_init
	hcall	LHCALL_LOAD_GDT, $gdt, $((gdt_end - gdt) / 8)
	hcall	LHCALL_SET_STACK, $(__KERNEL_DS | 1), $kstack_top, $1
	set_gate IA32_SYSCALL_VECTOR, syscall, GATE_TRAP_RING3

	pushl	$__USER_DS
	pushl	$ustack_top
	pushl	$(X86_EFLAGS_IF | X86_EFLAGS_FIXED)
	pushl	$__USER_CS
	pushl	$user
	iret

/* Ring 3: no memory touched but the stack, which int uses. */
user:
	movl	$CALLS, %esi
1:	xorl	%eax, %eax
	int	$IA32_SYSCALL_VECTOR
	decl	%esi
	jnz	1b
	movl	$1, %eax
	int	$IA32_SYSCALL_VECTOR
2:	jmp	2b

/*
 * Ring 1, on kstack: ring 3 left us null data segments, so load ours
 * before counting.  System call 1 means "done".
 */
syscall:
	movl	$(__KERNEL_DS | 1), %ecx
	movl	%ecx, %ds
	movl	%ecx, %es
	incl	calls
	cmpl	$1, %eax
	je	3f
	iret
3:	cmpl	$(CALLS + 1), calls
	jne	4f
	print	good
	poweroff good
4:	fail	bad

	.data
	.balign	8
gdt:	.fill	GDT_ENTRY_KERNEL_CS, 8, 0
	FLAT_SEG(CODE_RING1)
	FLAT_SEG(DATA_RING1)
	FLAT_SEG(CODE_RING3)
	FLAT_SEG(DATA_RING3)
gdt_end:
calls:	.long	0
good:	.asciz	"syscall: 101 system calls reached the Guest's handler\n"
bad:	.asciz	"syscall: the Guest's handler counted the wrong number of calls"
	.bss
	.balign	4096
	.skip	4096
kstack_top:
	.skip	4096
ustack_top:
	guest_data
