/* SPDX-License-Identifier: GPL-2.0 */
/* Hostile: a kernel stack in the ring-0 data segment. */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	hcall	LHCALL_SET_STACK, $__KERNEL_DS, $stack_top, $1
	fail	alive

	.data
alive:	.asciz	"bad-stack: the Host accepted a ring-0 stack"
	guest_data
