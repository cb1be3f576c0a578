/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI-X vector notifiers (hw/pci/msix.h), what virtio-pci's irqfds follow:
 * use for every live vector when installed, release and use as the
 * guest masks and unmasks a vector, the whole function or MSI-X itself,
 * use again when a live vector's message changes, the pending message of
 * an unmasked vector sent after its use, the poll notifier on a PBA read,
 * and release of everything at unset and at reset.  The guest's side is
 * config-space and BAR accesses, as a driver makes them.
 */
#include "util/osdep.h"
#include "hw/core/machine.h"
#include "hw/pci/pci.h"
#include "hw/pci/msix.h"
#include "tests/unit/unit.h"

#define TYPE_TEST_MSIX "test-msix-device"
#define NVECTORS       4
#define MSIX_BAR       1
#define BAR_ADDR       0xfe000000ull
#define PBA_OFFSET     0x800 /* msix_init_exclusive_bar: QEMU's half page */

static void test_msix_realize(PCIDevice *dev, Error **errp)
{
    msix_init_exclusive_bar(dev, NVECTORS, MSIX_BAR, errp);
}

static void test_msix_class_init(ObjectClass *oc, void *data)
{
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = test_msix_realize;
    pc->vendor_id = 0x1234;
    pc->device_id = 0x4321;
    pc->class_id = PCI_CLASS_OTHERS;
}

static const TypeInfo test_msix_types[] = {
    {
        .name = TYPE_TEST_MSIX,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .class_init = test_msix_class_init,
    },
};

DEFINE_TYPES(test_msix_types)

/* What the notifiers and the accelerator saw, in order. */
typedef enum { EV_USE, EV_RELEASE, EV_MSI } EventKind;

typedef struct Event {
    EventKind kind;
    unsigned vector;
    uint64_t addr;
    uint32_t data;
} Event;

typedef struct Fixture {
    MachineState ms;
    AccelOps accel;
    MemoryRegion mem, io;
    AddressSpace as_mem, as_io;
    PCIBus *bus;
    PCIDevice *dev;
    Event ev[64];
    int nev;
    int fail_use;  /* use returns -EBUSY for this vector (-1: none) */
    int polls;     /* poll notifier calls */
    int poll_sets; /* the poll notifier marks this vector pending, or -1 */
} Fixture;

static Fixture *fx;

static void record(EventKind kind, unsigned vector, uint64_t addr,
                   uint32_t data)
{
    CU_ASSERT_FATAL(fx->nev < (int)ARRAY_SIZE(fx->ev));
    fx->ev[fx->nev++] = (Event){kind, vector, addr, data};
}

static void rec_send_msi(MachineState *ms, uint64_t addr, uint32_t data)
{
    record(EV_MSI, 0, addr, data);
}

static int rec_use(PCIDevice *dev, unsigned vector, MSIMessage msg)
{
    if ((int)vector == fx->fail_use) {
        return -EBUSY;
    }
    record(EV_USE, vector, msg.address, msg.data);
    return 0;
}

static void rec_release(PCIDevice *dev, unsigned vector)
{
    record(EV_RELEASE, vector, 0, 0);
}

static void rec_poll(PCIDevice *dev, unsigned start, unsigned end)
{
    fx->polls++;
    if (fx->poll_sets >= (int)start && fx->poll_sets < (int)end) {
        msix_set_pending(dev, fx->poll_sets);
    }
}

static uint32_t cfg_read(uint32_t addr, int len)
{
    return pci_bus_config_read(fx->bus, fx->dev->devfn, addr, len);
}

static void cfg_write(uint32_t addr, uint32_t val, int len)
{
    pci_bus_config_write(fx->bus, fx->dev->devfn, addr, val, len);
}

static void bar_writel(uint64_t off, uint32_t val)
{
    address_space_stl_le(&fx->as_mem, BAR_ADDR + off, val, NULL);
}

static uint32_t bar_readl(uint64_t off)
{
    return address_space_ldl_le(&fx->as_mem, BAR_ADDR + off, NULL);
}

static void set_flags(uint16_t set, uint16_t clear)
{
    uint32_t flags = fx->dev->msix_cap + PCI_MSIX_FLAGS;

    cfg_write(flags, (cfg_read(flags, 2) | set) & ~clear, 2);
}

/* Table entry @v: message (@addr, @data), masked or not. */
static void set_entry(unsigned v, uint64_t addr, uint32_t data, bool masked)
{
    uint64_t e = v * PCI_MSIX_ENTRY_SIZE;

    bar_writel(e + PCI_MSIX_ENTRY_LOWER_ADDR, (uint32_t)addr);
    bar_writel(e + PCI_MSIX_ENTRY_UPPER_ADDR, addr >> 32);
    bar_writel(e + PCI_MSIX_ENTRY_DATA, data);
    bar_writel(e + PCI_MSIX_ENTRY_VECTOR_CTRL,
               masked ? PCI_MSIX_ENTRY_CTRL_MASKBIT : 0);
}

