# SPDX-License-Identifier: GPL-2.0-or-later
# system/: main.c makes the emulator binary; the qtest server and -device /
# device_add are core (the unit tests link them too).
obj-y += $(patsubst %.c,%.o,$(filter-out system/main.c,$(wildcard system/*.c)))
main-obj-y += system/main.o
