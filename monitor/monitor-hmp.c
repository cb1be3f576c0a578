/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The human monitor's commands (HMP): what QMP's human-monitor-command
 * and an interactive "(qemu) " prompt run.  Output follows QEMU's text
 * where scripts are known to parse it (info status, info pci, info qtree).
 */
#include "util/osdep.h"
#include "util/option.h"
#include "util/cutils.h"
#include "hw/core/qdev.h"
#include "exec/memory.h"
#include "system/device-add.h"
#include "monitor/monitor-internal.h"
#include "net/announce.h"
#include "net/net.h"

typedef struct HmpCommand {
    const char *name;
    const char *alias;
    const char *args;
    const char *help;
    void (*fn)(QmpCtx *ctx, GString *out, const char *args);
} HmpCommand;

/* ---- info ---------------------------------------------------------------- */

static void hmp_info_version(QmpCtx *ctx, GString *out, const char *args)
{
    g_string_append_printf(out, "%s (kemu)\n", KEMU_VERSION);
}

static void hmp_info_status(QmpCtx *ctx, GString *out, const char *args)
{
    RunState state = ctx->ms->runstate;

    g_string_append_printf(out, "VM status: %s",
                           state == RUN_STATE_RUNNING ? "running" : "paused");
    if (state != RUN_STATE_RUNNING && state != RUN_STATE_PAUSED) {
        g_string_append_printf(out, " (%s)", qmp_runstate_name(state));
    }
    g_string_append(out, "\n");
}

static void hmp_info_network(QmpCtx *ctx, GString *out, const char *args)
{
    if (ctx->ms->net) {
        net_print_info(ctx->ms->net, out);
    }
}

static void hmp_info_name(QmpCtx *ctx, GString *out, const char *args)
{
    if (ctx->ms->name) {
        g_string_append_printf(out, "%s\n", ctx->ms->name);
    }
}

static void hmp_info_kvm(QmpCtx *ctx, GString *out, const char *args)
{
    const AccelOps *accel = ctx->ms->accel;

    g_string_append_printf(out, "kvm support: %s\n",
                           accel && !strcmp(accel->name, "kvm") ? "enabled"
                                                                : "disabled");
}

typedef struct QtreeProps {
    GString *out;
    const char *indent;
} QtreeProps;

static int qtree_print_prop(Object *obj, ObjectProperty *prop, void *opaque)
{
    QtreeProps *qp = opaque;
    GString *out = qp->out;
    const char *indent = qp->indent;
    g_autofree char *value = NULL;

    if (!prop->set || !prop->get || !strcmp(prop->name, "realized") ||
        g_str_has_prefix(prop->type, "child<")) {
        return 0;
    }
    value = prop->get(obj, prop, NULL);
    if (!value) {
        return 0;
    }
    if (prop->json == PROP_JSON_STRING) {
        g_string_append_printf(out, "%s%s = \"%s\"\n", indent, prop->name,
                               value);
    } else {
        g_string_append_printf(out, "%s%s = %s\n", indent, prop->name, value);
    }
    return 0;
}

static void qtree_print_bus(GString *out, BusState *bus, int indent);

static void qtree_print_dev(GString *out, DeviceState *dev, int indent)
{
    g_autofree char *pad = g_strnfill(indent + 2, ' ');
    QtreeProps qp = {out, pad};

    g_string_append_printf(out, "%*sdev: %s, id \"%s\"\n", indent, "",
                           object_get_typename(OBJECT(dev)),
                           dev->id ? dev->id : "");
    object_property_foreach(OBJECT(dev), qtree_print_prop, &qp);
    for (GSList *l = dev->child_buses; l; l = l->next) {
        qtree_print_bus(out, l->data, indent + 2);
    }
}

static void qtree_print_bus(GString *out, BusState *bus, int indent)
{
    g_string_append_printf(out, "%*sbus: %s\n", indent, "",
                           bus->name ? bus->name : "");
    g_string_append_printf(out, "%*s  type %s\n", indent, "",
                           object_get_typename(OBJECT(bus)));
    for (GList *l = bus->children; l; l = l->next) {
        qtree_print_dev(out, l->data, indent + 2);
    }
}

static void hmp_info_qtree(QmpCtx *ctx, GString *out, const char *args)
{
    if (ctx->ms->sysbus) {
        qtree_print_bus(out, BUS(ctx->ms->sysbus), 0);
    }
}

static void mtree_dump(GString *out, AddressSpace *as)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f) {
        return;
    }
    address_space_dump(as, f);
    fclose(f);
    g_string_append_printf(out, "address-space: %s\n", address_space_name(as));
    g_string_append_len(out, buf, len);
    g_string_append(out, "\n");
    free(buf);
}

