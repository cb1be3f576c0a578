/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QMP commands: one table entry each (name, handler, arguments), the
 * argument checks QEMU's generated code would make, and the handlers.
 * Return values have QEMU's shapes (docs/user/qmp.md lists them).
 */
#include "util/osdep.h"
#include "util/cutils.h"
#include "util/option.h"
#include "hw/core/qdev.h"
#include "hw/pci/pci.h"
#include "system/device-add.h"
#include "monitor/monitor-internal.h"
#include "system/qemu-version.h"
#include "net/announce.h"
#include "net/net.h"

/* ---- Deferred work ---------------------------------------------------------
 */

void qmp_ctx_defer(QmpCtx *ctx, QmpDeferredFn *fn, void *opaque)
{
    QmpDeferred *d = g_new0(QmpDeferred, 1);
    QmpDeferred **tail = &ctx->deferred;

    d->fn = fn;
    d->opaque = opaque;
    while (*tail) {
        tail = &(*tail)->next;
    }
    *tail = d;
}

void qmp_ctx_run_deferred(QmpCtx *ctx)
{
    while (ctx->deferred) {
        QmpDeferred *d = ctx->deferred;

        ctx->deferred = d->next;
        d->fn(ctx->ms, d->opaque);
        g_free(d);
    }
}

/* ---- Arguments
 * ------------------------------------------------------------------ */

static bool node_is(JsonNode *node, GType type)
{
    return JSON_NODE_HOLDS_VALUE(node) &&
           json_node_get_value_type(node) == type;
}

static bool arg_type_ok(const QmpArg *arg, JsonNode *node)
{
    switch (arg->type) {
    case QMP_ARG_STR:
        return node_is(node, G_TYPE_STRING);
    case QMP_ARG_BOOL:
        return node_is(node, G_TYPE_BOOLEAN);
    case QMP_ARG_INT:
        return node_is(node, G_TYPE_INT64);
    case QMP_ARG_STR_LIST:
        if (!JSON_NODE_HOLDS_ARRAY(node)) {
            return false;
        }
        return true;
    case QMP_ARG_ANY:
        return true;
    }
    return false;
}

static const char *arg_type_name(QmpArgType type)
{
    switch (type) {
    case QMP_ARG_STR:
        return "string";
    case QMP_ARG_BOOL:
        return "boolean";
    case QMP_ARG_INT:
        return "integer";
    case QMP_ARG_STR_LIST:
        return "array";
    case QMP_ARG_ANY:
        break;
    }
    return "value";
}

bool qmp_check_args(const QmpCommand *cmd, JsonObject *args, Error **errp)
{
    JsonObjectIter it;
    const char *member;
    JsonNode *value;

    for (const QmpArg *arg = cmd->args; arg->name; arg++) {
        JsonNode *node = json_object_get_member(args, arg->name);

        if (!node) {
            if (!arg->optional) {
                error_setg(errp, "Parameter '%s' is missing", arg->name);
                return false;
            }
            continue;
        }
        if (!arg_type_ok(arg, node)) {
            error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                       arg->name, arg_type_name(arg->type));
            return false;
        }
        if (arg->type == QMP_ARG_STR_LIST) {
            JsonArray *arr = json_node_get_array(node);

            for (guint i = 0; i < json_array_get_length(arr); i++) {
                if (!node_is(json_array_get_element(arr, i), G_TYPE_STRING)) {
                    error_setg(errp,
                               "Invalid parameter type for '%s[%u]', "
                               "expected: string",
                               arg->name, i);
                    return false;
                }
            }
        }
    }
    if (cmd->extra_args) {
        return true;
    }
    json_object_iter_init_ordered(&it, args);
    while (json_object_iter_next_ordered(&it, &member, &value)) {
        bool known = false;

        for (const QmpArg *arg = cmd->args; arg->name; arg++) {
            known |= !strcmp(arg->name, member);
        }
        if (!known) {
            error_setg(errp, "Parameter '%s' is unexpected", member);
            return false;
        }
    }
    return true;
}

static const char *arg_str(JsonObject *args, const char *name)
{
    JsonNode *node = json_object_get_member(args, name);

    return node ? json_node_get_string(node) : NULL;
}

/* ---- Shared data
 * ------------------------------------------------------------------ */

