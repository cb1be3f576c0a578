/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pc-testdev: the ISA test device kvm-unit-tests' x86 tests drive, with the
 * ports and semantics of QEMU's: a 32-bit data register at ports 0xe0-0xe3
 * (accessed whole) and again at 0xe8-0xeb (accessed a byte at a time), a
 * "flush page" port at 0xe4 that makes KVM drop its mappings of a guest
 * page, one port per interrupt line at 0x2000-0x2017 (write 1 to raise
 * GSI n, 0 to lower it), and 64 KiB of read-back memory at 0xff000000.
 * Nothing is reset: the data stays as the guest left it, as in QEMU.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/core/irq.h"
#include "hw/core/machine.h"
#include "hw/core/sysbus.h"
#include "exec/memory.h"
#include <sys/mman.h>

#define TYPE_PC_TESTDEV "pc-testdev"

#define PC_TESTDEV_IOPORT      0xe0 /* data register, whole accesses */
#define PC_TESTDEV_FLUSH       0xe4 /* write a guest address: flush its page */
#define PC_TESTDEV_IOPORT_BYTE 0xe8 /* the same register, byte by byte */
#define PC_TESTDEV_IOPORT_SIZE 4
#define PC_TESTDEV_IRQ         0x2000 /* + n: drive GSI n */
#define PC_TESTDEV_IRQ_LINES   24
#define PC_TESTDEV_IOMEM       0xff000000u
#define PC_TESTDEV_IOMEM_SIZE  0x10000
#define PC_TESTDEV_PAGE_SIZE   4096

OBJECT_DECLARE_SIMPLE_TYPE(PCTestDevState, PC_TESTDEV)

struct PCTestDevState {
    SysBusDevice parent_obj;

    MemoryRegion ioport;
    MemoryRegion ioport_byte;
    MemoryRegion flush;
    MemoryRegion irq;
    MemoryRegion iomem;
    uint32_t ioport_data;
    uint8_t iomem_buf[PC_TESTDEV_IOMEM_SIZE];
};

/* ---- The data register (0xe0 and 0xe8) ---- */

/* The bits of the register that an access of @size at @addr covers. */
static uint32_t ioport_mask(hwaddr addr, unsigned size)
{
    return (uint32_t)(UINT32_MAX >> (32 - size * 8)) << ((addr & 3) * 8);
}

static uint64_t ioport_read(void *opaque, hwaddr addr, unsigned size)
{
    PCTestDevState *s = opaque;

    return (s->ioport_data & ioport_mask(addr, size)) >> ((addr & 3) * 8);
}

static void ioport_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PCTestDevState *s = opaque;
    uint32_t mask = ioport_mask(addr, size);

    s->ioport_data =
        (s->ioport_data & ~mask) | (((uint32_t)val << ((addr & 3) * 8)) & mask);
}

static const MemoryRegionOps ioport_ops = {
    .read = ioport_read,
    .write = ioport_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
};

/* The guest sees the same register; the callbacks see one byte at a time. */
static const MemoryRegionOps ioport_byte_ops = {
    .read = ioport_read,
    .write = ioport_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

/* ---- Flush page (0xe4) ---- */

/*
 * Take the guest page holding @val away from the host process and give it
 * back: the kernel's MMU notifiers make KVM drop its mappings of the page,
 * so the guest's next access faults it in again (kvm-unit-tests uses this
 * to test the emulator against stale translations).  The contents stay.
 */
static void flush_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PCTestDevState *s = opaque;
    AddressSpace *as = sysbus_machine(DEVICE(s))->as_memory;
    hwaddr page = val & ~(hwaddr)(PC_TESTDEV_PAGE_SIZE - 1);
    hwaddr len = PC_TESTDEV_PAGE_SIZE;
    void *host = dma_memory_map(as, page, &len, false);

    if (!host) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "pc-testdev: flush of 0x%" HWADDR_PRIx
                      ", which is not RAM\n",
                      page);
        return;
    }
    if (mprotect(host, len, PROT_NONE) == 0) {
        mprotect(host, len, PROT_READ | PROT_WRITE);
    }
    dma_memory_unmap(as, host, len, false, 0);
}

