/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fixed-capacity byte FIFO (a ring buffer), embedded in device state: the
 * 16550 UART's receive and transmit FIFOs.  Pushing onto a full FIFO or
 * popping an empty one is a caller bug and aborts; devices check
 * fifo8_is_full() / fifo8_is_empty() first, as the hardware does.
 */
#ifndef KEMU_FIFO8_H
#define KEMU_FIFO8_H

#include "util/osdep.h"

/* Fields are private: use the functions below. */
typedef struct Fifo8 {
    uint8_t *data;
    uint32_t capacity;
    uint32_t head; /* index of the oldest byte */
    uint32_t num;  /* bytes stored */
} Fifo8;

/** fifo8_create - make @fifo an empty FIFO holding up to @capacity bytes. */
void fifo8_create(Fifo8 *fifo, uint32_t capacity);

/** fifo8_destroy - free @fifo's buffer. */
void fifo8_destroy(Fifo8 *fifo);

/** fifo8_reset - empty @fifo. */
void fifo8_reset(Fifo8 *fifo);

/** fifo8_push - add @data at the tail; @fifo must not be full. */
void fifo8_push(Fifo8 *fifo, uint8_t data);

/** fifo8_push_all - add @num bytes; at least @num must be free. */
void fifo8_push_all(Fifo8 *fifo, const uint8_t *data, uint32_t num);

/** fifo8_pop - remove and return the oldest byte; @fifo must not be empty. */
uint8_t fifo8_pop(Fifo8 *fifo);

/** fifo8_peek - the oldest byte, left in place; @fifo must not be empty. */
uint8_t fifo8_peek(const Fifo8 *fifo);

/**
 * fifo8_pop_buf - remove up to @destlen of the oldest bytes into @dest
 * (across the ring's wrap-around).  @dest may be NULL to drop them.
 *
 * Return: the number of bytes removed.
 */
uint32_t fifo8_pop_buf(Fifo8 *fifo, uint8_t *dest, uint32_t destlen);

/** fifo8_is_empty - whether @fifo holds no byte. */
bool fifo8_is_empty(const Fifo8 *fifo);

/** fifo8_is_full - whether @fifo holds capacity bytes. */
bool fifo8_is_full(const Fifo8 *fifo);

/** fifo8_num_used - the bytes stored. */
uint32_t fifo8_num_used(const Fifo8 *fifo);

/** fifo8_num_free - the bytes that can still be pushed. */
uint32_t fifo8_num_free(const Fifo8 *fifo);

#endif
