# SPDX-License-Identifier: GPL-2.0-or-later
# accel/kvm/: every .c here is part of the core.
obj-y += $(patsubst %.c,%.o,$(wildcard accel/kvm/*.c))
