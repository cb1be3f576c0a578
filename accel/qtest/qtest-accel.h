/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest accelerator: no vCPU runs; a test drives the machine through
 * the qtest protocol server (system/qtest.c) and steps the virtual clock.
 */
#ifndef KEMU_ACCEL_QTEST_H
#define KEMU_ACCEL_QTEST_H

#include "hw/core/machine.h"

/**
 * qtest_accel_ops - "-accel qtest".  init puts the virtual clock in manual
 * mode (it moves only by the protocol's clock_step/clock_set); there is no
 * vCPU; GSI changes go nowhere but to whoever intercepts the interrupt
 * controller's lines (irq_intercept_in ioapic); an MSI is carried out as
 * the 4-byte memory write it is, so a test that points a device's MSI
 * address at guest RAM sees the data land there.
 */
extern const AccelOps qtest_accel_ops;

#endif
