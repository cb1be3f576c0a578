/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82371SB PIIX3 PCI-to-ISA bridge, function 0 (datasheet 290550):
 * the PIRQ route control registers that steer PCI INTA-INTD onto ISA IRQs,
 * and the reset control register at port 0xCF9.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/core/machine.h"
#include "hw/core/sysbus.h"
#include "hw/pci-host/i440fx.h"

#define PIIX3_RCR_PORT 0xcf9
#define PIIX3_RCR_SRST 0x02 /* system reset (vs. CPU only) */
#define PIIX3_RCR_RST  0x04 /* start the reset */
#define ISA_NUM_IRQS   16

OBJECT_DECLARE_SIMPLE_TYPE(PIIX3State, PIIX3_DEVICE)

struct PIIX3State {
    PCIDevice parent_obj;
    MemoryRegion rcr_mr;
    uint8_t rcr;
    int pirq_level[PIIX_NUM_PIRQS];
    int isa_level[ISA_NUM_IRQS]; /* what we drive each ISA line to */
};

/* ---- PIRQ routing ---- */

int piix3_pci_slot_get_pirq(int devfn, int intx)
{
    return (intx + PCI_SLOT(devfn) - 1) & 3;
}

static int piix3_map_irq(PCIDevice *dev, int intx)
{
    return piix3_pci_slot_get_pirq(dev->devfn, intx);
}

/* Drive every ISA line some enabled PIRQ is routed to. */
static void piix3_update_irqs(PIIX3State *s)
{
    PCIDevice *pd = PCI_DEVICE(s);
    MachineState *ms = qdev_get_machine(DEVICE(s));
    int level[ISA_NUM_IRQS] = {0};
    bool routed[ISA_NUM_IRQS] = {false};

    for (int p = 0; p < PIIX_NUM_PIRQS; p++) {
        uint8_t route = pd->config[PIIX_PIRQRC + p];

        if (route & PIIX_PIRQRC_DISABLE || (route & 0xf) >= ISA_NUM_IRQS) {
            continue;
        }
        routed[route & 0xf] = true;
        level[route & 0xf] |= s->pirq_level[p];
    }
    for (int irq = 0; irq < ISA_NUM_IRQS; irq++) {
        if ((routed[irq] || s->isa_level[irq]) &&
            level[irq] != s->isa_level[irq]) {
            s->isa_level[irq] = level[irq];
            kemu_log_mask(LOG_INT, "piix3: ISA IRQ %d -> %d\n", irq,
                          level[irq]);
            if (ms->sysbus && irq < ms->sysbus->num_irqs) {
                qemu_set_irq(ms->sysbus->irqs[irq], level[irq]);
            }
        }
    }
}

static void piix3_set_irq(void *opaque, int pirq, int level)
{
    PIIX3State *s = opaque;

    s->pirq_level[pirq] = level;
    piix3_update_irqs(s);
}

/* ---- Registers ---- */

static void piix3_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                               int len)
{
    pci_default_write_config(dev, addr, val, len);
    if (addr < PIIX_PIRQRC + PIIX_NUM_PIRQS && addr + len > PIIX_PIRQRC) {
        piix3_update_irqs(PIIX3_DEVICE(dev));
    }
}

static uint64_t rcr_read(void *opaque, hwaddr addr, unsigned size)
{
    return PIIX3_DEVICE(opaque)->rcr;
}

static void rcr_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PIIX3State *s = opaque;

    if (val & PIIX3_RCR_RST) {
        machine_request_reset(qdev_get_machine(DEVICE(s)), "guest-reset", true);
        return;
    }
    s->rcr = val & PIIX3_RCR_SRST;
}

static const MemoryRegionOps rcr_ops = {
    .read = rcr_read,
    .write = rcr_write,
    .valid = {.min_access_size = 1, .max_access_size = 1},
};

/* ---- Lifecycle ---- */

static void piix3_realize(PCIDevice *dev, Error **errp)
{
    PIIX3State *s = PIIX3_DEVICE(dev);
    MachineState *ms = qdev_get_machine(DEVICE(dev));

    for (int p = 0; p < PIIX_NUM_PIRQS; p++) {
        dev->wmask[PIIX_PIRQRC + p] = 0x8f;
    }
    pci_bus_irqs(dev->bus, piix3_set_irq, piix3_map_irq, s, PIIX_NUM_PIRQS);
    memory_region_init_io(&s->rcr_mr, s, &rcr_ops, s, "piix3-reset-control", 1);
    /* Above the host bridge's 0xCF8 dword, as on the real board. */
    memory_region_add_subregion_overlap(ms->system_io, PIIX3_RCR_PORT,
                                        &s->rcr_mr, 1);
}

static void piix3_exit(PCIDevice *dev)
{
    PIIX3State *s = PIIX3_DEVICE(dev);

    memory_region_del_subregion(qdev_get_machine(DEVICE(dev))->system_io,
                                &s->rcr_mr);
    memory_region_destroy(&s->rcr_mr);
}

/*
 * With no firmware to program the routing, reset leaves it as SeaBIOS
 * would: A,B -> IRQ 10, C,D -> IRQ 11 (the ACPI tables say the same).
 */
static void piix3_reset(DeviceState *dev)
{
    static const uint8_t routes[PIIX_NUM_PIRQS] = {
        PIIX3_DEFAULT_PIRQ_A, PIIX3_DEFAULT_PIRQ_B, PIIX3_DEFAULT_PIRQ_C,
        PIIX3_DEFAULT_PIRQ_D};
    PIIX3State *s = PIIX3_DEVICE(dev);
    PCIDevice *pd = PCI_DEVICE(dev);

    for (int p = 0; p < PIIX_NUM_PIRQS; p++) {
        pd->config[PIIX_PIRQRC + p] = routes[p];
        s->pirq_level[p] = 0;
    }
    s->rcr = 0;
    piix3_update_irqs(s);
}

static void piix3_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = piix3_realize;
    pc->exit = piix3_exit;
    pc->config_write = piix3_write_config;
    pc->vendor_id = PCI_VENDOR_ID_INTEL;
    pc->device_id = PCI_DEVICE_ID_INTEL_82371SB_0;
    pc->class_id = PCI_CLASS_BRIDGE_ISA;
    pc->is_bridge = true;
    dc->reset = piix3_reset; /* the PCI part is the bus's */
    dc->desc = "ISA bridge";
    dc->categories = 1ul << DEVICE_CATEGORY_BRIDGE;
    dc->hotpluggable = false; /* part of the chipset */
}

static const TypeInfo piix3_types[] = {
    {
        .name = TYPE_PIIX3_DEVICE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PIIX3State),
        .class_init = piix3_class_init,
    },
};

DEFINE_TYPES(piix3_types)
