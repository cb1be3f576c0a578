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
#include "hw/core/qdev-properties.h" /* OnOffAuto */
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
 * MachineBootCPU - how the bootstrap processor starts after every reset,
 * filled by the board's loaders.  All zero is the architectural reset
 * state: real mode at F000:FFF0 (firmware, -bios).  With @flat32 it starts
 * in 32-bit protected mode at @eip with paging off, flat 4 GiB code and
 * data segments, CR0 = PE|ET and EFLAGS = 2 (the PVH, Linux 32-bit and
 * multiboot protocols), with EAX, EBX and ESI as given.  Application
 * processors always wait for INIT/SIPI.
 */
typedef struct MachineBootCPU {
    bool flat32;
    uint32_t eip;
    uint32_t eax; /* multiboot: 0x2BADB002 */
    uint32_t ebx; /* PVH: the struct hvm_start_info address */
    uint32_t esi; /* Linux 32-bit boot: the boot_params address */
} MachineBootCPU;

/**
 * AccelOps - what a machine and its devices need from the accelerator.
 * Devices never include accel/: they reach these through the machine.
 * Every hook may be NULL where the accelerator has nothing to do.
 */
typedef struct AccelOps {
    const char *name; /* "kvm", "qtest" */
    /* Create the VM (before the machine builds its board). */
    bool (*init)(MachineState *ms, Error **errp);
    /* Board built, RAM mapped: create and start the vCPUs. */
    bool (*start)(MachineState *ms, Error **errp);
    /*
     * Drive global system interrupt gsi (an ISA IRQ / IOAPIC input; kvm
     * routes GSI n to PIC pin n and IOAPIC pin n, except ISA IRQ 0 to
     * IOAPIC pin 2, as QEMU's pc does).  Any thread.
     */
    void (*set_gsi)(MachineState *ms, int gsi, int level);
    /* Deliver an MSI (address/data as the device wrote them). */
    void (*send_msi)(MachineState *ms, uint64_t addr, uint32_t data);
    /*
     * Pause / resume every vCPU (QMP stop/cont; main thread, machine lock
     * held: pause returns once no vCPU runs guest code or touches a device,
     * dropping the lock while it waits).  reset_vcpus, while paused, puts
     * the vCPUs (and the accelerator's in-kernel PIC, IOAPIC and PIT) back
     * to their power-on state, the BSP as ms->boot_cpu says.
     */
    void (*pause)(MachineState *ms);
    void (*resume)(MachineState *ms);
    void (*reset_vcpus)(MachineState *ms);
    /* Tear down (vCPU threads joined, fds closed). */
    void (*shutdown)(MachineState *ms);

    /*
     * Fast paths for virtio, reached through the machine_*() wrappers
     * below (NULL: the accelerator has none; devices then use ordinary
     * dispatch, qemu_set_irq and send_msi).  ioeventfds themselves are
     * the memory API's (memory_region_add_eventfd, which the accelerator
     * takes as a MemoryListener); has_ioeventfd says whether it does.
     */
    bool (*has_ioeventfd)(MachineState *ms);
    bool (*has_irqfd)(MachineState *ms);
    bool (*add_irqfd)(MachineState *ms, int fd, int resample_fd, int gsi,
                      Error **errp);
    void (*del_irqfd)(MachineState *ms, int fd, int gsi);
    int (*add_msi_route)(MachineState *ms, uint64_t addr, uint32_t data,
                         Error **errp);
    bool (*update_msi_route)(MachineState *ms, int gsi, uint64_t addr,
                             uint32_t data, Error **errp);
    void (*del_msi_route)(MachineState *ms, int gsi);

    /*
     * The in-kernel PIT (an 8254 at ports 0x40-0x43 on ISA IRQ 0, and the
     * speaker gate at port 0x61), created by the board's kvm-pit device:
     * ticks the guest missed are reinjected (@reinject) or dropped.  It
     * goes back to its power-on state with reset_vcpus.  NULL: the
     * accelerator has none.
     */
    bool (*create_pit)(MachineState *ms, bool reinject, Error **errp);

    /* True when the accelerator runs guest code (so a board needs some). */
    bool runs_guest_code;
} AccelOps;

