/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine: the base type of every board, -machine lookup, the life
 * cycle main drives (create, accelerator, board, start, teardown), run-state
 * requests carried out on the main thread, reset, pause/resume, and the
 * wrappers through which devices reach the accelerator's fast paths.
 * Threads and the machine lock: docs/devel/threading.md.
 */
#include "util/osdep.h"
#include <sys/mman.h>
#include "util/cutils.h"
#include "hw/core/machine.h"
#include "hw/core/qdev-global.h"
#include "chardev/chardev.h"
#include "net/net.h"
#include "exec/memory.h"
#include "util/main-loop.h"
#include "util/timer.h"

#define IO_SPACE_SIZE 0x10000

static bool machine_has_hook(MachineState *ms, bool present, const char *what,
                             Error **errp);

/* ---- The machine lock ---- */

unsigned machine_unlock_all(MachineState *ms)
{
    unsigned depth;

    if (!machine_lock_held(ms)) {
        return 0;
    }
    depth = ms->lock_depth;
    ms->lock_depth = 0;
    g_atomic_pointer_set(&ms->lock_owner, NULL);
    for (unsigned i = 0; i < depth; i++) {
        g_rec_mutex_unlock(&ms->lock);
    }
    return depth;
}

void machine_relock(MachineState *ms, unsigned depth)
{
    for (unsigned i = 0; i < depth; i++) {
        machine_lock(ms);
    }
}

static void machine_lock_hook(void *opaque)
{
    machine_lock(opaque);
    /*
     * Woken up (an fd, a timer): writes the guest left in the
     * accelerator's buffer reach their devices before any handler runs, so
     * a NIC receiving now sees the ring tail the guest last wrote.
     */
    qemu_flush_coalesced_mmio_buffer();
}

static void machine_unlock_hook(void *opaque)
{
    machine_unlock(opaque);
}

/* ---- Notifiers ---- */

void machine_add_notifier(MachineState *ms, MachineNotifier *n)
{
    ms->state_notifiers = g_slist_append(ms->state_notifiers, n);
}

void machine_remove_notifier(MachineState *ms, MachineNotifier *n)
{
    ms->state_notifiers = g_slist_remove(ms->state_notifiers, n);
}

static void machine_notify(MachineState *ms, MachineEvent event,
                           const char *reason, bool guest)
{
    GSList *e = ms->state_notifiers;

    while (e) {
        MachineNotifier *n = e->data;

        e = e->next; /* a notifier may remove itself */
        n->notify(n, event, reason, guest);
    }
}

/* ---- Classes ---- */

MachineClass *machine_class_find(const char *name)
{
    GSList *list = object_class_get_list(TYPE_MACHINE, false);
    MachineClass *found = NULL;

    for (GSList *e = list; e && name; e = e->next) {
        MachineClass *mc = MACHINE_CLASS(e->data);

        if (!g_strcmp0(mc->name, name) || !g_strcmp0(mc->alias, name)) {
            found = mc;
            break;
        }
    }
    g_slist_free(list);
    return found;
}

MachineClass *machine_class_default(void)
{
    GSList *list = object_class_get_list(TYPE_MACHINE, false);
    MachineClass *found = NULL;

    for (GSList *e = list; e; e = e->next) {
        MachineClass *mc = MACHINE_CLASS(e->data);

        if (mc->is_default) {
            found = mc;
            break;
        }
    }
    g_slist_free(list);
    return found;
}

void machine_print_help(FILE *out)
{
    GSList *list = object_class_get_list(TYPE_MACHINE, false);

    fprintf(out, "Supported machines are:\n");
    for (GSList *e = list; e; e = e->next) {
        MachineClass *mc = MACHINE_CLASS(e->data);

        if (mc->alias) {
            fprintf(out, "%-20s %s (alias of %s)\n", mc->alias,
                    mc->desc ? mc->desc : "", mc->name);
        }
        fprintf(out, "%-20s %s%s\n", mc->name, mc->desc ? mc->desc : "",
                mc->is_default ? " (default)" : "");
    }
    g_slist_free(list);
}

/* ---- Machine properties ---- */

