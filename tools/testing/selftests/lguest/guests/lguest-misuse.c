// SPDX-License-Identifier: GPL-2.0
/*
 * Misusing /dev/lguest the ways a buggy or hostile Launcher could, and
 * checking that each gets the errno the Host documents.  Runs as root in
 * the test Host with lg.ko loaded; prints TAP-style lines the scenario
 * relays, and exits non-zero if any check failed.
 *
 * "lguest-misuse fuzz SEED ROUNDS" instead throws random requests at it
 * from two processes sharing one file: writes and reads of random sizes
 * at random offsets, requests valid and not, LHREQ_INITIALIZE with
 * layouts good and bad, reads that run a Guest of zeroes (it dies at
 * once) while the other process raises interrupts and breaks it out,
 * eventfds attached at random addresses (the file's numbers include an
 * eventfd, itself and nothing), and files closed and opened again.  Any
 * answer is fine; the Host must not crash, hang or leak, which the
 * scenario checks afterwards.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/lguest_launcher.h>

#define PAGE_SIZE	4096UL
#define GUEST_PAGES	256UL

static int failures;

static void expect(const char *what, long r, int want_errno)
{
	int got = r < 0 ? errno : 0;

	if (got == want_errno) {
		printf("LGTEST ok - misuse: %s gives %s\n", what,
		       want_errno ? strerror(want_errno) : "success");
	} else {
		printf("LGTEST not ok - misuse: %s gives %s, not %s\n", what,
		       got ? strerror(got) : "success",
		       want_errno ? strerror(want_errno) : "success");
		failures++;
	}
}

static int open_lguest(void)
{
	int fd = open("/dev/lguest", O_RDWR);

	if (fd < 0) {
		perror("/dev/lguest");
		_exit(1);
	}
	return fd;
}

static long initialize(int fd, unsigned long base, unsigned long pages,
		       unsigned long pgdir)
{
	unsigned long args[] = { LHREQ_INITIALIZE, base, pages, pgdir,
				 0x100000 };

	return write(fd, args, sizeof(args));
}

static long attach(int fd, unsigned long addr, long efd)
{
	unsigned long args[] = { LHREQ_EVENTFD, addr, efd };

	return write(fd, args, sizeof(args));
}

/* LHREQ_EVENTFD: one per address, inside the Guest, 32 at most. */
static void attach_eventfds(int fd)
{
	int efd = eventfd(0, 0);
	unsigned long page;
	long r = 0;

	expect("LHREQ_EVENTFD without its eventfd",
	       write(fd, (unsigned long[]){ LHREQ_EVENTFD, PAGE_SIZE },
		     2 * sizeof(long)), EINVAL);
	expect("LHREQ_EVENTFD for an address past the Guest's memory",
	       attach(fd, GUEST_PAGES * PAGE_SIZE, efd), EINVAL);
	expect("LHREQ_EVENTFD with a file that is not an eventfd",
	       attach(fd, PAGE_SIZE, fd), EINVAL);
	expect("LHREQ_EVENTFD with no file at all",
	       attach(fd, PAGE_SIZE, 999), EBADF);
	expect("LHREQ_EVENTFD for page 1", attach(fd, PAGE_SIZE, efd), 0);
	expect("LHREQ_EVENTFD for page 1 again",
	       attach(fd, PAGE_SIZE, efd), EEXIST);
	for (page = 2; page <= 32 && r >= 0; page++)
		r = attach(fd, page * PAGE_SIZE, efd);
	expect("LHREQ_EVENTFD for pages 2 to 32", r, 0);
	expect("a 33rd LHREQ_EVENTFD", attach(fd, 33 * PAGE_SIZE, efd), ENOSPC);
	close(efd);
}

static unsigned int rnd_state;

static unsigned long rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* A word for a request: mostly the values that mean something. */
static unsigned long word(char *mem)
{
	switch (rnd() % 8) {
	case 0:
		return rnd() % 4;
	case 1:
		return rnd() % 40;
	case 2:
		return (unsigned long)mem + (rnd() % 4) * PAGE_SIZE;
	case 3:
		return GUEST_PAGES - rnd() % 3;
	case 4:
		return 0x100000;
	default:
		return rnd();
	}
}

/* One random thing done to the file, by either process. */
static void fuzz_one(int *fd, char *mem)
{
	unsigned long buf[8];
	size_t len = (rnd() % 9) * sizeof(long) + (rnd() % 4 ? 0 : rnd() % 4);
	off_t off = rnd() % 8 ? 0 : rnd() % 3;
	unsigned int i;

	for (i = 0; i < 8; i++)
		buf[i] = word(mem);
	switch (rnd() % 10) {
	case 0:
	case 1:
	case 2:
		buf[0] = rnd() % 5;
		pwrite(*fd, buf, len, off);
		break;
	case 3:
		initialize(*fd, (unsigned long)mem, GUEST_PAGES - rnd() % 2,
			   (rnd() % 4) * PAGE_SIZE);
		break;
	case 4:
	case 5:
		pread(*fd, buf, len, off);
		break;
	case 6:
		if (rnd() % 8 == 0) {
			close(*fd);
			*fd = open_lguest();
		}
		break;
	default:
		buf[0] = LHREQ_IRQ + rnd() % 2;
		buf[1] = rnd() % 40;
		write(*fd, buf, 2 * sizeof(long));
		break;
	}
}

