/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util/iov: copies across element boundaries (including empty elements),
 * offsets and lengths past the end, iov_copy ranges, vector-to-vector
 * copies, and trimming from either end, checked against a flat buffer.
 */
#include "util/osdep.h"
#include "util/iov.h"
#include "tests/unit/unit.h"

/* A 16-byte flat buffer seen through elements of 3, 0, 5, 1, 7 bytes. */
#define FLAT_LEN 16
static const size_t elem_lens[] = {3, 0, 5, 1, 7};
#define NELEMS ARRAY_SIZE(elem_lens)

static void make_iov(struct iovec *iov, uint8_t *flat)
{
    size_t pos = 0;

    for (size_t i = 0; i < NELEMS; i++) {
        iov[i].iov_base = flat + pos;
        iov[i].iov_len = elem_lens[i];
        pos += elem_lens[i];
    }
    assert(pos == FLAT_LEN);
}

static void test_size(void)
{
    uint8_t flat[FLAT_LEN];
    struct iovec iov[NELEMS];

    make_iov(iov, flat);
    CU_ASSERT_EQUAL(iov_size(iov, NELEMS), FLAT_LEN);
    CU_ASSERT_EQUAL(iov_size(iov, 2), 3);
    CU_ASSERT_EQUAL(iov_size(iov, 0), 0);
}

/* Every offset and length, including past the end, against the flat view. */
static void test_to_from_buf_exhaustive(void)
{
    uint8_t flat[FLAT_LEN], buf[FLAT_LEN + 4], want[FLAT_LEN];
    struct iovec iov[NELEMS];

    make_iov(iov, flat);
    for (size_t off = 0; off <= FLAT_LEN + 2; off++) {
        for (size_t len = 0; len <= FLAT_LEN + 3; len++) {
            size_t fit = off >= FLAT_LEN ? 0 : MIN(len, FLAT_LEN - off);

            for (size_t i = 0; i < FLAT_LEN; i++) {
                flat[i] = i;
            }
            memset(buf, 0xee, sizeof(buf));
            CU_ASSERT_EQUAL(iov_to_buf(iov, NELEMS, off, buf, len), fit);
            CU_ASSERT_EQUAL(memcmp(buf, flat + MIN(off, FLAT_LEN), fit), 0);
            CU_ASSERT_EQUAL(buf[fit], 0xee);

            for (size_t i = 0; i < sizeof(buf); i++) {
                buf[i] = 0x80 + i;
            }
            memcpy(want, flat, FLAT_LEN);
            memcpy(want + MIN(off, FLAT_LEN), buf, fit);
            CU_ASSERT_EQUAL(iov_from_buf(iov, NELEMS, off, buf, len), fit);
            CU_ASSERT_EQUAL(memcmp(flat, want, FLAT_LEN), 0);

            memset(want + MIN(off, FLAT_LEN), 0x5a, fit);
            CU_ASSERT_EQUAL(iov_memset(iov, NELEMS, off, 0x5a, len), fit);
            CU_ASSERT_EQUAL(memcmp(flat, want, FLAT_LEN), 0);
        }
    }
}

static void test_from_buf_boundaries(void)
{
    uint8_t a[2] = {0}, b[3] = {0}, c[4] = {0};
    struct iovec iov[] = {{a, 2}, {b, 3}, {c, 4}};
    const uint8_t data[] = {1, 2, 3, 4, 5, 6};

    /* Starts in the middle of a, spans all of b, ends inside c. */
    CU_ASSERT_EQUAL(iov_from_buf(iov, 3, 1, data, 6), 6);
    CU_ASSERT_EQUAL(a[0], 0);
    CU_ASSERT_EQUAL(a[1], 1);
    CU_ASSERT_EQUAL(b[0], 2);
    CU_ASSERT_EQUAL(b[2], 4);
    CU_ASSERT_EQUAL(c[0], 5);
    CU_ASSERT_EQUAL(c[1], 6);
    CU_ASSERT_EQUAL(c[2], 0);
    /* Offsets at and past the end copy nothing. */
    CU_ASSERT_EQUAL(iov_from_buf(iov, 3, 9, data, 6), 0);
    CU_ASSERT_EQUAL(iov_from_buf(iov, 3, 100, data, 6), 0);
    CU_ASSERT_EQUAL(iov_to_buf(iov, 3, 9, (uint8_t[1]){0}, 1), 0);
    /* A short vector copies what fits. */
    CU_ASSERT_EQUAL(iov_from_buf(iov, 3, 7, data, 6), 2);
    CU_ASSERT_EQUAL(c[2], 1);
    CU_ASSERT_EQUAL(c[3], 2);
    CU_ASSERT_EQUAL(iov_from_buf(iov, 0, 0, data, 6), 0);
}