JsonNode *qmp_version_info(void)
{
    JsonObject *version = json_object_new();
    JsonObject *qemu = json_object_new();
    unsigned major = 0, minor = 0, micro = 0;

    /* The QEMU interface kemu follows; kemu's own version is "package". */
    sscanf(KEMU_QEMU_VERSION, "%u.%u.%u", &major, &minor, &micro);
    json_object_set_int_member(qemu, "micro", micro);
    json_object_set_int_member(qemu, "minor", minor);
    json_object_set_int_member(qemu, "major", major);
    json_object_set_object_member(version, "qemu", qemu);
    json_object_set_string_member(version, "package", "kemu-" KEMU_VERSION);
    return qmp_node_object(version);
}

const char *qmp_runstate_name(RunState state)
{
    switch (state) {
    case RUN_STATE_PRELAUNCH:
        return "prelaunch";
    case RUN_STATE_RUNNING:
        return "running";
    case RUN_STATE_PAUSED:
        return "paused";
    case RUN_STATE_SHUTDOWN:
        return "shutdown";
    }
    return "unknown";
}

JsonNode *qmp_query_status(MachineState *ms)
{
    JsonObject *status = json_object_new();

    json_object_set_string_member(status, "status",
                                  qmp_runstate_name(ms->runstate));
    json_object_set_boolean_member(status, "singlestep", false);
    json_object_set_boolean_member(status, "running",
                                   ms->runstate == RUN_STATE_RUNNING);
    return qmp_node_object(status);
}

/* ---- query-pci
 * ---------------------------------------------------------------------- */

static const struct {
    uint16_t class;
    const char *desc;
} pci_class_names[] = {
    {0x0100, "SCSI controller"},
    {0x0101, "IDE controller"},
    {0x0106, "SATA controller"},
    {0x0108, "NVMe controller"},
    {0x0180, "Storage controller"},
    {0x0200, "Ethernet controller"},
    {0x0280, "Network controller"},
    {0x0300, "VGA controller"},
    {0x0380, "Display controller"},
    {0x0401, "Audio controller"},
    {0x0403, "Audio controller"},
    {0x0500, "RAM controller"},
    {0x0600, "Host bridge"},
    {0x0601, "ISA bridge"},
    {0x0604, "PCI bridge"},
    {0x0680, "Bridge"},
    {0x0700, "Serial port"},
    {0x0780, "Communication controller"},
    {0x0880, "System peripheral"},
    {0x0c03, "USB controller"},
    {0x0c05, "SMBus"},
    {0x00ff, "Unclassified"},
};

static void pci_device_info(PCIDevice *dev, void *opaque)
{
    JsonArray *devices = opaque;
    JsonObject *info = json_object_new();
    JsonObject *class_info = json_object_new();
    JsonObject *id = json_object_new();
    JsonArray *regions = json_array_new();
    const uint8_t *cfg = dev->config;
    uint16_t class = pci_get_word(cfg + PCI_CLASS_DEVICE);

    json_object_set_int_member(info, "bus", 0);
    json_object_set_int_member(info, "slot", (dev->devfn >> 3) & 0x1f);
    json_object_set_int_member(info, "function", dev->devfn & 7);
    for (size_t i = 0; i < ARRAY_SIZE(pci_class_names); i++) {
        if (pci_class_names[i].class == class) {
            json_object_set_string_member(class_info, "desc",
                                          pci_class_names[i].desc);
        }
    }
    json_object_set_int_member(class_info, "class", class);
    json_object_set_object_member(info, "class_info", class_info);
    json_object_set_int_member(id, "device", pci_get_word(cfg + PCI_DEVICE_ID));
    json_object_set_int_member(id, "vendor", pci_get_word(cfg + PCI_VENDOR_ID));
    json_object_set_int_member(id, "subsystem",
                               pci_get_word(cfg + PCI_SUBSYSTEM_ID));
    json_object_set_int_member(id, "subsystem-vendor",
                               pci_get_word(cfg + PCI_SUBSYSTEM_VENDOR_ID));
    json_object_set_object_member(info, "id", id);
    if (cfg[PCI_INTERRUPT_PIN]) {
        json_object_set_int_member(info, "irq", cfg[PCI_INTERRUPT_LINE]);
    }
    json_object_set_int_member(info, "irq_pin", cfg[PCI_INTERRUPT_PIN]);
    json_object_set_string_member(info, "qdev_id",
                                  dev->qdev.id ? dev->qdev.id : "");
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        const PCIIORegion *r = &dev->io_regions[i];
        JsonObject *region;

        if (!r->size) {
            continue;
        }
        region = json_object_new();
        json_object_set_int_member(region, "bar", i);
        if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
            json_object_set_string_member(region, "type", "io");
        } else {
            json_object_set_string_member(region, "type", "memory");
            json_object_set_boolean_member(
                region, "prefetch", r->type & PCI_BASE_ADDRESS_MEM_PREFETCH);
            json_object_set_boolean_member(
                region, "mem_type_64", r->type & PCI_BASE_ADDRESS_MEM_TYPE_64);
        }
        json_object_set_int_member(region, "address", (int64_t)r->addr);
        json_object_set_int_member(region, "size", (int64_t)r->size);
        json_array_add_object_element(regions, region);
    }
    json_object_set_array_member(info, "regions", regions);
    json_array_add_object_element(devices, info);
}

