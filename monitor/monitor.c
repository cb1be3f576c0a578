/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Monitor sessions on chardevs (see monitor.h): QMP's greeting, capability
 * negotiation, request checking, dispatch into the command table, replies
 * and events; and the human monitor's line editor and prompt.
 *
 * A QMP request goes through QEMU's checks in QEMU's order: JSON syntax
 * (the streamer), "must be a JSON object", its members (execute/exec-oob
 * a string, arguments an object, id anything, nothing else), negotiation
 * state, the command's existence, its arguments.  Every failure is an
 * error reply, with the request's id when it had one; the session goes on.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "monitor/monitor-internal.h"

typedef struct Monitor {
    Object parent_obj;
    MachineState *ms;
    CharBackend chr;
    bool bound; /* chr initialized */
} Monitor;

OBJECT_DECLARE_SIMPLE_TYPE(Monitor, MONITOR)

OBJECT_DECLARE_SIMPLE_TYPE(MonitorQMP, MONITOR_QMP)

struct MonitorQMP {
    Monitor parent_obj;
    MachineNotifier notifier;
    bool notifier_added;
    QmpJsonStreamer js;
    bool negotiated; /* qmp_capabilities done: commands and events */
    bool oob;        /* the client enabled out-of-band execution */
};

OBJECT_DECLARE_SIMPLE_TYPE(MonitorHMP, MONITOR_HMP)

struct MonitorHMP {
    Monitor parent_obj;
    GString *line; /* the line being typed */
    bool last_cr;  /* the previous byte was '\r' (skip its '\n') */
    int esc;       /* escape sequence state: 0 none, 1 ESC, 2 CSI */
    bool on_mux;   /* shares its chardev: greet when switched to */
    bool greeted;
};

#define HMP_PROMPT "(qemu) "

/* ---- Common ------------------------------------------------------------ */

static void monitor_write(Monitor *mon, const char *buf, size_t len)
{
    qemu_chr_fe_write_all(&mon->chr, (const uint8_t *)buf, len);
}

/* Attach @mon (a new monitor object) under /machine/monitors. */
static void monitor_add_to_tree(MachineState *ms, Monitor *mon,
                                const char *prefix)
{
    Object *container = container_get(OBJECT(ms), "monitors");

    for (unsigned n = 0;; n++) {
        g_autofree char *name = g_strdup_printf("%s[%u]", prefix, n);

        if (!object_resolve_path_component(container, name)) {
            object_property_add_child(container, name, OBJECT(mon));
            return;
        }
    }
}

static void monitor_instance_finalize(Object *obj)
{
    Monitor *mon = MONITOR(obj);

    if (mon->bound) {
        qemu_chr_fe_deinit(&mon->chr, false);
    }
}

/* ---- QMP: output -----------------------------------------------------------
 */

static void qmp_send(MonitorQMP *mon, JsonNode *msg)
{
    GString *out = g_string_new(NULL);

    qmp_json_append(out, msg);
    kemu_log_mask(LOG_QMP, "qmp< %s\n", out->str);
    g_string_append(out, "\r\n");
    monitor_write(MONITOR(mon), out->str, out->len);
    g_string_free(out, true);
}

static void qmp_send_object(MonitorQMP *mon, JsonObject *obj)
{
    JsonNode *node = qmp_node_object(obj);

    qmp_send(mon, node);
    json_node_unref(node);
}

static void qmp_send_error(MonitorQMP *mon, JsonNode *id, const char *class,
                           const char *desc)
{
    JsonObject *rsp = json_object_new();
    JsonObject *err = json_object_new();

    json_object_set_string_member(err, "class",
                                  class ? class : QMP_CLASS_GENERIC);
    json_object_set_string_member(err, "desc", desc);
    json_object_set_object_member(rsp, "error", err);
    if (id) {
        json_object_set_member(rsp, "id", json_node_copy(id));
    }
    qmp_send_object(mon, rsp);
}

