/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util/fifo8: order, fill levels, wrap-around in push_all/pop_buf, peek and
 * reset, as the 16550 UART uses them.
 */
#include "util/osdep.h"
#include "util/fifo8.h"
#include "tests/unit/unit.h"

static void test_push_pop(void)
{
    Fifo8 f;

    fifo8_create(&f, 4);
    CU_ASSERT_TRUE(fifo8_is_empty(&f));
    CU_ASSERT_FALSE(fifo8_is_full(&f));
    CU_ASSERT_EQUAL(fifo8_num_free(&f), 4);
    for (uint8_t i = 1; i <= 4; i++) {
        fifo8_push(&f, i);
    }
    CU_ASSERT_TRUE(fifo8_is_full(&f));
    CU_ASSERT_EQUAL(fifo8_num_used(&f), 4);
    CU_ASSERT_EQUAL(fifo8_num_free(&f), 0);
    CU_ASSERT_EQUAL(fifo8_peek(&f), 1);
    CU_ASSERT_EQUAL(fifo8_pop(&f), 1);
    CU_ASSERT_EQUAL(fifo8_pop(&f), 2);
    /* Wrap the tail around. */
    fifo8_push(&f, 5);
    fifo8_push(&f, 6);
    CU_ASSERT_TRUE(fifo8_is_full(&f));
    for (uint8_t i = 3; i <= 6; i++) {
        CU_ASSERT_EQUAL(fifo8_pop(&f), i);
    }
    CU_ASSERT_TRUE(fifo8_is_empty(&f));
    fifo8_destroy(&f);
}

static void test_bulk_wrap(void)
{
    const uint8_t data[] = {10, 11, 12, 13, 14, 15};
    uint8_t out[8] = {0};
    Fifo8 f;

    fifo8_create(&f, 8);
    fifo8_push_all(&f, data, 6);
    CU_ASSERT_EQUAL(fifo8_pop_buf(&f, out, 5), 5);
    CU_ASSERT_EQUAL(memcmp(out, data, 5), 0);
    /* Tail at 6: this push wraps (2 bytes at the end, 4 at the start). */
    fifo8_push_all(&f, data, 6);
    CU_ASSERT_EQUAL(fifo8_num_used(&f), 7);
    fifo8_push_all(&f, data, 0);
    CU_ASSERT_EQUAL(fifo8_num_used(&f), 7);
    /* And this pop reads across the wrap; asking for more gets what is. */
    memset(out, 0, sizeof(out));
    CU_ASSERT_EQUAL(fifo8_pop_buf(&f, out, sizeof(out)), 7);
    CU_ASSERT_EQUAL(out[0], 15);
    CU_ASSERT_EQUAL(memcmp(out + 1, data, 6), 0);
    CU_ASSERT_TRUE(fifo8_is_empty(&f));
    CU_ASSERT_EQUAL(fifo8_pop_buf(&f, out, sizeof(out)), 0);
    fifo8_destroy(&f);
}

static void test_drop_and_reset(void)
{
    const uint8_t data[] = {1, 2, 3};
    Fifo8 f;

    fifo8_create(&f, 3);
    fifo8_push_all(&f, data, 3);
    CU_ASSERT_EQUAL(fifo8_pop_buf(&f, NULL, 2), 2); /* drop */
    CU_ASSERT_EQUAL(fifo8_pop(&f), 3);
    fifo8_push_all(&f, data, 3);
    fifo8_reset(&f);
    CU_ASSERT_TRUE(fifo8_is_empty(&f));
    CU_ASSERT_EQUAL(fifo8_num_free(&f), 3);
    fifo8_push(&f, 9);
    CU_ASSERT_EQUAL(fifo8_pop(&f), 9);
    fifo8_destroy(&f);
}

UNIT_SUITE(fifo, NULL, NULL, UNIT_TEST(test_push_pop),
           UNIT_TEST(test_bulk_wrap), UNIT_TEST(test_drop_and_reset))
