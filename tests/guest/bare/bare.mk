# SPDX-License-Identifier: GPL-2.0-or-later
# kemu's bare-metal test guests: 32-bit freestanding PVH ELFs (one per check),
# a multiboot ELF and a flat -bios image, built with the host gcc/ld (-m32;
# no extra Debian package: the guests need no libc and no libgcc).  Included
# by the top Makefile; `make bare-guests` builds them into
# $(BUILD)/tests/guest/bare/.

BARE_SRC := tests/guest/bare
BARE_OUT := $(BUILD)/tests/guest/bare

BARE_CC ?= gcc
BARE_LD ?= ld
BARE_OBJCOPY ?= objcopy

# One ELF per check: NAME.c + the shared runtime (start.S, lib.c).
BARE_CHECKS := pvh serial pit nopit lapic-timer ioapic rtc fwcfg reset smp cpuid

# The test devices (pc-testdev, pci-testdev).
BARE_CHECKS += testdev

BARE_CFLAGS := -m32 -march=i686 -std=gnu11 -O2 -g -ffreestanding -nostdlib \
               -fno-pic -fno-pie -fno-stack-protector -fno-builtin \
               -fno-asynchronous-unwind-tables -fcf-protection=none \
               -mgeneral-regs-only -Wall -Wextra -Werror -MMD -MP
BARE_ASFLAGS := -m32 -march=i686 -fno-pic -fno-pie -Wall -Wextra -Werror \
                -MMD -MP
BARE_LDFLAGS := -m elf_i386 -nostdlib --build-id=none

BARE_RUNTIME := start lib
BARE_RUNTIME_OBJS := $(addprefix $(BARE_OUT)/,$(addsuffix .o,$(BARE_RUNTIME)))
BARE_ELFS := $(addprefix $(BARE_OUT)/,$(addsuffix .elf,$(BARE_CHECKS)))
BARE_BIOS := $(BARE_OUT)/bios-hello.bin

BARE_C_OBJS := $(addprefix $(BARE_OUT)/,$(addsuffix .o,lib $(BARE_CHECKS)))
BARE_S_OBJS := $(BARE_OUT)/start.o $(BARE_OUT)/trampoline.o \
               $(BARE_OUT)/bios-hello.o

.PHONY: bare-guests
bare-guests: $(BARE_ELFS) $(BARE_BIOS)

$(BARE_C_OBJS): $(BARE_OUT)/%.o: $(BARE_SRC)/%.c $(BARE_SRC)/bare.mk
	@mkdir -p $(dir $@)
	$(BARE_CC) $(BARE_CFLAGS) -c -o $@ $<

$(BARE_S_OBJS): $(BARE_OUT)/%.o: $(BARE_SRC)/%.S $(BARE_SRC)/bare.mk
	@mkdir -p $(dir $@)
	$(BARE_CC) $(BARE_ASFLAGS) -c -o $@ $<

# NAME.elf <- runtime + NAME.o (+ extra objects listed below).
$(BARE_ELFS): $(BARE_OUT)/%.elf: $(BARE_RUNTIME_OBJS) $(BARE_OUT)/%.o \
              $(BARE_SRC)/guest.ld
	$(BARE_LD) $(BARE_LDFLAGS) -T $(BARE_SRC)/guest.ld -o $@ \
	    $(filter %.o,$^)

# The multiboot check has its own entry (multiboot-start.S) and linker
# script; start.S still brings the GDT and interrupt stubs, its PVH note
# dropped.
BARE_MULTIBOOT := $(BARE_OUT)/multiboot.elf
BARE_MB_OBJS := $(BARE_OUT)/multiboot-start.o $(BARE_OUT)/multiboot.o

bare-guests: $(BARE_MULTIBOOT)

$(BARE_OUT)/multiboot.o: $(BARE_SRC)/multiboot.c $(BARE_SRC)/bare.mk
	@mkdir -p $(dir $@)
	$(BARE_CC) $(BARE_CFLAGS) -c -o $@ $<

$(BARE_OUT)/multiboot-start.o: $(BARE_SRC)/multiboot-start.S \
                               $(BARE_SRC)/bare.mk
	@mkdir -p $(dir $@)
	$(BARE_CC) $(BARE_ASFLAGS) -c -o $@ $<

$(BARE_MULTIBOOT): $(BARE_RUNTIME_OBJS) $(BARE_MB_OBJS) \
                   $(BARE_SRC)/multiboot.ld
	$(BARE_LD) $(BARE_LDFLAGS) -T $(BARE_SRC)/multiboot.ld -o $@ \
	    $(filter %.o,$^)

# The AP trampoline is linked into the smp check only.
$(BARE_OUT)/smp.elf: $(BARE_OUT)/trampoline.o

# The flat image is linked at offset 0 (run at F000:0000 and 0xffff0000).
$(BARE_OUT)/bios-hello.elf: $(BARE_OUT)/bios-hello.o
	$(BARE_LD) $(BARE_LDFLAGS) -Ttext=0 -o $@ $<

$(BARE_BIOS): $(BARE_OUT)/bios-hello.elf
	$(BARE_OBJCOPY) -O binary -j .text $< $@

-include $(wildcard $(BARE_OUT)/*.d)
