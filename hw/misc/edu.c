/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * edu: QEMU's educational PCI device (1234:11e8), the worked example of
 * docs/devel/pci-device.md, which holds this file verbatim.  One 1 MiB
 * memory BAR: an ID register, a liveness check, a factorial, interrupts
 * raised by the guest or on completion (MSI when enabled, else INTA), and
 * a DMA engine between guest RAM and a 4 KiB buffer, finished by a timer.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "util/timer.h"
#include "hw/core/machine.h"
#include "hw/pci/pci.h"
#include "hw/pci/msi.h"

#define TYPE_PCI_EDU_DEVICE "edu"
OBJECT_DECLARE_SIMPLE_TYPE(EduState, PCI_EDU_DEVICE)

#define EDU_VENDOR_ID 0x1234
#define EDU_DEVICE_ID 0x11e8
#define EDU_REVISION  0x10
#define EDU_MMIO_SIZE (1 * MiB)
#define EDU_ID        0x010000edu /* major 1, minor 0 */
#define EDU_DMA_START 0x40000     /* the buffer, as the DMA engine sees it */
#define EDU_DMA_SIZE  4096
#define EDU_DMA_DELAY (100 * SCALE_US) /* virtual time a transfer takes */
#define EDU_FACT_IRQ  0x00000001u      /* irq status bit: factorial done */
#define EDU_DMA_IRQ   0x00000100u      /* irq status bit: DMA done */

/* Registers (offsets in BAR 0). */
#define EDU_REG_ID         0x00
#define EDU_REG_LIVENESS   0x04 /* reads back the inverse of the last write */
#define EDU_REG_FACTORIAL  0x08 /* write n, read n! */
#define EDU_REG_STATUS     0x20
#define EDU_STATUS_IRQFACT 0x80 /* raise EDU_FACT_IRQ after a factorial */
#define EDU_REG_IRQ_STATUS 0x24
#define EDU_REG_IRQ_RAISE  0x60
#define EDU_REG_IRQ_ACK    0x64
#define EDU_REG_DMA_SRC    0x80
#define EDU_REG_DMA_DST    0x88
#define EDU_REG_DMA_COUNT  0x90
#define EDU_REG_DMA_CMD    0x98
#define EDU_DMA_RUN        0x1 /* set by the guest, cleared when done */
#define EDU_DMA_TO_RAM     0x2 /* 0: RAM -> buffer, 1: buffer -> RAM */
#define EDU_DMA_IRQ_EN     0x4 /* raise EDU_DMA_IRQ when done */

struct EduState {
    PCIDevice parent_obj;
    MemoryRegion mmio;
    KemuClocks *clocks; /* the machine's */
    KemuTimer *dma_timer;
    uint64_t dma_mask; /* property: the RAM addresses the engine reaches */
    uint32_t liveness;
    uint32_t factorial;
    uint32_t status;
    uint32_t irq_status;
    uint64_t dma_src, dma_dst, dma_count, dma_cmd;
    uint8_t dma_buf[EDU_DMA_SIZE];
};

/* ---- Interrupts ---- */

/* MSI when the guest enabled it (an edge per event), else INTA (a level). */
static void edu_raise_irq(EduState *s, uint32_t bits)
{
    PCIDevice *pd = PCI_DEVICE(s);

    s->irq_status |= bits;
    if (msi_enabled(pd)) {
        msi_notify(pd, 0);
    } else if (s->irq_status) {
        pci_set_irq(pd, 1);
    }
}

static void edu_lower_irq(EduState *s, uint32_t bits)
{
    s->irq_status &= ~bits;
    if (!s->irq_status && !msi_enabled(PCI_DEVICE(s))) {
        pci_set_irq(PCI_DEVICE(s), 0);
    }
}

/* ---- Compute and DMA ---- */

static uint32_t edu_factorial(uint32_t n)
{
    uint32_t f = 1;

    while (n > 1) {
        f *= n--; /* wraps modulo 2^32, as on the real card */
    }
    return f;
}

/* The buffer side of a transfer: offset into dma_buf, or -1 if outside. */
static int64_t edu_buf_offset(uint64_t addr, uint64_t count)
{
    if (addr < EDU_DMA_START || count > EDU_DMA_SIZE ||
        addr - EDU_DMA_START > EDU_DMA_SIZE - count) {
        return -1;
    }
    return addr - EDU_DMA_START;
}

/* The timer: the transfer the guest started EDU_DMA_DELAY ago ends now. */
static void edu_dma_done(void *opaque)
{
    EduState *s = opaque;
    PCIDevice *pd = PCI_DEVICE(s);
    bool to_ram = s->dma_cmd & EDU_DMA_TO_RAM;
    uint64_t ram = to_ram ? s->dma_dst : s->dma_src;
    int64_t off =
        edu_buf_offset(to_ram ? s->dma_src : s->dma_dst, s->dma_count);
    MemTxResult r = MEMTX_DECODE_ERROR;

    if (off < 0 || (ram & ~s->dma_mask)) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "edu: DMA of %" PRIu64 " bytes out of range\n",
                      s->dma_count);
    } else if (to_ram) {
        r = pci_dma_write(pd, ram, s->dma_buf + off, s->dma_count);
    } else {
        r = pci_dma_read(pd, ram, s->dma_buf + off, s->dma_count);
    }
    s->dma_cmd &= ~EDU_DMA_RUN;
    /* A refused transfer (bus mastering off, not RAM) raises nothing. */
    if (r == MEMTX_OK && (s->dma_cmd & EDU_DMA_IRQ_EN)) {
        edu_raise_irq(s, EDU_DMA_IRQ);
    }
}

