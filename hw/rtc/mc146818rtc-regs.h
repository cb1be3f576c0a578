/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Motorola MC146818A real-time clock and CMOS RAM: register indexes and
 * bits (datasheet, "Address Map" and "Register A-D"), with QEMU's names so
 * that tests read the same; shared by the device model and its tests.
 */
#ifndef KEMU_HW_RTC_MC146818RTC_REGS_H
#define KEMU_HW_RTC_MC146818RTC_REGS_H

#define RTC_ISA_BASE 0x70 /* index port; data at +1 */
#define RTC_ISA_IRQ  8

#define RTC_SECONDS         0
#define RTC_SECONDS_ALARM   1
#define RTC_MINUTES         2
#define RTC_MINUTES_ALARM   3
#define RTC_HOURS           4
#define RTC_HOURS_ALARM     5
#define RTC_ALARM_DONT_CARE 0xc0 /* both top bits set: matches any value */
#define RTC_DAY_OF_WEEK     6    /* 1 = Sunday */
#define RTC_DAY_OF_MONTH    7
#define RTC_MONTH           8
#define RTC_YEAR            9
#define RTC_REG_A           10
#define RTC_REG_B           11
#define RTC_REG_C           12
#define RTC_REG_D           13
#define RTC_CENTURY         0x32 /* the PC's century byte in CMOS RAM */
#define RTC_CMOS_SIZE       128

#define RTC_INDEX_MASK        0x7f
#define RTC_INDEX_NMI_DISABLE 0x80 /* bit 7 of the index port */

#define REG_A_UIP      0x80 /* update in progress */
#define REG_A_DV_MASK  0x70 /* divider: 010 = 32.768 kHz, 11x = reset */
#define REG_A_DV_32KHZ 0x20
#define REG_A_DV_RESET 0x60 /* either value with both bits set */
#define REG_A_RS_MASK  0x0f /* periodic rate select */

#define REG_B_SET  0x80 /* stop updates so software can set the time */
#define REG_B_PIE  0x40 /* periodic interrupt enable */
#define REG_B_AIE  0x20 /* alarm interrupt enable */
#define REG_B_UIE  0x10 /* update-ended interrupt enable */
#define REG_B_SQWE 0x08 /* square wave enable */
#define REG_B_DM   0x04 /* data mode: 1 binary, 0 BCD */
#define REG_B_24H  0x02 /* 1: 24-hour, 0: 12-hour with PM in bit 7 */
#define REG_B_DSE  0x01 /* daylight saving enable */

#define REG_C_IRQF 0x80 /* an enabled flag below is set */
#define REG_C_PF   0x40 /* periodic */
#define REG_C_AF   0x20 /* alarm */
#define REG_C_UF   0x10 /* update ended */
#define REG_C_MASK 0x70

#define REG_D_VRT 0x80 /* valid RAM and time: the battery is good */

#define RTC_HOURS_PM 0x80 /* 12-hour mode */

/* The divider chain runs at 32768 Hz; UIP is up for 244 us before an update. */
#define RTC_CLOCK_RATE  32768
#define RTC_UIP_HOLD_NS (8 * 1000000000LL / RTC_CLOCK_RATE)

#endif
