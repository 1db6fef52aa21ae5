/* SPDX-License-Identifier: GPL-2.0 */
/* The smallest Guest: say hello, power off. */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	print	hello
	poweroff hello

	.data
hello:	.asciz	"Hello from a tiny lguest Guest\n"
	guest_data
