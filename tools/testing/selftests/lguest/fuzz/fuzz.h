/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the Launcher's fuzz targets share.
 *
 * Each target is one program: libFuzzer, the Launcher's own source
 * compiled in (its main() hidden, as in the unit tests) and a few lines
 * that turn the fuzzer's bytes into what a Guest, or a kernel file, hands
 * the Launcher.  The rule they check: whatever the bytes, the Launcher
 * either carries on or stops with a message; it never crashes, never
 * touches memory that is not the Guest's or its own, never hangs.
 *
 * Three things make that checkable in one process, input after input:
 *
 *  - Bad input ends the real Launcher with exit() (guest_fault(),
 *    bad_kernel(), err(), errx()).  That is the right answer, so here
 *    every exit jumps back to the fuzzer instead, and whatever the
 *    Launcher had allocated is freed, as the exit would have done.
 *  - Each input starts from the Guest just as the Launcher set it up:
 *    its memory is wiped, the device page and the devices' state put
 *    back.  An input that crashes once crashes every time, alone.
 *  - The device pages the Launcher did not hand out are made
 *    inaccessible, so a step past the Guest's memory faults instead of
 *    landing quietly in spare pages.
 *
 * Most targets play the Guest: the input is a list of moves (write a
 * descriptor, offer a buffer, kick a queue, write a status, poke the
 * device page, notify any address...), and the Launcher answers each
 * one as it would in its run loop.  seeds.py writes such lists.
 */
#define _GNU_SOURCE
#include <err.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sanitizer/common_interface_defs.h>

static _Noreturn void fuzz_exit(int status);
static _Noreturn void fuzz_err(int status, const char *fmt, ...);
static _Noreturn void fuzz_errx(int status, const char *fmt, ...);

#define exit(status)	fuzz_exit(status)
#define err(...)	fuzz_err(__VA_ARGS__)
#define errx(...)	fuzz_errx(__VA_ARGS__)
#include "lguest.c"
#undef exit
#undef err
#undef errx

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The sanitizer runtime calls these on every allocation and free.  Its
 * header says "const volatile void *"; for pointers we only store and
 * compare, plain const is the same thing.
 */
int __sanitizer_install_malloc_and_free_hooks(void (*on_malloc)(const void *,
								size_t),
					      void (*on_free)(const void *));

static jmp_buf launcher_exit;
static bool in_launcher;
static const void *allocated[64];

static void note_malloc(const void *p, size_t size)
{
	unsigned int i;

	if (!in_launcher)
		return;
	for (i = 0; i < ARRAY_SIZE(allocated); i++) {
		if (!allocated[i]) {
			allocated[i] = p;
			return;
		}
	}
}

static void note_free(const void *p)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(allocated); i++) {
		if (allocated[i] == p) {
			allocated[i] = NULL;
			return;
		}
	}
}

/* An exit while we set things up is the harness's problem: really exit. */
static _Noreturn void fuzz_exit(int status)
{
	if (!in_launcher)
		(exit)(status);
	longjmp(launcher_exit, 1);
}

static _Noreturn void fuzz_err(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	fuzz_exit(status);
}

static _Noreturn void fuzz_errx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	fuzz_exit(status);
}

/*
 * A check the sanitizers cannot make for us.  The message goes where the
 * sanitizers write their reports, which stays open when libFuzzer is
 * told to close the program's stderr; abort() is a crash to libFuzzer:
 * it saves the input and stops.
 */
static void must(bool ok, const char *fmt, ...)
{
	char msg[256] = "fuzz: the Launcher broke its word: ";
	size_t len = strlen(msg);
	va_list ap;

	if (ok)
		return;
	va_start(ap, fmt);
	vsnprintf(msg + len, sizeof(msg) - len, fmt, ap);
	va_end(ap);
	__sanitizer_report_error_summary(msg);
	abort();
}

/*
 * Run the Launcher on one input.  After a normal return anything still
 * allocated is a real leak, left for libFuzzer's leak check to find;
 * after an exit it is what exit() would have freed.
 */
static void run_launcher(void (*fn)(const u8 *data, size_t size),
			 const u8 *data, size_t size)
{
	bool stopped = true;
	unsigned int i;

	in_launcher = true;
	if (!setjmp(launcher_exit)) {
		fn(data, size);
		stopped = false;
	}
	in_launcher = false;
	for (i = 0; i < ARRAY_SIZE(allocated); i++) {
		const void *p = allocated[i];

		allocated[i] = NULL;
		if (stopped)
			free((void *)p);
	}
}

