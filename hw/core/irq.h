/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupt lines: a qemu_irq is a handler, an opaque pointer and a line
 * number.  Devices raise and lower lines; whoever owns the other end (an
 * interrupt controller, the accelerator, a qtest interceptor) handles them.
 */
#ifndef KEMU_HW_IRQ_H
#define KEMU_HW_IRQ_H

#include "util/osdep.h"

typedef struct IRQState *qemu_irq;
typedef void (*qemu_irq_handler)(void *opaque, int n, int level);

struct IRQState {
    qemu_irq_handler handler;
    void *opaque;
    int n;
};

/** qemu_allocate_irq - a line that calls handler(opaque, n, level). */
qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n);
/** qemu_allocate_irqs - n lines numbered 0..n-1 (g_free the array). */
qemu_irq *qemu_allocate_irqs(qemu_irq_handler handler, void *opaque, int n);
void qemu_free_irq(qemu_irq irq);

/** qemu_set_irq - drive the line; a NULL line is unconnected: no-op. */
static inline void qemu_set_irq(qemu_irq irq, int level)
{
    if (irq) {
        irq->handler(irq->opaque, irq->n, level);
    }
}

static inline void qemu_irq_raise(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
}

static inline void qemu_irq_lower(qemu_irq irq)
{
    qemu_set_irq(irq, 0);
}

static inline void qemu_irq_pulse(qemu_irq irq)
{
    qemu_set_irq(irq, 1);
    qemu_set_irq(irq, 0);
}

#endif
