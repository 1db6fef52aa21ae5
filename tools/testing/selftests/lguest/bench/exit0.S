/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The program lgbench's exec benchmark runs: exit(0) and nothing else,
 * so that what it times is the kernel's exec and not a C library
 * starting up.
 */
#include <asm/unistd_32.h>

	.text
	.globl	_start
_start:
	movl	$__NR_exit, %eax
	xorl	%ebx, %ebx
	int	$0x80
