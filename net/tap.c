/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -netdev tap: a Linux TUN/TAP interface (IFF_TAP | IFF_NO_PI), made by
 * name (ifname=) or passed in (fd=).  With IFF_VNET_HDR (vnet_hdr=, on by
 * default where the kernel has it) every frame carries a virtio-net header:
 * a NIC that understands it (qemu_using_vnet_hdr) exchanges it with the
 * kernel, for any other NIC this file adds and strips a zero header.  The
 * fd is read on the main loop; reading stops while the peer holds a frame.
 * kemu runs no ifup/ifdown scripts: configure the interface beforehand.
 */
#include "util/osdep.h"
#include "util/iov.h"
#include "util/log.h"
#include "util/main-loop.h"
#include "net/clients.h"
#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <linux/if_tun.h>

/* struct virtio_net_hdr; 12 with mergeable buffers (num_buffers). */
#define TAP_VNET_HDR_LEN 10
#define TAP_VNET_HDR_MAX 12
/* Frames read per wake-up before other sources get a turn. */
#define TAP_READ_BATCH 64

typedef struct TAPState {
    NetClientState nc;
    MainLoop *loop;
    int fd;
    char ifname[IFNAMSIZ];
    guint read_watch;
    guint write_watch;
    bool has_vnet_hdr;   /* IFF_VNET_HDR is set on the fd */
    bool using_vnet_hdr; /* the NIC exchanges the header itself */
    bool has_ufo;
    int host_vnet_hdr_len; /* 0 without IFF_VNET_HDR */
    uint8_t buf[NET_BUFSIZE + TAP_VNET_HDR_MAX];
} TAPState;

static TAPState *to_tap(NetClientState *nc)
{
    return container_of(nc, TAPState, nc);
}

static gboolean tap_readable(int fd, GIOCondition cond, void *opaque);
static gboolean tap_writable(int fd, GIOCondition cond, void *opaque);

static void tap_read_poll(TAPState *s, bool enable)
{
    if (enable && !s->read_watch) {
        s->read_watch =
            main_loop_add_fd(s->loop, s->fd, G_IO_IN, tap_readable, s);
    } else if (!enable && s->read_watch) {
        main_loop_remove_fd(s->loop, s->read_watch);
        s->read_watch = 0;
    }
}

static void tap_write_poll(TAPState *s, bool enable)
{
    if (enable && !s->write_watch) {
        s->write_watch =
            main_loop_add_fd(s->loop, s->fd, G_IO_OUT, tap_writable, s);
    } else if (!enable && s->write_watch) {
        main_loop_remove_fd(s->loop, s->write_watch);
        s->write_watch = 0;
    }
}

static void tap_send_completed(NetClientState *nc, ssize_t ret)
{
    tap_read_poll(to_tap(nc), true);
}

