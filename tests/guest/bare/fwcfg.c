/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Check "fwcfg": QEMU's firmware configuration device, as documented in
 * QEMU's docs/specs/fw_cfg.rst.  Port interface (selector 0x510, data 0x511):
 * signature, ID, RAM size, CPU count, file directory.  DMA interface (0x514,
 * when ID bit 1 is set): its signature, and the same data read by DMA, with
 * SELECT, READ and SKIP.
 */
#include "lib.h"

#define FW_CFG_PORT_SEL      0x510
#define FW_CFG_PORT_DATA     0x511
#define FW_CFG_PORT_DMA_HIGH 0x514
#define FW_CFG_PORT_DMA_LOW  0x518

#define FW_CFG_SIGNATURE      0x0000
#define FW_CFG_ID             0x0001
#define FW_CFG_RAM_SIZE       0x0003
#define FW_CFG_NB_CPUS        0x0005
#define FW_CFG_FILE_DIR       0x0019
#define FW_CFG_FILE_FIRST     0x0020
#define FW_CFG_ID_TRADITIONAL 0x1
#define FW_CFG_ID_DMA         0x2

#define FW_CFG_DMA_CTL_ERROR     0x01
#define FW_CFG_DMA_CTL_READ      0x02
#define FW_CFG_DMA_CTL_SKIP      0x04
#define FW_CFG_DMA_CTL_SELECT    0x08
#define FW_CFG_DMA_SELECT_SHIFT  16
#define FW_CFG_DMA_SIGNATURE     "QEMU CFG"
#define FW_CFG_DMA_SIGNATURE_LEN 8
#define FW_CFG_MAX_FILE_PATH     56
#define FW_CFG_SIGNATURE_LEN     4
#define FW_CFG_SIGNATURE_TEXT    "QEMU"
#define FW_CFG_DMA_ACCESS_ALIGN  8
#define DMA_ADDR_LOW_SHIFT       32

#define EXPECTED_RAM_SIZE (128ull * 1024 * 1024) /* run.sh: -m 128M */
#define EXPECTED_CPUS     1
#define MAX_FILES         64
#define FILE_SAMPLE_BYTES 256
#define SKIP_BYTES        4
#define BYTE_BITS         8

const char test_name[] = "fwcfg";

struct fw_cfg_file {
    uint32_t size;   /* big-endian */
    uint16_t select; /* big-endian */
    uint16_t reserved;
    char name[FW_CFG_MAX_FILE_PATH];
};

struct fw_cfg_dma_access {
    uint32_t control; /* all big-endian */
    uint32_t length;
    uint64_t address;
};

static struct {
    uint32_t count;
    struct fw_cfg_file files[MAX_FILES];
} dir_port, dir_dma;
static uint8_t sample_port[FILE_SAMPLE_BYTES];
static uint8_t sample_dma[FILE_SAMPLE_BYTES];
static volatile struct fw_cfg_dma_access dma_access
    __attribute__((aligned(FW_CFG_DMA_ACCESS_ALIGN)));

static void port_select(uint16_t key)
{
    outw(FW_CFG_PORT_SEL, key);
}

static void port_read(void *buf, uint32_t len)
{
    uint8_t *p = buf;

    while (len--) {
        *p++ = inb(FW_CFG_PORT_DATA);
    }
}

static uint64_t read_le(uint16_t key, unsigned bytes)
{
    uint8_t buf[sizeof(uint64_t)];
    uint64_t v = 0;

    port_select(key);
    port_read(buf, bytes);
    while (bytes--) {
        v = (v << BYTE_BITS) | buf[bytes];
    }
    return v;
}

static uint16_t bswap16(uint16_t v)
{
    return __builtin_bswap16(v);
}

