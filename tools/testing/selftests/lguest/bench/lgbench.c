// SPDX-License-Identifier: GPL-2.0
/*
 * lgbench: the measurements behind "make bench", after the idea of Rusty
 * Russell's virtbench.  Each benchmark does one small thing many times,
 * once on the Host and once in a Guest, and the ratio of the two says
 * what being a Guest costs.
 *
 *   lgbench [OPTIONS] NAME[:ARG]...   run these benchmarks, in order
 *   lgbench [OPTIONS] boot -- LAUNCHER ARGS...
 *   lgbench drive COMMAND -- LAUNCHER ARGS...
 *                                     start a Guest, type COMMAND at its
 *                                     shell and read the Host's counters
 *                                     around each benchmark it runs
 *   lgbench serve PORT                the TCP benchmarks' other end
 *   lgbench list                      every benchmark's name and unit
 *
 * Options: -s SIDE names the side in what we print (native or guest),
 * -r RUNS and -t MS the number and length of the runs, -m (inside a
 * Guest) stops at a mark before and after each benchmark until the Host
 * has read its counters, -c reads the counters ourselves (for the Guests
 * we start from the Host), -o FILE keeps a driven Guest's console.
 *
 * A benchmark first finds how many operations fill one run, then makes
 * RUNS runs of that many, and prints
 *
 *   LGBENCH result SIDE NAME UNIT MEDIAN MIN MAX OPS
 *
 * OPS counts every operation between the marks, so that the Host's
 * exit counters can be divided by it; for a throughput an operation is
 * one MiB.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB		(1024 * 1024)
#define PAGE		4096
#define WALK_BYTES	(64 * MIB)
#define WALK_PAGES	(WALK_BYTES / PAGE)
/* Fresh and copy-on-write faults come in mappings of this many pages. */
#define FAULT_BATCH	1024
#define TCP_PIECE	(64 * 1024)
#define COUNTERS_DIR	"/sys/kernel/debug/lguest"
#define MAX_COUNTERS	512
#define MAX_RUNS	64
#define MAX_SAMPLES	256

static const char *side = "native";
static int runs = 5;
static long long run_ns = 200 * 1000000LL;
static bool marks, own_counters;
static char **launcher_argv;
static long long ops_done;
/* What the memory benchmarks read ends here, so that they must read it. */
static char sink;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A child that must have exited 0: anything else ends the benchmark. */
static void reap(pid_t pid, const char *what)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		err(1, "waiting for %s", what);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		errx(1, "%s failed (wait status %#x)", what, status);
}

static pid_t fork_or_die(void)
{
	pid_t pid = fork();

	if (pid < 0)
		err(1, "fork");
	return pid;
}

/*
 * The Host's counters: every file under debugfs's lguest directory.  A
 * file holding one number is one counter named by its path; a file of
 * "name value" lines is a counter per line.  Nothing here knows which
 * counters exist, so new ones show up in the report by themselves.
 */
struct counters {
	int num;
	char name[MAX_COUNTERS][128];
	long long value[MAX_COUNTERS];
};

static struct counters *reading;

static void add_counter(const char *path, const char *label, long long v)
{
	int i = reading->num;

	if (i == MAX_COUNTERS)
		return;
	snprintf(reading->name[i], sizeof(reading->name[i]), "%s%s%s",
		 path, *label ? "/" : "", label);
	for (char *p = reading->name[i]; *p; p++)
		if (isspace((unsigned char)*p) || *p == '=')
			*p = '_';
	reading->value[i] = v;
	reading->num++;
}

/* "123" is a value; "name 123" or "name: 123" a labelled one. */
static void parse_counter_line(const char *path, char *line)
{
	char *last = line + strcspn(line, "\n"), *end;
	long long v;

	*last = '\0';
	while (last > line && !isspace((unsigned char)last[-1]))
		last--;
	errno = 0;
	v = strtoll(last, &end, 10);
	if (errno || end == last || *end)
		return;
	*last = '\0';
	while (last > line && (isspace((unsigned char)last[-1]) ||
			       last[-1] == ':'))
		*--last = '\0';
	add_counter(path, line, v);
}

