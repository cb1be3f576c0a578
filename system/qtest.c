/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest protocol server (see qtest.h): one command per line, one reply
 * per command ("OK [VALUE]" or "FAIL [why]"), plus unprompted "IRQ raise N"
 * / "IRQ lower N" lines whenever an intercepted interrupt line changes.
 * Replies are QEMU's byte for byte, so QEMU's libqtest drives kemu too.
 */
#include "util/osdep.h"
#include "util/timer.h"
#include "hw/core/qdev.h"
#include "exec/memory.h"
#include "system/qtest.h"

#define QTEST_MAX_IRQ 256
/* The largest read/b64read/memset a single command may ask for. */
#define QTEST_MAX_BUF (256 * MiB)
/*
 * Timer callbacks one piece of a clock step runs before the main loop gets
 * a turn (signals, QMP, other fds): a step across many periods of a
 * periodic timer goes on in pieces, and its reply waits until it is done.
 */
#define QTEST_STEP_BUDGET 4096

OBJECT_DECLARE_SIMPLE_TYPE(QTestServer, QTEST_SERVER)

/* One intercepted list of lines of the intercepted device. */
typedef struct QTestIntercept {
    QTestServer *qs;
    NamedGPIOList *ngl; /* the device's list */
    bool out;
    int num;                   /* lines in the list */
    qemu_irq_handler *orig_fn; /* inputs: the device's handlers */
    void **orig_opaque;
    qemu_irq *orig_out; /* outputs: where they were connected */
} QTestIntercept;

struct QTestServer {
    Object parent_obj;
    MachineState *ms;
    CharBackend chr;
    FILE *log;
    bool log_owned; /* log is ours to fclose */
    GString *inbuf;
    GTimer *timer; /* since the connection opened (log stamps) */
    bool opened;
    DeviceState *intercept_dev; /* holds a reference */
    GPtrArray *intercepts;      /* QTestIntercept * */
    int irq_levels[QTEST_MAX_IRQ];
    /* A clock_step/clock_set going on in pieces (qtest_step_piece). */
    GSource *step;
    int64_t step_want;   /* the time asked for */
    int64_t step_target; /* ... capped at CLOCK_VIRTUAL_MAX */
    bool step_is_set;    /* reply as clock_set does */
};

/* ---- Output ------------------------------------------------------------ */

static double qtest_elapsed(QTestServer *qs)
{
    return qs->timer ? g_timer_elapsed(qs->timer, NULL) : 0.0;
}

static void qtest_send(QTestServer *qs, const char *str)
{
    if (qs->log && qs->opened) {
        fprintf(qs->log, "[S +%.6f] %s", qtest_elapsed(qs), str);
        fflush(qs->log);
    }
    qemu_chr_fe_write_all(&qs->chr, (const uint8_t *)str, strlen(str));
}

static void KEMU_PRINTF(2, 3) qtest_sendf(QTestServer *qs, const char *fmt, ...)
{
    g_autofree char *str = NULL;
    va_list ap;

    va_start(ap, fmt);
    str = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qtest_send(qs, str);
}

/* ---- Interrupt interception ------------------------------------------ */

static void qtest_irq_handler(void *opaque, int n, int level)
{
    QTestIntercept *ic = opaque;
    QTestServer *qs = ic->qs;

    /* The device still sees its input (the IOAPIC keeps its state). */
    if (!ic->out && n < ic->num && ic->orig_fn[n]) {
        ic->orig_fn[n](ic->orig_opaque[n], n, level);
    }
    if (n >= 0 && n < QTEST_MAX_IRQ && qs->irq_levels[n] != level) {
        qs->irq_levels[n] = level;
        qtest_sendf(qs, "IRQ %s %d\n", level ? "raise" : "lower", n);
    }
}

static QTestIntercept *qtest_intercept_new(QTestServer *qs, NamedGPIOList *ngl,
                                           bool out)
{
    QTestIntercept *ic = g_new0(QTestIntercept, 1);
    int num = out ? ngl->num_out : ngl->num_in;

    ic->qs = qs;
    ic->ngl = ngl;
    ic->out = out;
    ic->num = num;
    ic->orig_fn = g_new0(qemu_irq_handler, num);
    ic->orig_opaque = g_new0(void *, num);
    ic->orig_out = g_new0(qemu_irq, num);
    for (int i = 0; i < num; i++) {
        if (out) {
            ic->orig_out[i] = *ngl->out[i];
        } else {
            ic->orig_fn[i] = ngl->in[i]->handler;
            ic->orig_opaque[i] = ngl->in[i]->opaque;
        }
    }
    g_ptr_array_add(qs->intercepts, ic);
    return ic;
}

