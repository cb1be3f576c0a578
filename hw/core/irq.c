/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupt line allocation.
 */
#include "util/osdep.h"
#include "hw/core/irq.h"

qemu_irq qemu_allocate_irq(qemu_irq_handler handler, void *opaque, int n)
{
    qemu_irq irq = g_new0(struct IRQState, 1);

    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    return irq;
}

qemu_irq *qemu_allocate_irqs(qemu_irq_handler handler, void *opaque, int n)
{
    qemu_irq *irqs = g_new0(qemu_irq, n);

    for (int i = 0; i < n; i++) {
        irqs[i] = qemu_allocate_irq(handler, opaque, i);
    }
    return irqs;
}

void qemu_free_irq(qemu_irq irq)
{
    g_free(irq);
}
