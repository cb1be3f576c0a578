/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -global and -machine as a running machine shows them: a -global value in
 * every device of the type and of its subclasses (and -device's own value
 * over it), repeated -machine options merged, and the pc properties taking
 * effect (acpi=off: no PIIX4 PM function; i8042=off: nothing at port 0x64;
 * max-ram-below-4g: where RAM ends below 4 GiB).
 */
#include "util/osdep.h"
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

#define PM_DEVFN          (1 << 3 | 3)
#define I8042_STATUS      0x64
#define PCI_VENDOR_ABSENT 0xffff

/* The vendor ID at devfn on bus 0, through the 0xCF8/0xCFC mechanism. */
static uint16_t vendor_at(QTestState *qts, int devfn)
{
    qtest_outl(qts, 0xcf8, 0x80000000u | devfn << 8);
    return qtest_inw(qts, 0xcfc);
}

/* A property as QMP's qom-get returns it, as text (g_free it). */
static char *qom_get(QTestState *qts, const char *path, const char *prop)
{
    JsonObject *rsp = qtest_qmp(qts,
                                "{'execute': 'qom-get',"
                                " 'arguments': {'path': %s, 'property': %s}}",
                                path, prop);
    JsonNode *node = qdict_get_path(rsp, "return");
    char *text;

    CU_ASSERT_PTR_NOT_NULL_FATAL(node);
    if (json_node_get_value_type(node) == G_TYPE_BOOLEAN) {
        text = g_strdup(json_node_get_boolean(node) ? "true" : "false");
    } else if (json_node_get_value_type(node) == G_TYPE_STRING) {
        text = g_strdup(json_node_get_string(node));
    } else {
        text = g_strdup_printf("%" PRId64, json_node_get_int(node));
    }
    json_object_unref(rsp);
    return text;
}

static void assert_prop(QTestState *qts, const char *path, const char *prop,
                        const char *want)
{
    g_autofree char *got = qom_get(qts, path, prop);

    if (strcmp(got, want)) {
        fprintf(stderr, "\n  %s %s: got '%s', want '%s'\n", path, prop, got,
                want);
    }
    CU_ASSERT_STRING_EQUAL(got, want);
}

static void test_global_every_instance(void)
{
    QTestState *qts =
        qtest_init("-global isa-debug-exit.iosize=2 "
                   "-device isa-debug-exit,id=d1,iobase=0x500 "
                   "-device isa-debug-exit,id=d2,iobase=0x510 "
                   "-device isa-debug-exit,id=d3,iobase=0x520,iosize=1");

    assert_prop(qts, "/machine/peripheral/d1", "iosize", "2");
    assert_prop(qts, "/machine/peripheral/d2", "iosize", "2");
    /* -device's own value wins over the global. */
    assert_prop(qts, "/machine/peripheral/d3", "iosize", "1");
    qtest_quit(qts);
}

static void test_global_subclass_and_order(void)
{
    /* e1000-82544gc derives from e1000: the e1000 global reaches it. */
    QTestState *qts =
        qtest_init("-global e1000.host-gso=off "
                   "-global driver=isa-debug-exit,property=iosize,value=4 "
                   "-global isa-debug-exit.iosize=8 "
                   "-device e1000,id=a -device e1000-82544gc,id=b "
                   "-device isa-debug-exit,id=d,iobase=0x500");

    assert_prop(qts, "/machine/peripheral/a", "host-gso", "false");
    assert_prop(qts, "/machine/peripheral/b", "host-gso", "false");
    /* The last -global for a property wins, as in QEMU. */
    assert_prop(qts, "/machine/peripheral/d", "iosize", "8");
    qtest_quit(qts);
}

static void test_machine_defaults(void)
{
    QTestState *qts = qtest_init("-machine pc");

    assert_prop(qts, "/machine", "pit", "auto");
    assert_prop(qts, "/machine", "acpi", "auto");
    assert_prop(qts, "/machine", "i8042", "true");
    assert_prop(qts, "/machine", "hpet", "false");
    assert_prop(qts, "/machine", "kernel-irqchip", "on");
    assert_prop(qts, "/machine", "dump-guest-core", "true");
    CU_ASSERT_NOT_EQUAL(vendor_at(qts, PM_DEVFN), PCI_VENDOR_ABSENT);
    CU_ASSERT_NOT_EQUAL(qtest_inb(qts, I8042_STATUS), 0xff);
    qtest_quit(qts);
}

/* Later -machine options add to earlier ones; each key's last value wins. */
static void test_machine_merge(void)
{
    QTestState *qts = qtest_init("-M pc,acpi=on -machine pit=off "
                                 "-machine acpi=off,i8042=off "
                                 "-machine dump-guest-core=off");

    assert_prop(qts, "/machine", "pit", "off");
    assert_prop(qts, "/machine", "acpi", "off");
    assert_prop(qts, "/machine", "i8042", "false");
    assert_prop(qts, "/machine", "dump-guest-core", "false");
    /* acpi=off: no PIIX4 power management function at 00:01.3. */
    CU_ASSERT_EQUAL(vendor_at(qts, PM_DEVFN), PCI_VENDOR_ABSENT);
    /* i8042=off: nothing answers at the controller's ports. */
    CU_ASSERT_EQUAL(qtest_inb(qts, I8042_STATUS), 0xff);
    qtest_quit(qts);
}

static void test_max_ram_below_4g(void)
{
    QTestState *qts = qtest_init("-m 1G -machine pc,max-ram-below-4g=512M");

    /* 512 MiB below 4 GiB, the other 512 MiB from 4 GiB on. */
    qtest_writeb(qts, 512 * MiB - 16, 0x5a);
    CU_ASSERT_EQUAL(qtest_readb(qts, 512 * MiB - 16), 0x5a);
    qtest_writeb(qts, 512 * MiB + 16, 0x5a);
    CU_ASSERT_NOT_EQUAL(qtest_readb(qts, 512 * MiB + 16), 0x5a);
    qtest_writeb(qts, 4 * GiB + 512 * MiB - 16, 0xa5);
    CU_ASSERT_EQUAL(qtest_readb(qts, 4 * GiB + 512 * MiB - 16), 0xa5);
    assert_prop(qts, "/machine", "max-ram-below-4g", "536870912");
    qtest_quit(qts);
}

QTEST_SUITE(machine_opts, QTEST_CASE(test_global_every_instance),
            QTEST_CASE(test_global_subclass_and_order),
            QTEST_CASE(test_machine_defaults), QTEST_CASE(test_machine_merge),
            QTEST_CASE(test_max_ram_below_4g));
