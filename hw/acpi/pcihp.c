/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ACPI PCI hotplug registers (pcihp.h): the slot bitmaps the DSDT's GPE
 * handler reads, the eject register its _EJ0 methods write, and the
 * hotplug handler work behind device_add and device_del on the pc's root
 * bus.  Behaviour follows QEMU 7.2's pc with bridge support on (PCI_UP
 * clears when read, PCI_SEL is what the guest wrote).
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/core/hotplug.h"
#include "hw/acpi/pcihp.h"

bool acpi_pcihp_device_hotpluggable(PCIDevice *dev)
{
    return DEVICE_GET_CLASS(dev)->hotpluggable &&
           !PCI_DEVICE_GET_CLASS(dev)->is_bridge;
}

uint32_t acpi_pcihp_slots(PCIBus *bus)
{
    uint32_t slots = 0;

    for (int slot = 0; slot < 32; slot++) {
        PCIDevice *dev = bus->devices[PCI_DEVFN(slot, 0)];

        if (!dev || acpi_pcihp_device_hotpluggable(dev)) {
            slots |= 1u << slot;
        }
    }
    return slots;
}

/* Raise GPE0 bit 1 and with it the SCI (if the guest enabled the GPE). */
static void send_event(AcpiPciHpState *s)
{
    acpi_pm_gpe_set(s->pm, ACPI_PCIHP_GPE_BIT);
}

/* Slots whose present devices may all be removed (PCI_RMV). */
static uint32_t removable_slots(AcpiPciHpState *s)
{
    uint32_t slots = ~0u;

    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *dev = s->root->devices[devfn];

        if (dev && !acpi_pcihp_device_hotpluggable(dev)) {
            slots &= ~(1u << PCI_SLOT(devfn));
        }
    }
    return slots;
}

/*
 * The guest let go of the lowest slot in slots: its notices are done, and
 * every function there that may be removed goes.
 */
static void eject_slot(AcpiPciHpState *s, uint32_t slots)
{
    DeviceState *gone[8];
    int n = 0;
    int slot;

    if (!slots) {
        return;
    }
    slot = __builtin_ctz(slots);
    s->down &= ~(1u << slot);
    s->up &= ~(1u << slot);
    for (int fn = 0; fn < 8; fn++) {
        PCIDevice *dev = s->root->devices[PCI_DEVFN(slot, fn)];

        if (dev && acpi_pcihp_device_hotpluggable(dev)) {
            gone[n++] = DEVICE(dev);
        }
    }
    kemu_log_mask(LOG_INT, "acpi-pcihp: eject slot %d (%d functions)\n", slot,
                  n);
    for (int i = 0; i < n; i++) {
        qdev_unplug_complete(gone[i]);
    }
}

void acpi_pcihp_reset(AcpiPciHpState *s)
{
    while (s->down) {
        eject_slot(s, s->down);
    }
    s->up = 0;
    s->sel = ACPI_PCIHP_BSEL_ROOT;
    s->acpi_index = 0;
}

void acpi_pcihp_plug(AcpiPciHpState *s, DeviceState *dev, Error **errp)
{
    PCIDevice *pdev = PCI_DEVICE(dev);

    /* Devices present at start-up are found by enumeration. */
    if (!dev->hotplugged) {
        return;
    }
    if (pdev->bus != s->root) {
        error_setg(errp, "PCI hotplug: bus '%s' is not the root bus",
                   BUS(pdev->bus)->name);
        return;
    }
    s->up |= 1u << PCI_SLOT(pdev->devfn);
    send_event(s);
}