static const MemoryRegionOps flush_ops = {
    .write = flush_write,
    .valid = {.min_access_size = 4, .max_access_size = 4},
};

/* ---- Interrupt lines (0x2000 + n) ---- */

static void irq_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    qemu_set_irq(sysbus_get_irq(DEVICE(opaque), (int)addr), val != 0);
}

static const MemoryRegionOps irq_ops = {
    .write = irq_write,
    .valid = {.min_access_size = 1, .max_access_size = 1},
};

/* ---- Test memory (0xff000000) ---- */

/*
 * Any size, any alignment, as QEMU's memory core makes of a guest's access
 * (it splits what the region does not take); the core keeps an access
 * inside the region.
 */
static uint64_t iomem_read(void *opaque, hwaddr addr, unsigned size)
{
    PCTestDevState *s = opaque;
    uint64_t val = 0;

    memcpy(&val, &s->iomem_buf[addr], size);
    return val;
}

static void iomem_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PCTestDevState *s = opaque;

    memcpy(&s->iomem_buf[addr], &val, size);
}

static const MemoryRegionOps iomem_ops = {
    .read = iomem_read,
    .write = iomem_write,
    .valid = {.min_access_size = 1, .max_access_size = 8, .unaligned = true},
    .impl = {.min_access_size = 1, .max_access_size = 8, .unaligned = true},
};

/* ---- realize / unrealize ---- */

static void pc_testdev_realize(DeviceState *dev, Error **errp)
{
    PCTestDevState *s = PC_TESTDEV(dev);
    MemoryRegion *io = sysbus_io(dev);

    memory_region_init_io(&s->ioport, s, &ioport_ops, s, "pc-testdev-ioport",
                          PC_TESTDEV_IOPORT_SIZE);
    memory_region_init_io(&s->ioport_byte, s, &ioport_byte_ops, s,
                          "pc-testdev-ioport-byte", PC_TESTDEV_IOPORT_SIZE);
    memory_region_init_io(&s->flush, s, &flush_ops, s, "pc-testdev-flush-page",
                          PC_TESTDEV_IOPORT_SIZE);
    memory_region_init_io(&s->irq, s, &irq_ops, s, "pc-testdev-irq-line",
                          PC_TESTDEV_IRQ_LINES);
    memory_region_init_io(&s->iomem, s, &iomem_ops, s, "pc-testdev-iomem",
                          PC_TESTDEV_IOMEM_SIZE);

    memory_region_transaction_begin();
    memory_region_add_subregion(io, PC_TESTDEV_IOPORT, &s->ioport);
    memory_region_add_subregion(io, PC_TESTDEV_FLUSH, &s->flush);
    memory_region_add_subregion(io, PC_TESTDEV_IOPORT_BYTE, &s->ioport_byte);
    memory_region_add_subregion(io, PC_TESTDEV_IRQ, &s->irq);
    memory_region_add_subregion(sysbus_mem(dev), PC_TESTDEV_IOMEM, &s->iomem);
    memory_region_transaction_commit();
}

static void pc_testdev_unrealize(DeviceState *dev)
{
    PCTestDevState *s = PC_TESTDEV(dev);

    memory_region_destroy(&s->ioport);
    memory_region_destroy(&s->ioport_byte);
    memory_region_destroy(&s->flush);
    memory_region_destroy(&s->irq);
    memory_region_destroy(&s->iomem);
}

static void pc_testdev_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = pc_testdev_realize;
    dc->unrealize = pc_testdev_unrealize;
    dc->desc = "x86 test device for kvm-unit-tests (ports 0xe0-0xeb, "
               "0x2000-0x2017, memory at 0xff000000)";
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    dc->user_creatable = true;
}

static const TypeInfo pc_testdev_types[] = {
    {
        .name = TYPE_PC_TESTDEV,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(PCTestDevState),
        .class_init = pc_testdev_class_init,
    },
};

DEFINE_TYPES(pc_testdev_types)
