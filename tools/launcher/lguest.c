// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <ctype.h>
#include <elf.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <zlib.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/if_tun.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <asm/bootparam.h>
#include <linux/lguest_launcher.h>

/*L:110
 * Kernel-style names for sized types: this program lives in the kernel
 * tree and is read by kernel people, so it speaks their dialect.
:*/
typedef uint64_t u64;
typedef uint32_t u32;
typedef uint16_t u16;
typedef uint8_t u8;

#define ARRAY_SIZE(x)	(sizeof(x) / sizeof((x)[0]))

#define PAGE_SIZE		4096UL
#define PAGE_PRESENT		0x7	/* Present, writable, user. */
#define PDPT_PRESENT		0x1	/* A PAE pointer entry: present only. */
/* Room above RAM for the device page and the virtqueue rings. */
#define DEVICE_PAGES		256
/* Descriptors in each virtqueue. */
#define VIRTQUEUE_NUM		256
/* Where boot_params sits, and the kernel command line just after it. */
#define BOOT_PARAMS_ADDR	0
#define COMMAND_LINE_MAX	2048
/*
 * The real floor depends on the kernel and initrd, and the loader checks
 * it with the sizes in hand; here only nonsense is refused.  The top is
 * what a 32-bit Launcher can still map in one piece beside itself.
 */
#define MIN_MEM_MB		1
#define MAX_MEM_MB		2048

/*L:120
 * The Guest's "physical" memory is one big anonymous mapping in the
 * Launcher: Guest physical address 0 is guest_base.  guest_limit is the
 * end of RAM proper; above it lie the device page and the rings we hand
 * out, up to guest_max.  Everything the Guest tells us is a Guest physical
 * address, so we convert with these two helpers, and check with the third.
:*/
static u8 *guest_base;
static unsigned long guest_limit, guest_max, guest_mapped;
/* The end of the highest kernel segment: nothing else may go below it. */
static unsigned long kernel_top;

static void *from_guest_phys(unsigned long addr)
{
	return guest_base + addr;
}

static unsigned long to_guest_phys(const void *addr)
{
	return (const u8 *)addr - guest_base;
}

static bool verbose;
static int lguest_fd = -1;
static int waker_fd = -1;
static char **main_args;