static void hmp_info_mtree(QmpCtx *ctx, GString *out, const char *args)
{
    if (ctx->ms->as_memory) {
        mtree_dump(out, ctx->ms->as_memory);
    }
    if (ctx->ms->as_io) {
        mtree_dump(out, ctx->ms->as_io);
    }
}

static int64_t obj_int(JsonObject *obj, const char *member)
{
    return json_object_has_member(obj, member)
               ? json_object_get_int_member(obj, member)
               : 0;
}

static void hmp_pci_device(GString *out, JsonObject *dev)
{
    JsonObject *cls = json_object_get_object_member(dev, "class_info");
    JsonObject *id = json_object_get_object_member(dev, "id");
    JsonArray *regions = json_object_get_array_member(dev, "regions");

    g_string_append_printf(
        out, "  Bus %2" PRId64 ", device %3" PRId64 ", function %" PRId64 ":\n",
        obj_int(dev, "bus"), obj_int(dev, "slot"), obj_int(dev, "function"));
    if (json_object_has_member(cls, "desc")) {
        g_string_append_printf(out, "    %s",
                               json_object_get_string_member(cls, "desc"));
    } else {
        g_string_append_printf(out, "    Class %04" PRIx64,
                               obj_int(cls, "class"));
    }
    g_string_append_printf(out, ": PCI device %04" PRIx64 ":%04" PRIx64 "\n",
                           obj_int(id, "vendor"), obj_int(id, "device"));
    g_string_append_printf(
        out, "      PCI subsystem %04" PRIx64 ":%04" PRIx64 "\n",
        obj_int(id, "subsystem-vendor"), obj_int(id, "subsystem"));
    if (json_object_has_member(dev, "irq")) {
        g_string_append_printf(out, "      IRQ %" PRId64 ", pin %c\n",
                               obj_int(dev, "irq"),
                               (char)('A' + obj_int(dev, "irq_pin") - 1));
    }
    for (guint i = 0; regions && i < json_array_get_length(regions); i++) {
        JsonObject *r = json_array_get_object_element(regions, i);
        uint64_t addr = obj_int(r, "address"), size = obj_int(r, "size");

        g_string_append_printf(out, "      BAR%" PRId64 ": ",
                               obj_int(r, "bar"));
        if (!g_strcmp0(json_object_get_string_member(r, "type"), "io")) {
            g_string_append_printf(
                out, "I/O at 0x%04" PRIx64 " [0x%04" PRIx64 "].\n", addr,
                addr + size - 1);
        } else {
            g_string_append_printf(
                out, "%d bit%s memory at 0x%08" PRIx64 " [0x%08" PRIx64 "].\n",
                json_object_get_boolean_member(r, "mem_type_64") ? 64 : 32,
                json_object_get_boolean_member(r, "prefetch") ? " prefetchable"
                                                              : "",
                addr, addr + size - 1);
        }
    }
    g_string_append_printf(out, "      id \"%s\"\n",
                           json_object_get_string_member(dev, "qdev_id"));
}

static void hmp_info_pci(QmpCtx *ctx, GString *out, const char *args)
{
    JsonNode *node = qmp_query_pci(ctx->ms);
    JsonArray *buses = json_node_get_array(node);

    for (guint b = 0; b < json_array_get_length(buses); b++) {
        JsonObject *bus = json_array_get_object_element(buses, b);
        JsonArray *devs = json_object_get_array_member(bus, "devices");

        for (guint d = 0; d < json_array_get_length(devs); d++) {
            hmp_pci_device(out, json_array_get_object_element(devs, d));
        }
    }
    json_node_unref(node);
}

static void hmp_info(QmpCtx *ctx, GString *out, const char *args);

static const HmpCommand hmp_info_commands[] = {
    {"version", NULL, "", "show the version of kemu", hmp_info_version},
    {"network", NULL, "", "show the network state", hmp_info_network},
    {"status", NULL, "", "show the current VM status (running|paused)",
     hmp_info_status},
    {"name", NULL, "", "show the current VM name", hmp_info_name},
    {"kvm", NULL, "", "show KVM information", hmp_info_kvm},
    {"qtree", NULL, "", "show device tree", hmp_info_qtree},
    {"mtree", NULL, "", "show memory tree", hmp_info_mtree},
    {"pci", NULL, "", "show PCI info", hmp_info_pci},
    {NULL},
};

/* ---- Commands --------------------------------------------------------------
 */

static void hmp_stop(QmpCtx *ctx, GString *out, const char *args)
{
    machine_pause(ctx->ms);
}

static void hmp_cont(QmpCtx *ctx, GString *out, const char *args)
{
    machine_resume(ctx->ms);
}

