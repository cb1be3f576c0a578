/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI hotplug on the pc, driven as the guest's ACPI code drives it
 * (hw/acpi/pcihp.h): device_add raises the slot in PCI_UP and GPE0 bit 1
 * with the SCI, device_del raises it in PCI_DOWN, the eject register
 * removes the device and DEVICE_DELETED follows; the refusals for what
 * cannot be hotplugged, qom-set realized=false, machine reset, and the
 * same id added again.
 */
#include <glib.h>
#include <sys/socket.h>
#include <unistd.h>
#include <CUnit/CUnit.h>
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"
#include "tests/qtest/libqos/e1000.h"
#include "tests/qtest/libqos/pci-pc.h"

#define PCIHP_UP   (ACPI_PCIHP_ADDR + 0x00)
#define PCIHP_DOWN (ACPI_PCIHP_ADDR + 0x04)
#define PCIHP_EJ   (ACPI_PCIHP_ADDR + PCI_EJ_BASE)
#define PCIHP_RMV  (ACPI_PCIHP_ADDR + 0x0c)
#define PCIHP_SEL  (ACPI_PCIHP_ADDR + 0x10)

/* The PIIX4 PM block at 0x600: GPE0 status and enable (16 bits each). */
#define GPE0_STS      0x60c
#define GPE0_EN       0x60e
#define GPE_PCI_HP    (1u << 1)
#define SCI_IRQ       9
#define SLOT          3
#define DEVFN         QPCI_DEVFN(SLOT, 0)
#define E1000_VENDOR  0x8086
#define E1000_DEVICE  0x100e
#define PCI_VENDOR_ID 0x00

static const char *error_desc(JsonObject *rsp)
{
    return qdict_get_path_str(rsp, "error.desc");
}

static void assert_error(JsonObject *rsp, const char *desc)
{
    CU_ASSERT_TRUE(qmp_rsp_is_err(rsp));
    CU_ASSERT_EQUAL(g_strcmp0(error_desc(rsp), desc), 0);
    if (g_strcmp0(error_desc(rsp), desc)) {
        fprintf(stderr, "got '%s', expected '%s'\n", error_desc(rsp), desc);
    }
    json_object_unref(rsp);
}

static QTestState *start(const char *extra)
{
    QTestState *qts = qtest_initf("-netdev user,id=hn0 %s", extra ? extra : "");

    qtest_irq_intercept_in(qts, "ioapic");
    qtest_outw(qts, GPE0_EN, GPE_PCI_HP); /* what Linux does for _E01 */
    return qts;
}

static uint16_t vendor_at(QPCIBus *bus, int devfn)
{
    return bus->config_readw(bus, devfn, PCI_VENDOR_ID);
}

static void add_e1000(QTestState *qts, const char *id, int slot)
{
    g_autofree char *addr = g_strdup_printf("0x%x", slot);

    qtest_qmp_device_add(qts, "e1000", id, "{'netdev': 'hn0', 'addr': %s}",
                         addr);
}

/* No DEVICE_DELETED came yet (the monitor answered after it would have). */
static void assert_no_deleted_event(QTestState *qts)
{
    JsonObject *ev;

    json_object_unref(qtest_qmp(qts, "{'execute': 'query-status'}"));
    ev = qtest_qmp_event_ref(qts, "DEVICE_DELETED");
    CU_ASSERT_PTR_NULL(ev);
    if (ev) {
        json_object_unref(ev);
    }
}

static void ack_gpe(QTestState *qts)
{
    qtest_outw(qts, GPE0_STS, GPE_PCI_HP);
    CU_ASSERT_FALSE(qtest_get_irq(qts, SCI_IRQ));
}

static bool peripheral_has(QTestState *qts, const char *id)
{
    JsonObject *rsp = qtest_qmp_assert_success_ref(
        qts, "{'execute': 'qom-list',"
             " 'arguments': {'path': '/machine/peripheral'}}");
    JsonArray *arr = json_node_get_array(qdict_get_path(rsp, "return"));
    bool found = false;

    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonObject *o = json_array_get_object_element(arr, i);

        found |= !g_strcmp0(json_object_get_string_member(o, "name"), id);
    }
    json_object_unref(rsp);
    return found;
}

