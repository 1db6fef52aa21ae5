/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hostile: a system call vector other than Linux's 0x80.  The Host lets
 * the Guest's system call gate go straight through (H:270), and for that
 * one vector only; a Guest asking for another at LGUEST_INIT is killed
 * there, before any gate is made.
 */
#include "guest.inc"

	.text
	.globl	start
start:
	movl	$0x81, lguest_data + LGUEST_DATA_syscall_vec
	guest_init
	fail	accepted

	.data
accepted: .asciz "bad-syscall-vec: the Host took system calls on 0x81"
	guest_data
