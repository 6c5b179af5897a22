# SPDX-License-Identifier: GPL-2.0
#
# NEXUS top-level Makefile.  The kernel modules are built out of tree with
# kbuild (see Kbuild); everything else (tools, tests, selftests, the test VM)
# with plain make.  Build outputs go to build/.
#
#   make              build the modules for KDIR, the tools and the selftests
#   make check        all tests: host unit tests, then the selftests in the
#                     test VM on every test kernel
#   make debug-kernel build the KASAN/lockdep/kmemleak debug kernel (cached)
#   make check-debug  every selftest in the debug kernel, then fault injection
#                     and a kmemleak scan (Documentation/debug-kernel.rst)
#   make demo         the scripted demo in the test VM
#   make lint         W=1, sparse and checkpatch --strict
#   make bench        benchmarks (figures printed, not asserted)
#   make deps         install the Debian packages NEXUS needs
#   make vm           interactive shell in the test VM
#   make vm-run CMD='...'  run CMD in the test VM
#   make install      modules (KDIR) under /lib/modules/<release>/updates/nexus,
#                     the tools under $(PREFIX)/sbin, nexusd.service, the man
#                     pages; DESTDIR=
#   make uninstall    remove them
#   make man          the man pages, build/man/*.8

TOP := $(CURDIR)
BUILD := $(TOP)/build
VM := $(TOP)/tools/vm/nexus-vm

# The default kernel: the 6.1 test kernel's headers when installed, else the
# running kernel's.
TEST_KVER_61 := $(shell bash -c '. tools/vm/kernels.sh; resolve_test_kernel 6.1' 2>/dev/null)
ifneq ($(TEST_KVER_61),)
KDIR ?= /lib/modules/$(TEST_KVER_61)/build
else
KDIR ?= /lib/modules/$(shell uname -r)/build
endif

# The sources kbuild sees, mirrored as symlinks into one build directory per
# kernel release, so builds for several kernels never share objects.
KMOD_SRCS = Kbuild $(shell find nexus_core modules uapi selftests/nexus/modules \
	\( -name '*.[ch]' -o -name Kbuild \) 2>/dev/null)

CC_USER ?= gcc

.PHONY: all deps deps-check modules kmods tools selftests check demo lint bench \
	vm vm-run vm-prepare clean help install uninstall man debug-kernel check-debug
.DELETE_ON_ERROR:

all: deps-check modules tools selftests

help:
	@sed -n '4,24p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@tools/deps.sh

deps-check:
	@tools/deps.sh --check 2>/dev/null || tools/deps.sh

# kmods KDIR=... : build the modules for one kernel tree into
# build/kmod/<kernelrelease>/; prints nothing when up to date.
modules kmods:
	@test -d $(KDIR) || { echo "KDIR=$(KDIR) is not a kernel build tree; run 'make deps'" >&2; exit 1; }
	@krel=$$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' \
		$(KDIR)/include/generated/utsrelease.h 2>/dev/null); \
	[ -n "$$krel" ] || { echo "cannot read the kernel release of $(KDIR)" >&2; exit 1; }; \
	out=$(BUILD)/kmod/$$krel; mkdir -p $$out; \
	for f in $(KMOD_SRCS); do \
		mkdir -p $$out/$$(dirname $$f); \
		ln -sfn $(TOP)/$$f $$out/$$f; \
	done; \
	$(MAKE) -C $(KDIR) M=$$out $(KBUILD_ARGS) modules

# tools: nexusctl, the BPF collectors and nexusd into build/tools.  The BPF
# build is optional: without clang or bpftool, or if it fails, nexusd is
# built as an exporter only and says so when it starts.
tools:
	@if [ -f tools/nexusctl/Makefile ]; then \
		$(MAKE) -s -C tools/nexusctl && mkdir -p $(BUILD)/tools && \
		cp tools/nexusctl/nexusctl $(BUILD)/tools/; \
	fi
	@if [ -f tools/nexusd/Makefile ]; then \
		if command -v clang >/dev/null && command -v bpftool >/dev/null; then \
			$(MAKE) -s -C bpf OUTPUT=$(BUILD)/bpf || \
			echo "tools: the BPF collectors did not build; nexusd runs without them" >&2; \
		else \
			echo "tools: clang or bpftool missing: nexusd is built without BPF collectors" >&2; \
		fi; \
		$(MAKE) -s -C tools/nexusd BPF_OUT=$(BUILD)/bpf && mkdir -p $(BUILD)/tools && \
		cp tools/nexusd/nexusd $(BUILD)/tools/; \
	fi

selftests:
	@$(MAKE) -s -C selftests/nexus OUTPUT=$(BUILD)/selftests