typedef struct PciSearch {
    JsonArray *buses;
    int number;
} PciSearch;

static int pci_find_buses(Object *obj, void *opaque)
{
    PciSearch *ps = opaque;
    PCIBus *bus = (PCIBus *)object_dynamic_cast(obj, TYPE_PCI_BUS);

    if (bus) {
        JsonObject *info = json_object_new();
        JsonArray *devices = json_array_new();

        pci_bus_foreach(bus, pci_device_info, devices);
        json_object_set_int_member(info, "bus", ps->number++);
        json_object_set_array_member(info, "devices", devices);
        json_array_add_object_element(ps->buses, info);
    }
    return object_child_foreach(obj, pci_find_buses, ps);
}

JsonNode *qmp_query_pci(MachineState *ms)
{
    PciSearch ps = {json_array_new(), 0};

    pci_find_buses(OBJECT(ms), &ps);
    return qmp_node_array(ps.buses);
}

/* ---- Commands
 * -------------------------------------------------------------------------- */

static JsonNode *qmp_cmd_capabilities(QmpCtx *ctx, JsonObject *args,
                                      Error **errp)
{
    JsonNode *enable = json_object_get_member(args, "enable");

    if (!ctx->mon) {
        error_setg(errp, "qmp_capabilities is only valid in QMP");
        return NULL;
    }
    if (!monitor_qmp_negotiate(
            ctx->mon, enable ? json_node_get_array(enable) : NULL, ctx, errp)) {
        return NULL;
    }
    return qmp_node_empty_object();
}

static JsonNode *qmp_cmd_query_version(QmpCtx *ctx, JsonObject *args,
                                       Error **errp)
{
    return qmp_version_info();
}

static JsonNode *qmp_cmd_query_status(QmpCtx *ctx, JsonObject *args,
                                      Error **errp)
{
    return qmp_query_status(ctx->ms);
}

static JsonNode *qmp_cmd_query_name(QmpCtx *ctx, JsonObject *args, Error **errp)
{
    JsonObject *ret = json_object_new();

    if (ctx->ms->name) {
        json_object_set_string_member(ret, "name", ctx->ms->name);
    }
    return qmp_node_object(ret);
}

static void add_command_name(const QmpCommand *cmd, void *opaque)
{
    JsonObject *info = json_object_new();

    json_object_set_string_member(info, "name", cmd->name);
    json_array_add_object_element(opaque, info);
}

static JsonNode *qmp_cmd_query_commands(QmpCtx *ctx, JsonObject *args,
                                        Error **errp)
{
    JsonArray *list = json_array_new();

    qmp_command_foreach(add_command_name, list);
    return qmp_node_array(list);
}

static JsonNode *qmp_cmd_query_machines(QmpCtx *ctx, JsonObject *args,
                                        Error **errp)
{
    GSList *classes = object_class_get_list(TYPE_MACHINE, false);
    JsonArray *list = json_array_new();

    for (GSList *l = classes; l; l = l->next) {
        MachineClass *mc = MACHINE_CLASS(l->data);
        JsonObject *info;

        if (!mc->name) {
            continue;
        }
        info = json_object_new();
        json_object_set_string_member(info, "name", mc->name);
        if (mc->alias) {
            json_object_set_string_member(info, "alias", mc->alias);
        }
        if (mc->is_default) {
            json_object_set_boolean_member(info, "is-default", true);
        }
        json_object_set_int_member(info, "cpu-max",
                                   mc->max_cpus ? mc->max_cpus : 1);
        json_object_set_boolean_member(info, "hotpluggable-cpus", false);
        json_object_set_boolean_member(info, "numa-mem-supported", false);
        /*
         * No "acpi" (QEMU 8.0's): clients built against QEMU 7.2's schema,
         * such as its qos-test, reject members they do not know.
         */
        json_object_set_boolean_member(info, "deprecated", false);
        json_array_add_object_element(list, info);
    }
    g_slist_free(classes);
    return qmp_node_array(list);
}