static int read_counter_file(const char *file, const struct stat *st,
			     int type, struct FTW *ftw)
{
	const char *path = file + strlen(COUNTERS_DIR) + 1;
	char line[64];
	FILE *f;

	if (type != FTW_F)
		return 0;
	f = fopen(file, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		parse_counter_line(path, line);
	fclose(f);
	return 0;
}

static void counters_read(struct counters *c)
{
	c->num = 0;
	reading = c;
	nftw(COUNTERS_DIR, read_counter_file, 8, FTW_PHYS);
}

/* LGBENCH counters SIDE NAME counter=change ... */
static void counters_print(const char *name, const struct counters *before,
			   const struct counters *after)
{
	int i, j;

	printf("LGBENCH counters %s %s", side, name);
	for (i = 0; i < after->num; i++) {
		for (j = 0; j < before->num; j++)
			if (!strcmp(before->name[j], after->name[i]))
				break;
		if (j < before->num)
			printf(" %s=%lld", after->name[i],
			       after->value[i] - before->value[j]);
	}
	printf("\n");
	fflush(stdout);
}

static struct counters before, after;

/* Inside a Guest the Host cannot see when a benchmark starts: we tell it. */
static void wait_for_go(void)
{
	char c;
	ssize_t r;

	do {
		r = read(STDIN_FILENO, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			errx(1, "the Host never said go (input ended at a mark)");
	} while (c != '\n');
}

static void mark(const char *what, const char *name)
{
	if (marks) {
		printf("LGBENCH-MARK %s %s\n", what, name);
		fflush(stdout);
		wait_for_go();
	} else if (own_counters) {
		if (!strcmp(what, "begin")) {
			counters_read(&before);
		} else {
			counters_read(&after);
			counters_print(name, &before, &after);
		}
	}
}

/* --- The benchmarks: each run(n) does n operations, returns the ns. --- */

static long long run_int80(long n)
{
	long long t0 = now_ns();
	long i, r;

	for (i = 0; i < n; i++)
		asm volatile("int $0x80" : "=a" (r) : "0" (SYS_getppid) : "memory");
	return now_ns() - t0;
}

static long long run_libc(long n)
{
	long long t0 = now_ns();
	long i;

	for (i = 0; i < n; i++)
		getppid();
	return now_ns() - t0;
}

/* The pipe's far end: a child that sends back every byte it gets. */
static int ping_fd, pong_fd;
static pid_t echo_pid;

static void setup_pipe(const char *arg)
{
	int to[2], from[2];
	char c;

	if (pipe(to) || pipe(from))
		err(1, "pipe");
	echo_pid = fork_or_die();
	if (!echo_pid) {
		close(to[1]);
		close(from[0]);
		while (read(to[0], &c, 1) == 1)
			if (write(from[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(to[0]);
	close(from[1]);
	ping_fd = to[1];
	pong_fd = from[0];
}

static long long run_pipe(long n)
{
	long long t0 = now_ns();
	char c = 'x';
	long i;

	for (i = 0; i < n; i++)
		if (write(ping_fd, &c, 1) != 1 || read(pong_fd, &c, 1) != 1)
			err(1, "pipe round trip");
	return now_ns() - t0;
}

static void teardown_pipe(void)
{
	close(ping_fd);
	close(pong_fd);
	reap(echo_pid, "the pipe's echo process");
}

static long long run_fork(long n)
{
	long long t0 = now_ns();
	long i;

	for (i = 0; i < n; i++) {
		pid_t pid = fork_or_die();

		if (!pid)
			_exit(0);
		reap(pid, "a forked child");
	}
	return now_ns() - t0;
}

/* The program we exec: lgbench-exit0, which sits beside us. */
static char exit0_path[4096];

static void setup_exec(const char *arg)
{
	ssize_t len = readlink("/proc/self/exe", exit0_path,
			       sizeof(exit0_path) - 32);
	char *slash;

	if (len < 0)
		err(1, "cannot find where lgbench lives (/proc/self/exe)");
	exit0_path[len] = '\0';
	slash = strrchr(exit0_path, '/');
	snprintf(slash ? slash + 1 : exit0_path, 32, "lgbench-exit0");
	if (access(exit0_path, X_OK))
		err(1, "cannot run %s", exit0_path);
}

static long long run_exec(long n)
{
	long long t0 = now_ns();
	long i;

	for (i = 0; i < n; i++) {
		pid_t pid = fork_or_die();

		if (!pid) {
			execl(exit0_path, exit0_path, NULL);
			_exit(127);
		}
		reap(pid, exit0_path);
	}
	return now_ns() - t0;
}

static char *map_pages(long pages)
{
	char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		err(1, "cannot map %ld pages", pages);
	return p;
}

static void touch_pages(char *p, long pages)
{
	long i;

	for (i = 0; i < pages; i++)
		p[i * PAGE] = 1;
}

/* Only the touching is timed: not the mmap and munmap around it. */
static long long run_fault(long n)
{
	long long spent = 0, t0;
	long done, batch;
	char *p;

	for (done = 0; done < n; done += batch) {
		batch = n - done < FAULT_BATCH ? n - done : FAULT_BATCH;
		p = map_pages(batch);
		t0 = now_ns();
		touch_pages(p, batch);
		spent += now_ns() - t0;
		munmap(p, batch * PAGE);
	}
	return spent;
}

/*
 * Copy-on-write: the pages are ours and a child's after a fork, so our
 * first write to each copies it.  The child only waits for its pipe to
 * close.
 */
static long long cow_batch(long pages)
{
	char *p = map_pages(pages), c;
	long long t0, spent;
	int hold[2];
	pid_t pid;

	touch_pages(p, pages);
	if (pipe(hold))
		err(1, "pipe");
	pid = fork_or_die();
	if (!pid) {
		close(hold[1]);
		_exit(read(hold[0], &c, 1) == 0 ? 0 : 1);
	}
	close(hold[0]);
	t0 = now_ns();
	touch_pages(p, pages);
	spent = now_ns() - t0;
	close(hold[1]);
	reap(pid, "the copy-on-write child");
	munmap(p, pages * PAGE);
	return spent;
}

static long long run_cow(long n)
{
	long long spent = 0;
	long done, batch;

	for (done = 0; done < n; done += batch) {
		batch = n - done < FAULT_BATCH ? n - done : FAULT_BATCH;
		spent += cow_batch(batch);
	}
	return spent;
}

/*
 * 64 MiB faulted in beforehand, then one word read per page, in order or
 * in a shuffled order: whether the Host keeps the shadow page tables of
 * memory the Guest already mapped shows here.
 */
static char *walk_mem;
static uint32_t walk_order[WALK_PAGES];

static void setup_walk(const char *arg)
{
	long i;

	walk_mem = map_pages(WALK_PAGES);
	touch_pages(walk_mem, WALK_PAGES);
	for (i = 0; i < WALK_PAGES; i++)
		walk_order[i] = i;
}

/* A fixed xorshift, so both sides walk the same order. */
static void setup_walk_random(const char *arg)
{
	uint32_t x = 2463534242u, t;
	long i, j;

	setup_walk(arg);
	for (i = WALK_PAGES - 1; i > 0; i--) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		j = x % (i + 1);
		t = walk_order[i];
		walk_order[i] = walk_order[j];
		walk_order[j] = t;
	}
}

static long long run_walk(long n)
{
	long long t0 = now_ns();
	long i, page = 0;

	for (i = 0; i < n; i++) {
		sink += walk_mem[walk_order[page] * PAGE];
		if (++page == WALK_PAGES)
			page = 0;
	}
	return now_ns() - t0;
}

static void teardown_walk(void)
{
	munmap(walk_mem, WALK_BYTES);
}

/*
 * A page-table update: one page moved back and forth between two
 * addresses with mremap, each move followed by a read at its new place.
 */
static char *remap_at[2];
static int remap_now;

static void setup_mremap(const char *arg)
{
	remap_at[0] = map_pages(2);
	remap_at[1] = remap_at[0] + PAGE;
	munmap(remap_at[1], PAGE);
	touch_pages(remap_at[0], 1);
	remap_now = 0;
}

static long long run_mremap(long n)
{
	long long t0 = now_ns();
	long i;

	for (i = 0; i < n; i++) {
		char *from = remap_at[remap_now], *to = remap_at[!remap_now];

		if (mremap(from, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
			   to) != to)
			err(1, "mremap");
		sink += *to;
		remap_now = !remap_now;
	}
	return now_ns() - t0;
}

static void teardown_mremap(void)
{
	munmap(remap_at[0], 2 * PAGE);
}

/*
 * A file page mapped, touched and unmapped again: the file is a memfd,
 * so its page stays in memory and no disk is timed.
 */
static int mmap_fd;

static void setup_file_mmap(const char *arg)
{
	mmap_fd = memfd_create("lgbench", 0);
	if (mmap_fd < 0 || ftruncate(mmap_fd, PAGE))
		err(1, "cannot make a file to map");
}

static long long run_file_mmap(long n)
{
	long long t0 = now_ns();
	long i;

	for (i = 0; i < n; i++) {
		char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			       mmap_fd, 0);

		if (p == MAP_FAILED)
			err(1, "mmap of the file");
		p[0]++;
		munmap(p, PAGE);
	}
	return now_ns() - t0;
}

static void teardown_file_mmap(void)
{
	close(mmap_fd);
}

/*
 * A unix stream socket between two processes: we write n MiB in 64 KiB
 * pieces, a child reads them all and says so with one byte back.
 */
#define UNIX_PIECE	65536

static long long run_unix(long n)
{
	static char piece[UNIX_PIECE];
	long long t0 = now_ns(), left = (long long)n * MIB;
	int sv[2];
	ssize_t r;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		err(1, "socketpair");
	pid = fork_or_die();
	if (!pid) {
		close(sv[0]);
		while (left > 0 && (r = read(sv[1], piece, UNIX_PIECE)) > 0)
			left -= r;
		_exit(write(sv[1], "", 1) != 1 || left);
	}
	close(sv[1]);
	for (; left > 0; left -= r) {
		r = write(sv[0], piece, left < UNIX_PIECE ? left : UNIX_PIECE);
		if (r <= 0)
			err(1, "unix socket write");
	}
	if (read(sv[0], piece, 1) != 1)
		errx(1, "the unix socket's reader did not answer");
	close(sv[0]);
	reap(pid, "the unix socket's reader");
	return now_ns() - t0;
}

/*
 * The null hypercall.  A program in a Guest cannot make one (int $0x1F
 * from ring 3 is a protection fault), so a tiny Guest of its own does:
 * hcall.elf makes as many LHCALL_FLUSH_ASYNC calls, with nothing in the
 * ring, as its command line says.  Its time less that of a run that
 * makes none is the calls' alone.
 */
static const char *hcall_guest;

static void setup_hypercall(const char *arg)
{
	if (access(arg, R_OK))
		err(1, "cannot read the hypercall Guest %s", arg);
	hcall_guest = arg;
}

static long long time_hcall_guest(long calls)
{
	char count[32];
	long long t0 = now_ns();
	pid_t pid;
	int null;

	snprintf(count, sizeof(count), "%ld", calls);
	pid = fork_or_die();
	if (!pid) {
		null = open("/dev/null", O_RDWR);
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		execlp("lguest", "lguest", "16", hcall_guest, count, NULL);
		err(127, "cannot run lguest");
	}
	reap(pid, "the hypercall Guest");
	return now_ns() - t0;
}

static long long run_hypercall(long n)
{
	return time_hcall_guest(n) - time_hcall_guest(0);
}

/*
 * O_DIRECT, sequentially through the whole file or disk in 1 MiB
 * requests, starting again at the beginning when it ends.
 */
static int dio_fd;
static long long dio_size, dio_pos;
static void *dio_buf;

static void setup_dio(const char *arg)
{
	dio_fd = open(arg, O_RDWR | O_DIRECT);
	if (dio_fd < 0)
		err(1, "cannot open %s with O_DIRECT", arg);
	dio_size = lseek(dio_fd, 0, SEEK_END) / MIB * MIB;
	if (dio_size < MIB)
		errx(1, "%s is smaller than 1 MiB", arg);
	if (posix_memalign(&dio_buf, PAGE, MIB))
		errx(1, "out of memory");
	memset(dio_buf, 0x5a, MIB);
	dio_pos = 0;
}

static long long run_dio(long n, bool writing)
{
	long long t0 = now_ns();
	ssize_t done;
	long i;

	for (i = 0; i < n; i++) {
		if (writing)
			done = pwrite(dio_fd, dio_buf, MIB, dio_pos);
		else
			done = pread(dio_fd, dio_buf, MIB, dio_pos);
		if (done != MIB)
			err(1, "O_DIRECT %s of 1 MiB at %lld gave %zd",
			    writing ? "write" : "read", dio_pos, done);
		dio_pos = (dio_pos + MIB) % dio_size;
	}
	return now_ns() - t0;
}

static long long run_dio_read(long n)
{
	return run_dio(n, false);
}

static long long run_dio_write(long n)
{
	return run_dio(n, true);
}

static void teardown_dio(void)
{
	close(dio_fd);
	free(dio_buf);
}

/*
 * TCP, against "lgbench serve" on the Host.  A connection starts with
 * one byte saying what it wants: 'S' to send it bytes until we shut our
 * side (it answers one byte when it has them all), 'G' and a count of
 * MiB to be sent that many, 'E' to have every byte echoed.
 */
static struct sockaddr_in tcp_peer;
static char tcp_buf[TCP_PIECE];

static void setup_tcp(const char *arg)
{
	char host[64];
	const char *colon = strrchr(arg, ':');

	if (!colon || colon - arg >= (long)sizeof(host))
		errx(1, "a TCP benchmark wants HOST:PORT, not \"%s\"", arg);
	memcpy(host, arg, colon - arg);
	host[colon - arg] = '\0';
	memset(&tcp_peer, 0, sizeof(tcp_peer));
	tcp_peer.sin_family = AF_INET;
	tcp_peer.sin_port = htons(atoi(colon + 1));
	if (!inet_aton(host, &tcp_peer.sin_addr) || !tcp_peer.sin_port)
		errx(1, "a TCP benchmark wants an IPv4 HOST:PORT, not \"%s\"",
		     arg);
}

static void write_all(int fd, const void *buf, size_t len)
{
	ssize_t r;

	while (len) {
		r = write(fd, buf, len);
		if (r <= 0)
			err(1, "TCP write");
		buf = (const char *)buf + r;
		len -= r;
	}
}

static int tcp_connect(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), saved;

	if (fd < 0)
		err(1, "socket");
	if (!connect(fd, (struct sockaddr *)&tcp_peer, sizeof(tcp_peer)))
		return fd;
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* The link may still be coming up: try for half a minute. */
static int tcp_open(char want)
{
	int fd, one = 1, tries = 0;

	while ((fd = tcp_connect()) < 0) {
		if (++tries == 300)
			err(1, "cannot connect to %s:%d",
			    inet_ntoa(tcp_peer.sin_addr),
			    ntohs(tcp_peer.sin_port));
		usleep(100000);
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	write_all(fd, &want, 1);
	return fd;
}

static long long run_tcp_out(long n)
{
	long long t0 = now_ns(), piece;
	int fd = tcp_open('S');
	char ack;

	for (piece = 0; piece < (long long)n * MIB / TCP_PIECE; piece++)
		write_all(fd, tcp_buf, TCP_PIECE);
	shutdown(fd, SHUT_WR);
	if (read(fd, &ack, 1) != 1)
		errx(1, "the TCP sink never acknowledged");
	close(fd);
	return now_ns() - t0;
}

static long long run_tcp_in(long n)
{
	long long t0 = now_ns(), got = 0;
	uint32_t mib = htonl(n);
	int fd = tcp_open('G');
	ssize_t r;

	write_all(fd, &mib, sizeof(mib));
	while ((r = read(fd, tcp_buf, sizeof(tcp_buf))) > 0)
		got += r;
	if (got != (long long)n * MIB)
		errx(1, "TCP source sent %lld bytes of %ld MiB", got, n);
	close(fd);
	return now_ns() - t0;
}

static long long run_tcp_rr(long n)
{
	int fd = tcp_open('E');
	long long t0 = now_ns(), spent;
	char c = 'x';
	long i;

	for (i = 0; i < n; i++) {
		write_all(fd, &c, 1);
		if (read(fd, &c, 1) != 1)
			errx(1, "the TCP echo stopped");
	}
	spent = now_ns() - t0;
	close(fd);
	return spent;
}

static void serve_one(int fd)
{
	uint32_t mib;
	char c;

	if (read(fd, &c, 1) != 1)
		_exit(1);
	if (c == 'S') {
		while (read(fd, tcp_buf, sizeof(tcp_buf)) > 0)
			;
		write_all(fd, &c, 1);
	} else if (c == 'G') {
		if (read(fd, &mib, sizeof(mib)) != sizeof(mib))
			_exit(1);
		for (mib = ntohl(mib) * (MIB / TCP_PIECE); mib; mib--)
			write_all(fd, tcp_buf, TCP_PIECE);
	} else if (c == 'E') {
		while (read(fd, &c, 1) == 1)
			write_all(fd, &c, 1);
	}
	_exit(0);
}

static int serve(const char *port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	int s = socket(AF_INET, SOCK_STREAM, 0), fd, one = 1;

	addr.sin_port = htons(atoi(port));
	if (!addr.sin_port)
		errx(1, "the TCP server wants a port number, not \"%s\"", port);
	signal(SIGCHLD, SIG_IGN);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&addr, sizeof(addr)) || listen(s, 8))
		err(1, "cannot listen on port %s", port);
	for (;;) {
		fd = accept(s, NULL, NULL);
		if (fd < 0)
			continue;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (!fork())
			serve_one(fd);
		close(fd);
	}
}

/*
 * A Guest started from here, its console on two pipes: we read what it
 * prints a line at a time (without the \r its terminal adds) and type
 * at it.
 */
struct guest {
	pid_t pid;
	int to;
	FILE *from, *log;
	long long start;
};

static void guest_start(struct guest *g, FILE *log)
{
	int in[2], out[2];

	if (pipe(in) || pipe(out))
		err(1, "pipe");
	g->start = now_ns();
	g->pid = fork_or_die();
	if (!g->pid) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		close(in[1]);
		close(out[0]);
		execvp(launcher_argv[0], launcher_argv);
		err(127, "cannot run %s", launcher_argv[0]);
	}
	close(in[0]);
	close(out[1]);
	g->to = in[1];
	g->from = fdopen(out[0], "r");
	g->log = log;
}

static bool guest_line(struct guest *g, char *line, size_t size)
{
	if (!fgets(line, size, g->from))
		return false;
	if (g->log)
		fputs(line, g->log);
	line[strcspn(line, "\r\n")] = '\0';
	return true;
}

static void guest_type(struct guest *g, const char *text)
{
	if (write(g->to, text, strlen(text)) != (ssize_t)strlen(text))
		err(1, "cannot type at the Guest's console");
}

static void guest_end(struct guest *g)
{
	close(g->to);
	fclose(g->from);
	reap(g->pid, "the Guest");
}

/* Boot to init: from starting the Launcher to the kernel running init. */
static long long run_boot(long n)
{
	long long spent = 0, at_init;
	struct guest g;
	char line[1024];
	long i;

	for (i = 0; i < n; i++) {
		at_init = 0;
		guest_start(&g, NULL);
		while (guest_line(&g, line, sizeof(line))) {
			if (!at_init && strstr(line, "] Run /") &&
			    strstr(line, " as init process"))
				at_init = now_ns() - g.start;
			if (strstr(line, "init is running"))
				guest_type(&g, "poweroff -f\n");
		}
		guest_end(&g);
		if (!at_init)
			errx(1, "the Guest never said it was running init");
		spent += at_init;
	}
	return spent;
}

enum kind {
	LATENCY,	/* ns per operation */
	THROUGHPUT,	/* MiB/s, an operation being one MiB */
	WHOLE,		/* ms, one operation per run */
};

struct bench {
	const char *name;
	enum kind kind;
	long first_n;
	long long (*run)(long n);
	void (*setup)(const char *arg);
	void (*teardown)(void);
	const char *arg;	/* what the argument is, if one is needed */
};

static const struct bench benches[] = {
	{ "int80", LATENCY, 1, run_int80 },
	{ "libc", LATENCY, 1, run_libc },
	{ "pipe", LATENCY, 1, run_pipe, setup_pipe, teardown_pipe },
	{ "fork", LATENCY, 1, run_fork },
	{ "exec", LATENCY, 1, run_exec, setup_exec },
	{ "fault", LATENCY, 1, run_fault },
	{ "cow", LATENCY, 1, run_cow },
	{ "walk-linear", LATENCY, 1, run_walk, setup_walk, teardown_walk },
	{ "walk-random", LATENCY, 1, run_walk, setup_walk_random,
	  teardown_walk },
	{ "mremap", LATENCY, 1, run_mremap, setup_mremap, teardown_mremap },
	{ "file-mmap", LATENCY, 1, run_file_mmap, setup_file_mmap,
	  teardown_file_mmap },
	{ "unix", THROUGHPUT, 1, run_unix },
	{ "hypercall", LATENCY, 1000, run_hypercall, setup_hypercall, NULL,
	  "the hypercall Guest's ELF file" },
	{ "dio-read", THROUGHPUT, 1, run_dio_read, setup_dio, teardown_dio,
	  "a file or disk" },
	{ "dio-write", THROUGHPUT, 1, run_dio_write, setup_dio, teardown_dio,
	  "a file or disk" },
	{ "tcp-out", THROUGHPUT, 1, run_tcp_out, setup_tcp, NULL,
	  "HOST:PORT" },
	{ "tcp-in", THROUGHPUT, 1, run_tcp_in, setup_tcp, NULL, "HOST:PORT" },
	{ "tcp-rr", LATENCY, 1, run_tcp_rr, setup_tcp, NULL, "HOST:PORT" },
	{ "boot", WHOLE, 1, run_boot },
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NUM_BENCHES	ARRAY_SIZE(benches)

static const char *const units[] = { "ns", "MiB/s", "ms" };

static const struct bench *find_bench(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NUM_BENCHES; i++)
		if (strlen(benches[i].name) == len &&
		    !strncmp(benches[i].name, name, len))
			return &benches[i];
	return NULL;
}

static double value_of(const struct bench *b, long n, long long ns)
{
	if (ns <= 0)
		ns = 1;
	if (b->kind == THROUGHPUT)
		return n * 1e9 / ns;
	if (b->kind == WHOLE)
		return ns / 1e6 / n;
	return (double)ns / n;
}

/*
 * Double the count until a run takes a quarter of the time we want,
 * then scale it up to the whole.
 */
static long calibrate(const struct bench *b)
{
	long n = b->first_n;
	long long t;

	if (b->kind == WHOLE)
		return 1;
	for (;;) {
		t = b->run(n);
		ops_done += n;
		if (t >= run_ns / 4 || n > 1L << 28)
			break;
		n *= 2;
	}
	if (t <= 0)
		return n;
	t = (long long)n * run_ns / t;
	return t < 1 ? 1 : t > 1L << 30 ? 1L << 30 : t;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void measure(const struct bench *b)
{
	double v[MAX_RUNS];
	long n;
	int i;

	ops_done = 0;
	mark("begin", b->name);
	n = calibrate(b);
	for (i = 0; i < runs; i++) {
		v[i] = value_of(b, n, b->run(n));
		ops_done += n;
	}
	mark("end", b->name);
	qsort(v, runs, sizeof(v[0]), by_value);
	printf("LGBENCH result %s %s %s %.3f %.3f %.3f %lld\n", side, b->name,
	       units[b->kind], v[runs / 2], v[0], v[runs - 1], ops_done);
	fflush(stdout);
}

/* NAME or NAME:ARG, checked before anything runs. */
static const struct bench *parse_bench(const char *word, const char **arg)
{
	const char *colon = strchr(word, ':');
	const struct bench *b;

	b = find_bench(word, colon ? (size_t)(colon - word) : strlen(word));
	if (!b)
		errx(1, "no benchmark called \"%s\" (lgbench list names them)",
		     word);
	*arg = colon ? colon + 1 : NULL;
	if (b->arg && !*arg)
		errx(1, "%s needs %s: %s:ARG", b->name, b->arg, b->name);
	if (!b->arg && *arg)
		errx(1, "%s takes no argument", b->name);
	if (b->run == run_boot && !launcher_argv)
		errx(1, "boot needs the Launcher's command after --");
	return b;
}

static void run_benches(char **words, int num)
{
	const struct bench *b;
	const char *arg;
	int i;

	for (i = 0; i < num; i++)
		parse_bench(words[i], &arg);
	for (i = 0; i < num; i++) {
		b = parse_bench(words[i], &arg);
		if (b->setup)
			b->setup(arg);
		measure(b);
		if (b->teardown)
			b->teardown();
	}
}

/*
 * Pss, in KiB, of every mapping of a process but its biggest one, which
 * in the Launcher and its Waker is Guest RAM.
 */
static long long pss_beside_biggest(pid_t pid)
{
	unsigned long start, end, size = 0, biggest_size = 0;
	long long total = 0, biggest = 0, this = 0, kb;
	char path[64], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	for (;;) {
		bool more = fgets(line, sizeof(line), f);

		if (!more || sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			if (size > biggest_size) {
				biggest_size = size;
				biggest = this;
			}
			if (!more)
				break;
			size = end - start;
			this = 0;
		} else if (sscanf(line, "Pss: %lld kB", &kb) == 1) {
			total += kb;
			this += kb;
		}
	}
	fclose(f);
	return total - biggest;
}

/* The Launcher's and its children's (the Waker's) memory beside Guest RAM. */
static double launcher_mib(pid_t launcher)
{
	long long kb = pss_beside_biggest(launcher);
	struct dirent *d;
	char path[300];
	int pid, ppid;
	DIR *proc;
	FILE *f;

	proc = opendir("/proc");
	if (!proc)
		err(1, "/proc");
	while ((d = readdir(proc))) {
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%d %*s %*c %d", &pid, &ppid) == 2 &&
		    ppid == launcher)
			kb += pss_beside_biggest(pid);
		fclose(f);
	}
	closedir(proc);
	return kb / 1024.0;
}

/*
 * Drive a Guest through its benchmarks: type the command once its init
 * runs, read the counters at each mark and pass its results on.
 */
static int drive(const char *command, const char *log_path)
{
	FILE *log = log_path ? fopen(log_path, "w") : NULL;
	double rss[MAX_SAMPLES];
	char line[2048], *begin, *end, *result;
	int samples = 0;
	bool typed = false;
	struct guest g;

	if (log_path && !log)
		err(1, "cannot write %s", log_path);
	guest_start(&g, log);
	while (guest_line(&g, line, sizeof(line))) {
		begin = strstr(line, "LGBENCH-MARK begin ");
		end = strstr(line, "LGBENCH-MARK end ");
		result = strstr(line, "LGBENCH ");
		if (!typed && strstr(line, "init is running")) {
			guest_type(&g, command);
			guest_type(&g, "\n");
			typed = true;
		} else if (begin) {
			counters_read(&before);
			guest_type(&g, "go\n");
		} else if (end) {
			counters_read(&after);
			counters_print(end + strlen("LGBENCH-MARK end "),
				       &before, &after);
			if (samples < MAX_SAMPLES)
				rss[samples++] = launcher_mib(g.pid);
			guest_type(&g, "go\n");
		} else if (result) {
			printf("%s\n", result);
			fflush(stdout);
		}
	}
	guest_end(&g);
	if (log)
		fclose(log);
	if (!samples)
		errx(1, "the Guest ran no benchmark");
	qsort(rss, samples, sizeof(rss[0]), by_value);
	printf("LGBENCH result %s launcher-rss MiB %.3f %.3f %.3f %d\n", side,
	       rss[samples / 2], rss[0], rss[samples - 1], samples);
	return 0;
}

static void show_usage(void)
{
	errx(1, "usage: lgbench [-s SIDE] [-r RUNS] [-t MS] [-m] [-c] NAME[:ARG]... [-- LAUNCHER ARGS]\n"
	     "       lgbench [-s SIDE] [-o FILE] drive COMMAND -- LAUNCHER ARGS\n"
	     "       lgbench serve PORT | lgbench list");
}

static long number_option(const char *what, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		errx(1, "%s must be a number from %ld to %ld, not \"%s\"",
		     what, lo, hi, s);
	return v;
}

/* Everything after "--" is the Launcher's command line. */
static int split_launcher(int argc, char *argv[])
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			argv[i] = NULL;
			launcher_argv = argv + i + 1;
			if (!launcher_argv[0])
				errx(1, "nothing after --: the Launcher's command is missing");
			return i;
		}
	}
	return argc;
}