/* -machine kernel-irqchip= (QEMU's OnOffSplit). */
typedef enum OnOffSplit {
    ON_OFF_SPLIT_ON,
    ON_OFF_SPLIT_OFF,
    ON_OFF_SPLIT_SPLIT,
} OnOffSplit;

typedef enum MachinePropKind {
    MACHINE_PROP_BOOL, /* bool field: on/off/true/false/yes/no */
    MACHINE_PROP_ENUM, /* int field: an index into values */
    MACHINE_PROP_SIZE, /* uint64_t field: 4096, 64K, 3G... */
} MachinePropKind;

/**
 * MachineProp - one -machine property (`-machine pc,pit=off`), a field of
 * the machine's state set from text before the board is built and shown
 * by `-machine pc,help` and qom-get.  Values kemu cannot honour are
 * refused with @why: bit v of @refuse set refuses value v (the bool, or
 * the enum index).  Tables end with an entry whose name is NULL.
 */
typedef struct MachineProp {
    const char *name;
    MachinePropKind kind;
    ptrdiff_t offset; /* of the field in the machine's state */
    const char *type; /* for listings: "bool", "OnOffAuto", "size" */
    const char *desc;
    const char *const *values; /* ENUM: the names, NULL-terminated */
    int64_t defval;
    unsigned refuse;
    const char *why;
} MachineProp;

/** machine_class_add_props - make each entry of @props a property of @oc. */
void machine_class_add_props(ObjectClass *oc, const MachineProp *props);
/** machine_props_set_defaults - the defaults (the class's instance_init). */
void machine_props_set_defaults(MachineState *ms, const MachineProp *props);

typedef enum RunState {
    RUN_STATE_PRELAUNCH, /* -S: built, vCPUs not running */
    RUN_STATE_RUNNING,
    RUN_STATE_PAUSED,   /* QMP stop */
    RUN_STATE_SHUTDOWN, /* shut down: the process is exiting */
} RunState;

struct MachineClass {
    ObjectClass parent_class;
    const char *name;  /* "pc": what -machine takes */
    const char *alias; /* another name -machine takes, or NULL */
    const char *desc;
    bool is_default;
    uint64_t default_ram_size;
    int max_cpus;
    /* Build the board: RAM, buses, built-in devices, firmware/kernel. */
    void (*init)(MachineState *ms, Error **errp);
    /* Machine-specific reset work after every device was reset. */
    void (*reset)(MachineState *ms);
    /*
     * Check what the command line configured (files it names, properties
     * that go together) before the accelerator starts; may be NULL.
     */
    bool (*check)(MachineState *ms, Error **errp);
};

struct MachineState {
    Object parent_obj;

    /* Configured from the command line before init. */
    uint64_t ram_size;
    int smp_cpus;
    char *kernel_filename;
    char *initrd_filename;
    char *kernel_cmdline;
    char *firmware;  /* -bios */
    char *name;      /* -name */
    char *cpu_model; /* -cpu, checked (target/i386/cpu-model.h); NULL: host */
    bool no_reboot;
    bool no_shutdown;
    bool nographic;
    bool start_paused;  /* -S */
    GPtrArray *globals; /* -global: QdevGlobal * (hw/core/qdev-global.h) */
    bool board_built;   /* machine properties are read-only from here on */

    /* -machine properties every machine has (machine_props). */
    bool dump_guest_core; /* off: RAM left out of core dumps */
    bool mem_merge;       /* on: RAM offered to KSM */
    bool graphics;
    bool usb;
    int kernel_irqchip; /* OnOffSplit */

