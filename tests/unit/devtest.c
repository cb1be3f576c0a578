/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device bench of devtest.h: a minimal machine type ("devtest") whose
 * board is built by the tests themselves.
 */
#include "util/osdep.h"
#include "util/main-loop.h"
#include "util/timer.h"
#include "hw/core/qdev.h"
#include "tests/unit/devtest.h"

#define TYPE_DEVTEST_MACHINE "devtest" TYPE_MACHINE_SUFFIX
#define TYPE_CHARDEV_DEVTEST "chardev-devtest"

static void devtest_irq_handler(void *opaque, int n, int level)
{
    DevTest *t = opaque;

    if (level && !t->level[n]) {
        t->raises[n]++;
    }
    t->level[n] = level;
}

DevTest *devtest_new(uint64_t ram_size)
{
    DevTest *t = g_new0(DevTest, 1);
    MachineClass *mc = machine_class_find("devtest");

    t->root = object_new(TYPE_CONTAINER);
    t->ms = machine_create(t->root, mc);
    t->ms->sysbus->irqs =
        qemu_allocate_irqs(devtest_irq_handler, t, DEVTEST_NUM_IRQS);
    t->ms->sysbus->num_irqs = DEVTEST_NUM_IRQS;
    clock_virtual_set_manual(t->ms->clocks, true);
    t->ram_size = ram_size;
    if (ram_size) {
        memory_region_init_ram(&t->ram, NULL, "devtest.ram", ram_size,
                               &error_abort);
        memory_region_add_subregion(t->ms->system_memory, 0, &t->ram);
    }
    return t;
}

void devtest_free(DevTest *t)
{
    SysBusState *bus = t->ms->sysbus;
    qemu_irq *irqs = bus->irqs;

    while (BUS(bus)->children) {
        qdev_unrealize(BUS(bus)->children->data);
    }
    if (t->ram_size) {
        memory_region_destroy(&t->ram);
    }
    machine_destroy(t->ms);
    object_unref(t->root);
    for (int i = 0; i < DEVTEST_NUM_IRQS; i++) {
        qemu_free_irq(irqs[i]);
    }
    g_free(irqs);
    g_free(t);
}

DeviceState *devtest_add(DevTest *t, Error **errp, const char *type, ...)
{
    DeviceState *dev = qdev_new(type);
    const char *name;
    va_list ap;

    machine_add_unattached(t->ms, dev);
    va_start(ap, type);
    while ((name = va_arg(ap, const char *))) {
        const char *value = va_arg(ap, const char *);

        if (!object_property_parse(OBJECT(dev), name, value, errp)) {
            va_end(ap);
            object_unparent(OBJECT(dev));
            object_unref(dev);
            return NULL;
        }
    }
    va_end(ap);
    if (!qdev_realize(dev, BUS(t->ms->sysbus), errp)) {
        object_unparent(OBJECT(dev));
        object_unref(dev);
        return NULL;
    }
    object_unref(dev);
    return dev;
}

uint32_t devtest_in(DevTest *t, uint16_t port, unsigned size)
{
    uint64_t val = 0;

    address_space_dispatch_io(t->ms->as_io, port, &val, size, false);
    return val;
}

void devtest_out(DevTest *t, uint16_t port, uint32_t val, unsigned size)
{
    uint64_t v = val;

    address_space_dispatch_io(t->ms->as_io, port, &v, size, true);
}

void devtest_run_pending(DevTest *t)
{
    for (int i = 0; i < 4; i++) {
        main_loop_wait(t->ms->main_loop, true);
    }
}

void devtest_step(DevTest *t, int64_t ns)
{
    clock_virtual_step(t->ms->clocks, ns);
}

int64_t devtest_clock(DevTest *t)
{
    return clock_get_ns(t->ms->clocks, QEMU_CLOCK_VIRTUAL);
}

/* ---- The test chardev ---- */

static int devtest_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    g_string_append_len(((DevTestChardev *)chr)->out, (const char *)buf, len);
    return len;
}

static bool devtest_chr_open(Chardev *chr, const char *ctx, Error **errp)
{
    chr->be_open = true;
    return true;
}

static void devtest_chr_init(Object *obj)
{
    DevTestChardev *c = (DevTestChardev *)obj;

    c->out = g_string_new(NULL);
    c->pending = g_byte_array_new();
}

static void devtest_chr_finalize(Object *obj)
{
    DevTestChardev *c = (DevTestChardev *)obj;

    g_string_free(c->out, TRUE);
    g_byte_array_free(c->pending, TRUE);
}

unsigned devtest_chr_flush(DevTestChardev *c)
{
    Chardev *chr = CHARDEV(c);

    while (c->pending->len) {
        int room = qemu_chr_be_can_write(chr);
        unsigned n = MIN((unsigned)MAX(room, 0), c->pending->len);

        if (!n) {
            break;
        }
        qemu_chr_be_write(chr, c->pending->data, n);
        g_byte_array_remove_range(c->pending, 0, n);
    }
    return c->pending->len;
}

unsigned devtest_chr_input(DevTestChardev *c, const void *buf, unsigned len)
{
    g_byte_array_append(c->pending, buf, len);
    return devtest_chr_flush(c);
}

DevTestChardev *devtest_chr_new(Object *root, const char *id)
{
    g_autoptr(KemuOpts) opts = kemu_opts_new("-chardev", "backend");
    Chardev *chr;

    kemu_opts_set(opts, "backend", "devtest");
    kemu_opts_set(opts, "id", id);
    chr = qemu_chr_new_from_opts(root, NULL, opts, &error_abort);
    return (DevTestChardev *)chr;
}

static void devtest_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend = "devtest";
    cc->help = "unit tests only";
    cc->open = devtest_chr_open;
    cc->write = devtest_chr_write;
}

/* ---- The machine ---- */

static void devtest_machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->desc = "unit-test bench for system-bus devices";
    mc->default_ram_size = 0;
}

static const TypeInfo devtest_types[] = {
    {
        .name = TYPE_DEVTEST_MACHINE,
        .parent = TYPE_MACHINE,
        .class_init = devtest_machine_class_init,
    },
    {
        .name = TYPE_CHARDEV_DEVTEST,
        .parent = TYPE_CHARDEV,
        .instance_size = sizeof(DevTestChardev),
        .instance_init = devtest_chr_init,
        .instance_finalize = devtest_chr_finalize,
        .class_init = devtest_chr_class_init,
    },
};

DEFINE_TYPES(devtest_types)