static const char *const on_off_split_names[] = {"on", "off", "split", NULL};

static void *machine_prop_ptr(Object *obj, const MachineProp *p)
{
    return (char *)obj + p->offset;
}

static char *machine_prop_value_list(const MachineProp *p)
{
    g_autofree char *list = NULL;
    int n = 0;

    while (p->values[n]) {
        n++;
    }
    for (int i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : i == n - 1 ? " or " : ", ";
        char *next =
            g_strdup_printf("%s%s%s", list ? list : "", sep, p->values[i]);

        g_free(list);
        list = next;
    }
    return g_steal_pointer(&list);
}

static char *machine_prop_get(Object *obj, ObjectProperty *op, Error **errp)
{
    const MachineProp *p = op->opaque;
    void *ptr = machine_prop_ptr(obj, p);

    switch (p->kind) {
    case MACHINE_PROP_BOOL:
        return g_strdup(*(bool *)ptr ? "true" : "false");
    case MACHINE_PROP_ENUM:
        return g_strdup(p->values[*(int *)ptr]);
    case MACHINE_PROP_SIZE:
    default:
        return g_strdup_printf("%" PRIu64, *(uint64_t *)ptr);
    }
}

static bool machine_prop_set(Object *obj, ObjectProperty *op, const char *value,
                             Error **errp)
{
    const MachineProp *p = op->opaque;
    void *ptr = machine_prop_ptr(obj, p);
    g_autofree char *expected = NULL;
    int64_t index = -1;
    bool b;
    uint64_t size;

    if (MACHINE(obj)->board_built) {
        error_setg(errp,
                   "property '%s' can't be set once the machine is "
                   "built",
                   p->name);
        return false;
    }
    switch (p->kind) {
    case MACHINE_PROP_BOOL:
        if (!parse_bool_str(value, &b)) {
            expected = g_strdup("on or off");
            break;
        }
        index = b;
        break;
    case MACHINE_PROP_ENUM:
        for (int i = 0; p->values[i]; i++) {
            if (!strcmp(p->values[i], value)) {
                index = i;
            }
        }
        if (index < 0) {
            expected = machine_prop_value_list(p);
        }
        break;
    case MACHINE_PROP_SIZE:
        if (!parse_size(value, &size, NULL)) {
            expected = g_strdup("a size such as 3G or 2048M");
            break;
        }
        *(uint64_t *)ptr = size;
        return true;
    }
    if (expected) {
        error_setg(errp, "property '%s' doesn't take value '%s' (expected %s)",
                   p->name, value, expected);
        return false;
    }
    if (index < 32 && (p->refuse & (1u << index))) {
        error_setg(errp, "%s=%s is not supported: %s", p->name, value, p->why);
        return false;
    }
    if (p->kind == MACHINE_PROP_BOOL) {
        *(bool *)ptr = index;
    } else {
        *(int *)ptr = index;
    }
    return true;
}

void machine_class_add_props(ObjectClass *oc, const MachineProp *props)
{
    for (const MachineProp *p = props; p->name; p++) {
        ObjectProperty *op =
            object_class_property_add(oc, p->name, p->type, machine_prop_get,
                                      machine_prop_set, (void *)p);

        op->json = p->kind == MACHINE_PROP_BOOL   ? PROP_JSON_BOOL
                   : p->kind == MACHINE_PROP_SIZE ? PROP_JSON_NUMBER
                                                  : PROP_JSON_STRING;
        object_property_set_description(op, p->desc);
    }
}

void machine_props_set_defaults(MachineState *ms, const MachineProp *props)
{
    for (const MachineProp *p = props; p->name; p++) {
        void *ptr = machine_prop_ptr(OBJECT(ms), p);

        if (p->kind == MACHINE_PROP_BOOL) {
            *(bool *)ptr = p->defval;
        } else if (p->kind == MACHINE_PROP_ENUM) {
            *(int *)ptr = p->defval;
        } else {
            *(uint64_t *)ptr = p->defval;
        }
    }
}

