/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pci-testdev: the PCI test device (1b36:0005) that kvm-unit-tests' pci
 * test drives, with the guest interface of QEMU's.  BAR0 (4 KiB memory)
 * and BAR1 (256 I/O ports) each offer three tests: "no-eventfd",
 * "wildcard-eventfd" and "datamatch-eventfd".  Writing a test's number to
 * offset 0 of a BAR selects that BAR's test; its header is then readable
 * from offset 0 (test number, access width, doorbell offset, doorbell data,
 * write count, name).  Writes to the doorbell count; the eventfd tests
 * register it as an ioeventfd, so under KVM those writes signal an eventfd
 * and never reach the device (the count stays 0), while under qtest they
 * are ordinary writes and count.  Optional BAR2 ("membar" bytes, 64-bit,
 * prefetchable) maps nothing.
 */
#include "util/osdep.h"
#include "hw/core/qdev-properties.h"
#include "hw/pci/pci.h"
#include <sys/eventfd.h>

#define TYPE_PCI_TESTDEV "pci-testdev"

#define PCI_TESTDEV_VENDOR_ID     0x1b36 /* Red Hat */
#define PCI_TESTDEV_DEVICE_ID     0x0005
#define PCI_TESTDEV_SUBSYS_VENDOR 0x1af4 /* QEMU's default subsystem */
#define PCI_TESTDEV_SUBSYS_ID     0x1100

/* A test's header, as the guest reads it from offset 0 of the BAR. */
#define HDR_TEST   0  /* u8: the test's number, 0-5 */
#define HDR_WIDTH  1  /* u8: doorbell access width */
#define HDR_OFFSET 4  /* u32: doorbell offset in the BAR */
#define HDR_DATA   8  /* u8: the value datamatch wants */
#define HDR_COUNT  12 /* u32: doorbell writes seen */
#define HDR_NAME   16 /* NUL-terminated name */
#define HDR_SIZE   16

#define IOTEST_MMIO_HALF 2048 /* BAR0 is twice this; doorbells above it */
#define IOTEST_PIO_HALF  128
#define IOTEST_WIDTH     1
#define IOTEST_DATAMATCH 0xfa
#define IOTEST_NOMATCH   0xce
#define IOTEST_KINDS     3 /* per BAR */
#define IOTEST_TYPES     2 /* mmio, portio */
#define IOTEST_NUM       (IOTEST_KINDS * IOTEST_TYPES)
#define IOTEST_NONE      (-1)
#define IOTEST_NAME_MAX  32

typedef enum { IOTEST_MMIO, IOTEST_PORTIO } IOTestType;

typedef enum {
    IOTEST_NO_EVENTFD,
    IOTEST_WILDCARD_EVENTFD,
    IOTEST_DATAMATCH_EVENTFD,
} IOTestKind;

static const char *const iotest_type_names[IOTEST_TYPES] = {"mmio", "portio"};
static const char *const iotest_kind_names[IOTEST_KINDS] = {
    "no-eventfd",
    "wildcard-eventfd",
    "datamatch-eventfd",
};

/* Test number n is (type * IOTEST_KINDS + kind). */
typedef struct IOTest {
    MemoryRegion *mr;
    uint8_t buf[HDR_SIZE + IOTEST_NAME_MAX]; /* header and name */
    unsigned bufsize;
    uint32_t offset; /* doorbell */
    unsigned size;   /* ioeventfd size: 0 any, else IOTEST_WIDTH */
    bool match_data;
    uint8_t data;
    int fd; /* eventfd, or -1 for no-eventfd */
} IOTest;

OBJECT_DECLARE_TYPE(PCITestDevState, PCITestDevClass, PCI_TESTDEV)

struct PCITestDevState {
    PCIDevice parent_obj;

    MemoryRegion mmio;
    MemoryRegion portio;
    MemoryRegion membar;
    uint64_t membar_size; /* property */
    IOTest tests[IOTEST_NUM];
    int current; /* the selected test, or IOTEST_NONE */
};

struct PCITestDevClass {
    PCIDeviceClass parent_class;
};

/* ---- Tests ---- */

static uint32_t iotest_count(const IOTest *t)
{
    return t->buf[HDR_COUNT] | t->buf[HDR_COUNT + 1] << 8 |
           t->buf[HDR_COUNT + 2] << 16 | (uint32_t)t->buf[HDR_COUNT + 3] << 24;
}

static void iotest_set_count(IOTest *t, uint32_t count)
{
    for (int i = 0; i < 4; i++) {
        t->buf[HDR_COUNT + i] = count >> (8 * i);
    }
}