static JsonNode *qmp_cmd_query_pci(QmpCtx *ctx, JsonObject *args, Error **errp)
{
    return qmp_query_pci(ctx->ms);
}

static JsonNode *qmp_cmd_query_kvm(QmpCtx *ctx, JsonObject *args, Error **errp)
{
    JsonObject *ret = json_object_new();
    const AccelOps *accel = ctx->ms->accel;

    json_object_set_boolean_member(ret, "enabled",
                                   accel && !strcmp(accel->name, "kvm"));
    json_object_set_boolean_member(ret, "present",
                                   access("/dev/kvm", R_OK | W_OK) == 0);
    return qmp_node_object(ret);
}

static JsonNode *qmp_cmd_query_target(QmpCtx *ctx, JsonObject *args,
                                      Error **errp)
{
    JsonObject *ret = json_object_new();

    json_object_set_string_member(ret, "arch", "x86_64");
    return qmp_node_object(ret);
}

static JsonNode *qmp_cmd_qom_list_types(QmpCtx *ctx, JsonObject *args,
                                        Error **errp)
{
    const char *implements = arg_str(args, "implements");
    JsonNode *abstract_node = json_object_get_member(args, "abstract");
    bool abstract = abstract_node && json_node_get_boolean(abstract_node);
    JsonArray *list = json_array_new();
    GSList *classes;

    if (implements && !type_exists(implements)) {
        return qmp_node_array(list);
    }
    classes = object_class_get_list(implements, abstract);
    for (GSList *l = classes; l; l = l->next) {
        ObjectClass *oc = l->data;
        ObjectClass *parent = object_class_get_parent(oc);
        JsonObject *info = json_object_new();

        json_object_set_string_member(info, "name", object_class_get_name(oc));
        if (object_class_is_abstract(oc)) {
            json_object_set_boolean_member(info, "abstract", true);
        }
        if (parent) {
            json_object_set_string_member(info, "parent",
                                          object_class_get_name(parent));
        }
        json_array_add_object_element(list, info);
    }
    g_slist_free(classes);
    return qmp_node_array(list);
}

static Object *qom_find(QmpCtx *ctx, const char *path, Error **errp)
{
    Object *root = object_get_root_of(OBJECT(ctx->ms));
    Object *obj = object_resolve_path(root, path);

    if (!obj) {
        ctx->error_class = QMP_CLASS_DEVICE_NOT_FOUND;
        error_setg(errp, "Device '%s' not found", path);
    }
    return obj;
}

static int add_property_info(Object *obj, ObjectProperty *prop, void *opaque)
{
    JsonObject *info = json_object_new();

    json_object_set_string_member(info, "name", prop->name);
    json_object_set_string_member(info, "type", prop->type);
    if (prop->description) {
        json_object_set_string_member(info, "description", prop->description);
    }
    json_array_add_object_element(opaque, info);
    return 0;
}

static JsonNode *qmp_cmd_qom_list(QmpCtx *ctx, JsonObject *args, Error **errp)
{
    Object *obj = qom_find(ctx, arg_str(args, "path"), errp);
    JsonArray *list;

    if (!obj) {
        return NULL;
    }
    list = json_array_new();
    object_property_foreach(obj, add_property_info, list);
    return qmp_node_array(list);
}

static ObjectProperty *qom_find_prop(Object *obj, const char *name,
                                     Error **errp)
{
    ObjectProperty *prop = object_property_find(obj, name);

    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found", object_get_typename(obj),
                   name);
    }
    return prop;
}