static void note(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/*L:130
 * One thing every program gets wrong is leaving the terminal in raw mode
 * when it dies.  We save the settings before we change them and put them
 * back on every way out: a normal exit, an error exit through err(), or a
 * fatal signal.
:*/
static struct termios saved_term;
static bool term_saved;

static void restore_term(void)
{
	if (term_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_term);
}

static void die_on_signal(int sig)
{
	restore_term();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * The Guest did something no well-behaved driver would: we stop it, and
 * say which device and what went wrong.  The Host frees the Guest when
 * /dev/lguest is closed, which exit() does for us.
 */
static _Noreturn void
guest_fault(const char *dev, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lguest: %s: ", dev);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/*L:140
 * The Guest hands us addresses and lengths: both are checked against the
 * memory it owns before we touch anything, separately, so that a huge
 * length cannot wrap the sum around to something innocent-looking.
:*/
static bool guest_range_ok(unsigned long addr, unsigned long len)
{
	return addr <= guest_max && len <= guest_max - addr;
}

static void *guest_ptr(const char *dev, unsigned long addr, unsigned long len)
{
	if (!guest_range_ok(addr, len))
		guest_fault(dev, "address %#lx length %lu is outside Guest memory",
			    addr, len);
	return from_guest_phys(addr);
}

/*L:150
 * Guest memory is mapped once, big enough for RAM and the device pages,
 * zero-filled by the kernel.  Pages for the device area are handed out
 * from the bottom of the area upwards.
:*/
static void map_guest_memory(unsigned long mem)
{
	guest_limit = mem;
	guest_max = mem;
	guest_mapped = mem + DEVICE_PAGES * PAGE_SIZE;
	guest_base = mmap(NULL, guest_mapped, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (guest_base == MAP_FAILED)
		err(1, "cannot map %lu MB of Guest memory", mem >> 20);
}

static void *get_pages(unsigned int num)
{
	void *addr = from_guest_phys(guest_max);

	if (guest_max + num * PAGE_SIZE > guest_mapped)
		errx(1, "too many devices: out of device pages");
	guest_max += num * PAGE_SIZE;
	return addr;
}

/*L:160
 * Loading the kernel.  We read the whole file into memory first: a
 * kernel is a few megabytes, and having it all at hand makes checking
 * every offset against its length simple.
:*/
struct blob {
	const char *name;
	u8 *data;
	size_t len;
};

static int read_blob(const char *name, struct blob *b)
{
	struct stat st;
	ssize_t r;
	size_t done = 0;
	int fd;

	b->name = name;
	fd = open(name, O_RDONLY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return -1;
	}
	b->len = st.st_size;
	b->data = malloc(b->len ? b->len : 1);
	if (!b->data)
		err(1, "%s", name);
	while (done < b->len) {
		r = read(fd, b->data + done, b->len - done);
		if (r <= 0) {
			close(fd);
			return -1;
		}
		done += r;
	}
	close(fd);
	return 0;
}

/* A load error is the user's problem, not the Guest's: one line, exit 1. */
static _Noreturn void
bad_kernel(const struct blob *b, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lguest: %s: ", b->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/*L:170
 * An ELF vmlinux tells us what to load where with its program headers.
 * We use the physical addresses (p_paddr): our page tables map virtual to
 * physical one to one, and a 32-bit x86 kernel's entry point is physical
 * too.  Every segment must land inside Guest RAM; the tail of each
 * (p_memsz beyond p_filesz, the .bss) is already zero.
:*/
static unsigned long load_elf(const struct blob *b)
{
	const Elf32_Ehdr *eh = (const void *)b->data;
	Elf32_Phdr ph;
	unsigned int i, loaded = 0;

	if (b->len < sizeof(*eh))
		bad_kernel(b, "truncated ELF header");
	if (eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_machine != EM_386)
		bad_kernel(b, "not an i386 kernel (ELF class %u, machine %u)",
			   eh->e_ident[EI_CLASS],
			   eh->e_ident[EI_CLASS] == ELFCLASS32 ?
			   eh->e_machine : ((const Elf64_Ehdr *)eh)->e_machine);
	if (eh->e_type != ET_EXEC || eh->e_phentsize != sizeof(ph))
		bad_kernel(b, "not an executable ELF image");
	if (eh->e_phoff > b->len ||
	    (size_t)eh->e_phnum * sizeof(ph) > b->len - eh->e_phoff)
		bad_kernel(b, "truncated: program headers lie past the end");

	/* e_phoff can be anything: copy each header out, aligned. */
	for (i = 0; i < eh->e_phnum; i++) {
		memcpy(&ph, b->data + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_filesz > ph.p_memsz)
			bad_kernel(b, "segment %u is larger on disk than in memory",
				   i);
		if (ph.p_offset > b->len ||
		    ph.p_filesz > b->len - ph.p_offset)
			bad_kernel(b, "truncated: segment %u lies past the end",
				   i);
		if (ph.p_memsz > 0xffffffffU - ph.p_paddr)
			bad_kernel(b, "segment %u (%#x + %#x) does not fit in 32 bits",
				   i, ph.p_paddr, ph.p_memsz);
		if (ph.p_paddr + ph.p_memsz > guest_limit)
			errx(1, "%lu MB of memory is too small: segment %u of %s does not fit, the kernel ends at %u KB",
			     guest_limit >> 20, i, b->name,
			     (ph.p_paddr + ph.p_memsz) >> 10);
		note("Loading segment %u at %#x, %u bytes\n", i,
		     ph.p_paddr, ph.p_filesz);
		memcpy(from_guest_phys(ph.p_paddr),
		       b->data + ph.p_offset, ph.p_filesz);
		if (ph.p_paddr + ph.p_memsz > kernel_top)
			kernel_top = ph.p_paddr + ph.p_memsz;
		loaded++;
	}
	if (!loaded)
		bad_kernel(b, "no loadable segments");
	if (eh->e_entry >= guest_limit)
		bad_kernel(b, "entry point %#x is outside Guest memory",
			   eh->e_entry);
	return eh->e_entry;
}

/*L:180
 * A bzImage is the setup code, then a small decompressor, then the real
 * kernel compressed.  The setup header (from boot protocol 2.08 on) says
 * where that compressed payload is, so we skip both the setup code and
 * the decompressor and unpack the payload ourselves: the Guest starts
 * straight in the kernel proper.  We speak gzip through zlib; for any
 * other compression we say which one it was, so the user knows what to
 * rebuild with.
:*/
static const char *payload_compression(const u8 *p, size_t len)
{
	static const struct {
		const char *name;
		const char *magic;
		size_t len;
	} kinds[] = {
		{ "gzip", "\x1f\x8b", 2 },
		{ "bzip2", "BZh", 3 },
		{ "lzma", "\x5d\x00\x00", 3 },
		{ "xz", "\xfd\x37\x7a\x58\x5a", 5 },
		{ "lzo", "\x89LZO", 4 },
		{ "lz4", "\x02\x21\x4c\x18", 4 },
		{ "zstd", "\x28\xb5\x2f\xfd", 4 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (len >= kinds[i].len && !memcmp(p, kinds[i].magic, kinds[i].len))
			return kinds[i].name;
	return "an unknown format";
}

static void gunzip_blob(const struct blob *b, const u8 *in, size_t in_len,
			struct blob *out)
{
	z_stream z = { 0 };
	size_t cap = in_len * 4 + 4096;
	int ret;

	out->name = b->name;
	out->data = malloc(cap);
	if (!out->data || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		errx(1, "%s: cannot start zlib", b->name);
	z.next_in = (u8 *)in;
	z.avail_in = in_len;
	do {
		if (z.total_out == cap) {
			cap *= 2;
			out->data = realloc(out->data, cap);
			if (!out->data)
				errx(1, "%s: out of memory unpacking", b->name);
		}
		z.next_out = out->data + z.total_out;
		z.avail_out = cap - z.total_out;
		ret = inflate(&z, Z_NO_FLUSH);
	} while (ret == Z_OK);
	if (ret != Z_STREAM_END)
		bad_kernel(b, "corrupt gzip payload (%s)",
			   z.msg ? z.msg : "truncated");
	out->len = z.total_out;
	inflateEnd(&z);
}

static unsigned long load_bzimage(const struct blob *b)
{
	const struct setup_header *hdr;
	unsigned long pm_start, setup_sects;
	struct blob payload;
	const char *kind;
	unsigned long entry;

	if (b->len < 0x1f1 + sizeof(*hdr))
		bad_kernel(b, "truncated bzImage setup header");
	hdr = (const void *)(b->data + 0x1f1);
	if (hdr->version < 0x208)
		bad_kernel(b, "boot protocol %u.%02u is too old (need 2.08)",
			   hdr->version >> 8, hdr->version & 0xff);

	setup_sects = hdr->setup_sects ? hdr->setup_sects : 4;
	pm_start = (setup_sects + 1) * 512;
	if (pm_start > b->len || hdr->payload_offset > b->len - pm_start ||
	    hdr->payload_length > b->len - pm_start - hdr->payload_offset)
		bad_kernel(b, "truncated: the payload lies past the end");

	kind = payload_compression(b->data + pm_start + hdr->payload_offset,
				   hdr->payload_length);
	if (strcmp(kind, "gzip"))
		bad_kernel(b, "payload is compressed with %s; this Launcher unpacks gzip only (build with CONFIG_KERNEL_GZIP)",
			   kind);
	gunzip_blob(b, b->data + pm_start + hdr->payload_offset,
		    hdr->payload_length, &payload);
	if (payload.len < SELFMAG || memcmp(payload.data, ELFMAG, SELFMAG))
		bad_kernel(b, "the unpacked payload is not an ELF kernel");
	entry = load_elf(&payload);
	free(payload.data);
	return entry;
}

static unsigned long load_kernel(const char *name)
{
	struct blob b;
	unsigned long entry;

	if (read_blob(name, &b) < 0)
		errx(1, "cannot read kernel %s: %s", name, strerror(errno));
	if (b.len >= SELFMAG && !memcmp(b.data, ELFMAG, SELFMAG))
		entry = load_elf(&b);
	else if (b.len >= 0x206 && !memcmp(b.data + 0x202, "HdrS", 4))
		entry = load_bzimage(&b);
	else
		bad_kernel(&b, "not an ELF vmlinux nor a bzImage");
	free(b.data);
	return entry;
}

/*L:190
 * The initrd goes at the very top of RAM, page aligned, where the kernel
 * will find it through boot_params.  It has to leave room below it for
 * the kernel itself and for our page tables, and we say so with the
 * sizes if it does not.
:*/
static unsigned long load_initrd(const char *name, unsigned long kernel_end)
{
	struct blob b;
	unsigned long len, addr;

	if (read_blob(name, &b) < 0)
		errx(1, "cannot read initrd %s: %s", name, strerror(errno));
	len = (b.len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	if (len + kernel_end + 2 * PAGE_SIZE > guest_limit)
		errx(1, "%s: a %lu KB initrd above a %lu KB kernel needs more than %lu MB of memory",
		     name, (unsigned long)b.len >> 10, kernel_end >> 10,
		     guest_limit >> 20);
	addr = guest_limit - len;
	memcpy(from_guest_phys(addr), b.data, b.len);
	free(b.data);
	note("Loaded initrd %s at %#lx, %lu bytes\n", name, addr, len);
	return len;
}

/*L:200
 * The Guest starts with paging on, so it needs page tables: the simplest
 * thing that works is to map every page of RAM at the same virtual
 * address as its physical one, in as many page-table pages as it takes,
 * placed just below the initrd.  The Guest builds its own tables early
 * and forgets these.
 *
 * They must be in the Host's format, since the Host reads them (H:402):
 * the classic two-level tables of four-byte entries, or under a PAE Host
 * eight-byte entries, 512 to a page, with a middle directory for each
 * gigabyte and a pointer table of four entries above those, which may
 * say nothing but "present".  lg.ko tells us which in a parameter; a
 * Guest kernel built for the other format is refused by the Host at its
 * first hypercall, and we print why.
:*/
#define LG_LEVELS_PARAM	"/sys/module/lg/parameters/pgtable_levels"
static unsigned int host_levels = 2;

/* Without lg.ko there is no answer, and opening /dev/lguest says why. */
static void read_host_levels(void)
{
	FILE *f = fopen(LG_LEVELS_PARAM, "r");

	if (!f && errno == ENOENT)
		return;
	if (!f)
		err(1, "cannot read %s", LG_LEVELS_PARAM);
	if (fscanf(f, "%u", &host_levels) != 1 ||
	    (host_levels != 2 && host_levels != 3))
		errx(1, "%s: expected 2 or 3", LG_LEVELS_PARAM);
	fclose(f);
}

/* Fill n entries of size bytes each with page i's address | flags. */
static void fill_entries(void *table, unsigned long n, unsigned int size,
			 unsigned long first, unsigned long flags)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		u64 e = (first + i * PAGE_SIZE) | flags;

		if (size == sizeof(u64))
			((u64 *)table)[i] = e;
		else
			((u32 *)table)[i] = e;
	}
}

static unsigned long setup_pagetables(unsigned long initrd_len,
				      unsigned long kernel_end)
{
	unsigned int size = host_levels == 3 ? sizeof(u64) : sizeof(u32);
	unsigned long per_page = PAGE_SIZE / size;
	unsigned long pages = guest_limit / PAGE_SIZE;
	unsigned long pte_pages = (pages + per_page - 1) / per_page;
	unsigned long pmd_pages = host_levels == 3 ?
		(pte_pages + per_page - 1) / per_page : 0;
	unsigned long need = initrd_len + (pte_pages + pmd_pages + 1) * PAGE_SIZE;
	unsigned long top, pmds, ptes;

	/* Checked as Guest addresses, before any pointer is made. */
	if (need > guest_limit || guest_limit - need < kernel_end)
		errx(1, "%lu MB of memory is too small: the kernel ends at %lu KB and its page tables and initrd need %lu KB more",
		     guest_limit >> 20, kernel_end >> 10, need >> 10);
	top = guest_limit - initrd_len - PAGE_SIZE;
	pmds = top - pmd_pages * PAGE_SIZE;
	ptes = pmds - pte_pages * PAGE_SIZE;

	fill_entries(from_guest_phys(ptes), pages, size, 0, PAGE_PRESENT);
	if (host_levels == 3) {
		fill_entries(from_guest_phys(pmds), pte_pages, size, ptes,
			     PAGE_PRESENT);
		fill_entries(from_guest_phys(top), pmd_pages, size, pmds,
			     PDPT_PRESENT);
	} else {
		fill_entries(from_guest_phys(top), pte_pages, size, ptes,
			     PAGE_PRESENT);
	}
	note("Linear mapping of %lu pages in %lu pte pages at %#lx (%u levels)\n",
	     pages, pte_pages, ptes, host_levels);
	return top;
}

/*L:210
 * boot_params is what a bootloader leaves a kernel: we put it at physical
 * 0 with a one-entry memory map, the command line right after it, the
 * initrd, and hardware_subarch = 1, which is what tells the kernel's
 * first instructions (G:020) that it is an lguest Guest and must not
 * touch anything privileged.
:*/
static void setup_boot_params(const char *cmdline, unsigned long initrd_len)
{
	struct boot_params *boot = from_guest_phys(BOOT_PARAMS_ADDR);
	char *line = (char *)(boot + 1);

	memset(boot, 0, sizeof(*boot));
	boot->e820_entries = 1;
	boot->e820_table[0].addr = 0;
	boot->e820_table[0].size = guest_limit;
	boot->e820_table[0].type = 1;	/* E820_TYPE_RAM */
	snprintf(line, COMMAND_LINE_MAX, "%s", cmdline);
	boot->hdr.cmd_line_ptr = to_guest_phys(line);
	boot->hdr.cmdline_size = COMMAND_LINE_MAX;
	boot->hdr.version = 0x20c;
	boot->hdr.boot_flag = 0xAA55;
	boot->hdr.header = 0x53726448;	/* "HdrS" */
	boot->hdr.hardware_subarch = X86_SUBARCH_LGUEST;
	boot->hdr.type_of_loader = 0xff;
	if (initrd_len) {
		boot->hdr.ramdisk_image = guest_limit - initrd_len;
		boot->hdr.ramdisk_size = initrd_len;
	}
}
/*:*/

/*L:300
 * Devices.  Each device the user asked for gets an entry in the device
 * page (in the layout of D:010, which the Guest's bus reads back), some
 * virtqueues, and a struct device here that remembers how to serve them.
 *
 * Four kinds of thread touch these: the main thread (the run loop, which
 * also serves every NOTIFY and every input the Waker reports), a queue's
 * own thread (a disk's, a network card's transmit queue: L:337), a disk's
 * workers (L:362), and the Waker, which is a process of its own and
 * shares nothing but /dev/lguest and a pipe.  Each field below says who
 * owns it; nothing is shared without a lock.
:*/
struct device;

struct virtqueue {
	struct virtqueue *next;
	struct device *dev;
	/* Our copy of what we wrote into the device page for this queue. */
	struct lguest_vqconfig config;
	/* The ring itself, in Guest memory. */
	struct vring vring;
	/*
	 * The next available entry we have not yet taken, and buffers taken
	 * but not yet handed back.  Owned by whoever serves the queue: the
	 * main thread, or a device's own threads (a disk's workers, a network
	 * card's transmit queue), which hold the device's ring_lock while
	 * they do.
	 */
	u16 last_avail_idx;
	unsigned int inflight;
	/* Serves the queue when the Guest kicks it. */
	void (*handle_output)(struct virtqueue *vq);
	/*
	 * Or -1: the eventfd a kick signals instead, and the queue's own
	 * thread that then serves it (L:337).
	 */
	int eventfd;
	pthread_t thread;
	/*
	 * A disk's queue is served by several workers at once (L:362), each
	 * holding ring_lock only to take a request or give one back.  While
	 * paused, get_vq_desc (which we meet in L:330) finds nothing for
	 * them; idle is signalled each time a buffer comes back, work each
	 * time the Guest kicks.
	 */
	unsigned int workers;
	bool paused;
	pthread_cond_t work, idle;
};

struct device {
	struct device *next;
	/* For messages: "console", "block vda", "net", "rng". */
	char name[32];
	/* Our entry in the device page, in Guest memory. */
	struct lguest_device_desc *desc;
	/* The entry's room in the page, fixed when we built it. */
	unsigned int desc_len;
	/*
	 * Our own copies of what the entry's shape depends on: the Guest
	 * can write anything into the device page, so once it runs we never
	 * read these two from there.
	 */
	unsigned int num_vq, feature_len;
	struct virtqueue *vq;
	/*
	 * Held by a device's own I/O thread while it walks the rings, and by
	 * the main thread to reset them (L:410): the two never meet inside
	 * a ring.
	 */
	pthread_mutex_t ring_lock;
	/* An input file descriptor the Waker watches for us, or -1. */
	int fd;
	bool (*handle_input)(struct device *dev);
	/* Called once the Guest's driver is ready (status DRIVER_OK). */
	void (*ready)(struct device *dev);
	void *priv;
};

/*
 * The list is built before the Guest runs and never changes after.
 * infds and max_infd belong to the main thread: the Waker starts with a
 * copy and hears of every change through its pipe (watch_fd()).
 */
static struct {
	u8 *page;
	unsigned int used;
	unsigned int next_irq;
	unsigned int block_count;
	struct device *first, *last;
	fd_set infds;
	int max_infd;
} devices = { .next_irq = 1 };

/* The Waker watches the file descriptors of devices that want input. */
static void watch_fd(int fd, bool on)
{
	int msg = on ? fd : -fd - 1;

	if (on)
		FD_SET(fd, &devices.infds);
	else
		FD_CLR(fd, &devices.infds);
	if (fd > devices.max_infd)
		devices.max_infd = fd;
	if (waker_fd >= 0 && write(waker_fd, &msg, sizeof(msg)) != sizeof(msg))
		err(1, "telling the Waker");
}

/*L:310
 * The entries sit one after another in the page.  An entry cannot grow
 * once the next one is written, so a device is built in order: its
 * virtqueues, then its feature bits, then its configuration.  We check
 * each addition still fits in the page: a device page that overflows
 * would hand the Guest garbage as its next device.
:*/
static u8 *desc_grow(struct device *dev, unsigned int len)
{
	u8 *p = devices.page + devices.used;

	/* Keep one byte for the type-0 entry that ends the list. */
	if (devices.used + len >= PAGE_SIZE)
		errx(1, "%s: too many devices for the device page", dev->name);
	devices.used += len;
	dev->desc_len += len;
	return p;
}

static struct device *new_device(const char *name, u8 type)
{
	struct device *dev = calloc(1, sizeof(*dev));

	if (!dev)
		err(1, "%s", name);
	if (!devices.page)
		devices.page = get_pages(1);
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	dev->fd = -1;
	pthread_mutex_init(&dev->ring_lock, NULL);
	dev->desc = (void *)desc_grow(dev, sizeof(*dev->desc));
	dev->desc->type = type;
	if (devices.last)
		devices.last->next = dev;
	else
		devices.first = dev;
	devices.last = dev;
	return dev;
}

static void add_virtqueue(struct device *dev,
			  void (*handle_output)(struct virtqueue *vq))
{
	unsigned int pages = (vring_size(VIRTQUEUE_NUM, LGUEST_VRING_ALIGN) +
			      PAGE_SIZE - 1) / PAGE_SIZE;
	struct virtqueue **i, *vq = calloc(1, sizeof(*vq));
	void *p = get_pages(pages);

	if (!vq)
		err(1, "%s", dev->name);
	if (dev->feature_len || dev->desc->config_len)
		errx(1, "%s: virtqueue added after features", dev->name);
	vq->dev = dev;
	vq->handle_output = handle_output;
	vq->eventfd = -1;
	pthread_cond_init(&vq->work, NULL);
	pthread_cond_init(&vq->idle, NULL);
	vq->config.num = VIRTQUEUE_NUM;
	vq->config.irq = devices.next_irq++;
	vq->config.pfn = to_guest_phys(p) / PAGE_SIZE;
	vring_init(&vq->vring, VIRTQUEUE_NUM, p, LGUEST_VRING_ALIGN);

	memcpy(desc_grow(dev, sizeof(vq->config)), &vq->config,
	       sizeof(vq->config));
	dev->desc->num_vq = ++dev->num_vq;
	for (i = &dev->vq; *i; i = &(*i)->next)
		;
	*i = vq;
	note("%s: virtqueue %u at pfn %#x, irq %u\n", dev->name,
	     dev->num_vq - 1, vq->config.pfn, vq->config.irq);
}

/* The two feature bitmaps come right after the vqconfigs. */
static u8 *feature_bits(struct device *dev)
{
	return (u8 *)(dev->desc + 1) +
		dev->num_vq * sizeof(struct lguest_vqconfig);
}

static void add_feature(struct device *dev, unsigned int bit)
{
	u8 *bits = feature_bits(dev);

	if (dev->desc->config_len)
		errx(1, "%s: feature added after config", dev->name);
	while (dev->feature_len <= bit / 8) {
		/* Growing the offer grows the accepted bitmap too. */
		desc_grow(dev, 2);
		memmove(bits + dev->feature_len + 1,
			bits + dev->feature_len, dev->feature_len);
		bits[dev->feature_len] = 0;
		dev->desc->feature_len = ++dev->feature_len;
		bits[2 * dev->feature_len - 1] = 0;
	}
	bits[bit / 8] |= 1 << (bit % 8);
}

static bool guest_accepted(struct device *dev, unsigned int bit)
{
	const u8 *accepted = feature_bits(dev) + dev->feature_len;

	return bit / 8 < dev->feature_len &&
		(accepted[bit / 8] & (1 << (bit % 8)));
}

static void set_config(struct device *dev, const void *conf, unsigned int len)
{
	if (len > 255)
		errx(1, "%s: config too large", dev->name);
	memcpy(desc_grow(dev, len), conf, len);
	dev->desc->config_len = len;
}

/*L:320
 * Interrupts.  When we have used some of the Guest's buffers we tell it
 * with LHREQ_IRQ, on the queue's own line (given out in add_virtqueue(),
 * and asked for by the Guest's driver in D:150), unless it asked not to
 * be bothered (VRING_AVAIL_F_NO_INTERRUPT), and except that a Guest
 * which accepted VIRTIO_F_NOTIFY_ON_EMPTY wants to hear once we have
 * used everything it gave us, whatever the flag says.
:*/
static void trigger_irq(struct virtqueue *vq)
{
	unsigned long buf[] = { LHREQ_IRQ, vq->config.irq };

	__sync_synchronize();
	if ((vq->vring.avail->flags & VRING_AVAIL_F_NO_INTERRUPT) &&
	    !(vq->inflight == 0 &&
	      guest_accepted(vq->dev, VIRTIO_F_NOTIFY_ON_EMPTY)))
		return;
	if (write(lguest_fd, buf, sizeof(buf)) < 0)
		err(1, "raising interrupt %u", vq->config.irq);
}

/*L:330
 * Walking a ring.  Each buffer the Guest offers is a chain of
 * descriptors; the "available" ring lists the heads of the chains.  The
 * Guest writes all of this, so we trust none of it: the index must not
 * run ahead of us by more than the ring holds, a head and every "next"
 * must be inside the ring, a chain longer than the ring is a loop, every
 * buffer must lie in Guest memory and a whole chain be no longer than
 * it, and a driver may not put something for us to read (output) after
 * something for us to write (input).
:*/
static unsigned int next_desc(struct virtqueue *vq, unsigned int i,
			      const struct vring_desc *d)
{
	unsigned int next;

	if (!(d->flags & VRING_DESC_F_NEXT))
		return vq->vring.num;
	next = d->next;
	if (next >= vq->vring.num)
		guest_fault(vq->dev->name, "descriptor %u points to %u, past the ring of %u",
			    i, next, vq->vring.num);
	return next;
}

/*
 * The Guest can rewrite a descriptor while we look at it.  So we copy
 * each one out of the ring once and check and use only our copy: a
 * second read after the check would see whatever the Guest put there in
 * between.  The compiler barrier stops gcc from reading the ring again
 * instead of the copy.
 */
static void read_desc(const struct virtqueue *vq, unsigned int i,
		      struct vring_desc *d)
{
	memcpy(d, &vq->vring.desc[i], sizeof(*d));
	asm volatile("" : : : "memory");
}

/*
 * Take the next available buffer: returns its head, fills iov with
 * out_num readable then in_num writable pieces, or returns vring.num when
 * the Guest has nothing for us.
 */
static unsigned int get_vq_desc(struct virtqueue *vq, struct iovec iov[],
				unsigned int *out_num, unsigned int *in_num)
{
	const char *name = vq->dev->name;
	unsigned int i, head, count = 0;
	u16 avail_idx = vq->vring.avail->idx;
	u64 total = 0;

	__sync_synchronize();
	if (vq->paused)
		return vq->vring.num;
	if ((u16)(avail_idx - vq->last_avail_idx) > vq->vring.num)
		guest_fault(name, "available index jumped from %u to %u",
			    vq->last_avail_idx, avail_idx);
	if (avail_idx == vq->last_avail_idx)
		return vq->vring.num;

	head = vq->vring.avail->ring[vq->last_avail_idx++ % vq->vring.num];
	if (head >= vq->vring.num)
		guest_fault(name, "buffer head %u is past the ring of %u",
			    head, vq->vring.num);

	*out_num = *in_num = 0;
	i = head;
	do {
		struct vring_desc d;

		if (++count > vq->vring.num)
			guest_fault(name, "descriptor chain from %u loops", head);
		read_desc(vq, i, &d);
		if (d.flags & VRING_DESC_F_INDIRECT)
			guest_fault(name, "indirect descriptors were not offered");
		if (d.addr > ULONG_MAX)
			guest_fault(name, "descriptor %u address %#llx is out of range",
				    i, (unsigned long long)d.addr);
		iov[*out_num + *in_num].iov_len = d.len;
		iov[*out_num + *in_num].iov_base =
			guest_ptr(name, d.addr, d.len);
		/*
		 * Pieces may overlap, so without this 64 pieces of 64 MB add
		 * up to 4 GB, which is 0 in our 32-bit size_t.
		 */
		total += d.len;
		if (total > guest_max)
			guest_fault(name, "descriptor chain from %u is longer than Guest memory",
				    head);
		if (d.flags & VRING_DESC_F_WRITE)
			(*in_num)++;
		else if (*in_num)
			guest_fault(name, "descriptor %u is output after input", i);
		else
			(*out_num)++;
		i = next_desc(vq, i, &d);
	} while (i != vq->vring.num);

	vq->inflight++;
	return head;
}

/*L:335
 * Giving a buffer back is the other half: its head and how many bytes we
 * wrote into it go in the "used" ring, and only then do we move the
 * index the Guest watches, so it never sees an entry before it is filled
 * in.  The iov helpers count, and copy out of, the pieces get_vq_desc()
 * gave us.
:*/
static void add_used(struct virtqueue *vq, unsigned int head, unsigned int len)
{
	struct vring_used_elem *used;

	used = &vq->vring.used->ring[vq->vring.used->idx % vq->vring.num];
	used->id = head;
	used->len = len;
	__sync_synchronize();
	vq->vring.used->idx++;
	vq->inflight--;
	if (vq->workers)
		pthread_cond_broadcast(&vq->idle);
}

static void add_used_and_trigger(struct virtqueue *vq, unsigned int head,
				 unsigned int len)
{
	add_used(vq, head, len);
	trigger_irq(vq);
}

/* Bytes in a run of iovecs, and copying out of or into them. */
static size_t iov_total(const struct iovec *iov, unsigned int num)
{
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < num; i++)
		len += iov[i].iov_len;
	return len;
}

static void iov_consume(struct iovec *iov, unsigned int num, void *dst,
			size_t len)
{
	unsigned int i;

	for (i = 0; i < num && len; i++) {
		size_t n = iov[i].iov_len < len ? iov[i].iov_len : len;

		if (dst) {
			memcpy(dst, iov[i].iov_base, n);
			dst = (u8 *)dst + n;
		}
		iov[i].iov_base = (u8 *)iov[i].iov_base + n;
		iov[i].iov_len -= n;
		len -= n;
	}
}
/*:*/

/*L:337
 * A queue whose work is slow (a disk's) or plentiful (a network card's
 * transmissions) gets a thread of its own, so the run loop never waits
 * for it.  A kick signals the queue's eventfd: in the Host, which we ask
 * to with LHREQ_EVENTFD (L:510), so the run loop does not even come back
 * to us; or here, should one reach handle_notify() (L:420).  The thread
 * sleeps in a read of the eventfd and then serves the queue holding the
 * device's ring_lock, so a reset never lands in the middle.  (A disk's
 * serves it by waking the disk's workers, which we meet in L:362.)  It
 * starts when the driver says it is ready, and only once; kicks before
 * that just add up in the eventfd's count.
:*/
static void give_queue_a_thread(struct virtqueue *vq)
{
	vq->eventfd = eventfd(0, 0);
	if (vq->eventfd < 0)
		err(1, "%s: eventfd", vq->dev->name);
}

static void kick_queue_thread(struct virtqueue *vq)
{
	u64 one = 1;

	if (write(vq->eventfd, &one, sizeof(one)) != sizeof(one))
		err(1, "%s: waking the queue's thread", vq->dev->name);
}

static void *queue_thread(void *arg)
{
	struct virtqueue *vq = arg;
	u64 kicks;

	while (read(vq->eventfd, &kicks, sizeof(kicks)) == sizeof(kicks)) {
		pthread_mutex_lock(&vq->dev->ring_lock);
		vq->handle_output(vq);
		pthread_mutex_unlock(&vq->dev->ring_lock);
	}
	return NULL;
}

static void start_queue_thread(struct virtqueue *vq)
{
	if (!vq->thread && pthread_create(&vq->thread, NULL, queue_thread, vq))
		errx(1, "%s: cannot start the queue's thread", vq->dev->name);
}
/*:*/

/*L:340
 * The console.  Input comes from our stdin into buffers the Guest left in
 * its receive queue; output is whatever the Guest puts in its transmit
 * queue, written to stdout.  If stdin is a terminal we put it in raw
 * mode, so that every key goes to the Guest, ^C included.  Which raises
 * the question of how to get out: three ^C within a second, each alone
 * in its buffer, end the Launcher.
:*/
struct console_abort {
	unsigned int count;
	struct timespec start;
};

/*L:345
 * With --console=FILE the Guest's output goes to a file and it gets no
 * input; with --console=socket:PATH we listen on a Unix socket and the
 * console is whoever connects, one client at a time.  The Guest must
 * never wait for a client (its console driver spins until we take each
 * buffer), so output with nobody connected is dropped.  When the client
 * goes, we listen again, and the Guest runs on.  A socket console is not
 * for a jail (jailed, which we meet in L:380), and each client gets a
 * Waker born knowing it (restart_waker, which we meet in L:400).
:*/
static bool jailed(void);
static void restart_waker(void);

static struct {
	const char *path;	/* The socket's, to remove when we go. */
	int out_fd;		/* -1: nobody to write to. */
	int listen_fd;
	pid_t owner;		/* Not the Waker, nor a re-executed us. */
} console_io = { .out_fd = STDOUT_FILENO, .listen_fd = -1 };

static void remove_console_socket(void)
{
	if (console_io.path && getpid() == console_io.owner)
		unlink(console_io.path);
	console_io.path = NULL;
}

static void open_console_file(const char *arg, const char *name)
{
	console_io.out_fd = open(name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			      0644);
	if (console_io.out_fd < 0)
		err(1, "--console=%s", arg);
}

static void open_console_socket(const char *arg, const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	if (jailed())
		errx(1, "--console=%s: a socket console cannot be jailed (--chroot, --username) yet",
		     arg);
	if (!*path || strlen(path) >= sizeof(addr.sun_path))
		errx(1, "--console=%s: the path must have 1 to %zu characters",
		     arg, sizeof(addr.sun_path) - 1);
	memcpy(addr.sun_path, path, strlen(path) + 1);
	console_io.listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (console_io.listen_fd < 0)
		err(1, "--console=%s: socket", arg);
	if (bind(console_io.listen_fd, (struct sockaddr *)&addr, sizeof(addr)))
		err(1, "--console=%s: cannot bind", arg);
	console_io.path = path;
	console_io.owner = getpid();
	atexit(remove_console_socket);
	if (listen(console_io.listen_fd, 1))
		err(1, "--console=%s: cannot listen", arg);
	/* A client gone mid-write is an error from write(), not a death. */
	signal(SIGPIPE, SIG_IGN);
	console_io.out_fd = -1;
}

static void open_console(const char *arg)
{
	if (!arg)
		return;
	if (!strncmp(arg, "socket:", 7))
		open_console_socket(arg, arg + 7);
	else
		open_console_file(arg, arg);
}

static bool accept_console_client(struct device *dev)
{
	int fd = accept4(console_io.listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return true;
	watch_fd(console_io.listen_fd, false);
	dev->fd = console_io.out_fd = fd;
	watch_fd(fd, true);
	restart_waker();
	note("console: a client connected\n");
	return true;
}

/* stdin closed, or the client left: on a socket, wait for the next one. */
static void console_input_ended(struct device *dev)
{
	watch_fd(dev->fd, false);
	if (console_io.listen_fd < 0) {
		dev->fd = -1;
		return;
	}
	close(dev->fd);
	dev->fd = console_io.listen_fd;
	console_io.out_fd = -1;
	watch_fd(dev->fd, true);
	note("console: the client left\n");
}

/*L:347
 * The console device: input from the terminal, from a socket's client,
 * or none; output to wherever L:345 said; and a terminal goes into raw
 * mode only when it is the console.
:*/
static bool handle_console_input(struct device *dev)
{
	struct console_abort *abort = dev->priv;
	struct iovec iov[VIRTQUEUE_NUM];
	unsigned int head, in, out;
	ssize_t len;
	char key = 0;

	if (dev->fd == console_io.listen_fd)
		return accept_console_client(dev);
	head = get_vq_desc(dev->vq, iov, &out, &in);
	if (head == dev->vq->vring.num)
		return false;	/* No buffer: wait until the Guest gives one. */
	if (out)
		guest_fault(dev->name, "input buffer has output descriptors");

	len = readv(dev->fd, iov, in);
	if (len <= 0) {
		add_used_and_trigger(dev->vq, head, 0);
		console_input_ended(dev);
		return dev->fd >= 0;
	}
	add_used_and_trigger(dev->vq, head, len);

	/* The key went into the first piece with room, maybe not iov[0]. */
	if (len == 1)
		iov_consume(iov, in, &key, 1);
	if (key == 3) {
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!abort->count++)
			abort->start = now;
		else if (abort->count == 3) {
			if (now.tv_sec <= abort->start.tv_sec + 1)
				exit(2);
			abort->count = 0;
		}
	} else {
		abort->count = 0;
	}
	return true;
}

static void handle_console_output(struct virtqueue *vq)
{
	struct iovec iov[VIRTQUEUE_NUM];
	unsigned int head, out, in;

	while ((head = get_vq_desc(vq, iov, &out, &in)) != vq->vring.num) {
		size_t len = iov_total(iov, out);

		if (in)
			guest_fault(vq->dev->name, "output buffer has input descriptors");
		while (console_io.out_fd >= 0 && iov_total(iov, out)) {
			ssize_t r = writev(console_io.out_fd, iov, out);

			if (r <= 0)
				break;
			iov_consume(iov, out, NULL, r);
		}
		add_used_and_trigger(vq, head, len);
	}
}

/* New receive buffers: start reading stdin again if we had stopped. */
static void console_refill(struct virtqueue *vq)
{
	if (vq->dev->fd >= 0)
		watch_fd(vq->dev->fd, true);
}

static void setup_console(void)
{
	struct device *dev = new_device("console", VIRTIO_ID_CONSOLE);
	struct termios term;

	if (console_io.out_fd == STDOUT_FILENO &&
	    tcgetattr(STDIN_FILENO, &saved_term) == 0) {
		term_saved = true;
		term = saved_term;
		cfmakeraw(&term);
		/*
		 * Keep turning \n into \r\n on the way out: the Guest is
		 * not the only one writing to this terminal.
		 */
		term.c_oflag |= OPOST | ONLCR;
		tcsetattr(STDIN_FILENO, TCSANOW, &term);
	}
	if (console_io.listen_fd >= 0)
		dev->fd = console_io.listen_fd;
	else if (console_io.out_fd == STDOUT_FILENO)
		dev->fd = STDIN_FILENO;
	dev->handle_input = handle_console_input;
	dev->priv = calloc(1, sizeof(struct console_abort));
	add_virtqueue(dev, console_refill);
	add_virtqueue(dev, handle_console_output);
	if (dev->fd >= 0)
		watch_fd(dev->fd, true);
}

/*L:350
 * The network card is a tap device: whatever the Guest transmits is
 * written to the tap, whatever arrives on the tap goes into the Guest's
 * receive buffers.  The tap speaks the same virtio_net header the Guest
 * does (IFF_VNET_HDR), so packets pass through untouched.  The tap gets
 * either an IP address of its own (a point-to-point link between Host
 * and Guest) or joins an existing bridge.
:*/
/*
 * We take everything waiting on the tap while the Guest has buffers for
 * it: one packet per trip through the Waker would cost a break, a return
 * to us and a re-entry for each, and a TCP sender waiting on its ACKs
 * would crawl.  One interrupt at the end covers them all.  We return
 * false when the Guest's buffers ran out, so we stop watching the tap
 * until it gives us more.
 */
static bool handle_net_input(struct device *dev)
{
	struct virtqueue *vq = dev->vq;
	struct iovec iov[VIRTQUEUE_NUM];
	unsigned int head, in, out;
	bool more = true, got = false;
	ssize_t len;

	for (;;) {
		head = get_vq_desc(vq, iov, &out, &in);
		if (head == vq->vring.num) {
			more = false;
			break;
		}
		if (out)
			guest_fault(dev->name, "receive buffer has output descriptors");
		if (iov_total(iov, in) < sizeof(struct virtio_net_hdr) + 1514)
			guest_fault(dev->name, "receive buffer of %zu bytes is too small",
				    iov_total(iov, in));
		len = readv(dev->fd, iov, in);
		if (len < 0) {
			/* Nothing more there: put the buffer back. */
			vq->last_avail_idx--;
			vq->inflight--;
			break;
		}
		add_used(vq, head, len);
		got = true;
	}
	if (got)
		trigger_irq(vq);
	return more;
}

/*
 * Likewise one interrupt for every packet a kick sent.  This runs in the
 * transmit queue's own thread (L:337), so sending never holds up the run
 * loop; the main thread keeps the receive queue, which the Waker feeds.
 */
static void handle_net_output(struct virtqueue *vq)
{
	struct iovec iov[VIRTQUEUE_NUM];
	unsigned int head, out, in;
	bool sent = false;

	while ((head = get_vq_desc(vq, iov, &out, &in)) != vq->vring.num) {
		if (in)
			guest_fault(vq->dev->name, "transmit buffer has input descriptors");
		if (iov_total(iov, out) < sizeof(struct virtio_net_hdr))
			guest_fault(vq->dev->name, "transmit buffer shorter than its header");
		if (writev(vq->dev->fd, iov, out) < 0)
			note("net: tap write: %s\n", strerror(errno));
		add_used(vq, head, 0);
		sent = true;
	}
	if (sent)
		trigger_irq(vq);
}

static void net_refill(struct virtqueue *vq)
{
	watch_fd(vq->dev->fd, true);
}

/*L:352
 * Offloads.  The virtio_net header can say "checksum this from here"
 * and "this is one 64 KiB TCP segment, cut it up", and the tap
 * understands both, so we offer the Guest all of it: it sends us big
 * segments with their checksums undone, and (if its driver takes the
 * GUEST_ features) receives them too, in buffers big enough.  A packet
 * then stops costing a NOTIFY or an interrupt per 1500 bytes.  What the
 * tap may hand us depends on what the driver took, which we learn when
 * it is ready; a driver that comes back after a reset says again.  That
 * is also when the transmit queue's thread starts.
:*/
static const unsigned int net_offers[] = {
	VIRTIO_NET_F_CSUM, VIRTIO_NET_F_HOST_TSO4, VIRTIO_NET_F_HOST_TSO6,
	VIRTIO_NET_F_HOST_ECN, VIRTIO_NET_F_GUEST_CSUM,
	VIRTIO_NET_F_GUEST_TSO4, VIRTIO_NET_F_GUEST_TSO6,
	VIRTIO_NET_F_GUEST_ECN,
};

static void net_ready(struct device *dev)
{
	unsigned int tun = 0;

	if (guest_accepted(dev, VIRTIO_NET_F_GUEST_CSUM)) {
		tun = TUN_F_CSUM;
		if (guest_accepted(dev, VIRTIO_NET_F_GUEST_TSO4))
			tun |= TUN_F_TSO4;
		if (guest_accepted(dev, VIRTIO_NET_F_GUEST_TSO6))
			tun |= TUN_F_TSO6;
		if ((tun & (TUN_F_TSO4 | TUN_F_TSO6)) &&
		    guest_accepted(dev, VIRTIO_NET_F_GUEST_ECN))
			tun |= TUN_F_TSO_ECN;
	}
	if (ioctl(dev->fd, TUNSETOFFLOAD, tun) != 0)
		err(1, "%s: cannot set the tap's offloads", dev->name);
	start_queue_thread(dev->vq->next);
}

static int open_tap(char *ifname)
{
	struct ifreq ifr = { 0 };
	int fd;

	fd = open("/dev/net/tun", O_RDWR);
	if (fd < 0)
		err(1, "--tunnet: cannot open /dev/net/tun (is the tun module loaded, are you root?)");
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, IFNAMSIZ, "lguest%%d");
	if (ioctl(fd, TUNSETIFF, &ifr) != 0)
		err(1, "--tunnet: cannot create a tap device");
	snprintf(ifname, IFNAMSIZ, "%s", ifr.ifr_name);
	/* Reads must not block: the Waker only says input may be there. */
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

/*L:355
 * --tunnet=IP[/PREFIX][,mac=XX:XX:XX:XX:XX:XX] or
 * --tunnet=bridge:NAME[,mac=...], read whole before anything is made, so
 * a mistake costs no tap device.  Without a mac= the card's address is
 * locally administered and built from our process id and the card's
 * number: different for every card of every Guest on this Host, and the
 * same after the Guest reboots (we re-execute in the same process).
:*/
struct tunnet {
	const char *arg;
	char where[64];
	bool bridge;
	struct in_addr ip;
	unsigned int prefix;
	u8 mac[6];
};

static void parse_mac(const char *arg, const char *s, u8 mac[6])
{
	unsigned int b[6], i;
	char end;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6 || strlen(s) != 17)
		errx(1, "--tunnet=%s: mac=%s is not six hex bytes like 02:00:4c:47:00:01",
		     arg, s);
	if (b[0] & 1)
		errx(1, "--tunnet=%s: mac=%s is a multicast address", arg, s);
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
}

static void parse_ip(struct tunnet *t)
{
	char *slash = strchr(t->where, '/'), *end;

	if (slash) {
		*slash = '\0';
		errno = 0;
		t->prefix = strtoul(slash + 1, &end, 10);
		if (errno || end == slash + 1 || *end || t->prefix < 1 ||
		    t->prefix > 32)
			errx(1, "--tunnet=%s: /%s is not a prefix length from 1 to 32",
			     t->arg, slash + 1);
	}
	if (inet_pton(AF_INET, t->where, &t->ip) != 1)
		errx(1, "--tunnet=%s: %s is not an IPv4 address", t->arg,
		     t->where);
}

static void parse_tunnet(const char *arg, unsigned int card, struct tunnet *t)
{
	const char *comma = strchr(arg, ',');
	size_t len = comma ? (size_t)(comma - arg) : strlen(arg);
	pid_t pid = getpid();

	memset(t, 0, sizeof(*t));
	t->arg = arg;
	if (len >= sizeof(t->where))
		errx(1, "--tunnet=%s: too long", arg);
	memcpy(t->where, arg, len);
	t->mac[0] = 0x02;
	t->mac[1] = 0x4c;
	t->mac[2] = pid >> 16;
	t->mac[3] = pid >> 8;
	t->mac[4] = pid;
	t->mac[5] = card;
	if (comma && !strncmp(comma + 1, "mac=", 4))
		parse_mac(arg, comma + 5, t->mac);
	else if (comma)
		errx(1, "--tunnet=%s: unknown option %s (only mac=)", arg,
		     comma + 1);
	if (!strncmp(t->where, "bridge:", 7)) {
		t->bridge = true;
		memmove(t->where, t->where + 7, strlen(t->where + 7) + 1);
		if (!t->where[0] || strlen(t->where) >= IFNAMSIZ)
			errx(1, "--tunnet=%s: not a bridge name", arg);
	} else {
		parse_ip(t);
	}
}

/*L:357
 * Then the card itself: a new tap, given its address and brought up, or
 * added to the bridge; a device entry with a receive queue and a
 * transmit queue; and the MAC as the card's configuration, so the Guest
 * uses the address we chose.
:*/
static void set_ip_and_up(int sock, const char *ifname, const struct tunnet *t)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	if (!t->bridge) {
		sin->sin_family = AF_INET;
		sin->sin_addr = t->ip;
		if (ioctl(sock, SIOCSIFADDR, &ifr) != 0)
			err(1, "--tunnet: setting address %s on %s", t->where,
			    ifname);
	}
	if (!t->bridge && t->prefix) {
		sin->sin_addr.s_addr = htonl(~0U << (32 - t->prefix));
		if (ioctl(sock, SIOCSIFNETMASK, &ifr) != 0)
			err(1, "--tunnet: setting prefix /%u on %s", t->prefix,
			    ifname);
	}
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) != 0)
		err(1, "--tunnet: reading flags of %s", ifname);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) != 0)
		err(1, "--tunnet: bringing up %s", ifname);
}