static void test_copy(void)
{
    uint8_t flat[FLAT_LEN];
    struct iovec iov[NELEMS], dst[NELEMS];
    uint8_t out[FLAT_LEN];
    unsigned n;

    make_iov(iov, flat);
    for (size_t i = 0; i < FLAT_LEN; i++) {
        flat[i] = i;
    }
    /* Bytes 2..10: the tail of elem 0, elem 2, elem 3, the head of elem 4. */
    n = iov_copy(dst, NELEMS, iov, NELEMS, 2, 9);
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT_PTR_EQUAL(dst[0].iov_base, flat + 2);
    CU_ASSERT_EQUAL(dst[0].iov_len, 1);
    CU_ASSERT_EQUAL(dst[1].iov_len, 5);
    CU_ASSERT_EQUAL(dst[2].iov_len, 1);
    CU_ASSERT_PTR_EQUAL(dst[3].iov_base, flat + 9);
    CU_ASSERT_EQUAL(dst[3].iov_len, 2);
    CU_ASSERT_EQUAL(iov_size(dst, n), 9);
    CU_ASSERT_EQUAL(iov_to_buf(dst, n, 0, out, sizeof(out)), 9);
    CU_ASSERT_EQUAL(memcmp(out, flat + 2, 9), 0);

    /* Limited by the destination's element count. */
    n = iov_copy(dst, 2, iov, NELEMS, 0, FLAT_LEN);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(iov_size(dst, n), 8);
    /* Past the end, or nothing asked. */
    CU_ASSERT_EQUAL(iov_copy(dst, NELEMS, iov, NELEMS, FLAT_LEN, 4), 0);
    CU_ASSERT_EQUAL(iov_copy(dst, NELEMS, iov, NELEMS, 0, 0), 0);
    /* Longer than the source: what exists. */
    n = iov_copy(dst, NELEMS, iov, NELEMS, 10, 100);
    CU_ASSERT_EQUAL(iov_size(dst, n), 6);
}

static void test_discard_front(void)
{
    uint8_t flat[FLAT_LEN];
    struct iovec storage[NELEMS], *iov = storage;
    unsigned cnt = NELEMS;

    make_iov(storage, flat);
    /* Within the first element. */
    CU_ASSERT_EQUAL(iov_discard_front(&iov, &cnt, 2), 2);
    CU_ASSERT_PTR_EQUAL(iov, storage);
    CU_ASSERT_EQUAL(cnt, NELEMS);
    CU_ASSERT_PTR_EQUAL(iov[0].iov_base, flat + 2);
    CU_ASSERT_EQUAL(iov[0].iov_len, 1);
    /* Across the rest of elem 0, the empty elem 1, into elem 2. */
    CU_ASSERT_EQUAL(iov_discard_front(&iov, &cnt, 3), 3);
    CU_ASSERT_PTR_EQUAL(iov, storage + 2);
    CU_ASSERT_EQUAL(cnt, 3);
    CU_ASSERT_PTR_EQUAL(iov[0].iov_base, flat + 5);
    CU_ASSERT_EQUAL(iov[0].iov_len, 3);
    CU_ASSERT_EQUAL(iov_size(iov, cnt), FLAT_LEN - 5);
    /* Exactly to an element boundary. */
    CU_ASSERT_EQUAL(iov_discard_front(&iov, &cnt, 3), 3);
    CU_ASSERT_PTR_EQUAL(iov, storage + 3);
    CU_ASSERT_EQUAL(cnt, 2);
    /* More than is left. */
    CU_ASSERT_EQUAL(iov_discard_front(&iov, &cnt, 100), 8);
    CU_ASSERT_EQUAL(cnt, 0);
    CU_ASSERT_EQUAL(iov_discard_front(&iov, &cnt, 1), 0);
}

