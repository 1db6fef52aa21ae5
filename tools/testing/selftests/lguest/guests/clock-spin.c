// SPDX-License-Identifier: GPL-2.0
/*
 * clock-spin: a program for a Linux Guest (it rides in the Guest's
 * image), not a tiny Guest.  It makes system calls as fast as it can,
 * nothing else, for COUNT calls, and says how long that took by the
 * Guest's own clock.  Such a loop never leaves the Guest (its system
 * calls are direct) and spends most of its time in the Guest's kernel
 * with interrupts off: if the Host held the timer back for want of a
 * chance to deliver it, nothing else in the Guest would wake.  guest-boot
 * runs it in the background and times the shell's sleeps beside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/syscall.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char *argv[])
{
	long count = argc > 1 ? atol(argv[1]) : 1000000, i, r;
	long long t0;

	printf("SPIN-BEGIN\n");
	fflush(stdout);
	t0 = now_ms();
	for (i = 0; i < count; i++)
		asm volatile("int $0x80" : "=a"(r) : "0"(SYS_getppid) : "memory");
	printf("SPIN-END %ld calls in %lld ms of Guest time\n", count,
	       now_ms() - t0);
	return 0;
}
