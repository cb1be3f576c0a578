# SPDX-License-Identifier: GPL-2.0-or-later
# system/: main.c makes the emulator binary; the rest is core.
obj-y += $(patsubst %.c,%.o,$(filter-out system/main.c,$(wildcard system/*.c)))
main-obj-y += system/main.o
