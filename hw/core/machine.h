/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine object: what the command line configured, the memory and I/O
 * address spaces, the system bus, the services the devices use (main loop,
 * clocks), the accelerator behind it, and the run state.  Everything that
 * is not the type registry hangs off this object (DESIGN.md).
 *
 * The machine lock: device state is touched only by the main thread or by
 * a vCPU thread holding ms->lock (see docs/devel/threading.md).
 */
#ifndef KEMU_HW_MACHINE_H
#define KEMU_HW_MACHINE_H

#include "hw/core/qdev.h"
#include "hw/core/sysbus.h"

typedef struct MemoryRegion MemoryRegion;
typedef struct AddressSpace AddressSpace;
typedef struct MainLoop MainLoop;
typedef struct KemuClocks KemuClocks;
typedef struct NetState NetState;

#define TYPE_MACHINE "machine"
/* A machine type is "NAME-machine"; `-machine NAME` finds it. */
#define TYPE_MACHINE_SUFFIX "-machine"

OBJECT_DECLARE_TYPE(MachineState, MachineClass, MACHINE)

/**
 * AccelOps - what a machine and its devices need from the accelerator.
 * Devices never include accel/: they reach these through the machine.
 * Every hook may be NULL where the accelerator has nothing to do.
 */
typedef struct AccelOps {
    const char *name;                         /* "kvm", "qtest" */
    /* Create the VM (before the machine builds its board). */
    bool (*init)(MachineState *ms, Error **errp);
    /* Board built, RAM mapped: create and start the vCPUs. */
    bool (*start)(MachineState *ms, Error **errp);
    /* Drive global system interrupt gsi (an IOAPIC pin / ISA IRQ). */
    void (*set_gsi)(MachineState *ms, int gsi, int level);
    /* Deliver an MSI (address/data as the device wrote them). */
    void (*send_msi)(MachineState *ms, uint64_t addr, uint32_t data);
    /* Pause / resume every vCPU (QMP stop/cont); reset their state. */
    void (*pause)(MachineState *ms);
    void (*resume)(MachineState *ms);
    void (*reset_vcpus)(MachineState *ms);
    /* Tear down (vCPU threads joined, fds closed). */
    void (*shutdown)(MachineState *ms);
} AccelOps;

typedef enum RunState {
    RUN_STATE_PRELAUNCH,   /* -S: built, vCPUs not running */
    RUN_STATE_RUNNING,
    RUN_STATE_PAUSED,      /* QMP stop */
    RUN_STATE_SHUTDOWN,    /* shut down: the process is exiting */
} RunState;

struct MachineClass {
    ObjectClass parent_class;
    const char *name;          /* "pc": what -machine takes */
    const char *alias;         /* another name -machine takes, or NULL */
    const char *desc;
    bool is_default;
    uint64_t default_ram_size;
    int max_cpus;
    /* Build the board: RAM, buses, built-in devices, firmware/kernel. */
    void (*init)(MachineState *ms, Error **errp);
    /* Machine-specific reset work after every device was reset. */
    void (*reset)(MachineState *ms);
};

struct MachineState {
    Object parent_obj;

    /* Configured from the command line before init. */
    uint64_t ram_size;
    int smp_cpus;
    char *kernel_filename;
    char *initrd_filename;
    char *kernel_cmdline;
    char *firmware;            /* -bios */
    char *name;                /* -name */
    bool no_reboot;
    bool no_shutdown;
    bool nographic;
    bool start_paused;         /* -S */

    /* Built by machine_create / the board's init. */
    MemoryRegion *system_memory;
    MemoryRegion *system_io;
    AddressSpace *as_memory;
    AddressSpace *as_io;
    SysBusState *sysbus;

    /* Services. */
    MainLoop *main_loop;
    KemuClocks *clocks;
    NetState *net;             /* the net layer's clients (-netdev) */
    char *serial_chardev[4];   /* chardev ids for COM1..COM4 (-serial) */
    char *rtc_base;            /* -rtc base= ("utc", "localtime", date) */
    char *rtc_clock;           /* -rtc clock= ("host", "rt", "vm") */
    const AccelOps *accel;
    void *accel_state;         /* the accelerator's own state */
    GRecMutex lock;            /* the machine lock */

    /* Run state; changed only on the main thread. */
    RunState runstate;
    int exit_status;           /* the process exit status on shutdown */
    GSList *state_notifiers;   /* MachineNotifier * */
};

/**
 * MachineNotifier - told of run-state events (QMP turns them into events).
 */
typedef enum MachineEvent {
    MACHINE_EVENT_RESET,
    MACHINE_EVENT_SHUTDOWN,
    MACHINE_EVENT_STOP,
    MACHINE_EVENT_RESUME,
    MACHINE_EVENT_POWERDOWN,
} MachineEvent;

typedef struct MachineNotifier {
    void (*notify)(struct MachineNotifier *n, MachineEvent event,
                   const char *reason, bool guest);
} MachineNotifier;

void machine_add_notifier(MachineState *ms, MachineNotifier *n);
void machine_remove_notifier(MachineState *ms, MachineNotifier *n);

/** machine_class_find - the class -machine NAME names, or NULL. */
MachineClass *machine_class_find(const char *name);
/** machine_class_default - the class used without -machine. */
MachineClass *machine_class_default(void);
/** machine_print_help - "-machine help". */
void machine_print_help(FILE *out);

/* The machine lock (a recursive mutex). */
static inline void machine_lock(MachineState *ms)
{
    g_rec_mutex_lock(&ms->lock);
}

static inline void machine_unlock(MachineState *ms)
{
    g_rec_mutex_unlock(&ms->lock);
}

/*
 * Requests from devices and vCPU threads; each is carried out on the main
 * thread (safe to call from any thread, with or without the lock).
 */

/**
 * machine_request_shutdown - end the run with exit status (isa-debug-exit,
 * ACPI poweroff: 0, QMP quit).  reason is for the SHUTDOWN event:
 * "guest-shutdown", "host-qmp-quit", "host-signal", "guest-reset"...
 */
void machine_request_shutdown(MachineState *ms, int status,
                              const char *reason, bool guest);
/** machine_request_reset - reset the machine, or shut down under -no-reboot. */
void machine_request_reset(MachineState *ms, const char *reason, bool guest);
/** machine_request_powerdown - press the power button (QMP). */
void machine_request_powerdown(MachineState *ms);

/** machine_reset - reset every device and the vCPUs now (main thread). */
void machine_reset(MachineState *ms);
/** machine_pause / machine_resume - QMP stop / cont (main thread). */
void machine_pause(MachineState *ms);
void machine_resume(MachineState *ms);

/**
 * qdev_get_machine - the machine of the tree dev is in (a device is put in
 * the tree before its properties are set, so property parsers may call it).
 */
MachineState *qdev_get_machine(DeviceState *dev);

/** machine_add_peripheral - put a -device device at /machine/peripheral. */
void machine_add_peripheral(MachineState *ms, DeviceState *dev);
/** machine_add_unattached - a board's built-in device at /machine/unattached. */
void machine_add_unattached(MachineState *ms, DeviceState *dev);

#endif
