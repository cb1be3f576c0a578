/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -netdev tap: a Linux TUN/TAP interface (IFF_TAP | IFF_NO_PI), made by
 * name (ifname=) or passed in (fd=).  With IFF_VNET_HDR (vnet_hdr=, on by
 * default where the kernel has it) every frame carries a virtio-net header:
 * a NIC that understands it (qemu_using_vnet_hdr) exchanges it with the
 * kernel, for any other NIC this file adds and strips a zero header.  The
 * fd is read on the main loop; reading stops while the peer holds a frame.
 * kemu runs no ifup/ifdown scripts: configure the interface beforehand.
 *
 * queues=N opens N queues of one IFF_MULTI_QUEUE interface (fds= passes
 * them in): N clients named by the netdev id, queue_index 0..N-1, each
 * with its fd, attached and detached with TUNSETQUEUE on the NIC's word.
 * vhost=on opens /dev/vhost-net once per queue (or takes vhostfd=/
 * vhostfds=) for vhost-net to drive; while vhost owns a queue the NIC
 * turns this file's polling of it off.  Without the device: a warning and
 * the userspace path, or an error with vhostforce=on (QEMU 7.2's rule).
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
    int vhost_fd; /* /dev/vhost-net for this queue, or -1 */
    bool vhost_force;
    char ifname[IFNAMSIZ];
    guint read_watch;
    guint write_watch;
    bool enabled;        /* attached to the interface (TUNSETQUEUE) */
    bool polling;        /* false while vhost owns the fd */
    bool read_blocked;   /* the peer holds a frame of ours */
    bool write_blocked;  /* a write met EAGAIN: wait for POLLOUT */
    bool has_vnet_hdr;   /* IFF_VNET_HDR is set on the fd */
    bool using_vnet_hdr; /* the NIC exchanges the header itself */
    bool has_ufo;
    int host_vnet_hdr_len; /* 0 without IFF_VNET_HDR */
    uint8_t buf[NET_BUFSIZE + TAP_VNET_HDR_MAX];
} TAPState;

static TAPState *to_tap(NetClientState *nc)
{
    assert(nc->info->type == NET_CLIENT_DRIVER_TAP);
    return container_of(nc, TAPState, nc);
}

static gboolean tap_readable(int fd, GIOCondition cond, void *opaque);
static gboolean tap_writable(int fd, GIOCondition cond, void *opaque);

/* Watch the fd for what the queue's state asks for, and nothing else. */
static void tap_update_fd_handler(TAPState *s)
{
    bool want_read = s->polling && s->enabled && !s->read_blocked;
    bool want_write = s->polling && s->write_blocked;

    if (want_read && !s->read_watch) {
        s->read_watch =
            main_loop_add_fd(s->loop, s->fd, G_IO_IN, tap_readable, s);
    } else if (!want_read && s->read_watch) {
        main_loop_remove_fd(s->loop, s->read_watch);
        s->read_watch = 0;
    }
    if (want_write && !s->write_watch) {
        s->write_watch =
            main_loop_add_fd(s->loop, s->fd, G_IO_OUT, tap_writable, s);
    } else if (!want_write && s->write_watch) {
        main_loop_remove_fd(s->loop, s->write_watch);
        s->write_watch = 0;
    }
}

static void tap_send_completed(NetClientState *nc, ssize_t ret)
{
    TAPState *s = to_tap(nc);

    s->read_blocked = false;
    tap_update_fd_handler(s);
}