/* ---- Registers ---- */

static uint64_t edu_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    EduState *s = opaque;

    switch (addr) {
    case EDU_REG_ID:
        return EDU_ID;
    case EDU_REG_LIVENESS:
        return s->liveness;
    case EDU_REG_FACTORIAL:
        return s->factorial;
    case EDU_REG_STATUS:
        return s->status;
    case EDU_REG_IRQ_STATUS:
        return s->irq_status;
    case EDU_REG_DMA_SRC:
        return s->dma_src;
    case EDU_REG_DMA_DST:
        return s->dma_dst;
    case EDU_REG_DMA_COUNT:
        return s->dma_count;
    case EDU_REG_DMA_CMD:
        return s->dma_cmd;
    }
    return ~0ull;
}

static void edu_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    EduState *s = opaque;

    /* Below the DMA registers only 32-bit accesses mean anything. */
    if (addr < EDU_REG_DMA_SRC && size != 4) {
        return;
    }
    switch (addr) {
    case EDU_REG_LIVENESS:
        s->liveness = ~val;
        break;
    case EDU_REG_FACTORIAL:
        s->factorial = edu_factorial(val);
        if (s->status & EDU_STATUS_IRQFACT) {
            edu_raise_irq(s, EDU_FACT_IRQ);
        }
        break;
    case EDU_REG_STATUS:
        s->status = val & EDU_STATUS_IRQFACT;
        break;
    case EDU_REG_IRQ_RAISE:
        edu_raise_irq(s, val);
        break;
    case EDU_REG_IRQ_ACK:
        edu_lower_irq(s, val);
        break;
    case EDU_REG_DMA_SRC:
        s->dma_src = val;
        break;
    case EDU_REG_DMA_DST:
        s->dma_dst = val;
        break;
    case EDU_REG_DMA_COUNT:
        s->dma_count = val;
        break;
    case EDU_REG_DMA_CMD:
        if ((val & EDU_DMA_RUN) && !(s->dma_cmd & EDU_DMA_RUN)) {
            s->dma_cmd = val & (EDU_DMA_RUN | EDU_DMA_TO_RAM | EDU_DMA_IRQ_EN);
            timer_mod(s->dma_timer,
                      clock_get_ns(s->clocks, QEMU_CLOCK_VIRTUAL) +
                          EDU_DMA_DELAY);
        }
        break;
    default:
        kemu_log_mask(LOG_GUEST_ERROR, "edu: write to 0x%" PRIx64 "\n",
                      (uint64_t)addr);
    }
}

static const MemoryRegionOps edu_mmio_ops = {
    .read = edu_mmio_read,
    .write = edu_mmio_write,
    .valid = {.min_access_size = 4, .max_access_size = 8},
    .impl = {.min_access_size = 4, .max_access_size = 8},
};

/* ---- Realize, exit, reset ---- */

static void edu_realize(PCIDevice *pd, Error **errp)
{
    EduState *s = PCI_EDU_DEVICE(pd);
    MachineState *ms = qdev_get_machine(DEVICE(pd));

    if (!ms || !ms->clocks) {
        error_setg(errp, "edu: the machine has no clocks");
        return;
    }
    pd->config[PCI_INTERRUPT_PIN] = 1; /* INTA */
    if (msi_init(pd, 0, 1, true, false, errp) < 0) {
        return;
    }
    memory_region_init_io(&s->mmio, s, &edu_mmio_ops, s, "edu-mmio",
                          EDU_MMIO_SIZE);
    pci_register_bar(pd, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->mmio);
    s->clocks = ms->clocks;
    s->dma_timer =
        timer_new_ns(ms->clocks, QEMU_CLOCK_VIRTUAL, edu_dma_done, s);
}

static void edu_exit(PCIDevice *pd)
{
    EduState *s = PCI_EDU_DEVICE(pd);

    timer_free(s->dma_timer);
    s->dma_timer = NULL;
    memory_region_destroy(&s->mmio);
}

/* The device's own state; the PCI part (BARs, MSI, INTx) is the bus's. */
static void edu_reset(DeviceState *dev)
{
    EduState *s = PCI_EDU_DEVICE(dev);

    timer_del(s->dma_timer);
    s->liveness = 0;
    s->factorial = 0;
    s->status = 0;
    s->irq_status = 0;
    s->dma_src = s->dma_dst = s->dma_count = s->dma_cmd = 0;
    memset(s->dma_buf, 0, sizeof(s->dma_buf));
}

/* ---- Properties and type ---- */

static const Property edu_props[] = {
    DEFINE_PROP_UINT64("dma_mask", EduState, dma_mask, (1ull << 28) - 1),
    DEFINE_PROP_END_OF_LIST(),
};

static void edu_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = edu_realize;
    pc->exit = edu_exit;
    pc->vendor_id = EDU_VENDOR_ID;
    pc->device_id = EDU_DEVICE_ID;
    pc->revision = EDU_REVISION;
    pc->class_id = PCI_CLASS_OTHERS;
    dc->reset = edu_reset;
    dc->desc = "QEMU's educational PCI device";
    dc->categories = 1ul << DEVICE_CATEGORY_MISC;
    dc->user_creatable = true;
    device_class_set_props(dc, edu_props);
}

static const TypeInfo edu_types[] = {
    {
        .name = TYPE_PCI_EDU_DEVICE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(EduState),
        .class_init = edu_class_init,
    },
};

DEFINE_TYPES(edu_types)