static bool qom_get_bool(QTestState *qts, const char *path, const char *prop)
{
    JsonObject *rsp = qtest_qmp_assert_success_ref(
        qts,
        "{'execute': 'qom-get',"
        " 'arguments': {'path': %s, 'property': %s}}",
        path, prop);
    bool val = qdict_get_path_bool(rsp, "return");

    json_object_unref(rsp);
    return val;
}

/* The whole protocol, step by step, as the DSDT's _E01/_EJ0 drive it. */
static void test_add_eject(void)
{
    QTestState *qts = start(NULL);
    QPCIBus *bus = qpci_new_pc(qts, NULL);
    JsonObject *ev;

    CU_ASSERT_EQUAL(vendor_at(bus, DEVFN), 0xffff);
    CU_ASSERT_EQUAL(qtest_inl(qts, PCIHP_UP), 0);
    CU_ASSERT_FALSE(qtest_get_irq(qts, SCI_IRQ));
    /* Slots 0 and 1 hold the chipset: not removable. */
    CU_ASSERT_EQUAL(qtest_inl(qts, PCIHP_RMV) & 3, 0);
    CU_ASSERT_EQUAL(qtest_inl(qts, PCIHP_RMV) >> 2, 0x3fffffff);

    add_e1000(qts, "n1", SLOT);
    CU_ASSERT_EQUAL(vendor_at(bus, DEVFN), E1000_VENDOR);
    CU_ASSERT_EQUAL(bus->config_readw(bus, DEVFN, 0x02), E1000_DEVICE);
    CU_ASSERT_TRUE(qom_get_bool(qts, "n1", "hotpluggable"));
    CU_ASSERT_TRUE(qom_get_bool(qts, "n1", "hotplugged"));
    CU_ASSERT_EQUAL(qtest_inw(qts, GPE0_STS) & GPE_PCI_HP, GPE_PCI_HP);
    CU_ASSERT_TRUE(qtest_get_irq(qts, SCI_IRQ));
    CU_ASSERT_EQUAL(qtest_inl(qts, PCIHP_SEL), 0);
    CU_ASSERT_EQUAL(qtest_inl(qts, PCIHP_UP), 1u << SLOT);
    CU_ASSERT_EQUAL(qtest_inl(qts, PCIHP_UP), 0); /* read clears */
    CU_ASSERT_EQUAL(qtest_inl(qts, PCIHP_DOWN), 0);
    CU_ASSERT_EQUAL(qtest_inl(qts, PCIHP_EJ), 0); /* no features */
    ack_gpe(qts);

    qtest_qmp_device_del_send(qts, "n1");
    CU_ASSERT_EQUAL(qtest_inl(qts, PCIHP_DOWN), 1u << SLOT);
    CU_ASSERT_EQUAL(qtest_inw(qts, GPE0_STS) & GPE_PCI_HP, GPE_PCI_HP);
    CU_ASSERT_TRUE(qtest_get_irq(qts, SCI_IRQ));
    /* The device stays until the guest ejects it. */
    CU_ASSERT_EQUAL(vendor_at(bus, DEVFN), E1000_VENDOR);
    assert_no_deleted_event(qts);
    /* The virtual clock has not moved: QEMU refuses a second request. */
    assert_error(qtest_qmp(qts, "{'execute': 'device_del',"
                                " 'arguments': {'id': 'n1'}}"),
                 "Device n1 is already in the process of unplug");
    ack_gpe(qts);

    /* Another bus selected: the root bus's slots are untouched. */
    qtest_outl(qts, PCIHP_SEL, 5);
    CU_ASSERT_EQUAL(qtest_inl(qts, PCIHP_DOWN), 0);
    qtest_outl(qts, PCIHP_EJ, 1u << SLOT);
    CU_ASSERT_EQUAL(vendor_at(bus, DEVFN), E1000_VENDOR);
    qtest_outl(qts, PCIHP_SEL, 0);

    qtest_outl(qts, PCIHP_EJ, 1u << SLOT);
    ev = qtest_qmp_eventwait_ref(qts, "DEVICE_DELETED");
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(ev, "data.device"), "n1");
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(ev, "data.path"),
                           "/machine/peripheral/n1");
    json_object_unref(ev);
    CU_ASSERT_EQUAL(vendor_at(bus, DEVFN), 0xffff);
    CU_ASSERT_EQUAL(qtest_inl(qts, PCIHP_DOWN), 0);
    CU_ASSERT_FALSE(qtest_get_irq(qts, SCI_IRQ));
    CU_ASSERT_FALSE(peripheral_has(qts, "n1"));
    assert_error(qtest_qmp(qts, "{'execute': 'device_del',"
                                " 'arguments': {'id': 'n1'}}"),
                 "Device 'n1' not found");

    /* The same id and netdev again, and QEMU's libqos helper. */
    add_e1000(qts, "n1", SLOT);
    CU_ASSERT_EQUAL(vendor_at(bus, DEVFN), E1000_VENDOR);
    CU_ASSERT_EQUAL(qtest_inl(qts, PCIHP_UP), 1u << SLOT);
    qpci_unplug_acpi_device_test(qts, "n1", SLOT);
    CU_ASSERT_EQUAL(vendor_at(bus, DEVFN), 0xffff);

    qpci_free_pc(bus);
    qtest_quit(qts);
}