/* Drop what the eventfd has counted (the guest is looking at the test). */
static void iotest_clear_eventfd(IOTest *t)
{
    uint64_t v;

    if (t->fd >= 0 && read(t->fd, &v, sizeof(v)) < 0) {
        /* EAGAIN: nothing was counted. */
    }
}

static void iotest_start(IOTest *t)
{
    iotest_set_count(t, 0);
    if (t->fd < 0) {
        return;
    }
    iotest_clear_eventfd(t);
    memory_region_add_eventfd(t->mr, t->offset, t->size, t->match_data, t->data,
                              t->fd);
}

static void iotest_stop(IOTest *t)
{
    if (t->fd >= 0) {
        memory_region_del_eventfd(t->mr, t->offset, t->size, t->match_data,
                                  t->data, t->fd);
    }
}

static void pci_testdev_stop_current(PCITestDevState *d)
{
    if (d->current != IOTEST_NONE) {
        iotest_stop(&d->tests[d->current]);
        d->current = IOTEST_NONE;
    }
}

/* ---- Registers (both BARs; the callbacks see single bytes) ---- */

static uint64_t pci_testdev_read(void *opaque, hwaddr addr, unsigned size)
{
    PCITestDevState *d = opaque;
    IOTest *t;

    if (d->current == IOTEST_NONE) {
        return 0;
    }
    t = &d->tests[d->current];
    if (addr + size >= t->bufsize) {
        return 0;
    }
    iotest_clear_eventfd(t);
    return t->buf[addr];
}

static void pci_testdev_write(PCITestDevState *d, IOTestType type, hwaddr addr,
                              uint64_t val, unsigned size)
{
    IOTest *t;

    if (addr == HDR_TEST) {
        pci_testdev_stop_current(d);
        if (val >= IOTEST_KINDS) {
            return;
        }
        d->current = type * IOTEST_KINDS + (int)val;
        iotest_start(&d->tests[d->current]);
        return;
    }
    if (d->current == IOTEST_NONE) {
        return;
    }
    t = &d->tests[d->current];
    if (addr != t->offset ||
        (t->match_data && (size != IOTEST_WIDTH || val != t->data))) {
        return;
    }
    iotest_set_count(t, iotest_count(t) + 1);
}

static void pci_testdev_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                                   unsigned size)
{
    pci_testdev_write(opaque, IOTEST_MMIO, addr, val, size);
}

static void pci_testdev_pio_write(void *opaque, hwaddr addr, uint64_t val,
                                  unsigned size)
{
    pci_testdev_write(opaque, IOTEST_PORTIO, addr, val, size);
}

/*
 * Any size and alignment the guest uses reaches the device as single
 * bytes, lowest address first, as QEMU's memory core splits them.
 */
