/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fw_cfg from a test: QEMU's firmware configuration interface through its
 * pc I/O ports (selector 0x510, data 0x511), as QEMU's libqos reads it.
 */
#ifndef KEMU_LIBQOS_FW_CFG_H
#define KEMU_LIBQOS_FW_CFG_H

#include <stddef.h>
#include <stdint.h>
#include "tests/qtest/libqtest.h"

#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID        0x01
#define FW_CFG_RAM_SIZE  0x03
#define FW_CFG_NB_CPUS   0x05
#define FW_CFG_MAX_CPUS  0x0f
#define FW_CFG_FILE_DIR  0x19

typedef struct QFWCFG {
    QTestState *qts;
    uint16_t base; /* the selector port; data is base + 1 */
} QFWCFG;

/** pc_fw_cfg_init - fw_cfg at the pc's ports (free with pc_fw_cfg_uninit). */
QFWCFG *pc_fw_cfg_init(QTestState *qts);
void pc_fw_cfg_uninit(QFWCFG *fw_cfg);

/** qfw_cfg_select - select item @key. */
void qfw_cfg_select(QFWCFG *fw_cfg, uint16_t key);
/** qfw_cfg_read_data - read @len bytes of the selected item. */
void qfw_cfg_read_data(QFWCFG *fw_cfg, void *data, size_t len);
/** qfw_cfg_get - select @key and read @len bytes of it. */
void qfw_cfg_get(QFWCFG *fw_cfg, uint16_t key, void *data, size_t len);
/* Item @key as a little-endian integer. */
uint16_t qfw_cfg_get_u16(QFWCFG *fw_cfg, uint16_t key);
uint32_t qfw_cfg_get_u32(QFWCFG *fw_cfg, uint16_t key);
uint64_t qfw_cfg_get_u64(QFWCFG *fw_cfg, uint16_t key);
/**
 * qfw_cfg_get_file - read up to @buflen bytes of the named file from the
 * file directory; returns the file's size (0 when there is no such file).
 */
size_t qfw_cfg_get_file(QFWCFG *fw_cfg, const char *filename, void *data,
                        size_t buflen);

#endif
