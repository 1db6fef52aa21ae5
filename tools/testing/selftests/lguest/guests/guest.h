/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every test Guest shares: how to make a hypercall, how to say
 * something on the Launcher's console, how to stop, and the page the
 * Guest shares with the Host.  A test Guest is a flat i386 program the
 * Launcher loads like a kernel: it starts in ring 1 at its entry point,
 * paging on with the Launcher's linear page tables (virtual address =
 * physical address), so a symbol's address is also what the Host calls
 * its physical address.
 */
#include <asm/lguest_hcall.h>
#include <asm/segment.h>
#include <asm/processor-flags.h>
#include <asm/irq_vectors.h>
#include <generated/asm-offsets.h>

/* hcall NUM, ARG1, ARG2, ARG3: the call in %eax, arguments as the ABI says. */
.macro hcall num, a1=$0, a2=$0, a3=$0
	movl	\a1, %edx
	movl	\a2, %ebx
	movl	\a3, %ecx
	movl	$\num, %eax
	int	$LGUEST_TRAP_ENTRY
.endm

/* Print a NUL-terminated string through the Launcher's early console. */
.macro print msg
	hcall	LHCALL_NOTIFY, $\msg
.endm

.macro poweroff msg
	hcall	LHCALL_SHUTDOWN, $\msg, $LGUEST_SHUTDOWN_POWEROFF
.endm

/* A crash: the Launcher prints the reason and exits 1. */
.macro fail msg
	hcall	LHCALL_SHUTDOWN, $\msg, $0
.endm

/*
 * Set up a stack, mark every slot of the asynchronous hypercall ring
 * free (0xFF) and register lguest_data with the Host.
 */
.macro guest_init
	movl	$stack_top, %esp
	movl	$(lguest_data + LGUEST_DATA_hcall_status), %edi
	movl	$0xFF, %eax
	movl	$LHCALL_RING_SIZE, %ecx
	cld
	rep stosb
	hcall	LHCALL_LGUEST_INIT, $lguest_data
.endm

/* Gate flags: present, privilege level, 32-bit interrupt or trap gate. */
#define GATE_INTR_RING1	0xAE
#define GATE_TRAP_RING3	0xEF

/* set_gate VECTOR, HANDLER, FLAGS: one IDT entry to a handler of ours. */
.macro set_gate vec, handler, flags
	movl	$\handler, %ecx
	movl	%ecx, %ebx
	andl	$0xFFFF, %ebx
	orl	$(__KERNEL_CS << 16), %ebx
	andl	$0xFFFF0000, %ecx
	orl	$(\flags << 8), %ecx
	movl	$\vec, %edx
	movl	$LHCALL_LOAD_IDT_ENTRY, %eax
	int	$LGUEST_TRAP_ENTRY
.endm

/* The shared page and an 8 KB stack, in the zeroed memory after the code. */
.macro guest_data
	.bss
	.balign	4096
	.globl	lguest_data
lguest_data:
	.skip	4096
	.skip	8192
stack_top:
	.text
.endm

/*
 * Flat 4 GB segment descriptors (base 0, limit 0xFFFFF pages, 32-bit)
 * with the access byte for each kind: present, privilege level, code
 * (execute/read) or data (read/write), accessed.
 */
#define FLAT_SEG(access)	.long 0x0000FFFF, (0x00CF0000 | ((access) << 8))
#define CODE_RING0	0x9B
#define CODE_RING1	0xBB
#define DATA_RING1	0xB3
#define CODE_RING3	0xFB
#define DATA_RING3	0xF3
