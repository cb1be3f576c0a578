# SPDX-License-Identifier: GPL-2.0-or-later
# chardev/: the chardev core, its frontend API and the backends.
obj-y += $(patsubst %.c,%.o,$(wildcard chardev/*.c))
