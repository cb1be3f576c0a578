/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QMP as QEMU speaks it: the greeting, capability negotiation, QEMU's error
 * for every kind of malformed input (with the monitor still serving after
 * each), run-state events, the shapes of the query commands, the QOM
 * commands, device_add/device_del errors, the human monitor, `quit` and
 * SIGTERM ending the process with status 0, several monitors at once, and
 * sessions driven by a Python script and by socat.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"
#include "tests/qtest/libqos/pci-pc.h"
#include "config-host.h"

static const char *error_class(JsonObject *rsp)
{
    return qdict_get_path_str(rsp, "error.class");
}

static const char *error_desc(JsonObject *rsp)
{
    return qdict_get_path_str(rsp, "error.desc");
}

/* The monitor answers after what came before. */
static void assert_recovered(QTestState *qts)
{
    qmp_expect_error_and_unref(qtest_qmp(qts, "{'execute': 'no-such-cmd'}"),
                               "CommandNotFound");
}

static void assert_generic_error(JsonObject *rsp, const char *desc)
{
    CU_ASSERT_STRING_EQUAL(error_class(rsp), "GenericError");
    if (desc) {
        CU_ASSERT_STRING_EQUAL(error_desc(rsp), desc);
        if (g_strcmp0(error_desc(rsp), desc)) {
            fprintf(stderr, "got '%s', expected '%s'\n", error_desc(rsp), desc);
        }
    }
    json_object_unref(rsp);
}

static void test_greeting(void)
{
    QTestState *qts = qtest_init_without_qmp_handshake(NULL);
    g_autoptr(JsonObject) greeting = qtest_qmp_receive(qts);
    g_autoptr(JsonObject) version = NULL;
    JsonArray *caps = qdict_get_path_array(greeting, "QMP.capabilities");
    int major, minor, micro;

    CU_ASSERT_PTR_NOT_NULL_FATAL(caps);
    CU_ASSERT_EQUAL(json_array_get_length(caps), 1);
    CU_ASSERT_STRING_EQUAL(json_array_get_string_element(caps, 0), "oob");
    /* kemu's own version as the package, QEMU's interface level as qemu. */
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(greeting, "QMP.version.package"),
                           "kemu-" KEMU_VERSION);
    major = qdict_get_path_int(greeting, "QMP.version.qemu.major");
    minor = qdict_get_path_int(greeting, "QMP.version.qemu.minor");
    micro = qdict_get_path_int(greeting, "QMP.version.qemu.micro");
    CU_ASSERT_EQUAL(major, 7);
    CU_ASSERT_EQUAL(minor, 2);
    CU_ASSERT_EQUAL(micro, 0);

    /* The same version as query-version, after negotiation. */
    qtest_qmp_assert_success(qts, "{'execute': 'qmp_capabilities'}");
    version = qtest_qmp_assert_success_ref(qts, "{'execute': 'query-version'}");
    CU_ASSERT_EQUAL(qdict_get_path_int(version, "return.qemu.major"), major);
    CU_ASSERT_EQUAL(qdict_get_path_int(version, "return.qemu.minor"), minor);
    CU_ASSERT_EQUAL(qdict_get_path_int(version, "return.qemu.micro"), micro);
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(version, "return.package"),
                           "kemu-" KEMU_VERSION);
    qtest_quit(qts);
}

static void test_negotiation(void)
{
    QTestState *qts = qtest_init_without_qmp_handshake(NULL);
    JsonObject *rsp;

    json_object_unref(qtest_qmp_receive(qts));
    rsp = qtest_qmp(qts, "{'execute': 'query-status'}");
    CU_ASSERT_STRING_EQUAL(error_class(rsp), "CommandNotFound");
    CU_ASSERT_STRING_EQUAL(error_desc(rsp),
                           "Expecting capabilities negotiation with "
                           "'qmp_capabilities'");
    json_object_unref(rsp);
    /* Unknown commands get the same hint before negotiation. */
    qmp_expect_error_and_unref(qtest_qmp(qts, "{'execute': 'bogus'}"),
                               "CommandNotFound");
    assert_generic_error(
        qtest_qmp(qts, "{'execute': 'qmp_capabilities',"
                       " 'arguments': {'enable': ['warp-drive']}}"),
        "Parameter 'enable[0]' does not accept value 'warp-drive'");

    rsp = qtest_qmp(qts, "{'execute': 'qmp_capabilities', 'id': 'neg'}");
    CU_ASSERT_PTR_NOT_NULL(qdict_get_path_object(rsp, "return"));
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(rsp, "id"), "neg");
    json_object_unref(rsp);

    rsp = qtest_qmp(qts, "{'execute': 'qmp_capabilities'}");
    CU_ASSERT_STRING_EQUAL(error_class(rsp), "CommandNotFound");
    CU_ASSERT_STRING_EQUAL(error_desc(rsp),
                           "Capabilities negotiation is already complete, "
                           "command ignored");
    json_object_unref(rsp);
    qtest_qmp_assert_success(qts, "{'execute': 'query-status'}");
    qtest_quit(qts);
}

