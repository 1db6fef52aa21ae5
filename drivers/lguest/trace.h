/* SPDX-License-Identifier: GPL-2.0 */
/*H:026
 * Counters say how often; the trace events say when, with what, and in
 * what order, beside everything else the Host traces: lguest_exit for
 * each trip out of the Guest (its trap, error code and where it was)
 * and lguest_hcall for each hypercall, trapped or from the ring.  With
 * tracefs mounted, "echo 1 > /sys/kernel/tracing/events/lguest/enable"
 * and the trace file tells a Guest's story call by call, as perf and
 * ftrace do for KVM.  The scenario host-guests reads hello's.  They are
 * defined here, where the tracing headers read them, and made in stats.c.
:*/
#undef TRACE_SYSTEM
#define TRACE_SYSTEM lguest

#if !defined(_LGUEST_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _LGUEST_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(lguest_exit,
	TP_PROTO(unsigned long trapnum, unsigned long errcode,
		 unsigned long eip),
	TP_ARGS(trapnum, errcode, eip),

	TP_STRUCT__entry(
		__field(unsigned long, trapnum)
		__field(unsigned long, errcode)
		__field(unsigned long, eip)
	),

	TP_fast_assign(
		__entry->trapnum = trapnum;
		__entry->errcode = errcode;
		__entry->eip = eip;
	),

	TP_printk("trap %lu errcode %#lx eip %#lx",
		  __entry->trapnum, __entry->errcode, __entry->eip)
);

TRACE_EVENT(lguest_hcall,
	TP_PROTO(unsigned long nr, unsigned long arg1, unsigned long arg2,
		 unsigned long arg3),
	TP_ARGS(nr, arg1, arg2, arg3),

	TP_STRUCT__entry(
		__field(unsigned long, nr)
		__field(unsigned long, arg1)
		__field(unsigned long, arg2)
		__field(unsigned long, arg3)
	),

	TP_fast_assign(
		__entry->nr = nr;
		__entry->arg1 = arg1;
		__entry->arg2 = arg2;
		__entry->arg3 = arg3;
	),

	TP_printk("nr %lu %#lx %#lx %#lx", __entry->nr, __entry->arg1,
		  __entry->arg2, __entry->arg3)
);

#endif /* _LGUEST_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH ../../drivers/lguest
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
