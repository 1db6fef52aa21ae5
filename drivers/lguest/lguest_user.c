// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/lguest: the Launcher's door into the Host.
 */
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/fs.h>

static const struct file_operations lguest_fops = {
	.owner	= THIS_MODULE,
	.llseek	= noop_llseek,
};

static struct miscdevice lguest_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "lguest",
	.mode	= 0600,
	.fops	= &lguest_fops,
};

static int __init lguest_init(void)
{
	return misc_register(&lguest_dev);
}

static void __exit lguest_exit(void)
{
	misc_deregister(&lguest_dev);
}

module_init(lguest_init);
module_exit(lguest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("lguest: the Host side of a tiny hypervisor");
