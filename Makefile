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
# make bench-relay     relay chains of 1, 2 and 4 gateways, routed,
#                      transparent and terminating: tests/bench/results/relay.md
# make check-6.1       the guest test suite on the bookworm guest (kernel 6.1,
#                      pppd 2.4.9); TESTS="NAME..." runs a part
# make check-debug     the guest test suite on the debug kernel (KASAN,
#                      kmemleak, lockdep...; tests/vm/debug-kernel.sh builds
#                      it once, 30-60 min); TESTS="NAME..." runs a part
# make fuzz-kernel     30 minutes of netlink, socket ABI and GRE fuzzing in
#                      the guest, 10^6 packets (test 51, full size)
# make fuzz-long       every userspace libFuzzer harness for 10^7 executions
#                      (ASan, UBSan); new coverage merged into tests/fuzz/corpus
#                      (FUZZ="NAME..." for some, FUZZ_RUNS=N for another count,
#                      FUZZ_MAX_SECONDS=S to stop each sooner)
# make soak            10^5 call and 10^3 namespace cycles (test 50, full size),
#                      200 namespaces deleted under a GRE flood (test 40)
#                      (both with KPPTP_GUEST_KERNEL=debug: on the debug kernel)
# make deb             Debian packages (debian/) built and lintian-checked in
#                      clean trixie and bookworm chroots: build/deb/SUITE/
# make check-deb       the trixie packages installed in the guest (test 70)
# make kernels         kpptp.ko compiled (W=1, sparse) against Debian's 6.1,
#                      6.12 and newest kernel headers (tests/kbuild.sh)
# make intree          scripts/intree.sh into trixie's linux-source-6.12 (an
#                      overlay of it) and the kernel's own build of kpptp.ko
# make sparse / checkpatch / W1   kernel code checks (against the guest tree)

KDIR ?= /lib/modules/$(shell uname -r)/build
VM := tests/vm/guest.sh
# The guest's host packages; KPPTP_GUEST_KERNEL=debug (fuzz-kernel, soak and
# check-debug on the debug kernel) also needs what builds that kernel.
GUEST_DEPS := $(if $(filter debug,$(KPPTP_GUEST_KERNEL)),debug,demo)

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

check-6.1:
	tests/host-deps.sh demo
	KPPTP_GUEST=bookworm $(VM) run $(TESTS)

check-debug:
	tests/host-deps.sh debug
	KPPTP_GUEST_KERNEL=debug $(VM) run $(TESTS)

demo:
	tests/host-deps.sh demo
	$(VM) demo

bench:
	tests/bench/run.sh

# Relay chains (1, 2, 4 gateways; routed, transparent, terminating):
# tests/bench/results/relay.md
bench-relay:
	tests/host-deps.sh bench
	$(VM) bench-relay
	/usr/bin/python3 tests/bench/relay_report.py --readme README.md \
		--rounds $${KPPTP_BENCH_ROUNDS:-5} --seconds $${KPPTP_BENCH_T:-3} \
		tests/bench/results

deb:
	tests/host-deps.sh demo
	packaging/deb.sh $(SUITES)

kernels:
	tests/host-deps.sh demo
	tests/kbuild.sh

intree:
	tests/host-deps.sh intree
	tests/intree-check.sh

check-deb:
	tests/host-deps.sh demo
	packaging/deb.sh trixie
	$(VM) run 70-deb-packages

fuzz-kernel:
	tests/host-deps.sh $(GUEST_DEPS)
	KPPTP_KFUZZ_SECONDS=1800 KPPTP_KFUZZ_PACKETS=1000000 \
		KPPTP_TEST_TIMEOUT=2400 $(VM) run 51-kernel-fuzz

fuzz-long:
	tests/host-deps.sh check
	$(MAKE) -C userspace O=$(CURDIR)/build/fuzz fuzz
	KPPTP_FUZZ_DIR=build/fuzz nice tests/fuzz/long.sh $(FUZZ)

soak:
	tests/host-deps.sh $(GUEST_DEPS)
	KPPTP_SOAK_CALLS=100000 KPPTP_SOAK_NETNS=1000 KPPTP_NETNS_ROUNDS=200 \
		KPPTP_TEST_TIMEOUT=7200 $(VM) run 50-churn-soak 40-netns-exit

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

.PHONY: all module userspace guest-modules check check-6.1 check-debug kunit demo bench bench-relay deb check-deb kernels intree fuzz-kernel fuzz-long soak W1 sparse checkpatch clean
