/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fw_cfg unit tests through its I/O ports and guest RAM: the signature and
 * ID, integer and string entries, the sorted file directory, reads past an
 * entry's end, and DMA (select + read into RAM, skip, writes refused,
 * descriptors and buffers outside RAM ending in the error bit), plus the
 * "QEMU CFG" signature of the DMA register.
 */
#include "util/osdep.h"
#include "hw/nvram/fw_cfg.h"
#include "tests/unit/devtest.h"
#include "tests/unit/unit.h"

#define RAM_SIZE  (1 * MiB)
#define DESC_ADDR 0x1000
#define BUF_ADDR  0x2000

static FWCfgState *fw_bench(DevTest **tp, const char *dma)
{
    DevTest *t = devtest_new(RAM_SIZE);

    *tp = t;
    return FW_CFG_IO(
        devtest_add(t, &error_abort, TYPE_FW_CFG_IO, "dma_enabled", dma, NULL));
}

static void fw_select(DevTest *t, uint16_t key)
{
    devtest_out(t, FW_CFG_IO_BASE, key, 2);
}

static void fw_read(DevTest *t, uint16_t key, void *buf, size_t len)
{
    fw_select(t, key);
    for (size_t i = 0; i < len; i++) {
        ((uint8_t *)buf)[i] = devtest_inb(t, FW_CFG_IO_BASE + 1);
    }
}

static uint64_t fw_read_int(DevTest *t, uint16_t key, size_t len)
{
    uint64_t v = 0;

    fw_read(t, key, &v, len);
    return GUINT64_FROM_LE(v);
}

/* Put a descriptor at DESC_ADDR and start it through the DMA register. */
static uint32_t fw_dma(DevTest *t, hwaddr desc_addr, uint32_t control,
                       uint32_t len, uint64_t addr)
{
    FWCfgDmaAccess d = {
        .control = GUINT32_TO_BE(control),
        .length = GUINT32_TO_BE(len),
        .address = GUINT64_TO_BE(addr),
    };
    uint32_t done = 0xdeadbeef;

    address_space_write(t->ms->as_memory, desc_addr, &d, sizeof(d));
    /* Big-endian in port order: each 32-bit half byte-swapped. */
    devtest_out(t, FW_CFG_DMA_IO_BASE,
                GUINT32_SWAP_LE_BE((uint32_t)(desc_addr >> 32)), 4);
    devtest_out(t, FW_CFG_DMA_IO_BASE + 4,
                GUINT32_SWAP_LE_BE((uint32_t)desc_addr), 4);
    address_space_read(t->ms->as_memory, desc_addr, &done, sizeof(done));
    return GUINT32_FROM_BE(done);
}

static void test_signature_and_id(void)
{
    DevTest *t;
    FWCfgState *fw = fw_bench(&t, "on");
    char sig[5] = "";
    uint8_t uuid[16], zero[16] = {0};

    fw_read(t, FW_CFG_SIGNATURE, sig, 4);
    CU_ASSERT_STRING_EQUAL(sig, "QEMU");
    CU_ASSERT_EQUAL(fw_read_int(t, FW_CFG_ID, 4),
                    FW_CFG_VERSION | FW_CFG_VERSION_DMA);
    fw_read(t, FW_CFG_UUID, uuid, 16);
    CU_ASSERT_EQUAL(memcmp(uuid, zero, 16), 0);
    CU_ASSERT_EQUAL(fw_read_int(t, FW_CFG_NOGRAPHIC, 2), 0);
    CU_ASSERT_TRUE(fw_cfg_dma_enabled(fw));
    /* A device reset selects the signature again. */
    fw_select(t, FW_CFG_ID);
    device_cold_reset(DEVICE(fw));
    CU_ASSERT_EQUAL(devtest_inb(t, FW_CFG_IO_BASE + 1), 'Q');
    /* The DMA register reads "QEMU CFG" in port order. */
    CU_ASSERT_EQUAL(devtest_in(t, FW_CFG_DMA_IO_BASE, 4), 0x554d4551);
    CU_ASSERT_EQUAL(devtest_in(t, FW_CFG_DMA_IO_BASE + 4, 4), 0x47464320);
    CU_ASSERT_EQUAL(devtest_inb(t, FW_CFG_DMA_IO_BASE + 5), 'C');
    devtest_free(t);

    fw = fw_bench(&t, "off");
    CU_ASSERT_EQUAL(fw_read_int(t, FW_CFG_ID, 4), FW_CFG_VERSION);
    CU_ASSERT_FALSE(fw_cfg_dma_enabled(fw));
    CU_ASSERT_EQUAL(devtest_in(t, FW_CFG_DMA_IO_BASE, 4), 0xffffffff);
    devtest_free(t);
}

