/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI core unit tests: config space masks, BAR sizing and mapping that
 * follows the command register, the capability list, INTx routing with
 * INTX_DISABLE, MSI and MSI-X delivery with masking and pending bits, and
 * bus-master DMA that refuses non-RAM, reset (a device's own dc->reset
 * never loses the PCI part), and QEMU's return convention of msi_init,
 * msix_init and pci_add_capability.
 */
#include "util/osdep.h"
#include "hw/core/machine.h"
#include "hw/pci/pci.h"
#include "hw/pci/msi.h"
#include "hw/pci/msix.h"
#include "tests/unit/unit.h"

#define TYPE_TEST_PCI "test-pci-device"
OBJECT_DECLARE_SIMPLE_TYPE(TestPCIState, TEST_PCI)

#define TEST_BAR0_SIZE    0x1000
#define TEST_BAR1_SIZE    0x20
#define TEST_MSIX_VECTORS 4

struct TestPCIState {
    PCIDevice parent_obj;
    MemoryRegion mmio;
    MemoryRegion io;
    uint32_t reg;
    int resets;       /* by its own dc->reset */
    int child_resets; /* by test-pci-child's, before the parent's */
};

static uint64_t test_reg_read(void *opaque, hwaddr addr, unsigned size)
{
    return TEST_PCI(opaque)->reg + addr;
}

static void test_reg_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    TEST_PCI(opaque)->reg = val;
}

static const MemoryRegionOps test_reg_ops = {
    .read = test_reg_read,
    .write = test_reg_write,
    .valid = {.min_access_size = 4, .max_access_size = 4},
};

static void test_pci_realize(PCIDevice *dev, Error **errp)
{
    TestPCIState *s = TEST_PCI(dev);

    dev->config[PCI_INTERRUPT_PIN] = 1;
    memory_region_init_io(&s->mmio, s, &test_reg_ops, s, "test-mmio",
                          TEST_BAR0_SIZE);
    memory_region_init_io(&s->io, s, &test_reg_ops, s, "test-io",
                          TEST_BAR1_SIZE);
    pci_register_bar(dev, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->mmio);
    pci_register_bar(dev, 1, PCI_BASE_ADDRESS_SPACE_IO, &s->io);
    if (msi_init(dev, 0, 4, true, true, errp) < 0) {
        return;
    }
    msix_init_exclusive_bar(dev, TEST_MSIX_VECTORS, 2, errp);
}

static void test_pci_exit(PCIDevice *dev)
{
    TestPCIState *s = TEST_PCI(dev);

    memory_region_destroy(&s->mmio);
    memory_region_destroy(&s->io);
}

/* A device's own reset, set as qom.md says: dc->reset = ... */
static void test_pci_reset(DeviceState *dev)
{
    TEST_PCI(dev)->reg = 0;
    TEST_PCI(dev)->resets++;
}

static void test_pci_class_init(ObjectClass *oc, void *data)
{
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    DEVICE_CLASS(oc)->reset = test_pci_reset;
    pc->realize = test_pci_realize;
    pc->exit = test_pci_exit;
    pc->vendor_id = 0x1234;
    pc->device_id = 0x5678;
    pc->class_id = PCI_CLASS_OTHERS;
}

/* A subclass that extends its parent's reset the one documented way. */
#define TYPE_TEST_PCI_CHILD "test-pci-child"

typedef struct TestPCIChildClass {
    PCIDeviceClass parent_class;
    DeviceReset parent_reset;
} TestPCIChildClass;

static void test_pci_child_reset(DeviceState *dev)
{
    TestPCIChildClass *k = (TestPCIChildClass *)object_get_class(OBJECT(dev));

    /* Counted before the parent's: resets is still the old value. */
    TEST_PCI(dev)->child_resets = TEST_PCI(dev)->resets + 1;
    k->parent_reset(dev);
}

static void test_pci_child_class_init(ObjectClass *oc, void *data)
{
    TestPCIChildClass *k = (TestPCIChildClass *)oc;

    device_class_set_parent_reset(DEVICE_CLASS(oc), test_pci_child_reset,
                                  &k->parent_reset);
}

