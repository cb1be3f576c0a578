/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `-machine none`, as QEMU's qos-test uses it to probe the emulator: QMP
 * and qtest work on it, query-machines lists it beside pc with only the
 * members QEMU 7.2's MachineInfo has, there is no board (no PCI, no
 * devices), RAM exists only with -m, and -smp is at most 1; what needs a
 * CPU or a PCI bus is refused.
 */
#include <glib.h>
#include <string.h>
#include <sys/wait.h>
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

static JsonObject *array_find_name(JsonArray *arr, const char *name)
{
    for (guint i = 0; arr && i < json_array_get_length(arr); i++) {
        JsonObject *o = json_array_get_object_element(arr, i);

        if (!g_strcmp0(json_object_get_string_member(o, "name"), name)) {
            return o;
        }
    }
    return NULL;
}

static void test_qmp_and_qtest(void)
{
    QTestState *qts = qtest_init("-machine none");
    JsonObject *rsp;

    rsp = qtest_qmp(qts, "{'execute': 'query-status'}");
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(rsp, "return.status"), "running");
    json_object_unref(rsp);
    /* No board: no PCI bus, nothing on the ports, no RAM. */
    rsp = qtest_qmp(qts, "{'execute': 'query-pci'}");
    CU_ASSERT_EQUAL(json_array_get_length(qdict_get_path_array(rsp, "return")),
                    0);
    json_object_unref(rsp);
    CU_ASSERT_EQUAL(qtest_inl(qts, 0xcfc), 0xffffffff);
    qtest_writel(qts, 0x1000, 0x12345678);
    CU_ASSERT_NOT_EQUAL(qtest_readl(qts, 0x1000), 0x12345678);
    /* The virtual clock is the test's, as on any machine. */
    CU_ASSERT_EQUAL(qtest_clock_step(qts, 1000), 1000);
    qtest_quit(qts);
}

static void test_ram_with_m(void)
{
    QTestState *qts = qtest_init("-machine none -m 16M");

    qtest_writel(qts, 0x1000, 0x12345678);
    CU_ASSERT_EQUAL(qtest_readl(qts, 0x1000), 0x12345678);
    qtest_writel(qts, 16 * 1024 * 1024 - 4, 0xcafef00d);
    CU_ASSERT_EQUAL(qtest_readl(qts, 16 * 1024 * 1024 - 4), 0xcafef00d);
    qtest_quit(qts);
}

/* The members of QEMU 7.2's MachineInfo: its visitor rejects others. */
static void assert_machine_info_7_2(JsonObject *info)
{
    static const char *const known[] = {
        "name",
        "alias",
        "is-default",
        "cpu-max",
        "hotpluggable-cpus",
        "numa-mem-supported",
        "deprecated",
        "default-cpu-type",
        "default-ram-id",
    };
    GList *members = json_object_get_members(info);

    for (GList *m = members; m; m = m->next) {
        bool found = false;

        for (size_t i = 0; i < G_N_ELEMENTS(known); i++) {
            found |= !strcmp(m->data, known[i]);
        }
        if (!found) {
            fprintf(stderr, "query-machines: unknown member '%s'\n",
                    (const char *)m->data);
        }
        CU_ASSERT_TRUE(found);
    }
    g_list_free(members);
}

static void test_query_machines(void)
{
    QTestState *qts = qtest_init("-machine none");
    JsonObject *rsp = qtest_qmp(qts, "{'execute': 'query-machines'}");
    JsonArray *arr = qdict_get_path_array(rsp, "return");
    JsonObject *none = array_find_name(arr, "none");
    JsonObject *pc = array_find_name(arr, "pc");

    CU_ASSERT_PTR_NOT_NULL_FATAL(none);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pc);
    CU_ASSERT_EQUAL(qdict_get_path_int(none, "cpu-max"), 1);
    CU_ASSERT_FALSE(json_object_has_member(none, "is-default"));
    CU_ASSERT_TRUE(qdict_get_path_bool(pc, "is-default"));
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        assert_machine_info_7_2(json_array_get_object_element(arr, i));
    }
    json_object_unref(rsp);
    qtest_quit(qts);
}

/* What qos-test asks next: every device type, abstract ones marked. */
static void test_device_types(void)
{
    QTestState *qts = qtest_init("-machine none");
    JsonObject *rsp = qtest_qmp(qts, "{'execute': 'qom-list-types',"
                                     " 'arguments': {'implements': 'device',"
                                     " 'abstract': true}}");
    JsonArray *arr = qdict_get_path_array(rsp, "return");
    JsonObject *pcidev = array_find_name(arr, "pci-device");

    CU_ASSERT_PTR_NOT_NULL_FATAL(pcidev);
    CU_ASSERT_TRUE(qdict_get_path_bool(pcidev, "abstract"));
    CU_ASSERT_PTR_NOT_NULL(array_find_name(arr, "e1000"));
    CU_ASSERT_PTR_NOT_NULL(array_find_name(arr, "e1000-82544gc"));
    CU_ASSERT_PTR_NOT_NULL(array_find_name(arr, "e1000-82545em"));
    CU_ASSERT_PTR_NOT_NULL(array_find_name(arr, "i440FX-pcihost"));
    json_object_unref(rsp);
    qtest_quit(qts);
}

/* @args are refused with one line naming @want and status 1. */
static void expect_refused(const char *args, const char *want)
{
    g_autofree char *cmd =
        g_strdup_printf("%s -machine none -accel qtest -display none %s",
                        qtest_qemu_binary(), args);
    g_auto(GStrv) argv = g_strsplit(cmd, " ", -1);
    g_autofree char *err = NULL;
    int status = -1;

    CU_ASSERT_TRUE_FATAL(g_spawn_sync(NULL, argv, NULL,
                                      G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                                      NULL, &err, &status, NULL));
    CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
    CU_ASSERT_PTR_NOT_NULL(strchr(err, '\n'));
    CU_ASSERT_PTR_NULL(strchr(strchr(err, '\n') + 1, '\n'));
    if (!strstr(err, want)) {
        fprintf(stderr, "%s: got '%s', want '%s'\n", args, err, want);
    }
}

/* What needs a CPU or a bus the machine does not have. */
static void test_refusals(void)
{
    expect_refused("-smp 2", "at most 1");
    expect_refused("-cpu qemu64", "-cpu: the none machine");
    expect_refused("-kernel /dev/null", "-kernel: the none machine");
    expect_refused("-bios /dev/null", "-bios: the none machine");
    expect_refused("-device e1000", "no 'PCI' bus");
}

QTEST_SUITE(machine_none, QTEST_CASE(test_qmp_and_qtest),
            QTEST_CASE(test_ram_with_m), QTEST_CASE(test_query_machines),
            QTEST_CASE(test_device_types), QTEST_CASE(test_refusals));
