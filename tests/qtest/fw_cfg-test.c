/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc's fw_cfg over qtest, as firmware and QEMU's fw_cfg-test read it:
 * signature, ID, RAM size and CPU counts through the I/O ports, the file
 * directory, and DMA (the "QEMU CFG" register, a select+read into guest
 * RAM, and a transfer pointed outside RAM that must end in the error bit
 * with the emulator still serving).
 */
#include <glib.h>
#include <string.h>
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"
#include "tests/qtest/libqos/fw_cfg.h"

#define FW_CFG_DMA_PORT 0x514
#define DMA_CTL_ERROR   0x01
#define DMA_CTL_READ    0x02
#define DMA_CTL_SELECT  0x08
#define DESC_ADDR       0x100000
#define BUF_ADDR        0x101000
#define RAM_MIB         128

typedef struct {
    uint32_t control;
    uint32_t length;
    uint64_t address;
} __attribute__((packed)) DmaAccess;

static void test_signature_and_id(void)
{
    QTestState *qts = qtest_init(NULL);
    QFWCFG *fw = pc_fw_cfg_init(qts);
    char sig[5] = "";

    qfw_cfg_get(fw, FW_CFG_SIGNATURE, sig, 4);
    CU_ASSERT_STRING_EQUAL(sig, "QEMU");
    /* Traditional interface and DMA. */
    CU_ASSERT_EQUAL(qfw_cfg_get_u32(fw, FW_CFG_ID), 3);
    /* The DMA register reads back "QEMU CFG". */
    CU_ASSERT_EQUAL(qtest_inl(qts, FW_CFG_DMA_PORT), 0x554d4551);
    CU_ASSERT_EQUAL(qtest_inl(qts, FW_CFG_DMA_PORT + 4), 0x47464320);
    pc_fw_cfg_uninit(fw);
    qtest_quit(qts);
}

static void test_machine_entries(void)
{
    QTestState *qts = qtest_initf("-m %d -smp 2", RAM_MIB);
    QFWCFG *fw = pc_fw_cfg_init(qts);

    CU_ASSERT_EQUAL(qfw_cfg_get_u64(fw, FW_CFG_RAM_SIZE),
                    (uint64_t)RAM_MIB << 20);
    CU_ASSERT_EQUAL(qfw_cfg_get_u16(fw, FW_CFG_NB_CPUS), 2);
    CU_ASSERT_TRUE(qfw_cfg_get_u16(fw, FW_CFG_MAX_CPUS) >= 2);
    pc_fw_cfg_uninit(fw);
    qtest_quit(qts);
}

static void test_file_dir(void)
{
    QTestState *qts = qtest_init(NULL);
    QFWCFG *fw = pc_fw_cfg_init(qts);
    uint32_t count_be, count;
    char prev[57] = "";

    qfw_cfg_get(fw, FW_CFG_FILE_DIR, &count_be, sizeof(count_be));
    count = GUINT32_FROM_BE(count_be);
    CU_ASSERT_TRUE(count >= 1 && count <= 32);
    /* Entries follow, sorted by name, selectors from 0x20 in that order. */
    for (uint32_t i = 0; i < count; i++) {
        struct {
            uint32_t size;
            uint16_t select;
            uint16_t reserved;
            char name[56];
        } f;

        qfw_cfg_read_data(fw, &f, sizeof(f));
        CU_ASSERT_EQUAL(GUINT16_FROM_BE(f.select), 0x20 + i);
        CU_ASSERT_TRUE(strcmp(prev, f.name) < 0);
        g_strlcpy(prev, f.name, sizeof(prev));
    }
    pc_fw_cfg_uninit(fw);
    qtest_quit(qts);
}

/* Start a DMA transfer described at desc; return the control word after. */
static uint32_t dma(QTestState *qts, uint64_t desc, uint32_t control,
                    uint32_t len, uint64_t addr)
{
    DmaAccess d = {
        .control = GUINT32_TO_BE(control),
        .length = GUINT32_TO_BE(len),
        .address = GUINT64_TO_BE(addr),
    };
    uint32_t done;

    qtest_memwrite(qts, desc, &d, sizeof(d));
    qtest_outl(qts, FW_CFG_DMA_PORT,
               GUINT32_SWAP_LE_BE((uint32_t)(desc >> 32)));
    qtest_outl(qts, FW_CFG_DMA_PORT + 4, GUINT32_SWAP_LE_BE((uint32_t)desc));
    qtest_memread(qts, desc, &done, sizeof(done));
    return GUINT32_FROM_BE(done);
}

static void test_dma(void)
{
    QTestState *qts = qtest_init(NULL);
    uint64_t ram;
    char sig[4];

    CU_ASSERT_EQUAL(
        dma(qts, DESC_ADDR,
            (FW_CFG_SIGNATURE << 16) | DMA_CTL_SELECT | DMA_CTL_READ, 4,
            BUF_ADDR),
        0);
    qtest_memread(qts, BUF_ADDR, sig, 4);
    CU_ASSERT_EQUAL(memcmp(sig, "QEMU", 4), 0);
    CU_ASSERT_EQUAL(dma(qts, DESC_ADDR,
                        (FW_CFG_RAM_SIZE << 16) | DMA_CTL_SELECT | DMA_CTL_READ,
                        8, BUF_ADDR),
                    0);
    qtest_memread(qts, BUF_ADDR, &ram, 8);
    CU_ASSERT_EQUAL(GUINT64_FROM_LE(ram), (uint64_t)RAM_MIB << 20);

    /* Into the LAPIC's MMIO page and past 4 GiB: error, nothing breaks. */
    CU_ASSERT_EQUAL(
        dma(qts, DESC_ADDR,
            (FW_CFG_SIGNATURE << 16) | DMA_CTL_SELECT | DMA_CTL_READ, 4,
            0xfee00000),
        DMA_CTL_ERROR);
    CU_ASSERT_EQUAL(
        dma(qts, DESC_ADDR,
            (FW_CFG_SIGNATURE << 16) | DMA_CTL_SELECT | DMA_CTL_READ, 0x10000,
            0x7ffffffff000ULL),
        DMA_CTL_ERROR);
    /* A descriptor outside RAM. */
    qtest_outl(qts, FW_CFG_DMA_PORT, GUINT32_SWAP_LE_BE(0x10));
    qtest_outl(qts, FW_CFG_DMA_PORT + 4, 0);
    /* Still serving. */
    CU_ASSERT_EQUAL(
        dma(qts, DESC_ADDR,
            (FW_CFG_SIGNATURE << 16) | DMA_CTL_SELECT | DMA_CTL_READ, 4,
            BUF_ADDR),
        0);
    qtest_quit(qts);
}

QTEST_SUITE(fw_cfg, QTEST_CASE(test_signature_and_id),
            QTEST_CASE(test_machine_entries), QTEST_CASE(test_file_dir),
            QTEST_CASE(test_dma))
