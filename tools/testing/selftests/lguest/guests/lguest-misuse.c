// SPDX-License-Identifier: GPL-2.0
/*
 * Misusing /dev/lguest the ways a buggy or hostile Launcher could, and
 * checking that each gets the errno the Host documents.  Runs as root in
 * the test Host with lg.ko loaded; prints TAP-style lines the scenario
 * relays, and exits non-zero if any check failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
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

int main(void)
{
	unsigned long irq[] = { LHREQ_IRQ, 0 }, brk[] = { LHREQ_BREAK, 0 };
	unsigned long bogus[] = { 99, 0 }, result;
	int fd = open_lguest(), status;
	char *mem;
	long r;

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