static void test_entries(void)
{
    DevTest *t;
    FWCfgState *fw = fw_bench(&t, "on");
    char str[16];

    fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, 128 * MiB);
    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, 2);
    fw_cfg_add_i32(fw, FW_CFG_KERNEL_SIZE, 0x12345678);
    fw_cfg_add_string(fw, FW_CFG_KERNEL_CMDLINE, "console=ttyS0");
    fw_cfg_add_i32(fw, FW_CFG_IRQ0_OVERRIDE, 1);
    CU_ASSERT_EQUAL(fw_read_int(t, FW_CFG_RAM_SIZE, 8), 128 * MiB);
    CU_ASSERT_EQUAL(fw_read_int(t, FW_CFG_NB_CPUS, 2), 2);
    CU_ASSERT_EQUAL(fw_read_int(t, FW_CFG_KERNEL_SIZE, 4), 0x12345678);
    CU_ASSERT_EQUAL(fw_read_int(t, FW_CFG_IRQ0_OVERRIDE, 4), 1);
    fw_read(t, FW_CFG_KERNEL_CMDLINE, str, 14);
    CU_ASSERT_STRING_EQUAL(str, "console=ttyS0");
    /* Past the end and unset keys read zeros. */
    CU_ASSERT_EQUAL(devtest_inb(t, FW_CFG_IO_BASE + 1), 0);
    CU_ASSERT_EQUAL(fw_read_int(t, FW_CFG_NUMA, 8), 0);
    CU_ASSERT_EQUAL(fw_read_int(t, 0x3fff, 1), 0);

    fw_cfg_modify_i16(fw, FW_CFG_NB_CPUS, 4);
    fw_cfg_modify_string(fw, FW_CFG_KERNEL_CMDLINE, "quiet");
    CU_ASSERT_EQUAL(fw_read_int(t, FW_CFG_NB_CPUS, 2), 4);
    fw_read(t, FW_CFG_KERNEL_CMDLINE, str, 6);
    CU_ASSERT_STRING_EQUAL(str, "quiet");
    /* Writes to the data port are ignored. */
    devtest_outb(t, FW_CFG_IO_BASE + 1, 0x55);
    fw_read(t, FW_CFG_KERNEL_CMDLINE, str, 6);
    CU_ASSERT_STRING_EQUAL(str, "quiet");
    devtest_free(t);
}

static void test_file_dir(void)
{
    DevTest *t;
    FWCfgState *fw = fw_bench(&t, "on");
    static const char *const names[] = {"etc/a", "etc/b", "zz"};
    uint32_t count;
    FWCfgFile f[3];
    char data[8];

    fw_cfg_add_file(fw, "zz", "zzz", 3);
    fw_cfg_add_file(fw, "etc/b", "bb", 2);
    fw_cfg_add_file(fw, "etc/a", "aaaa", 4);
    fw_select(t, FW_CFG_FILE_DIR);
    for (int i = 0; i < 4; i++) {
        ((uint8_t *)&count)[i] = devtest_inb(t, FW_CFG_IO_BASE + 1);
    }
    CU_ASSERT_EQUAL(GUINT32_FROM_BE(count), 3);
    for (size_t i = 0; i < sizeof(f); i++) {
        ((uint8_t *)f)[i] = devtest_inb(t, FW_CFG_IO_BASE + 1);
    }
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_STRING_EQUAL(f[i].name, names[i]);
        CU_ASSERT_EQUAL(GUINT16_FROM_BE(f[i].select), FW_CFG_FILE_FIRST + i);
    }
    CU_ASSERT_EQUAL(GUINT32_FROM_BE(f[0].size), 4);
    CU_ASSERT_EQUAL(GUINT32_FROM_BE(f[2].size), 3);
    fw_read(t, FW_CFG_FILE_FIRST + 1, data, 2);
    CU_ASSERT_EQUAL(memcmp(data, "bb", 2), 0);
    fw_read(t, FW_CFG_FILE_FIRST + 2, data, 3);
    CU_ASSERT_EQUAL(memcmp(data, "zzz", 3), 0);

    fw_cfg_modify_file(fw, "etc/b", "BBBBB", 5);
    fw_read(t, FW_CFG_FILE_FIRST + 1, data, 5);
    CU_ASSERT_EQUAL(memcmp(data, "BBBBB", 5), 0);
    devtest_free(t);
}