/* Give the device its lines back (the server is going away). */
static void qtest_intercept_free(gpointer p)
{
    QTestIntercept *ic = p;

    for (int i = 0; i < ic->num; i++) {
        if (ic->out) {
            qemu_free_irq(*ic->ngl->out[i]);
            *ic->ngl->out[i] = ic->orig_out[i];
        } else {
            ic->ngl->in[i]->handler = ic->orig_fn[i];
            ic->ngl->in[i]->opaque = ic->orig_opaque[i];
        }
    }
    g_free(ic->orig_fn);
    g_free(ic->orig_opaque);
    g_free(ic->orig_out);
    g_free(ic);
}

static DeviceState *qtest_find_device(QTestServer *qs, const char *path)
{
    Object *obj = object_resolve_path(object_get_root_of(OBJECT(qs->ms)), path);

    return obj ? (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE) : NULL;
}

static void qtest_cmd_irq_intercept(QTestServer *qs, char **words)
{
    bool out = !strcmp(words[0], "irq_intercept_out");
    const char *name = words[2];
    bool done = false;
    DeviceState *dev;

    dev = qtest_find_device(qs, words[1]);
    if (!dev) {
        qtest_send(qs, "FAIL Unknown device\n");
        return;
    }
    if (name && !out) {
        qtest_send(qs, "FAIL Interception of named in-GPIOs not yet "
                       "supported\n");
        return;
    }
    if (qs->intercept_dev) {
        qtest_send(qs, qs->intercept_dev == dev
                           ? "OK\n"
                           : "FAIL IRQ intercept already enabled\n");
        return;
    }
    for (GSList *l = dev->gpios; l; l = l->next) {
        NamedGPIOList *ngl = l->data;
        QTestIntercept *ic;

        if (out) {
            if (g_strcmp0(ngl->name, name) || !ngl->num_out) {
                continue;
            }
            ic = qtest_intercept_new(qs, ngl, true);
            qdev_intercept_gpio_out(dev, qtest_irq_handler, ic, ngl->name);
        } else {
            if (!ngl->num_in) {
                continue;
            }
            ic = qtest_intercept_new(qs, ngl, false);
            qdev_intercept_gpio_in(dev, qtest_irq_handler, ic, ngl->name);
        }
        done = true;
    }
    if (done) {
        qs->intercept_dev = DEVICE(object_ref(dev));
        qtest_send(qs, "OK\n");
    } else {
        qtest_send(qs, "FAIL No intercepts installed\n");
    }
}

/* ---- Argument parsing --------------------------------------------------- */

/* strtoull() semantics, as QEMU parses: base 0, the whole word. */
static bool qtest_u64(const char *word, uint64_t *v)
{
    char *end;

    if (!word || !*word) {
        return false;
    }
    errno = 0;
    *v = g_ascii_strtoull(word, &end, 0);
    return !errno && !*end;
}

static bool qtest_i64(const char *word, int64_t *v)
{
    char *end;

    if (!word || !*word) {
        return false;
    }
    errno = 0;
    *v = g_ascii_strtoll(word, &end, 0);
    return !errno && !*end;
}

static bool qtest_enabled(QTestServer *qs)
{
    return qs->ms->clocks && qs->ms->accel &&
           !strcmp(qs->ms->accel->name, "qtest");
}

/* ---- Commands ------------------------------------------------------------ */

static bool qtest_cmd_set_irq_in(QTestServer *qs, char **words)
{
    const char *name;
    NamedGPIOList *ngl;
    DeviceState *dev;
    int64_t num, level;

    if (!words[1] || !words[2] || !qtest_i64(words[3], &num) ||
        !qtest_i64(words[4], &level)) {
        return false;
    }
    dev = qtest_find_device(qs, words[1]);
    if (!dev) {
        qtest_send(qs, "FAIL Unknown device\n");
        return true;
    }
    name = strcmp(words[2], "unnamed-gpio-in") ? words[2] : NULL;
    ngl = NULL;
    for (GSList *l = dev->gpios; l; l = l->next) {
        NamedGPIOList *cand = l->data;

        if (!g_strcmp0(cand->name, name)) {
            ngl = cand;
        }
    }
    if (!ngl || num < 0 || num >= ngl->num_in) {
        qtest_send(qs, "FAIL No such input line\n");
        return true;
    }
    qemu_set_irq(ngl->in[num], (int)level);
    qtest_send(qs, "OK\n");
    return true;
}

