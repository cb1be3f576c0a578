/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bench for unit-testing the pc machine's system-bus devices without a
 * VM: a real machine object (its system bus, I/O and memory address spaces,
 * clocks with the virtual clock in manual mode, main loop) under a fresh
 * root, RAM at 0, and 24 recorded interrupt lines.  Devices are created by
 * type name, put in the tree, given properties as text and realized, then
 * driven through the I/O address space as a vCPU would.
 */
#ifndef KEMU_TESTS_UNIT_DEVTEST_H
#define KEMU_TESTS_UNIT_DEVTEST_H

#include "util/osdep.h"
#include "hw/core/machine.h"
#include "exec/memory.h"
#include "chardev/chardev.h"

#define DEVTEST_NUM_IRQS 24

typedef struct DevTest {
    Object *root;
    MachineState *ms;
    MemoryRegion ram;
    uint64_t ram_size;
    int level[DEVTEST_NUM_IRQS];  /* the line's current level */
    int raises[DEVTEST_NUM_IRQS]; /* low-to-high transitions seen */
} DevTest;

/** devtest_new - a machine with @ram_size bytes of RAM at address 0. */
DevTest *devtest_new(uint64_t ram_size);

/** devtest_free - unrealize everything and free the machine and tree. */
void devtest_free(DevTest *t);

/**
 * devtest_add - create a device of @type at /machine/unattached, set the
 * NULL-terminated "name", "value" property pairs, realize it on the system
 * bus.  Returns NULL (and sets @errp) if a property or realize fails.
 */
DeviceState *devtest_add(DevTest *t, Error **errp, const char *type,
                         ...) G_GNUC_NULL_TERMINATED;

uint32_t devtest_in(DevTest *t, uint16_t port, unsigned size);
void devtest_out(DevTest *t, uint16_t port, uint32_t val, unsigned size);

static inline uint8_t devtest_inb(DevTest *t, uint16_t port)
{
    return devtest_in(t, port, 1);
}

static inline void devtest_outb(DevTest *t, uint16_t port, uint8_t val)
{
    devtest_out(t, port, val, 1);
}

/**
 * devtest_run_pending - a few non-blocking main-loop iterations: machine
 * requests (shutdown, reset), chardev sources, async calls.
 */
void devtest_run_pending(DevTest *t);

/** devtest_step - advance the virtual clock by @ns, running due timers. */
void devtest_step(DevTest *t, int64_t ns);

/** devtest_clock - the virtual clock now. */
int64_t devtest_clock(DevTest *t);

/*
 * A test chardev ("devtest" backend): output is collected in @out, input is
 * offered with devtest_chr_input(), which hands over only what the
 * frontend's can_read allows, as a real backend would.
 */
typedef struct DevTestChardev {
    Chardev parent_obj;
    GString *out;
    GByteArray *pending; /* input the frontend has not taken yet */
} DevTestChardev;

/** devtest_chr_new - a "devtest" chardev at /chardevs/@id under @root. */
DevTestChardev *devtest_chr_new(Object *root, const char *id);

/**
 * devtest_chr_input - queue @len bytes of input and deliver what the
 * frontend takes now; returns the bytes still pending.
 */
unsigned devtest_chr_input(DevTestChardev *c, const void *buf, unsigned len);

/** devtest_chr_flush - deliver pending input as far as the frontend takes. */
unsigned devtest_chr_flush(DevTestChardev *c);

#endif