# man: the man pages, build/man/*.8, from Documentation/man/*.rst with
# rst2man (python3-docutils); a docutils warning fails the build.
RST2MAN ?= rst2man
MAN_PAGES := $(patsubst Documentation/man/%.rst,$(BUILD)/man/%.8, \
	$(wildcard Documentation/man/*.rst))

man: $(MAN_PAGES)

$(BUILD)/man/%.8: Documentation/man/%.rst
	@mkdir -p $(@D)
	@command -v $(RST2MAN) >/dev/null || \
		{ echo "man: $(RST2MAN) not found; run 'make deps' (python3-docutils)" >&2; exit 1; }
	$(RST2MAN) --halt=warning $< $@

# vm-prepare KVER=... : what nexus-vm needs for one kernel (called by it).
# VM_KDIR and VM_MODDIR point elsewhere for the debug kernel.
VM_KDIR ?= /lib/modules/$(KVER)/build
VM_MODDIR ?= /lib/modules/$(KVER)
vm-prepare:
	@test -n "$(KVER)" || { echo "vm-prepare needs KVER=" >&2; exit 1; }
	@mkdir -p $(BUILD)/vm/$(KVER)
	@$(MAKE) -s modules selftests tools KDIR=$(VM_KDIR) \
		>$(BUILD)/vm/$(KVER)/build.log 2>&1 || \
		{ grep -v 'Skipping BTF' $(BUILD)/vm/$(KVER)/build.log >&2; exit 1; }
	@tools/vm/mkinitramfs.sh $(KVER) $(BUILD)/kmod/$(KVER) $(BUILD)/selftests \
		$(BUILD)/tools $(BUILD)/vm/$(KVER)/initramfs.cpio $(VM_MODDIR)

check:
	@tools/check.sh

debug-kernel: deps-check
	@tools/debug-kernel/build.sh

check-debug: debug-kernel
	@tools/check-debug.sh

demo: deps-check
	@tools/demo.sh

lint: deps-check
	@tools/lint.sh

bench: deps-check
	@bench/run.sh

vm: deps-check
	@$(VM) shell

vm-run: deps-check
	@test -n "$(CMD)" || { echo "usage: make vm-run CMD='...'" >&2; exit 2; }
	@$(VM) run -- $(CMD)

# install: kbuild's modules_install into $(DESTDIR)/lib/modules/<release>/
# updates/nexus (the selftests' test-only modules are removed again), depmod
# when installing into the running system (so modprobe nexus_predict pulls in
# nexus_core), then the tools, the unit file and the man pages.
# Modules are signed only with MODULE_SIGN=1 (and the kernel's signing key).
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
UNITDIR ?= $(PREFIX)/lib/systemd/system
MANDIR ?= $(PREFIX)/share/man
KMOD_INSTALL_DIR := updates/nexus
KREL = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
NX_SIGN = $(if $(MODULE_SIGN),,CONFIG_MODULE_SIG_ALL=)

install: modules tools man
	@krel=$(KREL); \
	out=$$($(MAKE) -s -C $(KDIR) M=$(BUILD)/kmod/$$krel INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=$(KMOD_INSTALL_DIR) $(NX_SIGN) modules_install 2>&1) || \
		{ echo "$$out" >&2; exit 1; }; \
	echo "$$out" | grep -v 'Skipping depmod\|missing System.map\|^$$' >&2; \
	rm -rf $(DESTDIR)/lib/modules/$$krel/$(KMOD_INSTALL_DIR)/selftests; \
	echo "installed the modules under $(DESTDIR)/lib/modules/$$krel/$(KMOD_INSTALL_DIR)"; \
	if [ -z "$(DESTDIR)" ]; then depmod -a $$krel; fi
	install -D -m 0755 $(BUILD)/tools/nexusctl $(DESTDIR)$(SBINDIR)/nexusctl
	install -D -m 0755 $(BUILD)/tools/nexusd $(DESTDIR)$(SBINDIR)/nexusd
	@mkdir -p $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|g' tools/nexusd/nexusd.service \
		>$(DESTDIR)$(UNITDIR)/nexusd.service
	install -D -m 0644 -t $(DESTDIR)$(MANDIR)/man8 $(MAN_PAGES)

# uninstall also removes what older versions installed under extra/.
uninstall:
	rm -rf $(DESTDIR)/lib/modules/$(KREL)/$(KMOD_INSTALL_DIR) \
		$(DESTDIR)/lib/modules/$(KREL)/extra/nexus_core \
		$(DESTDIR)/lib/modules/$(KREL)/extra/modules
	@rmdir --ignore-fail-on-non-empty $(DESTDIR)/lib/modules/$(KREL)/updates \
		$(DESTDIR)/lib/modules/$(KREL)/extra 2>/dev/null || true
	@if [ -z "$(DESTDIR)" ]; then depmod -a $(KREL); fi
	rm -f $(DESTDIR)$(SBINDIR)/nexusctl $(DESTDIR)$(SBINDIR)/nexusd \
		$(DESTDIR)$(UNITDIR)/nexusd.service \
		$(patsubst $(BUILD)/man/%,$(DESTDIR)$(MANDIR)/man8/%,$(MAN_PAGES))
	@rmdir --ignore-fail-on-non-empty $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(dir $(UNITDIR)) 2>/dev/null || true

clean:
	rm -rf $(BUILD)
	-@$(MAKE) -s -C selftests/nexus clean OUTPUT=$(BUILD)/selftests