/*
 * The Guest's memory, as "lguest MB ..." maps it, and the Launcher's
 * connection to the Host, which here is /dev/null: interrupts and breaks
 * go nowhere.  So does the Guest's console output.  Some inputs make the
 * Launcher write far more than any test disk should take: the file size
 * limit stops that before it fills the machine.
 */
static void start_launcher(unsigned long mb)
{
	struct rlimit fsize = { 64 << 20, 64 << 20 };
	int null = open("/dev/null", O_RDWR);

	if (null < 0 || dup2(null, STDOUT_FILENO) < 0)
		err(1, "/dev/null");
	lguest_fd = null;
	if (setrlimit(RLIMIT_FSIZE, &fsize))
		err(1, "setrlimit");
	__sanitizer_install_malloc_and_free_hooks(note_malloc, note_free);
	map_guest_memory(mb << 20);
	devices.page = get_pages(1);
}

/* What each input starts from, saved once the devices are built. */
static u8 page_at_start[PAGE_SIZE];
static fd_set infds_at_start;

static void guest_built(const void *guard_from)
{
	const u8 *guard = guard_from;
	size_t len = guest_base + guest_mapped - guard;

	memcpy(page_at_start, devices.page, PAGE_SIZE);
	infds_at_start = devices.infds;
	if (len && mprotect((void *)guard, len, PROT_NONE))
		err(1, "guarding the spare device pages");
}

static void reset_guest(void)
{
	struct virtqueue *vq;
	struct device *dev;

	if (madvise(guest_base, guest_max, MADV_DONTNEED))
		err(1, "wiping Guest memory");
	if (devices.first)
		memcpy(devices.page, page_at_start, PAGE_SIZE);
	devices.infds = infds_at_start;
	for (dev = devices.first; dev; dev = dev->next) {
		pthread_mutex_init(&dev->ring_lock, NULL);
		for (vq = dev->vq; vq; vq = vq->next) {
			vq->last_avail_idx = 0;
			vq->inflight = 0;
		}
	}
}

static void nonblocking(int fd)
{
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK))
		err(1, "O_NONBLOCK");
}

/*
 * An empty packet reads as 0 bytes, so only EAGAIN says a descriptor is
 * drained; none of ours ever reaches end of file.
 */
static void drain(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) >= 0)
		;
}

/*
 * The devices.  Each is the Launcher's own, set up by its own code where
 * that needs no Host: a tap and a terminal are replaced by a socket pair
 * and a pipe the harness writes into, the disk is a memory file, the
 * entropy comes from /dev/zero so that a run repeats.
 */
static struct device *console;
static int console_keys = -1;

static void add_console(void)
{
	int keys[2];

	if (pipe(keys) || dup2(keys[0], STDIN_FILENO) < 0)
		err(1, "console pipe");
	close(keys[0]);
	nonblocking(STDIN_FILENO);
	nonblocking(keys[1]);
	console_keys = keys[1];
	setup_console();
	console = devices.last;
}

static void reset_console(void)
{
	if (!console)
		return;
	drain(STDIN_FILENO);
	console->fd = STDIN_FILENO;
	memset(console->priv, 0, sizeof(struct console_abort));
}

/*
 * The network card as setup_tun_net() builds it, with one end of a
 * packet socket pair where the tap would be and the other end ours.
 * Its offers are the same; only telling the tap what the driver took
 * (net_ready()) needs a real tap, so the harness leaves that out.
 */
static struct device *net;
static int tap_peer = -1;

static void add_net(void)
{
	static const u8 mac[6] = { 0x02, 0x4c, 0x47, 0, 0, 1 };
	unsigned int i;
	int pair[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, pair))
		err(1, "socketpair");
	net = new_device("net0", VIRTIO_ID_NET);
	net->fd = pair[0];
	net->handle_input = handle_net_input;
	tap_peer = pair[1];
	add_virtqueue(net, net_refill);
	add_virtqueue(net, handle_net_output);
	for (i = 0; i < ARRAY_SIZE(net_offers); i++)
		add_feature(net, net_offers[i]);
	add_feature(net, VIRTIO_NET_F_MAC);
	set_config(net, mac, sizeof(mac));
	watch_fd(net->fd, true);
}

/* Every frame the Guest sends must carry its virtio_net header. */
static void check_transmitted(void)
{
	u8 frame[65536];
	ssize_t len;

	if (!net)
		return;
	while ((len = read(tap_peer, frame, sizeof(frame))) >= 0)
		must(len >= (ssize_t)sizeof(struct virtio_net_hdr),
		     "a %zd-byte frame reached the tap", len);
}

static void reset_net(void)
{
	if (!net)
		return;
	drain(tap_peer);
	drain(net->fd);
}

