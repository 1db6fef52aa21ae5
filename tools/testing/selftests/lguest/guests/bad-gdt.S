/* SPDX-License-Identifier: GPL-2.0 */
/* Hostile: a GDT whose kernel code segment asks for ring 0. */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	hcall	LHCALL_LOAD_GDT, $gdt, $((gdt_end - gdt) / 8)
	fail	alive

	.data
	.balign	8
gdt:	.fill	GDT_ENTRY_KERNEL_CS, 8, 0
	FLAT_SEG(CODE_RING0)
	FLAT_SEG(DATA_RING1)
gdt_end:
alive:	.asciz	"bad-gdt: the Host accepted a ring-0 segment"
	guest_data