/* What every machine takes, with QEMU 7.2's names and defaults. */
static const MachineProp machine_props[] = {
    {"dump-guest-core", MACHINE_PROP_BOOL,
     offsetof(MachineState, dump_guest_core), "bool",
     "Include guest memory in a core dump", .defval = true},
    {"mem-merge", MACHINE_PROP_BOOL, offsetof(MachineState, mem_merge), "bool",
     "Enable/disable memory merge support", .defval = true},
    {"graphics", MACHINE_PROP_BOOL, offsetof(MachineState, graphics), "bool",
     "Set on/off to enable/disable graphics emulation", .defval = false,
     .refuse = 1u << true, .why = "kemu has no graphics emulation"},
    {"usb", MACHINE_PROP_BOOL, offsetof(MachineState, usb), "bool",
     "Set on/off to enable/disable usb", .defval = false, .refuse = 1u << true,
     .why = "kemu has no USB controller"},
    {"kernel-irqchip", MACHINE_PROP_ENUM,
     offsetof(MachineState, kernel_irqchip), "OnOffSplit",
     "Configure KVM in-kernel irqchip", on_off_split_names,
     .defval = ON_OFF_SPLIT_ON,
     .refuse = 1u << ON_OFF_SPLIT_OFF | 1u << ON_OFF_SPLIT_SPLIT,
     .why = "kemu runs the PIC, IOAPIC and LAPICs in KVM "
            "(kernel-irqchip=on)"},
    {NULL},
};

static int print_machine_prop(ObjectProperty *op, void *opaque)
{
    FILE *out = opaque;
    g_autofree char *left = NULL;

    if (op->get != machine_prop_get) {
        return 0;
    }
    left = g_strdup_printf("%s=<%s>", op->name, op->type);
    fprintf(out, "  %-24s - %s\n", left, op->description);
    return 0;
}

void machine_print_props(FILE *out, MachineClass *mc)
{
    fprintf(out, "%s-machine options:\n", mc->name);
    object_class_property_foreach(OBJECT_CLASS(mc), print_machine_prop, out);
}

void machine_ram_advise(MachineState *ms, void *host, uint64_t size)
{
    if (!ms->dump_guest_core) {
        madvise(host, size, MADV_DONTDUMP);
    }
    if (ms->mem_merge) {
        madvise(host, size, MADV_MERGEABLE);
    }
}

bool machine_has_in_kernel_pit(MachineState *ms)
{
    return ms->accel && ms->accel->create_pit;
}

bool machine_create_in_kernel_pit(MachineState *ms, bool reinject, Error **errp)
{
    if (!machine_has_hook(ms, machine_has_in_kernel_pit(ms), "in-kernel PIT",
                          errp)) {
        return false;
    }
    return ms->accel->create_pit(ms, reinject, errp);
}

/* ---- Requests, carried out on the main thread ---- */

typedef enum {
    MACHINE_REQUEST_SHUTDOWN,
    MACHINE_REQUEST_RESET,
    MACHINE_REQUEST_POWERDOWN,
} MachineRequestKind;

typedef struct MachineRequest {
    MachineRequestKind kind;
    int status;
    char *reason;
    bool guest;
} MachineRequest;

static void machine_do_shutdown(MachineState *ms, int status,
                                const char *reason, bool guest)
{
    if (guest && status == 0 && ms->no_shutdown) {
        machine_notify(ms, MACHINE_EVENT_SHUTDOWN, reason, guest);
        machine_pause(ms);
        return;
    }
    if (ms->runstate == RUN_STATE_RUNNING && ms->accel && ms->accel->pause) {
        ms->accel->pause(ms);
    }
    clock_virtual_stop(ms->clocks);
    ms->exit_status = status;
    ms->runstate = RUN_STATE_SHUTDOWN;
    machine_notify(ms, MACHINE_EVENT_SHUTDOWN, reason, guest);
    if (ms->main_loop) {
        main_loop_quit(ms->main_loop, status);
    }
}

static void machine_request_free(gpointer p)
{
    MachineRequest *req = p;

    g_free(req->reason);
    g_free(req);
}

