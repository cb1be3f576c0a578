/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -netdev socket: Ethernet frames over a stream socket, each prefixed by
 * its length as a 4-byte big-endian number (QEMU's socket netdev format).
 * fd=N takes a connected socket (tests pass one end of a socketpair);
 * listen=HOST:PORT accepts one connection at a time; connect=HOST:PORT
 * dials one.  Reads stop while the peer holds a frame (see net/queue.c).
 */
#include "util/osdep.h"
#include "util/iov.h"
#include "util/log.h"
#include "util/main-loop.h"
#include "util/sockets.h"
#include "net/clients.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>

typedef struct NetSocketState {
    NetClientState nc;
    MainLoop *loop;
    int fd;        /* the connection, or -1 */
    int listen_fd; /* listen=, or -1 */
    guint read_watch;
    guint write_watch;
    guint listen_watch;
    /* Receive reassembly: 4 length bytes, then the frame. */
    uint8_t len_buf[4];
    unsigned len_index;
    bool in_frame;
    uint32_t frame_len;
    uint32_t frame_index;
    uint8_t *frame;    /* NET_BUFSIZE */
    uint8_t *read_buf; /* NET_BUFSIZE */
    /* Bytes of the frame being sent (length included) already written. */
    size_t send_index;
} NetSocketState;

static NetSocketState *to_socket(NetClientState *nc)
{
    return container_of(nc, NetSocketState, nc);
}

static gboolean socket_readable(int fd, GIOCondition cond, void *opaque);
static gboolean socket_writable(int fd, GIOCondition cond, void *opaque);
static gboolean socket_accept(int fd, GIOCondition cond, void *opaque);

static void socket_read_poll(NetSocketState *s, bool enable)
{
    if (enable && !s->read_watch && s->fd >= 0) {
        s->read_watch = main_loop_add_fd(s->loop, s->fd, G_IO_IN | G_IO_HUP,
                                         socket_readable, s);
    } else if (!enable && s->read_watch) {
        main_loop_remove_fd(s->loop, s->read_watch);
        s->read_watch = 0;
    }
}

static void socket_write_poll(NetSocketState *s, bool enable)
{
    if (enable && !s->write_watch && s->fd >= 0) {
        s->write_watch =
            main_loop_add_fd(s->loop, s->fd, G_IO_OUT, socket_writable, s);
    } else if (!enable && s->write_watch) {
        main_loop_remove_fd(s->loop, s->write_watch);
        s->write_watch = 0;
    }
}

static void socket_listen_poll(NetSocketState *s, bool enable)
{
    if (enable && !s->listen_watch && s->listen_fd >= 0) {
        s->listen_watch =
            main_loop_add_fd(s->loop, s->listen_fd, G_IO_IN, socket_accept, s);
    } else if (!enable && s->listen_watch) {
        main_loop_remove_fd(s->loop, s->listen_watch);
        s->listen_watch = 0;
    }
}

static void socket_connected(NetSocketState *s, int fd)
{
    s->fd = fd;
    s->len_index = 0;
    s->in_frame = false;
    s->send_index = 0;
    s->nc.link_down = false;
    socket_read_poll(s, true);
}

/* End of the connection: drop it; a listener waits for the next one. */
static void socket_disconnect(NetSocketState *s)
{
    socket_read_poll(s, false);
    socket_write_poll(s, false);
    close(s->fd);
    s->fd = -1;
    s->send_index = 0;
    s->nc.link_down = true;
    kemu_log_mask(LOG_NET, "net: socket %s: connection closed\n", s->nc.name);
    if (s->listen_fd >= 0) {
        socket_listen_poll(s, true);
    }
    qemu_set_info_str(&s->nc, "socket: disconnected");
    /* Frames the peer queued for us are dropped: unblock it. */
    qemu_flush_queued_packets(&s->nc);
}

static void socket_send_completed(NetClientState *nc, ssize_t ret)
{
    socket_read_poll(to_socket(nc), true);
}

static void socket_deliver(NetSocketState *s, const uint8_t *buf, uint32_t len)
{
    if (qemu_send_packet_async(&s->nc, buf, len, socket_send_completed) == 0) {
        socket_read_poll(s, false);
    }
}

/* Cut @buf into frames.  Return: false on a frame longer than allowed. */
static bool socket_parse(NetSocketState *s, const uint8_t *buf, size_t size)
{
    while (size > 0) {
        size_t n;

        if (!s->in_frame) {
            n = MIN(sizeof(s->len_buf) - s->len_index, size);
            memcpy(s->len_buf + s->len_index, buf, n);
            s->len_index += n;
            buf += n;
            size -= n;
            if (s->len_index < sizeof(s->len_buf)) {
                break;
            }
            s->len_index = 0;
            s->frame_len = (uint32_t)s->len_buf[0] << 24 |
                           (uint32_t)s->len_buf[1] << 16 |
                           (uint32_t)s->len_buf[2] << 8 | s->len_buf[3];
            if (s->frame_len > NET_BUFSIZE) {
                return false;
            }
            if (s->frame_len == 0) {
                continue;
            }
            if (size >= s->frame_len) {
                /* The whole frame is here: no copy. */
                socket_deliver(s, buf, s->frame_len);
                buf += s->frame_len;
                size -= s->frame_len;
                continue;
            }
            s->in_frame = true;
            s->frame_index = 0;
        }
        n = MIN(s->frame_len - s->frame_index, size);
        memcpy(s->frame + s->frame_index, buf, n);
        s->frame_index += n;
        buf += n;
        size -= n;
        if (s->frame_index == s->frame_len) {
            s->in_frame = false;
            socket_deliver(s, s->frame, s->frame_len);
        }
    }
    return true;
}

static gboolean socket_readable(int fd, GIOCondition cond, void *opaque)
{
    NetSocketState *s = opaque;
    ssize_t n = recv(s->fd, s->read_buf, NET_BUFSIZE, MSG_DONTWAIT);

    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return G_SOURCE_CONTINUE;
    }
    if (n <= 0) {
        socket_disconnect(s);
        return G_SOURCE_REMOVE;
    }
    if (!socket_parse(s, s->read_buf, n)) {
        kemu_log_mask(LOG_NET,
                      "net: socket %s: frame of %u bytes is too "
                      "long, closing\n",
                      s->nc.name, s->frame_len);
        socket_disconnect(s);
        return G_SOURCE_REMOVE;
    }
    return s->read_watch ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean socket_writable(int fd, GIOCondition cond, void *opaque)
{
    NetSocketState *s = opaque;

    s->write_watch = 0;
    qemu_flush_queued_packets(&s->nc);
    return G_SOURCE_REMOVE;
}

static gboolean socket_accept(int fd, GIOCondition cond, void *opaque)
{
    NetSocketState *s = opaque;
    struct sockaddr_storage sa;
    socklen_t len = sizeof(sa);
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    int conn =
        accept4(fd, (struct sockaddr *)&sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

    if (conn < 0) {
        return G_SOURCE_CONTINUE;
    }
    s->listen_watch = 0;
    if (getnameinfo((struct sockaddr *)&sa, len, host, sizeof(host), serv,
                    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV)) {
        strcpy(host, "?");
        strcpy(serv, "?");
    }
    qemu_set_info_str(&s->nc, "socket: connection from %s:%s", host, serv);
    socket_connected(s, conn);
    return G_SOURCE_REMOVE;
}

static ssize_t socket_receive_iov(NetClientState *nc, const struct iovec *iov,
                                  int iovcnt)
{
    NetSocketState *s = to_socket(nc);
    size_t size = iov_size(iov, iovcnt);
    uint8_t be[4] = {size >> 24, size >> 16, size >> 8, size};
    g_autofree uint8_t *flat = NULL;
    struct iovec out[1 + 64], *v = out;
    unsigned cnt = 1;
    struct msghdr msg = {0};
    ssize_t n;

    if (s->fd < 0) {
        return size;
    }
    out[0].iov_base = be;
    out[0].iov_len = sizeof(be);
    cnt += iov_copy(out + 1, ARRAY_SIZE(out) - 1, iov, iovcnt, 0, size);
    if (iov_size(out + 1, cnt - 1) != size) {
        flat = g_malloc(size);
        iov_to_buf(iov, iovcnt, 0, flat, size);
        out[1].iov_base = flat;
        out[1].iov_len = size;
        cnt = 2;
    }
    iov_discard_front(&v, &cnt, s->send_index);
    msg.msg_iov = v;
    msg.msg_iovlen = cnt;
    n = sendmsg(s->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        socket_write_poll(s, true);
        return 0;
    }
    if (n < 0) {
        kemu_log_mask(LOG_NET, "net: socket %s: send failed: %s\n", nc->name,
                      strerror(errno));
        s->send_index = 0;
        return size;
    }
    s->send_index += n;
    if (s->send_index < sizeof(be) + size) {
        /* Partial: the queue keeps the frame; finish it when writable. */
        socket_write_poll(s, true);
        return 0;
    }
    s->send_index = 0;
    return size;
}

static void socket_cleanup(NetClientState *nc)
{
    NetSocketState *s = to_socket(nc);

    socket_read_poll(s, false);
    socket_write_poll(s, false);
    socket_listen_poll(s, false);
    if (s->fd >= 0) {
        close(s->fd);
    }
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
    }
    g_free(s->frame);
    g_free(s->read_buf);
}

static const NetClientInfo net_socket_info = {
    .type = NET_CLIENT_DRIVER_SOCKET,
    .size = sizeof(NetSocketState),
    .receive_iov = socket_receive_iov,
    .cleanup = socket_cleanup,
};

/* listen= or connect= @str ("HOST:PORT"): the socket, non-blocking. */
static int socket_open_addr(const char *ctx, const char *key, const char *str,
                            Error **errp)
{
    SocketAddress addr;
    bool listening = !strcmp(key, "listen");
    int fd;

    if (!inet_parse(&addr, str, NULL)) {
        error_setg(errp, "%s: invalid %s address '%s' (use HOST:PORT)", ctx,
                   key, str);
        return -1;
    }
    if (listening) {
        fd = socket_listen(&addr, 1, errp);
    } else {
        fd = socket_connect(&addr, errp);
    }
    socket_address_clear(&addr);
    if (fd < 0) {
        error_prepend(errp, "%s: can't %s '%s': ", ctx,
                      listening ? "listen on" : "connect to", str);
        return -1;
    }
    qemu_socket_set_nonblock(fd);
    return fd;
}

static int socket_check_fd(const char *ctx, uint64_t num, Error **errp)
{
    int fd = num, type;
    socklen_t len = sizeof(type);

    if (num > INT_MAX || fcntl(fd, F_GETFD) < 0) {
        error_setg(errp, "%s: fd=%" PRIu64 " is not an open file descriptor",
                   ctx, num);
        return -1;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len)) {
        error_setg(errp, "%s: fd=%d is not a socket", ctx, fd);
        return -1;
    }
    if (type != SOCK_STREAM) {
        error_setg(errp,
                   "%s: fd=%d is not a stream socket (datagram "
                   "sockets are not supported)",
                   ctx, fd);
        return -1;
    }
    qemu_socket_set_nonblock(fd);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

static void listen_info(NetSocketState *s)
{
    struct sockaddr_storage sa;
    socklen_t len = sizeof(sa);
    char host[NI_MAXHOST], serv[NI_MAXSERV];

    if (getsockname(s->listen_fd, (struct sockaddr *)&sa, &len) ||
        getnameinfo((struct sockaddr *)&sa, len, host, sizeof(host), serv,
                    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV)) {
        qemu_set_info_str(&s->nc, "socket: wait for connection");
        return;
    }
    qemu_set_info_str(&s->nc, "socket: wait for connection on %s:%s", host,
                      serv);
}

NetClientState *net_init_socket(NetState *ns, KemuOpts *opts, const char *id,
                                Error **errp)
{
    const char *ctx = kemu_opts_context(opts);
    const char *fd_str = kemu_opts_get(opts, "fd");
    const char *listen_str = kemu_opts_get(opts, "listen");
    const char *connect_str = kemu_opts_get(opts, "connect");
    NetSocketState *s;
    uint64_t num = 0;
    int fd = -1, listen_fd = -1;

    if (fd_str && !kemu_opts_get_number(opts, "fd", 0, &num, errp)) {
        return NULL;
    }
    if (!kemu_opts_check_unused(opts, errp)) {
        return NULL;
    }
    if (!!fd_str + !!listen_str + !!connect_str != 1) {
        error_setg(errp,
                   "%s: exactly one of fd=, listen= and connect= is "
                   "needed",
                   ctx);
        return NULL;
    }
    if (fd_str) {
        fd = socket_check_fd(ctx, num, errp);
        if (fd < 0) {
            return NULL;
        }
    } else if (listen_str) {
        listen_fd = socket_open_addr(ctx, "listen", listen_str, errp);
        if (listen_fd < 0) {
            return NULL;
        }
    } else {
        fd = socket_open_addr(ctx, "connect", connect_str, errp);
        if (fd < 0) {
            return NULL;
        }
    }

    s = (NetSocketState *)qemu_new_net_client(&net_socket_info, NULL, "socket",
                                              id, ns);
    s->loop = net_state_get_loop(ns);
    s->fd = -1;
    s->listen_fd = listen_fd;
    s->frame = g_malloc(NET_BUFSIZE);
    s->read_buf = g_malloc(NET_BUFSIZE);
    if (fd_str) {
        qemu_set_info_str(&s->nc, "socket: fd=%d", fd);
        socket_connected(s, fd);
    } else if (connect_str) {
        qemu_set_info_str(&s->nc, "socket: connected to %s", connect_str);
        socket_connected(s, fd);
    } else {
        s->nc.link_down = true;
        listen_info(s);
        socket_listen_poll(s, true);
    }
    return &s->nc;
}