static gboolean tap_readable(int fd, GIOCondition cond, void *opaque)
{
    TAPState *s = opaque;

    for (int i = 0; i < TAP_READ_BATCH; i++) {
        ssize_t n = read(s->fd, s->buf, sizeof(s->buf));
        uint8_t *buf = s->buf;
        int strip = s->using_vnet_hdr ? 0 : s->host_vnet_hdr_len;

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        if (n <= strip) {
            continue;
        }
        buf += strip;
        n -= strip;
        if (qemu_send_packet_async(&s->nc, buf, n, tap_send_completed) == 0) {
            tap_read_poll(s, false);
            break;
        }
    }
    return s->read_watch ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean tap_writable(int fd, GIOCondition cond, void *opaque)
{
    TAPState *s = opaque;

    s->write_watch = 0;
    qemu_flush_queued_packets(&s->nc);
    return G_SOURCE_REMOVE;
}

static ssize_t tap_receive_iov(NetClientState *nc, const struct iovec *iov,
                               int iovcnt)
{
    static const uint8_t zero_hdr[TAP_VNET_HDR_MAX];
    TAPState *s = to_tap(nc);
    struct iovec out[1 + 64];
    const struct iovec *v = iov;
    int cnt = iovcnt;
    ssize_t n;

    if (s->host_vnet_hdr_len && !s->using_vnet_hdr) {
        if (iovcnt >= (int)ARRAY_SIZE(out)) {
            return -1;
        }
        out[0].iov_base = (void *)zero_hdr;
        out[0].iov_len = s->host_vnet_hdr_len;
        memcpy(out + 1, iov, iovcnt * sizeof(*iov));
        v = out;
        cnt = iovcnt + 1;
    }
    do {
        n = writev(s->fd, v, cnt);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN) {
        tap_write_poll(s, true);
        return 0;
    }
    if (n < 0) {
        kemu_log_mask(LOG_NET, "net: tap %s: write failed: %s\n", s->ifname,
                      strerror(errno));
        return -1;
    }
    return iov_size(iov, iovcnt);
}

static bool tap_has_ufo(NetClientState *nc)
{
    return to_tap(nc)->has_ufo;
}

static bool tap_has_vnet_hdr(NetClientState *nc)
{
    return to_tap(nc)->has_vnet_hdr;
}

static bool tap_has_vnet_hdr_len(NetClientState *nc, int len)
{
    TAPState *s = to_tap(nc);
    int orig;

    if (!s->has_vnet_hdr || ioctl(s->fd, TUNGETVNETHDRSZ, &orig)) {
        return false;
    }
    if (ioctl(s->fd, TUNSETVNETHDRSZ, &len)) {
        return false;
    }
    ioctl(s->fd, TUNSETVNETHDRSZ, &orig);
    return true;
}

static int tap_set_vnet_hdr_len(NetClientState *nc, int len)
{
    TAPState *s = to_tap(nc);

    if (!s->has_vnet_hdr) {
        return -ENOTSUP;
    }
    if (ioctl(s->fd, TUNSETVNETHDRSZ, &len)) {
        return -errno;
    }
    s->host_vnet_hdr_len = len;
    return 0;
}

static void tap_using_vnet_hdr(NetClientState *nc, bool enable)
{
    TAPState *s = to_tap(nc);

    assert(!enable || s->has_vnet_hdr);
    s->using_vnet_hdr = enable;
}

static void tap_set_offload(NetClientState *nc, int csum, int tso4, int tso6,
                            int ecn, int ufo)
{
    TAPState *s = to_tap(nc);
    unsigned offload = 0;

    if (!s->has_vnet_hdr) {
        return;
    }
    if (csum) {
        offload |= TUN_F_CSUM;
        offload |= tso4 ? TUN_F_TSO4 : 0;
        offload |= tso6 ? TUN_F_TSO6 : 0;
        offload |= (tso4 || tso6) && ecn ? TUN_F_TSO_ECN : 0;
        offload |= ufo ? TUN_F_UFO : 0;
    }
    if (ioctl(s->fd, TUNSETOFFLOAD, offload) && (offload & TUN_F_UFO)) {
        offload &= ~TUN_F_UFO;
        if (ioctl(s->fd, TUNSETOFFLOAD, offload)) {
            kemu_log_mask(LOG_NET, "net: tap %s: TUNSETOFFLOAD failed: %s\n",
                          s->ifname, strerror(errno));
        }
    }
}

static void tap_cleanup(NetClientState *nc)
{
    TAPState *s = to_tap(nc);

    tap_read_poll(s, false);
    tap_write_poll(s, false);
    close(s->fd);
}

static const NetClientInfo net_tap_info = {
    .type = NET_CLIENT_DRIVER_TAP,
    .size = sizeof(TAPState),
    .receive_iov = tap_receive_iov,
    .cleanup = tap_cleanup,
    .has_ufo = tap_has_ufo,
    .has_vnet_hdr = tap_has_vnet_hdr,
    .has_vnet_hdr_len = tap_has_vnet_hdr_len,
    .using_vnet_hdr = tap_using_vnet_hdr,
    .set_offload = tap_set_offload,
    .set_vnet_hdr_len = tap_set_vnet_hdr_len,
};

/* Open /dev/net/tun and attach it to interface @ifname (in/out). */
static int tap_open(const char *ctx, char *ifname, bool want_vnet,
                    bool vnet_required, bool *has_vnet, Error **errp)
{
    struct ifreq ifr = {0};
    unsigned features = 0;
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        int err = errno;

        if (err == ENOENT || err == ENODEV || err == ENXIO) {
            error_setg(errp,
                       "%s: can't open /dev/net/tun: %s (is the tun "
                       "module loaded? try 'modprobe tun')",
                       ctx, strerror(err));
        } else if (err == EACCES || err == EPERM) {
            error_setg(errp,
                       "%s: can't open /dev/net/tun: %s (run as root "
                       "or give this user access to /dev/net/tun)",
                       ctx, strerror(err));
        } else {
            error_setg_errno(errp, err, "%s: can't open /dev/net/tun", ctx);
        }
        return -1;
    }
    if (ioctl(fd, TUNGETFEATURES, &features)) {
        features = 0;
    }
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    *has_vnet = want_vnet && (features & IFF_VNET_HDR);
    if (*has_vnet) {
        ifr.ifr_flags |= IFF_VNET_HDR;
    } else if (vnet_required) {
        error_setg(errp,
                   "%s: vnet_hdr=on, but this kernel's tap lacks "
                   "IFF_VNET_HDR",
                   ctx);
        close(fd);
        return -1;
    }
    g_strlcpy(ifr.ifr_name, ifname[0] ? ifname : "tap%d", IFNAMSIZ);
    if (ioctl(fd, TUNSETIFF, &ifr)) {
        int err = errno;

        error_setg(errp, "%s: can't create tap interface '%s': %s%s", ctx,
                   ifr.ifr_name, strerror(err),
                   err == EPERM   ? " (needs CAP_NET_ADMIN)"
                   : err == EBUSY ? " (is it in use by another program?)"
                                  : "");
        close(fd);
        return -1;
    }
    g_strlcpy(ifname, ifr.ifr_name, IFNAMSIZ);
    return fd;
}