static const TypeInfo test_pci_types[] = {
    {
        .name = TYPE_TEST_PCI,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(TestPCIState),
        .class_init = test_pci_class_init,
    },
    {
        .name = TYPE_TEST_PCI_CHILD,
        .parent = TYPE_TEST_PCI,
        .class_size = sizeof(TestPCIChildClass),
        .class_init = test_pci_child_class_init,
    },
};

DEFINE_TYPES(test_pci_types)

/* ---- A bus with memory, I/O, RAM and recorders ---- */

#define RAM_SIZE 0x10000

typedef struct Fixture {
    MachineState ms; /* only accel is used by the PCI core */
    AccelOps accel;
    MemoryRegion mem, io, ram;
    AddressSpace as_mem, as_io;
    PCIBus *bus;
    PCIDevice *dev;
    int line_level[4];
    int line_changes;
    uint64_t msi_addr[16];
    uint32_t msi_data[16];
    int msis;
} Fixture;

/* The test owns one fixture at a time. */
static Fixture *fx;

static void rec_set_irq(void *opaque, int n, int level)
{
    fx->line_level[n] = level;
    fx->line_changes++;
}

static int rec_map_irq(PCIDevice *dev, int intx)
{
    return (intx + PCI_SLOT(dev->devfn)) & 3;
}

static void rec_send_msi(MachineState *ms, uint64_t addr, uint32_t data)
{
    fx->msi_addr[fx->msis] = addr;
    fx->msi_data[fx->msis] = data;
    fx->msis++;
}

static void fixture_setup(int devfn)
{
    Error *err = NULL;

    fx = g_new0(Fixture, 1);
    fx->accel.send_msi = rec_send_msi;
    fx->ms.accel = &fx->accel;
    memory_region_init(&fx->mem, NULL, "mem", UINT64_MAX);
    memory_region_init(&fx->io, NULL, "io", 0x10000);
    memory_region_init_ram(&fx->ram, NULL, "ram", RAM_SIZE, &error_abort);
    memory_region_add_subregion(&fx->mem, 0, &fx->ram);
    address_space_init(&fx->as_mem, &fx->mem, "mem");
    address_space_init(&fx->as_io, &fx->io, "io");
    fx->bus = pci_root_bus_new(&fx->ms, NULL, "pci.0", &fx->mem, &fx->io,
                               &fx->as_mem);
    pci_bus_irqs(fx->bus, rec_set_irq, rec_map_irq, NULL, 4);
    fx->dev = PCI_DEVICE(object_new(TYPE_TEST_PCI));
    fx->dev->devfn = devfn;
    CU_ASSERT_TRUE_FATAL(qdev_realize(DEVICE(fx->dev), BUS(fx->bus), &err));
}

static void fixture_teardown(void)
{
    qdev_unrealize(DEVICE(fx->dev));
    object_unref(fx->dev);
    object_unref(fx->bus);
    address_space_destroy(&fx->as_mem);
    address_space_destroy(&fx->as_io);
    memory_region_destroy(&fx->ram);
    memory_region_destroy(&fx->mem);
    memory_region_destroy(&fx->io);
    g_free(fx);
    fx = NULL;
}

static uint32_t cfg_read(uint32_t addr, int len)
{
    return pci_bus_config_read(fx->bus, fx->dev->devfn, addr, len);
}

static void cfg_write(uint32_t addr, uint32_t val, int len)
{
    pci_bus_config_write(fx->bus, fx->dev->devfn, addr, val, len);
}

/* ---- Tests ---- */

