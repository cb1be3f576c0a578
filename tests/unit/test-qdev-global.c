/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -global (hw/core/qdev-global.c): parsing both spellings, the up-front
 * check, applying to every instance of a type and its subclasses; the
 * enum property kind (kvm-pit's lost_tick_policy); -machine properties
 * (hw/core/machine.c) with their refusals.
 */
#include "util/osdep.h"
#include "hw/core/machine.h"
#include "hw/core/qdev-global.h"
#include "tests/unit/unit.h"

static void test_parse(void)
{
    g_autoptr(QdevGlobal) a = qdev_global_parse("kvm-pit.lost_tick_policy="
                                                "discard",
                                                NULL);
    g_autoptr(QdevGlobal) b =
        qdev_global_parse("value=a.b=c,property=p,driver=d", NULL);
    g_autoptr(QdevGlobal) c = qdev_global_parse("e1000.mac=", NULL);

    CU_ASSERT_FATAL(a && b && c);
    CU_ASSERT_STRING_EQUAL(a->driver, "kvm-pit");
    CU_ASSERT_STRING_EQUAL(a->property, "lost_tick_policy");
    CU_ASSERT_STRING_EQUAL(a->value, "discard");
    CU_ASSERT_FALSE(a->used);
    CU_ASSERT_STRING_EQUAL(b->driver, "d");
    CU_ASSERT_STRING_EQUAL(b->property, "p");
    CU_ASSERT_STRING_EQUAL(b->value, "a.b=c");
    CU_ASSERT_STRING_EQUAL(c->value, "");
}

static void expect_parse_error(const char *arg, const char *want)
{
    Error *err = NULL;

    CU_ASSERT_PTR_NULL(qdev_global_parse(arg, &err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err), want);
    error_free(err);
}

static void test_parse_errors(void)
{
    expect_parse_error("isa-serial", "-global isa-serial: expected "
                                     "driver.property=value or "
                                     "driver=D,property=P,value=V");
    expect_parse_error(".iobase=1", "-global .iobase=1: expected "
                                    "driver.property=value or "
                                    "driver=D,property=P,value=V");
    expect_parse_error("isa-serial.=1", "-global isa-serial.=1: expected "
                                        "driver.property=value or "
                                        "driver=D,property=P,value=V");
    expect_parse_error("driver=x,property=y",
                       "-global driver=x,property=y: parameter 'value' is "
                       "missing");
    expect_parse_error("driver=,property=y,value=1",
                       "-global driver=,property=y,value=1: parameter "
                       "'driver' is missing");
    expect_parse_error("driver=x,property=y,value=1,z=2",
                       "-global: invalid parameter 'z'");
}

static void expect_check(const char *arg, bool ok, bool known, const char *want)
{
    g_autoptr(QdevGlobal) g = qdev_global_parse(arg, NULL);
    Error *err = NULL;
    bool k = !known;

    CU_ASSERT_FATAL(g != NULL);
    CU_ASSERT_EQUAL(qdev_global_check(g, &k, &err), ok);
    CU_ASSERT_EQUAL(k, known);
    if (want) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(err);
        CU_ASSERT_TRUE(g_str_has_prefix(error_get_pretty(err), want));
    } else {
        CU_ASSERT_PTR_NULL(err);
    }
    error_free(err);
}

static void test_check(void)
{
    expect_check("kvm-pit.lost_tick_policy=discard", true, true, NULL);
    /* QEMU's third policy, which KVM's PIT does not have. */
    expect_check("kvm-pit.lost_tick_policy=slew", false, true,
                 "-global kvm-pit.lost_tick_policy=slew: property "
                 "'kvm-pit.lost_tick_policy' doesn't take value 'slew' "
                 "(expected discard or delay)");
    expect_check("nosuch.prop=1", true, false, NULL);
    /* Not a device type: as unknown (QEMU's "invalid class name"). */
    expect_check("container.prop=1", true, false, NULL);
    expect_check("isa-serial.nope=1", false, true,
                 "-global isa-serial.nope=1: property 'isa-serial.nope' "
                 "not found");
    expect_check("kvm-pit.lost_tick_policy=merge", false, true,
                 "-global kvm-pit.lost_tick_policy=merge: property "
                 "'kvm-pit.lost_tick_policy' doesn't take value 'merge' "
                 "(expected discard or delay)");
    /* An abstract type: tried on a concrete subclass. */
    expect_check("pci-device.multifunction=on", true, true, NULL);
    expect_check("pci-device.multifunction=maybe", false, true,
                 "-global pci-device.multifunction=maybe: property '");
    /* A string may name a backend: checked where it applies. */
    expect_check("isa-serial.chardev=nope", true, true, NULL);
}