/* A guest's shutdown request among those still pending, or NULL. */
static MachineRequest *machine_pending_guest_shutdown(MachineState *ms)
{
    for (GList *l = ms->requests.head; l; l = l->next) {
        MachineRequest *req = l->data;

        if (req->kind == MACHINE_REQUEST_SHUTDOWN && req->guest) {
            return req;
        }
    }
    return NULL;
}

static void machine_run_request(MachineState *ms, MachineRequest *req)
{
    MachineRequest *guest;

    if (ms->runstate == RUN_STATE_SHUTDOWN) {
        /* The run is over: later requests have nothing to act on. */
    } else if (req->kind == MACHINE_REQUEST_SHUTDOWN && !req->guest &&
               (guest = machine_pending_guest_shutdown(ms))) {
        /*
         * The host (a signal, quit) and the guest (isa-debug-exit, ACPI
         * power-off) asked in the same turn: the process exits, as the
         * host wants, with the guest's status, as QEMU keeps the guest's
         * exit code over a signal's.
         */
        machine_do_shutdown(ms, guest->status, req->reason, false);
    } else if (req->kind == MACHINE_REQUEST_SHUTDOWN) {
        machine_do_shutdown(ms, req->status, req->reason, req->guest);
    } else if (req->kind == MACHINE_REQUEST_RESET) {
        if (ms->no_reboot) {
            machine_do_shutdown(ms, 0, req->reason, req->guest);
        } else {
            machine_reset(ms);
            machine_notify(ms, MACHINE_EVENT_RESET, req->reason, req->guest);
        }
    } else {
        machine_notify(ms, MACHINE_EVENT_POWERDOWN, req->reason, req->guest);
    }
    machine_request_free(req);
}

/*
 * Carry out the pending requests in order (main thread, machine lock
 * held).  They wait in ms->requests rather than in the main loop's queue,
 * so the ones a shutdown leaves behind are freed with the machine.
 */
static void machine_run_requests(void *opaque)
{
    MachineState *ms = opaque;
    MachineRequest *req;

    while ((req = g_queue_pop_head(&ms->requests))) {
        machine_run_request(ms, req);
    }
}

static void machine_post_request(MachineState *ms, MachineRequestKind kind,
                                 int status, const char *reason, bool guest)
{
    MachineRequest *req = g_new0(MachineRequest, 1);

    req->kind = kind;
    req->status = status;
    req->reason = g_strdup(reason);
    req->guest = guest;
    machine_lock(ms);
    g_queue_push_tail(&ms->requests, req);
    if (!ms->main_loop) {
        /* No main loop (unit tests): the caller is the main thread. */
        machine_run_requests(ms);
    }
    machine_unlock(ms);
    if (ms->main_loop) {
        main_loop_call_async(ms->main_loop, machine_run_requests, ms);
    }
}

void machine_request_shutdown(MachineState *ms, int status, const char *reason,
                              bool guest)
{
    machine_post_request(ms, MACHINE_REQUEST_SHUTDOWN, status, reason, guest);
}

void machine_request_reset(MachineState *ms, const char *reason, bool guest)
{
    machine_post_request(ms, MACHINE_REQUEST_RESET, 0, reason, guest);
}

void machine_request_powerdown(MachineState *ms)
{
    machine_post_request(ms, MACHINE_REQUEST_POWERDOWN, 0, "host-qmp", false);
}

/* ---- Reset, pause, resume (main thread) ---- */

void machine_reset(MachineState *ms)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    bool running = ms->runstate == RUN_STATE_RUNNING;
    const AccelOps *accel = ms->accel;

    assert(machine_lock_held(ms));
    if (running && accel && accel->pause) {
        accel->pause(ms);
    }
    bus_cold_reset(BUS(ms->sysbus));
    if (accel && accel->reset_vcpus) {
        accel->reset_vcpus(ms);
    }
    if (mc->reset) {
        mc->reset(ms);
    }
    if (running && accel && accel->resume) {
        accel->resume(ms);
    }
}