/* One DMA transfer; returns the final control word (host order). */
static uint32_t dma_transfer(uint32_t control, void *buf, uint32_t len)
{
    uint32_t addr = (uint32_t)(uintptr_t)&dma_access;

    dma_access.control = bswap32(control);
    dma_access.length = bswap32(len);
    /* Big-endian 64-bit: the low half of the address goes last. */
    dma_access.address = (uint64_t)bswap32((uint32_t)(uintptr_t)buf)
                         << DMA_ADDR_LOW_SHIFT;
    __asm__ volatile("" ::: "memory");
    outl(FW_CFG_PORT_DMA_HIGH, 0);
    outl(FW_CFG_PORT_DMA_LOW, bswap32(addr)); /* starts the transfer */
    __asm__ volatile("" ::: "memory");
    return bswap32(dma_access.control);
}

static void dma_read(uint16_t key, int select, void *buf, uint32_t len)
{
    uint32_t ctl = FW_CFG_DMA_CTL_READ;
    uint32_t result;

    if (select) {
        ctl |=
            FW_CFG_DMA_CTL_SELECT | ((uint32_t)key << FW_CFG_DMA_SELECT_SHIFT);
    }
    result = dma_transfer(ctl, buf, len);
    if (result != 0) {
        test_fail("DMA read of key %x (%u bytes) ended with control %x", key,
                  len, result);
    }
}

static int name_terminated(const char *name)
{
    for (unsigned i = 0; i < FW_CFG_MAX_FILE_PATH; i++) {
        if (!name[i]) {
            return 1;
        }
    }
    return 0;
}

static void check_port_items(void)
{
    char sig[FW_CFG_SIGNATURE_LEN];
    uint32_t id;
    uint64_t ram;
    uint32_t cpus;

    port_select(FW_CFG_SIGNATURE);
    port_read(sig, sizeof(sig));
    if (memcmp(sig, FW_CFG_SIGNATURE_TEXT, sizeof(sig)) != 0) {
        test_fail("signature %02x %02x %02x %02x, want 'QEMU'", sig[0], sig[1],
                  sig[2], sig[3]);
    }
    id = (uint32_t)read_le(FW_CFG_ID, sizeof(uint32_t));
    ram = read_le(FW_CFG_RAM_SIZE, sizeof(uint64_t));
    cpus = (uint32_t)read_le(FW_CFG_NB_CPUS, sizeof(uint16_t));
    printf("fwcfg: signature QEMU, id %x, ram %llx, cpus %u\n", id, ram, cpus);
    if (!(id & FW_CFG_ID_TRADITIONAL)) {
        test_fail("ID %x: traditional interface bit clear", id);
    }
    if (ram != EXPECTED_RAM_SIZE) {
        test_fail("RAM size %llx, want %llx", ram, EXPECTED_RAM_SIZE);
    }
    if (cpus != EXPECTED_CPUS) {
        test_fail("CPU count %u, want %u", cpus, EXPECTED_CPUS);
    }
}

static void check_file_dir(void)
{
    uint32_t count;

    port_select(FW_CFG_FILE_DIR);
    port_read(&count, sizeof(count));
    count = bswap32(count);
    printf("fwcfg: %u files\n", count);
    if (count == 0 || count > MAX_FILES) {
        test_fail("file directory count %u (want 1..%u)", count, MAX_FILES);
    }
    dir_port.count = count;
    port_read(dir_port.files, count * sizeof(struct fw_cfg_file));
    for (uint32_t i = 0; i < count; i++) {
        struct fw_cfg_file *f = &dir_port.files[i];
        uint16_t select = bswap16(f->select);

        if (!name_terminated(f->name)) {
            test_fail("file %u: name not NUL-terminated", i);
        }
        printf("fwcfg: file %04x %6u %s\n", select, bswap32(f->size), f->name);
        if (select < FW_CFG_FILE_FIRST) {
            test_fail("file '%s' has selector %x below %x", f->name, select,
                      FW_CFG_FILE_FIRST);
        }
    }
}

