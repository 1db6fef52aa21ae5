/* SPDX-License-Identifier: GPL-2.0 */
/* Hostile: a page fault handler inside the Switcher's pages. */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	switcher_start
	movl	%eax, %ebx
	andl	$0xFFFF, %ebx
	orl	$(__KERNEL_CS << 16), %ebx
	movl	%eax, %ecx
	andl	$0xFFFF0000, %ecx
	orl	$(GATE_INTR_RING1 << 8), %ecx
	movl	$14, %edx
	movl	$LHCALL_LOAD_IDT_ENTRY, %eax
	int	$LGUEST_TRAP_ENTRY
	fail	alive

	.data
alive:	.asciz	"bad-idt: the Host accepted a gate into the Switcher"
	guest_data