void machine_pause(MachineState *ms)
{
    assert(machine_lock_held(ms));
    if (ms->runstate != RUN_STATE_RUNNING) {
        return;
    }
    if (ms->accel && ms->accel->pause) {
        ms->accel->pause(ms);
    }
    clock_virtual_stop(ms->clocks);
    ms->runstate = RUN_STATE_PAUSED;
    machine_notify(ms, MACHINE_EVENT_STOP, NULL, false);
}

void machine_resume(MachineState *ms)
{
    assert(machine_lock_held(ms));
    if (ms->runstate == RUN_STATE_RUNNING ||
        ms->runstate == RUN_STATE_SHUTDOWN) {
        return;
    }
    ms->runstate = RUN_STATE_RUNNING;
    clock_virtual_start(ms->clocks);
    if (ms->accel && ms->accel->resume) {
        ms->accel->resume(ms);
    }
    machine_notify(ms, MACHINE_EVENT_RESUME, NULL, false);
}

/* ---- The object tree ---- */

MachineState *qdev_get_machine(DeviceState *dev)
{
    Object *root = object_get_root_of(OBJECT(dev));
    Object *obj;

    if (object_dynamic_cast(root, TYPE_MACHINE)) {
        return MACHINE(root);
    }
    obj = object_resolve_path_component(root, "machine");
    if (obj && object_dynamic_cast(obj, TYPE_MACHINE)) {
        return MACHINE(obj);
    }
    /* Out of the tree (being torn down): up the buses to the system bus. */
    for (BusState *bus = dev->parent_bus; bus;
         bus = bus->parent ? bus->parent->parent_bus : NULL) {
        if (object_dynamic_cast(OBJECT(bus), TYPE_SYSTEM_BUS)) {
            return SYSTEM_BUS(bus)->machine;
        }
    }
    return NULL;
}

/* Add dev to container as "device[N]" with the first free N. */
static void machine_add_anon(Object *container, DeviceState *dev)
{
    for (unsigned n = 0;; n++) {
        g_autofree char *name = g_strdup_printf("device[%u]", n);

        if (!object_resolve_path_component(container, name)) {
            object_property_add_child(container, name, OBJECT(dev));
            return;
        }
    }
}

void machine_add_peripheral(MachineState *ms, DeviceState *dev)
{
    qdev_globals_apply(dev, ms->globals);
    if (dev->id) {
        object_property_add_child(container_get(OBJECT(ms), "peripheral"),
                                  dev->id, OBJECT(dev));
    } else {
        machine_add_anon(container_get(OBJECT(ms), "peripheral-anon"), dev);
    }
}

void machine_add_unattached(MachineState *ms, DeviceState *dev)
{
    qdev_globals_apply(dev, ms->globals);
    machine_add_anon(container_get(OBJECT(ms), "unattached"), dev);
}

/* ---- Fast paths ---- */

static bool machine_has_hook(MachineState *ms, bool present, const char *what,
                             Error **errp)
{
    if (!present) {
        error_setg(errp, "the %s accelerator has no %s",
                   ms->accel ? ms->accel->name : "(none)", what);
    }
    return present;
}

bool machine_has_ioeventfd(MachineState *ms)
{
    return ms->accel && ms->accel->has_ioeventfd &&
           ms->accel->has_ioeventfd(ms);
}

bool machine_has_irqfd(MachineState *ms)
{
    return ms->accel && ms->accel->has_irqfd && ms->accel->has_irqfd(ms) &&
           ms->accel->add_irqfd && ms->accel->add_msi_route;
}

bool machine_add_irqfd(MachineState *ms, int fd, int resample_fd, int gsi,
                       Error **errp)
{
    if (!machine_has_hook(ms, ms->accel && ms->accel->add_irqfd, "irqfd",
                          errp)) {
        return false;
    }
    return ms->accel->add_irqfd(ms, fd, resample_fd, gsi, errp);
}

void machine_del_irqfd(MachineState *ms, int fd, int gsi)
{
    if (ms->accel && ms->accel->del_irqfd) {
        ms->accel->del_irqfd(ms, fd, gsi);
    }
}

int machine_add_msi_route(MachineState *ms, uint64_t addr, uint32_t data,
                          Error **errp)
{
    if (!machine_has_hook(ms, ms->accel && ms->accel->add_msi_route,
                          "MSI routing", errp)) {
        return -1;
    }
    return ms->accel->add_msi_route(ms, addr, data, errp);
}

