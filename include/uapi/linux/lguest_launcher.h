/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _UAPI_LINUX_LGUEST_LAUNCHER_H
#define _UAPI_LINUX_LGUEST_LAUNCHER_H

#include <linux/types.h>

/*D:010
 * The Guest of part G runs, but it cannot yet read a disk, reach a
 * network or keep a console past its early printk.  It has no real
 * hardware: nothing it could wreck, nothing it could lean on.  It gets a
 * handful of virtio devices instead, described to it in the page the
 * Launcher puts just above the top of Guest RAM.  This part, still
 * inside the Guest, is the bus driver (drivers/lguest/lguest_device.c)
 * that finds them there and hands them to the kernel's own virtio
 * drivers.  First the page's format, which the Launcher writes too.
 *
 * That page is a packed run of variable-length entries.  Each starts with
 * this small header, then come num_vq "struct lguest_vqconfig" (D:015),
 * then two feature bitmaps of feature_len bytes (what the Launcher
 * offers, then what the Guest accepted), then config_len bytes of device
 * configuration.  An entry whose type is 0 marks the end.
:*/
struct lguest_device_desc {
	/* The virtio device ID: 1 is a network card, 2 a disk, 3 a console. */
	__u8 type;
	/* How many virtqueues follow this header. */
	__u8 num_vq;
	/* Bytes in each of the two feature bitmaps. */
	__u8 feature_len;
	/* Bytes of device-specific configuration after the bitmaps. */
	__u8 config_len;
	/* VIRTIO_CONFIG_S_* as the Guest writes them; 0 means reset. */
	__u8 status;
	__u8 config[];
};

/*D:015
 * One of these per virtqueue: how many descriptors the ring holds, which
 * interrupt the Launcher raises when it has used some, and the page frame
 * where the Launcher laid the ring out (aligned to LGUEST_VRING_ALIGN).
:*/
struct lguest_vqconfig {
	__u16 num;
	__u16 irq;
	__u32 pfn;
};

/*
 * A Guest that asks to be powered off is not a Guest that failed: the
 * reason the Host gives for its death then starts with this, and the
 * Launcher exits quietly with status 0.
 */
#define LGUEST_POWEROFF_PREFIX	"poweroff: "

/* Rings live at page-aligned addresses. */
#define LGUEST_VRING_ALIGN	4096

/*
 * The Guest has this many interrupt lines: LHREQ_IRQ (L:010) takes 0 up
 * to one less.  Line 0 is the Guest's timer; the Launcher gives each virtqueue
 * one of the rest.
 */
#define LGUEST_IRQS		32

/*L:010
 * The Launcher is an ordinary program on the Host, one C file,
 * tools/launcher/lguest.c.  To the Guest it is the whole machine around
 * it: the bootloader that lays out its memory and loads its kernel, and
 * the hardware behind every device.  To the Host it is a user like any
 * other, trusted with nothing, which keeps the Guest's memory in its own
 * address space and runs the Guest by reading a file.  P:100 showed its
 * main(); this part reads what main() calls, in much the same order: the
 * Guest's memory and kernel (L:110 to L:210), the devices (L:300 to
 * L:370), the jail (L:380, L:390), the loop that runs the Guest (L:400
 * to L:440), and the command line and the word to the Host (L:500 to
 * L:510).
 *
 * The Launcher talks to the Host by writing requests to /dev/lguest.  Each
 * write is an array of unsigned longs; the first says which request it is.
 * Number 1 (the old DMA request) is gone but its number stays retired.
:*/
enum lguest_req {
	LHREQ_INITIALIZE = 0,	/* + base, pfnlimit, pgdir, start */
	LHREQ_IRQ = 2,		/* + irq number to raise */
	LHREQ_BREAK = 3,	/* + 1 to break out of the Guest, 0 to wait */
	LHREQ_EVENTFD = 4,	/* + NOTIFY address, eventfd to signal */
};

#endif /* _UAPI_LINUX_LGUEST_LAUNCHER_H */