/* A hotplugged e1000 works: its BARs map, its registers answer. */
static void test_hotplugged_device_works(void)
{
    QTestState *qts = start(NULL);
    QPCIBus *bus = qpci_new_pc(qts, NULL);
    QPCIDevice *dev;
    QPCIBar bar;

    add_e1000(qts, "n2", 4);
    dev = qpci_device_find(bus, QPCI_DEVFN(4, 0));
    CU_ASSERT_PTR_NOT_NULL_FATAL(dev);
    qpci_device_enable(dev);
    bar = qpci_iomap(dev, 0, NULL);
    /* STATUS (0x08): link up, full duplex after reset. */
    CU_ASSERT_NOT_EQUAL(qpci_io_readl(dev, bar, 0x08) & 0x3, 0);
    qpci_unplug_acpi_device_test(qts, "n2", 4);
    /* The BAR is gone with the device. */
    CU_ASSERT_EQUAL(qpci_io_readl(dev, bar, 0x08), 0xffffffff);
    g_free(dev);
    qpci_free_pc(bus);
    qtest_quit(qts);
}

/* The QOM path of the first /machine/unattached child of type @type. */
static char *unattached_path(QTestState *qts, const char *type)
{
    JsonObject *rsp = qtest_qmp_assert_success_ref(
        qts, "{'execute': 'qom-list',"
             " 'arguments': {'path': '/machine/unattached'}}");
    JsonArray *arr = json_node_get_array(qdict_get_path(rsp, "return"));
    g_autofree char *want = g_strdup_printf("child<%s>", type);
    char *path = NULL;

    for (guint i = 0; i < json_array_get_length(arr) && !path; i++) {
        JsonObject *o = json_array_get_object_element(arr, i);

        if (!g_strcmp0(json_object_get_string_member(o, "type"), want)) {
            path = g_strdup_printf("/machine/unattached/%s",
                                   json_object_get_string_member(o, "name"));
        }
    }
    json_object_unref(rsp);
    CU_ASSERT_PTR_NOT_NULL(path);
    return path;
}

static void assert_realized(QTestState *qts, const char *path)
{
    CU_ASSERT_TRUE(qom_get_bool(qts, path, "realized"));
}

