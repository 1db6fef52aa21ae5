// SPDX-License-Identifier: GPL-2.0
/*
 * stale-shadow: a program for a Linux Guest (it rides in the Guest's
 * image), not a tiny Guest.  It checks that a process switched out and
 * back sees a change another process made to its page table meanwhile,
 * which G:092 must notice although the Guest's kernel only counts such
 * a flush (the mm is not loaded) and tells nobody.
 *
 * Each round: A, which has a page it shares copy-on-write with a
 * sleeping child, reads it (so the Host shadows it), then waits on a
 * pipe.  C writes a new byte into A's page through /proc/A/mem, which
 * breaks the sharing: A's entry now names a new page.  A wakes and must
 * read the new byte; a shadow kept across the switch would still show
 * it the old page.
 */
/* Addresses above 2 GB are file offsets in /proc/PID/mem. */
#define _FILE_OFFSET_BITS 64
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

static int one_round(int round)
{
	char path[64], want = 'a' + round % 26;
	char *page;
	int to_c[2], to_a[2], fd;
	pid_t sharer, c;
	char byte;

	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || pipe(to_c) || pipe(to_a))
		return -1;
	page[0] = '-';
	sharer = fork();
	if (sharer == 0) {
		pause();
		_exit(0);
	}
	c = fork();
	if (c == 0) {
		char ok = 1;

		if (read(to_c[0], &byte, 1) != 1)
			_exit(1);
		snprintf(path, sizeof(path), "/proc/%d/mem", (int)getppid());
		fd = open(path, O_RDWR);
		if (fd < 0 || pwrite(fd, &want, 1, (off_t)(unsigned long)page) != 1) {
			perror(path);
			ok = 0;
		}
		_exit(write(to_a[1], &ok, 1) != 1);
	}
	/* Real loads, each time: the shadow entry is what is on trial. */
	byte = __atomic_load_n(&page[0], __ATOMIC_RELAXED);
	if (write(to_c[1], "", 1) != 1 || read(to_a[0], &byte, 1) != 1 || !byte)
		return -1;
	byte = __atomic_load_n(&page[0], __ATOMIC_RELAXED);
	kill(sharer, SIGKILL);
	waitpid(sharer, NULL, 0);
	waitpid(c, NULL, 0);
	munmap(page, 4096);
	close(to_c[0]);
	close(to_c[1]);
	close(to_a[0]);
	close(to_a[1]);
	if (byte != want) {
		printf("STALE-SHADOW: round %d read '%c', not '%c'\n", round,
		       byte, want);
		return -1;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	int rounds = argc > 1 ? atoi(argv[1]) : 100, i;

	for (i = 0; i < rounds; i++) {
		if (one_round(i)) {
			printf("STALE-SHADOW: round %d failed\n", i);
			return 1;
		}
	}
	printf("STALE-SHADOW: %d rounds, each saw the new page\n", rounds);
	return 0;
}