bool machine_update_msi_route(MachineState *ms, int gsi, uint64_t addr,
                              uint32_t data, Error **errp)
{
    if (!machine_has_hook(ms, ms->accel && ms->accel->update_msi_route,
                          "MSI routing", errp)) {
        return false;
    }
    return ms->accel->update_msi_route(ms, gsi, addr, data, errp);
}

void machine_del_msi_route(MachineState *ms, int gsi)
{
    if (ms->accel && ms->accel->del_msi_route) {
        ms->accel->del_msi_route(ms, gsi);
    }
}

/* ---- Life cycle ---- */

/* A chardev's quit request (a mux's C-a x): as QMP's quit. */
static void machine_chr_quit(void *opaque)
{
    machine_request_shutdown(opaque, 0, "host-qmp-quit", false);
}

MachineState *machine_create(Object *root, MachineClass *mc)
{
    MachineState *ms =
        MACHINE(object_new(object_class_get_name(OBJECT_CLASS(mc))));

    object_property_add_child(root, "machine", OBJECT(ms));
    object_unref(ms);
    ms->main_loop = main_loop_new();
    main_loop_attach_clocks(ms->main_loop, ms->clocks);
    main_loop_set_lock_hooks(ms->main_loop, machine_lock_hook,
                             machine_unlock_hook, ms);
    qemu_chr_set_quit_handler(root, machine_chr_quit, ms);
    machine_lock(ms);
    return ms;
}

bool machine_check(MachineState *ms, Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);

    return !mc->check || mc->check(ms, errp);
}

bool machine_init_board(MachineState *ms, Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    Error *local_err = NULL;

    if (ms->smp_cpus < 1) {
        error_setg(errp, "-smp: a machine needs at least one CPU");
        return false;
    }
    if (mc->max_cpus && ms->smp_cpus > mc->max_cpus) {
        error_setg(errp,
                   "Invalid SMP CPUs %d. The max CPUs supported by machine "
                   "'%s' is %d",
                   ms->smp_cpus, mc->name, mc->max_cpus);
        return false;
    }
    /* A board with a default size needs RAM; `none` (default 0) may not. */
    if (!ms->ram_size && mc->default_ram_size) {
        error_setg(errp, "-m: the machine needs some RAM");
        return false;
    }
    ms->board_built = true;
    mc->init(ms, &local_err);
    if (local_err) {
        error_propagate(errp, local_err);
        return false;
    }
    return true;
}

bool machine_start(MachineState *ms, Error **errp)
{
    if (ms->accel && ms->accel->start && !ms->accel->start(ms, errp)) {
        return false;
    }
    if (!ms->start_paused) {
        machine_resume(ms);
    }
    return true;
}

/*
 * Unrealize every device while the tree is whole, last plugged first: the
 * interrupt controller outlives the devices that drive its lines.
 */
static void machine_unplug_all(MachineState *ms)
{
    while (BUS(ms->sysbus)->children) {
        qdev_unrealize(g_list_last(BUS(ms->sysbus)->children)->data);
    }
    /* The NICs are gone: now their backends (-netdev) can go too. */
    net_state_free(ms->net);
    ms->net = NULL;
}

void machine_destroy(MachineState *ms)
{
    MainLoop *ml = ms->main_loop;
    Object *root = object_get_root_of(OBJECT(ms));
    Object *chardevs;

    if (ms->runstate == RUN_STATE_RUNNING) {
        machine_pause(ms);
    }
    if (ms->accel && ms->accel->shutdown) {
        ms->accel->shutdown(ms);
    }

    ms->accel = NULL;
    machine_unplug_all(ms);
    machine_unlock_all(ms);
    qemu_chr_set_quit_handler(root, NULL, NULL);
    object_unparent(OBJECT(ms));
    /*
     * Chardevs watch fds on the main loop: with their frontends gone
     * (devices and monitors went with the machine), drop them before it.
     */
    chardevs = object_resolve_path(root, "/chardevs");
    if (chardevs && chardevs != root) {
        object_unparent(chardevs);
    }
    main_loop_free(ml);
}