static void qmp_send_greeting(MonitorQMP *mon)
{
    JsonObject *greeting = json_object_new();
    JsonObject *qmp = json_object_new();
    JsonArray *caps = json_array_new();

    json_array_add_string_element(caps, "oob");
    json_object_set_member(qmp, "version", qmp_version_info());
    json_object_set_array_member(qmp, "capabilities", caps);
    json_object_set_object_member(greeting, "QMP", qmp);
    qmp_send_object(mon, greeting);
}

static JsonObject *qmp_event_new(const char *name, JsonObject *data)
{
    JsonObject *ev = json_object_new();
    JsonObject *ts = json_object_new();
    gint64 now = g_get_real_time();

    json_object_set_int_member(ts, "seconds", now / G_USEC_PER_SEC);
    json_object_set_int_member(ts, "microseconds", now % G_USEC_PER_SEC);
    json_object_set_object_member(ev, "timestamp", ts);
    json_object_set_string_member(ev, "event", name);
    if (data) {
        json_object_set_object_member(ev, "data", json_object_ref(data));
    }
    return ev;
}

static bool qmp_can_send_events(MonitorQMP *mon)
{
    return mon->negotiated && qemu_chr_fe_backend_open(&MONITOR(mon)->chr);
}

static int qmp_event_send_one(Object *child, void *opaque)
{
    JsonObject *ev = opaque;
    MonitorQMP *mon =
        (MonitorQMP *)object_dynamic_cast(child, TYPE_MONITOR_QMP);

    if (mon && qmp_can_send_events(mon)) {
        JsonNode *node = json_node_new(JSON_NODE_OBJECT);

        json_node_set_object(node, ev);
        qmp_send(mon, node);
        json_node_unref(node);
    }
    return 0;
}

void qmp_event_send(MachineState *ms, const char *name, JsonObject *data)
{
    JsonObject *ev = qmp_event_new(name, data);
    Object *container = object_resolve_path_component(OBJECT(ms), "monitors");

    if (container) {
        object_child_foreach(container, qmp_event_send_one, ev);
    }
    json_object_unref(ev);
    if (data) {
        json_object_unref(data);
    }
}

static void qmp_machine_event(MachineNotifier *n, MachineEvent event,
                              const char *reason, bool guest)
{
    MonitorQMP *mon = container_of(n, MonitorQMP, notifier);
    JsonObject *data = NULL;
    const char *name;
    JsonObject *ev;

    switch (event) {
    case MACHINE_EVENT_RESET:
        name = "RESET";
        break;
    case MACHINE_EVENT_SHUTDOWN:
        name = "SHUTDOWN";
        break;
    case MACHINE_EVENT_STOP:
        name = "STOP";
        break;
    case MACHINE_EVENT_RESUME:
        name = "RESUME";
        break;
    case MACHINE_EVENT_POWERDOWN:
        name = "POWERDOWN";
        break;
    default:
        return;
    }
    if (!qmp_can_send_events(mon)) {
        return;
    }
    if (event == MACHINE_EVENT_RESET || event == MACHINE_EVENT_SHUTDOWN) {
        data = json_object_new();
        json_object_set_boolean_member(data, "guest", guest);
        json_object_set_string_member(data, "reason",
                                      reason ? reason : "host-qmp-quit");
    }
    ev = qmp_event_new(name, data);
    qmp_send_object(mon, ev);
    if (data) {
        json_object_unref(data);
    }
}

/* ---- QMP: requests
 * ----------------------------------------------------------- */

bool monitor_qmp_negotiate(MonitorQMP *mon, JsonArray *enable, QmpCtx *ctx,
                           Error **errp)
{
    bool oob = false;

    if (mon->negotiated) {
        ctx->error_class = QMP_CLASS_COMMAND_NOT_FOUND;
        error_setg(errp, "Capabilities negotiation is already complete, "
                         "command ignored");
        return false;
    }
    for (guint i = 0; enable && i < json_array_get_length(enable); i++) {
        const char *cap = json_array_get_string_element(enable, i);

        if (g_strcmp0(cap, "oob")) {
            error_setg(errp,
                       "Parameter 'enable[%u]' does not accept value "
                       "'%s'",
                       i, cap ? cap : "");
            return false;
        }
        oob = true;
    }
    mon->negotiated = true;
    mon->oob = oob;
    return true;
}