static void add_to_bridge(int sock, const char *ifname, const char *bridge)
{
	struct ifreq ifr = { 0 };
	unsigned int index = if_nametoindex(ifname);

	if (!if_nametoindex(bridge))
		errx(1, "--tunnet=bridge:%s: no such bridge", bridge);
	snprintf(ifr.ifr_name, IFNAMSIZ, "%.*s", IFNAMSIZ - 1, bridge);
	ifr.ifr_ifindex = index;
	if (ioctl(sock, SIOCBRADDIF, &ifr) != 0)
		err(1, "--tunnet=bridge:%s: cannot add %s to it", bridge, ifname);
}

static void setup_tun_net(const struct tunnet *t, unsigned int card)
{
	struct device *dev;
	char ifname[IFNAMSIZ], name[32];
	unsigned int i;
	int sock;

	snprintf(name, sizeof(name), "net%u", card);
	dev = new_device(name, VIRTIO_ID_NET);
	dev->fd = open_tap(ifname);
	dev->handle_input = handle_net_input;
	add_virtqueue(dev, net_refill);
	add_virtqueue(dev, handle_net_output);
	give_queue_a_thread(dev->vq->next);

	sock = socket(AF_INET, SOCK_DGRAM, IPPROTO_IP);
	if (sock < 0)
		err(1, "--tunnet: socket");
	if (t->bridge)
		add_to_bridge(sock, ifname, t->where);
	set_ip_and_up(sock, ifname, t);
	close(sock);

	dev->ready = net_ready;
	for (i = 0; i < ARRAY_SIZE(net_offers); i++)
		add_feature(dev, net_offers[i]);
	add_feature(dev, VIRTIO_NET_F_MAC);
	set_config(dev, t->mac, sizeof(t->mac));
	watch_fd(dev->fd, true);
	note("%s: tap %s, %s\n", dev->name, ifname, t->arg);
}

