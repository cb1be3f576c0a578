# SPDX-License-Identifier: GPL-2.0-or-later
# kemu's non-recursive Makefile.  Each folder contributes a *.mk fragment that
# appends object names (relative to the tree root) to:
#   obj-y        objects of the emulator core, linked into kemu-system-x86_64
#                and into the unit-test runner (so every type_init is present)
#   main-obj-y   objects only the emulator binary links (system/main.o)
#   unit-obj-y   CUnit suites linked into build/tests/unit/unit-tests
#   qtest-y      qtest programs: tests/qtest/NAME (built from NAME.c + libqos)
# All objects are linked as objects, never through archives, so the
# constructor-fed type registry keeps every type.

BUILD := build
-include $(BUILD)/config.mak

# A fresh tree configures itself (installing missing Debian packages), so
# that `make check` and `make run` work with nothing done by hand.
$(BUILD)/config.mak: configure VERSION
	./configure --install-deps

# Warnings: -Wall -Wextra -Werror, with these turned off:
#   -Wno-unused-parameter           callbacks in vtables take arguments they
#                                   do not all use (MemoryRegionOps, class_init)
#   -Wno-missing-field-initializers designated initializers leave fields zero
#                                   on purpose (TypeInfo, Property tables)
#   -Wno-sign-compare               guest-register arithmetic mixes widths;
#                                   bounds are checked explicitly instead
WARN := -Wall -Wextra -Werror -Wno-unused-parameter \
        -Wno-missing-field-initializers -Wno-sign-compare
CFLAGS ?= -O2 -g
SAN_FLAGS :=
ifeq ($(SANITIZERS),yes)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
ALL_CFLAGS := -std=gnu11 $(WARN) $(CFLAGS) $(SAN_FLAGS) -D_GNU_SOURCE \
              -I. -I$(BUILD) $(EMU_CFLAGS) -MMD -MP
ALL_LDFLAGS := $(LDFLAGS) $(SAN_FLAGS)

obj-y :=
main-obj-y :=
unit-obj-y :=
qtest-y :=
libqos-obj-y :=
img-obj-y :=

include $(sort $(wildcard */*.mk */*/*.mk */*/*/*.mk))

EMU := $(BUILD)/kemu-system-x86_64
UNIT := $(BUILD)/tests/unit/unit-tests
IMG := $(BUILD)/kemu-img

OBJS := $(addprefix $(BUILD)/,$(obj-y))
MAIN_OBJS := $(addprefix $(BUILD)/,$(main-obj-y))
UNIT_OBJS := $(addprefix $(BUILD)/,$(unit-obj-y))
LIBQOS_OBJS := $(addprefix $(BUILD)/,$(libqos-obj-y))
QTESTS := $(addprefix $(BUILD)/,$(qtest-y))
IMG_OBJS := $(addprefix $(BUILD)/,$(img-obj-y))

.PHONY: all check check-unit check-qtest check-guest check-linux install clean \
        format format-check run
.DEFAULT_GOAL := all
# Keep the qtest objects that pattern rules build on the way: without this
# make deletes them as intermediates and rebuilds them on every run.
.SECONDARY:

all: $(EMU) $(UNIT) $(QTESTS) $(if $(img-obj-y),$(IMG))

$(BUILD)/%.o: %.c $(BUILD)/config.mak
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(EMU): $(OBJS) $(MAIN_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(EMU_LIBS) -lutil

$(UNIT): $(OBJS) $(UNIT_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(EMU_LIBS) $(CUNIT_LIBS) -lutil

$(IMG): $(IMG_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(EMU_LIBS)

$(BUILD)/tests/qtest/%: $(BUILD)/tests/qtest/%.o $(LIBQOS_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(EMU_LIBS) $(CUNIT_LIBS)

check-unit: $(UNIT)
	$(UNIT)

check-qtest: $(EMU) $(QTESTS)
	QTEST_QEMU_BINARY=$(EMU) tests/qtest/run.sh $(QTESTS)

# Real guests: kemu's own bare-metal guests on the host's KVM, and Linux
# guests (nested under QEMU's TCG where the host's KVM cannot boot Linux).
check-guest: $(EMU) bare-guests
	tests/guest/bare/run.sh $(EMU)

check-linux: $(EMU)
	tests/guest/linux/run-checks.sh $(EMU)

# QEMU 7.2's own device tests (qos-test, built from Debian's qemu source
# package into build/qemu-tests) against kemu; tests/qemu/run.sh.
.PHONY: check-qemu
check-qemu: $(EMU)
	tests/qemu/run.sh $(EMU)

check: all bare-guests
	tests/run-all.sh $(EMU)

# A Linux guest with a shell on the serial console and an e1000 on slirp.
run: $(EMU)
	tests/guest/linux/run-shell.sh $(EMU) -netdev user,id=n0 \
	    -device e1000,netdev=n0

install: $(EMU) $(if $(img-obj-y),$(IMG))
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $^ $(DESTDIR)$(PREFIX)/bin/

# Tracked files and untracked ones git does not ignore (new files are checked
# before their first commit); kemu's own guests keep their own style.
FORMAT_SRCS = $(shell { git ls-files '*.c' '*.h'; \
                        git ls-files --others --exclude-standard '*.c' '*.h'; \
                      } 2>/dev/null | grep -v '^tests/guest/' | sort -u)
format:
	clang-format -i $(FORMAT_SRCS)
format-check:
	clang-format --dry-run --Werror $(FORMAT_SRCS)

# Who may include whom (docs/devel/architecture.md, "Layers"); the rules are
# in the script.  The self-test checks that it catches a planted violation.
.PHONY: check-layering
check-layering:
	scripts/check-layering.py --self-test
	scripts/check-layering.py

clean:
	rm -rf $(BUILD)/*/ $(EMU) $(IMG)

-include $(shell find $(BUILD) -path $(BUILD)/guest -prune -o -name '*.d' -type f -print 2>/dev/null)