static void test_dma_read(void)
{
    DevTest *t;
    FWCfgState *fw = fw_bench(&t, "on");
    uint8_t blob[300], buf[320];

    for (size_t i = 0; i < sizeof(blob); i++) {
        blob[i] = i * 7;
    }
    fw_cfg_add_file(fw, "etc/blob", blob, sizeof(blob));

    /* Select + read the whole blob. */
    CU_ASSERT_EQUAL(fw_dma(t, DESC_ADDR,
                           (FW_CFG_FILE_FIRST << 16) | FW_CFG_DMA_CTL_SELECT |
                               FW_CFG_DMA_CTL_READ,
                           sizeof(blob), BUF_ADDR),
                    0);
    address_space_read(t->ms->as_memory, BUF_ADDR, buf, sizeof(blob));
    CU_ASSERT_EQUAL(memcmp(buf, blob, sizeof(blob)), 0);

    /* Select, skip 100, read 10; then read on past the end: zeros. */
    fw_dma(t, DESC_ADDR,
           (FW_CFG_FILE_FIRST << 16) | FW_CFG_DMA_CTL_SELECT |
               FW_CFG_DMA_CTL_SKIP,
           100, 0);
    memset(buf, 0xee, sizeof(buf));
    address_space_write(t->ms->as_memory, BUF_ADDR, buf, sizeof(buf));
    CU_ASSERT_EQUAL(fw_dma(t, DESC_ADDR, FW_CFG_DMA_CTL_READ, 10, BUF_ADDR), 0);
    address_space_read(t->ms->as_memory, BUF_ADDR, buf, 10);
    CU_ASSERT_EQUAL(memcmp(buf, blob + 100, 10), 0);
    CU_ASSERT_EQUAL(fw_dma(t, DESC_ADDR, FW_CFG_DMA_CTL_READ, 210, BUF_ADDR),
                    0);
    address_space_read(t->ms->as_memory, BUF_ADDR, buf, 210);
    CU_ASSERT_EQUAL(memcmp(buf, blob + 110, 190), 0);
    for (int i = 190; i < 210; i++) {
        CU_ASSERT_EQUAL(buf[i], 0);
    }

    /* The signature by DMA, as firmware reads it. */
    CU_ASSERT_EQUAL(fw_dma(t, DESC_ADDR,
                           (FW_CFG_SIGNATURE << 16) | FW_CFG_DMA_CTL_SELECT |
                               FW_CFG_DMA_CTL_READ,
                           4, BUF_ADDR),
                    0);
    address_space_read(t->ms->as_memory, BUF_ADDR, buf, 4);
    CU_ASSERT_EQUAL(memcmp(buf, "QEMU", 4), 0);
    devtest_free(t);
}

