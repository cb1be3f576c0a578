/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The accelerators: what runs (or, for qtest, stands in for) the guest's
 * CPUs.  Each is an AccelOps (hw/core/machine.h) found by its -accel name;
 * devices never include this header, they reach the accelerator through
 * the machine.
 */
#ifndef KEMU_ACCEL_ACCEL_H
#define KEMU_ACCEL_ACCEL_H

#include "hw/core/machine.h"

/* accel/kvm/kvm-all.c: guest code on the host's KVM. */
extern const AccelOps kvm_accel_ops;
/* accel/qtest/: no guest code; the qtest protocol drives the machine. */
extern const AccelOps qtest_accel_ops;

/** accel_find - the accelerator -accel NAME names, or NULL. */
const AccelOps *accel_find(const char *name);

/** accel_print_help - "-accel help": the accelerators, one per line. */
void accel_print_help(FILE *out);

#endif