/* The first file with more than SKIP_BYTES bytes, or NULL. */
static const struct fw_cfg_file *sample_file(void)
{
    for (uint32_t i = 0; i < dir_port.count; i++) {
        if (bswap32(dir_port.files[i].size) > SKIP_BYTES) {
            return &dir_port.files[i];
        }
    }
    return NULL;
}

static void check_dma_file(const struct fw_cfg_file *f)
{
    uint16_t select = bswap16(f->select);
    uint32_t size = bswap32(f->size);
    uint32_t len = size < FILE_SAMPLE_BYTES ? size : FILE_SAMPLE_BYTES;

    port_select(select);
    port_read(sample_port, len);
    dma_read(select, 1, sample_dma, len);
    if (memcmp(sample_port, sample_dma, len) != 0) {
        test_fail("file '%s' read by DMA differs from the port read", f->name);
    }

    memset(sample_dma, 0, sizeof(sample_dma));
    dma_read(select, 1, sample_dma, 0);
    if (dma_transfer(FW_CFG_DMA_CTL_SKIP, NULL, SKIP_BYTES) != 0) {
        test_fail("DMA SKIP ended with an error");
    }
    dma_read(select, 0, sample_dma, len - SKIP_BYTES);
    if (memcmp(sample_port + SKIP_BYTES, sample_dma, len - SKIP_BYTES) != 0) {
        test_fail("DMA read after SKIP %u of '%s' is wrong", SKIP_BYTES,
                  f->name);
    }
    printf("fwcfg: '%s' (%u bytes) by DMA, also after a SKIP, matches the "
           "port read\n",
           f->name, len);
}

static void check_dma(void)
{
    uint8_t sig[FW_CFG_DMA_SIGNATURE_LEN];
    uint32_t high = inl(FW_CFG_PORT_DMA_HIGH);
    uint32_t low = inl(FW_CFG_PORT_DMA_LOW);
    const struct fw_cfg_file *f = sample_file();
    char dma_sig[FW_CFG_SIGNATURE_LEN];

    /* Port bytes 0x514..0x51b spell "QEMU CFG". */
    memcpy(sig, &high, sizeof(high));
    memcpy(sig + sizeof(high), &low, sizeof(low));
    if (memcmp(sig, FW_CFG_DMA_SIGNATURE, FW_CFG_DMA_SIGNATURE_LEN) != 0) {
        test_fail("DMA register reads %08x %08x, want bytes '%s'", high, low,
                  FW_CFG_DMA_SIGNATURE);
    }

    dma_read(FW_CFG_SIGNATURE, 1, dma_sig, sizeof(dma_sig));
    if (memcmp(dma_sig, FW_CFG_SIGNATURE_TEXT, sizeof(dma_sig)) != 0) {
        test_fail("DMA read of the signature gave %02x %02x %02x %02x",
                  dma_sig[0], dma_sig[1], dma_sig[2], dma_sig[3]);
    }

    dma_read(FW_CFG_FILE_DIR, 1, &dir_dma,
             sizeof(uint32_t) + dir_port.count * sizeof(struct fw_cfg_file));
    if (bswap32(dir_dma.count) != dir_port.count ||
        memcmp(dir_dma.files, dir_port.files,
               dir_port.count * sizeof(struct fw_cfg_file)) != 0) {
        test_fail("file directory read by DMA differs from the port read");
    }
    printf("fwcfg: DMA signature register, signature and file directory by "
           "DMA ok\n");

    if (f) {
        check_dma_file(f);
    } else {
        printf("fwcfg: no file over %u bytes to read by DMA\n", SKIP_BYTES);
    }
}

void test_main(void)
{
    uint32_t id;

    check_port_items();
    check_file_dir();
    id = (uint32_t)read_le(FW_CFG_ID, sizeof(uint32_t));
    if (id & FW_CFG_ID_DMA) {
        check_dma();
    } else {
        printf("fwcfg: DMA interface not advertised (ID bit 1 clear)\n");
    }
}