/* device_del and qom-set realized=false refuse what cannot go. */
static void check_refused(QTestState *qts, const char *type, const char *desc)
{
    g_autofree char *path = unattached_path(qts, type);

    if (!path) {
        return;
    }
    assert_error(qtest_qmp(qts,
                           "{'execute': 'device_del',"
                           " 'arguments': {'id': %s}}",
                           path),
                 desc);
    assert_error(qtest_qmp(qts,
                           "{'execute': 'qom-set',"
                           " 'arguments': {'path': %s,"
                           " 'property': 'realized', 'value': false}}",
                           path),
                 desc);
    assert_realized(qts, path);
    CU_ASSERT_FALSE(qom_get_bool(qts, path, "hotpluggable"));
    CU_ASSERT_FALSE(qom_get_bool(qts, path, "hotplugged"));
}

static void test_refusals(void)
{
    QTestState *qts = start("-device isa-debug-exit,id=dbg0");
    QPCIBus *bus = qpci_new_pc(qts, NULL);

    check_refused(qts, "i440FX",
                  "Device 'i440FX' does not support hotplugging");
    check_refused(qts, "PIIX3", "Device 'PIIX3' does not support hotplugging");
    check_refused(qts, "piix4-pm",
                  "Device 'piix4-pm' does not support hotplugging");
    check_refused(qts, "i440FX-pcihost",
                  "Bus 'main-system-bus' does not support hotplugging");
    check_refused(qts, "mc146818rtc",
                  "Bus 'main-system-bus' does not support hotplugging");
    check_refused(qts, "fw_cfg_io",
                  "Bus 'main-system-bus' does not support hotplugging");
    /* Still there: the host bridge answers, the RTC ticks. */
    CU_ASSERT_EQUAL(vendor_at(bus, QPCI_DEVFN(0, 0)), 0x8086);
    CU_ASSERT_EQUAL(vendor_at(bus, QPCI_DEVFN(1, 0)), 0x8086);
    qtest_outb(qts, 0x70, 0x0a);
    CU_ASSERT_NOT_EQUAL(qtest_inb(qts, 0x71), 0xff);

    assert_error(qtest_qmp(qts, "{'execute': 'device_del',"
                                " 'arguments': {'id': 'dbg0'}}"),
                 "Bus 'main-system-bus' does not support hotplugging");
    assert_error(qtest_qmp(qts, "{'execute': 'device_add',"
                                " 'arguments': {'driver': 'isa-debug-exit',"
                                " 'id': 'dbg1'}}"),
                 "Parameter 'driver' expects a pluggable device type");
    assert_error(qtest_qmp(qts, "{'execute': 'device_del',"
                                " 'arguments': {'id': '/machine'}}"),
                 "/machine is not a hotpluggable device");
    /* Function 0 taken: a later function would stay unseen (QEMU's). */
    add_e1000(qts, "n3", SLOT);
    assert_error(qtest_qmp(qts, "{'execute': 'device_add',"
                                " 'arguments': {'driver': 'e1000', 'id': 'n4',"
                                " 'addr': '03.1'}}"),
                 "device_add e1000: PCI: slot 3 function 0 already occupied by "
                 "e1000, new func e1000 cannot be exposed to guest.");
    CU_ASSERT_FALSE(peripheral_has(qts, "n4"));
    qpci_free_pc(bus);
    qtest_quit(qts);
}

/* realized=false on a hotpluggable device takes it off the bus at once. */
static void test_qom_unrealize(void)
{
    QTestState *qts = start(NULL);
    QPCIBus *bus = qpci_new_pc(qts, NULL);
    JsonObject *ev;

    add_e1000(qts, "n5", SLOT);
    qtest_qmp_assert_success(qts, "{'execute': 'qom-set',"
                                  " 'arguments': {'path': 'n5',"
                                  " 'property': 'realized', 'value': false}}");
    CU_ASSERT_EQUAL(vendor_at(bus, DEVFN), 0xffff);
    CU_ASSERT_TRUE(peripheral_has(qts, "n5"));
    /* Nothing left for the guest to release: it goes at once. */
    qtest_qmp_device_del_send(qts, "n5");
    ev = qtest_qmp_eventwait_ref(qts, "DEVICE_DELETED");
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(ev, "data.device"), "n5");
    json_object_unref(ev);
    CU_ASSERT_FALSE(peripheral_has(qts, "n5"));
    add_e1000(qts, "n5", SLOT);
    CU_ASSERT_EQUAL(vendor_at(bus, DEVFN), E1000_VENDOR);
    qpci_free_pc(bus);
    qtest_quit(qts);
}

