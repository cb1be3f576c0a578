# SPDX-License-Identifier: GPL-2.0-or-later
# Per-exit benchmark guests: one 64 KiB flat -bios image per exit kind, all
# from exits.S, into $(BUILD)/bench/exits/ (`make bench-exits-guests`), with
# a `counts` file (kind and number of exits per line) for bench/exits/run.sh.
# Built with the host gcc/ld/objcopy; no extra Debian package.

EXITS_SRC := bench/exits
EXITS_OUT := $(BUILD)/bench/exits

EXITS_CC ?= gcc
EXITS_LD ?= ld
EXITS_OBJCOPY ?= objcopy

# Kind -> KIND_* constant in exits.S, and exits per run (a multiple of 10).
# Sized for about half a second each at QEMU's cost on kvm_pvm hosts.
EXITS_KINDS := empty loop pio-out pio-in mmio-write mmio-read uart idle
EXITS_KIND_empty := KIND_EMPTY
EXITS_KIND_loop := KIND_LOOP
EXITS_KIND_pio-out := KIND_PIO_OUT
EXITS_KIND_pio-in := KIND_PIO_IN
EXITS_KIND_mmio-write := KIND_MMIO_WRITE
EXITS_KIND_mmio-read := KIND_MMIO_READ
EXITS_KIND_uart := KIND_UART
EXITS_KIND_idle := KIND_IDLE
EXITS_N_empty := 0
EXITS_N_loop := 100000
EXITS_N_pio-out := 100000
EXITS_N_pio-in := 100000
EXITS_N_mmio-write := 100000
EXITS_N_mmio-read := 100000
EXITS_N_uart := 50000
EXITS_N_idle := 0

EXITS_ASFLAGS := -m32 -march=i686 -fno-pic -fno-pie -Wall -Wextra -Werror \
                 -MMD -MP
EXITS_BIOS_BASE := 0xf0000
EXITS_BINS := $(addprefix $(EXITS_OUT)/,$(addsuffix .bin,$(EXITS_KINDS)))
EXITS_OBJS := $(addprefix $(EXITS_OUT)/,$(addsuffix .o,$(EXITS_KINDS)))
EXITS_ELFS := $(addprefix $(EXITS_OUT)/,$(addsuffix .elf,$(EXITS_KINDS)))

.PHONY: bench-exits-guests
bench-exits-guests: $(EXITS_BINS) $(EXITS_OUT)/counts

$(EXITS_OBJS): $(EXITS_OUT)/%.o: $(EXITS_SRC)/exits.S $(EXITS_SRC)/exits.mk
	@mkdir -p $(dir $@)
	$(EXITS_CC) $(EXITS_ASFLAGS) -DEXIT_KIND=$(EXITS_KIND_$*) \
	    -DEXIT_COUNT=$(EXITS_N_$*) -c -o $@ $<

$(EXITS_ELFS): $(EXITS_OUT)/%.elf: $(EXITS_OUT)/%.o
	$(EXITS_LD) -m elf_i386 -nostdlib --build-id=none \
	    -Ttext=$(EXITS_BIOS_BASE) -o $@ $<

$(EXITS_BINS): $(EXITS_OUT)/%.bin: $(EXITS_OUT)/%.elf
	$(EXITS_OBJCOPY) -O binary -j .text $< $@

$(EXITS_OUT)/counts: $(EXITS_SRC)/exits.mk
	@mkdir -p $(dir $@)
	printf '%s\n' $(foreach k,$(EXITS_KINDS),'$(k) $(EXITS_N_$(k))') >$@

-include $(wildcard $(EXITS_OUT)/*.d)