/*L:360
 * The block device.  Requests are served away from the run loop (L:337,
 * and L:362 for how), so a slow disk never holds up the Guest's console
 * or network.  Each request is a header (read, write, flush, or "who are
 * you"), the data, and a status byte we write last.  A read or write
 * beyond the end of the file is a Guest bug, and we never let it grow
 * the file.
:*/
/*
 * Who owns what: fd, ro and len are set before the Guest runs and only read
 * after; the ring itself belongs to whoever holds the device's ring_lock.
 */
struct vblk_info {
	int fd;
	bool ro;
	u64 len;
};

/*
 * The disk file is the user's, and the user (or a careless script) may
 * cut it shorter while the Guest runs.  The Guest was told the size at
 * boot and has no way to learn a new one: rather than let its writes
 * grow the file again with holes in between, or its reads fail one by
 * one, we stop it and say why.
 */
static void check_disk_size(struct device *dev)
{
	struct vblk_info *vblk = dev->priv;
	struct stat st;

	if (fstat(vblk->fd, &st) != 0)
		err(1, "%s: cannot stat the disk file", dev->name);
	if (S_ISREG(st.st_mode) && (u64)st.st_size < vblk->len)
		errx(1, "%s: the disk file shrank from %llu to %llu bytes under the Guest",
		     dev->name, (unsigned long long)vblk->len,
		     (unsigned long long)st.st_size);
}

