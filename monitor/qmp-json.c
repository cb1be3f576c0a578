/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP's JSON framing and printing (see qmp-json.h).  Parsing proper is
 * json-glib's; this file only finds where a message ends, turns QEMU's
 * single-quoted strings into standard ones, and rejects bytes that can
 * never be JSON so that garbage does not swallow the next good message.
 */
#include "util/osdep.h"
#include "monitor/qmp-json.h"
#include <math.h>

/* QEMU's limits on one message. */
#define QMP_JSON_MAX_SIZE    (64 * MiB)
#define QMP_JSON_MAX_NESTING 1024

void qmp_json_streamer_init(QmpJsonStreamer *js, QmpJsonEmit *emit,
                            void *opaque)
{
    memset(js, 0, sizeof(*js));
    js->emit = emit;
    js->opaque = opaque;
    js->buf = g_string_new(NULL);
}

void qmp_json_streamer_reset(QmpJsonStreamer *js)
{
    g_string_truncate(js->buf, 0);
    js->quote = 0;
    js->escape = false;
    js->in_scalar = false;
    js->recovering = false;
    js->braces = 0;
    js->brackets = 0;
}

void qmp_json_streamer_destroy(QmpJsonStreamer *js)
{
    if (js->buf) {
        g_string_free(js->buf, true);
        js->buf = NULL;
    }
}

static void KEMU_PRINTF(2, 3)
    streamer_error(QmpJsonStreamer *js, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    Error *err = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qmp_json_streamer_reset(js);
    js->recovering = true;
    error_setg(&err, "%s", msg);
    js->emit(js->opaque, NULL, err);
}

/*
 * Whether @node holds a number JSON cannot print back: json-glib reads
 * 1e999 as infinity, which QEMU would echo as "inf", not JSON.
 */
static bool node_has_nonfinite(JsonNode *node)
{
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT: {
        JsonObjectIter it;
        const char *name;
        JsonNode *member;

        json_object_iter_init(&it, json_node_get_object(node));
        while (json_object_iter_next(&it, &name, &member)) {
            if (node_has_nonfinite(member)) {
                return true;
            }
        }
        return false;
    }
    case JSON_NODE_ARRAY: {
        JsonArray *arr = json_node_get_array(node);

        for (guint i = 0; i < json_array_get_length(arr); i++) {
            if (node_has_nonfinite(json_array_get_element(arr, i))) {
                return true;
            }
        }
        return false;
    }
    case JSON_NODE_VALUE:
        return json_node_get_value_type(node) == G_TYPE_DOUBLE &&
               !isfinite(json_node_get_double(node));
    default:
        return false;
    }
}

/* The message in js->buf is complete: parse it and hand it on. */
static void streamer_emit(QmpJsonStreamer *js)
{
    g_autoptr(JsonParser) parser = json_parser_new_immutable();
    g_autofree char *text = g_string_free(js->buf, false);
    GError *gerr = NULL;

    js->buf = g_string_new(NULL);
    qmp_json_streamer_reset(js);
    if (!json_parser_load_from_data(parser, text, -1, &gerr)) {
        const char *msg = gerr->message;
        Error *err = NULL;

        if (g_str_has_prefix(msg, "<data>:")) {
            msg += strlen("<data>:");
        }
        error_setg(&err, "JSON parse error, %s", msg);
        g_error_free(gerr);
        js->emit(js->opaque, NULL, err);
        return;
    }
    if (node_has_nonfinite(json_parser_get_root(parser))) {
        Error *err = NULL;

        error_setg(&err, "JSON parse error, number out of range");
        js->emit(js->opaque, NULL, err);
        return;
    }
    js->emit(js->opaque, json_node_ref(json_parser_get_root(parser)), NULL);
}

/* A token ended: at the top level that ends the message. */
static void streamer_token_done(QmpJsonStreamer *js)
{
    if (js->braces == 0 && js->brackets == 0) {
        streamer_emit(js);
    }
}

static bool is_scalar_char(uint8_t c)
{
    return g_ascii_isalnum(c) || c == '-' || c == '+' || c == '.';
}

