/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iovec helpers: each walks the elements once, skipping @offset bytes
 * and then working element by element until the request or the vector
 * runs out.
 */
#include "util/osdep.h"
#include "util/iov.h"

size_t iov_size(const struct iovec *iov, unsigned int iov_cnt)
{
    size_t len = 0;

    for (unsigned int i = 0; i < iov_cnt; i++) {
        len += iov[i].iov_len;
    }
    return len;
}

size_t iov_from_buf(const struct iovec *iov, unsigned int iov_cnt,
                    size_t offset, const void *buf, size_t bytes)
{
    size_t done = 0;

    for (unsigned int i = 0; i < iov_cnt && done < bytes; i++) {
        size_t len;

        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        len = MIN(iov[i].iov_len - offset, bytes - done);

        memcpy((char *)iov[i].iov_base + offset, (const char *)buf + done, len);
        done += len;
        offset = 0;
    }
    return done;
}

size_t iov_to_buf(const struct iovec *iov, unsigned int iov_cnt, size_t offset,
                  void *buf, size_t bytes)
{
    size_t done = 0;

    for (unsigned int i = 0; i < iov_cnt && done < bytes; i++) {
        size_t len;

        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        len = MIN(iov[i].iov_len - offset, bytes - done);

        memcpy((char *)buf + done, (const char *)iov[i].iov_base + offset, len);
        done += len;
        offset = 0;
    }
    return done;
}

size_t iov_memset(const struct iovec *iov, unsigned int iov_cnt, size_t offset,
                  int fillc, size_t bytes)
{
    size_t done = 0;

    for (unsigned int i = 0; i < iov_cnt && done < bytes; i++) {
        size_t len;

        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        len = MIN(iov[i].iov_len - offset, bytes - done);

        memset((char *)iov[i].iov_base + offset, fillc, len);
        done += len;
        offset = 0;
    }
    return done;
}

unsigned int iov_copy(struct iovec *dst_iov, unsigned int dst_iov_cnt,
                      const struct iovec *iov, unsigned int iov_cnt,
                      size_t offset, size_t bytes)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < iov_cnt && n < dst_iov_cnt && bytes; i++) {
        size_t len;

        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        len = MIN(iov[i].iov_len - offset, bytes);

        dst_iov[n].iov_base = (char *)iov[i].iov_base + offset;
        dst_iov[n].iov_len = len;
        n++;
        bytes -= len;
        offset = 0;
    }
    return n;
}

size_t iov_to_iov(const struct iovec *dst, unsigned int dst_cnt,
                  size_t dst_offset, const struct iovec *src,
                  unsigned int src_cnt, size_t src_offset, size_t bytes)
{
    size_t done = 0;

    for (unsigned int i = 0; i < src_cnt && done < bytes; i++) {
        size_t len, put;

        if (src_offset >= src[i].iov_len) {
            src_offset -= src[i].iov_len;
            continue;
        }
        len = MIN(src[i].iov_len - src_offset, bytes - done);
        put = iov_from_buf(dst, dst_cnt, dst_offset + done,
                           (const uint8_t *)src[i].iov_base + src_offset, len);
        done += put;
        src_offset = 0;
        if (put < len) {
            break; /* @dst is full */
        }
    }
    return done;
}

size_t iov_discard_front(struct iovec **iov, unsigned int *iov_cnt,
                         size_t bytes)
{
    size_t done = 0;
    struct iovec *cur = *iov;

    while (*iov_cnt > 0 && done < bytes) {
        if (cur->iov_len > bytes - done) {
            size_t len = bytes - done;

            cur->iov_base = (char *)cur->iov_base + len;
            cur->iov_len -= len;
            done = bytes;
            break;
        }
        done += cur->iov_len;
        cur++;
        (*iov_cnt)--;
    }
    *iov = cur;
    return done;
}

size_t iov_discard_back(struct iovec *iov, unsigned int *iov_cnt, size_t bytes)
{
    size_t done = 0;

    while (*iov_cnt > 0 && done < bytes) {
        struct iovec *last = &iov[*iov_cnt - 1];

        if (last->iov_len > bytes - done) {
            last->iov_len -= bytes - done;
            done = bytes;
            break;
        }
        done += last->iov_len;
        (*iov_cnt)--;
    }
    return done;
}
