/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Creating a device from options, as `-device` and QMP's device_add do.
 */
#ifndef KEMU_SYSTEM_DEVICE_ADD_H
#define KEMU_SYSTEM_DEVICE_ADD_H

#include "util/option.h"
#include "hw/core/machine.h"

/**
 * qdev_device_add - create, configure and realize the device opts describe
 * (driver=TYPE, id=, bus=, then properties).  The device goes to
 * /machine/peripheral/<id> (or peripheral-anon) before its properties are
 * set; on any error it is removed again and errp names what was wrong.
 * Every key must be used: an unknown property is an error.
 * Return: the device (owned by the tree), or NULL.
 */
DeviceState *qdev_device_add(MachineState *ms, KemuOpts *opts, Error **errp);

/**
 * qdev_device_hotplug - device_add once the machine is built: as
 * qdev_device_add(), for a hotpluggable class ("Parameter 'driver' expects
 * a pluggable device type") on a hotpluggable bus ("Bus 'pci.0' does not
 * support hotplugging"); the device is marked hotplugged and its bus's
 * hotplug handler tells the guest.
 */
DeviceState *qdev_device_hotplug(MachineState *ms, KemuOpts *opts,
                                 Error **errp);

/**
 * qdev_unplug - device_del: refuse what cannot go (hw/core/hotplug.h's
 * qdev_unplug_check, or "Device ID is already in the process of unplug"
 * while a request is pending), else ask the bus's hotplug handler to have
 * the guest release dev.  DEVICE_DELETED {"device": id, "path"} goes to
 * the QMP clients once the device is gone: on the pc when the guest ejects
 * its slot (or at the next reset), at once for a device never realized or
 * on a handler that does not ask the guest.
 */
bool qdev_unplug(MachineState *ms, DeviceState *dev, Error **errp);

/**
 * qdev_device_check - everything qdev_device_add checks before it needs
 * the board: the driver, id= (well-formed and not taken), and each
 * property value, set on a device that is created (-global values first)
 * and put at /machine/peripheral but not realized.  The caller removes it
 * with object_unparent() -- after checking every -device, so that ids and
 * backends two of them claim clash here too.  bus= is checked when the
 * device is added for real, once the board made its buses.
 * Return: the unrealized device (owned by the tree), or NULL and @errp.
 */
DeviceState *qdev_device_check(MachineState *ms, KemuOpts *opts, Error **errp);

/**
 * qdev_device_check_driver - whether opts name a device type -device may
 * create; the one-line error otherwise.
 */
bool qdev_device_check_driver(KemuOpts *opts, Error **errp);

/** qdev_find_bus - the bus named name anywhere in the machine, or NULL. */
BusState *qdev_find_bus(MachineState *ms, const char *name);

/** qdev_find_bus_by_type - the first bus of typename in the machine. */
BusState *qdev_find_bus_by_type(MachineState *ms, const char *typename);

/**
 * qdev_device_help - `-device help` / `-device TYPE,help` for opts when
 * they ask for help.  Return: true if help was asked for (and printed,
 * or errp set for an unknown type).
 */
bool qdev_device_help(KemuOpts *opts, Error **errp);

#endif
