/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Check "reset": three system resets, each by another path, counted in CMOS
 * NVRAM (bytes 0x4c magic, 0x4d stage) which must survive them: PIIX reset
 * control register 0xcf9, the 8042 keyboard controller (0xfe to port 0x64),
 * then a triple fault.  The fourth boot reports PASS.  Each boot must find
 * the ELF freshly loaded again (.data as in the file).  Run without
 * -no-reboot: with it, the first reset ends the VMM.
 */
#include "lib.h"

#define CMOS_MAGIC_BYTE        0x4c
#define CMOS_STAGE_BYTE        0x4d
#define CMOS_MAGIC             0xb5
#define IMAGE_MARKER           0x4b454d55u /* "KEMU" */
#define IMAGE_MARKER_CLOBBERED 0xdeadbeefu

#define PORT_RESET_CONTROL    0xcf9
#define RCR_SYS_RST           0x02 /* full reset, not just the CPU */
#define RCR_RST_CPU           0x04 /* 0 -> 1 starts the reset */
#define KBC_STATUS            0x64
#define KBC_COMMAND           0x64
#define KBC_STATUS_INPUT_FULL 0x02
#define KBC_CMD_PULSE_RESET   0xfe
#define KBC_TIMEOUT_MS        1000
#define RESET_WAIT_MS         3000

enum reset_stage {
    STAGE_FIRST_BOOT,
    STAGE_AFTER_CF9,
    STAGE_AFTER_KBC,
    STAGE_AFTER_TRIPLE_FAULT,
};

const char test_name[] = "reset";

static volatile uint32_t image_marker = IMAGE_MARKER;

static void reset_cf9(void)
{
    outb(PORT_RESET_CONTROL, RCR_SYS_RST);
    outb(PORT_RESET_CONTROL, RCR_SYS_RST | RCR_RST_CPU);
}

static void reset_kbc(void)
{
    uint64_t deadline = tsc_deadline(KBC_TIMEOUT_MS);

    while (inb(KBC_STATUS) & KBC_STATUS_INPUT_FULL) {
        if (tsc_expired(deadline)) {
            test_fail("8042 input buffer stays full");
        }
    }
    outb(KBC_COMMAND, KBC_CMD_PULSE_RESET);
}

static void reset_triple_fault(void)
{
    static const struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) empty_idt = {0, 0};

    /* #UD cannot be delivered, nor the #GP or #DF that follow. */
    __asm__ volatile("lidt %0\n\tud2" : : "m"(empty_idt));
}

static void trigger(enum reset_stage next, void (*fn)(void), const char *how)
{
    cmos_write(CMOS_STAGE_BYTE, next);
    if (cmos_read(CMOS_STAGE_BYTE) != next) {
        test_fail("CMOS byte %x does not keep a value", CMOS_STAGE_BYTE);
    }
    printf("reset: resetting through %s\n", how);
    image_marker = IMAGE_MARKER_CLOBBERED;
    fn();
    delay_ms(RESET_WAIT_MS);
    test_fail("reset through %s had no effect", how);
}

void test_main(void)
{
    enum reset_stage stage = STAGE_FIRST_BOOT;

    if (cmos_read(CMOS_MAGIC_BYTE) == CMOS_MAGIC) {
        stage = cmos_read(CMOS_STAGE_BYTE);
    }
    printf("reset: boot %u\n", stage + 1);
    if (image_marker != IMAGE_MARKER) {
        test_fail("boot %u: .data holds %08x, not %08x: image not reloaded",
                  stage + 1, image_marker, IMAGE_MARKER);
    }
    switch (stage) {
    case STAGE_FIRST_BOOT:
        cmos_write(CMOS_MAGIC_BYTE, CMOS_MAGIC);
        trigger(STAGE_AFTER_CF9, reset_cf9, "port 0xcf9");
        break;
    case STAGE_AFTER_CF9:
        trigger(STAGE_AFTER_KBC, reset_kbc, "the 8042 (0xfe to port 0x64)");
        break;
    case STAGE_AFTER_KBC:
        trigger(STAGE_AFTER_TRIPLE_FAULT, reset_triple_fault, "a triple fault");
        break;
    case STAGE_AFTER_TRIPLE_FAULT:
        cmos_write(CMOS_MAGIC_BYTE, 0);
        cmos_write(CMOS_STAGE_BYTE, 0);
        printf("reset: all three resets rebooted the machine\n");
        return;
    default:
        test_fail("CMOS stage byte %x holds %u", CMOS_STAGE_BYTE, stage);
    }
}
