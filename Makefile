# SPDX-License-Identifier: GPL-2.0
#
# lguest on Linux 6.12: build the Host+Guest kernel, the Launcher and the
# test images into build/, boot them in QEMU, test them.
#
#   make          build everything
#   make run      boot the Host in QEMU and land in a shell
#   make check    every test
#   make stress   the I/O scenarios with typing, round after round, for
#                 STRESS_MINUTES (30) with STRESS_MB (64) MiB per check
#   make fuzz     each fuzz target for FUZZ_SECONDS (60); crashes, logs
#                 and what they found in build/fuzz/
#   make bench    the same benchmarks natively and in a Guest, in one
#                 QEMU boot: a table on the terminal and in build/bench.txt,
#                 a chart in build/bench.html (BENCH_QUICK=1: a short run)
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
SELF	:= tools/testing/selftests/lguest
KMAKE	:= $(MAKE) -C $(KSRC) O=$(KOBJ) ARCH=i386 -j$(JOBS)

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

$(KOBJ)/.config: $(KSRC)/.lguest-tree $(SELF)/config
	@mkdir -p $(KOBJ)
	@$(LOCK) $(KMAKE) -s tinyconfig
	@cd $(KOBJ) && $(KSRC)/scripts/kconfig/merge_config.sh -m -O $(KOBJ) \
		.config $(TOP)/$(SELF)/config >/dev/null
	@$(LOCK) $(KMAKE) -s olddefconfig
	@$(SELF)/check-config.sh $(KOBJ)/.config $(SELF)/config || \
		{ rm -f $@; exit 1; }

kernel: $(KOBJ)/.config
	@scripts/lguest-apply.sh --relink $(KSRC)
	@$(LOCK) $(KMAKE) bzImage modules

launcher: $(B)/.deps
	@$(MAKE) -s -C tools/launcher OUTPUT=$(B)/

# The Host's tiny test Guests, when there are any, ride in its image too.
images: kernel launcher
	@if [ -f $(SELF)/guests/Makefile ]; then \
		mkdir -p $(B)/guests && \
		$(MAKE) -s -C $(SELF)/guests OUTPUT=$(B)/guests/ \
			KSRC=$(KSRC) KOBJ=$(KOBJ); fi
	@$(SELF)/mkimages.sh $(B)

run: all
	@$(SELF)/qemu.sh $(B)

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
	rm -rf $(KOBJ) $(B)/guests $(B)/*.cpio* $(B)/*.img $(B)/lguest

distclean:
	rm -rf $(B)