static bool qtest_cmd_out(QTestServer *qs, char **words)
{
    AddressSpace *as = qs->ms->as_io;
    uint64_t addr, value;

    if (!qtest_u64(words[1], &addr) || !qtest_u64(words[2], &value) ||
        addr > 0xffff) {
        return false;
    }
    switch (words[0][3]) {
    case 'b':
        address_space_stb(as, addr, value, NULL);
        break;
    case 'w':
        address_space_stw_le(as, addr, value, NULL);
        break;
    default:
        address_space_stl_le(as, addr, value, NULL);
        break;
    }
    qtest_send(qs, "OK\n");
    return true;
}

static bool qtest_cmd_in(QTestServer *qs, char **words)
{
    AddressSpace *as = qs->ms->as_io;
    uint32_t value;
    uint64_t addr;

    if (!qtest_u64(words[1], &addr) || addr > 0xffff) {
        return false;
    }
    switch (words[0][2]) {
    case 'b':
        value = address_space_ldub(as, addr, NULL);
        break;
    case 'w':
        value = address_space_lduw_le(as, addr, NULL);
        break;
    default:
        value = address_space_ldl_le(as, addr, NULL);
        break;
    }
    qtest_sendf(qs, "OK 0x%04x\n", value);
    return true;
}

static bool qtest_cmd_write(QTestServer *qs, char **words)
{
    AddressSpace *as = qs->ms->as_memory;
    uint64_t addr, value;

    if (!qtest_u64(words[1], &addr) || !qtest_u64(words[2], &value)) {
        return false;
    }
    switch (words[0][5]) {
    case 'b':
        address_space_stb(as, addr, value, NULL);
        break;
    case 'w':
        address_space_stw_le(as, addr, value, NULL);
        break;
    case 'l':
        address_space_stl_le(as, addr, value, NULL);
        break;
    default:
        address_space_stq_le(as, addr, value, NULL);
        break;
    }
    qtest_send(qs, "OK\n");
    return true;
}

static bool qtest_cmd_read(QTestServer *qs, char **words)
{
    AddressSpace *as = qs->ms->as_memory;
    uint64_t addr, value;

    if (!qtest_u64(words[1], &addr)) {
        return false;
    }
    switch (words[0][4]) {
    case 'b':
        value = address_space_ldub(as, addr, NULL);
        break;
    case 'w':
        value = address_space_lduw_le(as, addr, NULL);
        break;
    case 'l':
        value = address_space_ldl_le(as, addr, NULL);
        break;
    default:
        value = address_space_ldq_le(as, addr, NULL);
        break;
    }
    qtest_sendf(qs, "OK 0x%016" PRIx64 "\n", value);
    return true;
}

static bool qtest_addr_len(char **words, uint64_t *addr, uint64_t *len)
{
    return qtest_u64(words[1], addr) && qtest_u64(words[2], len) &&
           *len <= QTEST_MAX_BUF;
}

static bool qtest_cmd_memread(QTestServer *qs, char **words, bool b64)
{
    g_autofree uint8_t *data = NULL;
    g_autofree char *text = NULL;
    uint64_t addr, len;

    if (!qtest_addr_len(words, &addr, &len) || (!b64 && !len)) {
        return false;
    }
    data = g_malloc(len ? len : 1);
    address_space_read(qs->ms->as_memory, addr, data, len);
    if (b64) {
        text = g_base64_encode(data, len);
        qtest_sendf(qs, "OK %s\n", text);
        return true;
    }
    text = g_malloc(2 * len + 1);
    for (uint64_t i = 0; i < len; i++) {
        static const char hex[] = "0123456789abcdef";

        text[2 * i] = hex[data[i] >> 4];
        text[2 * i + 1] = hex[data[i] & 0xf];
    }
    text[2 * len] = '\0';
    qtest_sendf(qs, "OK 0x%s\n", text);
    return true;
}