static void test_oob(void)
{
    QTestState *qts = qtest_init_without_qmp_handshake(NULL);

    json_object_unref(qtest_qmp_receive(qts));
    /* exec-oob is only a member once OOB was enabled. */
    qtest_qmp_assert_success(qts, "{'execute': 'qmp_capabilities',"
                                  " 'arguments': {'enable': ['oob']}}");
    assert_generic_error(qtest_qmp(qts, "{'exec-oob': 'query-status'}"),
                         "The command query-status does not support OOB");
    assert_generic_error(
        qtest_qmp(qts, "{'exec-oob': 'stop', 'execute': 'stop'}"),
        "QMP input member 'execute' and 'exec-oob' can't be used at the "
        "same time");
    qtest_quit(qts);
}

static void test_malformed(void)
{
    QTestState *qts = qtest_init(NULL);
    JsonObject *rsp;

    /* Syntax errors. */
    qtest_qmp_send_raw(qts, "{]\n");
    assert_generic_error(qtest_qmp_receive(qts), NULL);
    assert_recovered(qts);

    /* An open brace waits for the rest: here a wrong one. */
    qtest_qmp_send_raw(qts, "{\n");
    qtest_qmp_send_raw(qts, "]\n");
    assert_generic_error(qtest_qmp_receive(qts), NULL);
    assert_recovered(qts);

    /* Lexical errors: bytes that can never be JSON reset the stream. */
    qtest_qmp_send_raw(qts, "{\xff");
    assert_generic_error(qtest_qmp_receive(qts), NULL);
    assert_recovered(qts);
    qtest_qmp_send_raw(qts, "{\x01");
    assert_generic_error(qtest_qmp_receive(qts), NULL);
    assert_recovered(qts);
    qtest_qmp_send_raw(qts, "{'bad \xff");
    assert_generic_error(qtest_qmp_receive(qts), NULL);
    assert_recovered(qts);
    qtest_qmp_send_raw(qts, "{'execute': 'nonexistent', 'id':'\n");
    assert_generic_error(qtest_qmp_receive(qts), NULL);
    assert_recovered(qts);
    qtest_qmp_send_raw(qts, "%%p");
    assert_generic_error(qtest_qmp_receive(qts), NULL);
    assert_recovered(qts);
    qtest_qmp_send_raw(qts, "}\n");
    assert_generic_error(qtest_qmp_receive(qts), NULL);
    assert_recovered(qts);

    /* Not an object. */
    assert_generic_error(qtest_qmp(qts, "null"),
                         "QMP input must be a JSON object");
    assert_generic_error(qtest_qmp(qts, "[]"),
                         "QMP input must be a JSON object");
    assert_generic_error(qtest_qmp(qts, "'x'"),
                         "QMP input must be a JSON object");
    assert_generic_error(qtest_qmp(qts, "42"),
                         "QMP input must be a JSON object");

    /* Bad members. */
    assert_generic_error(qtest_qmp(qts, "{}"),
                         "QMP input lacks member 'execute'");
    assert_generic_error(qtest_qmp(qts, "{'execute': true}"),
                         "QMP input member 'execute' must be a string");
    assert_generic_error(
        qtest_qmp(qts, "{'execute': 'no-such-cmd', 'arguments': []}"),
        "QMP input member 'arguments' must be an object");
    assert_generic_error(
        qtest_qmp(qts, "{'execute': 'no-such-cmd', 'extra': true}"),
        "QMP input member 'extra' is unexpected");

    /* Bad arguments. */
    assert_generic_error(qtest_qmp(qts, "{'execute': 'qom-list'}"),
                         "Parameter 'path' is missing");
    assert_generic_error(
        qtest_qmp(qts, "{'execute': 'qom-list', 'arguments': {'path': 1}}"),
        "Invalid parameter type for 'path', expected: string");
    assert_generic_error(
        qtest_qmp(qts, "{'execute': 'qom-list-types',"
                       " 'arguments': {'abstract': 'yes'}}"),
        "Invalid parameter type for 'abstract', expected: boolean");
    assert_generic_error(qtest_qmp(qts, "{'execute': 'query-status',"
                                        " 'arguments': {'verbose': true}}"),
                         "Parameter 'verbose' is unexpected");

    /* The request's id comes back with its error. */
    rsp = qtest_qmp(qts, "{'execute': 'no-such-cmd', 'id': 42}");
    CU_ASSERT_STRING_EQUAL(error_class(rsp), "CommandNotFound");
    CU_ASSERT_STRING_EQUAL(error_desc(rsp),
                           "The command no-such-cmd has not been found");
    CU_ASSERT_EQUAL(qdict_get_path_int(rsp, "id"), 42);
    json_object_unref(rsp);
    rsp = qtest_qmp(qts, "{'execute': 'qom-list', 'id': {'a': [1]}}");
    CU_ASSERT_EQUAL(qdict_get_path_int(rsp, "id.a.0"), 1);
    json_object_unref(rsp);

    /* Two requests in one write, and one split over writes. */
    qtest_qmp_send_raw(qts, "{\"execute\": \"query-name\"}"
                            "{\"execute\": \"query-name\"}");
    json_object_unref(qtest_qmp_receive(qts));
    json_object_unref(qtest_qmp_receive(qts));
    qtest_qmp_send_raw(qts, "{\"exec");
    qtest_qmp_send_raw(qts, "ute\": \"query-n");
    qtest_qmp_send_raw(qts, "ame\"}");
    rsp = qtest_qmp_receive(qts);
    CU_ASSERT_PTR_NOT_NULL(qdict_get_path_object(rsp, "return"));
    json_object_unref(rsp);

    qtest_qmp_assert_success(qts, "{'execute': 'query-status'}");
    qtest_quit(qts);
}

