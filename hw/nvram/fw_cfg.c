/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fw_cfg device, I/O port variant, following QEMU's docs/specs/fw_cfg:
 * numbered entries and a sorted file directory, read byte by byte through
 * the data port or in bulk by DMA.  Guest DMA only ever reaches RAM through
 * dma_memory_read/write; a descriptor or buffer outside RAM ends the
 * transfer with the error bit, as QEMU does.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/core/machine.h"
#include "hw/core/qdev-properties.h"
#include "exec/memory.h"
#include "hw/nvram/fw_cfg.h"

typedef struct FWCfgEntry {
    uint32_t len;
    bool allow_write;
    uint8_t *data; /* owned, except FILE_DIR's (s->files) */
    FWCfgCallback select_cb;
    FWCfgWriteCallback write_cb;
    void *callback_opaque;
} FWCfgEntry;

/* The FILE_DIR blob: a BE32 count, then the entries, sorted by name. */
typedef struct FWCfgFiles {
    uint32_t count;
    FWCfgFile f[FW_CFG_FILE_SLOTS];
} FWCfgFiles;

struct FWCfgState {
    SysBusDevice parent_obj;

    /* Properties. */
    uint32_t iobase;
    uint32_t dma_iobase;
    bool dma_enabled;

    MemoryRegion comb_io; /* selector + data */
    MemoryRegion dma_io;
    AddressSpace *dma_as;

    FWCfgEntry entries[2][FW_CFG_MAX_ENTRY]; /* [arch-local][key] */
    FWCfgFiles files;
    uint16_t cur_entry;
    uint32_t cur_offset;
    uint64_t dma_addr; /* high half latched until the low half comes */
};

static FWCfgEntry *fw_cfg_entry(FWCfgState *s, uint16_t key)
{
    unsigned index = key & FW_CFG_ENTRY_MASK;

    if (index >= FW_CFG_MAX_ENTRY) {
        return NULL;
    }
    return &s->entries[!!(key & FW_CFG_ARCH_LOCAL)][index];
}

static FWCfgEntry *fw_cfg_entry_checked(FWCfgState *s, uint16_t key)
{
    FWCfgEntry *e = fw_cfg_entry(s, key);

    if (!e || key == FW_CFG_FILE_DIR) {
        error_report("fw_cfg: key 0x%x is out of range or reserved", key);
        abort();
    }
    return e;
}

static void fw_cfg_entry_set(FWCfgEntry *e, const void *data, size_t len)
{
    g_free(e->data);
    e->data = g_memdup2(data, len);
    e->len = len;
}

/* ---- Guest interface ---------------------------------------------------- */

static void fw_cfg_select(FWCfgState *s, uint16_t key)
{
    FWCfgEntry *e = fw_cfg_entry(s, key);

    s->cur_offset = 0;
    if (!e) {
        s->cur_entry = FW_CFG_INVALID;
        return;
    }
    s->cur_entry = key;
    if (e->select_cb) {
        e->select_cb(e->callback_opaque);
    }
}

static FWCfgEntry *fw_cfg_current(FWCfgState *s)
{
    return s->cur_entry == FW_CFG_INVALID ? NULL
                                          : fw_cfg_entry(s, s->cur_entry);
}

static uint8_t fw_cfg_read_byte(FWCfgState *s)
{
    FWCfgEntry *e = fw_cfg_current(s);

    if (!e || !e->data || s->cur_offset >= e->len) {
        return 0;
    }
    return e->data[s->cur_offset++];
}

/* Write the control word back into the descriptor (big-endian). */
static void fw_cfg_dma_complete(FWCfgState *s, hwaddr desc, uint32_t control)
{
    uint32_t be = GUINT32_TO_BE(control);

    dma_memory_write(s->dma_as, desc + offsetof(FWCfgDmaAccess, control), &be,
                     sizeof(be));
}

