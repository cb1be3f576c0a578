/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON for QMP on top of json-glib: a streamer that cuts a byte stream
 * into messages the way QEMU's does (brace/bracket counting, QEMU's
 * single-quoted strings, lexical errors that reset the stream so the
 * monitor keeps serving: after one, input is skipped up to the next
 * whitespace or '{' / '[', so a blob of garbage costs one error), and a writer
 * that prints a JsonNode exactly as QEMU does ({"return": {}, "id": 1}: ": "
 * and ", " separators, non-ASCII as \uXXXX).
 */
#ifndef KEMU_MONITOR_QMP_JSON_H
#define KEMU_MONITOR_QMP_JSON_H

#include "util/osdep.h"
#include "util/error.h"
#include <json-glib/json-glib.h>

/*
 * Called once per message: @node (owned by the callee) or, for input
 * that is not JSON, @err (owned by the callee; "JSON parse error, ...").
 */
typedef void QmpJsonEmit(void *opaque, JsonNode *node, Error *err);

typedef struct QmpJsonStreamer {
    QmpJsonEmit *emit;
    void *opaque;
    GString *buf;    /* the message so far, strings re-quoted with '"' */
    char quote;      /* inside a string: its quote character */
    bool escape;     /* inside a string, after a backslash */
    bool in_scalar;  /* inside a number or keyword */
    bool recovering; /* after a lexical error: skipping the rest of it */
    int braces;
    int brackets;
} QmpJsonStreamer;

/** qmp_json_streamer_init - start an empty stream calling @emit. */
void qmp_json_streamer_init(QmpJsonStreamer *js, QmpJsonEmit *emit,
                            void *opaque);

/** qmp_json_streamer_reset - forget a partial message (a new connection). */
void qmp_json_streamer_reset(QmpJsonStreamer *js);

/** qmp_json_streamer_destroy - free the buffer (the struct is the caller's). */
void qmp_json_streamer_destroy(QmpJsonStreamer *js);

/**
 * qmp_json_streamer_feed - take @len more bytes; @emit runs for each
 * message they complete, in order.  The callback may feed the streamer
 * again only after it returns.
 */
void qmp_json_streamer_feed(QmpJsonStreamer *js, const uint8_t *buf,
                            size_t len);

/** qmp_json_append - append @node to @out in QEMU's compact style. */
void qmp_json_append(GString *out, JsonNode *node);

/** qmp_json_to_string - @node in QEMU's compact style (g_free it). */
char *qmp_json_to_string(JsonNode *node);

/* Shorthands for building replies. */
JsonNode *qmp_node_object(JsonObject *obj); /* takes @obj's reference */
JsonNode *qmp_node_array(JsonArray *arr);   /* takes @arr's reference */
JsonNode *qmp_node_str(const char *s);
JsonNode *qmp_node_int(int64_t v);
JsonNode *qmp_node_bool(bool v);
JsonNode *qmp_node_empty_object(void);

#endif