/* The command name of a request, or NULL with errp set (QEMU's checks). */
static const char *qmp_check_request(MonitorQMP *mon, JsonObject *req,
                                     bool *oob, Error **errp)
{
    const char *exec = NULL;
    JsonObjectIter it;
    const char *member;
    JsonNode *value;

    *oob = false;
    json_object_iter_init_ordered(&it, req);
    while (json_object_iter_next_ordered(&it, &member, &value)) {
        if (!strcmp(member, "execute") ||
            (!strcmp(member, "exec-oob") && mon->oob)) {
            if (!JSON_NODE_HOLDS_VALUE(value) ||
                json_node_get_value_type(value) != G_TYPE_STRING) {
                error_setg(errp, "QMP input member '%s' must be a string",
                           member);
                return NULL;
            }
            if (exec) {
                error_setg(errp, "QMP input member 'execute' and "
                                 "'exec-oob' can't be used at the same time");
                return NULL;
            }
            exec = json_node_get_string(value);
            *oob = member[4] == '-';
        } else if (!strcmp(member, "arguments")) {
            if (!JSON_NODE_HOLDS_OBJECT(value)) {
                error_setg(errp, "QMP input member 'arguments' must be an "
                                 "object");
                return NULL;
            }
        } else if (strcmp(member, "id")) {
            error_setg(errp, "QMP input member '%s' is unexpected", member);
            return NULL;
        }
    }
    if (!exec) {
        error_setg(errp, "QMP input lacks member 'execute'");
    }
    return exec;
}

static void qmp_handle_request(MonitorQMP *mon, JsonNode *node)
{
    MachineState *ms = MONITOR(mon)->ms;
    QmpCtx ctx = {.ms = ms, .mon = mon};
    g_autoptr(JsonObject) empty = NULL;
    const QmpCommand *cmd;
    JsonObject *req, *args;
    JsonNode *id, *ret;
    Error *err = NULL;
    const char *name;
    bool oob;

    if (!JSON_NODE_HOLDS_OBJECT(node)) {
        qmp_send_error(mon, NULL, NULL, "QMP input must be a JSON object");
        return;
    }
    req = json_node_get_object(node);
    id = json_object_get_member(req, "id");
    name = qmp_check_request(mon, req, &oob, &err);
    if (!name) {
        goto fail;
    }
    cmd = qmp_command_find(name);
    if (!cmd || (!mon->negotiated && strcmp(name, "qmp_capabilities"))) {
        ctx.error_class = QMP_CLASS_COMMAND_NOT_FOUND;
        if (!mon->negotiated) {
            error_setg(&err, "Expecting capabilities negotiation with "
                             "'qmp_capabilities'");
        } else {
            error_setg(&err, "The command %s has not been found", name);
        }
        goto fail;
    }
    if (oob) {
        error_setg(&err, "The command %s does not support OOB", name);
        goto fail;
    }
    args = json_object_has_member(req, "arguments")
               ? json_object_get_object_member(req, "arguments")
               : NULL;
    if (!args) {
        args = empty = json_object_new();
    }
    if (!qmp_check_args(cmd, args, &err)) {
        goto fail;
    }
    ret = cmd->fn(&ctx, args, &err);
    if (!ret) {
        goto fail;
    }
    {
        JsonObject *rsp = json_object_new();

        json_object_set_member(rsp, "return", ret);
        if (id) {
            json_object_set_member(rsp, "id", json_node_copy(id));
        }
        qmp_send_object(mon, rsp);
    }
    qmp_ctx_run_deferred(&ctx);
    return;

fail:
    qmp_send_error(mon, id, ctx.error_class, error_get_pretty(err));
    error_free(err);
    qmp_ctx_run_deferred(&ctx);
}

