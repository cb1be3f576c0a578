/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The i440FX's configuration mechanism #1 as QEMU implements it: the low
 * two bits of the address latched at 0xCF8 are part of the register
 * number, ORed with the data port's byte offset (0xCFC..0xCFF).  QEMU's
 * own libqos (qos-test) latches 0x8000202e and reads a word at 0xCFC for
 * the subsystem ID, and writes the MSI-X control word the same way.
 * Checked on edu at 04.0: IDs 0x11e8:0x1234, MSI capability at 0x40.
 */
#include "util/osdep.h"
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

#define EDU_CFG (0x80000000u | (4 << 11)) /* bus 0, device 4, function 0 */
#define MSI_CAP 0x40

static uint32_t latch_inl(QTestState *qts, uint32_t reg)
{
    qtest_outl(qts, 0xcf8, EDU_CFG | reg);
    return qtest_inl(qts, 0xcfc);
}

static void test_latch_low_bits_read(void)
{
    QTestState *qts = qtest_init("-device edu,addr=04.0");

    CU_ASSERT_EQUAL(latch_inl(qts, 0x00), 0x11e81234);
    /* Latch bits 1:0 select the byte: the word at 2 is the device ID. */
    qtest_outl(qts, 0xcf8, EDU_CFG | 0x02);
    CU_ASSERT_EQUAL(qtest_inw(qts, 0xcfc), 0x11e8);
    qtest_outl(qts, 0xcf8, EDU_CFG | 0x01);
    CU_ASSERT_EQUAL(qtest_inb(qts, 0xcfc), 0x12);
    /* ORed with the port's offset: latch 1 | port 2 is byte 3. */
    CU_ASSERT_EQUAL(qtest_inb(qts, 0xcfe), 0x11);
    /* The latch reads back as written. */
    CU_ASSERT_EQUAL(qtest_inl(qts, 0xcf8), EDU_CFG | 0x01);
    qtest_quit(qts);
}

static void test_latch_low_bits_write(void)
{
    QTestState *qts = qtest_init("-device edu,addr=04.0");

    /* MSI message control (cap + 2) by a latch of 0x42: MSI enable. */
    CU_ASSERT_EQUAL(latch_inl(qts, MSI_CAP) & 0xff, 0x05); /* MSI cap ID */
    CU_ASSERT_EQUAL(latch_inl(qts, MSI_CAP) >> 16 & 1, 0);
    qtest_outl(qts, 0xcf8, EDU_CFG | (MSI_CAP + 2));
    qtest_outw(qts, 0xcfc, 1);
    CU_ASSERT_EQUAL(latch_inl(qts, MSI_CAP) >> 16 & 1, 1);
    qtest_quit(qts);
}

QTEST_SUITE(i440fx, QTEST_CASE(test_latch_low_bits_read),
            QTEST_CASE(test_latch_low_bits_write));