static bool is_bad_utf8_byte(uint8_t c)
{
    return c == 0xc0 || c == 0xc1 || c >= 0xf5;
}

/* One byte inside a string. */
static void streamer_string_byte(QmpJsonStreamer *js, uint8_t c)
{
    if (js->escape) {
        js->escape = false;
        if (c < 0x20 || is_bad_utf8_byte(c)) {
            streamer_error(js, "JSON parse error, invalid escape in string");
            return;
        }
        if (c == '\'') {
            g_string_append_c(js->buf, '\'');
        } else {
            g_string_append_c(js->buf, '\\');
            g_string_append_c(js->buf, c);
        }
        return;
    }
    if (c == '\\') {
        js->escape = true;
    } else if (c == js->quote) {
        js->quote = 0;
        g_string_append_c(js->buf, '"');
        streamer_token_done(js);
    } else if (c < 0x20) {
        streamer_error(js,
                       "JSON parse error, control character 0x%02x in "
                       "string",
                       c);
    } else if (is_bad_utf8_byte(c)) {
        streamer_error(js, "JSON parse error, invalid byte 0x%02x in string",
                       c);
    } else if (c == '"') {
        g_string_append(js->buf, "\\\"");
    } else {
        g_string_append_c(js->buf, c);
    }
}

static void streamer_open(QmpJsonStreamer *js, uint8_t c, int *count)
{
    (*count)++;
    g_string_append_c(js->buf, c);
    if (js->braces + js->brackets > QMP_JSON_MAX_NESTING) {
        streamer_error(js, "JSON nesting depth limit exceeded");
    }
}

static void streamer_close(QmpJsonStreamer *js, uint8_t c, int *count)
{
    (*count)--;
    g_string_append_c(js->buf, c);
    if (*count < 0) {
        streamer_error(js, "JSON parse error, unbalanced '%c'", c);
        return;
    }
    streamer_token_done(js);
}

static void streamer_byte(QmpJsonStreamer *js, uint8_t c)
{
    if (js->recovering) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            js->recovering = false;
            return;
        }
        if (c != '{' && c != '[') {
            return;
        }
        js->recovering = false;
    }
    if (js->quote) {
        streamer_string_byte(js, c);
        return;
    }
    if (js->in_scalar) {
        if (is_scalar_char(c)) {
            g_string_append_c(js->buf, c);
            return;
        }
        js->in_scalar = false;
        streamer_token_done(js);
    }
    switch (c) {
    case ' ':
    case '\t':
    case '\r':
    case '\n':
        if (js->buf->len) {
            g_string_append_c(js->buf, c);
        }
        break;
    case '"':
    case '\'':
        js->quote = c;
        g_string_append_c(js->buf, '"');
        break;
    case '{':
        streamer_open(js, c, &js->braces);
        break;
    case '[':
        streamer_open(js, c, &js->brackets);
        break;
    case '}':
        streamer_close(js, c, &js->braces);
        break;
    case ']':
        streamer_close(js, c, &js->brackets);
        break;
    case ',':
    case ':':
        g_string_append_c(js->buf, c);
        streamer_token_done(js);
        break;
    default:
        if (is_scalar_char(c)) {
            js->in_scalar = true;
            g_string_append_c(js->buf, c);
        } else if (c >= 0x20 && c < 0x7f) {
            streamer_error(js, "JSON parse error, stray '%c'", c);
        } else {
            streamer_error(js, "JSON parse error, stray byte 0x%02x", c);
        }
        break;
    }
}

void qmp_json_streamer_feed(QmpJsonStreamer *js, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        streamer_byte(js, buf[i]);
        if (js->buf->len > QMP_JSON_MAX_SIZE) {
            streamer_error(js, "JSON token too large");
        }
    }
}

/* ---- Writer -----------------------------------------------------------------
 */

