/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The assembler half of fuzz-hcall: the entry point, a handler for every
 * vector, and "probes", operations that may trap.  A probe remembers its
 * stack; if anything traps while it runs, the handler drops the trap
 * frame, returns to the probe's caller and says which vector it was.
 * Interrupts outside a probe (the clock, after a HALT) return normally.
 * The logic is in fuzz-hcall.c.
 */
#include "guest.inc"
#include <asm/lguest.h>

	.text
	.globl	start
start:
	movl	$stack_top, %esp
	pushl	%esi			/* boot_params */
	call	fuzz_main
	/* fuzz_main ends the Guest; it never returns. */
	ud2

/*
 * One handler per vector, 16 bytes apart: push a zero where the
 * processor pushes no error code, then the vector.
 */
	.balign	16
	.globl	trap_stubs
trap_stubs:
	vec = 0
	.rept	256
	.balign	16
	.if	!LGUEST_VECTOR_HAS_ERRCODE(vec)
	pushl	$0
	.endif
	pushl	$vec
	jmp	trap_common
	vec = vec + 1
	.endr

trap_common:
	cmpl	$0, recover_esp
	je	not_probing
	popl	trapped_vector
	movl	$(__KERNEL_DS | 1), %eax
	movl	%eax, %ss
	movl	recover_esp, %esp
	movl	$0, recover_esp
	movl	%eax, %ds
	movl	%eax, %es
	movl	trapped_vector, %eax
	incl	%eax
	jmp	probe_out

not_probing:
	cmpl	$FIRST_EXTERNAL_VECTOR, (%esp)
	jb	1f
	addl	$8, %esp
	iret
1:	call	fuzz_unexpected_trap	/* its argument is the vector on top */
	ud2

/*
 * probe_in: save the callee-saved registers and the stack for a trap to
 * come back to.  probe_out: restore them and return %eax to the caller
 * of the probe (0 when nothing trapped, the vector + 1 when it did).
 */
probe_in:
	popl	%eax			/* our return address */
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	%esp, recover_esp
	jmp	*%eax

probe_ok:
	movl	$0, recover_esp
	xorl	%eax, %eax
probe_out:
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret

/* unsigned int probe_read(unsigned long addr) */
	.globl	probe_read
probe_read:
	call	probe_in
	movl	20(%esp), %eax
	movl	(%eax), %eax
	jmp	probe_ok

/* unsigned int probe_write(unsigned long addr, unsigned long val) */
	.globl	probe_write
probe_write:
	call	probe_in
	movl	20(%esp), %eax
	movl	24(%esp), %edx
	movl	%edx, (%eax)
	jmp	probe_ok

/* unsigned int probe_int(unsigned int vector): "int $vector" from ring 1 */
	.globl	probe_int
probe_int:
	call	probe_in
	movl	20(%esp), %eax
	leal	int_stubs(,%eax,4), %eax
	call	*%eax
	jmp	probe_ok

/*
 * unsigned int probe_user(unsigned int vector): drop to ring 3 on flat
 * user segments and do "int $vector" there.  Whatever comes of it (the
 * Guest's own gate, or a #GP for a gate ring 3 may not use) is a trap,
 * so this probe never returns 0.
 */
	.globl	probe_user
probe_user:
	call	probe_in
	movl	20(%esp), %eax
	leal	int_stubs(,%eax,4), %eax
	movl	%eax, user_target
	pushl	$(__USER_DS | 3)
	pushl	$user_stack_top
	pushl	$(X86_EFLAGS_IF | X86_EFLAGS_FIXED)
	pushl	$(__USER_CS | 3)
	pushl	$user_code
	iret
user_code:
	call	*user_target
	ud2

/* "int $N; ret" for every N, four bytes apart. */
	.balign	4
int_stubs:
	vec = 0
	.rept	256
	.byte	0xcd, vec, 0xc3, 0x90
	vec = vec + 1
	.endr

	.data
	.globl	recover_esp
recover_esp:	.long 0
trapped_vector:	.long 0
user_target:	.long 0

	guest_data
	.bss
	.balign	4096
	.skip	4096
user_stack_top:
	.globl	kstack_top
	.skip	8192
kstack_top:
