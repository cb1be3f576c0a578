/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scatter-gather helpers over struct iovec, as QEMU's: total size, copies
 * to and from a flat buffer at a byte offset, fill, sub-range copy and
 * trimming.  Offsets and lengths may run past the end: the helpers do what
 * fits and return how much that was.
 */
#ifndef KEMU_IOV_H
#define KEMU_IOV_H

#include "util/osdep.h"
#include <sys/uio.h>

/** iov_size - the total length of the @iov_cnt elements of @iov. */
size_t iov_size(const struct iovec *iov, unsigned int iov_cnt);

/**
 * iov_from_buf - copy @bytes of @buf into @iov starting @offset bytes in.
 *
 * Return: the bytes copied: less than @bytes when the vector ends first,
 * 0 when @offset is at or past its end.
 */
size_t iov_from_buf(const struct iovec *iov, unsigned int iov_cnt,
                    size_t offset, const void *buf, size_t bytes);

/**
 * iov_to_buf - copy @bytes from @iov, starting @offset bytes in, into
 * @buf.
 *
 * Return: the bytes copied (short when the vector ends first).
 */
size_t iov_to_buf(const struct iovec *iov, unsigned int iov_cnt, size_t offset,
                  void *buf, size_t bytes);

/**
 * iov_memset - set @bytes of @iov, starting @offset bytes in, to @fillc.
 *
 * Return: the bytes set (short when the vector ends first).
 */
size_t iov_memset(const struct iovec *iov, unsigned int iov_cnt, size_t offset,
                  int fillc, size_t bytes);

/**
 * iov_copy - describe the range [@offset, @offset + @bytes) of @iov in
 * @dst_iov (no data is copied; the elements point into the same memory).
 * Stops when @dst_iov_cnt elements are used or @iov ends.
 *
 * Return: the number of elements written to @dst_iov.
 */
unsigned int iov_copy(struct iovec *dst_iov, unsigned int dst_iov_cnt,
                      const struct iovec *iov, unsigned int iov_cnt,
                      size_t offset, size_t bytes);

/**
 * iov_to_iov - copy @bytes of data from @src, starting @src_offset bytes
 * in, into @dst, starting @dst_offset bytes in (the vectors must not
 * overlap).
 *
 * Return: the bytes copied: short when either vector ends first.
 */
size_t iov_to_iov(const struct iovec *dst, unsigned int dst_cnt,
                  size_t dst_offset, const struct iovec *src,
                  unsigned int src_cnt, size_t src_offset, size_t bytes);

/**
 * iov_discard_front - drop @bytes from the front of the vector *@iov of
 * *@iov_cnt elements: whole elements are skipped by advancing *@iov and
 * decreasing *@iov_cnt, and the first remaining one is shortened in place.
 *
 * Return: the bytes dropped (short when the vector is shorter).
 */
size_t iov_discard_front(struct iovec **iov, unsigned int *iov_cnt,
                         size_t bytes);

/**
 * iov_discard_back - drop @bytes from the end of @iov: *@iov_cnt shrinks
 * over emptied elements and the last remaining one is shortened in place.
 *
 * Return: the bytes dropped (short when the vector is shorter).
 */
size_t iov_discard_back(struct iovec *iov, unsigned int *iov_cnt, size_t bytes);

#endif
