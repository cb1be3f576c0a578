/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fw_cfg through the pc's I/O ports (see fw_cfg.h).  Integers in items are
 * little-endian; the file directory is big-endian, as in QEMU.
 */
#include <string.h>
#include <glib.h>
#include "tests/qtest/libqos/fw_cfg.h"

QFWCFG *pc_fw_cfg_init(QTestState *qts)
{
    QFWCFG *fw_cfg = g_new0(QFWCFG, 1);

    fw_cfg->qts = qts;
    fw_cfg->base = 0x510;
    return fw_cfg;
}

void pc_fw_cfg_uninit(QFWCFG *fw_cfg)
{
    g_free(fw_cfg);
}

void qfw_cfg_select(QFWCFG *fw_cfg, uint16_t key)
{
    qtest_outw(fw_cfg->qts, fw_cfg->base, key);
}

void qfw_cfg_read_data(QFWCFG *fw_cfg, void *data, size_t len)
{
    uint8_t *p = data;

    for (size_t i = 0; i < len; i++) {
        p[i] = qtest_inb(fw_cfg->qts, fw_cfg->base + 1);
    }
}

void qfw_cfg_get(QFWCFG *fw_cfg, uint16_t key, void *data, size_t len)
{
    qfw_cfg_select(fw_cfg, key);
    qfw_cfg_read_data(fw_cfg, data, len);
}

uint16_t qfw_cfg_get_u16(QFWCFG *fw_cfg, uint16_t key)
{
    uint16_t v;

    qfw_cfg_get(fw_cfg, key, &v, sizeof(v));
    return GUINT16_FROM_LE(v);
}

uint32_t qfw_cfg_get_u32(QFWCFG *fw_cfg, uint16_t key)
{
    uint32_t v;

    qfw_cfg_get(fw_cfg, key, &v, sizeof(v));
    return GUINT32_FROM_LE(v);
}

uint64_t qfw_cfg_get_u64(QFWCFG *fw_cfg, uint16_t key)
{
    uint64_t v;

    qfw_cfg_get(fw_cfg, key, &v, sizeof(v));
    return GUINT64_FROM_LE(v);
}

size_t qfw_cfg_get_file(QFWCFG *fw_cfg, const char *filename, void *data,
                        size_t buflen)
{
    uint32_t count;

    qfw_cfg_get(fw_cfg, FW_CFG_FILE_DIR, &count, sizeof(count));
    count = GUINT32_FROM_BE(count);
    for (uint32_t i = 0; i < count; i++) {
        struct {
            uint32_t size;
            uint16_t select;
            uint16_t reserved;
            char name[56];
        } entry;

        qfw_cfg_read_data(fw_cfg, &entry, sizeof(entry));
        if (!strncmp(entry.name, filename, sizeof(entry.name))) {
            uint32_t size = GUINT32_FROM_BE(entry.size);

            qfw_cfg_get(fw_cfg, GUINT16_FROM_BE(entry.select), data,
                        MIN(size, buflen));
            return size;
        }
    }
    return 0;
}