static void qmp_emit(void *opaque, JsonNode *node, Error *err)
{
    MonitorQMP *mon = opaque;

    if (err) {
        kemu_log_mask(LOG_QMP, "qmp> (bad input) %s\n", error_get_pretty(err));
        qmp_send_error(mon, NULL, NULL, error_get_pretty(err));
        error_free(err);
        return;
    }
    if (kemu_log_enabled(LOG_QMP)) {
        g_autofree char *text = qmp_json_to_string(node);

        kemu_log("qmp> %s\n", text);
    }
    qmp_handle_request(mon, node);
    json_node_unref(node);
}

/* ---- QMP: the chardev frontend
 * ----------------------------------------------- */

static int qmp_can_read(void *opaque)
{
    return 4096;
}

static void qmp_read(void *opaque, const uint8_t *buf, int size)
{
    MonitorQMP *mon = opaque;

    qmp_json_streamer_feed(&mon->js, buf, size);
}

static void qmp_chr_event(void *opaque, ChrEvent event)
{
    MonitorQMP *mon = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        /* Every connection starts over: greeting, then negotiation. */
        mon->negotiated = false;
        mon->oob = false;
        qmp_json_streamer_reset(&mon->js);
        qmp_send_greeting(mon);
        break;
    case CHR_EVENT_CLOSED:
        mon->negotiated = false;
        mon->oob = false;
        qmp_json_streamer_reset(&mon->js);
        break;
    default:
        break;
    }
}

bool monitor_qmp_new(MachineState *ms, Chardev *chr, Error **errp)
{
    MonitorQMP *mon = MONITOR_QMP(object_new(TYPE_MONITOR_QMP));
    Monitor *m = MONITOR(mon);

    m->ms = ms;
    if (!qemu_chr_fe_init(&m->chr, chr, errp)) {
        object_unref(mon);
        return false;
    }
    m->bound = true;
    monitor_add_to_tree(ms, m, "qmp");
    object_unref(mon);
    mon->notifier.notify = qmp_machine_event;
    machine_add_notifier(ms, &mon->notifier);
    mon->notifier_added = true;
    qemu_chr_fe_set_handlers(&m->chr, qmp_can_read, qmp_read, qmp_chr_event,
                             mon);
    return true;
}

static void monitor_qmp_instance_init(Object *obj)
{
    MonitorQMP *mon = MONITOR_QMP(obj);

    qmp_json_streamer_init(&mon->js, qmp_emit, mon);
}

static void monitor_qmp_instance_finalize(Object *obj)
{
    MonitorQMP *mon = MONITOR_QMP(obj);

    if (mon->notifier_added) {
        machine_remove_notifier(MONITOR(mon)->ms, &mon->notifier);
    }
    qmp_json_streamer_destroy(&mon->js);
}

/* ---- HMP
 * ------------------------------------------------------------------------ */

/* Write text with "\n" as "\r\n", as QEMU's monitor does. */
static void hmp_puts(MonitorHMP *hmp, const char *text)
{
    GString *out = g_string_new(NULL);

    for (const char *p = text; *p; p++) {
        if (*p == '\n') {
            g_string_append_c(out, '\r');
        }
        g_string_append_c(out, *p);
    }
    monitor_write(MONITOR(hmp), out->str, out->len);
    g_string_free(out, true);
}

static void hmp_execute_line(MonitorHMP *hmp)
{
    QmpCtx ctx = {.ms = MONITOR(hmp)->ms};
    g_autofree char *line = g_strdup(hmp->line->str);
    g_autofree char *out = NULL;

    g_string_truncate(hmp->line, 0);
    hmp_puts(hmp, "\n");
    if (*g_strstrip(line)) {
        out = hmp_run(&ctx, line);
        hmp_puts(hmp, out);
    }
    hmp_puts(hmp, HMP_PROMPT);
    qmp_ctx_run_deferred(&ctx);
}