/* Fill guest RAM with zeros, a page at a time. */
static bool fw_cfg_dma_zero(FWCfgState *s, uint64_t addr, uint32_t len)
{
    static const uint8_t zeros[4096];

    while (len) {
        uint32_t n = MIN(len, sizeof(zeros));

        if (dma_memory_write(s->dma_as, addr, zeros, n) != MEMTX_OK) {
            return false;
        }
        addr += n;
        len -= n;
    }
    return true;
}

/*
 * One piece of a transfer: len bytes to or from the current entry (at most
 * what is left of it), or past its end, where reads give zeros and writes
 * fail.  want is what the guest asked for in all.
 */
static bool fw_cfg_dma_chunk(FWCfgState *s, FWCfgEntry *e, bool in_entry,
                             bool read, bool write, uint64_t addr, uint32_t len,
                             uint32_t want)
{
    if (!in_entry) {
        return read ? fw_cfg_dma_zero(s, addr, len) : !write;
    }
    if (read) {
        return dma_memory_write(s->dma_as, addr, &e->data[s->cur_offset],
                                len) == MEMTX_OK;
    }
    if (write) {
        if (!e->allow_write || len != want ||
            dma_memory_read(s->dma_as, addr, &e->data[s->cur_offset], len) !=
                MEMTX_OK) {
            return false;
        }
        if (e->write_cb) {
            e->write_cb(e->callback_opaque, s->cur_offset, len);
        }
    }
    return true;
}

static void fw_cfg_dma_transfer(FWCfgState *s)
{
    hwaddr desc = s->dma_addr;
    FWCfgDmaAccess dma;
    uint32_t control, length;
    uint64_t addr;
    bool read = false, write = false;
    FWCfgEntry *e;

    s->dma_addr = 0;
    if (dma_memory_read(s->dma_as, desc, &dma, sizeof(dma)) != MEMTX_OK) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "fw_cfg: DMA descriptor at 0x%" PRIx64 " is not in RAM\n",
                      desc);
        fw_cfg_dma_complete(s, desc, FW_CFG_DMA_CTL_ERROR);
        return;
    }
    control = GUINT32_FROM_BE(dma.control);
    length = GUINT32_FROM_BE(dma.length);
    addr = GUINT64_FROM_BE(dma.address);

    if (control & FW_CFG_DMA_CTL_SELECT) {
        fw_cfg_select(s, control >> 16);
    }
    if (control & FW_CFG_DMA_CTL_READ) {
        read = true;
    } else if (control & FW_CFG_DMA_CTL_WRITE) {
        write = true;
    } else if (!(control & FW_CFG_DMA_CTL_SKIP)) {
        length = 0;
    }
    e = fw_cfg_current(s);
    control = 0;
    while (length > 0) {
        bool in_entry = e && e->data && s->cur_offset < e->len;
        uint32_t len = in_entry ? MIN(length, e->len - s->cur_offset) : length;

        if (!fw_cfg_dma_chunk(s, e, in_entry, read, write, addr, len, length)) {
            kemu_log_mask(LOG_GUEST_ERROR,
                          "fw_cfg: DMA %s of %u bytes at "
                          "0x%" PRIx64 " failed\n",
                          read ? "read" : "write", len, addr);
            control = FW_CFG_DMA_CTL_ERROR;
            break;
        }
        if (in_entry) {
            s->cur_offset += len;
        }
        addr += len;
        length -= len;
    }
    fw_cfg_dma_complete(s, desc, control);
}

/* ---- Registers ---------------------------------------------------------- */

/*
 * The selector/data pair: a 16-bit write anywhere selects, a byte read
 * anywhere reads data, as QEMU's combined port does.
 */
static uint64_t fw_cfg_comb_read(void *opaque, hwaddr addr, unsigned size)
{
    FWCfgState *s = opaque;

    if (size != 1) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "fw_cfg: %u-byte read of the data "
                      "port\n",
                      size);
        return ~0ULL;
    }
    return fw_cfg_read_byte(s);
}