void acpi_pcihp_unplug_request(AcpiPciHpState *s, DeviceState *dev,
                               Error **errp)
{
    PCIDevice *pdev = PCI_DEVICE(dev);

    if (pdev->bus != s->root) {
        error_setg(errp, "PCI hotplug: bus '%s' is not the root bus",
                   BUS(pdev->bus)->name);
        return;
    }
    /*
     * As QEMU: a second device_del is refused while the virtual clock has
     * not moved past this millisecond, and repeats the request after (a
     * guest that booted since may have missed the first).
     */
    dev->pending_deleted_event = true;
    dev->pending_deleted_expires_ms =
        clock_get_ns(s->pm->clocks, QEMU_CLOCK_VIRTUAL) / SCALE_MS;
    s->down |= 1u << PCI_SLOT(pdev->devfn);
    send_event(s);
}

void acpi_pcihp_unplug(AcpiPciHpState *s, DeviceState *dev, Error **errp)
{
    PCIDevice *pdev = PCI_DEVICE(dev);
    int slot = PCI_SLOT(pdev->devfn);

    /* The last function leaving the slot takes its notices along. */
    for (int fn = 0; fn < 8; fn++) {
        PCIDevice *other = s->root->devices[PCI_DEVFN(slot, fn)];

        if (other && other != pdev) {
            return;
        }
    }
    s->up &= ~(1u << slot);
    s->down &= ~(1u << slot);
}

/* ---- Registers ---- */

static uint64_t pcihp_read(void *opaque, hwaddr addr, unsigned size)
{
    AcpiPciHpState *s = opaque;
    uint32_t val = 0;

    if (s->sel != ACPI_PCIHP_BSEL_ROOT && addr != ACPI_PCIHP_SEL) {
        return 0; /* no such bus */
    }
    switch (addr) {
    case ACPI_PCIHP_UP:
        val = s->up;
        s->up = 0;
        break;
    case ACPI_PCIHP_DOWN:
        val = s->down;
        break;
    case ACPI_PCIHP_EJ:
        val = 0; /* no features */
        break;
    case ACPI_PCIHP_RMV:
        val = removable_slots(s);
        break;
    case ACPI_PCIHP_SEL:
        val = s->sel;
        break;
    case ACPI_PCIHP_AIDX:
        val = s->acpi_index;
        s->acpi_index = 0;
        break;
    default:
        break;
    }
    kemu_log_mask(LOG_TRACE_IO, "acpi-pcihp: read 0x%02" PRIx64 " = 0x%x\n",
                  addr, val);
    return val;
}

static void pcihp_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    AcpiPciHpState *s = opaque;

    kemu_log_mask(LOG_TRACE_IO, "acpi-pcihp: write 0x%02" PRIx64 " = 0x%x\n",
                  addr, (uint32_t)val);
    s->acpi_index = 0;
    switch (addr) {
    case ACPI_PCIHP_EJ:
        if (s->sel == ACPI_PCIHP_BSEL_ROOT) {
            eject_slot(s, val);
        }
        break;
    case ACPI_PCIHP_SEL:
        s->sel = val;
        break;
    case ACPI_PCIHP_AIDX:
        /* No device has an acpi-index: the latch stays 0. */
        break;
    default:
        break;
    }
}

static const MemoryRegionOps pcihp_ops = {
    .read = pcihp_read,
    .write = pcihp_write,
    .valid = {.min_access_size = 4, .max_access_size = 4},
};

void acpi_pcihp_init(AcpiPciHpState *s, void *owner, PCIBus *root,
                     AcpiPmRegs *pm, uint16_t io_base)
{
    s->root = root;
    s->pm = pm;
    s->io_base = io_base;
    memory_region_init_io(&s->io, owner, &pcihp_ops, s, "acpi-pci-hotplug",
                          ACPI_PCIHP_SIZE);
    memory_region_add_subregion(root->address_space_io, io_base, &s->io);
    s->mapped = true;
}

void acpi_pcihp_cleanup(AcpiPciHpState *s)
{
    if (s->mapped) {
        memory_region_del_subregion(s->root->address_space_io, &s->io);
        s->mapped = false;
        memory_region_destroy(&s->io);
    }
}