static void hmp_byte(MonitorHMP *hmp, uint8_t c)
{
    bool was_cr = hmp->last_cr;

    hmp->last_cr = false;
    if (hmp->esc == 1) {
        hmp->esc = c == '[' || c == 'O' ? 2 : 0;
        return;
    }
    if (hmp->esc == 2) {
        if (c >= 0x40 && c <= 0x7e) {
            hmp->esc = 0;
        }
        return;
    }
    switch (c) {
    case '\n':
        if (!was_cr) {
            hmp_execute_line(hmp);
        }
        break;
    case '\r':
        hmp->last_cr = true;
        hmp_execute_line(hmp);
        break;
    case 0x7f:
    case '\b':
        if (hmp->line->len) {
            g_string_truncate(hmp->line, hmp->line->len - 1);
            monitor_write(MONITOR(hmp), "\b \b", 3);
        }
        break;
    case 0x1b:
        hmp->esc = 1;
        break;
    default:
        if (c >= 0x20) {
            char ch = c;

            g_string_append_c(hmp->line, ch);
            monitor_write(MONITOR(hmp), &ch, 1);
        }
        break;
    }
}

static int hmp_can_read(void *opaque)
{
    return 1024;
}

static void hmp_read(void *opaque, const uint8_t *buf, int size)
{
    MonitorHMP *hmp = opaque;

    for (int i = 0; i < size; i++) {
        hmp_byte(hmp, buf[i]);
    }
}

static void hmp_greet(MonitorHMP *hmp)
{
    g_autofree char *banner = g_strdup_printf(
        "KEMU %s monitor - type 'help' for more information\n" HMP_PROMPT,
        KEMU_VERSION);

    hmp_puts(hmp, banner);
    hmp->greeted = true;
}

static void hmp_chr_event(void *opaque, ChrEvent event)
{
    MonitorHMP *hmp = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        g_string_truncate(hmp->line, 0);
        hmp->esc = 0;
        hmp->greeted = false;
        /* On a shared terminal the banner waits for Ctrl-A c, as in QEMU. */
        if (!hmp->on_mux) {
            hmp_greet(hmp);
        }
        break;
    case CHR_EVENT_MUX_IN:
        if (hmp->greeted) {
            hmp_puts(hmp, "\n" HMP_PROMPT);
        } else {
            hmp_greet(hmp);
        }
        break;
    default:
        break;
    }
}

bool monitor_hmp_new(MachineState *ms, Chardev *chr, Error **errp)
{
    MonitorHMP *hmp = MONITOR_HMP(object_new(TYPE_MONITOR_HMP));
    Monitor *m = MONITOR(hmp);

    m->ms = ms;
    if (!qemu_chr_mux_attach_monitor(&m->chr, chr, errp)) {
        object_unref(hmp);
        return false;
    }
    m->bound = true;
    hmp->on_mux = qemu_chr_is_mux(chr);
    monitor_add_to_tree(ms, m, "hmp");
    object_unref(hmp);
    qemu_chr_fe_set_handlers(&m->chr, hmp_can_read, hmp_read, hmp_chr_event,
                             hmp);
    return true;
}

static void monitor_hmp_instance_init(Object *obj)
{
    MONITOR_HMP(obj)->line = g_string_new(NULL);
}

static void monitor_hmp_instance_finalize(Object *obj)
{
    g_string_free(MONITOR_HMP(obj)->line, true);
}

/* ---- QOM
 * -------------------------------------------------------------------------- */

static const TypeInfo monitor_types[] = {
    {
        .name = TYPE_MONITOR,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(Monitor),
        .instance_finalize = monitor_instance_finalize,
        .abstract = true,
    },
    {
        .name = TYPE_MONITOR_QMP,
        .parent = TYPE_MONITOR,
        .instance_size = sizeof(MonitorQMP),
        .instance_init = monitor_qmp_instance_init,
        .instance_finalize = monitor_qmp_instance_finalize,
    },
    {
        .name = TYPE_MONITOR_HMP,
        .parent = TYPE_MONITOR,
        .instance_size = sizeof(MonitorHMP),
        .instance_init = monitor_hmp_instance_init,
        .instance_finalize = monitor_hmp_instance_finalize,
    },
};

DEFINE_TYPES(monitor_types)