static void test_discard_back(void)
{
    uint8_t flat[FLAT_LEN];
    struct iovec iov[NELEMS];
    unsigned cnt = NELEMS;

    make_iov(iov, flat);
    CU_ASSERT_EQUAL(iov_discard_back(iov, &cnt, 2), 2);
    CU_ASSERT_EQUAL(cnt, NELEMS);
    CU_ASSERT_EQUAL(iov[4].iov_len, 5);
    /* The rest of elem 4, elem 3, and 2 bytes of elem 2. */
    CU_ASSERT_EQUAL(iov_discard_back(iov, &cnt, 8), 8);
    CU_ASSERT_EQUAL(cnt, 3);
    CU_ASSERT_EQUAL(iov[2].iov_len, 3);
    CU_ASSERT_EQUAL(iov_size(iov, cnt), 6);
    CU_ASSERT_EQUAL(iov_discard_back(iov, &cnt, 100), 6);
    CU_ASSERT_EQUAL(cnt, 0);
}

/*
 * iov_to_iov: every source offset, destination offset and length between
 * two vectors with different element boundaries, against flat copies.
 */
static void test_to_iov_exhaustive(void)
{
    static const size_t dst_lens[] = {2, 4, 0, 6, 4}; /* 16 bytes */
    uint8_t src_flat[FLAT_LEN], dst_flat[FLAT_LEN], want[FLAT_LEN];
    struct iovec src[NELEMS], dst[ARRAY_SIZE(dst_lens)];
    size_t pos = 0;

    make_iov(src, src_flat);
    for (size_t i = 0; i < ARRAY_SIZE(dst_lens); i++) {
        dst[i].iov_base = dst_flat + pos;
        dst[i].iov_len = dst_lens[i];
        pos += dst_lens[i];
    }
    for (size_t i = 0; i < FLAT_LEN; i++) {
        src_flat[i] = 0x40 + i;
    }
    for (size_t soff = 0; soff <= FLAT_LEN + 1; soff++) {
        for (size_t doff = 0; doff <= FLAT_LEN + 1; doff++) {
            for (size_t len = 0; len <= FLAT_LEN + 1; len++) {
                size_t n = len, got;

                n = MIN(n, soff < FLAT_LEN ? FLAT_LEN - soff : 0);
                n = MIN(n, doff < FLAT_LEN ? FLAT_LEN - doff : 0);
                memset(dst_flat, 0xee, FLAT_LEN);
                memset(want, 0xee, FLAT_LEN);
                memcpy(want + MIN(doff, FLAT_LEN),
                       src_flat + MIN(soff, FLAT_LEN), n);
                got = iov_to_iov(dst, ARRAY_SIZE(dst), doff, src, NELEMS, soff,
                                 len);
                CU_ASSERT_EQUAL_FATAL(got, n);
                CU_ASSERT_FATAL(!memcmp(dst_flat, want, FLAT_LEN));
            }
        }
    }
}

UNIT_SUITE(iov, NULL, NULL, UNIT_TEST(test_size),
           UNIT_TEST(test_to_from_buf_exhaustive),
           UNIT_TEST(test_from_buf_boundaries), UNIT_TEST(test_copy),
           UNIT_TEST(test_discard_front), UNIT_TEST(test_discard_back),
           UNIT_TEST(test_to_iov_exhaustive))
