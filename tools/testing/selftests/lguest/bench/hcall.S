/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The null hypercall, for lgbench: a tiny Guest that makes
 * LHCALL_FLUSH_ASYNC, with nothing in the asynchronous ring, as many
 * times as the first word of its command line says, then powers off.
 * It is the cheapest round trip to the Host there is: the Switcher, the
 * Host's dispatch and back, with no work in between.
 */
#include "guest.inc"

/* Where the x86 boot protocol keeps the command line's address. */
#define BOOT_CMD_LINE_PTR	0x228

	.text
	.globl	start
start:
	guest_init
	movl	BOOT_CMD_LINE_PTR, %esi
	xorl	%edi, %edi
1:	movzbl	(%esi), %eax
	subl	$'0', %eax
	cmpl	$9, %eax
	ja	2f
	imull	$10, %edi
	addl	%eax, %edi
	incl	%esi
	jmp	1b
2:	testl	%edi, %edi
	jz	4f
3:	hcall	LHCALL_FLUSH_ASYNC
	decl	%edi
	jnz	3b
4:	poweroff done

	.data
done:	.asciz	"hcall: done"
	guest_data
