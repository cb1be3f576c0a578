/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The byte FIFO: a ring of capacity bytes, head is the oldest, the tail is
 * (head + num) modulo capacity.
 */
#include "util/osdep.h"
#include "util/fifo8.h"

void fifo8_create(Fifo8 *fifo, uint32_t capacity)
{
    assert(capacity > 0);
    fifo->data = g_malloc0(capacity);
    fifo->capacity = capacity;
    fifo->head = 0;
    fifo->num = 0;
}

void fifo8_destroy(Fifo8 *fifo)
{
    g_free(fifo->data);
    fifo->data = NULL;
    fifo->capacity = 0;
    fifo->head = 0;
    fifo->num = 0;
}

void fifo8_reset(Fifo8 *fifo)
{
    fifo->head = 0;
    fifo->num = 0;
}

void fifo8_push(Fifo8 *fifo, uint8_t data)
{
    assert(fifo->num < fifo->capacity);
    fifo->data[(fifo->head + fifo->num) % fifo->capacity] = data;
    fifo->num++;
}

void fifo8_push_all(Fifo8 *fifo, const uint8_t *data, uint32_t num)
{
    uint32_t tail, first;

    assert(num <= fifo->capacity - fifo->num);
    if (num == 0) {
        return;
    }
    tail = (fifo->head + fifo->num) % fifo->capacity;
    first = MIN(num, fifo->capacity - tail);
    memcpy(fifo->data + tail, data, first);
    memcpy(fifo->data, data + first, num - first);
    fifo->num += num;
}

uint8_t fifo8_pop(Fifo8 *fifo)
{
    uint8_t ret;

    assert(fifo->num > 0);
    ret = fifo->data[fifo->head];
    fifo->head = (fifo->head + 1) % fifo->capacity;
    fifo->num--;
    return ret;
}

uint8_t fifo8_peek(const Fifo8 *fifo)
{
    assert(fifo->num > 0);
    return fifo->data[fifo->head];
}

uint32_t fifo8_pop_buf(Fifo8 *fifo, uint8_t *dest, uint32_t destlen)
{
    uint32_t n = MIN(destlen, fifo->num);
    uint32_t first = MIN(n, fifo->capacity - fifo->head);

    if (dest) {
        memcpy(dest, fifo->data + fifo->head, first);
        memcpy(dest + first, fifo->data, n - first);
    }
    fifo->head = (fifo->head + n) % fifo->capacity;
    fifo->num -= n;
    return n;
}

bool fifo8_is_empty(const Fifo8 *fifo)
{
    return fifo->num == 0;
}

bool fifo8_is_full(const Fifo8 *fifo)
{
    return fifo->num == fifo->capacity;
}

uint32_t fifo8_num_used(const Fifo8 *fifo)
{
    return fifo->num;
}

uint32_t fifo8_num_free(const Fifo8 *fifo)
{
    return fifo->capacity - fifo->num;
}