/*
 * A reset carries out the removal the guest did not complete (as QEMU)
 * and forgets added-slot notices; a hotplugged device that was not asked
 * to go stays.
 */
static void test_reset(void)
{
    QTestState *qts = start(NULL);
    QPCIBus *bus = qpci_new_pc(qts, NULL);
    JsonObject *ev;

    add_e1000(qts, "n6", SLOT);
    qtest_qmp_device_add(qts, "e1000", "n7", "{'addr': '05'}"); /* no netdev */
    qtest_qmp_device_del_send(qts, "n6");
    qtest_qmp_assert_success(qts, "{'execute': 'system_reset'}");
    ev = qtest_qmp_eventwait_ref(qts, "DEVICE_DELETED");
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(ev, "data.device"), "n6");
    json_object_unref(ev);
    qtest_qmp_eventwait(qts, "RESET");
    CU_ASSERT_EQUAL(vendor_at(bus, DEVFN), 0xffff);
    CU_ASSERT_EQUAL(vendor_at(bus, QPCI_DEVFN(5, 0)), E1000_VENDOR);
    CU_ASSERT_EQUAL(qtest_inl(qts, PCIHP_UP), 0);
    CU_ASSERT_EQUAL(qtest_inl(qts, PCIHP_DOWN), 0);
    CU_ASSERT_EQUAL(qtest_inw(qts, GPE0_STS), 0);
    CU_ASSERT_FALSE(qtest_get_irq(qts, SCI_IRQ));
    /* The survivor still unplugs (GPE0_EN was reset: no SCI). */
    qtest_qmp_device_del_send(qts, "n7");
    CU_ASSERT_EQUAL(qtest_inl(qts, PCIHP_DOWN), 1u << 5);
    CU_ASSERT_FALSE(qtest_get_irq(qts, SCI_IRQ));
    qtest_outl(qts, PCIHP_EJ, 1u << 5);
    qtest_qmp_eventwait(qts, "DEVICE_DELETED");
    CU_ASSERT_EQUAL(vendor_at(bus, QPCI_DEVFN(5, 0)), 0xffff);
    qpci_free_pc(bus);
    qtest_quit(qts);
}

/* The human monitor's device_add / device_del, and an anonymous device. */
static void test_hmp(void)
{
    QTestState *qts = start(NULL);
    QPCIBus *bus = qpci_new_pc(qts, NULL);
    g_autofree char *out = NULL;
    JsonObject *ev;

    out = qtest_hmp(qts, "device_add e1000,id=h1,netdev=hn0,addr=6");
    CU_ASSERT_STRING_EQUAL(out, "");
    CU_ASSERT_EQUAL(vendor_at(bus, QPCI_DEVFN(6, 0)), E1000_VENDOR);
    g_free(out);
    out = qtest_hmp(qts, "device_del h1");
    CU_ASSERT_STRING_EQUAL(out, "");
    qtest_outl(qts, PCIHP_EJ, 1u << 6);
    qtest_qmp_eventwait(qts, "DEVICE_DELETED");
    g_free(out);
    out = qtest_hmp(qts, "device_del h1");
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Device 'h1' not found"));

    /* No id: the event has only the path. */
    qtest_qmp_assert_success(qts, "{'execute': 'device_add',"
                                  " 'arguments': {'driver': 'e1000',"
                                  " 'addr': '7'}}");
    CU_ASSERT_EQUAL(vendor_at(bus, QPCI_DEVFN(7, 0)), E1000_VENDOR);
    qtest_outl(qts, PCIHP_EJ, 1u << 7); /* the guest may eject on its own */
    ev = qtest_qmp_eventwait_ref(qts, "DEVICE_DELETED");
    CU_ASSERT_PTR_NULL(qdict_get_path_str(ev, "data.device"));
    CU_ASSERT_PTR_NOT_NULL(strstr(qdict_get_path_str(ev, "data.path"),
                                  "/machine/peripheral-anon/"));
    json_object_unref(ev);
    CU_ASSERT_EQUAL(vendor_at(bus, QPCI_DEVFN(7, 0)), 0xffff);
    qpci_free_pc(bus);
    qtest_quit(qts);
}

