/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The asynchronous hypercall ring: queue a NOTIFY in the first slot of
 * lguest_data's ring without trapping, then one FLUSH_ASYNC trap makes the
 * Host run it, so the string appears; the Host marks the slot free again.
 */
#include "guest.inc"

#define HCALL_SIZE	16	/* struct hcall_args: four longs */

	.text
	.globl	start
start:
	guest_init
	movl	$(lguest_data + LGUEST_DATA_hcalls), %eax
	movl	$LHCALL_NOTIFY, (%eax)
	movl	$queued, 4(%eax)
	movb	$0, lguest_data + LGUEST_DATA_hcall_status
	hcall	LHCALL_FLUSH_ASYNC
	cmpb	$0xFF, lguest_data + LGUEST_DATA_hcall_status
	jne	1f
	poweroff queued
1:	fail	notfreed

	.data
queued:	.asciz	"ring: a queued NOTIFY ran at the next trap\n"
notfreed: .asciz "ring: the Host did not free the ring slot"
	guest_data
