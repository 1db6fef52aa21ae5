// SPDX-License-Identifier: GPL-2.0
/*
 * tls-switch: a program for a Linux Guest (it rides in the Guest's
 * image), not a tiny Guest.  It checks that each process sees its own
 * thread-local storage across task switches, which G:070's
 * tls_already_loaded() must get right when it skips LOAD_TLS.
 *
 * Four children each point a TLS entry of their own (set_thread_area,
 * which glibc leaves us a slot for) at a different word and load it into
 * %fs, which glibc does not use.  Each then reads %fs:0 over and over,
 * yielding to the others, and must always find its own word; halfway it
 * moves its entry to a second word, as a thread library would.
 */
#include <asm/ldt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define CHILDREN 4

static unsigned int words[2][CHILDREN];

static int point_tls_at(unsigned int *word, int entry)
{
	struct user_desc desc = {
		.entry_number = entry,
		.base_addr = (unsigned long)word,
		.limit = 0xfffff,
		.limit_in_pages = 1,
		.seg_32bit = 1,
		.useable = 1,
	};

	if (syscall(SYS_set_thread_area, &desc) != 0) {
		perror("set_thread_area");
		exit(2);
	}
	return desc.entry_number;
}

static unsigned int read_fs_word(void)
{
	unsigned int v;

	asm volatile("movl %%fs:0, %0" : "=r"(v));
	return v;
}

static int child(int i, long rounds)
{
	int entry, wrong = 0;
	long r;

	words[0][i] = 0x1000 + i;
	words[1][i] = 0x2000 + i;
	entry = point_tls_at(&words[0][i], -1);
	asm volatile("movw %w0, %%fs" : : "r"(entry * 8 + 3));
	for (r = 0; r < rounds; r++) {
		unsigned int want = words[r >= rounds / 2][i];

		if (r == rounds / 2) {
			point_tls_at(&words[1][i], entry);
			asm volatile("movw %w0, %%fs" : : "r"(entry * 8 + 3));
		}
		if (read_fs_word() != want && wrong++ < 5)
			printf("process %d round %ld: %%fs:0 is %#x, not %#x\n",
			       i, r, read_fs_word(), want);
		if (r % 64 == 0)
			sched_yield();
	}
	return wrong ? 1 : 0;
}

int main(int argc, char *argv[])
{
	long rounds = argc > 1 ? atol(argv[1]) : 100000;
	int i, status, failed = 0;

	for (i = 0; i < CHILDREN; i++)
		if (fork() == 0)
			return child(i, rounds);
	for (i = 0; i < CHILDREN; i++)
		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			failed++;
	printf("TLS-SWITCH: %d children of %ld rounds, %d saw another's TLS\n",
	       CHILDREN, rounds, failed);
	return failed ? 1 : 0;
}