static bool qtest_cmd_memwrite(QTestServer *qs, char **words, bool b64)
{
    g_autofree uint8_t *data = NULL;
    uint64_t addr, len;
    size_t data_len;

    if (!qtest_addr_len(words, &addr, &len) || !words[3]) {
        return false;
    }
    data_len = strlen(words[3]);
    if (data_len < 3) {
        /* QEMU's reply, without the log prefix, as QEMU sends it. */
        qemu_chr_fe_write_all(
            &qs->chr, (const uint8_t *)"ERR invalid argument size\n", 26);
        return true;
    }
    data = g_malloc0(len ? len : 1);
    if (b64) {
        gsize out_len = 0;
        guchar *decoded = g_base64_decode(words[3], &out_len);

        if (out_len != len && qs->log && qs->opened) {
            fprintf(qs->log,
                    "[S +%.6f] b64write: data length mismatch (told %" PRIu64
                    ", found %zu)\n",
                    qtest_elapsed(qs), len, (size_t)out_len);
        }
        memcpy(data, decoded, MIN(out_len, len));
        g_free(decoded);
    } else {
        if (words[3][0] != '0' || (words[3][1] != 'x' && words[3][1] != 'X')) {
            return false;
        }
        for (uint64_t i = 0; i < len && i * 2 + 4 <= data_len; i++) {
            int hi = g_ascii_xdigit_value(words[3][i * 2 + 2]);
            int lo = g_ascii_xdigit_value(words[3][i * 2 + 3]);

            if (hi < 0 || lo < 0) {
                return false;
            }
            data[i] = hi << 4 | lo;
        }
    }
    address_space_write(qs->ms->as_memory, addr, data, len);
    qtest_send(qs, "OK\n");
    return true;
}

static bool qtest_cmd_memset(QTestServer *qs, char **words)
{
    uint64_t addr, len, pattern;

    if (!qtest_addr_len(words, &addr, &len) || !qtest_u64(words[3], &pattern)) {
        return false;
    }
    if (len) {
        g_autofree uint8_t *data = g_malloc(len);

        memset(data, (uint8_t)pattern, len);
        address_space_write(qs->ms->as_memory, addr, data, len);
    }
    qtest_send(qs, "OK\n");
    return true;
}

static void qtest_process_lines(QTestServer *qs);

static void qtest_step_reply(QTestServer *qs)
{
    int64_t now = clock_get_ns(qs->ms->clocks, QEMU_CLOCK_VIRTUAL);

    if (qs->step_is_set) {
        qtest_sendf(qs, "%s %" PRIi64 "\n",
                    now == qs->step_want ? "OK" : "FAIL", now);
    } else {
        qtest_sendf(qs, "OK %" PRIi64 "\n", now);
    }
}

static void qtest_step_cancel(QTestServer *qs)
{
    if (qs->step) {
        g_source_destroy(qs->step);
        g_source_unref(qs->step);
        qs->step = NULL;
    }
}

/* One more piece of a long step; the reply and the next commands at the end. */
static gboolean qtest_step_piece(gpointer opaque)
{
    QTestServer *qs = opaque;

    if (!clock_virtual_advance(qs->ms->clocks, qs->step_target,
                               QTEST_STEP_BUDGET)) {
        return G_SOURCE_CONTINUE;
    }
    qtest_step_cancel(qs);
    qtest_step_reply(qs);
    qtest_process_lines(qs);
    qemu_chr_fe_accept_input(&qs->chr);
    return G_SOURCE_REMOVE;
}

/*
 * Move the virtual clock to @target: at once when few timers fall due on
 * the way, else in pieces from the main loop (reading no more commands
 * meanwhile), so that a step to the ceiling with a periodic timer armed
 * leaves the emulator answering signals and QMP.
 */
static void qtest_step_to(QTestServer *qs, int64_t target, bool is_set)
{
    Chardev *chr = qemu_chr_fe_get_driver(&qs->chr);

    qs->step_want = target;
    qs->step_target = MIN(target, CLOCK_VIRTUAL_MAX);
    qs->step_is_set = is_set;
    if (!chr) {
        /* Not served by a chardev: no loop to give turns to. */
        clock_virtual_set(qs->ms->clocks, qs->step_target);
    }
    if (!chr || clock_virtual_advance(qs->ms->clocks, qs->step_target,
                                      QTEST_STEP_BUDGET)) {
        qtest_step_reply(qs);
        return;
    }
    qs->step = g_idle_source_new();
    g_source_set_callback(qs->step, qtest_step_piece, qs, NULL);
    g_source_attach(qs->step, qemu_chr_context(chr));
}

