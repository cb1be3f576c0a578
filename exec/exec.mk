# SPDX-License-Identifier: GPL-2.0-or-later
# exec/: the memory API (MemoryRegion, AddressSpace, FlatView).
obj-y += $(patsubst %.c,%.o,$(wildcard exec/*.c))
