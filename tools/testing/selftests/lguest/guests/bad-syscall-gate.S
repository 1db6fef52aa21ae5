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
	set_gate_to IA32_SYSCALL_VECTOR, GATE_TRAP_RING3
	fail	alive

	.data
alive:	.asciz	"bad-syscall-gate: the Host accepted a system call gate into the Switcher"
	guest_data
