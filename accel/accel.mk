# SPDX-License-Identifier: GPL-2.0-or-later
# accel/: the accelerator lookup; every .c here is part of the core.
obj-y += $(patsubst %.c,%.o,$(wildcard accel/*.c))
