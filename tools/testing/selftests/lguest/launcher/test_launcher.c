// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the Launcher's loader, ring walker, device page and jail.
 *
 * We compile the Launcher itself in (without its main()) and feed its
 * functions crafted bytes: ELF files, bzImages, rings and device entries,
 * good and bad.  The Launcher answers bad input by exiting with a message,
 * so each case runs in a child process and we check how it ended and what
 * it said.  Prints TAP.
 */
#include "../../../../launcher/lguest.c"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>

static unsigned int tests, failures;

static void result(bool ok, const char *desc)
{
	tests++;
	if (!ok)
		failures++;
	printf("%sok %u - %s\n", ok ? "" : "not ", tests, desc);
	fflush(stdout);
}

/*
 * Run fn(arg) in a child.  It passes if the child exits with want_status
 * and, when want_msg is given, said something containing it on stderr.
 */
static void expect(const char *desc, void (*fn)(void *), void *arg,
		   int want_status, const char *want_msg)
{
	char msg[4096] = "";
	int pipefd[2], status;
	ssize_t len = 0, r;
	pid_t pid;

	fflush(stdout);
	if (pipe(pipefd))
		err(1, "pipe");
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		fn(arg);
		exit(0);
	}
	close(pipefd[1]);
	while ((r = read(pipefd[0], msg + len, sizeof(msg) - 1 - len)) > 0)
		len += r;
	msg[len] = '\0';
	close(pipefd[0]);
	waitpid(pid, &status, 0);

	if (!WIFEXITED(status) || WEXITSTATUS(status) != want_status ||
	    (want_msg && !strstr(msg, want_msg))) {
		printf("# expected status %d%s%s, got %s %d, said: %s",
		       want_status, want_msg ? " saying " : "",
		       want_msg ? want_msg : "",
		       WIFEXITED(status) ? "status" : "signal",
		       WIFEXITED(status) ? WEXITSTATUS(status) :
		       WTERMSIG(status), len ? msg : "nothing\n");
		result(false, desc);
	} else {
		result(true, desc);
	}
}

/* Every case starts from fresh, empty Guest memory of 32 MB. */
static void fresh_guest(void)
{
	if (guest_base)
		munmap(guest_base, guest_mapped);
	memset(&devices, 0, sizeof(devices));
	devices.next_irq = 1;
	kernel_top = 0;
	map_guest_memory(32 << 20);
	devices.page = get_pages(1);
}

/* ELF images: one loadable segment at 1 MB, with a recognisable pattern. */
#define SEG_ADDR	0x100000
#define SEG_FILESZ	8192
#define SEG_MEMSZ	12288

struct elf_image {
	Elf32_Ehdr eh;
	Elf32_Phdr ph[2];
	u8 data[SEG_FILESZ];
};

static void make_elf(struct elf_image *img)
{
	unsigned int i;

	memset(img, 0, sizeof(*img));
	memcpy(img->eh.e_ident, ELFMAG, SELFMAG);
	img->eh.e_ident[EI_CLASS] = ELFCLASS32;
	img->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	img->eh.e_ident[EI_VERSION] = EV_CURRENT;
	img->eh.e_type = ET_EXEC;
	img->eh.e_machine = EM_386;
	img->eh.e_version = EV_CURRENT;
	img->eh.e_entry = SEG_ADDR + 16;
	img->eh.e_phoff = offsetof(struct elf_image, ph);
	img->eh.e_ehsize = sizeof(img->eh);
	img->eh.e_phentsize = sizeof(Elf32_Phdr);
	img->eh.e_phnum = 2;
	img->ph[0].p_type = PT_LOAD;
	img->ph[0].p_offset = offsetof(struct elf_image, data);
	img->ph[0].p_vaddr = 0xc0000000 + SEG_ADDR;
	img->ph[0].p_paddr = SEG_ADDR;
	img->ph[0].p_filesz = SEG_FILESZ;
	img->ph[0].p_memsz = SEG_MEMSZ;
	img->ph[1].p_type = PT_NOTE;
	for (i = 0; i < SEG_FILESZ; i++)
		img->data[i] = i * 7 + 1;
}

static struct blob blob_of(void *data, size_t len)
{
	struct blob b = { "test-kernel", data, len };

	return b;
}

