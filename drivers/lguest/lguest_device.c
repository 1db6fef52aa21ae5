// SPDX-License-Identifier: GPL-2.0
/*P:050
 * A Guest finds its devices in one page the Launcher fills in, placed just
 * above the top of the Guest's RAM.  There is no PCI to probe and no
 * emulated hardware to poke: each entry names a virtio device, its
 * virtqueues, its feature bits and its configuration bytes.  This file is
 * the glue that turns those entries into ordinary virtio devices, so the
 * kernel's own virtio console, block, network and entropy drivers just
 * work.
:*/
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/lguest.h>
#include <linux/lguest_launcher.h>
#include <linux/slab.h>
#include <linux/memblock.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <asm/bootparam.h>
#include <asm/setup.h>

/* The device page, as mapped into our address space, and where it lives. */
static u8 *lguest_devices;
static phys_addr_t lguest_devices_phys;

/* Every lguest device hangs off this one, under /sys/devices/lguest. */
static struct device *lguest_root;

/*D:100
 * An lguest device is a virtio device and the offset of its entry in the
 * device page.  The offset rather than a pointer: it is also how we name
 * the entry to the Launcher, which knows the page by its physical address.
:*/
struct lguest_device {
	struct virtio_device vdev;
	unsigned int offset;
	/* Where the entry's feature bitmaps and config bytes begin. */
	unsigned int features, config;
	/* The entry's sizes, as they were when we checked they fit. */
	u8 num_vq, feature_len, config_len;
};

#define to_lgdev(vd) container_of(vd, struct lguest_device, vdev)

/* The live header in the device page (the Launcher may rewrite it). */
static struct lguest_device_desc *lg_desc(struct lguest_device *ldev)
{
	return (struct lguest_device_desc *)(lguest_devices + ldev->offset);
}

/*D:110
 * An entry's size follows from its header: the vqconfigs, the two feature
 * bitmaps, the config bytes.  We check every entry fits inside the page
 * before trusting any of it: the Launcher is friendly, but a Guest that
 * wanders past the end of a mapping on its say-so would be a poor Guest.
:*/
static unsigned int desc_size(const struct lguest_device_desc *d)
{
	return sizeof(*d) + d->num_vq * sizeof(struct lguest_vqconfig) +
		d->feature_len * 2 + d->config_len;
}

/*D:120
 * Feature bits come as a little bitmap of feature_len bytes: the Launcher
 * offers in the first, and we write what our driver accepted into the
 * second, where the Launcher reads it when the status says we are done.
 * The virtio core thinks in 64 bits; we hand it as many as the entry has.
:*/
static u64 lg_get_features(struct virtio_device *vdev)
{
	struct lguest_device *ldev = to_lgdev(vdev);
	const u8 *bits = lguest_devices + ldev->features;
	unsigned int i;
	u64 features = 0;

	for (i = 0; i < min_t(unsigned int, ldev->feature_len * 8, 64); i++)
		if (bits[i / 8] & (1 << (i % 8)))
			features |= 1ULL << i;
	return features;
}

static int lg_finalize_features(struct virtio_device *vdev)
{
	struct lguest_device *ldev = to_lgdev(vdev);
	u8 *accepted = lguest_devices + ldev->features + ldev->feature_len;
	unsigned int i;

	/* Let the ring code drop any transport feature it cannot give. */
	vring_transport_features(vdev);

	memset(accepted, 0, ldev->feature_len);
	for (i = 0; i < min_t(unsigned int, ldev->feature_len * 8, 64); i++)
		if (__virtio_test_bit(vdev, i))
			accepted[i / 8] |= 1 << (i % 8);
	return 0;
}

/*D:130
 * Configuration bytes are read and written in place.  A driver asking for
 * bytes past the end gets nothing (reads see zeroes): that is a driver bug,
 * and a quiet one is better than reading the next device's entry.
:*/
static bool lg_config_ok(struct lguest_device *ldev, unsigned int offset,
			 unsigned int len)
{
	return offset <= ldev->config_len &&
		len <= ldev->config_len - offset;
}

static void lg_get(struct virtio_device *vdev, unsigned int offset,
		   void *buf, unsigned int len)
{
	struct lguest_device *ldev = to_lgdev(vdev);

	if (!lg_config_ok(ldev, offset, len)) {
		memset(buf, 0, len);
		return;
	}
	memcpy(buf, lguest_devices + ldev->config + offset, len);
}

