/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ACPI fixed hardware registers (ACPI 6.4, 4.8.3) in the PIIX4 layout:
 * PM1 status/enable with write-1-to-clear status, PM1 control with the
 * sleep request, the 3.579545 MHz PM timer on the virtual clock with its
 * carry status, and a 16-bit GPE0 block; the SCI is their OR.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/acpi/acpi-pm.h"

/* The PM1 status bits that raise the SCI when enabled. */
#define PM1_SCI_BITS                                                           \
    (ACPI_BITMASK_TIMER_STATUS | ACPI_BITMASK_GLOBAL_LOCK_STATUS |             \
     ACPI_BITMASK_POWER_BUTTON_STATUS | ACPI_BITMASK_RT_CLOCK_STATUS)
#define PM1_EN_BITS                                                            \
    (ACPI_BITMASK_TIMER_ENABLE | ACPI_BITMASK_GLOBAL_LOCK_ENABLE |             \
     ACPI_BITMASK_POWER_BUTTON_ENABLE | ACPI_BITMASK_RT_CLOCK_ENABLE)
/* Writable PM1_CNT bits (SLP_EN and GBL_RLS are write-only strobes). */
#define PM1_CNT_BITS (ACPI_BITMASK_BUS_MASTER_RLD | ACPI_BITMASK_SLEEP_TYPE)

/* The timer's top bit toggles every 2^23 ticks: TMR_STS (4.8.3.3). */
#define TMR_CARRY_TICKS (1ull << 23)

static uint64_t ns_to_ticks(int64_t ns)
{
    return (unsigned __int128)ns * ACPI_PM_TIMER_FREQUENCY /
           NANOSECONDS_PER_SECOND;
}

/* The first virtual time at which the tick count reaches ticks. */
static int64_t ticks_to_ns(uint64_t ticks)
{
    return ((unsigned __int128)ticks * NANOSECONDS_PER_SECOND +
            ACPI_PM_TIMER_FREQUENCY - 1) /
           ACPI_PM_TIMER_FREQUENCY;
}

static int64_t now_ns(AcpiPmRegs *pm)
{
    return clock_get_ns(pm->clocks, QEMU_CLOCK_VIRTUAL);
}

uint32_t acpi_pm_timer_value(AcpiPmRegs *pm)
{
    return ns_to_ticks(now_ns(pm)) & ACPI_PM_TIMER_MASK;
}

static void update_sci(AcpiPmRegs *pm)
{
    int level = (pm->pm1_cnt & ACPI_BITMASK_SCI_ENABLE) &&
                ((pm->pm1_sts & pm->pm1_en & PM1_SCI_BITS) ||
                 (pm->gpe0_sts & pm->gpe0_en));

    if (level != pm->sci_level) {
        pm->sci_level = level;
        kemu_log_mask(LOG_INT, "acpi-pm: SCI %d\n", level);
        qemu_set_irq(pm->sci, level);
    }
}

/*
 * Bring TMR_STS up to date: set it if the timer carried since the last
 * look, find the next carry, and arm the timer for it when the carry is to
 * raise the SCI.
 */
static void tmr_update(AcpiPmRegs *pm)
{
    int64_t now = now_ns(pm);

    if (now >= pm->tmr_carry_ns) {
        uint64_t ticks = ns_to_ticks(now);

        pm->pm1_sts |= ACPI_BITMASK_TIMER_STATUS;
        pm->tmr_carry_ns =
            ticks_to_ns((ticks / TMR_CARRY_TICKS + 1) * TMR_CARRY_TICKS);
    }
    if (!(pm->pm1_en & ACPI_BITMASK_TIMER_ENABLE)) {
        timer_del(pm->tmr_timer);
    } else if (timer_expire_time_ns(pm->tmr_timer) != pm->tmr_carry_ns) {
        timer_mod(pm->tmr_timer, pm->tmr_carry_ns);
    }
}

static void tmr_expired(void *opaque)
{
    AcpiPmRegs *pm = opaque;

    tmr_update(pm);
    update_sci(pm);
}

/* One byte of the 16-bit register at (off & ~1). */
static uint8_t reg_byte(uint16_t reg, unsigned off)
{
    return off & 1 ? reg >> 8 : reg & 0xff;
}

static uint64_t pm_read(void *opaque, hwaddr addr, unsigned size)
{
    AcpiPmRegs *pm = opaque;
    uint32_t tmr = acpi_pm_timer_value(pm);
    uint64_t val = 0;

    tmr_update(pm);
    for (unsigned i = 0; i < size; i++) {
        unsigned off = addr + i;
        uint8_t b = 0;

        switch (off & ~1u) {
        case ACPI_PM1_EVT_OFFSET:
            b = reg_byte(pm->pm1_sts, off);
            break;
        case ACPI_PM1_EVT_OFFSET + 2:
            b = reg_byte(pm->pm1_en, off);
            break;
        case ACPI_PM1_CNT_OFFSET:
            b = reg_byte(pm->pm1_cnt, off);
            break;
        case ACPI_PM_TMR_OFFSET:
        case ACPI_PM_TMR_OFFSET + 2:
            b = tmr >> (8 * (off - ACPI_PM_TMR_OFFSET));
            break;
        case ACPI_GPE0_OFFSET:
            b = reg_byte(pm->gpe0_sts, off);
            break;
        case ACPI_GPE0_OFFSET + 2:
            b = reg_byte(pm->gpe0_en, off);
            break;
        default:
            kemu_log_mask(LOG_UNIMP, "acpi-pm: read of register 0x%x\n", off);
            break;
        }
        val |= (uint64_t)b << (8 * i);
    }
    return val;
}