/* A property's text as the JSON value its kind calls for. */
static JsonNode *qom_value_node(ObjectProperty *prop, const char *text)
{
    bool b;
    int64_t i;
    uint64_t u;

    switch (prop->json) {
    case PROP_JSON_BOOL:
        if (parse_bool_str(text, &b)) {
            return qmp_node_bool(b);
        }
        break;
    case PROP_JSON_NUMBER:
        if (parse_int64_full(text, &i, 0)) {
            return qmp_node_int(i);
        }
        if (parse_uint64_full(text, &u, 0)) {
            JsonNode *node = json_node_new(JSON_NODE_VALUE);

            json_node_set_double(node, (double)u);
            return node;
        }
        break;
    case PROP_JSON_STRING:
        break;
    }
    return qmp_node_str(text);
}

static JsonNode *qmp_cmd_qom_get(QmpCtx *ctx, JsonObject *args, Error **errp)
{
    Object *obj = qom_find(ctx, arg_str(args, "path"), errp);
    g_autofree char *text = NULL;
    ObjectProperty *prop;

    if (!obj) {
        return NULL;
    }
    prop = qom_find_prop(obj, arg_str(args, "property"), errp);
    if (!prop) {
        return NULL;
    }
    if (!prop->get) {
        error_setg(errp, "Property '%s.%s' is not readable",
                   object_get_typename(obj), prop->name);
        return NULL;
    }
    text = prop->get(obj, prop, errp);
    return text ? qom_value_node(prop, text) : NULL;
}

/* A JSON scalar as the text a property parser takes; NULL if not one. */
static char *json_scalar_text(JsonNode *node)
{
    char num[G_ASCII_DTOSTR_BUF_SIZE];

    if (!JSON_NODE_HOLDS_VALUE(node)) {
        return NULL;
    }
    switch (json_node_get_value_type(node)) {
    case G_TYPE_STRING:
        return g_strdup(json_node_get_string(node));
    case G_TYPE_INT64:
        return g_strdup_printf("%" PRId64, json_node_get_int(node));
    case G_TYPE_DOUBLE:
        return g_strdup(
            g_ascii_dtostr(num, sizeof(num), json_node_get_double(node)));
    case G_TYPE_BOOLEAN:
        return g_strdup(json_node_get_boolean(node) ? "on" : "off");
    default:
        return NULL;
    }
}

static JsonNode *qmp_cmd_qom_set(QmpCtx *ctx, JsonObject *args, Error **errp)
{
    Object *obj = qom_find(ctx, arg_str(args, "path"), errp);
    JsonNode *value = json_object_get_member(args, "value");
    g_autofree char *text = NULL;
    ObjectProperty *prop;
    GType want;

    if (!obj) {
        return NULL;
    }
    prop = qom_find_prop(obj, arg_str(args, "property"), errp);
    if (!prop) {
        return NULL;
    }
    want = prop->json == PROP_JSON_BOOL     ? G_TYPE_BOOLEAN
           : prop->json == PROP_JSON_NUMBER ? G_TYPE_INT64
                                            : G_TYPE_STRING;
    if (!node_is(value, want)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   prop->name,
                   want == G_TYPE_BOOLEAN ? "boolean"
                   : want == G_TYPE_INT64 ? "integer"
                                          : "string");
        return NULL;
    }
    if (!prop->set) {
        error_setg(errp, "Property '%s.%s' is not writable",
                   object_get_typename(obj), prop->name);
        return NULL;
    }
    text = json_scalar_text(value);
    if (!object_property_parse(obj, prop->name, text, errp)) {
        return NULL;
    }
    return qmp_node_empty_object();
}

static JsonNode *qmp_cmd_stop(QmpCtx *ctx, JsonObject *args, Error **errp)
{
    machine_pause(ctx->ms);
    return qmp_node_empty_object();
}

static JsonNode *qmp_cmd_cont(QmpCtx *ctx, JsonObject *args, Error **errp)
{
    if (ctx->ms->runstate == RUN_STATE_SHUTDOWN) {
        error_setg(errp, "Resetting the Virtual Machine is required");
        return NULL;
    }
    machine_resume(ctx->ms);
    return qmp_node_empty_object();
}

static JsonNode *qmp_cmd_system_reset(QmpCtx *ctx, JsonObject *args,
                                      Error **errp)
{
    machine_request_reset(ctx->ms, "host-qmp-system-reset", false);
    return qmp_node_empty_object();
}