static void good_elf_loads(void)
{
	struct elf_image img;
	struct blob b;
	unsigned long entry;
	pid_t pid;
	int status;

	make_elf(&img);
	pid = fork();
	if (pid == 0) {
		fresh_guest();
		b = blob_of(&img, sizeof(img));
		entry = load_elf(&b);
		exit(entry == SEG_ADDR + 16 &&
		     !memcmp(from_guest_phys(SEG_ADDR), img.data, SEG_FILESZ) &&
		     kernel_top == SEG_ADDR + SEG_MEMSZ ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	result(WIFEXITED(status) && !WEXITSTATUS(status),
	       "ELF: a good vmlinux loads at its physical address, entry right");
}

/*
 * Nothing makes e_phoff a multiple of four.  A byte of padding after the
 * ELF header puts the program headers, and the segment, at odd offsets:
 * the image must load all the same, without a misaligned read of a
 * header in place (which the sanitizer this is built with traps on).
 */
static void odd_phoff_elf_loads(void *arg)
{
	struct elf_image img;
	size_t len = sizeof(img) + 1;
	u8 *odd = calloc(1, len);
	struct blob b;

	make_elf(&img);
	img.eh.e_phoff++;
	img.ph[0].p_offset++;
	memcpy(odd, &img.eh, sizeof(img.eh));
	memcpy(odd + sizeof(img.eh) + 1, img.ph, sizeof(img) - sizeof(img.eh));
	fresh_guest();
	b = blob_of(odd, len);
	if (load_elf(&b) != SEG_ADDR + 16 ||
	    memcmp(from_guest_phys(SEG_ADDR), img.data, SEG_FILESZ))
		errx(1, "the segment or the entry point moved");
}

/* The bad ELF cases: a way to spoil the image, and what we should hear. */
struct elf_case {
	const char *desc;
	void (*spoil)(struct elf_image *img, size_t *len);
	const char *msg;
};

static void truncate_header(struct elf_image *img, size_t *len)
{
	*len = 20;
}

static void x86_64_machine(struct elf_image *img, size_t *len)
{
	img->eh.e_machine = EM_X86_64;
}

static void class64(struct elf_image *img, size_t *len)
{
	img->eh.e_ident[EI_CLASS] = ELFCLASS64;
}

static void phdrs_past_end(struct elf_image *img, size_t *len)
{
	img->eh.e_phoff = sizeof(*img) - 8;
}

static void segment_past_end(struct elf_image *img, size_t *len)
{
	*len = offsetof(struct elf_image, data) + 100;
}

static void segment_past_ram(struct elf_image *img, size_t *len)
{
	img->ph[0].p_paddr = (32 << 20) - 4096;
}

static void segment_wraps(struct elf_image *img, size_t *len)
{
	img->ph[0].p_paddr = 0xfffff000;
	img->ph[0].p_memsz = 0x2000;
}

static void not_executable(struct elf_image *img, size_t *len)
{
	img->eh.e_type = ET_REL;
}

static void no_load_segments(struct elf_image *img, size_t *len)
{
	img->ph[0].p_type = PT_NULL;
}

static void entry_outside(struct elf_image *img, size_t *len)
{
	img->eh.e_entry = 0xc1000000;
}

static const struct elf_case elf_cases[] = {
	{ "ELF: truncated header", truncate_header, "truncated ELF header" },
	{ "ELF: x86-64 machine refused", x86_64_machine, "not an i386 kernel" },
	{ "ELF: 64-bit class refused", class64, "not an i386 kernel" },
	{ "ELF: program headers past the end", phdrs_past_end,
	  "truncated: program headers" },
	{ "ELF: segment data past the end of the file", segment_past_end,
	  "truncated: segment 0" },
	{ "ELF: segment beyond Guest RAM", segment_past_ram,
	  "32 MB of memory is too small: segment 0 of" },
	{ "ELF: segment whose end wraps around", segment_wraps, "does not fit" },
	{ "ELF: relocatable object refused", not_executable,
	  "not an executable" },
	{ "ELF: nothing to load", no_load_segments, "no loadable segments" },
	{ "ELF: entry point outside Guest memory", entry_outside,
	  "entry point" },
};

static void load_spoiled_elf(void *arg)
{
	const struct elf_case *c = arg;
	struct elf_image img;
	size_t len = sizeof(img);
	struct blob b;

	make_elf(&img);
	c->spoil(&img, &len);
	fresh_guest();
	b = blob_of(&img, len);
	load_elf(&b);
}

/*
 * A bzImage: one setup sector after the boot sector, the setup header at
 * 0x1f1, then the "protected mode" part holding our payload at offset 64.
 */
struct bz {
	u8 *data;
	size_t len;
};

static size_t gzip_into(const void *src, size_t len, u8 *dst, size_t cap)
{
	z_stream z = { 0 };

	if (deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		errx(1, "deflateInit2");
	z.next_in = (void *)src;
	z.avail_in = len;
	z.next_out = dst;
	z.avail_out = cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		errx(1, "deflate");
	deflateEnd(&z);
	return z.total_out;
}

static struct bz make_bzimage(const void *payload, size_t payload_len,
			      u16 version)
{
	struct setup_header *hdr;
	struct bz bz;
	size_t pm = 2 * 512;

	bz.len = pm + 64 + payload_len;
	bz.data = calloc(1, bz.len);
	hdr = (void *)(bz.data + 0x1f1);
	hdr->setup_sects = 1;
	hdr->boot_flag = 0xAA55;
	memcpy(bz.data + 0x202, "HdrS", 4);
	hdr->version = version;
	hdr->payload_offset = 64;
	hdr->payload_length = payload_len;
	memcpy(bz.data + pm + 64, payload, payload_len);
	return bz;
}

static void write_file(const char *name, const void *data, size_t len)
{
	FILE *f = fopen(name, "w");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		err(1, "%s", name);
}

static char tmpdir[32];

static const char *tmpfile_with(const char *name, const void *data,
				size_t len)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	write_file(path, data, len);
	return path;
}

static void load_file(void *arg)
{
	fresh_guest();
	load_kernel(arg);
}

static void good_bzimage_loads(void)
{
	struct elf_image img;
	u8 gz[65536];
	struct bz bz;
	const char *path;
	pid_t pid;
	int status;

	make_elf(&img);
	bz = make_bzimage(gz, gzip_into(&img, sizeof(img), gz, sizeof(gz)),
			  0x20c);
	path = tmpfile_with("good.bzImage", bz.data, bz.len);
	pid = fork();
	if (pid == 0) {
		fresh_guest();
		exit(load_kernel(path) == SEG_ADDR + 16 &&
		     !memcmp(from_guest_phys(SEG_ADDR), img.data, SEG_FILESZ) ?
		     0 : 1);
	}
	waitpid(pid, &status, 0);
	result(WIFEXITED(status) && !WEXITSTATUS(status),
	       "bzImage: the gzip payload is unpacked and its ELF loaded");
	free(bz.data);
}

static void bad_bzimages(void)
{
	static const struct {
		const char *desc, *payload, *msg;
		size_t len;
	} kinds[] = {
		{ "bzImage: xz payload named", "\xfd\x37\x7a\x58\x5a\x00xxxx",
		  "compressed with xz", 10 },
		{ "bzImage: bzip2 payload named", "BZh91AY&SY", "with bzip2", 10 },
		{ "bzImage: zstd payload named", "\x28\xb5\x2f\xfdxxxx",
		  "with zstd", 8 },
		{ "bzImage: lz4 payload named", "\x02\x21\x4c\x18xxxx",
		  "with lz4", 8 },
		{ "bzImage: corrupt gzip refused", "\x1f\x8b\x08\x00garbage",
		  "corrupt gzip", 11 },
	};
	struct elf_image img;
	u8 gz[65536];
	struct bz bz;
	unsigned int i;
	size_t len;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		bz = make_bzimage(kinds[i].payload, kinds[i].len, 0x20c);
		expect(kinds[i].desc, load_file,
		       (void *)tmpfile_with("bad.bzImage", bz.data, bz.len), 1,
		       kinds[i].msg);
		free(bz.data);
	}

	make_elf(&img);
	len = gzip_into(&img, sizeof(img), gz, sizeof(gz));
	bz = make_bzimage(gz, len, 0x206);
	expect("bzImage: boot protocol before 2.08 refused", load_file,
	       (void *)tmpfile_with("old.bzImage", bz.data, bz.len), 1,
	       "too old");
	free(bz.data);

	bz = make_bzimage(gz, len, 0x20c);
	expect("bzImage: payload past the end of the file", load_file,
	       (void *)tmpfile_with("short.bzImage", bz.data, bz.len - 100),
	       1, "truncated: the payload");
	expect("bzImage: truncated setup header", load_file,
	       (void *)tmpfile_with("tiny.bzImage", bz.data, 0x210), 1,
	       "truncated");
	free(bz.data);

	bz = make_bzimage("\x1f\x8b", 0, 0x20c);
	len = gzip_into("not an elf at all", 17, gz, sizeof(gz));
	free(bz.data);
	bz = make_bzimage(gz, len, 0x20c);
	expect("bzImage: payload that is not an ELF", load_file,
	       (void *)tmpfile_with("notelf.bzImage", bz.data, bz.len), 1,
	       "not an ELF kernel");
	free(bz.data);

	expect("garbage: neither ELF nor bzImage", load_file,
	       (void *)tmpfile_with("garbage", "hello, world\n", 13), 1,
	       "not an ELF vmlinux nor a bzImage");
	expect("garbage: an empty file", load_file,
	       (void *)tmpfile_with("empty", "", 0), 1,
	       "not an ELF vmlinux nor a bzImage");
}

/*
 * Rings.  We build a device with one virtqueue the way the Launcher does,
 * then play the Guest: fill in descriptors and the available ring.
 */
static struct virtqueue *test_vq(void)
{
	struct device *dev;

	fresh_guest();
	dev = new_device("testdev", VIRTIO_ID_CONSOLE);
	add_virtqueue(dev, NULL);
	return dev->vq;
}

static void set_desc(struct virtqueue *vq, unsigned int i, u64 addr, u32 len,
		     u16 flags, u16 next)
{
	vq->vring.desc[i].addr = addr;
	vq->vring.desc[i].len = len;
	vq->vring.desc[i].flags = flags;
	vq->vring.desc[i].next = next;
}

static void offer(struct virtqueue *vq, u16 head)
{
	vq->vring.avail->ring[vq->vring.avail->idx % vq->vring.num] = head;
	vq->vring.avail->idx++;
}

static void walk(struct virtqueue *vq)
{
	struct iovec iov[VIRTQUEUE_NUM];
	unsigned int out, in;

	get_vq_desc(vq, iov, &out, &in);
}

static void ring_loop(void *arg)
{
	struct virtqueue *vq = test_vq();

	set_desc(vq, 0, 0x1000, 16, VRING_DESC_F_NEXT, 1);
	set_desc(vq, 1, 0x2000, 16, VRING_DESC_F_NEXT, 0);
	offer(vq, 0);
	walk(vq);
}

static void ring_bad_next(void *arg)
{
	struct virtqueue *vq = test_vq();

	set_desc(vq, 0, 0x1000, 16, VRING_DESC_F_NEXT, 300);
	offer(vq, 0);
	walk(vq);
}

static void ring_out_after_in(void *arg)
{
	struct virtqueue *vq = test_vq();

	set_desc(vq, 0, 0x1000, 16, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
	set_desc(vq, 1, 0x2000, 16, 0, 0);
	offer(vq, 0);
	walk(vq);
}

static void ring_index_jump(void *arg)
{
	struct virtqueue *vq = test_vq();

	set_desc(vq, 0, 0x1000, 16, 0, 0);
	vq->vring.avail->idx = VIRTQUEUE_NUM + 1;
	walk(vq);
}

static void ring_bad_head(void *arg)
{
	struct virtqueue *vq = test_vq();

	offer(vq, 999);
	walk(vq);
}

static void ring_outside_memory(void *arg)
{
	struct virtqueue *vq = test_vq();

	set_desc(vq, 0, guest_max + 4096, 16, 0, 0);
	offer(vq, 0);
	walk(vq);
}

static void ring_length_wraps(void *arg)
{
	struct virtqueue *vq = test_vq();

	set_desc(vq, 0, 0x1000, 0xfffff000, 0, 0);
	offer(vq, 0);
	walk(vq);
}

static void ring_64bit_address(void *arg)
{
	struct virtqueue *vq = test_vq();

	set_desc(vq, 0, 0x100001000ULL, 16, 0, 0);
	offer(vq, 0);
	walk(vq);
}

static void ring_indirect(void *arg)
{
	struct virtqueue *vq = test_vq();

	set_desc(vq, 0, 0x1000, 16, VRING_DESC_F_INDIRECT, 0);
	offer(vq, 0);
	walk(vq);
}

/*
 * Pieces may overlap: 128 of them, each the whole of a 32 MB Guest, add
 * up to 4 GB, which is 0 in a 32-bit size_t.
 */
static void ring_4_gb_chain(void *arg)
{
	struct virtqueue *vq = test_vq();
	unsigned int i;

	for (i = 0; i < 128; i++)
		set_desc(vq, i, 0, guest_limit, VRING_DESC_F_NEXT, i + 1);
	vq->vring.desc[127].flags = 0;
	offer(vq, 0);
	walk(vq);
}

static void good_rings(void)
{
	struct iovec iov[VIRTQUEUE_NUM];
	struct virtqueue *vq;
	unsigned int head, out, in;
	bool ok;
	pid_t pid;
	int status;

	pid = fork();
	if (pid == 0) {
		vq = test_vq();
		ok = get_vq_desc(vq, iov, &out, &in) == vq->vring.num;
		set_desc(vq, 5, 0x3000, 100, VRING_DESC_F_NEXT, 9);
		set_desc(vq, 9, 0x4000, 200, VRING_DESC_F_NEXT, 2);
		set_desc(vq, 2, 0x5000, 1, VRING_DESC_F_WRITE, 0);
		offer(vq, 5);
		head = get_vq_desc(vq, iov, &out, &in);
		ok = ok && head == 5 && out == 2 && in == 1 &&
			iov[0].iov_base == from_guest_phys(0x3000) &&
			iov[0].iov_len == 100 && iov[1].iov_len == 200 &&
			iov[2].iov_base == from_guest_phys(0x5000);
		add_used(vq, head, 1);
		ok = ok && vq->vring.used->idx == 1 &&
			vq->vring.used->ring[0].id == 5 &&
			vq->vring.used->ring[0].len == 1 && !vq->inflight;
		exit(ok ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	result(WIFEXITED(status) && !WEXITSTATUS(status),
	       "ring: an empty ring, then a 2-out 1-in chain walks right");
}

static void rings(void)
{
	good_rings();
	expect("ring: a looping chain is refused", ring_loop, NULL, 1,
	       "testdev: descriptor chain from 0 loops");
	expect("ring: a next past the ring is refused", ring_bad_next, NULL, 1,
	       "points to 300, past the ring");
	expect("ring: output after input is refused", ring_out_after_in, NULL,
	       1, "output after input");
	expect("ring: an available index jump is refused", ring_index_jump,
	       NULL, 1, "available index jumped");
	expect("ring: a head past the ring is refused", ring_bad_head, NULL, 1,
	       "buffer head 999");
	expect("ring: a buffer outside Guest memory is refused",
	       ring_outside_memory, NULL, 1, "outside Guest memory");
	expect("ring: a length that wraps the address space is refused",
	       ring_length_wraps, NULL, 1, "outside Guest memory");
	expect("ring: an address above 4 GB is refused", ring_64bit_address,
	       NULL, 1, "out of range");
	expect("ring: indirect descriptors (not offered) are refused",
	       ring_indirect, NULL, 1, "indirect");
	expect("ring: a chain whose lengths add up to 4 GB is refused",
	       ring_4_gb_chain, NULL, 1,
	       "testdev: descriptor chain from 0 is longer than Guest memory");
}

/*
 * The device page: the bytes must sit exactly where
 * include/uapi/linux/lguest_launcher.h (and so the Guest) expects them.
 */
static void device_page_layout(void)
{
	const u8 mac[6] = { 1, 2, 3, 4, 5, 6 };
	struct lguest_vqconfig vqc;
	struct device *dev;
	const u8 *p;
	bool ok;
	pid_t pid;
	int status;

	pid = fork();
	if (pid == 0) {
		fresh_guest();
		dev = new_device("net", VIRTIO_ID_NET);
		add_virtqueue(dev, NULL);
		add_virtqueue(dev, NULL);
		add_feature(dev, VIRTIO_NET_F_MAC);
		add_feature(dev, 9);
		set_config(dev, mac, sizeof(mac));
		new_device("rng", VIRTIO_ID_RNG);

		p = devices.page;
		ok = (void *)dev->desc == (void *)p && p[0] == VIRTIO_ID_NET &&
			p[1] == 2 && p[2] == 2 && p[3] == 6 && p[4] == 0;
		memcpy(&vqc, p + 5 + sizeof(vqc), sizeof(vqc));
		ok = ok && vqc.num == VIRTQUEUE_NUM && vqc.irq == 2 &&
			(unsigned long)vqc.pfn * PAGE_SIZE ==
			(unsigned long)dev->vq->next->config.pfn * PAGE_SIZE &&
			vqc.pfn * PAGE_SIZE > guest_limit;
		p += 5 + 2 * sizeof(vqc);
		/* Offered: bits 5 and 9; accepted: none yet. */
		ok = ok && p[0] == (1 << VIRTIO_NET_F_MAC) && p[1] == 2 &&
			p[2] == 0 && p[3] == 0 && !memcmp(p + 4, mac, 6);
		p += 4 + 6;
		ok = ok && p[0] == VIRTIO_ID_RNG && p[1] == 0 &&
			p + 5 == devices.page + devices.used &&
			devices.page[devices.used] == 0;
		ok = ok && to_guest_phys(devices.page) == guest_limit;
		exit(ok ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	result(WIFEXITED(status) && !WEXITSTATUS(status),
	       "device page: header, vqconfigs, both bitmaps, config, next entry, end");
}

static void accepted_features(void)
{
	struct device *dev;
	bool ok;
	pid_t pid;
	int status;

	pid = fork();
	if (pid == 0) {
		fresh_guest();
		dev = new_device("blk", VIRTIO_ID_BLOCK);
		add_virtqueue(dev, NULL);
		add_feature(dev, VIRTIO_F_NOTIFY_ON_EMPTY);
		ok = !guest_accepted(dev, VIRTIO_F_NOTIFY_ON_EMPTY);
		feature_bits(dev)[dev->desc->feature_len +
				  VIRTIO_F_NOTIFY_ON_EMPTY / 8] |=
			1 << (VIRTIO_F_NOTIFY_ON_EMPTY % 8);
		ok = ok && guest_accepted(dev, VIRTIO_F_NOTIFY_ON_EMPTY) &&
			!guest_accepted(dev, 200);
		exit(ok ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	result(WIFEXITED(status) && !WEXITSTATUS(status),
	       "device page: the Guest's accepted bits are read from the second bitmap");
}

/*
 * The device page is the Guest's to write.  A Guest that rewrites its
 * entry's num_vq and feature_len must not move where we look for the
 * accepted bits, nor make a reset wipe past the entry.
 */
static void guest_rewrites_entry(void *arg)
{
	struct device *dev, *next;
	bool ok;

	fresh_guest();
	dev = new_device("blk", VIRTIO_ID_BLOCK);
	add_virtqueue(dev, NULL);
	add_feature(dev, VIRTIO_F_NOTIFY_ON_EMPTY);
	next = new_device("rng", VIRTIO_ID_RNG);
	feature_bits(dev)[dev->feature_len + VIRTIO_F_NOTIFY_ON_EMPTY / 8] =
		1 << (VIRTIO_F_NOTIFY_ON_EMPTY % 8);
	dev->desc->num_vq = 200;
	dev->desc->feature_len = 255;
	ok = guest_accepted(dev, VIRTIO_F_NOTIFY_ON_EMPTY);
	dev->desc->status = 0;
	status_changed(dev);
	ok = ok && !guest_accepted(dev, VIRTIO_F_NOTIFY_ON_EMPTY) &&
		next->desc->type == VIRTIO_ID_RNG;
	exit(ok ? 0 : 1);
}

/*
 * An initrd that leaves room for the page directory but not for the page
 * tables below it: they would land below Guest memory.
 */
static void tables_below_memory(void *arg)
{
	fresh_guest();
	setup_pagetables(guest_limit - 2 * PAGE_SIZE, 0);
}

/*
 * The Launcher's first page tables, walked as the Host walks them, in
 * the Host's format (arg: its levels): every page maps to itself, and a
 * PAE pointer entry says nothing but "present".
 */
static u64 table_entry(unsigned long table, unsigned long i, unsigned int size)
{
	void *t = from_guest_phys(table);

	return size == 8 ? ((u64 *)t)[i] : ((u32 *)t)[i];
}

static unsigned long walk_tables(unsigned long pgdir, unsigned long addr,
				 bool *bad)
{
	unsigned int size = host_levels == 3 ? 8 : 4;
	u64 e;

	if (host_levels == 3) {
		e = table_entry(pgdir, addr >> 30, size);
		*bad |= (e & 0xFFF) != PDPT_PRESENT;
		e = table_entry(e & ~0xFFFULL, (addr >> 21) & 511, size);
		e = table_entry(e & ~0xFFFULL, (addr >> 12) & 511, size);
	} else {
		e = table_entry(pgdir, addr >> 22, size);
		e = table_entry(e & ~0xFFFULL, (addr >> 12) & 1023, size);
	}
	*bad |= (e & 0xFFF) != PAGE_PRESENT;
	return (e & ~0xFFFULL) | (addr & 0xFFF);
}

static void tables_map_linearly(void *arg)
{
	unsigned long addrs[] = { 0, 0x1234, 0x3FF000, 0x400000, 0x1654321,
				  (32 << 20) - 1 };
	unsigned long pgdir, i;
	bool bad = false;

	host_levels = (unsigned long)arg;
	fresh_guest();
	pgdir = setup_pagetables(PAGE_SIZE, PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(addrs); i++)
		if (walk_tables(pgdir, addrs[i], &bad) != addrs[i]) {
			fprintf(stderr, "%#lx maps to %#lx\n", addrs[i],
				walk_tables(pgdir, addrs[i], &bad));
			bad = true;
		}
	exit(bad ? 1 : 0);
}

static void overflow_page(void *arg)
{
	u8 conf[200] = { 0 };

	fresh_guest();
	for (;;)
		set_config(new_device("big", VIRTIO_ID_BLOCK), conf,
			   sizeof(conf));
}

static void status_for_no_device(void *arg)
{
	fresh_guest();
	new_device("rng", VIRTIO_ID_RNG);
	handle_notify(to_guest_phys(devices.page) + 2);
}

static void notify_outside(void *arg)
{
	fresh_guest();
	handle_notify(guest_max + PAGE_SIZE);
}

/*
 * Three ^C, each alone in a buffer whose first piece is empty and sits at
 * the very end of Guest memory.  The key lands in the second piece, and
 * that is where we must look for it: the Launcher ends, with status 2.
 * The spare pages above Guest memory are out of reach here, so a look at
 * the empty piece's first byte would fault instead of reading a zero.
 */
static void ctrl_c_after_empty_piece(void *arg)
{
	struct virtqueue *vq;
	struct device *dev;
	unsigned int i;
	int keys[2];

	fresh_guest();
	if (pipe(keys) != 0 || dup2(keys[0], STDIN_FILENO) < 0)
		err(1, "the keyboard's pipe");
	lguest_fd = open("/dev/null", O_WRONLY);
	setup_console();
	dev = devices.last;
	vq = dev->vq;
	if (mprotect(from_guest_phys(guest_max), guest_mapped - guest_max,
		     PROT_NONE) != 0)
		err(1, "guarding the spare pages");
	for (i = 0; i < 3; i++) {
		set_desc(vq, 2 * i, guest_max, 0,
			 VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 2 * i + 1);
		set_desc(vq, 2 * i + 1, 0x2000, 64, VRING_DESC_F_WRITE, 0);
		offer(vq, 2 * i);
		if (write(keys[1], "\3", 1) != 1)
			err(1, "typing ^C");
		handle_console_input(dev);
	}
}

/*
 * A block request to write one sector just past the end of an 8 KB disk:
 * the Guest is stopped, and the file must not have grown.
 */
static const char *blk_file;

/* One request of TYPE at SECTOR to a disk we were told is DISK_LEN long. */
static void one_block_request(u32 type, u64 sector, u64 disk_len)
{
	struct vblk_info vblk = { .len = disk_len };
	struct virtio_blk_outhdr hdr = { .type = type, .sector = sector };
	struct device dev = { .name = "block vda", .priv = &vblk };
	struct virtqueue vq = { .dev = &dev };
	char data[512] = { 0 };
	u8 status = 0xFF;
	struct iovec iov[3] = {
		{ &hdr, sizeof(hdr) }, { data, sizeof(data) },
		{ &status, 1 },
	};
	unsigned int out = type == VIRTIO_BLK_T_OUT ? 2 : 1;

	vblk.fd = open(blk_file, O_RDWR);
	if (vblk.fd < 0)
		err(1, "%s", blk_file);
	blk_request(&vq, iov, out, 3 - out);
}

static void write_past_end(void *arg)
{
	one_block_request(VIRTIO_BLK_T_OUT, 16, 8192);
}

/* The same disk, after someone cut the file to half its size. */
static void read_shrunk_disk(void *arg)
{
	one_block_request(VIRTIO_BLK_T_IN, 0, 16384);
}

/* A sector whose byte offset does not fit in 64 bits, signed or not. */
static void read_huge_sector(void *arg)
{
	one_block_request(VIRTIO_BLK_T_IN, 1ULL << 63, 8192);
}

static void write_huge_sector(void *arg)
{
	one_block_request(VIRTIO_BLK_T_OUT, 1ULL << 63, 8192);
}

/*
 * A write whose 128 pieces are each the whole of a 32 MB Guest: 4 GB,
 * which is 0 in a 32-bit size_t, so a length check that added them up
 * would wave it through and pwritev() would grow the disk by 2 GB.  It
 * goes the whole way, through the ring, the queue's thread and a worker;
 * should it get past us, the file size limit keeps the damage to a
 * megabyte, and the alarm ends the wait.
 */
static void write_4_gb(void *arg)
{
	struct rlimit fsize = { 1 << 20, 1 << 20 };
	struct virtio_blk_outhdr *hdr;
	struct virtqueue *vq;
	unsigned int i;

	fresh_guest();
	setup_block_file(blk_file);
	vq = devices.last->vq;
	lguest_fd = open("/dev/null", O_WRONLY);
	hdr = from_guest_phys(PAGE_SIZE);
	hdr->type = VIRTIO_BLK_T_OUT;
	set_desc(vq, 0, PAGE_SIZE, sizeof(*hdr), VRING_DESC_F_NEXT, 1);
	for (i = 1; i <= 128; i++)
		set_desc(vq, i, 0, guest_limit, VRING_DESC_F_NEXT, i + 1);
	set_desc(vq, 129, 2 * PAGE_SIZE, 1, VRING_DESC_F_WRITE, 0);
	offer(vq, 0);
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &fsize) != 0)
		err(1, "setrlimit");
	kick_queue_thread(vq);
	alarm(10);
	devices.last->ready(devices.last);
	for (;;)
		pause();
}

/*
 * A Guest may kick its disk before its driver says it is ready, while no
 * thread reads the eventfd yet.  Its 100000th kick must not find it full
 * and stop us for good (a pipe, as it was once, filled at 65536).
 */
static void kicks_before_ready(void *arg)
{
	unsigned int i;

	fresh_guest();
	setup_block_file(blk_file);
	alarm(10);
	for (i = 0; i < 100000; i++)
		kick_queue_thread(devices.last->vq);
}

static void block_writes_stay_inside(void)
{
	static const char zeros[8192];
	struct stat st;

	blk_file = tmpfile_with("disk.img", zeros, sizeof(zeros));
	expect("block: a write past the end of the disk stops the Guest",
	       write_past_end, NULL, 1, "past the end of the disk");
	result(stat(blk_file, &st) == 0 && st.st_size == sizeof(zeros),
	       "block: and the disk file keeps its size");
	expect("block: a disk file that shrank under the Guest stops it",
	       read_shrunk_disk, NULL, 1,
	       "block vda: the disk file shrank from 16384 to 8192 bytes");
	expect("block: a read at a sector whose offset overflows stops the Guest",
	       read_huge_sector, NULL, 1,
	       "block vda: read of 512 bytes at sector 9223372036854775808 is past the end of the disk");
	expect("block: so does a write there",
	       write_huge_sector, NULL, 1,
	       "block vda: write of 512 bytes at sector 9223372036854775808 is past the end of the disk");
	expect("block: a write of 4 GB of pieces stops the Guest", write_4_gb,
	       NULL, 1,
	       "block vda: descriptor chain from 0 is longer than Guest memory");
	result(stat(blk_file, &st) == 0 && st.st_size == sizeof(zeros),
	       "block: and that disk file keeps its size too");
	expect("block: kicks before the driver is ready never block us",
	       kicks_before_ready, NULL, 0, NULL);
}

/*
 * The jail (L:380, L:390).  Each case is a child that locks itself up the
 * way the Launcher does, as nobody in a directory of ours, and then tries
 * what a Guest that took over the Launcher would try.  Changing root and
 * user needs root, so without it these are skipped.
 */
static char jail_root[64], outside_file[64];

static void lock_up(bool filter)
{
	jail_dir(jail_root);
	jail_user("nobody");
	jail.no_filter = !filter;
	enter_jail();
	if (filter)
		install_syscall_filter();
}

/*
 * The file outside must be out of sight, not merely forbidden; a file
 * inside that only root may read must stay closed; and we must be nobody
 * with nobody's group and no other.
 */
static void jail_walls(void *arg)
{
	uid_t uid;
	gid_t gid;

	lock_up(false);
	uid = jail.uid;
	gid = jail.gid;
	if (open(outside_file, O_RDONLY) >= 0 || errno != ENOENT)
		err(1, "%s from inside the jail", outside_file);
	if (open("/root-only", O_RDONLY) >= 0 || errno != EACCES)
		err(1, "/root-only inside the jail");
	if (getuid() != uid || geteuid() != uid || getgid() != gid ||
	    getegid() != gid || getgroups(0, NULL) != 0 || !uid)
		errx(1, "uid %u gid %u and %d groups, wanted %u %u and none",
		     getuid(), getgid(), getgroups(0, NULL), uid, gid);
}

/* What the filter must stop, each after lock_up(true). */
static void try_open(void)
{
	open("/", O_RDONLY);
}

static void try_socket(void)
{
	socket(AF_INET, SOCK_DGRAM, 0);
}

static void try_exec(void)
{
	execl("/lguest", "lguest", NULL);
}

static void try_fork(void)
{
	fork();
}

static void try_exec_memory(void)
{
	mmap(NULL, PAGE_SIZE, PROT_READ | PROT_EXEC,
	     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void try_exec_protect(void)
{
	mprotect(guest_base, PAGE_SIZE, PROT_READ | PROT_EXEC);
}

static void try_other_ioctl(void)
{
	int n;

	ioctl(STDIN_FILENO, FIONREAD, &n);
}

/*
 * A 32-bit process on a 64-bit kernel can far-jump into the 64-bit code
 * segment and make x86-64 system calls, whose numbers mean other things:
 * here 3, close() to x86-64 and read() to i386, which the filter allows.
 * Only the filter's check of the architecture stands in the way.
 */
static void try_x86_64_call(void)
{
	long ret;

	asm volatile("movl $2f, %%edx\n\t"
		     "ljmp $0x33, $1f\n"
		     ".code64\n"
		     "1:\tmovl %%esp, %%esp\n\t"
		     "movl %%eax, %%eax\n\t"
		     "movl %%edi, %%edi\n\t"
		     "movl %%edx, %%edx\n\t"
		     "syscall\n\t"
		     "pushq $0x23\n\t"
		     "pushq %%rdx\n\t"
		     "lretq\n"
		     ".code32\n"
		     "2:"
		     : "=a" (ret) : "a" (3), "D" (-1) : "ecx", "edx", "memory");
}

static const struct {
	const char *desc;
	void (*try)(void);
	bool needs_x86_64;
} forbidden[] = {
	{ "jail: the filter kills for open()", try_open },
	{ "jail: the filter kills for socket()", try_socket },
	{ "jail: the filter kills for execve()", try_exec },
	{ "jail: the filter kills for fork()", try_fork },
	{ "jail: the filter kills for executable memory", try_exec_memory },
	{ "jail: the filter kills for mprotect() to executable",
	  try_exec_protect },
	{ "jail: the filter kills for an ioctl() not on the terminal list",
	  try_other_ioctl },
	{ "jail: the filter kills for an x86-64 call numbered like an allowed one",
	  try_x86_64_call, true },
};

static void try_forbidden(void *arg)
{
	unsigned int i = (uintptr_t)arg;

	fresh_guest();
	lock_up(true);
	forbidden[i].try();
}

/* Run fn(arg) in a child, which must die of signal sig. */
static void expect_signal(const char *desc, void (*fn)(void *), void *arg,
			  int sig)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		fn(arg);
		exit(0);
	}
	waitpid(pid, &status, 0);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != sig)
		printf("# expected signal %d, got %s %d\n", sig,
		       WIFEXITED(status) ? "status" : "signal",
		       WIFEXITED(status) ? WEXITSTATUS(status) :
		       WTERMSIG(status));
	result(WIFSIGNALED(status) && WTERMSIG(status) == sig, desc);
}

/*
 * What the Launcher does once the Guest runs, under the filter: the block
 * device's thread starts and serves a write, a read and a flush, raising
 * its interrupt each time; the run loop looks for input and clears a
 * break; the terminal is read and set; malloc() takes a large block.
 * Our stand-in for /dev/lguest is a file.
 */
static const char *blk_path, *lguest_path;

/* Request n: its header, 512 bytes of data and its status, page n at 1 MB. */
static u8 *blk_offer(struct virtqueue *vq, unsigned int n, u32 type)
{
	u8 *page = from_guest_phys((1 << 20) + n * PAGE_SIZE);
	struct virtio_blk_outhdr *hdr = (void *)page;
	u16 dir = type == VIRTIO_BLK_T_IN ? VRING_DESC_F_WRITE : 0;

	hdr->type = type;
	hdr->sector = 1;
	set_desc(vq, 3 * n, to_guest_phys(hdr), sizeof(*hdr),
		 VRING_DESC_F_NEXT, 3 * n + 1);
	set_desc(vq, 3 * n + 1, to_guest_phys(page + 512), 512,
		 VRING_DESC_F_NEXT | dir, 3 * n + 2);
	set_desc(vq, 3 * n + 2, to_guest_phys(page + 1024), 1,
		 VRING_DESC_F_WRITE, 0);
	offer(vq, 3 * n);
	return page;
}

/*
 * A reset while a disk's worker has a request out (L:362, L:410): the
 * wipe must wait for it to come back, and meanwhile no worker may take
 * another.  Our stand-in worker holds request 0 for 200 ms, tries to take
 * request 1, and gives request 0 back.
 */
static void *slow_worker(void *arg)
{
	struct virtqueue *vq = arg;
	struct iovec iov[VIRTQUEUE_NUM];
	unsigned int out, in;

	usleep(200000);
	pthread_mutex_lock(&vq->dev->ring_lock);
	if (get_vq_desc(vq, iov, &out, &in) != vq->vring.num)
		errx(1, "a worker took a request while a reset waited");
	add_used(vq, 0, 1);
	pthread_mutex_unlock(&vq->dev->ring_lock);
	return NULL;
}

static void reset_waits_for_workers(void *arg)
{
	struct iovec iov[VIRTQUEUE_NUM];
	struct timespec start, end;
	struct virtqueue *vq;
	unsigned int out, in;
	pthread_t worker;
	long ms;

	fresh_guest();
	setup_block_file(blk_file);
	vq = devices.last->vq;
	lguest_fd = open("/dev/null", O_WRONLY);
	blk_offer(vq, 0, VIRTIO_BLK_T_IN);
	blk_offer(vq, 1, VIRTIO_BLK_T_IN);
	vq->workers = 1;
	if (get_vq_desc(vq, iov, &out, &in) != 0)
		errx(1, "request 0 was not there to take");
	if (pthread_create(&worker, NULL, slow_worker, vq))
		errx(1, "pthread_create");
	clock_gettime(CLOCK_MONOTONIC, &start);
	reset_rings(devices.last);
	clock_gettime(CLOCK_MONOTONIC, &end);
	pthread_join(worker, NULL);
	ms = (end.tv_sec - start.tv_sec) * 1000 +
		(end.tv_nsec - start.tv_nsec) / 1000000;
	if (ms < 150)
		errx(1, "the reset was done %ld ms later, before the request came back",
		     ms);
	if (vq->vring.used->idx || vq->vring.avail->idx || vq->inflight ||
	    vq->paused)
		errx(1, "the rings were not wiped after the request came back");
}

/*
 * And a storm of them, with the real workers: each round offers eight
 * reads and writes, kicks, and resets at once or a little later.  Once a
 * reset has returned, nothing may touch the wiped ring: a worker that
 * gave a request back late would show in the used index before the next
 * round offers anything.
 */
static void reset_storm(void *arg)
{
	struct device *dev;
	struct virtqueue *vq;
	unsigned int round, n;

	fresh_guest();
	setup_block_file(blk_file);
	dev = devices.last;
	vq = dev->vq;
	lguest_fd = open("/dev/null", O_WRONLY);
	dev->ready(dev);
	alarm(60);
	for (round = 0; round < 2000; round++) {
		for (n = 0; n < 8; n++)
			blk_offer(vq, n, n % 2 ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN);
		kick_queue_thread(vq);
		usleep(round % 5 * 20);
		reset_rings(dev);
		usleep(50);
		if (vq->vring.used->idx || vq->vring.avail->idx)
			errx(1, "round %u: the ring changed after its reset (used %u)",
			     round, vq->vring.used->idx);
	}
}

static void jailed_run_loop(void *arg)
{
	struct timespec start, now;
	struct termios term;
	struct device *dev;
	u8 *wr, *rd, *fl;
	void *big;

	fresh_guest();
	setup_block_file(blk_path);
	dev = devices.last;
	lguest_fd = open(lguest_path, O_RDWR);
	if (lguest_fd < 0)
		err(1, "%s", lguest_path);
	lock_up(true);

	big = malloc(1 << 20);
	free(big);
	wr = blk_offer(dev->vq, 0, VIRTIO_BLK_T_OUT);
	rd = blk_offer(dev->vq, 1, VIRTIO_BLK_T_IN);
	fl = blk_offer(dev->vq, 2, VIRTIO_BLK_T_FLUSH);
	memset(wr + 512, 0x5a, 512);
	dev->ready(dev);
	kick_queue_thread(dev->vq);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (__atomic_load_n(&dev->vq->vring.used->idx, __ATOMIC_ACQUIRE) != 3) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > start.tv_sec + 10)
			errx(1, "the I/O thread served %u of 3 requests",
			     dev->vq->vring.used->idx);
	}
	if (wr[1024] || rd[1024] || fl[1024] || memcmp(wr + 512, rd + 512, 512))
		errx(1, "status %u %u %u, or the read differs from the write",
		     wr[1024], rd[1024], fl[1024]);
	service_input();
	if (tcgetattr(STDIN_FILENO, &term) == 0)
		tcsetattr(STDIN_FILENO, TCSANOW, &term);
}

/* A jailed Launcher still dies of SIGTERM, putting the terminal back. */
static void jailed_terminated(void *arg)
{
	fresh_guest();
	lock_up(true);
	term_saved = true;
	signal(SIGTERM, die_on_signal);
	raise(SIGTERM);
}

/*
 * The Waker, born in a jail, puts on its filter itself; under it, it
 * wakes on input with a break, and leaves when its pipe closes.  The jail
 * here has no chroot, so that we can see the Waker's /proc entry.
 */
static void jailed_waker(void *arg)
{
	char path[64], line[128];
	int in[2], status;
	bool seen = false;
	struct stat st;
	FILE *f;
	int i;

	fresh_guest();
	if (pipe(in) != 0 || write(in[1], "x", 1) != 1)
		err(1, "input pipe");
	watch_fd(in[0], true);
	lguest_fd = open(lguest_path, O_RDWR | O_TRUNC);
	if (lguest_fd < 0)
		err(1, "%s", lguest_path);
	jail_user("nobody");
	enter_jail();
	start_waker();
	for (i = 0; i < 1000 && fstat(lguest_fd, &st) == 0 && !st.st_size; i++)
		usleep(10000);
	if (!st.st_size)
		errx(1, "the Waker never wrote its break");
	snprintf(path, sizeof(path), "/proc/%d/status", waker_pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		seen |= !strcmp(line, "Seccomp:\t2\n");
	if (!seen)
		errx(1, "the Waker runs without its filter");
	close(waker_fd);
	waitpid(waker_pid, &status, 0);
	waker_pid = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		errx(1, "the Waker ended with %s %d",
		     WIFEXITED(status) ? "status" : "signal",
		     WIFEXITED(status) ? WEXITSTATUS(status) :
		     WTERMSIG(status));
}

static void jailed_reboot(void *arg)
{
	main_args = (char *[]){ "lguest", NULL };
	lock_up(true);
	restart_guest();
}

static bool on_x86_64_kernel(void)
{
	struct utsname u;

	return uname(&u) == 0 && !strcmp(u.machine, "x86_64");
}

static void skip(const char *desc, const char *why)
{
	tests++;
	printf("ok %u - %s # SKIP %s\n", tests, desc, why);
}

static void jail_tests(void)
{
	static const char zeros[8192];
	unsigned int i;

	if (getuid() != 0 || system("grep -q ^nobody: /etc/passwd") != 0) {
		skip("jail", "needs root and a user nobody");
		return;
	}
	snprintf(jail_root, sizeof(jail_root), "%s/jail", tmpdir);
	snprintf(outside_file, sizeof(outside_file), "%s/outside", tmpdir);
	write_file(outside_file, "secret", 6);
	chmod(outside_file, 0644);
	if (mkdir(jail_root, 0755) != 0)
		err(1, "%s", jail_root);
	chmod(tmpfile_with("jail/root-only", "secret", 6), 0600);
	blk_path = strdup(tmpfile_with("disk.img", zeros, sizeof(zeros)));
	lguest_path = strdup(tmpfile_with("dev-lguest", "", 0));
	chmod(lguest_path, 0666);

	expect("jail: nothing outside the root is in sight, we are nobody in no groups",
	       jail_walls, NULL, 0, NULL);
	for (i = 0; i < ARRAY_SIZE(forbidden); i++) {
		if (forbidden[i].needs_x86_64 && !on_x86_64_kernel())
			skip(forbidden[i].desc, "not on an x86-64 kernel");
		else
			expect_signal(forbidden[i].desc, try_forbidden,
				      (void *)(uintptr_t)i, SIGSYS);
	}
	expect("jail: under the filter, block I/O on its thread, the run loop and the terminal work",
	       jailed_run_loop, NULL, 0, NULL);
	expect_signal("jail: under the filter, SIGTERM still ends the Launcher",
		      jailed_terminated, NULL, SIGTERM);
	expect("jail: the Waker filters itself, wakes on input and leaves with its pipe",
	       jailed_waker, NULL, 0, NULL);
	expect("jail: a reboot ends a jailed Launcher with status 3",
	       jailed_reboot, NULL, 3, "cannot start it again");
}

int main(void)
{
	char cmd[64];
	unsigned int i;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/lguest-test-XXXXXX");
	if (!mkdtemp(tmpdir))
		err(1, "mkdtemp");

	good_elf_loads();
	for (i = 0; i < ARRAY_SIZE(elf_cases); i++)
		expect(elf_cases[i].desc, load_spoiled_elf,
		       (void *)&elf_cases[i], 1, elf_cases[i].msg);
	expect("ELF: program headers at an odd offset load", odd_phoff_elf_loads,
	       NULL, 0, NULL);
	good_bzimage_loads();
	bad_bzimages();
	rings();
	device_page_layout();
	accepted_features();
	expect("device page: a Guest rewriting num_vq and feature_len moves nothing we read",
	       guest_rewrites_entry, NULL, 0, NULL);
	expect("page tables that would fall below Guest memory are refused",
	       tables_below_memory, NULL, 1, "is too small");
	expect("page tables: two-level, every page maps to itself",
	       tables_map_linearly, (void *)2UL, 0, NULL);
	expect("page tables: PAE, every page maps to itself, pointer entries only present",
	       tables_map_linearly, (void *)3UL, 0, NULL);
	expect("device page: entries that overrun the page are refused",
	       overflow_page, NULL, 1, "too many devices for the device page");
	expect("notify: a status change for no device stops the Guest",
	       status_for_no_device, NULL, 1, "status change for no device");
	expect("notify: an address beyond Guest memory stops the Guest",
	       notify_outside, NULL, 1, "not a device nor Guest memory");
	expect("console: three ^C, each after an empty piece at the end of memory, end the Launcher",
	       ctrl_c_after_empty_piece, NULL, 2, NULL);
	block_writes_stay_inside();
	expect("block: a reset waits for the workers' requests and lets them take no more",
	       reset_waits_for_workers, NULL, 0, NULL);
	expect("block: 2000 resets among the workers' requests leave nothing behind",
	       reset_storm, NULL, 0, NULL);
	jail_tests();

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		printf("# could not clean %s\n", tmpdir);
	printf("# %u tests, %u failed\n", tests, failures);
	return failures ? 1 : 0;
}