static void test_events(void)
{
    QTestState *qts = qtest_init(NULL);
    JsonObject *ev, *rsp;

    qtest_qmp_assert_success(qts, "{'execute': 'stop'}");
    ev = qtest_qmp_eventwait_ref(qts, "STOP");
    CU_ASSERT(qdict_get_path_int(ev, "timestamp.seconds") > 0);
    CU_ASSERT(qdict_get_path_int(ev, "timestamp.microseconds") >= 0);
    CU_ASSERT(qdict_get_path_int(ev, "timestamp.microseconds") < 1000000);
    json_object_unref(ev);
    rsp = qtest_qmp_assert_success_ref(qts, "{'execute': 'query-status'}");
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(rsp, "return.status"), "paused");
    CU_ASSERT_FALSE(qdict_get_path_bool(rsp, "return.running"));
    json_object_unref(rsp);

    qtest_qmp_assert_success(qts, "{'execute': 'cont'}");
    qtest_qmp_eventwait(qts, "RESUME");

    qtest_qmp_assert_success(qts, "{'execute': 'system_reset'}");
    ev = qtest_qmp_eventwait_ref(qts, "RESET");
    CU_ASSERT_FALSE(qdict_get_path_bool(ev, "data.guest"));
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(ev, "data.reason"),
                           "host-qmp-system-reset");
    json_object_unref(ev);

    qtest_qmp_assert_success(qts, "{'execute': 'system_powerdown'}");
    qtest_qmp_eventwait(qts, "POWERDOWN");
    qtest_quit(qts);
}

static void test_prelaunch(void)
{
    QTestState *qts = qtest_init("-S");
    JsonObject *rsp;

    rsp = qtest_qmp_assert_success_ref(qts, "{'execute': 'query-status'}");
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(rsp, "return.status"),
                           "prelaunch");
    json_object_unref(rsp);
    qtest_qmp_assert_success(qts, "{'execute': 'cont'}");
    qtest_qmp_eventwait(qts, "RESUME");
    rsp = qtest_qmp_assert_success_ref(qts, "{'execute': 'query-status'}");
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(rsp, "return.status"), "running");
    CU_ASSERT_TRUE(qdict_get_path_bool(rsp, "return.running"));
    CU_ASSERT_FALSE(qdict_get_path_bool(rsp, "return.singlestep"));
    json_object_unref(rsp);
    qtest_quit(qts);
}

static bool array_has_name(JsonArray *arr, const char *name)
{
    for (guint i = 0; arr && i < json_array_get_length(arr); i++) {
        JsonObject *o = json_array_get_object_element(arr, i);

        if (o && !g_strcmp0(json_object_get_string_member(o, "name"), name)) {
            return true;
        }
    }
    return false;
}

static JsonObject *array_find_name(JsonArray *arr, const char *name)
{
    for (guint i = 0; arr && i < json_array_get_length(arr); i++) {
        JsonObject *o = json_array_get_object_element(arr, i);

        if (o && !g_strcmp0(json_object_get_string_member(o, "name"), name)) {
            return o;
        }
    }
    return NULL;
}