    /* Built by machine_create / the board's init. */
    MemoryRegion *system_memory;
    MemoryRegion *system_io;
    AddressSpace *as_memory;
    AddressSpace *as_io;
    SysBusState *sysbus;

    /* Services. */
    MainLoop *main_loop;
    KemuClocks *clocks;
    NetState *net;           /* the net layer's clients (-netdev) */
    char *serial_chardev[4]; /* chardev ids for COM1..COM4 (-serial) */
    char *rtc_base;          /* -rtc base= ("utc", "localtime", date) */
    char *rtc_clock;         /* -rtc clock= ("host", "rt", "vm") */
    const AccelOps *accel;
    void *accel_state;   /* the accelerator's own state */
    GRecMutex lock;      /* the machine lock */
    GThread *lock_owner; /* private to machine_lock()/_unlock() */
    unsigned lock_depth; /* private: the owner's nesting depth */

    /* Set by the board's loaders, used by the accelerator at each reset. */
    MachineBootCPU boot_cpu;

    /* Run state; changed only on the main thread. */
    RunState runstate;
    int exit_status;         /* the process exit status on shutdown */
    GSList *state_notifiers; /* MachineNotifier * */
    GQueue requests;         /* posted, not carried out yet (machine.c) */
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
/** machine_print_props - "-machine NAME,help": mc's properties. */
void machine_print_props(FILE *out, MachineClass *mc);

/**
 * machine_ram_advise - tell the host kernel what -machine dump-guest-core
 * and mem-merge say about guest RAM at @host (@size bytes).
 */
void machine_ram_advise(MachineState *ms, void *host, uint64_t size);

/** machine_has_in_kernel_pit - whether the accelerator has an in-kernel PIT. */
bool machine_has_in_kernel_pit(MachineState *ms);
/** machine_create_in_kernel_pit - see AccelOps.create_pit. */
bool machine_create_in_kernel_pit(MachineState *ms, bool reinject,
                                  Error **errp);

/*
 * The machine lock (a recursive mutex; docs/devel/threading.md).  Always
 * take it through these, never with g_rec_mutex_* directly: they keep the
 * owner and depth that machine_lock_held() and machine_unlock_all() use.
 */
static inline void machine_lock(MachineState *ms)
{
    g_rec_mutex_lock(&ms->lock);
    if (ms->lock_depth++ == 0) {
        g_atomic_pointer_set(&ms->lock_owner, g_thread_self());
    }
}

static inline void machine_unlock(MachineState *ms)
{
    if (--ms->lock_depth == 0) {
        g_atomic_pointer_set(&ms->lock_owner, NULL);
    }
    g_rec_mutex_unlock(&ms->lock);
}

/** machine_lock_held - whether the calling thread holds the machine lock. */
static inline bool machine_lock_held(MachineState *ms)
{
    return g_atomic_pointer_get(&ms->lock_owner) == g_thread_self();
}

/**
 * machine_unlock_all - release every hold the calling thread has on the
 * lock (none if it holds none) and return how many, for
 * machine_relock() after a wait that other threads must not be locked out
 * of (vCPU threads finishing an exit while the main thread pauses them).
 */
unsigned machine_unlock_all(MachineState *ms);
/** machine_relock - take the lock again depth times. */
void machine_relock(MachineState *ms, unsigned depth);

/*
 * Requests from devices and vCPU threads; each is carried out on the main
 * thread (safe to call from any thread, with or without the lock).
 */

/**
 * machine_request_shutdown - end the run with exit status (isa-debug-exit,
 * ACPI poweroff: 0, QMP quit).  reason is for the SHUTDOWN event:
 * "guest-shutdown", "host-qmp-quit", "host-signal", "guest-reset"...
 * The first request wins.  Under -no-shutdown a guest's request with
 * status 0 (a power-off) pauses the machine instead; a guest-chosen
 * status (isa-debug-exit) always ends the run, as in QEMU.
 */
void machine_request_shutdown(MachineState *ms, int status, const char *reason,
                              bool guest);
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

/*
 * Fast paths for devices (virtio).  Each fails with an error (or returns
 * -1) when the accelerator has no such path; the device then falls back to
 * ordinary dispatch and interrupts.  Main thread or machine lock held.
 */

/**
 * machine_has_ioeventfd - whether the accelerator turns the guest's writes
 * at a memory_region_add_eventfd() address into eventfd signals without a
 * vCPU exit (KVM); false under qtest, where those writes reach the
 * region's ops.
 */
bool machine_has_ioeventfd(MachineState *ms);
/**
 * machine_has_irqfd - whether machine_add_irqfd() and the MSI routes work
 * (KVM with an in-kernel irqchip and GSI routing); false under qtest.
 */
bool machine_has_irqfd(MachineState *ms);
/**
 * machine_add_irqfd - writing to eventfd @fd raises @gsi (an ISA IRQ, or
 * a route from machine_add_msi_route) as an edge; with @resample_fd >= 0
 * the line is level-triggered and @resample_fd is signalled at the guest's
 * EOI so the device can re-assert it.
 */
bool machine_add_irqfd(MachineState *ms, int fd, int resample_fd, int gsi,
                       Error **errp);
void machine_del_irqfd(MachineState *ms, int fd, int gsi);
/**
 * machine_add_msi_route - a GSI number that delivers the MSI (@addr,
 * @data) when raised by an irqfd; -1 and errp on failure.
 */
int machine_add_msi_route(MachineState *ms, uint64_t addr, uint32_t data,
                          Error **errp);
/** machine_update_msi_route - point @gsi at a new MSI (vector change). */
bool machine_update_msi_route(MachineState *ms, int gsi, uint64_t addr,
                              uint32_t data, Error **errp);
/** machine_del_msi_route - free @gsi (its irqfds must be gone first). */
void machine_del_msi_route(MachineState *ms, int gsi);

/* ---- Life cycle, in the order main calls it ---- */

/**
 * machine_create - a new machine of class mc at "/machine" under root,
 * with its containers (/machine/peripheral, peripheral-anon, unattached),
 * memory and I/O address spaces, system bus, clocks, main loop (whose
 * poll drops the machine lock, and from which requests are carried out)
 * and the class's defaults (ram_size, one CPU).  The calling thread -- the
 * main thread -- holds the machine lock from here until machine_destroy.
 * The caller then sets the command-line fields, ms->accel (and runs its
 * init, which creates the VM), before machine_init_board.
 */
MachineState *machine_create(Object *root, MachineClass *mc);

/**
 * machine_check - check the configuration before the accelerator starts
 * (mc->check: the files -kernel, -initrd and -bios name, options that go
 * together), so that a user's mistake reads the same with or without KVM.
 */
bool machine_check(MachineState *ms, Error **errp);

/**
 * machine_init_board - check the configuration (CPU count, RAM size) and
 * build the board (mc->init): RAM, firmware or kernel, built-in devices.
 * After the accelerator's init, before the -device devices.
 */
bool machine_init_board(MachineState *ms, Error **errp);

/**
 * machine_start - after the -device devices: start the accelerator (vCPU
 * threads) and run the guest, or stay in RUN_STATE_PRELAUNCH under -S
 * until machine_resume().
 */
bool machine_start(MachineState *ms, Error **errp);

/**
 * machine_destroy - once the main loop returned (or building failed): stop
 * and join the vCPU threads, release the accelerator, drop the machine
 * lock, take the machine out of the tree (finalizing its devices) and free
 * its main loop.  ms is gone afterwards.
 */
void machine_destroy(MachineState *ms);

/** machine_add_peripheral - put a -device device at /machine/peripheral. */
void machine_add_peripheral(MachineState *ms, DeviceState *dev);
/** machine_add_unattached - a board's built-in device at /machine/unattached.
 */
void machine_add_unattached(MachineState *ms, DeviceState *dev);

#endif
