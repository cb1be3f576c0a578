/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MC146818 RTC and CMOS RAM of the PC ("mc146818rtc"), at 0x70/0x71 on
 * IRQ 8.  Properties: base_year (int32, default 0: the year registers plus
 * the century byte give the year), base ("utc", "localtime" or
 * "YYYY-MM-DD[THH:MM:SS]") and clock ("host", "rt" or "vm"); when base or
 * clock is not set the machine's -rtc settings (ms->rtc_base, ms->rtc_clock)
 * apply, and then utc and host.  Registers: mc146818rtc-regs.h.
 */
#ifndef KEMU_HW_RTC_MC146818RTC_H
#define KEMU_HW_RTC_MC146818RTC_H

#include "hw/core/qdev.h"

#define TYPE_MC146818_RTC "mc146818rtc"

/**
 * rtc_set_memory - set CMOS byte @addr (0..127) to @val, as the board does
 * for the memory size bytes (0x15-0x18, 0x30-0x31, 0x34-0x35, 0x5b-0x5d)
 * before the guest runs.  Addresses of the clock registers (0-13) are for
 * the guest's use; out-of-range addresses are ignored.
 */
void rtc_set_memory(DeviceState *dev, int addr, uint8_t val);

/** rtc_get_memory - CMOS byte @addr (0..127) as stored, 0 out of range. */
uint8_t rtc_get_memory(DeviceState *dev, int addr);

/**
 * rtc_check_options - validate -rtc base= and clock= values (NULL: unset)
 * for main, with the one-line errors realize would give:
 * "-rtc base=X: ..." naming what is accepted.
 */
bool rtc_check_options(const char *base, const char *clock, Error **errp);

#endif