/*
 * The sector is the Guest's 64-bit number: times 512 it may not fit in
 * 64 bits, so we compare it with the disk's size in sectors before we
 * multiply.
 */
static bool blk_inside(const struct vblk_info *vblk, u64 sector, size_t len)
{
	return sector <= vblk->len / 512 && len <= vblk->len - sector * 512;
}

/* Serves one request: returns how many bytes of it we wrote, status included. */
static unsigned int blk_request(struct virtqueue *vq, struct iovec *iov,
				unsigned int out, unsigned int in)
{
	struct vblk_info *vblk = vq->dev->priv;
	struct virtio_blk_outhdr hdr;
	u8 status = VIRTIO_BLK_S_OK, *statusp;
	size_t len = 0, datalen;
	ssize_t r;

	if (iov_total(iov, out) < sizeof(hdr) || !in ||
	    iov[out + in - 1].iov_len < 1)
		guest_fault(vq->dev->name, "malformed request");
	iov_consume(iov, out, &hdr, sizeof(hdr));
	statusp = (u8 *)iov[out + in - 1].iov_base +
		iov[out + in - 1].iov_len - 1;
	iov[out + in - 1].iov_len--;
	check_disk_size(vq->dev);

	switch (hdr.type & ~VIRTIO_BLK_T_BARRIER) {
	case VIRTIO_BLK_T_IN:
		datalen = iov_total(iov + out, in);
		if (!blk_inside(vblk, hdr.sector, datalen))
			guest_fault(vq->dev->name, "read of %zu bytes at sector %llu is past the end of the disk",
				    datalen, (unsigned long long)hdr.sector);
		r = preadv(vblk->fd, iov + out, in, hdr.sector * 512);
		if (r != (ssize_t)datalen)
			status = VIRTIO_BLK_S_IOERR;
		len = r > 0 ? r : 0;
		break;
	case VIRTIO_BLK_T_OUT:
		if (vblk->ro) {
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		datalen = iov_total(iov, out);
		if (!blk_inside(vblk, hdr.sector, datalen))
			guest_fault(vq->dev->name, "write of %zu bytes at sector %llu is past the end of the disk",
				    datalen, (unsigned long long)hdr.sector);
		r = pwritev(vblk->fd, iov, out, hdr.sector * 512);
		if (r != (ssize_t)datalen)
			status = VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_FLUSH:
		if (fdatasync(vblk->fd) != 0)
			status = VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID:
		len = iov_total(iov + out, in);
		if (len > VIRTIO_BLK_ID_BYTES)
			len = VIRTIO_BLK_ID_BYTES;
		memset(iov[out].iov_base, 0, iov[out].iov_len < len ?
		       iov[out].iov_len : len);
		snprintf(iov[out].iov_base, iov[out].iov_len < len ?
			 iov[out].iov_len : len, "lguest-%s", vq->dev->name + 6);
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
	}
	/* A barrier asks that everything finished before it be on the disk. */
	if ((hdr.type & VIRTIO_BLK_T_BARRIER) && fdatasync(vblk->fd) != 0)
		status = VIRTIO_BLK_S_IOERR;
	*statusp = status;
	return len + 1;
}

/*L:362
 * Queue depth.  One thread serving one request at a time would leave the
 * Guest's second request waiting while the first is read, and our second
 * CPU idle.  So a disk has DISK_WORKERS workers, each taking one request
 * from the ring under ring_lock, letting go of the lock for the read or
 * write, and taking it again to give the buffer back.  Requests finish
 * in whatever order the file gives them back: the used ring says which
 * one each is, and the Guest's driver expects nothing else.
 *
 * Nothing is lost by it.  A request is in the used ring only once its
 * pwritev() has returned, so a flush's fdatasync() covers every write the
 * Guest has seen finish, which is all a flush promises.  And a reset
 * (L:410) pauses the queue and waits for every request out with a worker
 * to come back before it wipes the ring, so no worker ever writes into a
 * Guest buffer, or a ring, the driver has started again on.
:*/
#define DISK_WORKERS 4

/* With ring_lock held, which it drops while the file works: false if idle. */
static bool serve_one_request(struct virtqueue *vq)
{
	struct iovec iov[VIRTQUEUE_NUM];
	unsigned int head, out, in, len;

	head = get_vq_desc(vq, iov, &out, &in);
	if (head == vq->vring.num)
		return false;
	pthread_mutex_unlock(&vq->dev->ring_lock);
	len = blk_request(vq, iov, out, in);
	pthread_mutex_lock(&vq->dev->ring_lock);
	add_used_and_trigger(vq, head, len);
	return true;
}

static void *disk_worker(void *arg)
{
	struct virtqueue *vq = arg;

	pthread_mutex_lock(&vq->dev->ring_lock);
	for (;;)
		if (!serve_one_request(vq))
			pthread_cond_wait(&vq->work, &vq->dev->ring_lock);
	return NULL;
}

/* The queue's thread (L:337) passes each kick on to the workers. */
static void wake_disk_workers(struct virtqueue *vq)
{
	pthread_cond_broadcast(&vq->work);
}

/* They start when the driver first says it is ready, and run till we exit. */
static void blk_ready(struct device *dev)
{
	struct virtqueue *vq = dev->vq;
	pthread_t worker;

	start_queue_thread(vq);
	pthread_mutex_lock(&dev->ring_lock);
	for (; vq->workers < DISK_WORKERS; vq->workers++)
		if (pthread_create(&worker, NULL, disk_worker, vq))
			errx(1, "%s: cannot start a worker", dev->name);
	pthread_mutex_unlock(&dev->ring_lock);
}

/*L:365
 * Making a disk: the file and its size (a block device's is found by
 * seeking to its end), the queue's thread (L:337), and a device
 * entry with one queue, the flush feature and the capacity in sectors.
 *
 * And how many pieces one request may have (VIRTIO_BLK_F_SEG_MAX): a
 * driver not told so sends a piece per request, and a Guest's buffer is
 * rarely contiguous in its memory, so a megabyte of O_DIRECT arrived as
 * 256 requests of a page, each a NOTIFY and an interrupt.  A request is
 * a header, the pieces and a status byte, all in the ring, so the ring
 * less two is the most it can carry.
 * --block=FILE,ro opens the file read only and tells the Guest so
 * (VIRTIO_BLK_F_RO): its driver then refuses writes itself, and should
 * one come anyway we fail it.  Two Guests can share such a disk, or it
 * can live on read-only media.
:*/
static void setup_block_file(const char *arg)
{
	struct virtio_blk_config conf = { 0 };
	struct vblk_info *vblk = calloc(1, sizeof(*vblk));
	size_t len = strlen(arg);
	struct device *dev;
	char name[32], *filename;
	struct stat st;

	snprintf(name, sizeof(name), "block vd%c", 'a' + devices.block_count++);
	filename = strdup(arg);
	if (!vblk || !filename)
		err(1, "%s", arg);
	if (len > 3 && !strcmp(arg + len - 3, ",ro")) {
		vblk->ro = true;
		filename[len - 3] = '\0';
	}
	vblk->fd = open(filename, (vblk->ro ? O_RDONLY : O_RDWR) | O_LARGEFILE);
	if (vblk->fd < 0 || fstat(vblk->fd, &st) < 0)
		err(1, "--block=%s", filename);
	if (S_ISBLK(st.st_mode)) {
		off_t end = lseek(vblk->fd, 0, SEEK_END);

		if (end < 0)
			err(1, "--block=%s: cannot find its size", filename);
		vblk->len = end;
	} else {
		vblk->len = st.st_size;
	}
	dev = new_device(name, VIRTIO_ID_BLOCK);
	dev->priv = vblk;
	dev->ready = blk_ready;
	add_virtqueue(dev, wake_disk_workers);
	give_queue_a_thread(dev->vq);
	add_feature(dev, VIRTIO_BLK_F_FLUSH);
	if (vblk->ro)
		add_feature(dev, VIRTIO_BLK_F_RO);
	add_feature(dev, VIRTIO_BLK_F_SEG_MAX);
	conf.capacity = vblk->len / 512;
	conf.seg_max = VIRTQUEUE_NUM - 2;
	set_config(dev, &conf, offsetof(struct virtio_blk_config, seg_max) +
		   sizeof(conf.seg_max));
	note("%s: %s, %llu sectors%s\n", name, filename,
	     (unsigned long long)conf.capacity, vblk->ro ? ", read only" : "");
	free(filename);
}

/*L:370
 * Entropy: the Guest offers empty buffers and we fill them from
 * /dev/urandom, which never makes anyone wait.
:*/
static void handle_rng(struct virtqueue *vq)
{
	struct iovec iov[VIRTQUEUE_NUM];
	unsigned int head, out, in;
	int fd = (intptr_t)vq->dev->priv;

	while ((head = get_vq_desc(vq, iov, &out, &in)) != vq->vring.num) {
		ssize_t len;

		if (out)
			guest_fault(vq->dev->name, "entropy buffer has output descriptors");
		len = readv(fd, iov, in);
		add_used_and_trigger(vq, head, len > 0 ? len : 0);
	}
}

static void setup_rng(void)
{
	struct device *dev = new_device("rng", VIRTIO_ID_RNG);
	int fd = open("/dev/urandom", O_RDONLY);

	if (fd < 0)
		err(1, "--rng: /dev/urandom");
	dev->priv = (void *)(intptr_t)fd;
	add_virtqueue(dev, handle_rng);
}
/*:*/

/*M:050
 * Every kick from the Guest is an exit to the Host, a return to this
 * process and a trip back in: that is why block and network I/O here
 * run at a fraction of native speed.  Faster I/O would let the Host
 * signal an eventfd on NOTIFY without leaving the kernel, serve each
 * device from its own thread, and batch interrupts; vhost is the grown-up
 * form of that idea.
:*/

/*L:380
 * Least privilege.  Setting up needs root: /dev/lguest, tap devices, the
 * disk files.  Running the Guest needs none of that, only the file
 * descriptors we already hold.  A Guest that found a hole in our device
 * code would be whatever we are, so with --chroot and --username we give
 * up, once everything is open, all we can: the file system (we move into
 * an empty directory of the user's choosing), our identity (the user's
 * uid and gid, and no supplementary groups, which might open files we
 * could not otherwise) and most of the kernel (the filter of L:390).
 *
 * Both options are checked as we read the command line, so a typo stops
 * us before anything is built: the directory is opened then and kept
 * only until we move into it, and the user is looked up in /etc/passwd,
 * which we will not see again once inside.  We read that file ourselves:
 * getpwnam() would want the C library's shared modules, which a static
 * Launcher does not have.
:*/
static struct {
	const char *dir, *user;
	int dir_fd;
	uid_t uid;
	gid_t gid;
	/* --no-seccomp: a jail without the filter, to debug the filter. */
	bool no_filter;
} jail = { .dir_fd = -1 };

static bool jailed(void)
{
	return jail.dir || jail.user;
}

static bool filtered(void)
{
	return jailed() && !jail.no_filter;
}

static void jail_dir(const char *dir)
{
	if (jail.dir_fd >= 0)
		close(jail.dir_fd);
	jail.dir = dir;
	jail.dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (jail.dir_fd < 0)
		err(1, "--chroot=%s", dir);
}

static void jail_user(const char *name)
{
	FILE *f = fopen("/etc/passwd", "re");
	struct passwd *pw;

	if (!f)
		err(1, "--username=%s: cannot read /etc/passwd", name);
	while ((pw = fgetpwent(f)) && strcmp(pw->pw_name, name))
		;
	if (!pw)
		errx(1, "--username=%s: no such user in /etc/passwd", name);
	jail.user = name;
	jail.uid = pw->pw_uid;
	jail.gid = pw->pw_gid;
	fclose(f);
}

/*
 * We change root through the descriptor we opened and checked, not the
 * name, which someone may have pointed elsewhere since; and we close it
 * after, for an open directory outside the root is a way back out.  The
 * groups and the gid go before the uid: once we are the user, we may no
 * longer change them.
 */
static void enter_jail(void)
{
	if (jail.dir) {
		if (fchdir(jail.dir_fd) != 0 || chroot(".") != 0 ||
		    chdir("/") != 0)
			err(1, "--chroot=%s", jail.dir);
		close(jail.dir_fd);
		jail.dir_fd = -1;
	}
	if (jail.user && (setgroups(0, NULL) != 0 ||
			  setresgid(jail.gid, jail.gid, jail.gid) != 0 ||
			  setresuid(jail.uid, jail.uid, jail.uid) != 0))
		err(1, "--username=%s: cannot become uid %u gid %u", jail.user,
		    (unsigned int)jail.uid, (unsigned int)jail.gid);
	note("Jailed%s%s%s%s\n", jail.dir ? " in " : "", jail.dir ? jail.dir : "",
	     jail.user ? " as " : "", jail.user ? jail.user : "");
}

/*L:390
 * The system call filter.  Locked in an empty directory as nobody, we
 * could still ask the kernel for anything a nobody may have: a socket,
 * executable memory, another process, some rarely used call with a bug
 * in it.  So, in a jail, we tell the kernel which calls the run loop, the
 * Waker and the block I/O thread make, and it kills the whole Launcher
 * (SIGSYS) for any other.  The list is for this Launcher as the static
 * i386 C library builds it: statx() for fstat(), pselect6() for
 * select(), mmap2(), sigreturn() beside rt_sigreturn(), and so on.
 *
 * A few calls are allowed only with some arguments: clone() only to make
 * a thread (a disk's or a network card's, which start when their drivers
 * are ready),
 * memory only without PROT_EXEC, and ioctl() only to read and set the
 * terminal (put back on the way out) and a tap's offloads (set when its
 * driver is ready).  clone3() keeps its flags in memory
 * the filter cannot read, so it gets ENOSYS, and the C library falls
 * back to clone().  restart_syscall() is the kernel's own, resuming a call
 * a signal interrupted.  And the first thing checked is that the call is
 * an i386 one: a 32-bit process on a 64-bit kernel can also make x86-64
 * calls, whose numbers mean something else entirely.
:*/
struct syscall_rule {
	unsigned int nr;
	u32 action;
	/* Allowed only if (argument arg & mask) == value; arg < 0: always. */
	int arg;
	u32 mask, value;
};

/*
 * What a kernel without the call would answer: errno 38, ENOSYS, written
 * as a number only because checkpatch takes the name to be a mistake
 * everywhere but here, where it means exactly what it says.
 */
#define NO_SUCH_CALL	(SECCOMP_RET_ERRNO | 38)

#define ALLOW(nr)	{ __NR_##nr, SECCOMP_RET_ALLOW, -1, 0, 0 }
#define ALLOW_IF(nr, arg, mask, value) \
	{ __NR_##nr, SECCOMP_RET_ALLOW, arg, mask, value }

static const struct syscall_rule syscall_rules[] = {
	/* The run loop and the Waker, busiest first. */
	ALLOW(pread64), ALLOW(pwrite64), ALLOW(pselect6),
	ALLOW(read), ALLOW(write), ALLOW(readv), ALLOW(writev),
	/* The queues' own threads (L:337). */
	ALLOW(preadv), ALLOW(pwritev), ALLOW(fdatasync), ALLOW(statx),
	ALLOW(futex), ALLOW_IF(clone, 0, CLONE_THREAD, CLONE_THREAD),
	{ __NR_clone3, NO_SUCH_CALL, -1, 0, 0 },
	ALLOW(set_robust_list), ALLOW(rseq), ALLOW(exit),
	/* Memory, for malloc() and thread stacks. */
	ALLOW(brk), ALLOW_IF(mmap2, 2, PROT_EXEC, 0),
	ALLOW_IF(mprotect, 2, PROT_EXEC, 0), ALLOW(munmap), ALLOW(madvise),
	/* Time, for the console's triple ^C, when the vDSO cannot help. */
	ALLOW(clock_gettime), ALLOW(clock_gettime64),
	/* Signals, and the ways out: stopping the Waker, dying of a signal. */
	ALLOW(rt_sigaction), ALLOW(rt_sigprocmask), ALLOW(rt_sigreturn),
	ALLOW(sigreturn), ALLOW(restart_syscall), ALLOW(getpid),
	ALLOW(gettid), ALLOW(tgkill), ALLOW(kill), ALLOW(wait4),
	ALLOW_IF(ioctl, 1, ~0U, TCGETS), ALLOW_IF(ioctl, 1, ~0U, TCSETS),
	ALLOW_IF(ioctl, 1, ~0U, TUNSETOFFLOAD),
	ALLOW(exit_group),
};

/*
 * Each rule becomes a test of the call number that skips the rest of the
 * rule when it does not match.  A rule with an argument loads it, masks
 * it and compares; a mismatch reloads the number and goes on, so that a
 * later rule for the same call (ioctl has two) still gets its look.  An
 * i386 argument is the low half of its 64-bit slot.
 */
#define FILTER_LOAD(offset)	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset)
#define FILTER_SKIP_UNLESS(value, skip) \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, value, 0, skip)
#define FILTER_RETURN(action)	BPF_STMT(BPF_RET | BPF_K, action)

static unsigned int compile_rule(struct sock_filter *p,
				 const struct syscall_rule *r)
{
	const struct sock_filter always[] = {
		FILTER_SKIP_UNLESS(r->nr, 1),
		FILTER_RETURN(r->action),
	};
	const struct sock_filter checked[] = {
		FILTER_SKIP_UNLESS(r->nr, 5),
		FILTER_LOAD(offsetof(struct seccomp_data, args) +
			    r->arg * sizeof(u64)),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, r->mask),
		FILTER_SKIP_UNLESS(r->value, 1),
		FILTER_RETURN(r->action),
		FILTER_LOAD(offsetof(struct seccomp_data, nr)),
	};

	if (r->arg < 0) {
		memcpy(p, always, sizeof(always));
		return ARRAY_SIZE(always);
	}
	memcpy(p, checked, sizeof(checked));
	return ARRAY_SIZE(checked);
}

/* Six instructions per rule at most, and five around them. */
#define FILTER_MAX	(ARRAY_SIZE(syscall_rules) * 6 + 5)

static unsigned int compile_filter(struct sock_filter *p)
{
	const struct sock_filter head[] = {
		FILTER_LOAD(offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 1, 0),
		FILTER_RETURN(SECCOMP_RET_KILL_PROCESS),
		FILTER_LOAD(offsetof(struct seccomp_data, nr)),
	};
	unsigned int i, n = ARRAY_SIZE(head);

	memcpy(p, head, sizeof(head));
	for (i = 0; i < ARRAY_SIZE(syscall_rules); i++)
		n += compile_rule(p + n, &syscall_rules[i]);
	p[n++] = (struct sock_filter)FILTER_RETURN(SECCOMP_RET_KILL_PROCESS);
	return n;
}

/*
 * No new privileges is the price of a filter for a process that is not
 * root, and a promise worth having anyway: nothing we could execute
 * would run with more than we have.
 */
static void install_syscall_filter(void)
{
	struct sock_filter prog[FILTER_MAX];
	struct sock_fprog fprog = { .filter = prog };

	fprog.len = compile_filter(prog);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) != 0)
		err(1, "cannot install the system call filter (is the kernel built with CONFIG_SECCOMP_FILTER? --no-seccomp goes without)");
}
/*:*/

