# SPDX-License-Identifier: GPL-2.0-or-later
# target/i386/: the x86 CPU models (-cpu); pure, used by main and accel/kvm.
obj-y += target/i386/cpu-model.o target/i386/cpu-model-table.o