/*
 * The disks: memory files, opened by setup_block_file() through /proc.
 * A disk's threads are not threads here: once the Guest's driver is
 * ready the harness runs the queue thread's loop itself after each move,
 * until the kicks are used up (its eventfd reads non-blocking), and then
 * a worker's, until no request is left.  The Launcher
 * never grows a disk file, so we check their sizes after every move.
 */
static struct disk {
	struct device *dev;
	int fd;
	off_t len;
	bool started;
} disks[2];
static unsigned int num_disks;

static void disk_ready(struct device *dev)
{
	unsigned int i;

	for (i = 0; i < num_disks; i++)
		if (disks[i].dev == dev)
			disks[i].started = true;
}

static void add_disk(off_t len, bool ro)
{
	struct disk *disk = &disks[num_disks++];
	char name[32];

	disk->fd = memfd_create("lguest-fuzz-disk", 0);
	if (disk->fd < 0 || ftruncate(disk->fd, len))
		err(1, "memfd");
	disk->len = len;
	snprintf(name, sizeof(name), "/proc/self/fd/%d%s", disk->fd,
		 ro ? ",ro" : "");
	setup_block_file(name);
	disk->dev = devices.last;
	disk->dev->ready = disk_ready;
	nonblocking(disk->dev->vq->eventfd);
}

static void serve_disks(void)
{
	struct disk *disk;
	struct stat st;

	for (disk = disks; disk < disks + num_disks; disk++) {
		if (disk->started) {
			queue_thread(disk->dev->vq);
			pthread_mutex_lock(&disk->dev->ring_lock);
			while (serve_one_request(disk->dev->vq))
				;
			pthread_mutex_unlock(&disk->dev->ring_lock);
		}
		if (fstat(disk->fd, &st))
			err(1, "fstat disk");
		must(st.st_size == disk->len,
		     "%s: the disk file grew from %lld to %lld bytes",
		     disk->dev->name, (long long)disk->len,
		     (long long)st.st_size);
	}
}

/* Fresh disks of zeros: what a Guest reads must not depend on the last. */
static void reset_disks(void)
{
	struct disk *disk;

	for (disk = disks; disk < disks + num_disks; disk++) {
		drain(disk->dev->vq->eventfd);
		disk->started = false;
		if (ftruncate(disk->fd, 0) || ftruncate(disk->fd, disk->len))
			err(1, "resetting the disk");
	}
}

static void add_rng(void)
{
	int zero = open("/dev/zero", O_RDONLY);

	setup_rng();
	if (zero < 0 || dup2(zero, (intptr_t)devices.last->priv) < 0)
		err(1, "/dev/zero");
	close(zero);
}

/* Every input starts from the Guest and devices as they were built. */
static void reset_all(void)
{
	reset_guest();
	reset_console();
	reset_net();
	reset_disks();
}

/*
 * The Guest's moves.  Each starts with a byte saying which; the numbers
 * after it are little-endian, and an input that ends early reads as
 * zeros.  Queues and devices are numbered in the order they were built,
 * modulo how many there are.
 */
enum guest_move {
	WRITE_DESC,	/* queue, index, then a raw 16-byte vring_desc */
	WRITE_CHAIN,	/* queue, first, count, a vring_desc for all, linked */
	OFFER,		/* queue, u16 head: the next available entry */
	SET_AVAIL,	/* queue, u16 index, u16 flags */
	WRITE_RING,	/* queue, u16 offset in the ring, u16 value */
	KICK,		/* queue: NOTIFY its address */
	SET_STATUS,	/* device, status: write it and NOTIFY the entry */
	WRITE_PAGE,	/* u16 offset, byte: anywhere in the device page */
	NOTIFY,		/* u32: any address at all */
	WRITE_RAM,	/* u32 address, length byte, that many bytes */
	SEND_INPUT,	/* device, length byte, bytes: keys or a packet */
	NUM_MOVES
};

struct moves {
	const u8 *p;
	size_t left;
};

static u32 take(struct moves *m, unsigned int bytes)
{
	u32 v = 0;
	unsigned int i;

	for (i = 0; i < bytes && m->left; i++, m->left--)
		v |= (u32)*m->p++ << (8 * i);
	return v;
}

static void take_bytes(struct moves *m, void *dst, size_t len)
{
	size_t n = len < m->left ? len : m->left;

	memcpy(dst, m->p, n);
	memset((u8 *)dst + n, 0, len - n);
	m->p += n;
	m->left -= n;
}

static struct device *nth_device(unsigned int n)
{
	struct device *dev;
	unsigned int count = 0;

	for (dev = devices.first; dev; dev = dev->next)
		count++;
	if (!count)
		return NULL;
	for (dev = devices.first, n %= count; n; n--)
		dev = dev->next;
	return dev;
}