static void mask_entry(unsigned v, bool masked)
{
    bar_writel(v * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL,
               masked ? PCI_MSIX_ENTRY_CTRL_MASKBIT : 0);
}

static void fixture_setup(void)
{
    Error *err = NULL;

    fx = g_new0(Fixture, 1);
    fx->fail_use = -1;
    fx->poll_sets = -1;
    fx->accel.send_msi = rec_send_msi;
    fx->ms.accel = &fx->accel;
    memory_region_init(&fx->mem, NULL, "mem", UINT64_MAX);
    memory_region_init(&fx->io, NULL, "io", 0x10000);
    address_space_init(&fx->as_mem, &fx->mem, "mem");
    address_space_init(&fx->as_io, &fx->io, "io");
    fx->bus = pci_root_bus_new(&fx->ms, NULL, "pci.0", &fx->mem, &fx->io,
                               &fx->as_mem);
    fx->dev = PCI_DEVICE(object_new(TYPE_TEST_MSIX));
    fx->dev->devfn = PCI_DEVFN(4, 0);
    CU_ASSERT_TRUE_FATAL(qdev_realize(DEVICE(fx->dev), BUS(fx->bus), &err));
    /* The driver maps the table BAR and turns MSI-X on. */
    cfg_write(PCI_BASE_ADDRESS_0 + 4 * MSIX_BAR, (uint32_t)BAR_ADDR, 4);
    cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    set_flags(PCI_MSIX_FLAGS_ENABLE, 0);
}

static void fixture_teardown(void)
{
    qdev_unrealize(DEVICE(fx->dev));
    object_unref(fx->dev);
    object_unref(fx->bus);
    address_space_destroy(&fx->as_mem);
    address_space_destroy(&fx->as_io);
    memory_region_destroy(&fx->mem);
    memory_region_destroy(&fx->io);
    g_free(fx);
    fx = NULL;
}

static void install(void)
{
    CU_ASSERT_EQUAL_FATAL(
        msix_set_vector_notifiers(fx->dev, rec_use, rec_release, rec_poll), 0);
}

static bool is_event(int i, EventKind kind, unsigned vector)
{
    return i < fx->nev && fx->ev[i].kind == kind &&
           (kind == EV_MSI || fx->ev[i].vector == vector);
}

/* Installing: use for the live vectors only, with their messages. */
static void test_install_uses_live_vectors(void)
{
    fixture_setup();
    set_entry(0, 0xfee00000, 0x41, false);
    set_entry(1, 0xfee01000, 0x42, true);
    set_entry(2, 0xfee02000, 0x43, false);
    install();
    CU_ASSERT_EQUAL(fx->nev, 2);
    CU_ASSERT_TRUE(is_event(0, EV_USE, 0));
    CU_ASSERT_EQUAL(fx->ev[0].addr, 0xfee00000);
    CU_ASSERT_EQUAL(fx->ev[0].data, 0x41);
    CU_ASSERT_TRUE(is_event(1, EV_USE, 2));
    CU_ASSERT_EQUAL(fx->ev[1].data, 0x43);
    CU_ASSERT_TRUE(fx->polls > 0);
    /* Unset: release what was used. */
    fx->nev = 0;
    msix_unset_vector_notifiers(fx->dev);
    CU_ASSERT_EQUAL(fx->nev, 2);
    CU_ASSERT_TRUE(is_event(0, EV_RELEASE, 0));
    CU_ASSERT_TRUE(is_event(1, EV_RELEASE, 2));
    fixture_teardown();
}

/* Vector mask, function mask and MSI-X enable all count. */
static void test_mask_unmask(void)
{
    fixture_setup();
    set_entry(1, 0xfee00000, 0x51, false);
    install();
    fx->nev = 0;
    mask_entry(1, true);
    CU_ASSERT_EQUAL(fx->nev, 1);
    CU_ASSERT_TRUE(is_event(0, EV_RELEASE, 1));
    mask_entry(1, true); /* no change, no call */
    CU_ASSERT_EQUAL(fx->nev, 1);
    mask_entry(1, false);
    CU_ASSERT_EQUAL(fx->nev, 2);
    CU_ASSERT_TRUE(is_event(1, EV_USE, 1));

    fx->nev = 0;
    set_flags(PCI_MSIX_FLAGS_MASKALL, 0);
    CU_ASSERT_EQUAL(fx->nev, 1);
    CU_ASSERT_TRUE(is_event(0, EV_RELEASE, 1));
    set_flags(0, PCI_MSIX_FLAGS_MASKALL);
    CU_ASSERT_EQUAL(fx->nev, 2);
    CU_ASSERT_TRUE(is_event(1, EV_USE, 1));

    fx->nev = 0;
    set_flags(0, PCI_MSIX_FLAGS_ENABLE);
    CU_ASSERT_EQUAL(fx->nev, 1);
    CU_ASSERT_TRUE(is_event(0, EV_RELEASE, 1));
    set_flags(PCI_MSIX_FLAGS_ENABLE, 0);
    CU_ASSERT_EQUAL(fx->nev, 2);
    CU_ASSERT_TRUE(is_event(1, EV_USE, 1));
    fixture_teardown();
}