static void hmp_system_reset(QmpCtx *ctx, GString *out, const char *args)
{
    machine_request_reset(ctx->ms, "host-qmp-system-reset", false);
}

static void hmp_system_powerdown(QmpCtx *ctx, GString *out, const char *args)
{
    machine_request_powerdown(ctx->ms);
}

static void hmp_do_quit(MachineState *ms, void *opaque)
{
    machine_request_shutdown(ms, 0, "host-qmp-quit", false);
}

static void hmp_quit(QmpCtx *ctx, GString *out, const char *args)
{
    qmp_ctx_defer(ctx, hmp_do_quit, NULL);
}

static void hmp_device_add(QmpCtx *ctx, GString *out, const char *args)
{
    g_autoptr(KemuOpts) opts = NULL;
    Error *err = NULL;

    opts = kemu_opts_parse("device_add", args, "driver", &err);
    if (opts && qdev_device_help(opts, &err)) {
        /* Help goes to stdout, as -device help does. */
    } else if (opts) {
        qmp_device_add_opts(ctx, opts, &err);
    }
    if (err) {
        g_string_append_printf(out, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
}

/* Run QMP command @name with @args (a JSON object text) for the HMP. */
static JsonNode *hmp_qmp(QmpCtx *ctx, GString *out, const char *name,
                         JsonObject *args)
{
    const QmpCommand *cmd = qmp_command_find(name);
    Error *err = NULL;
    JsonNode *ret = NULL;

    if (qmp_check_args(cmd, args, &err)) {
        ret = cmd->fn(ctx, args, &err);
    }
    if (err) {
        g_string_append_printf(out, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
    return ret;
}

static void hmp_device_del(QmpCtx *ctx, GString *out, const char *args)
{
    g_autoptr(JsonObject) qargs = json_object_new();
    JsonNode *ret;

    json_object_set_string_member(qargs, "id", args);
    ret = hmp_qmp(ctx, out, "device_del", qargs);
    if (ret) {
        json_node_unref(ret);
    }
}

static void hmp_qom_list(QmpCtx *ctx, GString *out, const char *args)
{
    g_autoptr(JsonObject) qargs = json_object_new();
    JsonNode *ret;
    JsonArray *list;

    json_object_set_string_member(qargs, "path", *args ? args : "/");
    ret = hmp_qmp(ctx, out, "qom-list", qargs);
    if (!ret) {
        return;
    }
    list = json_node_get_array(ret);
    for (guint i = 0; i < json_array_get_length(list); i++) {
        JsonObject *p = json_array_get_object_element(list, i);

        g_string_append_printf(out, "%s (%s)\n",
                               json_object_get_string_member(p, "name"),
                               json_object_get_string_member(p, "type"));
    }
    json_node_unref(ret);
}

static void hmp_qom_get(QmpCtx *ctx, GString *out, const char *args)
{
    g_auto(GStrv) words = g_strsplit_set(args, " \t", 2);
    g_autoptr(JsonObject) qargs = json_object_new();
    JsonNode *ret;

    if (!words[0] || !words[1]) {
        g_string_append(out, "Error: usage: qom-get PATH PROPERTY\n");
        return;
    }
    json_object_set_string_member(qargs, "path", words[0]);
    json_object_set_string_member(qargs, "property", g_strstrip(words[1]));
    ret = hmp_qmp(ctx, out, "qom-get", qargs);
    if (ret) {
        g_autofree char *text = qmp_json_to_string(ret);

        g_string_append_printf(out, "%s\n", text);
        json_node_unref(ret);
    }
}

static void hmp_qom_set(QmpCtx *ctx, GString *out, const char *args)
{
    g_auto(GStrv) words = g_strsplit_set(args, " \t", 3);
    Object *obj;
    Error *err = NULL;

    if (!words[0] || !words[1] || !words[2]) {
        g_string_append(out, "Error: usage: qom-set PATH PROPERTY VALUE\n");
        return;
    }
    obj = object_resolve_path(object_get_root_of(OBJECT(ctx->ms)), words[0]);
    if (!obj) {
        g_string_append_printf(out, "Error: Device '%s' not found\n", words[0]);
        return;
    }
    if (!object_property_parse(obj, words[1], g_strstrip(words[2]), &err)) {
        g_string_append_printf(out, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
}

static void hmp_set_link(QmpCtx *ctx, GString *out, const char *args)
{
    g_auto(GStrv) words = g_strsplit_set(args ? args : "", " \t", 3);
    Error *err = NULL;
    bool up;

    if (g_strv_length(words) != 2 || !parse_bool_str(words[1], &up)) {
        g_string_append(out, "usage: set_link name on|off\n");
        return;
    }
    if (!ctx->ms->net || !qmp_set_link(ctx->ms->net, words[0], up, &err)) {
        g_string_append_printf(out, "Error: %s\n",
                               err ? error_get_pretty(err) : "no network");
        error_free(err);
    }
}

/* announce_self [id]: QEMU's HMP form, with the default timing. */
static void hmp_announce_self(QmpCtx *ctx, GString *out, const char *args)
{
    g_auto(GStrv) words = g_strsplit_set(args ? args : "", " \t", 2);
    AnnounceParameters p = {ANNOUNCE_INITIAL_DEFAULT, ANNOUNCE_MAX_DEFAULT,
                            ANNOUNCE_ROUNDS_DEFAULT, ANNOUNCE_STEP_DEFAULT};
    Error *err = NULL;

    if (g_strv_length(words) > 1 && words[1][0]) {
        g_string_append(out, "usage: announce_self [id]\n");
        return;
    }
    if (ctx->ms->net &&
        !net_announce_self(ctx->ms->net, ctx->ms->clocks, words[0], &p, &err)) {
        g_string_append_printf(out, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
}

static void hmp_help(QmpCtx *ctx, GString *out, const char *args);

static const HmpCommand hmp_commands[] = {
    {"help", "?", "[cmd]", "show the help", hmp_help},
    {"info", NULL, "[subcommand]",
     "show various information about the system state", hmp_info},
    {"stop", "s", "", "stop emulation", hmp_stop},
    {"cont", "c", "", "resume emulation", hmp_cont},
    {"system_reset", NULL, "", "reset the system", hmp_system_reset},
    {"system_powerdown", NULL, "", "send system power down event",
     hmp_system_powerdown},
    {"quit", "q", "", "quit the emulator", hmp_quit},
    {"device_add", NULL, "driver[,prop=value][,...]",
     "add device, like -device on the command line", hmp_device_add},
    {"device_del", NULL, "device", "remove device", hmp_device_del},
    {"set_link", NULL, "name on|off",
     "change the link status of a network "
     "adapter",
     hmp_set_link},
    {"announce_self", NULL, "[id]",
     "send RARPs (and guest announcements) from every NIC", hmp_announce_self},
    {"qom-list", NULL, "path", "list QOM properties", hmp_qom_list},
    {"qom-get", NULL, "path property", "print QOM property", hmp_qom_get},
    {"qom-set", NULL, "path property value", "set QOM property", hmp_qom_set},
    {NULL},
};

static const HmpCommand *hmp_find(const HmpCommand *table, const char *name)
{
    for (const HmpCommand *c = table; c->name; c++) {
        if (!strcmp(c->name, name) || !g_strcmp0(c->alias, name)) {
            return c;
        }
    }
    return NULL;
}

static void hmp_list_one(GString *out, const HmpCommand *c, const char *prefix)
{
    g_autofree char *names = c->alias
                                 ? g_strdup_printf("%s|%s", c->name, c->alias)
                                 : g_strdup(c->name);

    g_string_append_printf(out, "%s%s %s -- %s\n", prefix, names, c->args,
                           c->help);
}

static void hmp_list(GString *out, const HmpCommand *table, const char *prefix)
{
    for (const HmpCommand *c = table; c->name; c++) {
        hmp_list_one(out, c, prefix);
    }
}

static void hmp_help(QmpCtx *ctx, GString *out, const char *args)
{
    const HmpCommand *c = *args ? hmp_find(hmp_commands, args) : NULL;

    if (c == &hmp_commands[1]) {
        hmp_list(out, hmp_info_commands, "info ");
    } else if (c) {
        hmp_list_one(out, c, "");
    } else {
        hmp_list(out, hmp_commands, "");
    }
}

static void hmp_info(QmpCtx *ctx, GString *out, const char *args)
{
    const HmpCommand *c;

    if (!*args) {
        hmp_list(out, hmp_info_commands, "info ");
        return;
    }
    c = hmp_find(hmp_info_commands, args);
    if (!c) {
        g_string_append_printf(out, "unknown command: 'info %s'\n", args);
        return;
    }
    c->fn(ctx, out, "");
}

char *hmp_run(QmpCtx *ctx, const char *cmdline)
{
    g_autofree char *line = g_strstrip(g_strdup(cmdline));
    GString *out = g_string_new(NULL);
    const HmpCommand *c;
    char *args = line + strcspn(line, " \t");

    if (*args) {
        *args++ = '\0';
        g_strstrip(args);
    }
    if (!*line) {
        return g_string_free(out, false);
    }
    c = hmp_find(hmp_commands, line);
    if (!c) {
        g_string_append_printf(out, "unknown command: '%s'\n", line);
    } else {
        c->fn(ctx, out, args);
    }
    return g_string_free(out, false);
}