/* Write byte b into the byte of *reg at off, keeping the bits not in mask. */
static void write_reg_byte(uint16_t *reg, unsigned off, uint8_t b,
                           uint16_t mask)
{
    unsigned shift = off & 1 ? 8 : 0;
    uint16_t m = (uint16_t)(0xff << shift) & mask;

    *reg = (*reg & ~m) | ((uint16_t)(b << shift) & m);
}

static void pm1_cnt_write_byte(AcpiPmRegs *pm, unsigned off, uint8_t b)
{
    uint16_t strobe = (uint16_t)(b << (off & 1 ? 8 : 0));

    write_reg_byte(&pm->pm1_cnt, off, b, PM1_CNT_BITS);
    if (strobe & ACPI_BITMASK_SLEEP_ENABLE) {
        unsigned typ =
            (pm->pm1_cnt & ACPI_BITMASK_SLEEP_TYPE) >> ACPI_SLEEP_TYPE_SHIFT;

        kemu_log_mask(LOG_INT, "acpi-pm: sleep request SLP_TYP %u\n", typ);
        if (pm->sleep) {
            pm->sleep(pm->opaque, typ);
        }
    }
}

static void pm_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    AcpiPmRegs *pm = opaque;
    bool sleep_written = false;

    for (unsigned i = 0; i < size; i++) {
        unsigned off = addr + i;
        uint8_t b = val >> (8 * i);

        switch (off & ~1u) {
        case ACPI_PM1_EVT_OFFSET:
            /* Write 1 to clear; clearing a carry that is due sets it again. */
            tmr_update(pm);
            pm->pm1_sts &= ~(uint16_t)(b << (off & 1 ? 8 : 0));
            break;
        case ACPI_PM1_EVT_OFFSET + 2:
            write_reg_byte(&pm->pm1_en, off, b, PM1_EN_BITS);
            tmr_update(pm);
            break;
        case ACPI_PM1_CNT_OFFSET:
            /* Apply the whole access before a sleep request runs. */
            if (off & 1) {
                sleep_written = true;
            } else {
                write_reg_byte(&pm->pm1_cnt, off, b, PM1_CNT_BITS);
            }
            break;
        case ACPI_PM_TMR_OFFSET:
        case ACPI_PM_TMR_OFFSET + 2:
            break; /* read-only */
        case ACPI_GPE0_OFFSET:
            pm->gpe0_sts &= ~(uint16_t)(b << (off & 1 ? 8 : 0));
            break;
        case ACPI_GPE0_OFFSET + 2:
            write_reg_byte(&pm->gpe0_en, off, b, 0xffff);
            break;
        default:
            kemu_log_mask(LOG_UNIMP, "acpi-pm: write 0x%02x to register 0x%x\n",
                          b, off);
            break;
        }
    }
    update_sci(pm);
    if (sleep_written) {
        unsigned off = ACPI_PM1_CNT_OFFSET + 1;

        pm1_cnt_write_byte(pm, off, val >> (8 * (off - addr)));
    }
}

static const MemoryRegionOps acpi_pm_ops = {
    .read = pm_read,
    .write = pm_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4, .unaligned = true},
};

void acpi_pm_init(AcpiPmRegs *pm, void *owner, KemuClocks *clocks,
                  AcpiPmSleepFn *sleep, void *opaque)
{
    pm->clocks = clocks;
    pm->sleep = sleep;
    pm->opaque = opaque;
    pm->tmr_timer = timer_new_ns(clocks, QEMU_CLOCK_VIRTUAL, tmr_expired, pm);
    memory_region_init_io(&pm->io, owner, &acpi_pm_ops, pm, "acpi-pm",
                          ACPI_PM_BLOCK_SIZE);
}

void acpi_pm_cleanup(AcpiPmRegs *pm)
{
    timer_free(pm->tmr_timer);
    pm->tmr_timer = NULL;
    memory_region_destroy(&pm->io);
}

void acpi_pm_reset(AcpiPmRegs *pm)
{
    pm->pm1_sts = 0;
    pm->pm1_en = 0;
    pm->pm1_cnt = ACPI_BITMASK_SCI_ENABLE;
    pm->gpe0_sts = 0;
    pm->gpe0_en = 0;
    pm->tmr_carry_ns = ticks_to_ns(
        (ns_to_ticks(now_ns(pm)) / TMR_CARRY_TICKS + 1) * TMR_CARRY_TICKS);
    timer_del(pm->tmr_timer);
    update_sci(pm);
}

void acpi_pm_power_button(AcpiPmRegs *pm)
{
    pm->pm1_sts |= ACPI_BITMASK_POWER_BUTTON_STATUS;
    update_sci(pm);
}

void acpi_pm_gpe_set(AcpiPmRegs *pm, unsigned bit)
{
    assert(bit < 16);
    pm->gpe0_sts |= 1u << bit;
    update_sci(pm);
}
