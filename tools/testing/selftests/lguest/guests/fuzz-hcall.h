/* SPDX-License-Identifier: GPL-2.0 */
/* What fuzz-hcall.S gives fuzz-hcall.c: its data and its probes. */
#ifndef FUZZ_HCALL_H
#define FUZZ_HCALL_H

typedef unsigned int u32;
typedef unsigned long long u64;

extern unsigned char lguest_data[4096];
extern unsigned char trap_stubs[];
extern unsigned char kstack_top[];

/* Each returns 0, or 1 + the vector of the trap that cut it short. */
unsigned int probe_read(unsigned long addr);
unsigned int probe_write(unsigned long addr, unsigned long val);
unsigned int probe_int(unsigned int vector);
unsigned int probe_user(unsigned int vector);

#endif
