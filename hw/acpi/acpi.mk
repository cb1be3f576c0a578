# SPDX-License-Identifier: GPL-2.0-or-later
# hw/acpi/: every .c here is part of the core.
obj-y += $(patsubst %.c,%.o,$(wildcard hw/acpi/*.c))
