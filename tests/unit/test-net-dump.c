/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -object filter-dump: the pcap file is read back: the global header
 * (magic 0xa1b2c3d4, version 2.4, snaplen, linktype 1 = Ethernet), then
 * one record per frame in both directions with its lengths and bytes;
 * maxlen= cuts long frames but keeps their length; queue=rx/tx filter.
 */
#include "util/osdep.h"
#include "tests/unit/test-net-fake.h"

typedef struct PcapRec {
    uint32_t caplen, len;
    const uint8_t *data;
} PcapRec;

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

static uint16_t rd16(const uint8_t *p)
{
    uint16_t v;

    memcpy(&v, p, 2);
    return v;
}

/* Parse @buf as a pcap file: header fields and up to @max records. */
static int pcap_parse(const uint8_t *buf, size_t size, uint32_t *snaplen,
                      PcapRec *recs, int max)
{
    size_t off = 24;
    int n = 0;

    CU_ASSERT_TRUE_FATAL(size >= 24);
    CU_ASSERT_EQUAL(rd32(buf), 0xa1b2c3d4);
    CU_ASSERT_EQUAL(rd16(buf + 4), 2);
    CU_ASSERT_EQUAL(rd16(buf + 6), 4);
    CU_ASSERT_EQUAL(rd32(buf + 8), 0);
    CU_ASSERT_EQUAL(rd32(buf + 12), 0);
    *snaplen = rd32(buf + 16);
    CU_ASSERT_EQUAL(rd32(buf + 20), 1);
    while (off + 16 <= size && n < max) {
        recs[n].caplen = rd32(buf + off + 8);
        recs[n].len = rd32(buf + off + 12);
        CU_ASSERT(rd32(buf + off) > 1600000000); /* a real timestamp */
        CU_ASSERT(rd32(buf + off + 4) < 1000000);
        recs[n].data = buf + off + 16;
        off += 16 + recs[n].caplen;
        n++;
    }
    CU_ASSERT_EQUAL(off, size);
    return n;
}

static char *object_add(NetState *ns, const char *fmt, const char *path)
{
    g_autofree char *arg = g_strdup_printf(fmt, path);
    Error *err = NULL;
    KemuOpts *opts = kemu_opts_parse("-object", arg, "qom-type", &err);
    char *msg = NULL;

    if (opts) {
        net_object_add(ns, opts, &err);
        kemu_opts_free(opts);
    }
    if (err) {
        msg = g_strdup(error_get_pretty(err));
        error_free(err);
    }
    return msg;
}

static void test_pcap_both_directions(void)
{
    g_autofree char *dir = g_dir_make_tmp("kemu-dump-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "out.pcap", NULL);
    MainLoop *ml = main_loop_new();
    NetState *ns = net_state_new(ml);
    FakeBackend *be = fake_backend_new(ns, "n0");
    FakeNic *nic = fake_nic_new(&be->nc, NULL);
    uint8_t f1[60], f2[1514], f3[42];
    struct iovec iov[2] = {{f2, 100}, {f2 + 100, 1414}};
    g_autofree gchar *data = NULL;
    gsize size;
    PcapRec recs[8];
    uint32_t snaplen;
    int n;

    for (size_t i = 0; i < sizeof(f2); i++) {
        f2[i] = i * 3;
    }
    memset(f1, 0x11, sizeof(f1));
    memset(f3, 0x33, sizeof(f3));
    CU_ASSERT_PTR_NULL(
        object_add(ns, "filter-dump,id=f0,netdev=n0,file=%s", path));
    qemu_send_packet(&be->nc, f1, sizeof(f1)); /* to the guest */
    qemu_sendv_packet(nic->nc, iov, 2);        /* from the guest */
    qemu_send_packet(&be->nc, f3, sizeof(f3));
    CU_ASSERT_EQUAL(nic->rx->len, 2);
    CU_ASSERT_EQUAL(be->rx->len, 1);
    fake_nic_free(nic);
    net_state_free(ns);
    main_loop_free(ml);

    CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &data, &size, NULL));
    n = pcap_parse((uint8_t *)data, size, &snaplen, recs, 8);
    CU_ASSERT_EQUAL(snaplen, 65536);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_EQUAL(recs[0].caplen, 60);
    CU_ASSERT_EQUAL(recs[0].len, 60);
    CU_ASSERT_EQUAL(memcmp(recs[0].data, f1, 60), 0);
    CU_ASSERT_EQUAL(recs[1].caplen, 1514);
    CU_ASSERT_EQUAL(recs[1].len, 1514);
    CU_ASSERT_EQUAL(memcmp(recs[1].data, f2, 1514), 0);
    CU_ASSERT_EQUAL(recs[2].len, 42);
    CU_ASSERT_EQUAL(memcmp(recs[2].data, f3, 42), 0);
    unlink(path);
    rmdir(dir);
}

static void test_pcap_maxlen_and_queue(void)
{
    g_autofree char *dir = g_dir_make_tmp("kemu-dump-XXXXXX", NULL);
    g_autofree char *p1 = g_build_filename(dir, "cut.pcap", NULL);
    g_autofree char *p2 = g_build_filename(dir, "rx.pcap", NULL);
    MainLoop *ml = main_loop_new();
    NetState *ns = net_state_new(ml);
    FakeBackend *be = fake_backend_new(ns, "n0");
    FakeNic *nic = fake_nic_new(&be->nc, NULL);
    uint8_t f[1000];
    g_autofree gchar *d1 = NULL, *d2 = NULL;
    gsize s1, s2;
    PcapRec recs[4];
    uint32_t snaplen;

    for (size_t i = 0; i < sizeof(f); i++) {
        f[i] = i;
    }
    CU_ASSERT_PTR_NULL(
        object_add(ns, "filter-dump,id=f0,netdev=n0,file=%s,maxlen=128", p1));
    CU_ASSERT_PTR_NULL(
        object_add(ns, "filter-dump,id=f1,netdev=n0,queue=rx,file=%s", p2));
    qemu_send_packet(&be->nc, f, 1000); /* tx of n0 */
    qemu_send_packet(nic->nc, f, 500);  /* rx of n0 */
    fake_nic_free(nic);
    net_state_free(ns);
    main_loop_free(ml);

    CU_ASSERT_TRUE_FATAL(g_file_get_contents(p1, &d1, &s1, NULL));
    CU_ASSERT_EQUAL_FATAL(pcap_parse((uint8_t *)d1, s1, &snaplen, recs, 4), 2);
    CU_ASSERT_EQUAL(snaplen, 128);
    CU_ASSERT_EQUAL(recs[0].caplen, 128);
    CU_ASSERT_EQUAL(recs[0].len, 1000);
    CU_ASSERT_EQUAL(memcmp(recs[0].data, f, 128), 0);
    CU_ASSERT_EQUAL(recs[1].caplen, 128);
    CU_ASSERT_EQUAL(recs[1].len, 500);

    CU_ASSERT_TRUE_FATAL(g_file_get_contents(p2, &d2, &s2, NULL));
    CU_ASSERT_EQUAL_FATAL(pcap_parse((uint8_t *)d2, s2, &snaplen, recs, 4), 1);
    CU_ASSERT_EQUAL(recs[0].len, 500);
    CU_ASSERT_EQUAL(memcmp(recs[0].data, f, 500), 0);
    unlink(p1);
    unlink(p2);
    rmdir(dir);
}

UNIT_SUITE(net_dump, NULL, NULL, UNIT_TEST(test_pcap_both_directions),
           UNIT_TEST(test_pcap_maxlen_and_queue));