static void test_queries(void)
{
    QTestState *qts = qtest_init("-name qmp-test-vm");
    JsonObject *rsp, *pc;
    JsonArray *arr;

    rsp = qtest_qmp_assert_success_ref(qts, "{'execute': 'query-name'}");
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(rsp, "return.name"),
                           "qmp-test-vm");
    json_object_unref(rsp);

    rsp = qtest_qmp_assert_success_ref(qts, "{'execute': 'query-commands'}");
    arr = qdict_get_path_array(rsp, "return");
    CU_ASSERT(array_has_name(arr, "qmp_capabilities"));
    CU_ASSERT(array_has_name(arr, "query-status"));
    CU_ASSERT(array_has_name(arr, "device_del"));
    CU_ASSERT(array_has_name(arr, "human-monitor-command"));
    CU_ASSERT_FALSE(array_has_name(arr, "no-such-cmd"));
    json_object_unref(rsp);

    rsp = qtest_qmp_assert_success_ref(qts, "{'execute': 'query-machines'}");
    pc = array_find_name(qdict_get_path_array(rsp, "return"), "pc");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pc);
    CU_ASSERT_TRUE(qdict_get_path_bool(pc, "is-default"));
    CU_ASSERT(qdict_get_path_int(pc, "cpu-max") >= 1);
    CU_ASSERT_FALSE(qdict_get_path_bool(pc, "deprecated"));
    json_object_unref(rsp);

    rsp = qtest_qmp_assert_success_ref(qts, "{'execute': 'query-pci'}");
    arr = qdict_get_path_array(rsp, "return");
    CU_ASSERT_PTR_NOT_NULL_FATAL(arr);
    if (json_array_get_length(arr)) {
        CU_ASSERT_EQUAL(qdict_get_path_int(rsp, "return.0.bus"), 0);
        CU_ASSERT_PTR_NOT_NULL(qdict_get_path_array(rsp, "return.0.devices"));
    }
    json_object_unref(rsp);

    rsp = qtest_qmp_assert_success_ref(qts, "{'execute': 'query-kvm'}");
    CU_ASSERT_FALSE(qdict_get_path_bool(rsp, "return.enabled"));
    json_object_unref(rsp);
    qtest_quit(qts);
}

static void test_qom(void)
{
    QTestState *qts = qtest_init(NULL);
    JsonObject *rsp, *info;
    JsonArray *arr;

    rsp = qtest_qmp_assert_success_ref(
        qts, "{'execute': 'qom-list', 'arguments': {'path': '/machine'}}");
    arr = qdict_get_path_array(rsp, "return");
    info = array_find_name(arr, "peripheral");
    CU_ASSERT_PTR_NOT_NULL_FATAL(info);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(info, "type"),
                           "child<container>");
    CU_ASSERT(array_has_name(arr, "unattached"));
    CU_ASSERT(array_has_name(arr, "peripheral-anon"));
    json_object_unref(rsp);

    rsp = qtest_qmp_assert_success_ref(
        qts, "{'execute': 'qom-get',"
             " 'arguments': {'path': '/machine', 'property': 'peripheral'}}");
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(rsp, "return"),
                           "/machine/peripheral");
    json_object_unref(rsp);

    /* A partial path, as QEMU resolves it. */
    qtest_qmp_assert_success(
        qts, "{'execute': 'qom-list', 'arguments': {'path': 'ioapic'}}");

    rsp = qtest_qmp(qts, "{'execute': 'qom-list',"
                         " 'arguments': {'path': '/nowhere'}}");
    CU_ASSERT_STRING_EQUAL(error_class(rsp), "DeviceNotFound");
    CU_ASSERT_STRING_EQUAL(error_desc(rsp), "Device '/nowhere' not found");
    json_object_unref(rsp);
    assert_generic_error(qtest_qmp(qts, "{'execute': 'qom-get',"
                                        " 'arguments': {'path': '/machine',"
                                        " 'property': 'nope'}}"),
                         NULL);

    rsp = qtest_qmp_assert_success_ref(
        qts, "{'execute': 'qom-list-types',"
             " 'arguments': {'implements': 'device', 'abstract': true}}");
    arr = qdict_get_path_array(rsp, "return");
    info = array_find_name(arr, "device");
    CU_ASSERT_PTR_NOT_NULL_FATAL(info);
    CU_ASSERT_TRUE(qdict_get_path_bool(info, "abstract"));
    CU_ASSERT(array_has_name(arr, "isa-debug-exit"));
    CU_ASSERT_FALSE(array_has_name(arr, "container"));
    json_object_unref(rsp);

    rsp = qtest_qmp_assert_success_ref(
        qts, "{'execute': 'qom-list-types',"
             " 'arguments': {'implements': 'device'}}");
    CU_ASSERT_FALSE(
        array_has_name(qdict_get_path_array(rsp, "return"), "device"));
    json_object_unref(rsp);
    rsp = qtest_qmp_assert_success_ref(
        qts, "{'execute': 'qom-list-types',"
             " 'arguments': {'implements': 'no-such-type'}}");
    CU_ASSERT_EQUAL(json_array_get_length(qdict_get_path_array(rsp, "return")),
                    0);
    json_object_unref(rsp);
    qtest_quit(qts);
}