static void test_header_and_masks(void)
{
    fixture_setup(PCI_DEVFN(3, 0));
    CU_ASSERT_EQUAL(cfg_read(PCI_VENDOR_ID, 2), 0x1234);
    CU_ASSERT_EQUAL(cfg_read(PCI_DEVICE_ID, 2), 0x5678);
    CU_ASSERT_EQUAL(cfg_read(PCI_VENDOR_ID, 4), 0x56781234);
    /* Read-only fields ignore writes. */
    cfg_write(PCI_VENDOR_ID, 0xffff, 2);
    CU_ASSERT_EQUAL(cfg_read(PCI_VENDOR_ID, 2), 0x1234);
    /* Interrupt line is plain storage. */
    cfg_write(PCI_INTERRUPT_LINE, 0x0b, 1);
    CU_ASSERT_EQUAL(cfg_read(PCI_INTERRUPT_LINE, 1), 0x0b);
    /* An empty slot reads all ones. */
    CU_ASSERT_EQUAL(pci_bus_config_read(fx->bus, PCI_DEVFN(9, 0), 0, 4),
                    0xffffffffu);
    CU_ASSERT_EQUAL(pci_bus_config_read(fx->bus, PCI_DEVFN(9, 0), 0, 2),
                    0xffff);
    fixture_teardown();
}

static void test_bar_sizing_and_mapping(void)
{
    uint64_t val = 0;

    fixture_setup(PCI_DEVFN(3, 0));
    /* Sizing: all ones in, size mask out (type bits kept). */
    cfg_write(PCI_BASE_ADDRESS_0, 0xffffffff, 4);
    CU_ASSERT_EQUAL(cfg_read(PCI_BASE_ADDRESS_0, 4),
                    (uint32_t) ~(TEST_BAR0_SIZE - 1));
    cfg_write(PCI_BASE_ADDRESS_0 + 4, 0xffffffff, 4);
    CU_ASSERT_EQUAL(cfg_read(PCI_BASE_ADDRESS_0 + 4, 4),
                    (uint32_t)(~(TEST_BAR1_SIZE - 1) & 0xffff) |
                        PCI_BASE_ADDRESS_SPACE_IO);
    /* Placed but decoding off: nothing mapped. */
    cfg_write(PCI_BASE_ADDRESS_0, 0xfe000000, 4);
    cfg_write(PCI_BASE_ADDRESS_0 + 4, 0xc000, 4);
    CU_ASSERT_EQUAL(pci_get_bar_addr(fx->dev, 0), PCI_BAR_UNMAPPED);
    CU_ASSERT_NOT_EQUAL(
        address_space_dispatch_io(&fx->as_mem, 0xfe000000, &val, 4, false),
        MEMTX_OK);
    /* Memory decoding on: BAR0 answers, BAR1 (I/O) still off. */
    cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    CU_ASSERT_EQUAL(pci_get_bar_addr(fx->dev, 0), 0xfe000000);
    CU_ASSERT_EQUAL(pci_get_bar_addr(fx->dev, 1), PCI_BAR_UNMAPPED);
    TEST_PCI(fx->dev)->reg = 0x100;
    CU_ASSERT_EQUAL(
        address_space_dispatch_io(&fx->as_mem, 0xfe000008, &val, 4, false),
        MEMTX_OK);
    CU_ASSERT_EQUAL(val, 0x108);
    cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_IO, 2);
    CU_ASSERT_EQUAL(pci_get_bar_addr(fx->dev, 1), 0xc000);
    CU_ASSERT_EQUAL(
        address_space_dispatch_io(&fx->as_io, 0xc004, &val, 4, false),
        MEMTX_OK);
    CU_ASSERT_EQUAL(val, 0x104);
    /* Moving the BAR moves the registers. */
    cfg_write(PCI_BASE_ADDRESS_0, 0xfd000000, 4);
    CU_ASSERT_EQUAL(pci_get_bar_addr(fx->dev, 0), 0xfd000000);
    CU_ASSERT_EQUAL(
        address_space_dispatch_io(&fx->as_mem, 0xfd000000, &val, 4, false),
        MEMTX_OK);
    /* Reset turns decoding off and clears the BARs. */
    device_cold_reset(DEVICE(fx->dev));
    CU_ASSERT_EQUAL(cfg_read(PCI_COMMAND, 2), 0);
    CU_ASSERT_EQUAL(cfg_read(PCI_BASE_ADDRESS_0, 4), 0);
    CU_ASSERT_EQUAL(pci_get_bar_addr(fx->dev, 0), PCI_BAR_UNMAPPED);
    fixture_teardown();
}