/* ---- The type ---- */

static void machine_instance_init(Object *obj)
{
    MachineState *ms = MACHINE(obj);
    MachineClass *mc = MACHINE_GET_CLASS(obj);

    g_rec_mutex_init(&ms->lock);
    ms->ram_size = mc->default_ram_size;
    ms->smp_cpus = 1;
    ms->runstate = RUN_STATE_PRELAUNCH;
    ms->clocks = clocks_new();
    machine_props_set_defaults(ms, machine_props);

    ms->system_memory = g_new0(MemoryRegion, 1);
    memory_region_init(ms->system_memory, ms, "system", UINT64_MAX);
    ms->system_io = g_new0(MemoryRegion, 1);
    memory_region_init(ms->system_io, ms, "io", IO_SPACE_SIZE);
    ms->as_memory = g_new0(AddressSpace, 1);
    address_space_init(ms->as_memory, ms->system_memory, "memory");
    ms->as_io = g_new0(AddressSpace, 1);
    address_space_init(ms->as_io, ms->system_io, "I/O");

    ms->sysbus = sysbus_new(ms, NULL, ms->system_memory, ms->system_io);
    container_get(obj, "peripheral");
    container_get(obj, "peripheral-anon");
    object_property_add_child(container_get(obj, "unattached"), "sysbus",
                              OBJECT(ms->sysbus));
}

static void machine_instance_finalize(Object *obj)
{
    MachineState *ms = MACHINE(obj);

    if (ms->accel && ms->accel->shutdown) {
        ms->accel->shutdown(ms);
    }
    machine_unlock_all(ms);
    machine_unplug_all(ms);
    object_unref(ms->sysbus);
    address_space_destroy(ms->as_io);
    address_space_destroy(ms->as_memory);
    memory_region_destroy(ms->system_io);
    memory_region_destroy(ms->system_memory);
    g_free(ms->as_io);
    g_free(ms->as_memory);
    g_free(ms->system_io);
    g_free(ms->system_memory);
    if (ms->main_loop) {
        main_loop_set_lock_hooks(ms->main_loop, NULL, NULL, NULL);
        main_loop_attach_clocks(ms->main_loop, NULL);
    }
    clocks_free(ms->clocks);
    g_slist_free(ms->state_notifiers);
    g_free(ms->kernel_filename);
    g_free(ms->initrd_filename);
    g_free(ms->kernel_cmdline);
    g_free(ms->firmware);
    g_free(ms->name);
    g_free(ms->cpu_model);
    for (unsigned i = 0; i < ARRAY_SIZE(ms->serial_chardev); i++) {
        g_free(ms->serial_chardev[i]);
    }
    g_free(ms->rtc_base);
    g_free(ms->rtc_clock);
    if (ms->globals) {
        g_ptr_array_unref(ms->globals);
    }
    g_queue_clear_full(&ms->requests, machine_request_free);
    g_rec_mutex_clear(&ms->lock);
}

/* Each machine class is named by its type: "pc-machine" is -machine pc. */
static void machine_class_base_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    const char *type = object_class_get_name(oc);

    mc->name = NULL;
    if (g_str_has_suffix(type, TYPE_MACHINE_SUFFIX)) {
        mc->name = g_strndup(type, strlen(type) - strlen(TYPE_MACHINE_SUFFIX));
    }
    mc->alias = NULL;
    mc->desc = NULL;
    mc->is_default = false;
}

static void machine_class_init(ObjectClass *oc, void *data)
{
    machine_class_add_props(oc, machine_props);
}

static const TypeInfo machine_types[] = {
    {
        .name = TYPE_MACHINE,
        .parent = TYPE_OBJECT,
        .abstract = true,
        .instance_size = sizeof(MachineState),
        .instance_init = machine_instance_init,
        .instance_finalize = machine_instance_finalize,
        .class_size = sizeof(MachineClass),
        .class_base_init = machine_class_base_init,
        .class_init = machine_class_init,
    },
};

DEFINE_TYPES(machine_types)