int main(int argc, char *argv[])
{
	const char *log_path = NULL;
	size_t i;
	int opt;

	signal(SIGPIPE, SIG_IGN);
	argc = split_launcher(argc, argv);
	while ((opt = getopt(argc, argv, "s:r:t:mco:")) != -1) {
		switch (opt) {
		case 's':
			side = optarg;
			break;
		case 'r':
			runs = number_option("-r", optarg, 1, MAX_RUNS);
			break;
		case 't':
			run_ns = number_option("-t", optarg, 1, 60000) * 1000000LL;
			break;
		case 'm':
			marks = true;
			break;
		case 'c':
			own_counters = true;
			break;
		case 'o':
			log_path = optarg;
			break;
		default:
			show_usage();
		}
	}
	if (optind == argc)
		show_usage();
	if (!strcmp(argv[optind], "list")) {
		for (i = 0; i < NUM_BENCHES; i++)
			printf("%s %s\n", benches[i].name, units[benches[i].kind]);
		return 0;
	}
	if (!strcmp(argv[optind], "serve")) {
		if (argc - optind != 2)
			show_usage();
		return serve(argv[optind + 1]);
	}
	if (!strcmp(argv[optind], "drive")) {
		if (argc - optind != 2 || !launcher_argv)
			show_usage();
		return drive(argv[optind + 1], log_path);
	}
	run_benches(argv + optind, argc - optind);
	return 0;
}
