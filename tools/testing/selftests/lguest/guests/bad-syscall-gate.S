/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hostile: the system call gate, the one the processor takes without the
 * Host (H:270), aimed into the Switcher's pages.  A direct gate is checked
 * like any other: the Guest is killed when it loads it.
 */
#include "guest.inc"

	.text
	.globl	start
start:
	movl	$IA32_SYSCALL_VECTOR, lguest_data + LGUEST_DATA_syscall_vec
	guest_init
	switcher_start
	movl	%eax, %ebx
	andl	$0xFFFF, %ebx
	orl	$(__KERNEL_CS << 16), %ebx
	movl	%eax, %ecx
	andl	$0xFFFF0000, %ecx
	orl	$(GATE_TRAP_RING3 << 8), %ecx
	movl	$IA32_SYSCALL_VECTOR, %edx
	movl	$LHCALL_LOAD_IDT_ENTRY, %eax
	int	$LGUEST_TRAP_ENTRY
	fail	alive

	.data
alive:	.asciz	"bad-syscall-gate: the Host accepted a system call gate into the Switcher"
	guest_data