/*
 * LHREQ_BREAK 1 waits for someone to say LHREQ_BREAK 0, as the Waker
 * does; the other process may never say it.  Every request gets 20
 * milliseconds, then a signal ends its wait.
 */
static void interrupted(int sig)
{
}

static void fuzz_one_timed(int *fd, char *mem)
{
	ualarm(20000, 0);
	fuzz_one(fd, mem);
	ualarm(0, 0);
}

static int fuzz(unsigned int seed, unsigned int rounds)
{
	struct sigaction sa = { .sa_handler = interrupted };
	int fd = open_lguest(), status;
	unsigned int i;
	char *mem;
	pid_t pid;

	mem = mmap(NULL, GUEST_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	sigaction(SIGALRM, &sa, NULL);
	if (eventfd(0, 0) < 0) {
		perror("eventfd");
		return 1;
	}
	pid = fork();
	rnd_state = seed * 2 + (pid == 0) + 1;
	for (i = 0; i < rounds; i++)
		fuzz_one_timed(&fd, mem);
	if (pid == 0)
		_exit(0);
	waitpid(pid, &status, 0);
	printf("LGTEST ok - misuse: %u random requests from each of two processes, seed %u\n",
	       rounds, seed);
	return 0;
}

int main(int argc, char *argv[])
{
	unsigned long irq[] = { LHREQ_IRQ, 0 }, brk[] = { LHREQ_BREAK, 0 };
	unsigned long bogus[] = { 99, 0 }, result;
	int fd = open_lguest(), status;
	char *mem;
	long r;

	if (argc == 4 && !strcmp(argv[1], "fuzz"))
		return fuzz(atoi(argv[2]), atoi(argv[3]));
	mem = mmap(NULL, GUEST_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("mmap");
		return 1;
	}

	expect("a read before LHREQ_INITIALIZE",
	       read(fd, &result, sizeof(result)), EINVAL);
	expect("LHREQ_IRQ before LHREQ_INITIALIZE",
	       write(fd, irq, sizeof(irq)), EINVAL);
	expect("a write of one byte", write(fd, irq, 1), EINVAL);
	expect("a short LHREQ_INITIALIZE",
	       write(fd, (unsigned long[]){ LHREQ_INITIALIZE, 0 },
		     2 * sizeof(long)), EINVAL);
	expect("LHREQ_INITIALIZE with an unaligned base",
	       initialize(fd, (unsigned long)mem + 1, GUEST_PAGES, 0), EINVAL);
	expect("LHREQ_INITIALIZE with no pages",
	       initialize(fd, (unsigned long)mem, 0, 0), EINVAL);
	expect("LHREQ_INITIALIZE reaching into the kernel",
	       initialize(fd, (unsigned long)mem, 0x100000, 0), EINVAL);
	expect("LHREQ_INITIALIZE with its base in the kernel",
	       initialize(fd, 0xF0000000UL, 1, 0), EINVAL);
	expect("LHREQ_INITIALIZE with the page directory outside memory",
	       initialize(fd, (unsigned long)mem, GUEST_PAGES,
			  GUEST_PAGES * PAGE_SIZE), EINVAL);
	expect("a good LHREQ_INITIALIZE",
	       initialize(fd, (unsigned long)mem, GUEST_PAGES, 0), 0);
	expect("a second LHREQ_INITIALIZE",
	       initialize(fd, (unsigned long)mem, GUEST_PAGES, 0), EBUSY);
	expect("an unknown request", write(fd, bogus, sizeof(bogus)), EINVAL);
	irq[1] = 32;
	expect("LHREQ_IRQ for a line past the last",
	       write(fd, irq, sizeof(irq)), EINVAL);
	irq[1] = 1;
	expect("LHREQ_IRQ for line 1", write(fd, irq, sizeof(irq)), 0);
	expect("LHREQ_BREAK 0", write(fd, brk, sizeof(brk)), 0);
	expect("a pread at offset 1 (a CPU that does not exist)",
	       pread(fd, &result, sizeof(result), 1), EINVAL);
	expect("a read of two bytes", read(fd, &result, 2), EINVAL);
	attach_eventfds(fd);

	/* Another process sharing the file may not run the Guest. */
	if (fork() == 0) {
		r = read(fd, &result, sizeof(result));
		_exit(r < 0 ? errno : 0);
	}
	wait(&status);
	errno = WEXITSTATUS(status);
	expect("a read from another process", errno ? -1 : 0, EPERM);

	close(fd);
	return failures ? 1 : 0;
}