static void lg_set(struct virtio_device *vdev, unsigned int offset,
		   const void *buf, unsigned int len)
{
	struct lguest_device *ldev = to_lgdev(vdev);

	if (lg_config_ok(ldev, offset, len))
		memcpy(lguest_devices + ldev->config + offset, buf, len);
}

/*D:140
 * Status is a byte in the entry.  Whenever we change it we tell the
 * Launcher with a NOTIFY of the entry's physical address: that is how it
 * learns a driver is ready (time to look at the accepted features) or
 * that we want the device reset (status 0).
:*/
static u8 lg_get_status(struct virtio_device *vdev)
{
	return READ_ONCE(lg_desc(to_lgdev(vdev))->status);
}

static void lg_set_status(struct virtio_device *vdev, u8 status)
{
	struct lguest_device *ldev = to_lgdev(vdev);

	WRITE_ONCE(lg_desc(ldev)->status, status);
	hcall(LHCALL_NOTIFY, lguest_devices_phys + ldev->offset, 0, 0);
}

static void lg_reset(struct virtio_device *vdev)
{
	lg_set_status(vdev, 0);
}

/*D:150
 * A virtqueue's ring lives in pages the Launcher set aside above our RAM;
 * its vqconfig says where, how big, and which interrupt it raises.
:*/
struct lguest_vq_info {
	struct lguest_vqconfig config;
	void *pages;
};

/*
 * Kicking the Launcher is a NOTIFY of the ring's address: it keeps a note
 * of which queue lives there.
 */
static bool lg_notify(struct virtqueue *vq)
{
	struct lguest_vq_info *lvq = vq->priv;

	hcall(LHCALL_NOTIFY, (unsigned long)lvq->config.pfn << PAGE_SHIFT, 0, 0);
	return true;
}

static void lg_del_vq(struct virtqueue *vq)
{
	struct lguest_vq_info *lvq = vq->priv;

	free_irq(lvq->config.irq, vq);
	vring_del_virtqueue(vq);
	memunmap(lvq->pages);
	kfree(lvq);
}

static void lg_del_vqs(struct virtio_device *vdev)
{
	struct virtqueue *vq, *n;

	list_for_each_entry_safe(vq, n, &vdev->vqs, list)
		lg_del_vq(vq);
}

static struct virtqueue *lg_find_vq(struct virtio_device *vdev,
				    unsigned int index,
				    struct virtqueue_info *info)
{
	struct lguest_device *ldev = to_lgdev(vdev);
	struct lguest_vq_info *lvq;
	struct virtqueue *vq;
	int err;

	if (index >= ldev->num_vq)
		return ERR_PTR(-ENOENT);

	lvq = kmalloc(sizeof(*lvq), GFP_KERNEL);
	if (!lvq)
		return ERR_PTR(-ENOMEM);
	memcpy(&lvq->config, lguest_devices + ldev->offset +
	       sizeof(struct lguest_device_desc) + index * sizeof(lvq->config),
	       sizeof(lvq->config));

	err = -EINVAL;
	if (!lvq->config.num || lvq->config.irq >= LGUEST_IRQS)
		goto free_lvq;

	/*
	 * The pages are not RAM as far as we are concerned (they lie above
	 * the top of it), so we map them like device memory, but cached: the
	 * Launcher reads them as ordinary memory on the other side.
	 */
	err = -ENOMEM;
	lvq->pages = memremap((phys_addr_t)lvq->config.pfn << PAGE_SHIFT,
			      vring_size(lvq->config.num, LGUEST_VRING_ALIGN),
			      MEMREMAP_WB);
	if (!lvq->pages)
		goto free_lvq;

	vq = vring_new_virtqueue(index, lvq->config.num, LGUEST_VRING_ALIGN,
				 vdev, true, info->ctx, lvq->pages,
				 lg_notify, info->callback, info->name);
	if (!vq)
		goto unmap;
	vq->priv = lvq;

	/* The Launcher raises our interrupt when it has used buffers. */
	err = lguest_setup_irq(lvq->config.irq);
	if (!err)
		err = request_irq(lvq->config.irq, vring_interrupt, IRQF_SHARED,
				  dev_name(&vdev->dev), vq);
	if (err)
		goto del_vq;
	return vq;

del_vq:
	vring_del_virtqueue(vq);
unmap:
	memunmap(lvq->pages);
free_lvq:
	kfree(lvq);
	return ERR_PTR(err);
}

static int lg_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
		       struct virtqueue *vqs[],
		       struct virtqueue_info vqs_info[],
		       struct irq_affinity *desc)
{
	unsigned int i, index = 0;