/*L:400
 * The Waker.  While the Guest runs, the Launcher is stuck inside a read
 * of /dev/lguest, so it cannot notice a key being pressed or a packet
 * arriving.  A child process does the noticing: it waits in select() on
 * every input we care about and, when one is ready, writes LHREQ_BREAK
 * to /dev/lguest, which kicks the Launcher out of the Guest with EAGAIN.
 * The Host holds the Waker in that write (H:048) until the Launcher has
 * served the input and cleared the break, so it never spins.  The Launcher
 * tells the Waker which descriptors to watch through a pipe; when the
 * Launcher dies, the pipe closes and the Waker follows it.  A jailed
 * Launcher forks the Waker after locking itself up, so the Waker is born
 * inside; but before putting on its filter (L:390), which would otherwise
 * have to allow fork(), so the Waker puts on its own.
:*/
static _Noreturn void waker(int pipefd)
{
	fd_set watched = devices.infds;
	int max = devices.max_infd > pipefd ? devices.max_infd : pipefd;

	for (;;) {
		unsigned long args[] = { LHREQ_BREAK, 1 };
		fd_set rfds = watched;
		int fd;

		FD_SET(pipefd, &rfds);
		if (select(max + 1, &rfds, NULL, NULL, NULL) < 0) {
			if (errno == EINTR)
				continue;
			err(1, "the Waker cannot wait for input");
		}
		if (FD_ISSET(pipefd, &rfds)) {
			if (read(pipefd, &fd, sizeof(fd)) != sizeof(fd))
				_exit(0);
			if (fd >= 0) {
				FD_SET(fd, &watched);
				if (fd > max)
					max = fd;
			} else {
				FD_CLR(-fd - 1, &watched);
			}
			continue;
		}
		if (pwrite(lguest_fd, args, sizeof(args), 0) < 0 &&
		    errno != EAGAIN)
			_exit(0);
	}
}

