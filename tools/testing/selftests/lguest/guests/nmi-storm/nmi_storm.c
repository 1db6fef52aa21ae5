// SPDX-License-Identifier: GPL-2.0
/*
 * nmi_storm: a test module that fires NMIs at one CPU, one at a time,
 * and counts those its handler sees.  host-nmi loads it while a Guest
 * makes hypercalls on that CPU, so that NMIs land in the Guest, in the
 * Switcher and in the Host, and checks that every one arrived.
 *
 *   taskset 1 insmod nmi_storm.ko cpu=1 count=5000
 *
 * The module loads after the storm; /sys/module/nmi_storm/parameters/
 * sent and received say how it went.
 */
#include <linux/module.h>
#include <linux/delay.h>
#include <linux/cpumask.h>
#include <linux/sched.h>
#include <asm/apic.h>
#include <asm/nmi.h>

static unsigned int cpu = 1, count = 1000;
module_param(cpu, uint, 0444);
module_param(count, uint, 0444);

static unsigned int sent, received;
module_param(sent, uint, 0444);
module_param(received, uint, 0444);

static atomic_t outstanding = ATOMIC_INIT(0);

/* Ours if it is on our CPU and we have one on the way. */
static int storm_nmi(unsigned int type, struct pt_regs *regs)
{
	if (smp_processor_id() != cpu || !atomic_add_unless(&outstanding, -1, 0))
		return NMI_DONE;
	WRITE_ONCE(received, received + 1);
	return NMI_HANDLED;
}

/* Wait up to a second for the NMI on its way to arrive. */
static bool arrived(void)
{
	unsigned int i;

	for (i = 0; i < 100000; i++) {
		if (!atomic_read(&outstanding))
			return true;
		udelay(10);
	}
	return false;
}

static int __init storm_init(void)
{
	unsigned int i;
	int err;

	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	err = register_nmi_handler(NMI_LOCAL, storm_nmi, 0, "nmi_storm");
	if (err)
		return err;
	for (i = 0; i < count; i++) {
		atomic_inc(&outstanding);
		__apic_send_IPI_mask(cpumask_of(cpu), NMI_VECTOR);
		sent++;
		if (!arrived())
			break;
		udelay(i % 50);
		cond_resched();
	}
	unregister_nmi_handler(NMI_LOCAL, "nmi_storm");
	pr_info("nmi_storm: %u NMIs sent to CPU %u, %u received\n",
		sent, cpu, received);
	return 0;
}

static void __exit storm_exit(void)
{
}

module_init(storm_init);
module_exit(storm_exit);
MODULE_DESCRIPTION("lguest test: a storm of NMIs at one CPU");
MODULE_LICENSE("GPL");
