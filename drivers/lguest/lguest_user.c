// SPDX-License-Identifier: GPL-2.0
/*P:200
 * /dev/lguest is the Launcher's door into the Host.  Its protocol is
 * small (L:010 has the requests): write LHREQ_INITIALIZE once to describe
 * the Guest, then read to run it; write LHREQ_IRQ to give it an interrupt,
 * LHREQ_BREAK to get the running thread out and LHREQ_EVENTFD to have a
 * queue's kicks go straight to the device's thread.  Each open file is one
 * Guest; closing the last descriptor of it frees everything.
:*/
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <linux/sched/task.h>
#include "lg.h"

/* Only one Guest is set up at a time; running them needs no lock. */
static DEFINE_MUTEX(lguest_init_lock);

/*H:048
 * The Launcher's Waker (L:400) asks for a break with LHREQ_BREAK 1: we
 * flag it, wake or kick the Launcher's thread out of the Guest (its read
 * returns EAGAIN) and hold the Waker here until the Launcher has dealt
 * with the input and says LHREQ_BREAK 0.  So the Waker never spins on
 * input nobody has read yet.  The Launcher's other request, LHREQ_IRQ,
 * raises an interrupt, which H:250 shows the Host keeping for the Guest.
:*/
static int break_guest_out(struct lg_cpu *cpu, const unsigned long __user *in)
{
	unsigned long on;

	if (get_user(on, in))
		return -EFAULT;
	if (!on) {
		WRITE_ONCE(cpu->break_out, false);
		wake_up(&cpu->break_wq);
		return 0;
	}
	WRITE_ONCE(cpu->break_out, true);
	kick_guest_cpu(cpu);
	return wait_event_interruptible(cpu->break_wq,
					!READ_ONCE(cpu->break_out));
}

/* LHREQ_IRQ: a device of the Launcher's wants the Guest's attention. */
static int user_send_irq(struct lg_cpu *cpu, const unsigned long __user *in)
{
	unsigned long irq;

	if (get_user(irq, in))
		return -EFAULT;
	if (irq >= LGUEST_IRQS)
		return -EINVAL;
	set_interrupt(cpu, irq);
	return 0;
}

/*H:049
 * Eventfds.  A NOTIFY ends the Launcher's read() (H:060): the Launcher
 * looks the address up, pokes the device's own thread and reads again,
 * two trips between it and us for every kick of a queue whose work is
 * done elsewhere anyway.  LHREQ_EVENTFD names such a queue's address
 * and an eventfd its thread waits on; a NOTIFY of that address then
 * signals the eventfd right here and the Guest runs on, as the Host of
 * 2.6.32 did.  The address must be inside the Guest's memory, where the
 * Launcher's rings are, and each may be named once.  They last as long
 * as the Guest.
:*/
static int attach_eventfd(struct lguest *lg, const unsigned long __user *in)
{
	unsigned long addr, fd;
	struct eventfd_ctx *ctx;
	unsigned int i;
	int err = 0;

	if (get_user(addr, in) || get_user(fd, in + 1))
		return -EFAULT;
	if (addr / PAGE_SIZE >= lg->pfn_limit)
		return -EINVAL;
	ctx = eventfd_ctx_fdget(fd);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	spin_lock(&lg->eventfd_lock);
	for (i = 0; i < lg->num_eventfds; i++)
		if (lg->eventfds[i].addr == addr)
			err = -EEXIST;
	if (!err && lg->num_eventfds == ARRAY_SIZE(lg->eventfds))
		err = -ENOSPC;
	if (!err) {
		lg->eventfds[lg->num_eventfds].addr = addr;
		lg->eventfds[lg->num_eventfds++].ctx = ctx;
	}
	spin_unlock(&lg->eventfd_lock);
	if (err)
		eventfd_ctx_put(ctx);
	return err;
}

/* For do_hcall() (H:110): did this NOTIFY go to an eventfd? */
bool notify_eventfd(struct lguest *lg, unsigned long addr)
{
	bool found = false;
	unsigned int i;

	spin_lock(&lg->eventfd_lock);
	for (i = 0; i < lg->num_eventfds && !found; i++) {
		if (lg->eventfds[i].addr == addr) {
			eventfd_signal(lg->eventfds[i].ctx);
			found = true;
		}
	}
	spin_unlock(&lg->eventfd_lock);
	return found;
}

static void release_eventfds(struct lguest *lg)
{
	unsigned int i;

	for (i = 0; i < lg->num_eventfds; i++)
		eventfd_ctx_put(lg->eventfds[i].ctx);
}

/*H:050
 * LHREQ_INITIALIZE gives us the four numbers tell_kernel() sent (L:510):
 * where Guest memory starts in the Launcher, how many pages of it there
 * are, the Guest physical address of the first page directory and the
 * entry point.  We check each of them, because after this the Launcher
 * is just as untrusted as the Guest.  Then the Guest gets its first
 * shadow page tables (H:485), its timer (H:290) and its first registers
 * (H:510).
 *
 * Try it: lguest-misuse, a Host program that lives beside the tiny
 * Guests, sends /dev/lguest what a broken or hostile Launcher would (a
 * layout reaching into the kernel, a second LHREQ_INITIALIZE, a read
 * from another process) and checks each answer.  It is in the Host's
 * image: type "lguest-misuse" at the prompt.
:*/
static int check_guest_layout(unsigned long base, unsigned long pfn_limit,
			      unsigned long pgdir)
{
	if (!PAGE_ALIGNED(base) || !PAGE_ALIGNED(pgdir) || pfn_limit == 0)
		return -EINVAL;
	/* Both tests: with base above TASK_SIZE the second would wrap. */
	if (base >= TASK_SIZE || pfn_limit > (TASK_SIZE - base) / PAGE_SIZE)
		return -EINVAL;
	if (pgdir / PAGE_SIZE >= pfn_limit)
		return -EINVAL;
	return 0;
}