/*
 * The Waker may be asleep inside the Host, in its LHREQ_BREAK, when we
 * exit or re-exec: only a signal gets it out, and until it is out its
 * copy of /dev/lguest keeps the old Guest alive.
 */
static pid_t waker_pid;

static void stop_waker(void)
{
	if (waker_pid > 0 && getpid() != waker_pid) {
		kill(waker_pid, SIGKILL);
		waitpid(waker_pid, NULL, 0);
		waker_pid = 0;
	}
}

static void start_waker(void)
{
	int pipefd[2];

	if (pipe(pipefd) != 0)
		err(1, "creating the Waker's pipe");
	waker_pid = fork();
	switch (waker_pid) {
	case -1:
		err(1, "forking the Waker");
	case 0:
		/* A Launcher killed outright must not leave us stuck. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(pipefd[1]);
		if (filtered())
			install_syscall_filter();
		waker(pipefd[0]);
	}
	close(pipefd[0]);
	if (waker_fd < 0)
		atexit(stop_waker);
	waker_fd = pipefd[1];
}

/*
 * A descriptor opened after the fork (a console client's) is not the
 * Waker's to watch: it gets a new Waker, born with it.
 */
static void restart_waker(void)
{
	if (waker_pid <= 0)
		return;
	stop_waker();
	close(waker_fd);
	start_waker();
}

/* Serve every input that is ready now, then let the Waker go again. */
static void service_input(void)
{
	struct timeval zero = { 0, 0 };
	unsigned long args[] = { LHREQ_BREAK, 0 };
	struct device *dev;
	fd_set rfds = devices.infds;

	if (select(devices.max_infd + 1, &rfds, NULL, NULL, &zero) > 0) {
		for (dev = devices.first; dev; dev = dev->next) {
			if (dev->fd < 0 || !dev->handle_input ||
			    !FD_ISSET(dev->fd, &rfds))
				continue;
			/*
			 * No buffers from the Guest: stop watching until it
			 * gives us some (its kick brings us back).
			 */
			if (!dev->handle_input(dev) && dev->fd >= 0)
				watch_fd(dev->fd, false);
		}
	}
	if (pwrite(lguest_fd, args, sizeof(args), 0) < 0)
		err(1, "clearing the break");
}

/*L:410
 * The Guest writes a device's status byte and then NOTIFYs the address
 * of its entry.  Status 0 is a reset: we wipe its rings and forget where
 * we were in them, so the driver starts afresh on clean pages.  A
 * device's own threads may be walking those rings right now: we take the
 * device's ring_lock so the wipe never lands in the middle of one, and a
 * disk's workers (L:362) get no new request while we wait for the ones
 * they have to come back.  DRIVER_OK means the driver has finished
 * looking at features and is ready for us.
:*/
static void reset_rings(struct device *dev)
{
	struct virtqueue *vq;

	pthread_mutex_lock(&dev->ring_lock);
	for (vq = dev->vq; vq; vq = vq->next) {
		vq->paused = true;
		while (vq->workers && vq->inflight)
			pthread_cond_wait(&vq->idle, &dev->ring_lock);
		memset(vq->vring.desc, 0,
		       vring_size(vq->config.num, LGUEST_VRING_ALIGN));
		vq->last_avail_idx = 0;
		vq->inflight = 0;
		vq->paused = false;
	}
	memset(feature_bits(dev) + dev->feature_len, 0, dev->feature_len);
	pthread_mutex_unlock(&dev->ring_lock);
}

static void status_changed(struct device *dev)
{
	u8 status = dev->desc->status;

	if (status == 0) {
		note("%s: reset\n", dev->name);
		reset_rings(dev);
	} else if (status & VIRTIO_CONFIG_S_FAILED) {
		note("%s: the Guest's driver failed\n", dev->name);
	} else if ((status & VIRTIO_CONFIG_S_DRIVER_OK) && dev->ready) {
		dev->ready(dev);
	}
}

/*L:420
 * Every NOTIFY lands here with a Guest physical address: a device entry
 * (its status changed, D:140), a virtqueue (the Guest kicked it, D:150),
 * or, before the Guest has any devices going, a string for the early
 * console (G:130).  Anything else is a Guest bug.
:*/
static void handle_notify(unsigned long addr)
{
	unsigned long page = to_guest_phys(devices.page);
	struct virtqueue *vq;
	struct device *dev;

	for (dev = devices.first; dev; dev = dev->next) {
		if (addr == to_guest_phys(dev->desc)) {
			status_changed(dev);
			return;
		}
		for (vq = dev->vq; vq; vq = vq->next) {
			if (addr == (unsigned long)vq->config.pfn * PAGE_SIZE) {
				if (vq->eventfd >= 0)
					kick_queue_thread(vq);
				else if (vq->handle_output)
					vq->handle_output(vq);
				return;
			}
		}
	}
	if (addr >= page && addr < page + PAGE_SIZE)
		guest_fault("device page", "status change for no device (offset %lu)",
			    addr - page);
	if (addr < guest_limit) {
		const char *s = from_guest_phys(addr);
		size_t len = strnlen(s, guest_limit - addr);

		/* A socket client may have left: that is no reason to die. */
		if (console_io.out_fd >= 0 && write(console_io.out_fd, s, len) < 0 &&
		    console_io.listen_fd < 0)
			err(1, "early console");
		return;
	}
	guest_fault("notify", "address %#lx is not a device nor Guest memory",
		    addr);
}

/*L:430
 * Rebooting is starting again: we close everything (the Host frees the
 * old Guest when /dev/lguest closes, the Waker and I/O threads die with
 * their pipes) and run ourselves afresh with the same arguments.  A
 * jailed Launcher cannot: it sees neither itself nor /dev/lguest any
 * more, nor may it open them or execute anything.  It ends with status
 * 3 instead, and whoever started it can start it again.
 *
 * Try it: the tiny Guest restart asks to be rebooted every time it runs,
 * so "timeout 3 lguest 32 /guests/restart.elf" at the Host's prompt says
 * its line over and over, from one Launcher process, until the timeout.
:*/
static _Noreturn void restart_guest(void)
{
	int fd;

	if (jailed())
		errx(3, "the Guest rebooted: a Launcher in --chroot or --username cannot start it again (exit status 3)");
	restore_term();
	stop_waker();
	/* Our new self binds the socket afresh. */
	remove_console_socket();
	for (fd = 3; fd < FD_SETSIZE; fd++)
		close(fd);
	execv("/proc/self/exe", main_args);
	err(1, "cannot re-execute %s to reboot", main_args[0]);
}

/*L:440
 * The heart of the Launcher: read /dev/lguest to run the Guest, and see
 * why it came back.  A result of one unsigned long is a NOTIFY address.
 * ENOENT means the Guest is dead: reading again gives the reason.  A
 * Guest that asked to power off dies with a reason starting with
 * LGUEST_POWEROFF_PREFIX, and that is a clean exit: status 0, nothing
 * said.  ERESTART asks for a reboot; EAGAIN means the Waker saw input.
 * What goes on inside that read is the Host's business (H:040).
:*/
static _Noreturn void run_guest(void)
{
	for (;;) {
		unsigned long notify;
		char reason[1024] = { 0 };
		ssize_t r;

		r = pread(lguest_fd, &notify, sizeof(notify), 0);
		if (r == sizeof(notify)) {
			handle_notify(notify);
			continue;
		}
		if (r >= 0)
			errx(1, "/dev/lguest returned %zd bytes", r);
		switch (errno) {
		case ENOENT:
			if (pread(lguest_fd, reason, sizeof(reason) - 1, 0) < 0)
				err(1, "reading why the Guest died");
			if (!strncmp(reason, LGUEST_POWEROFF_PREFIX,
				     strlen(LGUEST_POWEROFF_PREFIX)))
				exit(0);
			restore_term();
			errx(1, "%s", reason);
		case ERESTART:
			restart_guest();
		case EAGAIN:
		case EINTR:
			service_input();
			break;
		default:
			err(1, "running the Guest");
		}
	}
}
/*:*/

/*L:500
 * The command line.  Options may come before or after the memory size
 * and kernel, and may repeat: each --block and --tunnet adds a device, in
 * the order given.  Kernel arguments are everything else, and a "--"
 * passes whatever follows to the kernel untouched.
:*/
static const char usage_text[] =
"Usage: lguest [-v|--verbose]\n"
"              [--tunnet=(<ipaddr>[/<prefix>]|bridge:<bridgename>)[,mac=<mac>]]\n"
"              [--block=<filename>[,ro]] [--initrd=<filename>] [--rng]\n"
"              [--console=(<filename>|socket:<path>)]\n"
"              [--chroot=<dir>] [--username=<user>] [--no-seccomp]\n"
"              <mem-in-mb> <vmlinux|bzImage> [--] [kernel args...]\n";

static const char help_text[] =
"Run a Linux kernel built with CONFIG_LGUEST_GUEST as an lguest Guest.\n"
"Needs the lg module loaded (/dev/lguest) and, usually, root.\n"
"\n"
"  <mem-in-mb>           Guest RAM in megabytes, up to 2048; at least\n"
"                        what the kernel, its page tables and the\n"
"                        initrd need (the Launcher says how much)\n"
"  <vmlinux|bzImage>     an i386 kernel: ELF vmlinux or gzip bzImage\n"
"  [kernel args...]      the Guest's command line; console=hvc0 is\n"
"                        added unless a console= is given.  Arguments\n"
"                        that start with - go after --, which passes\n"
"                        everything behind it to the kernel untouched\n"
"  --block=<filename>[,ro]\n"
"                        a virtio disk on this file (vda, vdb, ... in\n"
"                        order); with ,ro the file is opened read only\n"
"                        and the Guest sees a read-only disk\n"
"  --initrd=<filename>   an initial ramdisk for the Guest\n"
"  --tunnet=<ipaddr>[/<prefix>]\n"
"                        a virtio network card on a new tap device with\n"
"                        this Host-side IPv4 address (and prefix length;\n"
"                        without one the address's class decides)\n"
"  --tunnet=bridge:<br>  the same, with the tap added to bridge <br>\n"
"  ...,mac=<mac>         the card's MAC, as 02:00:4c:47:00:01; without it\n"
"                        each card gets a local one, unique on this Host\n"
"  --rng                 a virtio entropy source fed from /dev/urandom\n"
"  --console=<filename>  the Guest's console output appended to this\n"
"                        file; it gets no input\n"
"  --console=socket:<path>\n"
"                        the Guest's console on a Unix socket we listen\n"
"                        on (and remove when we exit): one client at a\n"
"                        time types and reads; output while nobody is\n"
"                        connected is dropped.  Not with --chroot or\n"
"                        --username\n"
"  --chroot=<dir>        once set up, run with <dir> as the root\n"
"  --username=<user>     once set up, run as this user of /etc/passwd,\n"
"                        with its group and no others\n"
"  --no-seccomp          with --chroot or --username, leave out the\n"
"                        system call filter they bring\n"
"  -v, --verbose         say what the Launcher is doing, on stderr\n"
"  --help                this text\n"
"\n"
"Without --console the Guest's console is this terminal, in raw mode; three ^C within a\n"
"second end the Launcher (exit status 2).  The Launcher exits 0 when the\n"
"Guest powers off, 1 with a message when it fails or crashes, and\n"
"starts the Guest again when it reboots.\n"
"\n"
"With --chroot or --username the Launcher opens everything first, then\n"
"gives up what it no longer needs; and the kernel kills it (SIGSYS) for\n"
"any system call outside the few it makes to run the Guest.  A jailed\n"
"Launcher cannot start itself again: when the Guest reboots it exits\n"
"with status 3.\n";

static _Noreturn void usage(const char *why)
{
	if (why)
		fprintf(stderr, "lguest: %s\n", why);
	fputs(usage_text, stderr);
	exit(1);
}

struct arg_list {
	const char *items[64];
	unsigned int num;
};

static void push_arg(struct arg_list *l, const char *opt, const char *arg)
{
	if (l->num == ARRAY_SIZE(l->items))
		errx(1, "too many %s options", opt);
	l->items[l->num++] = arg;
}

static unsigned long parse_mem(const char *arg)
{
	char *end;
	unsigned long mb;

	errno = 0;
	mb = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || !isdigit((unsigned char)arg[0]))
		usage("memory size must be a number of megabytes");
	if (mb < MIN_MEM_MB || mb > MAX_MEM_MB)
		errx(1, "memory size %lu MB is out of range (%d to %d)",
		     mb, MIN_MEM_MB, MAX_MEM_MB);
	return mb << 20;
}

static void build_cmdline(char *buf, char *args[], int num)
{
	bool has_console = false;
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < num; i++) {
		if (!strncmp(args[i], "console=", 8))
			has_console = true;
		len += strlen(args[i]) + 1;
		if (len >= COMMAND_LINE_MAX - 16)
			errx(1, "kernel command line longer than %u bytes",
			     COMMAND_LINE_MAX - 16);
		if (i)
			strcat(buf, " ");
		strcat(buf, args[i]);
	}
	if (!has_console)
		strcat(buf, num ? " console=hvc0" : "console=hvc0");
}

