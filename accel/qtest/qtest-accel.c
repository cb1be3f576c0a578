/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest accelerator (see qtest-accel.h): the machine runs no guest
 * code, only the qtest protocol's accesses and the manual virtual clock.
 */
#include "util/osdep.h"
#include "util/timer.h"
#include "exec/memory.h"
#include "accel/qtest/qtest-accel.h"

static void qtest_accel_manual_clock(MachineState *ms)
{
    if (ms->clocks && !clock_virtual_is_manual(ms->clocks)) {
        clock_virtual_set_manual(ms->clocks, true);
    }
}

static bool qtest_accel_init(MachineState *ms, Error **errp)
{
    qtest_accel_manual_clock(ms);
    return true;
}

static bool qtest_accel_start(MachineState *ms, Error **errp)
{
    /* In case the clocks were made after init: time never runs by itself. */
    qtest_accel_manual_clock(ms);
    return true;
}

static void qtest_accel_set_gsi(MachineState *ms, int gsi, int level)
{
    /* No interrupt controller to drive: tests intercept the lines. */
}

static void qtest_accel_send_msi(MachineState *ms, uint64_t addr, uint32_t data)
{
    address_space_stl_le(ms->as_memory, addr, data, NULL);
}

const AccelOps qtest_accel_ops = {
    .name = "qtest",
    .init = qtest_accel_init,
    .start = qtest_accel_start,
    .set_gsi = qtest_accel_set_gsi,
    .send_msi = qtest_accel_send_msi,
};