static bool qtest_cmd_clock_step(QTestServer *qs, char **words)
{
    KemuClocks *clocks = qs->ms->clocks;
    int64_t ns;

    if (words[1]) {
        if (!qtest_i64(words[1], &ns) || ns < 0) {
            return false;
        }
    } else {
        ns = clock_deadline_ns(clocks, QEMU_CLOCK_VIRTUAL);
        if (ns < 0) {
            qtest_send(qs, "FAIL cannot advance clock to the next deadline "
                           "because there is no pending deadline\n");
            return true;
        }
    }
    /* Past the ceiling the step saturates there (CLOCK_VIRTUAL_MAX). */
    qtest_step_to(qs, clock_virtual_step_target(clocks, ns), false);
    return true;
}

static bool qtest_cmd_clock_set(QTestServer *qs, char **words)
{
    int64_t ns;

    if (!qtest_i64(words[1], &ns)) {
        return false;
    }
    /* FAIL NOW for a time in the past, or past the ceiling (stops there). */
    qtest_step_to(qs, ns, true);
    return true;
}

static void qtest_log_command(QTestServer *qs, char **words)
{
    if (!qs->log) {
        return;
    }
    fprintf(qs->log, "[R +%.6f]", qtest_elapsed(qs));
    for (int i = 0; words[i]; i++) {
        fprintf(qs->log, " %s", words[i]);
    }
    fprintf(qs->log, "\n");
    fflush(qs->log);
}

static void qtest_process_command(QTestServer *qs, char **words)
{
    const char *cmd = words[0] ? words[0] : "";
    bool ok = true;

    qtest_log_command(qs, words);
    if (!strcmp(cmd, "irq_intercept_out") || !strcmp(cmd, "irq_intercept_in")) {
        if (!words[1]) {
            ok = false;
        } else {
            qtest_cmd_irq_intercept(qs, words);
        }
    } else if (!strcmp(cmd, "set_irq_in")) {
        ok = qtest_cmd_set_irq_in(qs, words);
    } else if (!strcmp(cmd, "outb") || !strcmp(cmd, "outw") ||
               !strcmp(cmd, "outl")) {
        ok = qtest_cmd_out(qs, words);
    } else if (!strcmp(cmd, "inb") || !strcmp(cmd, "inw") ||
               !strcmp(cmd, "inl")) {
        ok = qtest_cmd_in(qs, words);
    } else if (!strcmp(cmd, "writeb") || !strcmp(cmd, "writew") ||
               !strcmp(cmd, "writel") || !strcmp(cmd, "writeq")) {
        ok = qtest_cmd_write(qs, words);
    } else if (!strcmp(cmd, "readb") || !strcmp(cmd, "readw") ||
               !strcmp(cmd, "readl") || !strcmp(cmd, "readq")) {
        ok = qtest_cmd_read(qs, words);
    } else if (!strcmp(cmd, "read") || !strcmp(cmd, "b64read")) {
        ok = qtest_cmd_memread(qs, words, cmd[0] == 'b');
    } else if (!strcmp(cmd, "write") || !strcmp(cmd, "b64write")) {
        ok = qtest_cmd_memwrite(qs, words, cmd[0] == 'b');
    } else if (!strcmp(cmd, "memset")) {
        ok = qtest_cmd_memset(qs, words);
    } else if (!strcmp(cmd, "endianness")) {
        qtest_send(qs, "OK little\n");
    } else if (!strcmp(cmd, "clock_step") && qtest_enabled(qs)) {
        ok = qtest_cmd_clock_step(qs, words);
    } else if (!strcmp(cmd, "clock_set") && qtest_enabled(qs)) {
        ok = qtest_cmd_clock_set(qs, words);
    } else if (!strcmp(cmd, "module_load")) {
        /* kemu has no loadable modules. */
        ok = words[1] && words[2];
        if (ok) {
            qtest_send(qs, "FAIL\n");
        }
    } else {
        qtest_sendf(qs, "FAIL Unknown command '%s'\n", cmd);
    }
    if (!ok) {
        /* Where QEMU would assert, kemu answers and keeps serving. */
        qtest_sendf(qs, "FAIL Invalid arguments for '%s'\n", cmd);
    }
}

/* ---- The chardev frontend --------------------------------------------------
 */

static int qtest_can_read(void *opaque)
{
    /* No more commands while a clock step goes on (they wait in order). */
    return QTEST_SERVER(opaque)->step ? 0 : 4096;
}

