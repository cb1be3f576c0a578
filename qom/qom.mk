# SPDX-License-Identifier: GPL-2.0-or-later
# qom/: every .c here is part of the core.
obj-y += $(patsubst %.c,%.o,$(wildcard qom/*.c))