static void test_device_add_del(void)
{
    QTestState *qts = qtest_init("-device isa-debug-exit,id=dbg0,"
                                 "iobase=0x501,iosize=2");
    JsonObject *rsp;

    rsp = qtest_qmp(qts, "{'execute': 'device_del',"
                         " 'arguments': {'id': 'nonexistent'}}");
    CU_ASSERT_STRING_EQUAL(error_class(rsp), "DeviceNotFound");
    CU_ASSERT_STRING_EQUAL(error_desc(rsp), "Device 'nonexistent' not found");
    json_object_unref(rsp);

    assert_generic_error(qtest_qmp(qts, "{'execute': 'device_add'}"),
                         "Parameter 'driver' is missing");
    assert_generic_error(
        qtest_qmp(qts, "{'execute': 'device_add',"
                       " 'arguments': {'driver': 'no-such-device'}}"),
        NULL);
    assert_generic_error(
        qtest_qmp(qts, "{'execute': 'device_add',"
                       " 'arguments': {'driver': 'isa-debug-exit',"
                       " 'iobase': [1]}}"),
        "Invalid parameter type for 'iobase', expected: scalar");

    /* Built-in kinds of device cannot come or go once the machine runs. */
    assert_generic_error(qtest_qmp(qts,
                                   "{'execute': 'device_add',"
                                   " 'arguments': {'driver': 'isa-debug-exit',"
                                   " 'id': 'dbg1'}}"),
                         "Parameter 'driver' expects a pluggable device type");
    assert_generic_error(qtest_qmp(qts, "{'execute': 'device_del',"
                                        " 'arguments': {'id': 'dbg0'}}"),
                         "Bus 'main-system-bus' does not support hotplugging");
    assert_recovered(qts);
    qtest_quit(qts);
}

/* A -device device is at /machine/peripheral/ID, as QOM shows. */
static void test_peripheral(void)
{
    QTestState *qts = qtest_init("-device isa-debug-exit,id=dbg0,"
                                 "iobase=0x501,iosize=2");
    JsonObject *rsp;

    rsp = qtest_qmp_assert_success_ref(
        qts, "{'execute': 'qom-list',"
             " 'arguments': {'path': '/machine/peripheral'}}");
    CU_ASSERT(array_has_name(qdict_get_path_array(rsp, "return"), "dbg0"));
    json_object_unref(rsp);
    rsp = qtest_qmp_assert_success_ref(
        qts, "{'execute': 'qom-get',"
             " 'arguments': {'path': 'dbg0', 'property': 'iobase'}}");
    CU_ASSERT_EQUAL(qdict_get_path_int(rsp, "return"), 0x501);
    json_object_unref(rsp);
    rsp = qtest_qmp_assert_success_ref(
        qts, "{'execute': 'qom-get',"
             " 'arguments': {'path': '/machine/peripheral/dbg0',"
             " 'property': 'realized'}}");
    CU_ASSERT_TRUE(qdict_get_path_bool(rsp, "return"));
    json_object_unref(rsp);
    assert_generic_error(
        qtest_qmp(qts, "{'execute': 'qom-set',"
                       " 'arguments': {'path': '/machine/peripheral/dbg0',"
                       " 'property': 'iobase', 'value': 'x'}}"),
        "Invalid parameter type for 'iobase', expected: integer");
    qtest_quit(qts);
}

/*
 * device_add, then device_del with its DEVICE_DELETED event once the
 * guest ejects the slot (ACPI PCI hotplug; tests/qtest/hotplug-test.c has
 * the details).
 */
