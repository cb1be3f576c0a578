# SPDX-License-Identifier: GPL-2.0-or-later
# hw/virtio/: the virtio core, the PCI transport and the virtio-*-pci glue.
obj-y += $(patsubst %.c,%.o,$(wildcard hw/virtio/*.c))
