# SPDX-License-Identifier: GPL-2.0
#
# make                 kpptp.ko (against KDIR) and the userspace tools
# make guest-modules   kpptp.ko and the tools built inside the test guest's
#                      rootfs (trixie, kernel 6.12), which is built if needed
# make check           userspace unit tests, KUnit suites, guest test suite
# make kunit           KUnit suites (kernel/*_test.c) on User-Mode Linux
# make demo            boot the guest, bring up a live PPP link over kpptp.ko
# make bench           boot the guest once, benchmark kpptp against pptp.ko,
#                      veth and userspace PPTP; table in README.md
# make sparse / checkpatch / W1   kernel code checks (against the guest tree)

KDIR ?= /lib/modules/$(shell uname -r)/build
VM := tests/vm/guest.sh

all: module userspace

module:
	@if [ -d "$(KDIR)" ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) modules; \
	else \
		echo "  SKIP kpptp.ko: no kernel tree at $(KDIR) (set KDIR=, or use 'make guest-modules')"; \
	fi

userspace:
	$(MAKE) -C userspace

guest-modules:
	$(VM) build

check:
	tests/host-deps.sh check
	tests/check.sh

kunit:
	tests/host-deps.sh check
	tests/kunit/run.sh

demo:
	tests/host-deps.sh demo
	$(VM) demo

bench:
	tests/bench/run.sh

# Kernel checks run in the guest rootfs against the 6.12 headers.
W1:
	$(VM) chroot "make -C /src module KDIR=\$$(ls -d /usr/src/linux-headers-*-amd64 | head -1) W=1"

sparse:
	$(VM) chroot "make -C /src module KDIR=\$$(ls -d /usr/src/linux-headers-*-amd64 | head -1) C=2"

checkpatch:
	tests/checkpatch.sh

clean:
	rm -rf build .tmp_versions
	find . -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name 'Module.symvers' -o -name 'modules.order' \
		| grep -v '^./.git' | xargs rm -f
	$(MAKE) -C userspace clean

.PHONY: all module userspace guest-modules check kunit demo bench W1 sparse checkpatch clean