static void test_hotplug(void)
{
    QTestState *qts = qtest_init(NULL);
    JsonObject *ev;

    qtest_qmp_device_add(qts, "e1000", "hp0", "{'addr': '04'}");
    qpci_unplug_acpi_device_test(qts, "hp0", 4);
    qmp_expect_error_and_unref(qtest_qmp(qts, "{'execute': 'device_del',"
                                              " 'arguments': {'id': 'hp0'}}"),
                               "DeviceNotFound");
    /* And again, the event's data in full. */
    qtest_qmp_device_add(qts, "e1000", "hp1", "{'addr': '04'}");
    qtest_qmp_device_del_send(qts, "hp1");
    qtest_outl(qts, ACPI_PCIHP_ADDR + PCI_EJ_BASE, 1u << 4);
    ev = qtest_qmp_eventwait_ref(qts, "DEVICE_DELETED");
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(ev, "data.device"), "hp1");
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(ev, "data.path"),
                           "/machine/peripheral/hp1");
    json_object_unref(ev);
    qtest_quit(qts);
}

static void test_hmp(void)
{
    QTestState *qts = qtest_init(NULL);
    g_autofree char *status = qtest_hmp(qts, "info status");
    g_autofree char *version = qtest_hmp(qts, "info version");
    g_autofree char *qtree = qtest_hmp(qts, "info qtree");
    g_autofree char *mtree = qtest_hmp(qts, "info mtree");
    g_autofree char *pci = qtest_hmp(qts, "info pci");
    g_autofree char *unknown = qtest_hmp(qts, "frob");
    g_autofree char *empty = qtest_hmp(qts, "%s", "");
    g_autofree char *stop = NULL;
    g_autofree char *paused = NULL;

    CU_ASSERT_STRING_EQUAL(status, "VM status: running\r\n");
    CU_ASSERT(g_str_has_prefix(version, KEMU_VERSION));
    CU_ASSERT_PTR_NOT_NULL(strstr(qtree, "bus: main-system-bus\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(qtree, "dev: ioapic, id \"\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(mtree, "address-space: memory\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(mtree, "address-space: I/O\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pci, "Host bridge: PCI device 8086:1237"));
    CU_ASSERT_STRING_EQUAL(unknown, "unknown command: 'frob'\r\n");
    CU_ASSERT_STRING_EQUAL(empty, "");

    stop = qtest_hmp(qts, "stop");
    CU_ASSERT_STRING_EQUAL(stop, "");
    qtest_qmp_eventwait(qts, "STOP");
    paused = qtest_hmp(qts, "info status");
    CU_ASSERT_STRING_EQUAL(paused, "VM status: paused\r\n");
    qtest_quit(qts);
}

static void test_quit(void)
{
    QTestState *qts = qtest_init(NULL);
    JsonObject *ev;

    qtest_qmp_assert_success(qts, "{'execute': 'quit'}");
    ev = qtest_qmp_eventwait_ref(qts, "SHUTDOWN");
    CU_ASSERT_FALSE(qdict_get_path_bool(ev, "data.guest"));
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(ev, "data.reason"),
                           "host-qmp-quit");
    json_object_unref(ev);
    /* Exits by itself, with status 0. */
    qtest_wait_qemu(qts);
    qtest_quit(qts);
}

static void test_sigterm(void)
{
    QTestState *qts = qtest_init(NULL);
    JsonObject *ev;
    int status;

    kill(qtest_pid(qts), SIGTERM);
    ev = qtest_qmp_eventwait_ref(qts, "SHUTDOWN");
    CU_ASSERT_FALSE(qdict_get_path_bool(ev, "data.guest"));
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(ev, "data.reason"),
                           "host-signal");
    json_object_unref(ev);
    status = qtest_wait_status(qts);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    qtest_quit(qts);
}

static void test_sigint(void)
{
    QTestState *qts = qtest_init(NULL);
    int status;

    kill(qtest_pid(qts), SIGINT);
    qtest_qmp_eventwait(qts, "SHUTDOWN");
    status = qtest_wait_status(qts);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    qtest_quit(qts);
}

/* ---- Further monitors and script-driven sessions
 * ------------------------------- */

static char *tmp_path(const char *what)
{
    return g_strdup_printf("%s/qmp-test-%d-%s", g_get_tmp_dir(), getpid(),
                           what);
}

static int connect_unix(const char *path)
{
    int64_t deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    struct sockaddr_un addr = {.sun_family = AF_UNIX};

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (fd >= 0 &&
            connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
            return fd;
        }
        if (fd >= 0) {
            close(fd);
        }
        if (g_get_monotonic_time() > deadline) {
            return -1;
        }
        g_usleep(20 * 1000);
    }
}