/*L:505
 * Each virtqueue gets an interrupt line of its own, and the Guest has
 * LGUEST_IRQS of them, line 0 being its timer.  A queue past the last
 * line would be refused by the Guest's driver, and the user would just
 * see a device missing (the console, which is set up last), so we count
 * before we build anything.  An option that names one thing (the
 * initrd, the console) may be given once: a second would otherwise win
 * silently.  And when /dev/lguest is not there, the likeliest reason is
 * worth a word.
:*/
static void check_device_count(unsigned int blocks, unsigned int nets,
			       bool rng)
{
	unsigned int lines = 2 + blocks + 2 * nets + rng;

	if (lines > LGUEST_IRQS - 1)
		errx(1, "too many devices: the console, %u disks, %u network cards%s need %u interrupt lines and the Guest has %u",
		     blocks, nets, rng ? " and the rng" : "", lines,
		     LGUEST_IRQS - 1);
}

static void set_once(const char **var, const char *opt, const char *arg)
{
	if (*var)
		errx(1, "%s given twice (%s and %s)", opt, *var, arg);
	*var = arg;
}

static int open_lguest(void)
{
	int fd = open("/dev/lguest", O_RDWR);

	if (fd < 0)
		err(1, "cannot open /dev/lguest%s", errno == ENOENT ?
		    " (is lg.ko loaded?)" : "");
	return fd;
}

/*L:510
 * Telling the Host about the Guest: where its memory starts in our
 * address space, how many pages of it there are (RAM and device pages:
 * the Guest may touch all of them, and nothing above), the page
 * directory we built, and where to start.  Then, for each queue that a
 * thread of its own serves, the eventfd the Host should signal when the
 * Guest kicks it (H:049 is the Host's side).
 *
 * And that is the Launcher, from its command line to the loop it never
 * leaves.  Its write lands in the Host (H:050) and its read becomes the
 * Host's run loop (H:040): the Host is where we go next.  To see this
 * part at work first, the scenarios guest-boot, guest-block, guest-net,
 * guest-console and guest-jail (tools/testing/selftests/lguest/scenarios)
 * run real Guests on it and check what they did: "run_tests.sh
 * guest-jail" runs one.  "run_tests.sh unit" runs the Launcher's own
 * unit tests, which feed it broken kernels and hostile rings.
:*/
static void tell_kernel(unsigned long pgdir, unsigned long start)
{
	unsigned long args[] = { LHREQ_INITIALIZE, (unsigned long)guest_base,
				 guest_max / PAGE_SIZE, pgdir, start };

	note("Guest memory %p-%p, %lu pages, pgdir %#lx, start %#lx\n",
	     guest_base, guest_base + guest_max, guest_max / PAGE_SIZE,
	     pgdir, start);
	if (write(lguest_fd, args, sizeof(args)) < 0)
		err(1, "initializing the Guest through /dev/lguest");
}

/* Then each queue served by a thread of its own gets its eventfd (H:049). */
static void attach_eventfds(void)
{
	struct device *dev;
	struct virtqueue *vq;

	for (dev = devices.first; dev; dev = dev->next) {
		for (vq = dev->vq; vq; vq = vq->next) {
			unsigned long args[] = {
				LHREQ_EVENTFD,
				(unsigned long)vq->config.pfn * PAGE_SIZE,
				vq->eventfd
			};

			if (vq->eventfd >= 0 &&
			    write(lguest_fd, args, sizeof(args)) < 0)
				err(1, "%s: LHREQ_EVENTFD", dev->name);
		}
	}
}

/*P:100
 * This is the Launcher, the program a user types to start a Guest:
 *
 *	lguest 64 vmlinux root=/dev/vda --block=rootfs.img
 *
 * Its main() is the whole program at a glance, written, like the rest,
 * in the kernel's dialect (L:110).  It reads the command line (L:500),
 * counting the devices against the Guest's interrupt lines first
 * (check_device_count(), L:505), and lays out the Guest's "physical"
 * memory inside its own address space (L:120, L:150).  It puts the
 * kernel and an initrd into that memory, with page tables and boot
 * parameters (L:180, L:190, L:200, L:210), and writes the little page
 * of device descriptions the Guest will find above its RAM (L:300):
 * disks (L:365), network cards (L:355, L:357), an entropy source
 * (L:370) and the console (L:340: the terminal, or with --console a
 * file or a socket, opened by open_console() in L:345, and the device
 * made by setup_console() in L:347).  Then it hands the lot to the Host
 * through /dev/lguest (opened by open_lguest() in L:505, told by
 * L:510).  Asked to, it then locks itself up: a new root, a user of no
 * importance and a system call filter (the jail of L:380, its filter in
 * L:390).  And it sits in a loop (L:440): reading /dev/lguest runs the
 * Guest, and the read only returns when the Guest wants something from
 * a device, or dies, or asks to be rebooted.  A child process, the
 * Waker (L:400), watches for input meanwhile, and however we leave, the
 * terminal is put back as we found it (L:130).
:*/
#ifndef LGUEST_UNIT_TEST
int main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "verbose", 0, NULL, 'v' },
		{ "tunnet", 1, NULL, 't' },
		{ "block", 1, NULL, 'b' },
		{ "initrd", 1, NULL, 'i' },
		{ "rng", 0, NULL, 'r' },
		{ "console", 1, NULL, 'C' },
		{ "chroot", 1, NULL, 'c' },
		{ "username", 1, NULL, 'u' },
		{ "no-seccomp", 0, NULL, 's' },
		{ "help", 0, NULL, 'h' },
		{ NULL },
	};
	struct arg_list blocks = { 0 }, nets = { 0 };
	struct tunnet tunnets[ARRAY_SIZE(nets.items)];
	const char *initrd = NULL;
	char cmdline[COMMAND_LINE_MAX];
	unsigned long start, pgdir, initrd_len = 0;
	unsigned int i;
	bool rng = false;
	const char *console_arg = NULL;
	int c;

	main_args = argv;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose = true;
			break;
		case 't':
			push_arg(&nets, "--tunnet", optarg);
			break;
		case 'b':
			push_arg(&blocks, "--block", optarg);
			break;
		case 'i':
			set_once(&initrd, "--initrd", optarg);
			break;
		case 'r':
			rng = true;
			break;
		case 'C':
			set_once(&console_arg, "--console", optarg);
			break;
		case 'c':
			jail_dir(optarg);
			break;
		case 'u':
			jail_user(optarg);
			break;
		case 's':
			jail.no_filter = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return 0;
		default:
			fprintf(stderr, "lguest: unknown or incomplete option %s\n",
				argv[optind - 1]);
			usage(NULL);
		}
	}
	if (argc - optind < 2)
		usage("need a memory size and a kernel");
	check_device_count(blocks.num, nets.num, rng);
	open_console(console_arg);
	for (i = 0; i < nets.num; i++)
		parse_tunnet(nets.items[i], i, &tunnets[i]);

	read_host_levels();
	map_guest_memory(parse_mem(argv[optind]));
	devices.page = get_pages(1);

	start = load_kernel(argv[optind + 1]);
	if (initrd)
		initrd_len = load_initrd(initrd, kernel_top);
	pgdir = setup_pagetables(initrd_len, kernel_top);
	build_cmdline(cmdline, argv + optind + 2, argc - optind - 2);
	setup_boot_params(cmdline, initrd_len);

	for (i = 0; i < blocks.num; i++)
		setup_block_file(blocks.items[i]);
	for (i = 0; i < nets.num; i++)
		setup_tun_net(&tunnets[i], i);
	if (rng)
		setup_rng();

	lguest_fd = open_lguest();
	signal(SIGHUP, die_on_signal);
	signal(SIGTERM, die_on_signal);
	signal(SIGINT, die_on_signal);
	atexit(restore_term);
	setup_console();
	tell_kernel(pgdir, start);
	attach_eventfds();
	enter_jail();
	start_waker();
	if (filtered())
		install_syscall_filter();
	run_guest();
}
#endif
