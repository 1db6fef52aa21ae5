// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the virtqueue walker.
 *
 * The Guest's moves (fuzz.h) against one device with two queues.  A kick
 * on either runs get_vq_desc() until the ring is empty and hands every
 * buffer back through add_used_and_trigger(), as the real devices do;
 * the device offers VIRTIO_F_NOTIFY_ON_EMPTY, so the Guest's accepted
 * bits steer trigger_irq() too.  Beyond the sanitizers we check what the
 * walker promises its callers: a head inside the ring, no more pieces
 * than the ring has descriptors, and every piece inside Guest memory.
 */
#include "fuzz.h"

static void check_piece(const struct virtqueue *vq, const struct iovec *iov)
{
	const u8 *base = iov->iov_base, *end = guest_base + guest_max;

	must(base >= guest_base && base <= end &&
	     iov->iov_len <= (size_t)(end - base),
	     "%s: a %zu-byte piece at %p, Guest memory is %p-%p",
	     vq->dev->name, iov->iov_len, base, guest_base, end);
}

static void use_every_buffer(struct virtqueue *vq)
{
	struct iovec iov[VIRTQUEUE_NUM];
	unsigned int head, out, in, i;

	while ((head = get_vq_desc(vq, iov, &out, &in)) != vq->vring.num) {
		must(head < vq->vring.num && out + in <= vq->vring.num,
		     "%s: head %u with %u+%u pieces from a ring of %u",
		     vq->dev->name, head, out, in, vq->vring.num);
		for (i = 0; i < out + in; i++)
			check_piece(vq, &iov[i]);
		add_used_and_trigger(vq, head, iov_total(iov + out, in));
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct device *dev;

	start_launcher(16);
	dev = new_device("walker", VIRTIO_ID_CONSOLE);
	add_virtqueue(dev, use_every_buffer);
	add_virtqueue(dev, use_every_buffer);
	add_feature(dev, VIRTIO_F_NOTIFY_ON_EMPTY);
	guest_built(from_guest_phys(guest_max));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return play_one(data, size);
}