static struct virtqueue *nth_queue(unsigned int n)
{
	struct virtqueue *vq;
	struct device *dev;
	unsigned int count = 0;

	for (dev = devices.first; dev; dev = dev->next)
		count += dev->num_vq;
	if (!count)
		return NULL;
	n %= count;
	for (dev = devices.first; dev; dev = dev->next)
		for (vq = dev->vq; vq; vq = vq->next)
			if (!n--)
				return vq;
	return NULL;
}

/* A scatter list, as a driver writes one: each entry leads to the next. */
static void write_chain(struct virtqueue *vq, struct moves *m)
{
	unsigned int first = take(m, 1), count = take(m, 1), i;
	struct vring_desc d;

	take_bytes(m, &d, sizeof(d));
	for (i = 0; i < count; i++) {
		unsigned int at = (first + i) % vq->vring.num;

		vq->vring.desc[at] = d;
		if (i + 1 < count) {
			vq->vring.desc[at].flags |= VRING_DESC_F_NEXT;
			vq->vring.desc[at].next = (at + 1) % vq->vring.num;
		}
	}
}

static void offer(struct virtqueue *vq, u16 head)
{
	struct vring_avail *avail = vq->vring.avail;

	avail->ring[avail->idx % vq->vring.num] = head;
	avail->idx++;
}

static void write_ring(struct virtqueue *vq, unsigned int offset, u16 value)
{
	u8 *ring = (u8 *)vq->vring.desc;

	offset %= vring_size(vq->vring.num, LGUEST_VRING_ALIGN) - 1;
	memcpy(ring + offset, &value, sizeof(value));
}

static void write_ram(struct moves *m)
{
	unsigned long addr = take(m, 4) % guest_limit;
	size_t len = take(m, 1);

	if (len > guest_limit - addr)
		len = guest_limit - addr;
	take_bytes(m, from_guest_phys(addr), len);
}

static void send_input(struct device *dev, struct moves *m)
{
	u8 buf[256];
	size_t len = take(m, 1);

	take_bytes(m, buf, len);
	if (dev == console && write(console_keys, buf, len) < 0)
		return;
	if (dev == net && send(tap_peer, buf, len, 0) < 0)
		return;
	service_input();
}

static void queue_move(enum guest_move move, struct moves *m)
{
	struct virtqueue *vq = nth_queue(take(m, 1));
	unsigned int a;

	if (!vq)
		return;
	switch (move) {
	case WRITE_DESC:
		a = take(m, 1) % vq->vring.num;
		take_bytes(m, &vq->vring.desc[a], sizeof(struct vring_desc));
		break;
	case WRITE_CHAIN:
		write_chain(vq, m);
		break;
	case OFFER:
		offer(vq, take(m, 2));
		break;
	case SET_AVAIL:
		vq->vring.avail->idx = take(m, 2);
		vq->vring.avail->flags = take(m, 2);
		break;
	case WRITE_RING:
		a = take(m, 2);
		write_ring(vq, a, take(m, 2));
		break;
	default:
		handle_notify((unsigned long)vq->config.pfn * PAGE_SIZE);
	}
}

static void device_move(enum guest_move move, struct moves *m)
{
	struct device *dev = nth_device(take(m, 1));

	if (!dev)
		return;
	if (move == SEND_INPUT) {
		send_input(dev, m);
		return;
	}
	dev->desc->status = take(m, 1);
	handle_notify(to_guest_phys(dev->desc));
}

static void guest_move(enum guest_move move, struct moves *m)
{
	unsigned int a;
	u8 value;

	switch (move) {
	case SET_STATUS:
	case SEND_INPUT:
		device_move(move, m);
		break;
	case WRITE_PAGE:
		/* Without devices the page is guarded: nobody reads it. */
		a = take(m, 2) % PAGE_SIZE;
		value = take(m, 1);
		if (devices.first)
			devices.page[a] = value;
		break;
	case NOTIFY:
		handle_notify(take(m, 4));
		break;
	case WRITE_RAM:
		write_ram(m);
		break;
	default:
		queue_move(move, m);
	}
}

/* The whole list, with the devices' own work done after each move. */
static void play_guest(const u8 *data, size_t size)
{
	struct moves m = { data, size };

	while (m.left) {
		guest_move(take(&m, 1) % NUM_MOVES, &m);
		serve_disks();
		check_transmitted();
	}
}

/*
 * The usual body of a Guest-playing target: reset, play.  The Guest
 * stopping is a fine way for an input to end.
 */
static int play_one(const u8 *data, size_t size)
{
	reset_all();
	run_launcher(play_guest, data, size);
	return 0;
}