	for (i = 0; i < nvqs; i++) {
		if (!vqs_info[i].name) {
			vqs[i] = NULL;
			continue;
		}
		vqs[i] = lg_find_vq(vdev, index++, &vqs_info[i]);
		if (IS_ERR(vqs[i])) {
			int err = PTR_ERR(vqs[i]);

			lg_del_vqs(vdev);
			return err;
		}
	}
	return 0;
}

/*D:155
 * That is every operation the virtio core asks of a transport, gathered
 * in one table (our bus has no name worth giving).  When a device's last
 * reference goes, the core calls its release, and the lguest_device
 * around it goes too.
:*/
static const char *lg_bus_name(struct virtio_device *vdev)
{
	return "";
}

static const struct virtio_config_ops lguest_config_ops = {
	.get			= lg_get,
	.set			= lg_set,
	.get_status		= lg_get_status,
	.set_status		= lg_set_status,
	.reset			= lg_reset,
	.find_vqs		= lg_find_vqs,
	.del_vqs		= lg_del_vqs,
	.get_features		= lg_get_features,
	.finalize_features	= lg_finalize_features,
	.bus_name		= lg_bus_name,
};

static void lg_release(struct device *dev)
{
	struct virtio_device *vdev = dev_to_virtio(dev);

	kfree(to_lgdev(vdev));
}

/*D:160
 * Adding a device is filling in a virtio_device and registering it; the
 * virtio core then finds the driver for its type and probes it, which
 * calls back into the operations above.
:*/
static void add_lguest_device(unsigned int offset)
{
	const struct lguest_device_desc *d = (void *)(lguest_devices + offset);
	struct lguest_device *ldev;
	int err;

	ldev = kzalloc(sizeof(*ldev), GFP_KERNEL);
	if (!ldev)
		return;
	ldev->offset = offset;
	ldev->num_vq = d->num_vq;
	ldev->feature_len = d->feature_len;
	ldev->config_len = d->config_len;
	ldev->features = offset + sizeof(*d) +
		d->num_vq * sizeof(struct lguest_vqconfig);
	ldev->config = ldev->features + d->feature_len * 2;

	ldev->vdev.dev.parent = lguest_root;
	ldev->vdev.dev.release = lg_release;
	ldev->vdev.id.device = d->type;
	ldev->vdev.id.vendor = VIRTIO_DEV_ANY_ID;
	ldev->vdev.config = &lguest_config_ops;

	err = register_virtio_device(&ldev->vdev);
	if (err) {
		pr_err("lguest: cannot register device type %u: %d\n",
		       d->type, err);
		put_device(&ldev->vdev.dev);
	}
}

/*D:170
 * Walking the page: entry after entry until one with type 0, or until an
 * entry claims more room than the page has left, which we refuse.
:*/
static void scan_devices(void)
{
	unsigned int offset = 0;

	while (offset + sizeof(struct lguest_device_desc) <= PAGE_SIZE) {
		const struct lguest_device_desc *d =
			(void *)(lguest_devices + offset);

		if (!d->type)
			return;
		if (desc_size(d) > PAGE_SIZE - offset) {
			pr_err("lguest: device entry at offset %u overruns the page\n",
			       offset);
			return;
		}
		add_lguest_device(offset);
		offset += desc_size(d);
	}
}

/*D:180
 * Only a Guest has a device page; on bare metal the same kernel must not
 * go looking for one.  The page sits right at the top of RAM: max_pfn is
 * the first page frame the Launcher did not give us as memory.
 *
 * That is the bus: four hundred lines between a page of bytes and the
 * kernel's virtio drivers, which do all the rest.  Whatever the Guest
 * says to a device leaves it as an LHCALL_NOTIFY of an address: a ring's
 * (a kick) or an entry's (a status change).  Who is listening at the
 * other end is the next part's story.
:*/
static int __init lguest_devices_init(void)
{
	if (boot_params.hdr.hardware_subarch != X86_SUBARCH_LGUEST)
		return 0;

	lguest_devices_phys = (phys_addr_t)max_pfn << PAGE_SHIFT;
	lguest_devices = memremap(lguest_devices_phys, PAGE_SIZE, MEMREMAP_WB);
	if (!lguest_devices)
		return -ENOMEM;

	lguest_root = root_device_register("lguest");
	if (IS_ERR(lguest_root)) {
		memunmap(lguest_devices);
		return PTR_ERR(lguest_root);
	}
	scan_devices();
	return 0;
}
/* Late enough for the virtio bus, early enough to find our root disk. */
postcore_initcall(lguest_devices_init);
