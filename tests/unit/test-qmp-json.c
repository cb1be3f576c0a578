/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP's JSON layer (monitor/qmp-json.c): what it prints is always JSON that
 * json-glib reads back to the same value, whatever came in: numbers out of
 * double's range are refused at input and never printed as "inf"; strings
 * with control characters, DEL, non-ASCII and invalid UTF-8 are escaped.
 */
#include "util/osdep.h"
#include "monitor/qmp-json.h"
#include "tests/unit/unit.h"
#include <math.h>

typedef struct Got {
    int messages;
    int errors;
    char *last_error;
    char *last_text; /* the message printed back */
} Got;

static void got_emit(void *opaque, JsonNode *node, Error *err)
{
    Got *g = opaque;

    if (err) {
        g->errors++;
        g_free(g->last_error);
        g->last_error = g_strdup(error_get_pretty(err));
        error_free(err);
        return;
    }
    g->messages++;
    g_free(g->last_text);
    g->last_text = qmp_json_to_string(node);
    json_node_unref(node);
}

static void feed(Got *g, const char *text)
{
    QmpJsonStreamer js;

    qmp_json_streamer_init(&js, got_emit, g);
    qmp_json_streamer_feed(&js, (const uint8_t *)text, strlen(text));
    qmp_json_streamer_destroy(&js);
}

/* @text is JSON: json-glib reads it, and it has no bare inf/nan. */
static bool is_json(const char *text)
{
    g_autoptr(JsonParser) parser = json_parser_new();

    return json_parser_load_from_data(parser, text, -1, NULL) &&
           !strstr(text, "inf") && !strstr(text, "nan");
}

static void test_number_out_of_range(void)
{
    static const char *const inputs[] = {
        "{\"execute\": \"query-status\", \"id\": 1e999}",
        "{\"execute\": \"query-status\", \"id\": -1e999}",
        "{\"execute\": \"x\", \"arguments\": {\"v\": [1, {\"w\": 2e400}]}}",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(inputs); i++) {
        Got g = {0};

        feed(&g, inputs[i]);
        CU_ASSERT_EQUAL(g.messages, 0);
        CU_ASSERT_EQUAL(g.errors, 1);
        CU_ASSERT_STRING_EQUAL(g.last_error,
                               "JSON parse error, number out of range");
        g_free(g.last_error);
    }
}

static void test_numbers_print_back(void)
{
    static const char *const inputs[] = {
        "{\"id\": 1.5}",
        "{\"id\": 1e300}",
        "{\"id\": -0.0}",
        "{\"id\": 5e-324}",
        "{\"id\": 9223372036854775807}",
        "{\"id\": -9223372036854775808}",
        "{\"id\": 99999999999999999999}",
        "{\"id\": 1.7976931348623157e308}",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(inputs); i++) {
        Got g = {0};

        feed(&g, inputs[i]);
        if (g.messages) {
            CU_ASSERT_TRUE(is_json(g.last_text));
        } else {
            CU_ASSERT_EQUAL(g.errors, 1);
        }
        g_free(g.last_text);
        g_free(g.last_error);
    }
}

/* A node built in C (a device's value) is never printed as non-JSON. */
static void test_nonfinite_node_printed_as_null(void)
{
    double values[] = {INFINITY, -INFINITY, NAN};

    for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
        JsonObject *obj = json_object_new();
        JsonNode *node;
        g_autofree char *text = NULL;

        json_object_set_double_member(obj, "v", values[i]);
        node = qmp_node_object(obj);
        text = qmp_json_to_string(node);
        CU_ASSERT_STRING_EQUAL(text, "{\"v\": null}");
        json_node_unref(node);
    }
}

static void test_strings_escaped(void)
{
    JsonNode *node =
        qmp_node_str("a\"b\\c\x01\x1f\x7f\xc3\xa9\xf0\x9f\x98\x80\xff\t");
    g_autofree char *text = qmp_json_to_string(node);

    CU_ASSERT_STRING_EQUAL(text, "\"a\\\"b\\\\c\\u0001\\u001F\\u007F\\u00E9"
                                 "\\uD83D\\uDE00\\uFFFD\\t\"");
    CU_ASSERT_TRUE(is_json(text));
    json_node_unref(node);
}

UNIT_SUITE(qmp_json, NULL, NULL, UNIT_TEST(test_number_out_of_range),
           UNIT_TEST(test_numbers_print_back),
           UNIT_TEST(test_nonfinite_node_printed_as_null),
           UNIT_TEST(test_strings_escaped))
