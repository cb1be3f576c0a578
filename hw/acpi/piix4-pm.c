/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PIIX4 power management function, 8086:7113 (82371AB datasheet 3.5,
 * 7.2): the ACPI PM1 event/control blocks, PM timer and GPE0 of
 * hw/acpi/acpi-pm.c at PMBA, the SCI on ISA IRQ 9, soft-off (SLP_TYP 0)
 * as a guest shutdown, and the power button for machine_request_powerdown.
 * The SMBus controller of the real function is absent (SMBBA reads 0).
 * It is the root PCI bus's hotplug handler, with ACPI PCI hotplug
 * (pcihp.c) at 0xae00.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/core/hotplug.h"
#include "hw/acpi/piix4-pm.h"

/* ---- Helpers ---- */

static void update_pm_io(PIIX4PMState *s)
{
    PCIDevice *d = PCI_DEVICE(s);
    MemoryRegion *io = d->bus->address_space_io;
    uint16_t base = pci_get_long(d->config + PIIX4_PMBA) & PIIX4_PMBA_MASK;
    bool on = d->config[PIIX4_PMREGMISC] & PIIX4_PMREGMISC_PMIOSE;

    if (on == s->pm_io_mapped && (!on || base == s->pm_io_addr)) {
        return;
    }
    memory_region_transaction_begin();
    if (s->pm_io_mapped) {
        memory_region_del_subregion(io, &s->pm.io);
        s->pm_io_mapped = false;
    }
    if (on) {
        memory_region_add_subregion_overlap(io, base, &s->pm.io, 1);
        s->pm_io_mapped = true;
        s->pm_io_addr = base;
    }
    memory_region_transaction_commit();
}

/* PMBA and PMREGMISC as the firmware leaves them (no firmware here). */
static void set_firmware_config(PIIX4PMState *s)
{
    PCIDevice *d = PCI_DEVICE(s);

    pci_set_long(d->config + PIIX4_PMBA,
                 (s->pm_io_base & PIIX4_PMBA_MASK) | PCI_BASE_ADDRESS_SPACE_IO);
    d->config[PIIX4_PMREGMISC] = PIIX4_PMREGMISC_PMIOSE;
    update_pm_io(s);
}

static void piix4_pm_sleep(void *opaque, unsigned slp_typ)
{
    PIIX4PMState *s = opaque;

    if (slp_typ == PIIX4_SLP_TYP_S5) {
        if (s->machine) {
            machine_request_shutdown(s->machine, 0, "guest-shutdown", true);
        }
        return;
    }
    kemu_log_mask(LOG_UNIMP, "piix4-pm: sleep type %u is not implemented\n",
                  slp_typ);
}

void piix4_pm_power_button(PIIX4PMState *s)
{
    acpi_pm_power_button(&s->pm);
}

static void piix4_pm_notify(MachineNotifier *n, MachineEvent event,
                            const char *reason, bool guest)
{
    PIIX4PMState *s = container_of(n, PIIX4PMState, powerdown_notifier);

    if (event == MACHINE_EVENT_POWERDOWN) {
        piix4_pm_power_button(s);
    }
}

/* ---- Hotplug handler (hw/core/hotplug.h) ---- */

static PIIX4PMState *pm_of_handler(HotplugHandler *h)
{
    return PIIX4_PM(h);
}

static bool is_pci(DeviceState *dev, Error **errp)
{
    if (!object_dynamic_cast(OBJECT(dev), TYPE_PCI_DEVICE)) {
        error_setg(errp, "%s: only PCI devices are hotplugged here",
                   TYPE_PIIX4_PM);
        return false;
    }
    return true;
}

static void piix4_pm_plug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    PIIX4PMState *s = pm_of_handler(h);

    if (is_pci(dev, errp) && s->pcihp_root) {
        acpi_pcihp_plug(&s->pcihp, dev, errp);
    }
}

static void piix4_pm_unplug_request(HotplugHandler *h, DeviceState *dev,
                                    Error **errp)
{
    PIIX4PMState *s = pm_of_handler(h);

    if (is_pci(dev, errp) && s->pcihp_root) {
        acpi_pcihp_unplug_request(&s->pcihp, dev, errp);
    }
}

static void piix4_pm_unplug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    PIIX4PMState *s = pm_of_handler(h);

    if (is_pci(dev, errp) && s->pcihp_root) {
        acpi_pcihp_unplug(&s->pcihp, dev, errp);
    }
}

/* ---- Configuration space ---- */

static void piix4_pm_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                                  int len)
{
    pci_default_write_config(d, addr, val, len);
    if ((addr < PIIX4_PMBA + 4 && addr + len > PIIX4_PMBA) ||
        (addr <= PIIX4_PMREGMISC && addr + len > PIIX4_PMREGMISC)) {
        update_pm_io(PIIX4_PM(d));
    }
}

/* ---- Realize, exit, reset ---- */