/* A live vector's new address or data is told with a new use. */
static void test_message_change(void)
{
    fixture_setup();
    set_entry(3, 0xfee00000, 0x61, false);
    install();
    fx->nev = 0;
    bar_writel(3 * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_DATA, 0x62);
    CU_ASSERT_EQUAL(fx->nev, 1);
    CU_ASSERT_TRUE(is_event(0, EV_USE, 3));
    CU_ASSERT_EQUAL(fx->ev[0].data, 0x62);
    /* The same value again: nothing changed. */
    bar_writel(3 * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_DATA, 0x62);
    CU_ASSERT_EQUAL(fx->nev, 1);
    /* A masked vector's message change waits for the unmask. */
    mask_entry(3, true);
    bar_writel(3 * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_DATA, 0x63);
    CU_ASSERT_EQUAL(fx->nev, 2);
    CU_ASSERT_TRUE(is_event(1, EV_RELEASE, 3));
    mask_entry(3, false);
    CU_ASSERT_TRUE(is_event(2, EV_USE, 3));
    CU_ASSERT_EQUAL(fx->ev[2].data, 0x63);
    fixture_teardown();
}

/* Masked: the message waits in the PBA; the unmask uses, then sends. */
static void test_pending_after_use(void)
{
    fixture_setup();
    set_entry(2, 0xfee00000, 0x71, true);
    install();
    CU_ASSERT_EQUAL(fx->nev, 0);
    msix_notify(fx->dev, 2);
    CU_ASSERT_EQUAL(fx->nev, 0);
    CU_ASSERT_TRUE(msix_is_pending(fx->dev, 2));
    CU_ASSERT_EQUAL(bar_readl(PBA_OFFSET), 1u << 2);
    mask_entry(2, false);
    CU_ASSERT_EQUAL(fx->nev, 2);
    CU_ASSERT_TRUE(is_event(0, EV_USE, 2));
    CU_ASSERT_TRUE(is_event(1, EV_MSI, 0));
    CU_ASSERT_EQUAL(fx->ev[1].addr, 0xfee00000);
    CU_ASSERT_EQUAL(fx->ev[1].data, 0x71);
    CU_ASSERT_FALSE(msix_is_pending(fx->dev, 2));
    fixture_teardown();
}

/* A PBA read asks the poll notifier first, which may set pending bits. */
static void test_poll_on_pba_read(void)
{
    fixture_setup();
    set_entry(1, 0xfee00000, 0x81, true);
    install();
    fx->polls = 0;
    fx->poll_sets = 1;
    CU_ASSERT_EQUAL(bar_readl(PBA_OFFSET), 1u << 1);
    CU_ASSERT_EQUAL(fx->polls, 1);
    fixture_teardown();
}

/* A use that fails undoes the install: nothing is left behind. */
static void test_use_failure(void)
{
    fixture_setup();
    set_entry(0, 0xfee00000, 0x91, false);
    set_entry(1, 0xfee00000, 0x92, false);
    fx->fail_use = 1;
    CU_ASSERT_EQUAL(
        msix_set_vector_notifiers(fx->dev, rec_use, rec_release, rec_poll),
        -EBUSY);
    CU_ASSERT_EQUAL(fx->nev, 2);
    CU_ASSERT_TRUE(is_event(0, EV_USE, 0));
    CU_ASSERT_TRUE(is_event(1, EV_RELEASE, 0));
    /* Not installed: masking calls nothing, and it can be set again. */
    mask_entry(0, true);
    CU_ASSERT_EQUAL(fx->nev, 2);
    fx->fail_use = -1;
    install();
    msix_unset_vector_notifiers(fx->dev);
    fixture_teardown();
}

/* The bus's reset turns MSI-X off: live vectors are released. */
static void test_reset_releases(void)
{
    fixture_setup();
    set_entry(0, 0xfee00000, 0xa1, false);
    install();
    fx->nev = 0;
    device_cold_reset(DEVICE(fx->dev));
    CU_ASSERT_EQUAL(fx->nev, 1);
    CU_ASSERT_TRUE(is_event(0, EV_RELEASE, 0));
    CU_ASSERT_FALSE(msix_enabled(fx->dev));
    msix_unset_vector_notifiers(fx->dev);
    CU_ASSERT_EQUAL(fx->nev, 1);
    fixture_teardown();
}

UNIT_SUITE(msix, NULL, NULL, UNIT_TEST(test_install_uses_live_vectors),
           UNIT_TEST(test_mask_unmask), UNIT_TEST(test_message_change),
           UNIT_TEST(test_pending_after_use), UNIT_TEST(test_poll_on_pba_read),
           UNIT_TEST(test_use_failure), UNIT_TEST(test_reset_releases))