static gboolean tap_readable(int fd, GIOCondition cond, void *opaque)
{
    TAPState *s = opaque;

    for (int i = 0; i < TAP_READ_BATCH && s->read_watch; i++) {
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
            s->read_blocked = true;
            tap_update_fd_handler(s);
            break;
        }
    }
    return s->read_watch ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean tap_writable(int fd, GIOCondition cond, void *opaque)
{
    TAPState *s = opaque;

    s->write_watch = 0;
    s->write_blocked = false;
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
        s->write_blocked = true;
        tap_update_fd_handler(s);
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

static int tap_get_vnet_hdr_len(NetClientState *nc)
{
    TAPState *s = to_tap(nc);

    return s->using_vnet_hdr ? s->host_vnet_hdr_len : 0;
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

static int tap_set_queue_enabled(NetClientState *nc, bool enable)
{
    TAPState *s = to_tap(nc);
    struct ifreq ifr = {0};

    if (s->enabled == enable) {
        return 0;
    }
    ifr.ifr_flags = enable ? IFF_ATTACH_QUEUE : IFF_DETACH_QUEUE;
    if (ioctl(s->fd, TUNSETQUEUE, &ifr)) {
        int err = errno;

        kemu_log_mask(LOG_NET, "net: tap %s queue %d: %s failed: %s\n",
                      s->ifname, nc->queue_index, enable ? "attach" : "detach",
                      strerror(err));
        return -err;
    }
    s->enabled = enable;
    if (!enable) {
        qemu_purge_queued_packets(nc);
    }
    tap_update_fd_handler(s);
    return 0;
}

static int tap_get_vhost_fd(NetClientState *nc)
{
    return to_tap(nc)->vhost_fd;
}

static int tap_get_backend_fd(NetClientState *nc)
{
    return to_tap(nc)->fd;
}

static bool tap_get_vhost_force(NetClientState *nc)
{
    return to_tap(nc)->vhost_force;
}

static void tap_set_backend_polling(NetClientState *nc, bool enable)
{
    TAPState *s = to_tap(nc);

    s->polling = enable;
    if (!enable) {
        s->write_blocked = false;
    }
    tap_update_fd_handler(s);
    if (enable) {
        qemu_flush_queued_packets(nc);
    }
}

static void tap_cleanup(NetClientState *nc)
{
    TAPState *s = to_tap(nc);

    s->polling = false;
    tap_update_fd_handler(s);
    close(s->fd);
    if (s->vhost_fd >= 0) {
        close(s->vhost_fd);
    }
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
    .get_vnet_hdr_len = tap_get_vnet_hdr_len,
    .set_queue_enabled = tap_set_queue_enabled,
    .get_vhost_fd = tap_get_vhost_fd,
    .get_backend_fd = tap_get_backend_fd,
    .get_vhost_force = tap_get_vhost_force,
    .set_backend_polling = tap_set_backend_polling,
};

/*
 * Open /dev/net/tun and attach it to interface @ifname (in/out; empty: the
 * kernel names it), as one queue of a multiqueue interface when @mq.
 */
static int tap_open(const char *ctx, char *ifname, bool want_vnet,
                    bool vnet_required, bool mq, bool *has_vnet, Error **errp)
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
    if (mq && !(features & IFF_MULTI_QUEUE)) {
        error_setg(errp,
                   "%s: queues= above 1, but this kernel's tap lacks "
                   "IFF_MULTI_QUEUE",
                   ctx);
        close(fd);
        return -1;
    }
    if (mq) {
        ifr.ifr_flags |= IFF_MULTI_QUEUE;
    }
    g_strlcpy(ifr.ifr_name, ifname[0] ? ifname : "tap%d", IFNAMSIZ);
    if (ioctl(fd, TUNSETIFF, &ifr)) {
        int err = errno;

        error_setg(errp, "%s: can't create tap interface '%s': %s%s", ctx,
                   ifr.ifr_name, strerror(err),
                   err == EPERM   ? " (needs CAP_NET_ADMIN)"
                   : err == EBUSY ? " (is it in use by another program?)"
                   : err == EINVAL && mq
                       ? " (does it exist without multiqueue, or with other "
                         "flags?)"
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

/*
 * Parse the fd list @str of option @key ("3:4:5") into @fds (room for
 * MAX_QUEUE_NUM); every one must be open.  Return the count, or -1.
 */
static int tap_parse_fds(const char *ctx, const char *key, const char *str,
                         int *fds, Error **errp)
{
    g_auto(GStrv) parts = g_strsplit(str, ":", -1);
    int n = g_strv_length(parts);

    if (n > MAX_QUEUE_NUM) {
        error_setg(errp, "%s: %s= has %d file descriptors, the most is %d", ctx,
                   key, n, MAX_QUEUE_NUM);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        const char *p = parts[i];
        uint64_t v;

        if (!p[0] || !g_ascii_string_to_unsigned(p, 10, 0, INT_MAX, &v, NULL)) {
            error_setg(errp,
                       "%s: %s='%s': '%s' is not a file descriptor "
                       "number (expected N:N:...)",
                       ctx, key, str, p);
            return -1;
        }
        if (fcntl((int)v, F_GETFD) < 0) {
            if (n == 1) {
                error_setg(errp, "%s: %s=%d is not an open file descriptor",
                           ctx, key, (int)v);
            } else {
                error_setg(errp,
                           "%s: %s='%s': %d is not an open file descriptor",
                           ctx, key, str, (int)v);
            }
            return -1;
        }
        for (int j = 0; j < i; j++) {
            if (fds[j] == (int)v) {
                error_setg(errp, "%s: %s='%s': fd %d is given twice", ctx, key,
                           str, (int)v);
                return -1;
            }
        }
        fds[i] = (int)v;
    }
    return n;
}

/* A passed-in tap fd: its interface name and whether it has vnet headers. */
static bool tap_check_fd(const char *ctx, int fd, char *ifname, bool *has_vnet,
                         Error **errp)
{
    struct ifreq ifr = {0};

    if (ioctl(fd, TUNGETIFF, &ifr) || !(ifr.ifr_flags & IFF_TAP)) {
        error_setg(errp, "%s: fd %d is not a tap device", ctx, fd);
        return false;
    }
    *has_vnet = ifr.ifr_flags & IFF_VNET_HDR;
    g_strlcpy(ifname, ifr.ifr_name, IFNAMSIZ);
    return true;
}

/* The options of one tap netdev, as parsed. */
typedef struct TapArgs {
    const char *ctx;
    const char *ifname, *fd_str, *fds_str, *script, *downscript, *vnet_str;
    const char *vhost_str, *vhostfd_str, *vhostfds_str, *vhostforce_str;
    bool vnet_hdr, vhost, vhostforce;
    uint64_t fd, queues, vhostfd;
} TapArgs;

static bool tap_parse_args(KemuOpts *opts, TapArgs *a, Error **errp)
{
    const char *ctx = a->ctx = kemu_opts_context(opts);

    a->ifname = kemu_opts_get(opts, "ifname");
    a->fd_str = kemu_opts_get(opts, "fd");
    a->fds_str = kemu_opts_get(opts, "fds");
    a->script = kemu_opts_get(opts, "script");
    a->downscript = kemu_opts_get(opts, "downscript");
    a->vnet_str = kemu_opts_get(opts, "vnet_hdr");
    a->vhost_str = kemu_opts_get(opts, "vhost");
    a->vhostfd_str = kemu_opts_get(opts, "vhostfd");
    a->vhostfds_str = kemu_opts_get(opts, "vhostfds");
    a->vhostforce_str = kemu_opts_get(opts, "vhostforce");
    if (!kemu_opts_get_bool(opts, "vnet_hdr", true, &a->vnet_hdr, errp) ||
        !kemu_opts_get_bool(opts, "vhostforce", false, &a->vhostforce, errp) ||
        !kemu_opts_get_bool(opts, "vhost", false, &a->vhost, errp) ||
        !kemu_opts_get_number(opts, "queues", 1, &a->queues, errp) ||
        (a->fd_str && !kemu_opts_get_number(opts, "fd", 0, &a->fd, errp)) ||
        (a->vhostfd_str &&
         !kemu_opts_get_number(opts, "vhostfd", 0, &a->vhostfd, errp)) ||
        !kemu_opts_check_unused(opts, errp)) {
        return false;
    }
    /* vhostforce=on and vhostfd= imply vhost=on unless vhost= is given. */
    if (!a->vhost_str) {
        a->vhost = a->vhostforce || a->vhostfd_str || a->vhostfds_str;
    }
    if (!script_is_none(a->script) || !script_is_none(a->downscript)) {
        error_setg(errp,
                   "%s: %s='%s' is not supported: kemu runs no "
                   "scripts (use script=no,downscript=no and set the "
                   "interface up beforehand)",
                   ctx, script_is_none(a->script) ? "downscript" : "script",
                   script_is_none(a->script) ? a->downscript : a->script);
        return false;
    }
    if (a->fd_str && (a->ifname || a->script || a->downscript || a->vnet_str ||
                      kemu_opts_get(opts, "queues") || a->fds_str)) {
        error_setg(errp,
                   "%s: ifname=, script=, downscript=, vnet_hdr=, "
                   "queues= and fds= can't be used with fd=",
                   ctx);
        return false;
    }
    if (a->fds_str && (a->ifname || a->script || a->downscript || a->vnet_str ||
                       kemu_opts_get(opts, "queues") || a->vhostfd_str)) {
        error_setg(errp,
                   "%s: ifname=, script=, downscript=, vnet_hdr=, "
                   "queues= and vhostfd= can't be used with fds= (the "
                   "queues are the fds; use vhostfds=)",
                   ctx);
        return false;
    }
    if (a->vhostfds_str && !a->fds_str) {
        error_setg(errp,
                   "%s: vhostfds= needs fds= (use vhostfd= with one "
                   "queue)",
                   ctx);
        return false;
    }
    if (a->queues < 1 || a->queues > MAX_QUEUE_NUM) {
        error_setg(errp, "%s: queues=%" PRIu64 " is out of range (1 to %d)",
                   ctx, a->queues, MAX_QUEUE_NUM);
        return false;
    }
    if (a->vhostfd_str && a->queues > 1) {
        error_setg(errp,
                   "%s: vhostfd= is for one queue; with queues= above 1 "
                   "let kemu open /dev/vhost-net, or pass fds= and "
                   "vhostfds=",
                   ctx);
        return false;
    }
    if (!a->vhost && (a->vhostfd_str || a->vhostfds_str)) {
        error_setg(errp,
                   "%s: vhostfd= and vhostfds= are not valid with "
                   "vhost=off",
                   ctx);
        return false;
    }
    if (a->ifname && strlen(a->ifname) >= IFNAMSIZ) {
        error_setg(errp,
                   "%s: ifname '%s' is too long (at most %d "
                   "characters)",
                   ctx, a->ifname, IFNAMSIZ - 1);
        return false;
    }
    return true;
}

/*
 * The vhost fds of @n queues into @vfds: passed ones (@passed, or NULL to
 * open @dev per queue).  A failure is an error with vhostforce=on and
 * otherwise one warning and no vhost (every vfds[i] -1: the userspace data
 * path), as QEMU 7.2 does.
 */
static bool tap_get_vhost_fds(const TapArgs *a, const char *id, const char *dev,
                              const int *passed, int n, int *vfds, Error **errp)
{
    g_autofree char *why = NULL;

    for (int i = 0; i < n; i++) {
        vfds[i] = -1;
    }
    if (!a->vhost) {
        return true;
    }
    if (passed) {
        memcpy(vfds, passed, n * sizeof(int));
        return true;
    }
    for (int i = 0; i < n && !why; i++) {
        vfds[i] = open(dev, O_RDWR | O_CLOEXEC);
        if (vfds[i] < 0) {
            why = g_strdup_printf("can't open %s: %s", dev, strerror(errno));
        }
    }
    if (!why) {
        return true;
    }
    for (int i = 0; i < n; i++) {
        if (vfds[i] >= 0) {
            close(vfds[i]);
        }
        vfds[i] = -1;
    }
    if (a->vhostforce) {
        error_setg(errp, "%s: vhostforce=on, but %s", a->ctx, why);
        return false;
    }
    warn_report("vhost-net requested but could not be initialized: %s; the "
                "data path stays in kemu (netdev '%s')",
                why, id);
    return true;
}

NetClientState *net_init_tap(NetState *ns, KemuOpts *opts, const char *id,
                             Error **errp)
{
    TapArgs a = {0};
    g_autofree int *fds = g_new(int, MAX_QUEUE_NUM);
    g_autofree int *vfds = g_new(int, MAX_QUEUE_NUM);
    g_autofree int *passed_vfds = NULL;
    char name[IFNAMSIZ] = "";
    bool has_vnet = false, passed = false;
    NetClientState *first = NULL;
    int n = 0;

    if (!tap_parse_args(opts, &a, errp)) {
        return NULL;
    }

    /* Every fd list first: no interface is made for a bad option. */
    if (a.fd_str || a.fds_str) {
        passed = true;
        n = a.fd_str ? tap_parse_fds(a.ctx, "fd", a.fd_str, fds, errp)
                     : tap_parse_fds(a.ctx, "fds", a.fds_str, fds, errp);
        if (n < 0) {
            return NULL;
        }
    } else {
        n = (int)a.queues;
    }
    if (a.vhostfd_str || a.vhostfds_str) {
        int nv;

        passed_vfds = g_new(int, MAX_QUEUE_NUM);
        nv = a.vhostfd_str ? tap_parse_fds(a.ctx, "vhostfd", a.vhostfd_str,
                                           passed_vfds, errp)
                           : tap_parse_fds(a.ctx, "vhostfds", a.vhostfds_str,
                                           passed_vfds, errp);
        if (nv < 0) {
            return NULL;
        }
        if (nv != n) {
            error_setg(errp,
                       "%s: %d vhostfds for %d fds (one vhost fd per "
                       "queue)",
                       a.ctx, nv, n);
            return NULL;
        }
    }

    if (passed) {
        for (int i = 0; i < n; i++) {
            char qname[IFNAMSIZ];
            bool vnet;

            if (!tap_check_fd(a.ctx, fds[i], qname, &vnet, errp)) {
                return NULL;
            }
            if (i == 0) {
                has_vnet = vnet;
                g_strlcpy(name, qname, IFNAMSIZ);
            } else if (vnet != has_vnet) {
                error_setg(errp,
                           "%s: fds= mixes taps with and without vnet "
                           "headers (IFF_VNET_HDR)",
                           a.ctx);
                return NULL;
            }
        }
    } else {
        if (a.ifname) {
            g_strlcpy(name, a.ifname, IFNAMSIZ);
        }
        for (int i = 0; i < n; i++) {
            /* Queue 0 names the interface; the others join it. */
            fds[i] = tap_open(a.ctx, name, a.vnet_hdr, a.vnet_str && a.vnet_hdr,
                              n > 1, &has_vnet, errp);
            if (fds[i] < 0) {
                for (int j = 0; j < i; j++) {
                    close(fds[j]);
                }
                return NULL;
            }
        }
    }
    if (!tap_get_vhost_fds(&a, id, ns->vhost_net_dev, passed_vfds, n, vfds,
                           errp)) {
        goto fail;
    }

    for (int i = 0; i < n; i++) {
        TAPState *s =
            (TAPState *)qemu_new_net_client(&net_tap_info, NULL, "tap", id, ns);
        int fd = fds[i];
        g_autofree char *vhost_info = NULL;

        fcntl(fd, F_SETFD, FD_CLOEXEC);
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        s->nc.queue_index = i;
        s->loop = net_state_get_loop(ns);
        s->fd = fd;
        s->vhost_fd = vfds[i];
        s->vhost_force = a.vhostforce;
        s->enabled = true;
        s->polling = true;
        g_strlcpy(s->ifname, name, IFNAMSIZ);
        s->has_vnet_hdr = has_vnet;
        if (has_vnet) {
            int len = TAP_VNET_HDR_LEN;

            ioctl(fd, TUNSETVNETHDRSZ, &len);
            s->host_vnet_hdr_len = len;
            s->has_ufo = !ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_UFO);
            /* No offloads until the NIC asks: the kernel sends plain
             * frames. */
            ioctl(fd, TUNSETOFFLOAD, 0);
        }
        if (s->vhost_fd >= 0) {
            fcntl(s->vhost_fd, F_SETFD, FD_CLOEXEC);
            vhost_info = g_strdup_printf(",vhost=on,vhostfd=%d", s->vhost_fd);
        }
        if (passed) {
            qemu_set_info_str(&s->nc, "fd=%d%s", fd,
                              vhost_info ? vhost_info : "");
        } else {
            qemu_set_info_str(&s->nc, "ifname=%s,script=no,downscript=no%s",
                              s->ifname, vhost_info ? vhost_info : "");
        }
        tap_update_fd_handler(s);
        if (!first) {
            first = &s->nc;
        }
    }
    return first;

fail:
    if (!passed) {
        for (int i = 0; i < n; i++) {
            close(fds[i]);
        }
    }
    return NULL;
}
