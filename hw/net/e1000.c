/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The e1000 PCI devices, `-device e1000,netdev=ID,mac=MAC[,addr=SLOT]`: an
 * Intel 82540EM (8086:100e) with its registers in BAR0 (128 KiB MMIO), the
 * IOADDR/IODATA window in BAR1 and INTA; e1000-82544gc (8086:100c) and
 * e1000-82545em (8086:100f) are the same device with those parts' IDs, as
 * in QEMU.  This file is the QOM/PCI and net-layer glue; the device logic
 * is e1000-core.c.
 */
#include "util/osdep.h"
#include "util/iov.h"
#include "hw/core/machine.h"
#include "hw/core/qdev-properties.h"
#include "hw/net/e1000-core.h"
#include "hw/net/net-props.h"
#include "hw/pci/pci.h"
#include "net/net.h"
#include <linux/virtio_net.h>

OBJECT_DECLARE_TYPE(E1000State, E1000Class, E1000)

struct E1000State {
    PCIDevice parent_obj;

    NICConf conf;  /* properties: mac, netdev */
    bool host_gso; /* property: let a tap segment TSO packets */
    NICState *nic;
    bool vnet_hdr; /* frames to and from the peer carry one */
    MemoryRegion mmio;
    MemoryRegion io;
    E1000Core core;
};

struct E1000Class {
    PCIDeviceClass parent_class;
    const E1000Model *model;
};

/* ---- The core's view of PCI and the net layer ---- */

static MemTxResult e1000_dma_read(void *opaque, uint64_t addr, void *buf,
                                  size_t len)
{
    return pci_dma_read(PCI_DEVICE(opaque), addr, buf, len);
}

static MemTxResult e1000_dma_write(void *opaque, uint64_t addr, const void *buf,
                                   size_t len)
{
    return pci_dma_write(PCI_DEVICE(opaque), addr, buf, len);
}

static void e1000_set_irq(void *opaque, bool level)
{
    pci_set_irq(PCI_DEVICE(opaque), level);
}

/*
 * To the peer; with vnet headers, each frame gets one: all zero, or the
 * GSO and checksum work the core left (E1000TxOffload).
 */
static void e1000_send(void *opaque, const struct iovec *iov, int iovcnt,
                       const E1000TxOffload *off)
{
    E1000State *s = opaque;
    NetClientState *nc = qemu_get_queue(s->nic);
    struct virtio_net_hdr hdr = {0};
    struct iovec v[4];

    if (!s->vnet_hdr) {
        qemu_sendv_packet(nc, iov, iovcnt);
        return;
    }
    if (off) {
        hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
        hdr.csum_start = off->csum_start;
        hdr.csum_offset = off->csum_offset;
        if (off->gso) {
            hdr.gso_type =
                off->ipv6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
            if (off->ecn) {
                hdr.gso_type |= VIRTIO_NET_HDR_GSO_ECN;
            }
            hdr.hdr_len = off->hdr_len;
            hdr.gso_size = off->gso_size;
        }
    }
    assert(iovcnt < (int)ARRAY_SIZE(v));
    v[0].iov_base = &hdr;
    v[0].iov_len = sizeof(hdr);
    memcpy(v + 1, iov, iovcnt * sizeof(*iov));
    qemu_sendv_packet(nc, v, iovcnt + 1);
}

static void e1000_rx_ready(void *opaque)
{
    E1000State *s = opaque;

    qemu_flush_queued_packets(qemu_get_queue(s->nic));
}

static void e1000_mac_changed(void *opaque, const uint8_t mac[6])
{
    E1000State *s = opaque;

    qemu_format_nic_info_str(qemu_get_queue(s->nic), mac);
}

static const E1000CoreOps e1000_core_ops = {
    .dma_read = e1000_dma_read,
    .dma_write = e1000_dma_write,
    .set_irq = e1000_set_irq,
    .send = e1000_send,
    .rx_ready = e1000_rx_ready,
    .mac_changed = e1000_mac_changed,
};

static bool e1000_bus_master(E1000State *s)
{
    return pci_get_word(PCI_DEVICE(s)->config + PCI_COMMAND) &
           PCI_COMMAND_MASTER;
}

/* ---- Net layer glue ---- */

static bool e1000_can_receive(NetClientState *nc)
{
    E1000State *s = qemu_get_nic_opaque(nc);

    return e1000_bus_master(s) && e1000_core_can_receive(&s->core);
}