static void piix4_pm_init(Object *obj)
{
    PIIX4PMState *s = PIIX4_PM(obj);

    qdev_init_gpio_out_named(DEVICE(obj), &s->pm.sci, "sci", 1);
}

static void piix4_pm_realize(PCIDevice *d, Error **errp)
{
    PIIX4PMState *s = PIIX4_PM(d);
    MachineState *ms = d->bus->machine;

    if (!ms || !ms->clocks) {
        error_setg(errp, "%s needs a machine (its clocks and IRQs)",
                   TYPE_PIIX4_PM);
        return;
    }
    if (s->pm_io_base & ~PIIX4_PMBA_MASK) {
        error_setg(errp,
                   "%s: pm-io-base 0x%x is not 64-byte aligned below "
                   "0x10000",
                   TYPE_PIIX4_PM, s->pm_io_base);
        return;
    }
    s->machine = ms;
    /* No INTx: the SCI is wired to its ISA IRQ, as the FADT says. */
    d->config[PCI_INTERRUPT_PIN] = 0;
    pci_set_word(d->wmask + PIIX4_PMBA, PIIX4_PMBA_MASK);
    d->wmask[PIIX4_PMREGMISC] = PIIX4_PMREGMISC_PMIOSE;

    /* An SCI the board did not connect goes to the machine's ISA IRQ. */
    if (!s->pm.sci && ms->sysbus && s->sci_irq < ms->sysbus->num_irqs) {
        s->pm.sci = ms->sysbus->irqs[s->sci_irq];
    }
    acpi_pm_init(&s->pm, s, ms->clocks, piix4_pm_sleep, s);
    acpi_pm_reset(&s->pm);
    set_firmware_config(s);
    if (s->pcihp_root) {
        acpi_pcihp_init(&s->pcihp, s, d->bus, &s->pm, ACPI_PCIHP_ADDR_PIIX4);
    }

    s->powerdown_notifier.notify = piix4_pm_notify;
    machine_add_notifier(ms, &s->powerdown_notifier);
}

static void piix4_pm_exit(PCIDevice *d)
{
    PIIX4PMState *s = PIIX4_PM(d);

    machine_remove_notifier(s->machine, &s->powerdown_notifier);
    if (BUS(d->bus)->hotplug_handler == OBJECT(s)) {
        qbus_set_hotplug_handler(BUS(d->bus), NULL);
    }
    acpi_pcihp_cleanup(&s->pcihp);
    if (s->pm_io_mapped) {
        memory_region_del_subregion(d->bus->address_space_io, &s->pm.io);
        s->pm_io_mapped = false;
    }
    acpi_pm_cleanup(&s->pm);
}

static void piix4_pm_reset(DeviceState *dev)
{
    PIIX4PMState *s = PIIX4_PM(dev);

    acpi_pm_reset(&s->pm);
    set_firmware_config(s);
    if (s->pcihp_root) {
        acpi_pcihp_reset(&s->pcihp);
    }
}

/* ---- Properties and type ---- */

static const Property piix4_pm_props[] = {
    DEFINE_PROP_UINT32("pm-io-base", PIIX4PMState, pm_io_base,
                       PIIX4_PM_IO_BASE_DEFAULT),
    DEFINE_PROP_UINT8("sci-irq", PIIX4PMState, sci_irq,
                      PIIX4_PM_SCI_IRQ_DEFAULT),
    DEFINE_PROP_BOOL("acpi-root-pci-hotplug", PIIX4PMState, pcihp_root, true),
    DEFINE_PROP_END_OF_LIST(),
};

static void piix4_pm_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);
    HotplugHandlerClass *hc = (HotplugHandlerClass *)object_class_dynamic_cast(
        oc, TYPE_HOTPLUG_HANDLER);

    hc->plug = piix4_pm_plug;
    hc->unplug_request = piix4_pm_unplug_request;
    hc->unplug = piix4_pm_unplug;
    pc->realize = piix4_pm_realize;
    pc->exit = piix4_pm_exit;
    pc->config_write = piix4_pm_write_config;
    pc->vendor_id = PCI_VENDOR_ID_INTEL;
    pc->device_id = PCI_DEVICE_ID_INTEL_82371AB_3;
    pc->revision = 0x03;
    pc->class_id = PCI_CLASS_BRIDGE_OTHER;
    dc->desc = "PM";
    dc->reset = piix4_pm_reset; /* the PCI part is the bus's */
    dc->categories |= 1ul << DEVICE_CATEGORY_BRIDGE;
    dc->user_creatable = false; /* part of the pc board */
    dc->hotpluggable = false;   /* part of the chipset */
    device_class_set_props(dc, piix4_pm_props);
}

static const TypeInfo piix4_pm_types[] = {
    {
        .name = TYPE_PIIX4_PM,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PIIX4PMState),
        .instance_init = piix4_pm_init,
        .class_init = piix4_pm_class_init,
        .interfaces = (InterfaceInfo[]){{TYPE_HOTPLUG_HANDLER}, {NULL}},
    },
};

DEFINE_TYPES(piix4_pm_types)