static bool script_is_none(const char *script)
{
    return !script || !script[0] || !strcmp(script, "no");
}

NetClientState *net_init_tap(NetState *ns, KemuOpts *opts, const char *id,
                             Error **errp)
{
    const char *ctx = kemu_opts_context(opts);
    const char *ifname = kemu_opts_get(opts, "ifname");
    const char *fd_str = kemu_opts_get(opts, "fd");
    const char *script = kemu_opts_get(opts, "script");
    const char *downscript = kemu_opts_get(opts, "downscript");
    const char *vnet_str = kemu_opts_get(opts, "vnet_hdr");
    char name[IFNAMSIZ] = "";
    bool vnet_hdr = true, has_vnet = false;
    uint64_t num = 0;
    TAPState *s;
    int fd;

    if (!kemu_opts_get_bool(opts, "vnet_hdr", true, &vnet_hdr, errp) ||
        (fd_str && !kemu_opts_get_number(opts, "fd", 0, &num, errp)) ||
        !kemu_opts_check_unused(opts, errp)) {
        return NULL;
    }
    if (!script_is_none(script) || !script_is_none(downscript)) {
        error_setg(errp,
                   "%s: %s='%s' is not supported: kemu runs no "
                   "scripts (use script=no,downscript=no and set the "
                   "interface up beforehand)",
                   ctx, script_is_none(script) ? "downscript" : "script",
                   script_is_none(script) ? downscript : script);
        return NULL;
    }
    if (fd_str && (ifname || script || downscript || vnet_str)) {
        error_setg(errp,
                   "%s: ifname=, script=, downscript= and vnet_hdr= "
                   "can't be used with fd=",
                   ctx);
        return NULL;
    }
    if (ifname && strlen(ifname) >= IFNAMSIZ) {
        error_setg(errp,
                   "%s: ifname '%s' is too long (at most %d "
                   "characters)",
                   ctx, ifname, IFNAMSIZ - 1);
        return NULL;
    }

    if (fd_str) {
        struct ifreq ifr = {0};

        fd = num > INT_MAX ? -1 : (int)num;
        if (fd < 0 || fcntl(fd, F_GETFD) < 0) {
            error_setg(errp,
                       "%s: fd=%" PRIu64 " is not an open file "
                       "descriptor",
                       ctx, num);
            return NULL;
        }
        if (ioctl(fd, TUNGETIFF, &ifr) || !(ifr.ifr_flags & IFF_TAP)) {
            error_setg(errp, "%s: fd=%d is not a tap device", ctx, fd);
            return NULL;
        }
        has_vnet = ifr.ifr_flags & IFF_VNET_HDR;
        g_strlcpy(name, ifr.ifr_name, IFNAMSIZ);
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    } else {
        if (ifname) {
            g_strlcpy(name, ifname, IFNAMSIZ);
        }
        fd = tap_open(ctx, name, vnet_hdr, vnet_str && vnet_hdr, &has_vnet,
                      errp);
        if (fd < 0) {
            return NULL;
        }
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

    s = (TAPState *)qemu_new_net_client(&net_tap_info, NULL, "tap", id, ns);
    s->loop = net_state_get_loop(ns);
    s->fd = fd;
    g_strlcpy(s->ifname, name, IFNAMSIZ);
    s->has_vnet_hdr = has_vnet;
    if (has_vnet) {
        int len = TAP_VNET_HDR_LEN;

        ioctl(fd, TUNSETVNETHDRSZ, &len);
        s->host_vnet_hdr_len = len;
        s->has_ufo = !ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_UFO);
        /* No offloads until the NIC asks: the kernel sends plain frames. */
        ioctl(fd, TUNSETOFFLOAD, 0);
    }
    if (fd_str) {
        qemu_set_info_str(&s->nc, "fd=%d", fd);
    } else {
        qemu_set_info_str(&s->nc, "ifname=%s,script=no,downscript=no",
                          s->ifname);
    }
    tap_read_poll(s, true);
    return &s->nc;
}