static ssize_t e1000_receive_iov(NetClientState *nc, const struct iovec *iov,
                                 int iovcnt)
{
    E1000State *s = qemu_get_nic_opaque(nc);
    struct iovec v[64];
    size_t size;
    ssize_t ret;

    if (!e1000_bus_master(s)) {
        return 0;
    }
    if (!s->vnet_hdr) {
        return e1000_core_receive_iov(&s->core, iov, iovcnt);
    }
    /* The peer makes no offloaded frames for us: skip its header. */
    size = iov_size(iov, iovcnt);
    if (size <= sizeof(struct virtio_net_hdr)) {
        return size;
    }
    ret = e1000_core_receive_iov(
        &s->core, v,
        iov_copy(v, ARRAY_SIZE(v), iov, iovcnt, sizeof(struct virtio_net_hdr),
                 size - sizeof(struct virtio_net_hdr)));
    return ret > 0 ? (ssize_t)size : ret;
}

static void e1000_link_status_changed(NetClientState *nc)
{
    E1000State *s = qemu_get_nic_opaque(nc);

    e1000_core_set_link(&s->core, !nc->link_down);
}

static NetClientInfo e1000_net_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .receive_iov = e1000_receive_iov,
    .can_receive = e1000_can_receive,
    .link_status_changed = e1000_link_status_changed,
};

/* Bus mastering turned on: frames held for us may be taken now. */
static void e1000_write_config(PCIDevice *pd, uint32_t addr, uint32_t val,
                               int len)
{
    E1000State *s = E1000(pd);
    bool was_master = e1000_bus_master(s);

    pci_default_write_config(pd, addr, val, len);
    if (!was_master && e1000_bus_master(s)) {
        qemu_flush_queued_packets(qemu_get_queue(s->nic));
    }
}

/* ---- realize / exit ---- */

/*
 * A tap with vnet headers segments and checksums for us: guest TSO packets
 * then cross as one frame.  It is asked for no offloaded frames in return,
 * since the guest could not take them.
 */
static void e1000_setup_vnet_hdr(E1000State *s)
{
    NetClientState *peer = qemu_get_queue(s->nic)->peer;
    int len = sizeof(struct virtio_net_hdr);

    if (!s->host_gso || !qemu_has_vnet_hdr(peer) ||
        !qemu_has_vnet_hdr_len(peer, len) ||
        qemu_set_vnet_hdr_len(peer, len) < 0) {
        return;
    }
    qemu_using_vnet_hdr(peer, true);
    qemu_set_offload(peer, 0, 0, 0, 0, 0);
    s->vnet_hdr = true;
    s->core.host_gso = true;
}

/*
 * Registers whose writes must act at once: MDIC (a PHY access the driver
 * then polls), the interrupt registers ICR, ICS, IMS and IMC, and TCTL and
 * TDT, which start transmission.  Writes anywhere else in BAR0 may be
 * buffered by the accelerator (KVM's coalesced MMIO) until the next access
 * to the BAR, the next exit or the next main-loop wake-up, as QEMU lets
 * them be; reads are never buffered.  Sorted.
 */
static const hwaddr e1000_mmio_immediate[] = {
    E1000_MDIC, E1000_ICR,  E1000_ICS, E1000_IMS,
    E1000_IMC,  E1000_TCTL, E1000_TDT,
};

static void e1000_mmio_coalesce(E1000State *s)
{
    hwaddr start = 0;

    for (size_t i = 0; i < ARRAY_SIZE(e1000_mmio_immediate); i++) {
        hwaddr reg = e1000_mmio_immediate[i];

        if (reg > start) {
            memory_region_add_coalescing(&s->mmio, start, reg - start);
        }
        start = reg + 4;
    }
    memory_region_add_coalescing(&s->mmio, start, E1000_MMIO_SIZE - start);
}

static void e1000_realize(PCIDevice *pd, Error **errp)
{
    E1000State *s = E1000(pd);
    DeviceState *dev = DEVICE(pd);
    MachineState *ms = qdev_get_machine(dev);

    if (!ms || !ms->clocks) {
        error_setg(errp, "e1000: needs a machine");
        return;
    }
    pd->config[PCI_INTERRUPT_PIN] = 1; /* INTA */
    memory_region_init_io(&s->mmio, OBJECT(s), &e1000_mmio_ops, &s->core,
                          "e1000-mmio", E1000_MMIO_SIZE);
    e1000_mmio_coalesce(s);
    memory_region_init_io(&s->io, OBJECT(s), &e1000_io_ops, &s->core,
                          "e1000-io", E1000_IO_SIZE);
    pci_register_bar(pd, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->mmio);
    pci_register_bar(pd, 1, PCI_BASE_ADDRESS_SPACE_IO, &s->io);

    qemu_macaddr_default_if_unset(ms->net, &s->conf.macaddr);
    s->nic = qemu_new_nic(&e1000_net_info, &s->conf,
                          object_get_typename(OBJECT(s)), dev->id, s);
    qemu_format_nic_info_str(qemu_get_queue(s->nic), s->conf.macaddr.a);
    e1000_core_init(&s->core, E1000_GET_CLASS(s)->model, &e1000_core_ops, s,
                    ms->clocks, s->conf.macaddr.a);
    e1000_setup_vnet_hdr(s);
}

