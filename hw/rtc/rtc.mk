# SPDX-License-Identifier: GPL-2.0-or-later
# hw/rtc/: every .c here is part of the core.
obj-y += $(patsubst %.c,%.o,$(wildcard hw/rtc/*.c))
