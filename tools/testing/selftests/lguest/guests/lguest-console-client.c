// SPDX-License-Identifier: GPL-2.0
/*
 * A Host program, not a Guest: a client for the Launcher's socket
 * console (--console=socket:PATH), since the Host's busybox nc speaks
 * no Unix sockets.  It copies its stdin to the socket and the socket to
 * its stdout; when stdin ends it waits a second for the last answers,
 * then disconnects.
 *
 *	lguest-console-client PATH
 */
#include <err.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

static int connect_to(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (strlen(path) >= sizeof(addr.sun_path))
		errx(1, "%s: path too long", path);
	memcpy(addr.sun_path, path, strlen(path) + 1);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		err(1, "cannot connect to %s", path);
	return fd;
}

/* Copy what is ready from one descriptor to another; 0 at the end. */
static ssize_t copy(int from, int to)
{
	char buf[4096];
	ssize_t len = read(from, buf, sizeof(buf));

	if (len > 0 && write(to, buf, len) != len)
		err(1, "write");
	return len;
}

int main(int argc, char *argv[])
{
	struct pollfd fds[2] = { { .events = POLLIN }, { .events = POLLIN } };
	int timeout = -1;

	if (argc != 2)
		errx(1, "usage: %s PATH", argv[0]);
	fds[0].fd = STDIN_FILENO;
	fds[1].fd = connect_to(argv[1]);
	for (;;) {
		int n = poll(fds, 2, timeout);

		if (n < 0)
			err(1, "poll");
		if (n == 0)
			return 0;
		if (fds[1].revents && copy(fds[1].fd, STDOUT_FILENO) <= 0)
			return 0;
		if (fds[0].revents && copy(STDIN_FILENO, fds[1].fd) <= 0) {
			fds[0].fd = -1;
			timeout = 1000;
		}
	}
}