/* One line (a QMP message) from fd, or NULL on EOF/timeout. */
static char *read_line(int fd)
{
    GString *line = g_string_new(NULL);
    char c;

    for (;;) {
        GPollFD pfd = {.fd = fd, .events = G_IO_IN};

        if (g_poll(&pfd, 1, 20000) <= 0 || read(fd, &c, 1) != 1) {
            g_string_free(line, true);
            return NULL;
        }
        if (c == '\n') {
            return g_string_free(line, false);
        }
        g_string_append_c(line, c);
    }
}

static void write_str(int fd, const char *s)
{
    CU_ASSERT_EQUAL(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

/* Each connection to a -qmp server socket is greeted and negotiates. */
static void test_extra_monitor(void)
{
    g_autofree char *path = tmp_path("extra.sock");
    QTestState *qts = qtest_initf("-qmp unix:%s,server=on,wait=off", path);

    for (int round = 0; round < 2; round++) {
        int fd = connect_unix(path);
        g_autofree char *greeting = NULL, *early = NULL, *neg = NULL;
        g_autofree char *ev = NULL, *ret = NULL;

        CU_ASSERT_FATAL(fd >= 0);
        greeting = read_line(fd);
        CU_ASSERT_PTR_NOT_NULL_FATAL(greeting);
        CU_ASSERT(g_str_has_prefix(greeting, "{\"QMP\": {\"version\": "));
        write_str(fd, "{\"execute\": \"query-status\"}\n");
        early = read_line(fd);
        CU_ASSERT_PTR_NOT_NULL(strstr(early, "CommandNotFound"));
        write_str(fd, "{\"execute\": \"qmp_capabilities\"}\n");
        neg = read_line(fd);
        CU_ASSERT_STRING_EQUAL(neg, "{\"return\": {}}\r");

        /* An event from another monitor's command reaches this one. */
        qtest_qmp_assert_success(qts, round ? "{'execute': 'cont'}"
                                            : "{'execute': 'stop'}");
        ev = read_line(fd);
        CU_ASSERT_PTR_NOT_NULL(ev);
        CU_ASSERT_PTR_NOT_NULL(strstr(ev, round ? "\"event\": \"RESUME\""
                                                : "\"event\": \"STOP\""));
        write_str(fd, "{\"execute\": \"query-name\", \"id\": 1}\n");
        ret = read_line(fd);
        CU_ASSERT_STRING_EQUAL(ret, "{\"return\": {}, \"id\": 1}\r");
        close(fd);
    }
    qtest_quit(qts);
    g_unlink(path);
}

/* Bytes from fd up to and including @marker, or NULL on EOF/timeout. */
static char *read_until(int fd, const char *marker)
{
    GString *buf = g_string_new(NULL);
    char c;

    while (!g_str_has_suffix(buf->str, marker)) {
        GPollFD pfd = {.fd = fd, .events = G_IO_IN};

        if (g_poll(&pfd, 1, 20000) <= 0 || read(fd, &c, 1) != 1) {
            g_string_free(buf, true);
            return NULL;
        }
        g_string_append_c(buf, c);
    }
    return g_string_free(buf, false);
}

/* The interactive human monitor: banner, prompt, echo, commands. */
static void test_hmp_monitor(void)
{
    g_autofree char *path = tmp_path("hmp.sock");
    QTestState *qts = qtest_initf("-monitor unix:%s,server=on,wait=off", path);
    g_autofree char *banner = NULL, *status = NULL, *help = NULL;
    g_autofree char *typo = NULL, *edit = NULL;
    int fd = connect_unix(path);

    CU_ASSERT_FATAL(fd >= 0);
    banner = read_until(fd, "(qemu) ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(banner);
    CU_ASSERT(g_str_has_prefix(banner, "KEMU "));
    CU_ASSERT_PTR_NOT_NULL(strstr(banner, "monitor - type 'help' for more "
                                          "information\r\n"));

    write_str(fd, "info status\r");
    status = read_until(fd, "(qemu) ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(status);
    CU_ASSERT_STRING_EQUAL(status, "info status\r\nVM status: running\r\n"
                                   "(qemu) ");

    write_str(fd, "help\n");
    help = read_until(fd, "(qemu) ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(help);
    CU_ASSERT_PTR_NOT_NULL(strstr(help, "\r\ninfo [subcommand] -- "));

    write_str(fd, "bogus\r\n");
    typo = read_until(fd, "(qemu) ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(typo);
    CU_ASSERT_PTR_NOT_NULL(strstr(typo, "unknown command: 'bogus'\r\n"));

    /* Backspace edits the line; an arrow key's sequence is ignored. */
    write_str(fd, "stoq\x7fp\x1b[A\r");
    edit = read_until(fd, "(qemu) ");
    CU_ASSERT_PTR_NOT_NULL(edit);
    qtest_qmp_eventwait(qts, "STOP");

    write_str(fd, "quit\r");
    qtest_qmp_eventwait(qts, "SHUTDOWN");
    qtest_wait_qemu(qts);
    close(fd);
    qtest_quit(qts);
    g_unlink(path);
}

static GPid spawn_emulator(const char *args)
{
    g_autofree char *cmd =
        g_strdup_printf("exec %s %s", qtest_qemu_binary(), args);
    const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    g_autoptr(GError) err = NULL;
    GPid pid;

    if (!g_spawn_async(NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                       NULL, NULL, &pid, &err)) {
        qtest_fail("spawning the emulator: %s", err->message);
    }
    return pid;
}

/* The emulator's exit status, or -1 after killing it on a timeout. */
static int wait_emulator(GPid pid, int seconds)
{
    for (int i = 0; i < seconds * 100; i++) {
        int status;

        if (waitpid(pid, &status, WNOHANG) == pid) {
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
        }
        g_usleep(10 * 1000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

static bool have_program(const char *name)
{
    g_autofree char *path = g_find_program_in_path(name);

    return path != NULL;
}

static void test_python_session(void)
{
    g_autofree char *dir = g_path_get_dirname(__FILE__);
    g_autofree char *script = g_build_filename(dir, "qmp-session.py", NULL);
    g_autofree char *out = NULL, *err_out = NULL;
    g_autoptr(GError) err = NULL;
    const char *argv[] = {"python3", script, qtest_qemu_binary(), NULL};
    int status = -1;

    if (!have_program("python3")) {
        QTEST_SKIP("python3 not found");
    }
    if (!g_file_test(script, G_FILE_TEST_EXISTS)) {
        QTEST_SKIP("%s not found (run from the source tree)", script);
    }
    CU_ASSERT_TRUE_FATAL(g_spawn_sync(NULL, (char **)argv, NULL,
                                      G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                                      &err_out, &status, &err));
    if (!g_spawn_check_wait_status(status, NULL)) {
        fprintf(stderr, "%s%s", out, err_out);
    }
    CU_ASSERT_TRUE(g_spawn_check_wait_status(status, NULL));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "qmp-session: OK"));
}

static void test_socat_session(void)
{
    g_autofree char *path = tmp_path("socat.sock");
    g_autofree char *args = NULL, *cmd = NULL, *out = NULL;
    g_autoptr(GError) err = NULL;
    int status = -1;
    GPid pid;

    if (!have_program("socat")) {
        QTEST_SKIP("socat not found");
    }
    args = g_strdup_printf("-display none -accel qtest "
                           "-qmp unix:%s,server=on,wait=off",
                           path);
    pid = spawn_emulator(args);
    for (int i = 0; i < 2000 && !g_file_test(path, G_FILE_TEST_EXISTS); i++) {
        g_usleep(10 * 1000);
    }
    cmd = g_strdup_printf(
        "printf '%%s\\n' '{\"execute\": \"qmp_capabilities\"}' "
        "'{\"execute\": \"query-status\", \"id\": \"s\"}' "
        "'{ oops' '}' "
        "'{\"execute\": \"quit\"}' | socat -t 10 - UNIX-CONNECT:%s",
        path);
    {
        const char *argv[] = {"/bin/sh", "-c", cmd, NULL};

        CU_ASSERT_TRUE_FATAL(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL,
                                          NULL, &out, NULL, &status, &err));
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "{\"QMP\": {\"version\": "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "{\"return\": {}}\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "{\"return\": {\"status\": "
                                       "\"running\", \"singlestep\": false, "
                                       "\"running\": true}, \"id\": \"s\"}"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"class\": \"GenericError\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"event\": \"SHUTDOWN\""));
    CU_ASSERT_EQUAL(wait_emulator(pid, 20), 0);
    g_unlink(path);
}

QTEST_SUITE(qmp, QTEST_CASE(test_greeting), QTEST_CASE(test_negotiation),
            QTEST_CASE(test_oob), QTEST_CASE(test_malformed),
            QTEST_CASE(test_events), QTEST_CASE(test_prelaunch),
            QTEST_CASE(test_queries), QTEST_CASE(test_qom),
            QTEST_CASE(test_device_add_del), QTEST_CASE(test_peripheral),
            QTEST_CASE(test_hotplug), QTEST_CASE(test_hmp),
            QTEST_CASE(test_quit), QTEST_CASE(test_sigterm),
            QTEST_CASE(test_sigint), QTEST_CASE(test_extra_monitor),
            QTEST_CASE(test_hmp_monitor), QTEST_CASE(test_python_session),
            QTEST_CASE(test_socat_session));
