/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The empty machine, `-machine none`, as QEMU's: no board, no devices and
 * no CPU; RAM at address 0 only when -m gives a size.  QMP and qtest work
 * on it, so tools probe the emulator with it (QEMU's qos-test builds its
 * device graph from query-machines and qom-list-types under
 * `-machine none -accel qtest`).
 */
#include "util/osdep.h"
#include "hw/core/machine.h"
#include "exec/memory.h"

#define TYPE_NULL_MACHINE "none" TYPE_MACHINE_SUFFIX

OBJECT_DECLARE_SIMPLE_TYPE(NullMachineState, NULL_MACHINE)

struct NullMachineState {
    MachineState parent_obj;

    MemoryRegion ram; /* -m, at 0; zeroed when there is none */
};

static void null_machine_init(MachineState *ms, Error **errp)
{
    NullMachineState *nms = NULL_MACHINE(ms);

    /*
     * No CPU: the accelerator starts none (-smp was checked: at most 1).
     * QEMU's none machine makes one for -cpu; kemu's refuses -cpu, and
     * what only a CPU would run, rather than ignore them.
     */
    ms->smp_cpus = 0;
    if (ms->cpu_model || ms->kernel_filename || ms->initrd_filename ||
        ms->firmware) {
        error_setg(errp, "%s: the none machine has no CPU",
                   ms->cpu_model         ? "-cpu"
                   : ms->kernel_filename ? "-kernel"
                   : ms->initrd_filename ? "-initrd"
                                         : "-bios");
        return;
    }
    if (!ms->ram_size) {
        return;
    }
    if (!memory_region_init_ram(&nms->ram, nms, "ram", ms->ram_size, errp)) {
        error_prepend(errp,
                      "-m %" PRIu64 "M: ", (uint64_t)(ms->ram_size / MiB));
        return;
    }
    memory_region_add_subregion(ms->system_memory, 0, &nms->ram);
}

static void null_machine_instance_finalize(Object *obj)
{
    memory_region_destroy(&NULL_MACHINE(obj)->ram);
}

static void null_machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->desc = "empty machine";
    mc->default_ram_size = 0; /* RAM only with -m */
    mc->max_cpus = 1;
    mc->init = null_machine_init;
}

static const TypeInfo null_machine_types[] = {
    {
        .name = TYPE_NULL_MACHINE,
        .parent = TYPE_MACHINE,
        .instance_size = sizeof(NullMachineState),
        .instance_finalize = null_machine_instance_finalize,
        .class_init = null_machine_class_init,
    },
};

DEFINE_TYPES(null_machine_types)