static void fw_cfg_comb_write(void *opaque, hwaddr addr, uint64_t val,
                              unsigned size)
{
    FWCfgState *s = opaque;

    if (size == 2) {
        fw_cfg_select(s, val);
    } else {
        kemu_log_mask(LOG_GUEST_ERROR, "fw_cfg: write to the data port "
                                       "ignored (use DMA)\n");
    }
}

static const MemoryRegionOps fw_cfg_comb_ops = {
    .read = fw_cfg_comb_read,
    .write = fw_cfg_comb_write,
    .valid = {.min_access_size = 1, .max_access_size = 2},
    .impl = {.min_access_size = 1, .max_access_size = 2},
};

/* Reads give the "QEMU CFG" signature in port order. */
static uint64_t fw_cfg_dma_read(void *opaque, hwaddr addr, unsigned size)
{
    uint64_t val = 0;

    for (unsigned i = 0; i < size && addr + i < 8; i++) {
        uint8_t byte = FW_CFG_DMA_SIGNATURE >> (8 * (7 - (addr + i)));

        val |= (uint64_t)byte << (8 * i);
    }
    return val;
}

/*
 * The address register is big-endian in port order: a 32-bit write at +0
 * sets the high half, at +4 the low half and starts the transfer.
 */
static void fw_cfg_dma_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    FWCfgState *s = opaque;

    if (size == 4 && addr == 0) {
        s->dma_addr = (uint64_t)GUINT32_SWAP_LE_BE((uint32_t)val) << 32;
    } else if (size == 4 && addr == 4) {
        s->dma_addr |= GUINT32_SWAP_LE_BE((uint32_t)val);
        fw_cfg_dma_transfer(s);
    } else if (size == 8 && addr == 0) {
        s->dma_addr = GUINT64_SWAP_LE_BE(val);
        fw_cfg_dma_transfer(s);
    } else {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "fw_cfg: %u-byte DMA register write "
                      "at +%" HWADDR_PRIx " ignored\n",
                      size, addr);
    }
}

static const MemoryRegionOps fw_cfg_dma_ops = {
    .read = fw_cfg_dma_read,
    .write = fw_cfg_dma_write,
    .valid = {.min_access_size = 1, .max_access_size = 8},
    .impl = {.min_access_size = 1, .max_access_size = 8},
};

/* ---- Board interface ---------------------------------------------------- */

void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data, size_t len)
{
    FWCfgEntry *e = fw_cfg_entry_checked(s, key);

    if (e->data) {
        error_report("fw_cfg: key 0x%x is already set", key);
        abort();
    }
    fw_cfg_entry_set(e, data, len);
}

void fw_cfg_modify_bytes(FWCfgState *s, uint16_t key, const void *data,
                         size_t len)
{
    fw_cfg_entry_set(fw_cfg_entry_checked(s, key), data, len);
}

void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *value)
{
    fw_cfg_add_bytes(s, key, value, strlen(value) + 1);
}

void fw_cfg_modify_string(FWCfgState *s, uint16_t key, const char *value)
{
    fw_cfg_modify_bytes(s, key, value, strlen(value) + 1);
}

