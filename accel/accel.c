/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Accelerator lookup by -accel name.
 */
#include "util/osdep.h"
#include "accel/accel.h"

static const AccelOps *const accelerators[] = {
    &kvm_accel_ops,
    &qtest_accel_ops,
};

const AccelOps *accel_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(accelerators); i++) {
        if (name && !strcmp(accelerators[i]->name, name)) {
            return accelerators[i];
        }
    }
    return NULL;
}

void accel_print_help(FILE *out)
{
    fprintf(out, "Accelerators supported in kemu binary:\n");
    for (size_t i = 0; i < ARRAY_SIZE(accelerators); i++) {
        fprintf(out, "%s\n", accelerators[i]->name);
    }
}