static void test_apply(void)
{
    g_autoptr(GPtrArray) globals =
        g_ptr_array_new_with_free_func((GDestroyNotify)qdev_global_free);
    DeviceState *a = qdev_new("isa-debug-exit");
    DeviceState *b = qdev_new("isa-debug-exit");
    DeviceState *sub = qdev_new("e1000-82544gc");
    DeviceState *other = qdev_new("port92");

    g_ptr_array_add(globals,
                    qdev_global_parse("isa-debug-exit.iosize=2", NULL));
    g_ptr_array_add(globals, qdev_global_parse("e1000.host-gso=off", NULL));
    g_ptr_array_add(globals,
                    qdev_global_parse("isa-debug-exit.iosize=8", NULL));
    g_ptr_array_add(globals, qdev_global_parse("nosuch.x=1", NULL));
    qdev_globals_apply(a, globals);
    qdev_globals_apply(b, globals);
    qdev_globals_apply(sub, globals);
    qdev_globals_apply(other, globals);
    /* The last global for a property wins; every instance gets it. */
    CU_ASSERT_EQUAL(object_property_get_uint(OBJECT(a), "iosize", NULL), 8);
    CU_ASSERT_EQUAL(object_property_get_uint(OBJECT(b), "iosize", NULL), 8);
    CU_ASSERT_FALSE(object_property_get_bool(OBJECT(sub), "host-gso", NULL));
    CU_ASSERT_TRUE(((QdevGlobal *)globals->pdata[0])->used);
    CU_ASSERT_TRUE(((QdevGlobal *)globals->pdata[1])->used);
    CU_ASSERT_FALSE(((QdevGlobal *)globals->pdata[3])->used);
    /* Once per device: what is set afterwards stays. */
    object_property_set_uint(OBJECT(a), "iosize", 1, NULL);
    qdev_globals_apply(a, globals);
    CU_ASSERT_EQUAL(object_property_get_uint(OBJECT(a), "iosize", NULL), 1);
    object_unref(a);
    object_unref(b);
    object_unref(sub);
    object_unref(other);
}

static void test_enum_property(void)
{
    Object *pit = object_new("kvm-pit");
    g_autofree char *def = object_property_print(pit, "lost_tick_policy", NULL);
    g_autofree char *set = NULL;
    Error *err = NULL;

    CU_ASSERT_STRING_EQUAL(def, "delay");
    CU_ASSERT_TRUE(
        object_property_parse(pit, "lost_tick_policy", "discard", NULL));
    set = object_property_print(pit, "lost_tick_policy", NULL);
    CU_ASSERT_STRING_EQUAL(set, "discard");
    CU_ASSERT_FALSE(object_property_parse(pit, "lost_tick_policy", "x", &err));
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err),
                           "property 'kvm-pit.lost_tick_policy' doesn't take "
                           "value 'x' (expected discard or delay)");
    error_free(err);
    object_unref(pit);
}

static void expect_machine_prop(MachineState *ms, const char *prop,
                                const char *value, const char *want_error,
                                const char *want_value)
{
    Error *err = NULL;
    g_autofree char *got = NULL;

    CU_ASSERT_EQUAL(object_property_parse(OBJECT(ms), prop, value, &err),
                    want_error == NULL);
    if (want_error) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(err);
        CU_ASSERT_STRING_EQUAL(error_get_pretty(err), want_error);
        error_free(err);
    }
    got = object_property_print(OBJECT(ms), prop, NULL);
    CU_ASSERT_STRING_EQUAL(got, want_value);
}

static void test_machine_props(void)
{
    Object *root = object_new(TYPE_CONTAINER);
    MachineState *ms = machine_create(root, machine_class_find("pc"));

    expect_machine_prop(ms, "pit", "off", NULL, "off");
    expect_machine_prop(ms, "pit", "maybe",
                        "property 'pit' doesn't take value 'maybe' "
                        "(expected auto, on or off)",
                        "off");
    expect_machine_prop(ms, "acpi", "on", NULL, "on");
    expect_machine_prop(ms, "i8042", "no", NULL, "false");
    expect_machine_prop(ms, "hpet", "off", NULL, "false");
    expect_machine_prop(ms, "hpet", "on",
                        "hpet=on is not supported: kemu has no HPET", "false");
    expect_machine_prop(ms, "smm", "auto", NULL, "auto");
    expect_machine_prop(ms, "smm", "on",
                        "smm=on is not supported: kemu has no system "
                        "management mode",
                        "auto");
    expect_machine_prop(ms, "kernel-irqchip", "split",
                        "kernel-irqchip=split is not supported: kemu runs "
                        "the PIC, IOAPIC and LAPICs in KVM "
                        "(kernel-irqchip=on)",
                        "on");
    expect_machine_prop(ms, "max-ram-below-4g", "2G", NULL, "2147483648");
    expect_machine_prop(ms, "max-ram-below-4g", "x",
                        "property 'max-ram-below-4g' doesn't take value 'x' "
                        "(expected a size such as 3G or 2048M)",
                        "2147483648");
    expect_machine_prop(ms, "mem-merge", "off", NULL, "false");
    /* Once the board is built, the properties are read-only. */
    ms->board_built = true;
    expect_machine_prop(ms, "pit", "on",
                        "property 'pit' can't be set once the machine is "
                        "built",
                        "off");
    ms->board_built = false;
    machine_destroy(ms);
    object_unref(root);
}

UNIT_SUITE(qdev_global, NULL, NULL, UNIT_TEST(test_parse),
           UNIT_TEST(test_parse_errors), UNIT_TEST(test_check),
           UNIT_TEST(test_apply), UNIT_TEST(test_enum_property),
           UNIT_TEST(test_machine_props))