void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value)
{
    uint16_t le = GUINT16_TO_LE(value);

    fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

void fw_cfg_modify_i16(FWCfgState *s, uint16_t key, uint16_t value)
{
    uint16_t le = GUINT16_TO_LE(value);

    fw_cfg_modify_bytes(s, key, &le, sizeof(le));
}

void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value)
{
    uint32_t le = GUINT32_TO_LE(value);

    fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

void fw_cfg_modify_i32(FWCfgState *s, uint16_t key, uint32_t value)
{
    uint32_t le = GUINT32_TO_LE(value);

    fw_cfg_modify_bytes(s, key, &le, sizeof(le));
}

void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value)
{
    uint64_t le = GUINT64_TO_LE(value);

    fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

void fw_cfg_modify_i64(FWCfgState *s, uint16_t key, uint64_t value)
{
    uint64_t le = GUINT64_TO_LE(value);

    fw_cfg_modify_bytes(s, key, &le, sizeof(le));
}

/* The index of filename in the directory, or -1. */
static int fw_cfg_file_index(FWCfgState *s, const char *filename)
{
    uint32_t count = GUINT32_FROM_BE(s->files.count);

    for (uint32_t i = 0; i < count; i++) {
        if (!strcmp(s->files.f[i].name, filename)) {
            return i;
        }
    }
    return -1;
}

/* Keep FILE_DIR's entry in step with the directory. */
static void fw_cfg_update_dir(FWCfgState *s)
{
    FWCfgEntry *dir = &s->entries[0][FW_CFG_FILE_DIR];
    uint32_t count = GUINT32_FROM_BE(s->files.count);

    for (uint32_t i = 0; i < count; i++) {
        s->files.f[i].select = GUINT16_TO_BE(FW_CFG_FILE_FIRST + i);
    }
    dir->data = (uint8_t *)&s->files;
    dir->len = sizeof(uint32_t) + count * sizeof(FWCfgFile);
}

void fw_cfg_add_file_callback(FWCfgState *s, const char *filename,
                              FWCfgCallback select_cb,
                              FWCfgWriteCallback write_cb, void *opaque,
                              const void *data, size_t len, bool read_only)
{
    uint32_t count = GUINT32_FROM_BE(s->files.count);
    FWCfgEntry *files = &s->entries[0][FW_CFG_FILE_FIRST];
    uint32_t index = 0;

    if (!*filename || strlen(filename) >= FW_CFG_MAX_FILE_PATH ||
        fw_cfg_file_index(s, filename) >= 0 || count >= FW_CFG_FILE_SLOTS) {
        error_report("fw_cfg: cannot add file '%s' (empty, too long, a "
                     "duplicate, or all %d slots used)",
                     filename, FW_CFG_FILE_SLOTS);
        abort();
    }
    while (index < count && strcmp(filename, s->files.f[index].name) > 0) {
        index++;
    }
    memmove(&s->files.f[index + 1], &s->files.f[index],
            (count - index) * sizeof(FWCfgFile));
    memmove(&files[index + 1], &files[index],
            (count - index) * sizeof(FWCfgEntry));
    memset(&files[index], 0, sizeof(FWCfgEntry));
    memset(&s->files.f[index], 0, sizeof(FWCfgFile));

    fw_cfg_entry_set(&files[index], data, len);
    files[index].allow_write = !read_only;
    files[index].select_cb = select_cb;
    files[index].write_cb = write_cb;
    files[index].callback_opaque = opaque;
    s->files.f[index].size = GUINT32_TO_BE(len);
    g_strlcpy(s->files.f[index].name, filename, FW_CFG_MAX_FILE_PATH);
    s->files.count = GUINT32_TO_BE(count + 1);
    fw_cfg_update_dir(s);
}

void fw_cfg_add_file(FWCfgState *s, const char *filename, const void *data,
                     size_t len)
{
    fw_cfg_add_file_callback(s, filename, NULL, NULL, NULL, data, len, true);
}

void fw_cfg_modify_file(FWCfgState *s, const char *filename, const void *data,
                        size_t len)
{
    int index = fw_cfg_file_index(s, filename);

    if (index < 0) {
        fw_cfg_add_file(s, filename, data, len);
        return;
    }
    fw_cfg_entry_set(&s->entries[0][FW_CFG_FILE_FIRST + index], data, len);
    s->files.f[index].size = GUINT32_TO_BE(len);
}

bool fw_cfg_dma_enabled(FWCfgState *s)
{
    return s->dma_enabled;
}

/* ---- Realize, reset ----------------------------------------------------- */

static void fw_cfg_instance_init(Object *obj)
{
    FWCfgState *s = FW_CFG_IO(obj);

    s->cur_entry = FW_CFG_INVALID;
    fw_cfg_update_dir(s);
}

static void fw_cfg_instance_finalize(Object *obj)
{
    FWCfgState *s = FW_CFG_IO(obj);

    for (int arch = 0; arch < 2; arch++) {
        for (int key = 0; key < FW_CFG_MAX_ENTRY; key++) {
            if (arch || key != FW_CFG_FILE_DIR) {
                g_free(s->entries[arch][key].data);
            }
        }
    }
}

static void fw_cfg_realize(DeviceState *dev, Error **errp)
{
    FWCfgState *s = FW_CFG_IO(dev);
    MachineState *ms = sysbus_machine(dev);
    static const uint8_t zero_uuid[16];
    uint32_t version = FW_CFG_VERSION;

    if (!ms || !ms->as_memory) {
        error_setg(errp, "fw_cfg_io: the machine has no memory");
        return;
    }
    if (s->iobase > 0xfffe || (s->dma_enabled && s->dma_iobase > 0xfff8)) {
        error_setg(errp,
                   "fw_cfg_io: iobase 0x%x / dma_iobase 0x%x are not "
                   "I/O ports",
                   s->iobase, s->dma_iobase);
        return;
    }
    s->dma_as = ms->as_memory;
    if (s->dma_enabled) {
        version |= FW_CFG_VERSION_DMA;
    }
    fw_cfg_modify_bytes(s, FW_CFG_SIGNATURE, "QEMU", FW_CFG_SIG_SIZE);
    fw_cfg_modify_i32(s, FW_CFG_ID, version);
    if (!fw_cfg_entry(s, FW_CFG_UUID)->data) {
        fw_cfg_add_bytes(s, FW_CFG_UUID, zero_uuid, sizeof(zero_uuid));
    }
    if (!fw_cfg_entry(s, FW_CFG_NOGRAPHIC)->data) {
        fw_cfg_add_i16(s, FW_CFG_NOGRAPHIC, ms->nographic);
    }
    if (!fw_cfg_entry(s, FW_CFG_BOOT_MENU)->data) {
        fw_cfg_add_i16(s, FW_CFG_BOOT_MENU, 0);
    }

    memory_region_init_io(&s->comb_io, s, &fw_cfg_comb_ops, s, "fwcfg", 2);
    memory_region_add_subregion(sysbus_io(dev), s->iobase, &s->comb_io);
    if (s->dma_enabled) {
        memory_region_init_io(&s->dma_io, s, &fw_cfg_dma_ops, s, "fwcfg.dma",
                              8);
        memory_region_add_subregion(sysbus_io(dev), s->dma_iobase, &s->dma_io);
    }
}

static void fw_cfg_unrealize(DeviceState *dev)
{
    FWCfgState *s = FW_CFG_IO(dev);

    memory_region_destroy(&s->comb_io);
    memory_region_destroy(&s->dma_io);
}

static void fw_cfg_reset(DeviceState *dev)
{
    FWCfgState *s = FW_CFG_IO(dev);

    s->dma_addr = 0;
    fw_cfg_select(s, FW_CFG_SIGNATURE);
}

static const Property fw_cfg_properties[] = {
    DEFINE_PROP_UINT32("iobase", FWCfgState, iobase, FW_CFG_IO_BASE),
    DEFINE_PROP_UINT32("dma_iobase", FWCfgState, dma_iobase,
                       FW_CFG_DMA_IO_BASE),
    DEFINE_PROP_BOOL("dma_enabled", FWCfgState, dma_enabled, true),
    DEFINE_PROP_END_OF_LIST(),
};

static void fw_cfg_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = fw_cfg_realize;
    dc->unrealize = fw_cfg_unrealize;
    dc->reset = fw_cfg_reset;
    dc->desc = "QEMU firmware configuration interface (I/O ports)";
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    device_class_set_props(dc, fw_cfg_properties);
}

static const TypeInfo fw_cfg_type = {
    .name = TYPE_FW_CFG_IO,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(FWCfgState),
    .instance_init = fw_cfg_instance_init,
    .instance_finalize = fw_cfg_instance_finalize,
    .class_init = fw_cfg_class_init,
};

static void fw_cfg_register_types(void)
{
    type_register_static(&fw_cfg_type);
}

type_init(fw_cfg_register_types)
