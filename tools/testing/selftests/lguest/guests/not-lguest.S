/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A kernel that was never built for lguest starts the way every i386
 * kernel does, by loading its own GDT: a privileged instruction in ring
 * 1.  The Host must stop it with a reason that names the likely mistake.
 */
#include "guest.inc"

	.text
	.globl	start
start:
	lgdt	gdt_desc
	fail	alive

	.data
gdt_desc: .word	0
	.long	0
alive:	.asciz	"not-lguest: lgdt worked in ring 1"
	guest_data
