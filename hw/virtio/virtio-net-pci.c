/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `-device virtio-net-pci,netdev=ID[,mac=MAC][,mq=on][,vectors=N]...`: the
 * virtio network device (hw/net/virtio-net.c) behind the virtio PCI
 * transport (hw/virtio/virtio-pci.c), transitional by default (1af4:1000,
 * subsystem 1af4:0001; 1af4:1041 with disable-legacy=on).
 */
#include "util/osdep.h"
#include "hw/core/qdev-properties.h"
#include "hw/net/virtio-net.h"
#include "hw/virtio/virtio-pci.h"

#define TYPE_VIRTIO_NET_PCI "virtio-net-pci"
OBJECT_DECLARE_SIMPLE_TYPE(VirtIONetPCI, VIRTIO_NET_PCI)

struct VirtIONetPCI {
    VirtIOPCIProxy parent_obj;
    VirtIONet vdev;
};

static void virtio_net_pci_realize(VirtIOPCIProxy *proxy, Error **errp)
{
    VirtIONetPCI *s = VIRTIO_NET_PCI(proxy);
    PCIDevice *pd = PCI_DEVICE(proxy);

    /*
     * vectors= unset: QEMU 7.2's default, one per queue of every pair the
     * netdev has, plus ctrl and config, mq=on or not (4 for one pair: so
     * Linux gives rx and tx a vector each instead of one shared by all).
     */
    if (proxy->nvectors == DEV_NVECTORS_UNSPECIFIED) {
        proxy->nvectors = 2 * MAX(s->vdev.nic_conf.peers.queues, 1) + 2;
    }
    virtio_net_realize(&s->vdev, DEVICE(proxy), pci_dma_as(pd), errp);
}

static void virtio_net_pci_unrealize(VirtIOPCIProxy *proxy)
{
    virtio_net_unrealize(&VIRTIO_NET_PCI(proxy)->vdev);
}

static void virtio_net_pci_instance_init(Object *obj)
{
    VirtIONetPCI *s = VIRTIO_NET_PCI(obj);

    VIRTIO_PCI(obj)->vdev = &s->vdev.parent_obj;
}

static const Property virtio_net_pci_props[] = {
    DEFINE_VIRTIO_NET_PROPERTIES(VirtIONetPCI, vdev),
    DEFINE_PROP_END_OF_LIST(),
};

/* x-rx-dropped, x-rx-filtered, x-tx-dropped: frames the device dropped. */
static char *prop_rx_dropped(Object *obj, ObjectProperty *prop, Error **errp)
{
    return g_strdup_printf("%" PRIu64,
                           VIRTIO_NET_PCI(obj)->vdev.rx_dropped_too_big);
}

static char *prop_rx_filtered(Object *obj, ObjectProperty *prop, Error **errp)
{
    return g_strdup_printf("%" PRIu64, VIRTIO_NET_PCI(obj)->vdev.rx_filtered);
}

static char *prop_tx_dropped(Object *obj, ObjectProperty *prop, Error **errp)
{
    return g_strdup_printf("%" PRIu64,
                           VIRTIO_NET_PCI(obj)->vdev.tx_dropped_too_big);
}

static void virtio_net_pci_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);
    VirtioPCIClass *vc = VIRTIO_PCI_CLASS(oc);

    (void)data;
    vc->realize = virtio_net_pci_realize;
    vc->unrealize = virtio_net_pci_unrealize;
    pc->vendor_id = PCI_VENDOR_ID_REDHAT_QUMRANET;
    pc->device_id = 0x1000; /* transitional network device */
    pc->class_id = PCI_CLASS_NETWORK_ETHERNET;
    dc->desc = "virtio network device";
    dc->categories |= 1ul << DEVICE_CATEGORY_NETWORK;
    dc->user_creatable = true;
    device_class_set_props(dc, virtio_net_pci_props);
    object_class_property_add(oc, "x-rx-dropped", "uint64", prop_rx_dropped,
                              NULL, NULL);
    object_class_property_add(oc, "x-rx-filtered", "uint64", prop_rx_filtered,
                              NULL, NULL);
    object_class_property_add(oc, "x-tx-dropped", "uint64", prop_tx_dropped,
                              NULL, NULL);
}

static const TypeInfo virtio_net_pci_types[] = {
    {
        .name = TYPE_VIRTIO_NET_PCI,
        .parent = TYPE_VIRTIO_PCI,
        .instance_size = sizeof(VirtIONetPCI),
        .instance_init = virtio_net_pci_instance_init,
        .class_init = virtio_net_pci_class_init,
    },
};

DEFINE_TYPES(virtio_net_pci_types)
