// SPDX-License-Identifier: GPL-2.0
/*
 * nx-exec: a program for a Linux Guest (it rides in the Guest's image),
 * not a tiny Guest.  It checks that a page mapped without PROT_EXEC
 * cannot be run, which under PAE only holds if the Host's shadow keeps
 * the Guest's NX bit (H:420).
 *
 * One page gets a "ret" written into it.  Mapped PROT_EXEC, a child
 * calls it and comes back; mapped without, a child calling it must die
 * of SIGSEGV.  Prints one line for each and exits 0 only if both went
 * as they should.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

/* Call a "ret" in a page mapped with prot; how did the child end? */
static int call_in_page(int prot, const char *what)
{
	unsigned char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t pid;

	if (page == MAP_FAILED) {
		perror("nx-exec: mmap");
		return -1;
	}
	page[0] = 0xC3;
	if (mprotect(page, 4096, prot)) {
		perror("nx-exec: mprotect");
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		((void (*)(void))page)();
		_exit(0);
	}
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status)) {
		printf("nx-exec: %s: killed by signal %d (%s)\n", what,
		       WTERMSIG(status), strsignal(WTERMSIG(status)));
		return WTERMSIG(status);
	}
	printf("nx-exec: %s: ran and returned\n", what);
	return 0;
}

int main(void)
{
	int exec, noexec;

	setvbuf(stdout, NULL, _IONBF, 0);
	exec = call_in_page(PROT_READ | PROT_EXEC, "PROT_EXEC page");
	noexec = call_in_page(PROT_READ, "page without PROT_EXEC");
	if (exec == 0 && noexec == SIGSEGV) {
		printf("nx-exec: ok\n");
		return 0;
	}
	printf("nx-exec: FAIL\n");
	return 1;
}