static void e1000_exit(PCIDevice *pd)
{
    E1000State *s = E1000(pd);

    if (s->vnet_hdr) {
        qemu_using_vnet_hdr(qemu_get_queue(s->nic)->peer, false);
    }
    qemu_del_nic(s->nic);
    s->nic = NULL;
    e1000_core_cleanup(&s->core);
    memory_region_destroy(&s->mmio);
    memory_region_destroy(&s->io);
}

/* ---- reset ---- */

static void e1000_reset(DeviceState *dev)
{
    E1000State *s = E1000(dev);

    if (!s->nic) {
        return;
    }
    s->core.link_up = !qemu_get_queue(s->nic)->link_down;
    e1000_core_reset(&s->core);
    qemu_purge_queued_packets(qemu_get_queue(s->nic));
}

/* ---- Properties and class ---- */

static const Property e1000_props[] = {
    DEFINE_NIC_PROPERTIES(E1000State, conf),
    DEFINE_PROP_BOOL("host-gso", E1000State, host_gso, true),
    DEFINE_PROP_END_OF_LIST(),
};

static void e1000_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);
    E1000Class *ec = E1000_CLASS(oc);

    pc->realize = e1000_realize;
    pc->exit = e1000_exit;
    pc->config_write = e1000_write_config;
    pc->vendor_id = E1000_VENDOR_ID;
    pc->device_id = e1000_model_82540em.device_id;
    pc->revision = E1000_REVISION;
    pc->class_id = PCI_CLASS_NETWORK_ETHERNET;
    pc->subsystem_vendor_id = E1000_SUBSYS_VENDOR_ID;
    pc->subsystem_id = e1000_model_82540em.subsystem_id;
    ec->model = &e1000_model_82540em;
    dc->reset = e1000_reset; /* the PCI part is the bus's (hw/core/qdev.h) */
    dc->desc = "Intel Gigabit Ethernet (82540EM)";
    dc->categories |= 1ul << DEVICE_CATEGORY_NETWORK;
    dc->user_creatable = true;
    device_class_set_props(dc, e1000_props);
}

/*
 * The other 8254x parts QEMU names: subtypes of e1000 with their IDs
 * (E1000Model), as QEMU models them.  The parts differ further in ways
 * this model leaves out (the 82545EM is a PCI-X device; the 82544's PHY is
 * an 88E1000, answered here with the 88E1011's registers apart from its
 * ID); Linux's e1000 driver brings all three up through the same paths.
 */
typedef struct E1000Variant {
    const char *desc;
    E1000Model model;
} E1000Variant;

static const E1000Variant e1000_82544gc = {
    "Intel Gigabit Ethernet (82544GC)",
    {E1000_DEV_ID_82544GC, E1000_SUBSYS_ID_82544GC, E1000_PHY_ID2_82544},
};

static const E1000Variant e1000_82545em = {
    "Intel Gigabit Ethernet (82545EM)",
    {E1000_DEV_ID_82545EM, E1000_SUBSYS_ID_82545EM, E1000_PHY_ID2},
};

static void e1000_variant_class_init(ObjectClass *oc, void *data)
{
    const E1000Variant *v = data;
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->device_id = v->model.device_id;
    pc->subsystem_id = v->model.subsystem_id;
    E1000_CLASS(oc)->model = &v->model;
    DEVICE_CLASS(oc)->desc = v->desc;
}

static const TypeInfo e1000_types[] = {
    {
        .name = TYPE_E1000,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(E1000State),
        .class_size = sizeof(E1000Class),
        .class_init = e1000_class_init,
    },
    {
        .name = TYPE_E1000 "-82544gc",
        .parent = TYPE_E1000,
        .class_init = e1000_variant_class_init,
        .class_data = (void *)&e1000_82544gc,
    },
    {
        .name = TYPE_E1000 "-82545em",
        .parent = TYPE_E1000,
        .class_init = e1000_variant_class_init,
        .class_data = (void *)&e1000_82545em,
    },
};

DEFINE_TYPES(e1000_types)