static void init_guest_cpu(struct lguest *lg, unsigned long start)
{
	struct lg_cpu *cpu = &lg->cpu;

	cpu->lg = lg;
	cpu->tsk = get_task_struct(current);
	init_waitqueue_head(&cpu->break_wq);
	init_clockdev(cpu);
	lguest_arch_setup_regs(cpu, start);
}

static int initialize(struct file *file, const unsigned long __user *input)
{
	unsigned long args[4];
	struct lguest *lg;
	int err;

	mutex_lock(&lguest_init_lock);
	if (file->private_data) {
		err = -EBUSY;
		goto unlock;
	}
	if (copy_from_user(args, input, sizeof(args))) {
		err = -EFAULT;
		goto unlock;
	}
	err = check_guest_layout(args[0], args[1], args[2]);
	if (err)
		goto unlock;

	lg = kzalloc(sizeof(*lg), GFP_KERNEL);
	if (!lg) {
		err = -ENOMEM;
		goto unlock;
	}
	lg->mem_base = (void __user *)args[0];
	lg->pfn_limit = args[1];
	spin_lock_init(&lg->eventfd_lock);

	err = init_guest_pagetable(lg, args[2]);
	if (err) {
		kfree(lg);
		goto unlock;
	}
	init_guest_cpu(lg, args[3]);
	file->private_data = lg;
unlock:
	mutex_unlock(&lguest_init_lock);
	return err;
}

static ssize_t write(struct file *file, const char __user *in,
		     size_t size, loff_t *off)
{
	const unsigned long __user *input = (const unsigned long __user *)in;
	struct lguest *lg = file->private_data;
	unsigned long req;
	ssize_t err;

	if (size < 2 * sizeof(req))
		return -EINVAL;
	if (get_user(req, input))
		return -EFAULT;
	input++;

	if (req == LHREQ_INITIALIZE) {
		if (size < 5 * sizeof(req))
			return -EINVAL;
		err = initialize(file, input);
		return err ? err : size;
	}
	if (!lg || *off != 0)
		return -EINVAL;

	switch (req) {
	case LHREQ_IRQ:
		err = user_send_irq(&lg->cpu, input);
		break;
	case LHREQ_BREAK:
		err = break_guest_out(&lg->cpu, input);
		break;
	case LHREQ_EVENTFD:
		if (size < 3 * sizeof(req))
			return -EINVAL;
		err = attach_eventfd(lg, input);
		break;
	default:
		return -EINVAL;
	}
	return err ? err : size;
}

/*H:060
 * Reading runs the Guest: the Launcher's loop of L:440 spends its life
 * in here.  Only the thread that set it up may do so (the Host wakes
 * that thread for interrupts).  A dead Guest's reason is handed out on
 * the read after the one that said ENOENT.  Closing the file is the
 * Guest's end: its timer stops, its shadow page tables go (H:485), and
 * the rest is freed.
:*/
static ssize_t read(struct file *file, char __user *user, size_t size,
		    loff_t *off)
{
	struct lguest *lg = file->private_data;
	size_t len;

	if (!lg || *off != 0 || size < sizeof(unsigned long))
		return -EINVAL;
	if (current != lg->cpu.tsk)
		return -EPERM;

	if (lg->dead) {
		if (IS_ERR(lg->dead))
			return PTR_ERR(lg->dead);
		len = min(size, strlen(lg->dead) + 1);
		if (copy_to_user(user, lg->dead, len))
			return -EFAULT;
		return len;
	}
	return run_guest(&lg->cpu, (unsigned long __user *)user);
}

/*
 * The misc layer leaves its own struct miscdevice in private_data; ours
 * is the Guest, and there is none until LHREQ_INITIALIZE.
 */
static int open(struct inode *inode, struct file *file)
{
	file->private_data = NULL;
	return 0;
}

static int close(struct inode *inode, struct file *file)
{
	struct lguest *lg = file->private_data;

	if (!lg)
		return 0;
	hrtimer_cancel(&lg->cpu.hrt);
	release_eventfds(lg);
	free_guest_pagetable(lg);
	put_task_struct(lg->cpu.tsk);
	if (!IS_ERR_OR_NULL(lg->dead))
		kfree(lg->dead);
	kfree(lg);
	return 0;
}

static const struct file_operations lguest_fops = {
	.owner		= THIS_MODULE,
	.open		= open,
	.release	= close,
	.write		= write,
	.read		= read,
	.llseek		= default_llseek,
};

static struct miscdevice lguest_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "lguest",
	.mode	= 0600,
	.fops	= &lguest_fops,
};

int __init lguest_device_init(void)
{
	return misc_register(&lguest_dev);
}

void __exit lguest_device_remove(void)
{
	misc_deregister(&lguest_dev);
}