static JsonNode *qmp_cmd_system_powerdown(QmpCtx *ctx, JsonObject *args,
                                          Error **errp)
{
    machine_request_powerdown(ctx->ms);
    return qmp_node_empty_object();
}

static JsonNode *qmp_cmd_set_link(QmpCtx *ctx, JsonObject *args, Error **errp)
{
    const char *name = json_object_get_string_member(args, "name");
    bool up = json_object_get_boolean_member(args, "up");

    if (!ctx->ms->net || !qmp_set_link(ctx->ms->net, name, up, errp)) {
        if (!ctx->ms->net) {
            error_setg(errp, "Device '%s' not found", name);
        }
        return NULL;
    }
    return qmp_node_empty_object();
}

/* An optional integer argument of a command, or @dflt. */
static int64_t qmp_arg_int(JsonObject *args, const char *name, int64_t dflt)
{
    return json_object_has_member(args, name)
               ? json_object_get_int_member(args, name)
               : dflt;
}

/* announce-self: RARPs (and guest announcements) in rounds. */
static JsonNode *qmp_cmd_announce_self(QmpCtx *ctx, JsonObject *args,
                                       Error **errp)
{
    AnnounceParameters p = {
        .initial = qmp_arg_int(args, "initial", ANNOUNCE_INITIAL_DEFAULT),
        .max = qmp_arg_int(args, "max", ANNOUNCE_MAX_DEFAULT),
        .rounds = qmp_arg_int(args, "rounds", ANNOUNCE_ROUNDS_DEFAULT),
        .step = qmp_arg_int(args, "step", ANNOUNCE_STEP_DEFAULT),
    };
    const char *id = json_object_has_member(args, "id")
                         ? json_object_get_string_member(args, "id")
                         : NULL;

    if (json_object_has_member(args, "interfaces")) {
        error_setg(errp, "announce-self: 'interfaces' is not supported "
                         "(every NIC announces itself)");
        return NULL;
    }
    if (ctx->ms->net &&
        !net_announce_self(ctx->ms->net, ctx->ms->clocks, id, &p, errp)) {
        return NULL;
    }
    return qmp_node_empty_object();
}

static void do_quit(MachineState *ms, void *opaque)
{
    machine_request_shutdown(ms, 0, "host-qmp-quit", false);
}

static JsonNode *qmp_cmd_quit(QmpCtx *ctx, JsonObject *args, Error **errp)
{
    qmp_ctx_defer(ctx, do_quit, NULL);
    return qmp_node_empty_object();
}

DeviceState *qmp_device_add_opts(QmpCtx *ctx, KemuOpts *opts, Error **errp)
{
    /* The machine is built: only hotpluggable devices may come now. */
    return qdev_device_hotplug(ctx->ms, opts, errp);
}

static JsonNode *qmp_cmd_device_add(QmpCtx *ctx, JsonObject *args, Error **errp)
{
    g_autoptr(KemuOpts) opts = kemu_opts_new("device_add", "driver");
    JsonObjectIter it;
    const char *member;
    JsonNode *value;

    kemu_opts_set(opts, "driver", arg_str(args, "driver"));
    json_object_iter_init_ordered(&it, args);
    while (json_object_iter_next_ordered(&it, &member, &value)) {
        g_autofree char *text = NULL;

        if (!strcmp(member, "driver")) {
            continue;
        }
        text = json_scalar_text(value);
        if (!text) {
            error_setg(errp,
                       "Invalid parameter type for '%s', expected: "
                       "scalar",
                       member);
            return NULL;
        }
        kemu_opts_set(opts, member, text);
    }
    if (!qmp_device_add_opts(ctx, opts, errp)) {
        return NULL;
    }
    return qmp_node_empty_object();
}

/* The device @id names: a -device id, or a QOM path. */
static DeviceState *find_device(QmpCtx *ctx, const char *id, Error **errp)
{
    Object *obj = object_resolve_path_component(
        container_get(OBJECT(ctx->ms), "peripheral"), id);

    if (!obj && id[0] == '/') {
        obj = object_resolve_path(object_get_root_of(OBJECT(ctx->ms)), id);
    }
    if (!obj) {
        ctx->error_class = QMP_CLASS_DEVICE_NOT_FOUND;
        error_setg(errp, "Device '%s' not found", id);
        return NULL;
    }
    if (!object_dynamic_cast(obj, TYPE_DEVICE)) {
        error_setg(errp, "%s is not a hotpluggable device", id);
        return NULL;
    }
    return DEVICE(obj);
}