/* QEMU's switch: no ACPI hotplug of pci.0, no registers at 0xae00. */
static void test_hotplug_off(void)
{
    QTestState *qts = qtest_init("-global piix4-pm.acpi-root-pci-hotplug=off");

    assert_error(qtest_qmp(qts, "{'execute': 'device_add',"
                                " 'arguments': {'driver': 'e1000',"
                                " 'id': 'n8'}}"),
                 "Bus 'pci.0' does not support hotplugging");
    CU_ASSERT_FALSE(peripheral_has(qts, "n8"));
    CU_ASSERT_EQUAL(qtest_inl(qts, PCIHP_UP), 0xffffffff);
    qtest_quit(qts);
}

/* One frame into the socket netdev (4-byte big-endian length first). */
static void sock_send_frame(int fd, size_t len)
{
    uint8_t buf[4 + 64] = {0};

    g_assert(len <= 64);
    buf[3] = len;
    memset(buf + 4, 0xff, 6); /* broadcast */
    buf[4 + 6] = 0x52;        /* a source MAC */
    buf[4 + 12] = 0x08;       /* IPv4 */
    g_assert(write(fd, buf, 4 + len) == (ssize_t)(4 + len));
}

/*
 * A busy e1000 goes: a received frame waiting on its delay timer, the
 * autonegotiation timer, a mapped BAR.  After the eject its timers never
 * fire (the clock runs on), frames for it are dropped by the netdev, and
 * the netdev takes a new e1000 (run under the sanitizers: no
 * use-after-free, no leak).
 */
static void test_unplug_busy(void)
{
    QE1000 d;
    QTestState *qts;
    uint8_t frame[64];
    int sv[2];

    g_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    qts = qtest_initf("-netdev socket,id=s0,fd=%d", sv[1]);
    close(sv[1]);
    for (int round = 0; round < 2; round++) {
        qtest_qmp_device_add(qts, "e1000", "busy",
                             "{'netdev': 's0', 'addr': '06'}");
        if (round == 0) {
            qe1000_init(&d, qts, 6);
        }
        qe1000_driver_init(&d, 0);
        qe1000_wr(&d, E1000_RDTR, 0xffff); /* about 67 ms of delay */
        sock_send_frame(sv[0], 60);
        CU_ASSERT_EQUAL(qe1000_recv(&d, frame, sizeof(frame), 5000), 60);
        qpci_unplug_acpi_device_test(qts, "busy", 6);
        CU_ASSERT_EQUAL(vendor_at(d.bus, QPCI_DEVFN(6, 0)), 0xffff);
        qtest_clock_step(qts, 10 * 1000 * 1000 * 1000LL);
        sock_send_frame(sv[0], 60); /* nobody there: dropped */
        json_object_unref(qtest_qmp(qts, "{'execute': 'query-status'}"));
    }
    qe1000_destroy(&d);
    qtest_quit(qts);
    close(sv[0]);
}

QTEST_SUITE(hotplug, QTEST_CASE(test_add_eject),
            QTEST_CASE(test_hotplugged_device_works), QTEST_CASE(test_refusals),
            QTEST_CASE(test_qom_unrealize), QTEST_CASE(test_reset),
            QTEST_CASE(test_hmp), QTEST_CASE(test_unplug_busy),
            QTEST_CASE(test_hotplug_off));