static void test_dma_errors(void)
{
    DevTest *t;
    FWCfgState *fw = fw_bench(&t, "on");
    uint8_t guard[64], before[64];

    fw_cfg_add_file(fw, "etc/ro", "read-only", 9);

    /* A buffer past the end of RAM: error bit, nothing written. */
    CU_ASSERT_EQUAL(fw_dma(t, DESC_ADDR,
                           (FW_CFG_FILE_FIRST << 16) | FW_CFG_DMA_CTL_SELECT |
                               FW_CFG_DMA_CTL_READ,
                           9, RAM_SIZE - 4),
                    FW_CFG_DMA_CTL_ERROR);
    CU_ASSERT_EQUAL(fw_dma(t, DESC_ADDR,
                           (FW_CFG_FILE_FIRST << 16) | FW_CFG_DMA_CTL_SELECT |
                               FW_CFG_DMA_CTL_READ,
                           9, 0xfffffffffffffff0ULL),
                    FW_CFG_DMA_CTL_ERROR);
    /* Reading past an entry's end into non-RAM: also an error. */
    CU_ASSERT_EQUAL(fw_dma(t, DESC_ADDR,
                           (FW_CFG_NUMA << 16) | FW_CFG_DMA_CTL_SELECT |
                               FW_CFG_DMA_CTL_READ,
                           0x100000, 0xfee00000),
                    FW_CFG_DMA_CTL_ERROR);
    /* Writing a read-only file is refused. */
    address_space_read(t->ms->as_memory, BUF_ADDR, guard, sizeof(guard));
    CU_ASSERT_EQUAL(fw_dma(t, DESC_ADDR,
                           (FW_CFG_FILE_FIRST << 16) | FW_CFG_DMA_CTL_SELECT |
                               FW_CFG_DMA_CTL_WRITE,
                           9, BUF_ADDR),
                    FW_CFG_DMA_CTL_ERROR);

    /* A descriptor outside RAM: nothing happens to RAM, no crash. */
    address_space_read(t->ms->as_memory, 0, before, sizeof(before));
    devtest_out(t, FW_CFG_DMA_IO_BASE, 0, 4);
    devtest_out(t, FW_CFG_DMA_IO_BASE + 4, GUINT32_SWAP_LE_BE(0xfffffff0), 4);
    devtest_out(t, FW_CFG_DMA_IO_BASE, GUINT32_SWAP_LE_BE(0x1), 4);
    devtest_out(t, FW_CFG_DMA_IO_BASE + 4, 0, 4);
    address_space_read(t->ms->as_memory, 0, guard, sizeof(guard));
    CU_ASSERT_EQUAL(memcmp(before, guard, sizeof(guard)), 0);
    /* A descriptor straddling the end of RAM: the error lands in RAM. */
    CU_ASSERT_EQUAL(fw_dma(t, RAM_SIZE - 8, FW_CFG_DMA_CTL_READ, 1, BUF_ADDR),
                    FW_CFG_DMA_CTL_ERROR);

    /* The device still works afterwards. */
    CU_ASSERT_EQUAL(fw_dma(t, DESC_ADDR,
                           (FW_CFG_FILE_FIRST << 16) | FW_CFG_DMA_CTL_SELECT |
                               FW_CFG_DMA_CTL_READ,
                           9, BUF_ADDR),
                    0);
    address_space_read(t->ms->as_memory, BUF_ADDR, guard, 9);
    CU_ASSERT_EQUAL(memcmp(guard, "read-only", 9), 0);
    devtest_free(t);
}

static void dma_write_cb(void *opaque, off_t start, size_t len)
{
    *(size_t *)opaque = len;
}

static void test_dma_write(void)
{
    DevTest *t;
    FWCfgState *fw = fw_bench(&t, "on");
    size_t written = 0;
    char buf[8] = "";

    fw_cfg_add_file_callback(fw, "etc/rw", NULL, dma_write_cb, &written,
                             "........", 8, false);
    address_space_write(t->ms->as_memory, BUF_ADDR, "kemu", 4);
    CU_ASSERT_EQUAL(fw_dma(t, DESC_ADDR,
                           (FW_CFG_FILE_FIRST << 16) | FW_CFG_DMA_CTL_SELECT |
                               FW_CFG_DMA_CTL_WRITE,
                           4, BUF_ADDR),
                    0);
    CU_ASSERT_EQUAL(written, 4);
    fw_read(t, FW_CFG_FILE_FIRST, buf, 8);
    CU_ASSERT_EQUAL(memcmp(buf, "kemu....", 8), 0);
    /* Past the end of the file: refused. */
    CU_ASSERT_EQUAL(fw_dma(t, DESC_ADDR,
                           (FW_CFG_FILE_FIRST << 16) | FW_CFG_DMA_CTL_SELECT |
                               FW_CFG_DMA_CTL_WRITE,
                           9, BUF_ADDR),
                    FW_CFG_DMA_CTL_ERROR);
    devtest_free(t);
}

UNIT_SUITE(fwcfg, NULL, NULL, UNIT_TEST(test_signature_and_id),
           UNIT_TEST(test_entries), UNIT_TEST(test_file_dir),
           UNIT_TEST(test_dma_read), UNIT_TEST(test_dma_errors),
           UNIT_TEST(test_dma_write))