static JsonNode *qmp_cmd_device_del(QmpCtx *ctx, JsonObject *args, Error **errp)
{
    const char *id = arg_str(args, "id");
    DeviceState *dev = find_device(ctx, id, errp);

    if (!dev) {
        return NULL;
    }
    /* The guest is asked; DEVICE_DELETED follows when it lets go. */
    if (!qdev_unplug(ctx->ms, dev, errp)) {
        return NULL;
    }
    return qmp_node_empty_object();
}

static JsonNode *qmp_cmd_hmp(QmpCtx *ctx, JsonObject *args, Error **errp)
{
    g_autofree char *out = hmp_run(ctx, arg_str(args, "command-line"));
    GString *crlf = g_string_new(NULL);
    JsonNode *ret;

    /* QEMU's monitor output ends lines with "\r\n". */
    for (const char *p = out; *p; p++) {
        if (*p == '\n') {
            g_string_append_c(crlf, '\r');
        }
        g_string_append_c(crlf, *p);
    }
    ret = qmp_node_str(crlf->str);
    g_string_free(crlf, true);
    return ret;
}

static const QmpCommand qmp_commands[] = {
    {"qmp_capabilities",
     qmp_cmd_capabilities,
     {{"enable", QMP_ARG_STR_LIST, true}}},
    {"query-version", qmp_cmd_query_version},
    {"query-status", qmp_cmd_query_status},
    {"query-name", qmp_cmd_query_name},
    {"query-commands", qmp_cmd_query_commands},
    {"query-machines",
     qmp_cmd_query_machines,
     {{"compat-props", QMP_ARG_BOOL, true}}},
    {"query-pci", qmp_cmd_query_pci},
    {"query-kvm", qmp_cmd_query_kvm},
    {"query-target", qmp_cmd_query_target},
    {"qom-list-types",
     qmp_cmd_qom_list_types,
     {{"implements", QMP_ARG_STR, true}, {"abstract", QMP_ARG_BOOL, true}}},
    {"qom-list", qmp_cmd_qom_list, {{"path", QMP_ARG_STR}}},
    {"qom-get",
     qmp_cmd_qom_get,
     {{"path", QMP_ARG_STR}, {"property", QMP_ARG_STR}}},
    {"qom-set",
     qmp_cmd_qom_set,
     {{"path", QMP_ARG_STR},
      {"property", QMP_ARG_STR},
      {"value", QMP_ARG_ANY}}},
    {"stop", qmp_cmd_stop},
    {"cont", qmp_cmd_cont},
    {"system_reset", qmp_cmd_system_reset},
    {"system_powerdown", qmp_cmd_system_powerdown},
    {"quit", qmp_cmd_quit},
    {"device_add",
     qmp_cmd_device_add,
     {{"driver", QMP_ARG_STR},
      {"id", QMP_ARG_STR, true},
      {"bus", QMP_ARG_STR, true}},
     .extra_args = true},
    {"device_del", qmp_cmd_device_del, {{"id", QMP_ARG_STR}}},
    {"announce-self",
     qmp_cmd_announce_self,
     {{"initial", QMP_ARG_INT, true},
      {"max", QMP_ARG_INT, true},
      {"rounds", QMP_ARG_INT, true},
      {"step", QMP_ARG_INT, true},
      {"interfaces", QMP_ARG_STR_LIST, true},
      {"id", QMP_ARG_STR, true}}},
    {"set_link",
     qmp_cmd_set_link,
     {{"name", QMP_ARG_STR}, {"up", QMP_ARG_BOOL}}},
    {"human-monitor-command",
     qmp_cmd_hmp,
     {{"command-line", QMP_ARG_STR}, {"cpu-index", QMP_ARG_INT, true}}},
};

const QmpCommand *qmp_command_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(qmp_commands); i++) {
        if (!strcmp(qmp_commands[i].name, name)) {
            return &qmp_commands[i];
        }
    }
    return NULL;
}

void qmp_command_foreach(void (*fn)(const QmpCommand *cmd, void *opaque),
                         void *opaque)
{
    for (size_t i = 0; i < ARRAY_SIZE(qmp_commands); i++) {
        fn(&qmp_commands[i], opaque);
    }
}
