# SPDX-License-Identifier: GPL-2.0
#
# MPTCPsec: the single entry point.  Everything generated goes to build/.
#
#   make demo     build, boot, and show one modified byte against TLS over
#                 MPTCP, plain MPTCP and MPTCPsec (Figure 9; main job)
#   make check    build, boot and run every test; ends with "N passed, N failed, N skipped"
#   make help     all targets
#
# Both install what is missing from Debian's packages first (make deps).

SHELL := /bin/bash
REPO := $(abspath .)
BUILD ?= $(REPO)/build
T := $(REPO)/tools/testing/mptcpsec
export BUILD

# Debian packages the build and the tests need.
DEB_PKGS := linux-source-6.1 gcc make flex bison bc libelf-dev libssl-dev \
	cpio dwarves ccache sparse qemu-system-x86 iproute2 iputils-ping \
	nftables iptables tcpdump socat iperf3 mptcpd python3-scapy \
	python3-cryptography openssl python3-docutils ethtool procps \
	libnetfilter-queue-dev python3-matplotlib

# Extra options for run-vm.sh, e.g. VM_OPTS=--kvm
VM_OPTS ?=

.PHONY: help deps kernel kernel-test kernel-perf kernel-nosec tools check check-host \
	check-vm check-upstream-full check-upstream-join check-topo check-long series check-series demo attack bench vm-shell clean distclean

help:
	@sed -n '3,11p' Makefile | sed 's/^# \{0,1\}//'
	@echo "Other targets:"
	@echo "  deps                 install missing Debian packages (apt-get)"
	@echo "  kernel               both kernels: kernel-test (debug) and kernel-perf"
	@echo "  kernel-nosec         compile net/mptcp/ with CONFIG_MPTCP_SEC=n (make check does)"
	@echo "  tools                test programs and upstream selftests"
	@echo "  check-upstream-full  all upstream MPTCP selftests in the VM (long)"
	@echo "  check-topo           the topology library's own tests (not in check)"
	@echo "  check-long           sec_transfer_64M, mptcp_join.sh -f -s -r -b (not in check)"
	@echo "  check-upstream-join  all of mptcp_join.sh, plain and MPTCPsec (long)"
	@echo "  series               the patch series -> build/series/ (git format-patch,"
	@echo "                       cover letter), checkpatch --strict counts"
	@echo "  check-series         git am the series on the pristine source, build"
	@echo "                       after every patch (=y) and at the end (=n); long"
	@echo "  attack               the attack matrix (perf kernel) -> build/attack/matrix.md"
	@echo "  bench                Figure 8: MPTCP, TLS/MPTCP, MPTCPsec throughput and"
	@echo "                       AEAD speed (perf kernel; BENCH_SIZE, BENCH_REPEATS)"
	@echo "  vm-shell             boot the test kernel to a shell"
	@echo "  clean / distclean    remove kernel builds / all of build/"

# Idempotent and quiet when everything is there.
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q '^install ok installed$$' || echo $$p; done); \
	mkdir -p $(BUILD); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing" $$missing; \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing \
			> $(BUILD)/apt.log 2>&1 || \
			{ tail -n 20 $(BUILD)/apt.log; exit 1; }; \
	fi

kernel: kernel-test kernel-perf

kernel-test kernel-perf kernel-nosec: kernel-%: deps
	@$(T)/build-kernel.sh $*

tools: kernel-test
	@$(T)/build-tools.sh

check: deps kernel-test kernel-perf tools
	@$(T)/check.sh

# The whole upstream MPTCP selftest suite (mptcp_join.sh alone takes more
# than 15 minutes under TCG); not part of `make check`.
check-upstream-full: deps kernel-test tools
	@$(T)/check.sh --upstream-full

# The long runs kept out of `make check` for its time: sec_transfer_64M and
# upstream's mptcp_join.sh groups -f -s -r -b (perf kernel).
check-long: deps kernel-perf tools
	@$(T)/check.sh --long

# The test harness's own tests (lib/topo.sh), kept out of `make check` to
# hold it under an hour on a built tree.
check-topo: deps kernel-test tools
	@$(T)/check.sh --topo

# The whole of upstream's mptcp_join.sh on the perf kernel, twice: plain
# MPTCP (a test) and every socket MPTCPsec-required (a report: counts).
check-upstream-join: deps kernel-perf tools
	@$(T)/vm/run-vm.sh $(VM_OPTS) --out $(BUILD)/vm/join \
		--kernel $(BUILD)/kernel-perf/arch/x86/boot/bzImage \
		upstream_mptcp_join_full:3600 upstream_mptcp_join_sec:3600

# The patch series, generated from patches/series and our files:
# build/series/ (git format-patch, cover letter), checkpatch --strict counts.
series: deps kernel-test
	@$(T)/series.sh gen

# git am the series onto a git tree of the pristine source and build the
# kernel after every patch (CONFIG_MPTCP_SEC=y), the whole series also =n.
check-series: series
	@$(T)/series.sh check

demo: deps kernel-test tools
	@$(T)/demo.sh

# Every attack of tools/testing/mptcpsec/attack against plain MPTCP, TLS over
# MPTCP and MPTCPsec; the table goes to build/attack/matrix.{md,csv}.
attack: deps kernel-perf tools
	@$(T)/vm/run-vm.sh $(VM_OPTS) --out $(BUILD)/vm/attack \
		--kernel $(BUILD)/kernel-perf/arch/x86/boot/bzImage \
		attack_matrix:900; rc=$$?; \
	mkdir -p $(BUILD)/attack; \
	cp $(BUILD)/vm/attack/attack/matrix.md $(BUILD)/vm/attack/attack/matrix.csv \
		$(BUILD)/attack/ && cat $(BUILD)/attack/matrix.md; exit $$rc

# Figures, not tests (Figure 8): plain MPTCP, TLS/MPTCP and MPTCPsec
# throughput and the in-kernel AEAD speed in one VM run on the perf kernel
# (TCG: compare the ratios, not the absolute values); CSV, PNG and ratio
# table in build/bench/.  BENCH_SIZE (default 32M), BENCH_REPEATS (3).
bench: deps kernel-perf tools
	@VM_OPTS="$(VM_OPTS)" $(T)/bench.sh

vm-shell: kernel-test
	@$(T)/vm/run-vm.sh $(VM_OPTS) --shell

clean:
	rm -rf $(BUILD)/kernel-test $(BUILD)/kernel-perf $(BUILD)/kernel-nosec $(BUILD)/bin \
		$(BUILD)/selftests $(BUILD)/vm

distclean:
	rm -rf $(BUILD)
