# SPDX-License-Identifier: GPL-2.0
#
# lguest on Linux 6.12: build the Host+Guest kernels, the Launcher and the
# test images into build/, boot them in QEMU, test them.  Two kernels come
# from the one tree: the classic two-level page tables in build/obj, and
# PAE (three levels, NX, memory above 4 GiB) in build/obj-pae.
#
#   make          build everything, both kernels
#   make run      boot the Host in QEMU and land in a shell (PAE=1: the
#                 PAE Host, with 6 GiB, and its PAE Guest)
#   make check    every test
#   make stress   the I/O scenarios with typing, round after round, for
#                 STRESS_MINUTES (30) with STRESS_MB (64) MiB per check
#   make fuzz     each fuzz target for FUZZ_SECONDS (60); crashes, logs
#                 and what they found in build/fuzz/
#   make bench    the same benchmarks natively and in a Guest, in one
#                 QEMU boot of each Host (two-level, then PAE): a table on
#                 the terminal and in build/bench.txt, a chart in
#                 build/bench.html (BENCH_QUICK=1: a short run)
#   make journey  the annotated tour of the code, in build/
#
# KVER names the Debian linux-source package the tree comes from: porting
# to another kernel starts by changing it.

KVER	?= 6.12
export KVER
KTAR	?= /usr/src/linux-source-$(KVER).tar.xz
JOBS	?= $(shell nproc)

TOP	:= $(CURDIR)
B	:= $(TOP)/build
KSRC	:= $(B)/linux
KOBJ	:= $(B)/obj
KOBJ_PAE := $(B)/obj-pae
SELF	:= tools/testing/selftests/lguest
KMAKE	= $(MAKE) -C $(KSRC) O=$(1) ARCH=i386 -j$(JOBS)

# Kernel builds hold this lock, so that two makes in one checkout queue up
# instead of trampling each other's objects.
LOCK	:= flock $(B)/.lock

.PHONY: all deps kernel launcher images run check stress fuzz bench journey \
	clean distclean FORCE
all: kernel launcher images

deps:
	@$(SELF)/deps.sh

$(B)/.deps: $(SELF)/deps.sh
	@$(SELF)/deps.sh
	@mkdir -p $(B) && touch $@

# The tree is extracted and patched next to its final place and moved in
# only when every patch applied, so a failure leaves nothing half-made.
# Objects live apart in build/obj and survive a re-extraction: tar keeps
# the files' dates, so only what the patches touch is rebuilt.
$(KSRC)/.lguest-tree: $(B)/.deps patches/series $(wildcard patches/*.patch)
	@test -f $(KTAR) || { echo "error: $(KTAR) not found;" \
		"install it with: apt-get install linux-source-$(KVER)" >&2; \
		exit 1; }
	@echo "  EXTRACT $(KTAR)"
	@rm -rf $(KSRC).new && mkdir -p $(KSRC).new
	@tar -xf $(KTAR) -C $(KSRC).new --strip-components=1
	@scripts/lguest-apply.sh --link $(KSRC).new || \
		{ rm -rf $(KSRC).new; exit 1; }
	@rm -rf $(KSRC) && mv $(KSRC).new $(KSRC)
	@touch $@

# kconfig DIR, FRAGMENTS: tinyconfig with the fragments merged over it,
# each one's choices winning over the one before, and all of them checked.
define kconfig
	@mkdir -p $(1)
	@$(LOCK) $(call KMAKE,$(1)) -s tinyconfig
	@cd $(1) && $(KSRC)/scripts/kconfig/merge_config.sh -m -O $(1) \
		.config $(addprefix $(TOP)/,$(2)) >/dev/null
	@$(LOCK) $(call KMAKE,$(1)) -s olddefconfig
	@$(SELF)/check-config.sh $(1)/.config $(2) || \
		{ rm -f $(1)/.config; exit 1; }
endef

$(KOBJ)/.config: $(KSRC)/.lguest-tree $(SELF)/config
	$(call kconfig,$(KOBJ),$(SELF)/config)

$(KOBJ_PAE)/.config: $(KSRC)/.lguest-tree $(SELF)/config $(SELF)/config-pae
	$(call kconfig,$(KOBJ_PAE),$(SELF)/config $(SELF)/config-pae)

kernel: $(KOBJ)/.config $(KOBJ_PAE)/.config
	@scripts/lguest-apply.sh --relink $(KSRC)
	@echo "  KERNEL  $(KOBJ) (two-level)"
	@$(LOCK) $(call KMAKE,$(KOBJ)) bzImage modules
	@echo "  KERNEL  $(KOBJ_PAE) (PAE)"
	@$(LOCK) $(call KMAKE,$(KOBJ_PAE)) bzImage modules

launcher: $(B)/.deps
	@$(MAKE) -s -C tools/launcher OUTPUT=$(B)/

# The Host's tiny test Guests ride in its image too, built against the
# kernel of that image: build/guests and build/guests-pae.
images: kernel launcher
	@mkdir -p $(B)/guests $(B)/guests-pae
	@$(MAKE) -s -C $(SELF)/guests OUTPUT=$(B)/guests/ KSRC=$(KSRC) KOBJ=$(KOBJ)
	@$(MAKE) -s -C $(SELF)/guests OUTPUT=$(B)/guests-pae/ KSRC=$(KSRC) \
		KOBJ=$(KOBJ_PAE)
	@$(SELF)/mkimages.sh $(B)

run: all
	@LGFLAVOUR=$(if $(PAE),pae,2level) $(SELF)/qemu.sh $(B)

check: all
	@$(SELF)/run_tests.sh

stress: all
	@$(SELF)/stress.sh

bench: all
	@$(SELF)/bench/bench.sh

fuzz: all
	@$(SELF)/fuzz.sh

# lguest's source read as a book, from P: to M:, as text and as one page.
journey:
	@mkdir -p $(B)
	@python3 Documentation/lguest/journey.py --text $(B)/journey.txt \
		--html $(B)/journey.html .
	@echo "  JOURNEY $(B)/journey.txt $(B)/journey.html"

clean:
	rm -rf $(KOBJ) $(KOBJ_PAE) $(B)/guests $(B)/guests-pae $(B)/*.cpio* \
		$(B)/*.img $(B)/lguest

distclean:
	rm -rf $(B)