static void test_capability_list(void)
{
    uint8_t off, ids[4];
    int n = 0;

    fixture_setup(PCI_DEVFN(3, 0));
    CU_ASSERT_TRUE(cfg_read(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
    for (off = cfg_read(PCI_CAPABILITY_LIST, 1); off && n < 4;
         off = cfg_read(off + 1, 1)) {
        CU_ASSERT_TRUE(off >= PCI_CONFIG_HEADER_SIZE);
        ids[n++] = cfg_read(off, 1);
    }
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(ids[0], PCI_CAP_ID_MSIX);
    CU_ASSERT_EQUAL(ids[1], PCI_CAP_ID_MSI);
    CU_ASSERT_EQUAL(pci_find_capability(fx->dev, PCI_CAP_ID_MSI),
                    fx->dev->msi_cap);
    CU_ASSERT_EQUAL(pci_find_capability(fx->dev, PCI_CAP_ID_PM), 0);
    fixture_teardown();
}

static void test_intx_routing(void)
{
    fixture_setup(PCI_DEVFN(3, 0));
    pci_irq_assert(fx->dev);
    /* INTA of slot 3 -> line (0 + 3) & 3 = 3 */
    CU_ASSERT_EQUAL(fx->line_level[3], 1);
    CU_ASSERT_TRUE(cfg_read(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
    /* INTX_DISABLE masks the line but keeps the status bit. */
    cfg_write(PCI_COMMAND, PCI_COMMAND_INTX_DISABLE, 2);
    CU_ASSERT_EQUAL(fx->line_level[3], 0);
    CU_ASSERT_TRUE(cfg_read(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
    cfg_write(PCI_COMMAND, 0, 2);
    CU_ASSERT_EQUAL(fx->line_level[3], 1);
    pci_irq_deassert(fx->dev);
    CU_ASSERT_EQUAL(fx->line_level[3], 0);
    CU_ASSERT_FALSE(cfg_read(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
    fixture_teardown();
}

static void test_msi(void)
{
    uint8_t cap;

    fixture_setup(PCI_DEVFN(3, 0));
    cap = fx->dev->msi_cap;
    msi_notify(fx->dev, 0); /* disabled: nothing */
    CU_ASSERT_EQUAL(fx->msis, 0);
    cfg_write(cap + PCI_MSI_ADDRESS_LO, 0xfee00000, 4);
    cfg_write(cap + PCI_MSI_ADDRESS_HI, 0, 4);
    cfg_write(cap + PCI_MSI_DATA_64, 0x4040, 2);
    /* Enable with 4 vectors (log2 = 2 in QSIZE). */
    cfg_write(cap + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE | (2 << 4), 2);
    CU_ASSERT_TRUE(msi_enabled(fx->dev));
    msi_notify(fx->dev, 2);
    CU_ASSERT_EQUAL_FATAL(fx->msis, 1);
    CU_ASSERT_EQUAL(fx->msi_addr[0], 0xfee00000);
    CU_ASSERT_EQUAL(fx->msi_data[0], 0x4042);
    /* Masked: pending, then delivered on unmask. */
    cfg_write(cap + PCI_MSI_MASK_64, 1 << 1, 4);
    msi_notify(fx->dev, 1);
    CU_ASSERT_EQUAL(fx->msis, 1);
    CU_ASSERT_EQUAL(cfg_read(cap + PCI_MSI_PENDING_64, 4), 1 << 1);
    cfg_write(cap + PCI_MSI_MASK_64, 0, 4);
    CU_ASSERT_EQUAL_FATAL(fx->msis, 2);
    CU_ASSERT_EQUAL(fx->msi_data[1], 0x4041);
    CU_ASSERT_EQUAL(cfg_read(cap + PCI_MSI_PENDING_64, 4), 0);
    fixture_teardown();
}

static void test_msix(void)
{
    uint8_t cap;
    uint64_t val;
    pcibus_t bar, pba;

    fixture_setup(PCI_DEVFN(3, 0));
    cap = fx->dev->msix_cap;
    /* The PBA where the capability says: BAR 2 (the BIR, bits 2:0) too. */
    pba = cfg_read(cap + PCI_MSIX_PBA, 4) & ~7u;
    CU_ASSERT_EQUAL(cfg_read(cap + PCI_MSIX_PBA, 4) & 7, 2);
    CU_ASSERT_EQUAL(cfg_read(cap + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_QSIZE,
                    TEST_MSIX_VECTORS - 1);
    CU_ASSERT_EQUAL(cfg_read(cap + PCI_MSIX_TABLE, 4), 2); /* BAR 2, off 0 */
    cfg_write(PCI_BASE_ADDRESS_0 + 8, 0xfe100000, 4);
    cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    bar = pci_get_bar_addr(fx->dev, 2);
    CU_ASSERT_EQUAL_FATAL(bar, 0xfe100000);
    /* Vectors come out of reset masked. */
    address_space_dispatch_io(&fx->as_mem, bar + 1 * 16 + 12, &val, 4, false);
    CU_ASSERT_EQUAL(val, PCI_MSIX_ENTRY_CTRL_MASKBIT);
    /* Program vector 1 and enable MSI-X. */
    val = 0xfee01000;
    address_space_dispatch_io(&fx->as_mem, bar + 16 + 0, &val, 4, true);
    val = 0;
    address_space_dispatch_io(&fx->as_mem, bar + 16 + 4, &val, 4, true);
    val = 0x31;
    address_space_dispatch_io(&fx->as_mem, bar + 16 + 8, &val, 4, true);
    cfg_write(cap + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE, 2);
    CU_ASSERT_TRUE(msix_enabled(fx->dev));
    /* Masked vector: pending bit in the PBA, no message. */
    msix_notify(fx->dev, 1);
    CU_ASSERT_EQUAL(fx->msis, 0);
    address_space_dispatch_io(&fx->as_mem, bar + pba, &val, 4, false);
    CU_ASSERT_EQUAL(val, 1 << 1);
    /* Unmask: the pending message goes out and the bit clears. */
    val = 0;
    address_space_dispatch_io(&fx->as_mem, bar + 16 + 12, &val, 4, true);
    CU_ASSERT_EQUAL_FATAL(fx->msis, 1);
    CU_ASSERT_EQUAL(fx->msi_addr[0], 0xfee01000);
    CU_ASSERT_EQUAL(fx->msi_data[0], 0x31);
    address_space_dispatch_io(&fx->as_mem, bar + pba, &val, 4, false);
    CU_ASSERT_EQUAL(val, 0);
    /* The function mask holds everything back. */
    cfg_write(cap + PCI_MSIX_FLAGS,
              PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 2);
    msix_notify(fx->dev, 1);
    CU_ASSERT_EQUAL(fx->msis, 1);
    cfg_write(cap + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE, 2);
    CU_ASSERT_EQUAL(fx->msis, 2);
    fixture_teardown();
}

static void test_dma(void)
{
    uint8_t buf[16] = "bus master data";
    uint8_t back[16];

    fixture_setup(PCI_DEVFN(3, 0));
    /* No bus mastering: refused. */
    CU_ASSERT_NOT_EQUAL(pci_dma_write(fx->dev, 0x100, buf, sizeof(buf)),
                        MEMTX_OK);
    cfg_write(PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    CU_ASSERT_EQUAL(pci_dma_write(fx->dev, 0x100, buf, sizeof(buf)), MEMTX_OK);
    CU_ASSERT_EQUAL(pci_dma_read(fx->dev, 0x100, back, sizeof(back)), MEMTX_OK);
    CU_ASSERT_EQUAL(memcmp(buf, back, sizeof(buf)), 0);
    /* Past the end of RAM, and overflowing: refused, nothing written. */
    CU_ASSERT_NOT_EQUAL(pci_dma_write(fx->dev, RAM_SIZE - 8, buf, sizeof(buf)),
                        MEMTX_OK);
    CU_ASSERT_NOT_EQUAL(
        pci_dma_read(fx->dev, UINT64_MAX - 4, back, sizeof(back)), MEMTX_OK);
    fixture_teardown();
}

static void test_slot_assignment(void)
{
    PCIDevice *second;
    Error *err = NULL;

    fixture_setup(PCI_DEVFN(0, 0));
    second = PCI_DEVICE(object_new(TYPE_TEST_PCI));
    /* Taken slot: refused with the owner named. */
    second->devfn = PCI_DEVFN(0, 0);
    CU_ASSERT_FALSE(qdev_realize(DEVICE(second), BUS(fx->bus), &err));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(error_get_pretty(err), "already taken by 'test-pci-device'"));
    error_free(err);
    /* Unset: the first free slot. */
    second->devfn = -1;
    CU_ASSERT_TRUE(qdev_realize(DEVICE(second), BUS(fx->bus), NULL));
    CU_ASSERT_EQUAL(second->devfn, PCI_DEVFN(1, 0));
    qdev_unrealize(DEVICE(second));
    object_unref(second);
    fixture_teardown();
}

static void test_addr_property(void)
{
    DeviceState *dev = DEVICE(object_new(TYPE_TEST_PCI));
    Error *err = NULL;

    CU_ASSERT_TRUE(object_property_parse(OBJECT(dev), "addr", "04.2", NULL));
    CU_ASSERT_EQUAL(PCI_DEVICE(dev)->devfn, PCI_DEVFN(4, 2));
    CU_ASSERT_TRUE(object_property_parse(OBJECT(dev), "addr", "1f", NULL));
    CU_ASSERT_EQUAL(PCI_DEVICE(dev)->devfn, PCI_DEVFN(0x1f, 0));
    CU_ASSERT_FALSE(object_property_parse(OBJECT(dev), "addr", "20", &err));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(error_get_pretty(err), "expected a PCI address"));
    error_free(err);
    err = NULL;
    CU_ASSERT_FALSE(object_property_parse(OBJECT(dev), "addr", "3.8", &err));
    error_free(err);
    object_unref(dev);
}

/*
 * The trap qom.md's example used to set: a PCI device whose class sets
 * dc->reset.  After a reset its own reset ran, and so did the PCI part:
 * decoding and bus mastering off, BARs unmapped, MSI off, INTx low and
 * working again.
 */
static void test_reset_keeps_pci_part(void)
{
    uint8_t cap;
    uint64_t val = 0;
    int resets;

    fixture_setup(PCI_DEVFN(3, 0));
    cap = fx->dev->msi_cap;
    resets = TEST_PCI(fx->dev)->resets;
    CU_ASSERT_EQUAL(resets, 1); /* realize ends with a reset */
    cfg_write(PCI_BASE_ADDRESS_0, 0xfe000000, 4);
    cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    cfg_write(cap + PCI_MSI_ADDRESS_LO, 0xfee00000, 4);
    cfg_write(cap + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE, 2);
    CU_ASSERT_EQUAL(pci_get_bar_addr(fx->dev, 0), 0xfe000000);
    CU_ASSERT_TRUE(msi_enabled(fx->dev));
    pci_irq_assert(fx->dev);
    CU_ASSERT_EQUAL(fx->line_level[3], 1);
    TEST_PCI(fx->dev)->reg = 7;

    device_cold_reset(DEVICE(fx->dev));
    CU_ASSERT_EQUAL(TEST_PCI(fx->dev)->resets, resets + 1);
    CU_ASSERT_EQUAL(TEST_PCI(fx->dev)->reg, 0);
    CU_ASSERT_EQUAL(cfg_read(PCI_COMMAND, 2), 0);
    CU_ASSERT_EQUAL(cfg_read(PCI_BASE_ADDRESS_0, 4), 0);
    CU_ASSERT_EQUAL(pci_get_bar_addr(fx->dev, 0), PCI_BAR_UNMAPPED);
    CU_ASSERT_NOT_EQUAL(
        address_space_dispatch_io(&fx->as_mem, 0xfe000000, &val, 4, false),
        MEMTX_OK);
    CU_ASSERT_FALSE(msi_enabled(fx->dev));
    CU_ASSERT_EQUAL(cfg_read(cap + PCI_MSI_ADDRESS_LO, 4), 0);
    CU_ASSERT_EQUAL(fx->line_level[3], 0);
    CU_ASSERT_FALSE(cfg_read(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
    /* INTx still reaches its line. */
    pci_irq_assert(fx->dev);
    CU_ASSERT_EQUAL(fx->line_level[3], 1);
    pci_irq_deassert(fx->dev);
    CU_ASSERT_EQUAL(fx->line_level[3], 0);
    fixture_teardown();
}

static void test_parent_reset(void)
{
    PCIDevice *dev = PCI_DEVICE(object_new(TYPE_TEST_PCI_CHILD));
    DeviceClass dc = {0};
    DeviceReset parent = NULL;

    dev->devfn = PCI_DEVFN(5, 0);
    fixture_setup(PCI_DEVFN(3, 0));
    CU_ASSERT_TRUE_FATAL(qdev_realize(DEVICE(dev), BUS(fx->bus), NULL));
    pci_bus_config_write(fx->bus, dev->devfn, PCI_COMMAND, PCI_COMMAND_MEMORY,
                         2);
    device_cold_reset(DEVICE(dev));
    /* Child first, then the parent's reset, then the PCI part. */
    CU_ASSERT_EQUAL(TEST_PCI(dev)->resets, 2);
    CU_ASSERT_EQUAL(TEST_PCI(dev)->child_resets, 2);
    CU_ASSERT_EQUAL(pci_get_word(dev->config + PCI_COMMAND), 0);
    qdev_unrealize(DEVICE(dev));
    object_unref(dev);
    fixture_teardown();
    /* A parent with no reset of its own leaves a hook safe to call. */
    device_class_set_parent_reset(&dc, test_pci_reset, &parent);
    CU_ASSERT_PTR_NOT_NULL_FATAL(parent);
    CU_ASSERT_PTR_EQUAL(dc.reset, test_pci_reset);
    parent(NULL);
}

/* QEMU's convention: 0 (or an offset) on success, a negative errno. */
static void test_init_return_convention(void)
{
    Error *err = NULL;
    uint8_t msix_cap;

    fixture_setup(PCI_DEVFN(3, 0));
    msix_cap = fx->dev->msix_cap;
    /* Over the MSI-X capability: refused. */
    CU_ASSERT_EQUAL(msi_init(fx->dev, msix_cap, 1, false, false, &err),
                    -EINVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(error_get_pretty(err), "overlaps"));
    error_free(err);
    err = NULL;
    CU_ASSERT_EQUAL(pci_add_capability(fx->dev, PCI_CAP_ID_PM, 0xfc, 8, &err),
                    -EINVAL);
    error_free(err);
    err = NULL;
    CU_ASSERT_EQUAL(msix_init_exclusive_bar(fx->dev, 0, 4, &err), -EINVAL);
    error_free(err);
    err = NULL;
    /* A free place: the offset, past the header. */
    CU_ASSERT_TRUE(pci_add_capability(fx->dev, PCI_CAP_ID_PM, 0, 8, NULL) >=
                   PCI_CONFIG_HEADER_SIZE);
    fixture_teardown();
}

UNIT_SUITE(pci, NULL, NULL, UNIT_TEST(test_reset_keeps_pci_part),
           UNIT_TEST(test_parent_reset), UNIT_TEST(test_init_return_convention),
           UNIT_TEST(test_header_and_masks),
           UNIT_TEST(test_bar_sizing_and_mapping),
           UNIT_TEST(test_capability_list), UNIT_TEST(test_intx_routing),
           UNIT_TEST(test_msi), UNIT_TEST(test_msix), UNIT_TEST(test_dma),
           UNIT_TEST(test_slot_assignment), UNIT_TEST(test_addr_property))