/* Run the complete lines received, up to a step that goes on in pieces. */
static void qtest_process_lines(QTestServer *qs)
{
    char *end;

    while (!qs->step && (end = memchr(qs->inbuf->str, '\n', qs->inbuf->len))) {
        size_t len = end - qs->inbuf->str;
        g_autofree char *line = g_strndup(qs->inbuf->str, len);
        g_auto(GStrv) words = NULL;

        g_string_erase(qs->inbuf, 0, len + 1);
        if (len && line[len - 1] == '\r') {
            line[len - 1] = '\0';
        }
        words = g_strsplit(line, " ", 0);
        qtest_process_command(qs, words);
    }
}

static void qtest_read(void *opaque, const uint8_t *buf, int size)
{
    QTestServer *qs = opaque;

    g_string_append_len(qs->inbuf, (const char *)buf, size);
    qtest_process_lines(qs);
}

static void qtest_event(void *opaque, ChrEvent event)
{
    QTestServer *qs = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        memset(qs->irq_levels, 0, sizeof(qs->irq_levels));
        g_string_truncate(qs->inbuf, 0);
        g_clear_pointer(&qs->timer, g_timer_destroy);
        qs->timer = g_timer_new();
        qs->opened = true;
        if (qs->log) {
            fprintf(qs->log, "[I %.6f] OPENED\n", qtest_elapsed(qs));
            fflush(qs->log);
        }
        break;
    case CHR_EVENT_CLOSED:
        qtest_step_cancel(qs);
        qs->opened = false;
        if (qs->log) {
            fprintf(qs->log, "[I +%.6f] CLOSED\n", qtest_elapsed(qs));
            fflush(qs->log);
        }
        g_clear_pointer(&qs->timer, g_timer_destroy);
        break;
    default:
        break;
    }
}

bool qtest_server_init(MachineState *ms, Chardev *chr, const char *logfile,
                       Error **errp)
{
    QTestServer *qs;

    if (object_resolve_path_component(OBJECT(ms), "qtest")) {
        error_setg(errp, "-qtest: only one qtest server can be created");
        return false;
    }
    qs = QTEST_SERVER(object_new(TYPE_QTEST_SERVER));
    qs->ms = ms;
    if (!logfile) {
        qs->log = stderr;
    } else if (strcmp(logfile, "none")) {
        qs->log = fopen(logfile, "w+e");
        if (!qs->log) {
            error_setg_errno(errp, errno, "-qtest-log %s", logfile);
            object_unref(qs);
            return false;
        }
        qs->log_owned = true;
    }
    if (!qemu_chr_fe_init(&qs->chr, chr, errp)) {
        error_prepend(errp, "-qtest: ");
        object_unref(qs);
        return false;
    }
    object_property_add_child(OBJECT(ms), "qtest", OBJECT(qs));
    object_unref(qs);
    qemu_chr_fe_set_handlers(&qs->chr, qtest_can_read, qtest_read, qtest_event,
                             qs);
    return true;
}

/* ---- QOM --------------------------------------------------------------------
 */

static void qtest_server_instance_init(Object *obj)
{
    QTestServer *qs = QTEST_SERVER(obj);

    qs->inbuf = g_string_new(NULL);
    qs->intercepts = g_ptr_array_new_with_free_func(qtest_intercept_free);
}

static void qtest_server_instance_finalize(Object *obj)
{
    QTestServer *qs = QTEST_SERVER(obj);

    qtest_step_cancel(qs);
    qemu_chr_fe_deinit(&qs->chr, false);
    if (qs->log_owned) {
        fclose(qs->log);
    }
    g_clear_pointer(&qs->timer, g_timer_destroy);
    g_string_free(qs->inbuf, true);
    /*
     * The intercepted device is kept alive by our reference until its
     * lines are its own again: it may outlive us in the machine's
     * teardown, and must not call into a freed server.
     */
    g_ptr_array_free(qs->intercepts, true);
    if (qs->intercept_dev) {
        object_unref(qs->intercept_dev);
    }
}

static const TypeInfo qtest_server_info = {
    .name = TYPE_QTEST_SERVER,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(QTestServer),
    .instance_init = qtest_server_instance_init,
    .instance_finalize = qtest_server_instance_finalize,
};

static void qtest_server_register_types(void)
{
    type_register_static(&qtest_server_info);
}

type_init(qtest_server_register_types)
