/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -object filter-dump: the frames a netdev sends and receives, written to
 * a pcap file (libpcap's classic format: magic 0xa1b2c3d4, version 2.4,
 * LINKTYPE_ETHERNET, microsecond timestamps) that tcpdump and Wireshark
 * read.  Frames longer than maxlen are cut, their full length recorded.
 */
#include "util/osdep.h"
#include "util/iov.h"
#include "util/log.h"
#include "net/clients.h"
#include <fcntl.h>

#define PCAP_MAGIC             0xa1b2c3d4
#define PCAP_VERSION_MAJOR     2
#define PCAP_VERSION_MINOR     4
#define PCAP_LINKTYPE_ETHERNET 1

typedef struct PcapFileHeader {
    uint32_t magic;
    uint16_t version_major;
    uint16_t version_minor;
    int32_t thiszone;
    uint32_t sigfigs;
    uint32_t snaplen;
    uint32_t linktype;
} PcapFileHeader;

typedef struct PcapRecordHeader {
    uint32_t ts_sec;
    uint32_t ts_usec;
    uint32_t caplen;
    uint32_t len;
} PcapRecordHeader;

struct NetDump {
    NetClientState *nc;
    char *id;
    char *path;
    int fd;
    uint32_t snaplen;
    int dirs;
};

NetDump *net_dump_new(NetClientState *nc, const char *id, const char *path,
                      uint32_t snaplen, int dirs, Error **errp)
{
    PcapFileHeader hdr = {
        .magic = PCAP_MAGIC,
        .version_major = PCAP_VERSION_MAJOR,
        .version_minor = PCAP_VERSION_MINOR,
        .snaplen = snaplen,
        .linktype = PCAP_LINKTYPE_ETHERNET,
    };
    NetDump *d;
    int fd;

    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        error_setg_errno(errp, errno, "filter-dump %s: can't open '%s'", id,
                         path);
        return NULL;
    }
    if (write(fd, &hdr, sizeof(hdr)) != sizeof(hdr)) {
        error_setg_errno(errp, errno, "filter-dump %s: can't write '%s'", id,
                         path);
        close(fd);
        return NULL;
    }
    d = g_new0(NetDump, 1);
    d->nc = nc;
    d->id = g_strdup(id);
    d->path = g_strdup(path);
    d->fd = fd;
    d->snaplen = snaplen;
    d->dirs = dirs;
    nc->dumps = g_slist_append(nc->dumps, d);
    return d;
}

static void dump_write(NetDump *d, const struct iovec *iov, int iovcnt)
{
    size_t len = iov_size(iov, iovcnt);
    size_t caplen = MIN(len, (size_t)d->snaplen);
    int64_t now = g_get_real_time();
    PcapRecordHeader rec = {
        .ts_sec = now / G_USEC_PER_SEC,
        .ts_usec = now % G_USEC_PER_SEC,
        .caplen = caplen,
        .len = len,
    };
    struct iovec out[1 + 64];
    unsigned cnt;
    ssize_t n;

    out[0].iov_base = &rec;
    out[0].iov_len = sizeof(rec);
    cnt = iov_copy(out + 1, ARRAY_SIZE(out) - 1, iov, iovcnt, 0, caplen);
    if (iov_size(out + 1, cnt) != caplen) {
        /* A frame in more pieces than fit: write a flat copy. */
        g_autofree uint8_t *flat = g_malloc(caplen);

        iov_to_buf(iov, iovcnt, 0, flat, caplen);
        out[1].iov_base = flat;
        out[1].iov_len = caplen;
        n = writev(d->fd, out, 2);
    } else {
        n = writev(d->fd, out, cnt + 1);
    }
    if (n != (ssize_t)(sizeof(rec) + caplen)) {
        kemu_log_mask(LOG_NET,
                      "filter-dump %s: write to '%s' failed, "
                      "dump stopped\n",
                      d->id, d->path);
        d->dirs = 0;
    }
}

void net_dump_packet(NetClientState *nc, int dir, const struct iovec *iov,
                     int iovcnt)
{
    for (GSList *l = nc->dumps; l; l = l->next) {
        NetDump *d = l->data;

        if (d->dirs & dir) {
            dump_write(d, iov, iovcnt);
        }
    }
}

const char *net_dump_id(NetDump *d)
{
    return d->id;
}

void net_dump_close(NetDump *d)
{
    NetClientState *nc = d->nc;

    nc->dumps = g_slist_remove(nc->dumps, d);
    if (nc->ns) {
        nc->ns->dumps = g_list_remove(nc->ns->dumps, d);
    }
    close(d->fd);
    g_free(d->id);
    g_free(d->path);
    g_free(d);
}
