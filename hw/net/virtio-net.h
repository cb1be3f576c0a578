/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio network device (virtio 1.2, section 5.1), transport-neutral:
 * a VirtIODevice with receive/transmit queue pairs and a control queue,
 * joined to a netdev through the net layer.  virtio-net-pci
 * (hw/virtio/virtio-net-pci.c) embeds a VirtIONet and realizes it through
 * the functions below; the properties live on that device
 * (DEFINE_VIRTIO_NET_PROPERTIES).
 *
 * Queue layout: rx0, tx0, rx1, tx1, ... rx(N-1), tx(N-1), ctrl, with N the
 * maximum number of queue pairs (the netdev's queues= with mq=on, else 1).
 */
#ifndef KEMU_HW_NET_VIRTIO_NET_H
#define KEMU_HW_NET_VIRTIO_NET_H

#include "util/osdep.h"
#include "util/error.h"
#include "hw/virtio/virtio.h"
#include "hw/core/machine.h"
#include "hw/net/net-props.h"
#include "net/net.h"
#include <linux/virtio_net.h>

typedef struct VirtIONet VirtIONet;
typedef struct VHostNetState VHostNetState;

/* The most queue pairs one device takes (QEMU's limit too). */
#define VIRTIO_NET_MAX_QUEUE_PAIRS 64
/* Entries of the receive-filter MAC table (TABLE_SET). */
#define VIRTIO_NET_MAC_TABLE_ENTRIES 64
/* VLAN ids the filter covers. */
#define VIRTIO_NET_MAX_VLAN 4096
/* Default queue sizes and the transmit batch per kick. */
#define VIRTIO_NET_QUEUE_SIZE_DEFAULT 256
#define VIRTIO_NET_TX_BURST_DEFAULT   256

/** VirtIONetQueue - one rx/tx pair and its netdev queue. */
typedef struct VirtIONetQueue {
    VirtIONet *n;
    int index; /* pair number */
    VirtQueue *rx_vq;
    VirtQueue *tx_vq;
    NetClientState *nc;              /* this pair's NIC queue */
    VirtQueueElement *async_tx_elem; /* sent, the peer not done with it */
    struct VirtIONetTxCall *tx_call; /* a queued main_loop_call_async */
} VirtIONetQueue;

/**
 * VirtIONet - the device.  Fields under "properties" are set through
 * DEFINE_VIRTIO_NET_PROPERTIES before realize; the rest is runtime state.
 */
struct VirtIONet {
    VirtIODevice parent_obj;

    /* properties */
    NICConf nic_conf;
    bool f_csum, f_guest_csum, f_gso;
    bool f_guest_tso4, f_guest_tso6, f_guest_ecn, f_guest_ufo;
    bool f_guest_announce;
    bool f_host_tso4, f_host_tso6, f_host_ecn, f_host_ufo;
    bool f_mrg_rxbuf, f_status, f_ctrl_vq, f_ctrl_rx, f_ctrl_vlan;
    bool f_ctrl_rx_extra, f_ctrl_mac_addr, f_ctrl_guest_offloads, f_mq;
    bool f_event_idx, f_indirect_desc, f_any_layout, f_packed;
    uint16_t host_mtu; /* host_mtu= / mtu=: 0 means no VIRTIO_NET_F_MTU */
    uint16_t rx_queue_size;
    uint16_t tx_queue_size;
    uint32_t tx_burst; /* x-txburst= */

    /* backend */
    NICState *nic;
    bool has_vnet_hdr; /* the peer exchanges virtio-net headers (tap) */
    int guest_hdr_len; /* the header the guest uses: 10 or 12 bytes */
    int host_hdr_len;  /* the header the peer gets: 0, 10 or 12 */
    uint64_t curr_guest_offloads;

    /* queues */
    int max_queue_pairs;
    int curr_queue_pairs;
    VirtIONetQueue *vqs; /* max_queue_pairs of them */
    VirtQueue *ctrl_vq;
    /* receive scratch: the buffers one frame spans, and their lengths */
    VirtQueueElement **rx_elems; /* VIRTQUEUE_MAX_SIZE */
    unsigned *rx_lens;

    /* device configuration */
    uint8_t mac[6];  /* config mac (MAC_ADDR_SET changes it) */
    uint16_t status; /* VIRTIO_NET_S_* */

    /* receive filter (control queue state) */
    bool promisc, allmulti, alluni, nomulti, nouni, nobcast;
    struct {
        int in_use;      /* entries used */
        int first_multi; /* entries before it are unicast */
        bool uni_overflow, multi_overflow;
        uint8_t *macs; /* VIRTIO_NET_MAC_TABLE_ENTRIES * 6 */
    } mac_table;
    uint32_t *vlans; /* VIRTIO_NET_MAX_VLAN bits */

    /* vhost */
    VHostNetState *vhost[VIRTIO_NET_MAX_QUEUE_PAIRS];
    bool vhost_started;
    bool vhost_failed; /* warned once; userspace from now on */
    /* vhost runs only while the machine does (stop/cont) */
    MachineState *machine;
    MachineNotifier vm_notifier;
    bool vm_running;

    /* frames dropped (virtio-net-pci's x-rx-dropped, x-rx-filtered and
     * x-tx-dropped): too big for the driver's buffers or for any backend,
     * or refused by the receive filter */
    uint64_t rx_dropped_too_big;
    uint64_t rx_filtered;
    uint64_t tx_dropped_too_big;
};

/**
 * virtio_net_realize - set up @n inside the transport device @owner (its
 * id names the NIC): virtio_init with @dma_as, the NIC and its peer's
 * offloads, the queues.  Fails with errp on bad properties (queue sizes,
 * mq without a multiqueue netdev...).
 */
bool virtio_net_realize(VirtIONet *n, DeviceState *owner, AddressSpace *dma_as,
                        Error **errp);

/** virtio_net_unrealize - undo virtio_net_realize. */
void virtio_net_unrealize(VirtIONet *n);

/**
 * virtio_net_max_queue_pairs - the queue pairs @n will have (valid before
 * realize too: the transport sizes its MSI-X table with it).
 */
int virtio_net_max_queue_pairs(VirtIONet *n);

/**
 * virtio_net_announce - one announce-self round on this NIC (the net layer
 * has sent a RARP from the MAC already): with GUEST_ANNOUNCE and CTRL_VQ
 * negotiated, set VIRTIO_NET_S_ANNOUNCE and raise the config interrupt, so
 * that the driver sends gratuitous ARPs and acks
 * (VIRTIO_NET_CTRL_ANNOUNCE_ACK clears the bit).
 */
void virtio_net_announce(VirtIONet *n);

/* The properties of a VirtIONet at field @_f of @_s (QEMU's names). */
#define DEFINE_VIRTIO_NET_PROPERTIES(_s, _f)                                   \
    DEFINE_NIC_PROPERTIES(_s, _f.nic_conf),                                    \
        DEFINE_PROP_BOOL("csum", _s, _f.f_csum, true),                         \
        DEFINE_PROP_BOOL("guest_csum", _s, _f.f_guest_csum, true),             \
        DEFINE_PROP_BOOL("gso", _s, _f.f_gso, true),                           \
        DEFINE_PROP_BOOL("guest_tso4", _s, _f.f_guest_tso4, true),             \
        DEFINE_PROP_BOOL("guest_tso6", _s, _f.f_guest_tso6, true),             \
        DEFINE_PROP_BOOL("guest_ecn", _s, _f.f_guest_ecn, true),               \
        DEFINE_PROP_BOOL("guest_ufo", _s, _f.f_guest_ufo, true),               \
        DEFINE_PROP_BOOL("guest_announce", _s, _f.f_guest_announce, true),     \
        DEFINE_PROP_BOOL("host_tso4", _s, _f.f_host_tso4, true),               \
        DEFINE_PROP_BOOL("host_tso6", _s, _f.f_host_tso6, true),               \
        DEFINE_PROP_BOOL("host_ecn", _s, _f.f_host_ecn, true),                 \
        DEFINE_PROP_BOOL("host_ufo", _s, _f.f_host_ufo, true),                 \
        DEFINE_PROP_BOOL("mrg_rxbuf", _s, _f.f_mrg_rxbuf, true),               \
        DEFINE_PROP_BOOL("status", _s, _f.f_status, true),                     \
        DEFINE_PROP_BOOL("ctrl_vq", _s, _f.f_ctrl_vq, true),                   \
        DEFINE_PROP_BOOL("ctrl_rx", _s, _f.f_ctrl_rx, true),                   \
        DEFINE_PROP_BOOL("ctrl_vlan", _s, _f.f_ctrl_vlan, true),               \
        DEFINE_PROP_BOOL("ctrl_rx_extra", _s, _f.f_ctrl_rx_extra, true),       \
        DEFINE_PROP_BOOL("ctrl_mac_addr", _s, _f.f_ctrl_mac_addr, true),       \
        DEFINE_PROP_BOOL("ctrl_guest_offloads", _s, _f.f_ctrl_guest_offloads,  \
                         true),                                                \
        DEFINE_PROP_BOOL("mq", _s, _f.f_mq, false),                            \
        DEFINE_PROP_BOOL("event_idx", _s, _f.f_event_idx, true),               \
        DEFINE_PROP_BOOL("indirect_desc", _s, _f.f_indirect_desc, true),       \
        DEFINE_PROP_BOOL("any_layout", _s, _f.f_any_layout, true),             \
        DEFINE_PROP_BOOL("packed", _s, _f.f_packed, false),                    \
        DEFINE_PROP_UINT16("host_mtu", _s, _f.host_mtu, 0),                    \
        DEFINE_PROP_UINT16("mtu", _s, _f.host_mtu, 0),                         \
        DEFINE_PROP_UINT16("rx_queue_size", _s, _f.rx_queue_size,              \
                           VIRTIO_NET_QUEUE_SIZE_DEFAULT),                     \
        DEFINE_PROP_UINT16("tx_queue_size", _s, _f.tx_queue_size,              \
                           VIRTIO_NET_QUEUE_SIZE_DEFAULT),                     \
        DEFINE_PROP_UINT32("x-txburst", _s, _f.tx_burst,                       \
                           VIRTIO_NET_TX_BURST_DEFAULT)

#endif
