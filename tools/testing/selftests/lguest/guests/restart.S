/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every run says so and asks to be restarted: the Launcher re-executes
 * itself and the Guest runs again, for as long as the test lets it.
 */
#include "guest.inc"

	.text
	.globl	start
start:
	guest_init
	print	running
	hcall	LHCALL_SHUTDOWN, $running, $LGUEST_SHUTDOWN_RESTART
	fail	still

	.data
running: .asciz	"restart: the Guest is running\n"
still:	.asciz	"restart: still here after asking for a restart"
	guest_data