static void append_string(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    while (*s) {
        gunichar cp = g_utf8_get_char_validated(s, -1);
        const char *next;

        if (cp == (gunichar)-1 || cp == (gunichar)-2) {
            cp = 0xfffd;
            next = s + 1;
        } else {
            next = g_utf8_next_char(s);
        }
        switch (cp) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (cp > 0xffff) {
                cp -= 0x10000;
                g_string_append_printf(out, "\\u%04X\\u%04X",
                                       0xd800 | (cp >> 10),
                                       0xdc00 | (cp & 0x3ff));
            } else if (cp < 0x20 || cp >= 0x7f) {
                g_string_append_printf(out, "\\u%04X", cp);
            } else {
                g_string_append_c(out, cp);
            }
            break;
        }
        s = next;
    }
    g_string_append_c(out, '"');
}

static void append_value(GString *out, JsonNode *node)
{
    char num[G_ASCII_DTOSTR_BUF_SIZE];

    switch (json_node_get_value_type(node)) {
    case G_TYPE_INT64:
        g_string_append_printf(out, "%" PRId64, json_node_get_int(node));
        break;
    case G_TYPE_DOUBLE:
        if (!isfinite(json_node_get_double(node))) {
            /* JSON has no infinity or NaN: never print one (as JS does). */
            g_string_append(out, "null");
            break;
        }
        g_ascii_dtostr(num, sizeof(num), json_node_get_double(node));
        g_string_append(out, num);
        if (!strpbrk(num, ".eEn")) {
            g_string_append(out, ".0");
        }
        break;
    case G_TYPE_BOOLEAN:
        g_string_append(out, json_node_get_boolean(node) ? "true" : "false");
        break;
    case G_TYPE_STRING:
        append_string(out, json_node_get_string(node));
        break;
    default:
        g_string_append(out, "null");
        break;
    }
}

void qmp_json_append(GString *out, JsonNode *node)
{
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT: {
        JsonObjectIter it;
        const char *name;
        JsonNode *member;
        bool first = true;

        g_string_append_c(out, '{');
        json_object_iter_init_ordered(&it, json_node_get_object(node));
        while (json_object_iter_next_ordered(&it, &name, &member)) {
            if (!first) {
                g_string_append(out, ", ");
            }
            first = false;
            append_string(out, name);
            g_string_append(out, ": ");
            qmp_json_append(out, member);
        }
        g_string_append_c(out, '}');
        break;
    }
    case JSON_NODE_ARRAY: {
        JsonArray *arr = json_node_get_array(node);
        guint n = json_array_get_length(arr);

        g_string_append_c(out, '[');
        for (guint i = 0; i < n; i++) {
            if (i) {
                g_string_append(out, ", ");
            }
            qmp_json_append(out, json_array_get_element(arr, i));
        }
        g_string_append_c(out, ']');
        break;
    }
    case JSON_NODE_VALUE:
        append_value(out, node);
        break;
    case JSON_NODE_NULL:
        g_string_append(out, "null");
        break;
    }
}

char *qmp_json_to_string(JsonNode *node)
{
    GString *out = g_string_new(NULL);

    qmp_json_append(out, node);
    return g_string_free(out, false);
}

/* ---- Builders
 * ------------------------------------------------------------------ */

JsonNode *qmp_node_object(JsonObject *obj)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    json_node_take_object(node, obj);
    return node;
}

JsonNode *qmp_node_array(JsonArray *arr)
{
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);

    json_node_take_array(node, arr);
    return node;
}

JsonNode *qmp_node_str(const char *s)
{
    JsonNode *node = json_node_new(JSON_NODE_VALUE);

    json_node_set_string(node, s);
    return node;
}

JsonNode *qmp_node_int(int64_t v)
{
    JsonNode *node = json_node_new(JSON_NODE_VALUE);

    json_node_set_int(node, v);
    return node;
}

JsonNode *qmp_node_bool(bool v)
{
    JsonNode *node = json_node_new(JSON_NODE_VALUE);

    json_node_set_boolean(node, v);
    return node;
}

JsonNode *qmp_node_empty_object(void)
{
    return qmp_node_object(json_object_new());
}
