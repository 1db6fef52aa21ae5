# SPDX-License-Identifier: GPL-2.0
# The test Guests take their numbers (hypercalls, segments, lguest_data
# offsets) from the kernel tree they run on: KSRC and KOBJ name it.  The
# preprocessor flags that reach its headers, for guests/ and bench/.
KSRC ?= ../../../../../build/linux
KOBJ ?= ../../../../../build/obj

KERNEL_CPPFLAGS := -D__KERNEL__ -D__ASSEMBLY__ -nostdinc \
	-I$(KSRC)/arch/x86/include -I$(KOBJ)/arch/x86/include/generated \
	-I$(KSRC)/include -I$(KOBJ)/include \
	-I$(KSRC)/arch/x86/include/uapi \
	-I$(KOBJ)/arch/x86/include/generated/uapi \
	-I$(KSRC)/include/uapi -I$(KOBJ)/include/generated/uapi \
	-include $(KSRC)/include/linux/kconfig.h