static const MemoryRegionOps pci_testdev_mmio_ops = {
    .read = pci_testdev_read,
    .write = pci_testdev_mmio_write,
    .valid = {.min_access_size = 1, .max_access_size = 8, .unaligned = true},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

static const MemoryRegionOps pci_testdev_pio_ops = {
    .read = pci_testdev_read,
    .write = pci_testdev_pio_write,
    .valid = {.min_access_size = 1, .max_access_size = 4, .unaligned = true},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

/* ---- realize / exit ---- */

static void pci_testdev_instance_init(Object *obj)
{
    PCITestDevState *d = PCI_TESTDEV(obj);

    d->current = IOTEST_NONE;
    for (int i = 0; i < IOTEST_NUM; i++) {
        d->tests[i].fd = -1;
    }
}

static void iotest_init(PCITestDevState *d, int n)
{
    IOTest *t = &d->tests[n];
    IOTestType type = n / IOTEST_KINDS;
    IOTestKind kind = n % IOTEST_KINDS;
    size_t len;

    memset(t, 0, sizeof(*t));
    t->mr = type == IOTEST_MMIO ? &d->mmio : &d->portio;
    t->offset = (type == IOTEST_MMIO ? IOTEST_MMIO_HALF : IOTEST_PIO_HALF) +
                n * IOTEST_WIDTH;
    t->match_data = kind != IOTEST_WILDCARD_EVENTFD;
    t->data = t->match_data ? IOTEST_DATAMATCH : IOTEST_NOMATCH;
    /* As QEMU on a KVM with any-length ioeventfds: MMIO wildcards. */
    t->size = type == IOTEST_MMIO && !t->match_data ? 0 : IOTEST_WIDTH;
    t->fd = -1;
    len = g_snprintf((char *)t->buf + HDR_NAME, IOTEST_NAME_MAX, "%s-%s",
                     iotest_type_names[type], iotest_kind_names[kind]);
    t->bufsize = HDR_SIZE + len + 1;
    t->buf[HDR_TEST] = n;
    t->buf[HDR_WIDTH] = IOTEST_WIDTH;
    for (int i = 0; i < 4; i++) {
        t->buf[HDR_OFFSET + i] = t->offset >> (8 * i);
    }
    t->buf[HDR_DATA] = t->data;
}

static void pci_testdev_exit(PCIDevice *pd)
{
    PCITestDevState *d = PCI_TESTDEV(pd);

    pci_testdev_stop_current(d);
    for (int i = 0; i < IOTEST_NUM; i++) {
        if (d->tests[i].fd >= 0) {
            close(d->tests[i].fd);
            d->tests[i].fd = -1;
        }
    }
    memory_region_destroy(&d->mmio);
    memory_region_destroy(&d->portio);
    memory_region_destroy(&d->membar);
}

static void pci_testdev_realize(PCIDevice *pd, Error **errp)
{
    PCITestDevState *d = PCI_TESTDEV(pd);

    if (d->membar_size &&
        (d->membar_size & (d->membar_size - 1) || d->membar_size < 16)) {
        error_setg(errp,
                   "membar=%" PRIu64 " is not a power of two of "
                   "at least 16 bytes",
                   d->membar_size);
        return;
    }
    pd->config[PCI_INTERRUPT_PIN] = 0; /* no interrupt */
    memory_region_init_io(&d->mmio, OBJECT(d), &pci_testdev_mmio_ops, d,
                          "pci-testdev-mmio", IOTEST_MMIO_HALF * 2);
    memory_region_init_io(&d->portio, OBJECT(d), &pci_testdev_pio_ops, d,
                          "pci-testdev-portio", IOTEST_PIO_HALF * 2);
    pci_register_bar(pd, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &d->mmio);
    pci_register_bar(pd, 1, PCI_BASE_ADDRESS_SPACE_IO, &d->portio);
    if (d->membar_size) {
        memory_region_init(&d->membar, OBJECT(d), "pci-testdev-membar",
                           d->membar_size);
        pci_register_bar(pd, 2,
                         PCI_BASE_ADDRESS_SPACE_MEMORY |
                             PCI_BASE_ADDRESS_MEM_PREFETCH |
                             PCI_BASE_ADDRESS_MEM_TYPE_64,
                         &d->membar);
    }

    d->current = IOTEST_NONE;
    for (int i = 0; i < IOTEST_NUM; i++) {
        iotest_init(d, i);
    }
    for (int i = 0; i < IOTEST_NUM; i++) {
        IOTest *t = &d->tests[i];

        if (i % IOTEST_KINDS == IOTEST_NO_EVENTFD) {
            continue;
        }
        t->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (t->fd < 0) {
            error_setg_errno(errp, errno, "cannot create an eventfd");
            pci_testdev_exit(pd);
            return;
        }
    }
}

/* ---- reset ---- */

static void pci_testdev_reset(DeviceState *dev)
{
    PCITestDevState *d = PCI_TESTDEV(dev);

    pci_testdev_stop_current(d);
}

/* ---- Properties and class ---- */

static const Property pci_testdev_props[] = {
    DEFINE_PROP_SIZE("membar", PCITestDevState, membar_size, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static void pci_testdev_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = pci_testdev_realize;
    pc->exit = pci_testdev_exit;
    pc->vendor_id = PCI_TESTDEV_VENDOR_ID;
    pc->device_id = PCI_TESTDEV_DEVICE_ID;
    pc->revision = 0;
    pc->class_id = PCI_CLASS_OTHERS;
    pc->subsystem_vendor_id = PCI_TESTDEV_SUBSYS_VENDOR;
    pc->subsystem_id = PCI_TESTDEV_SUBSYS_ID;
    dc->reset = pci_testdev_reset; /* the PCI part is the bus's */
    dc->desc = "PCI Test Device";
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    dc->user_creatable = true;
    device_class_set_props(dc, pci_testdev_props);
}

static const TypeInfo pci_testdev_types[] = {
    {
        .name = TYPE_PCI_TESTDEV,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PCITestDevState),
        .instance_init = pci_testdev_instance_init,
        .class_size = sizeof(PCITestDevClass),
        .class_init = pci_testdev_class_init,
    },
};

DEFINE_TYPES(pci_testdev_types)
