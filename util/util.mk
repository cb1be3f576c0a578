# SPDX-License-Identifier: GPL-2.0-or-later
# util/: every .c here is part of the core.
obj-y += $(patsubst %.c,%.o,$(wildcard util/*.c))
