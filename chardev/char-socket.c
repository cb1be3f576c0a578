/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The socket chardev: a unix (path=) or tcp (host=,port=) stream socket.
 * As a client it connects when created.  As a server it listens and takes
 * one connection at a time (wait=on: the first one before creation returns,
 * unless a termination signal (util/termsig.h) ends the wait);
 * when the peer goes away the frontend gets CHR_EVENT_CLOSED and the next
 * client is accepted.  A unix server's socket file is owner-only (0600,
 * beyond QEMU, which follows the umask) and replaces only a stale socket,
 * never another file.  Output while nobody is connected is dropped; a peer
 * that does not read it is disconnected once CHR_OUT_LIMIT bytes wait.
 */
#include "util/osdep.h"
#include "util/sockets.h"
#include "chardev/chardev.h"
#include "util/termsig.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#define SOCKET_CHR_READ_LEN 4096

OBJECT_DECLARE_SIMPLE_TYPE(SocketChardev, CHARDEV_SOCKET)

struct SocketChardev {
    Chardev parent_obj;
    bool is_unix;
    bool is_server;
    bool wait;
    char *path;        /* unix */
    char *host, *port; /* tcp */
    char *desc;        /* "unix:PATH,server=on", for messages */
    bool path_bound;   /* unix server: path_dev/ino are the file we bound */
    dev_t path_dev;
    ino_t path_ino;
    int listen_fd; /* server: -1 until open */
    int fd;        /* the connection, -1 when there is none */
    GSource *listen_watch;
    GSource *conn_watch;
};

static void socket_chr_drop_watch(GSource **watch)
{
    if (*watch) {
        g_source_destroy(*watch);
        g_source_unref(*watch);
        *watch = NULL;
    }
}

/* The peer went away (or a write failed): close, tell, listen again. */
static void socket_chr_disconnect(SocketChardev *s)
{
    Chardev *chr = CHARDEV(s);

    if (s->fd < 0) {
        return;
    }
    socket_chr_drop_watch(&s->conn_watch);
    qemu_chr_out_set_fd(chr, -1);
    close(s->fd);
    s->fd = -1;
    qemu_chr_be_event(chr, CHR_EVENT_CLOSED);
    if (s->listen_watch) {
        g_main_context_wakeup(qemu_chr_context(chr));
    }
}

static GIOCondition socket_chr_conn_want(Chardev *chr)
{
    return qemu_chr_be_can_write(chr) > 0 ? G_IO_IN : 0;
}

static gboolean socket_chr_conn_ready(Chardev *chr, GIOCondition revents)
{
    SocketChardev *s = CHARDEV_SOCKET(chr);
    uint8_t buf[SOCKET_CHR_READ_LEN];
    int room = qemu_chr_be_can_write(chr);
    ssize_t n = 0;

    if (room > 0) {
        n = recv(s->fd, buf, MIN(room, (int)sizeof(buf)), MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
            return G_SOURCE_CONTINUE;
        }
        if (n > 0) {
            qemu_chr_be_write(chr, buf, n);
            return G_SOURCE_CONTINUE;
        }
    } else if (!(revents & (G_IO_HUP | G_IO_ERR))) {
        return G_SOURCE_CONTINUE;
    }
    socket_chr_disconnect(s);
    return G_SOURCE_REMOVE;
}

static void socket_chr_connected(SocketChardev *s, int fd)
{
    Chardev *chr = CHARDEV(s);

    s->fd = fd;
    s->conn_watch = qemu_chr_fd_watch_add(chr, fd, socket_chr_conn_want,
                                          socket_chr_conn_ready);
    qemu_chr_out_set_fd(chr, fd);
    qemu_chr_be_event(chr, CHR_EVENT_OPENED);
}

static GIOCondition socket_chr_listen_want(Chardev *chr)
{
    return CHARDEV_SOCKET(chr)->fd < 0 ? G_IO_IN : 0;
}

static gboolean socket_chr_listen_ready(Chardev *chr, GIOCondition revents)
{
    SocketChardev *s = CHARDEV_SOCKET(chr);
    int fd;

    if (s->fd >= 0) {
        return G_SOURCE_CONTINUE;
    }
    fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd >= 0) {
        socket_chr_connected(s, fd);
    }
    return G_SOURCE_CONTINUE;
}

/* Output is written or queued by the core (qemu_chr_out_write). */
static void socket_chr_drop_peer(Chardev *chr)
{
    socket_chr_disconnect(CHARDEV_SOCKET(chr));
}

/* ---- Listen and connect (util/sockets.h) ------------------------------- */

static SocketAddress socket_chr_addr(SocketChardev *s)
{
    SocketAddress addr = {
        .type = SOCKET_ADDRESS_TYPE_INET,
        .host = s->host,
        .port = s->port,
        .path = s->path,
    };

    if (s->is_unix) {
        addr.type = SOCKET_ADDRESS_TYPE_UNIX;
    }
    return addr;
}

/* "CTX: could not listen on DESC: " in front of util's reason. */
static void socket_chr_error_prepend(SocketChardev *s, Error **errp,
                                     const char *ctx, const char *what)
{
    if (ctx) {
        error_prepend(errp, "%s: could not %s %s: ", ctx, what, s->desc);
    } else {
        error_prepend(errp, "could not %s %s: ", what, s->desc);
    }
}

/* The socket file we bound, so that we remove only that one at the end. */
static void socket_chr_remember_path(SocketChardev *s)
{
    struct stat st;

    if (lstat(s->path, &st) == 0) {
        s->path_dev = st.st_dev;
        s->path_ino = st.st_ino;
        s->path_bound = true;
    }
}

static void socket_chr_unlink_ours(SocketChardev *s)
{
    struct stat st;

    if (s->path_bound && lstat(s->path, &st) == 0 && S_ISSOCK(st.st_mode) &&
        st.st_dev == s->path_dev && st.st_ino == s->path_ino) {
        unlink(s->path);
    }
}

static int socket_chr_listen(SocketChardev *s, const char *ctx, Error **errp)
{
    SocketAddress addr = socket_chr_addr(s);
    int fd = socket_listen(&addr, 1, errp);

    if (fd < 0) {
        socket_chr_error_prepend(s, errp, ctx, "listen on");
        return -1;
    }
    if (s->is_unix) {
        socket_chr_remember_path(s);
    }
    return fd;
}

static int socket_chr_connect(SocketChardev *s, const char *ctx, Error **errp)
{
    SocketAddress addr = socket_chr_addr(s);
    int fd = socket_connect(&addr, errp);

    if (fd < 0) {
        socket_chr_error_prepend(s, errp, ctx, "connect to");
    }
    return fd;
}

/* ---- Open and close ----------------------------------------------------- */

static bool socket_chr_parse(Chardev *chr, KemuOpts *opts, const char *ctx,
                             Error **errp)
{
    SocketChardev *s = CHARDEV_SOCKET(chr);
    const char *path = kemu_opts_get(opts, "path");
    const char *host = kemu_opts_get(opts, "host");
    const char *port = kemu_opts_get(opts, "port");
    bool has_wait = kemu_opts_get(opts, "wait") != NULL;

    if (!qemu_chr_opt_bool(opts, "server", false, &s->is_server, ctx, errp) ||
        !qemu_chr_opt_bool(opts, "wait", true, &s->wait, ctx, errp)) {
        return false;
    }
    if (path && (host || port)) {
        qemu_chr_error(errp, ctx,
                       "give either path= (unix) or host=,port= "
                       "(tcp), not both");
        return false;
    }
    if (path) {
        if (!*path) {
            qemu_chr_error(errp, ctx, "parameter 'path' is empty");
            return false;
        }
        s->is_unix = true;
        s->path = g_strdup(path);
    } else if (port && *port) {
        s->host = g_strdup(host ? host : "");
        s->port = g_strdup(port);
    } else {
        qemu_chr_error(errp, ctx,
                       "needs path=PATH (unix) or "
                       "[host=HOST,]port=PORT (tcp)");
        return false;
    }
    if (has_wait && !s->is_server) {
        qemu_chr_error(errp, ctx,
                       "'wait' option is incompatible with "
                       "socket in client connect mode");
        return false;
    }
    if (s->is_unix) {
        s->desc = g_strdup_printf("unix:%s%s", s->path,
                                  s->is_server ? ",server=on" : "");
    } else {
        s->desc = g_strdup_printf("tcp:%s:%s%s", s->host, s->port,
                                  s->is_server ? ",server=on" : "");
    }
    return true;
}

/*
 * wait=on: block until the first client connects, or until a termination
 * signal asks the emulator to stop (then -EINTR; the caller's cleanup
 * removes the socket file).
 */
static int socket_chr_wait_client(SocketChardev *s)
{
    struct pollfd pfd[2] = {
        {.fd = s->listen_fd, .events = POLLIN},
        {.fd = termsig_fd(), .events = POLLIN},
    };
    int fd;

    for (;;) {
        if (termsig_received()) {
            return -EINTR;
        }
        if (poll(pfd, ARRAY_SIZE(pfd), -1) < 0 && errno != EINTR) {
            return -errno;
        }
        if (!(pfd[0].revents & POLLIN)) {
            continue;
        }
        fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd >= 0) {
            /* Blocking, as listen_ready's: reads use MSG_DONTWAIT. */
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
            return fd;
        }
        if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
            return -errno;
        }
    }
}

static bool socket_chr_open(Chardev *chr, const char *ctx, Error **errp)
{
    SocketChardev *s = CHARDEV_SOCKET(chr);
    int fd;

    if (!s->is_server) {
        fd = socket_chr_connect(s, ctx, errp);
        if (fd < 0) {
            return false;
        }
        socket_chr_connected(s, fd);
        return true;
    }
    s->listen_fd = socket_chr_listen(s, ctx, errp);
    if (s->listen_fd < 0) {
        return false;
    }
    if (s->wait) {
        fprintf(stderr,
                "%s: info: waiting for connection on: "
                "disconnected:%s\n",
                error_get_progname(), s->desc);
        fd = socket_chr_wait_client(s);
        if (fd == -EINTR) {
            qemu_chr_error(errp, ctx,
                           "interrupted by signal %d while waiting for a "
                           "connection on %s",
                           termsig_received(), s->desc);
            return false;
        }
        if (fd < 0) {
            qemu_chr_error(errp, ctx, "accept on %s failed: %s", s->desc,
                           g_strerror(-fd));
            return false;
        }
        socket_chr_connected(s, fd);
    }
    s->listen_watch = qemu_chr_fd_watch_add(
        chr, s->listen_fd, socket_chr_listen_want, socket_chr_listen_ready);
    return true;
}

static void socket_chr_instance_init(Object *obj)
{
    SocketChardev *s = CHARDEV_SOCKET(obj);

    s->listen_fd = -1;
    s->fd = -1;
}

static void socket_chr_finalize(Object *obj)
{
    SocketChardev *s = CHARDEV_SOCKET(obj);

    socket_chr_drop_watch(&s->conn_watch);
    socket_chr_drop_watch(&s->listen_watch);
    qemu_chr_out_close(CHARDEV(obj));
    if (s->fd >= 0) {
        close(s->fd);
    }
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
        socket_chr_unlink_ours(s);
    }
    g_free(s->path);
    g_free(s->host);
    g_free(s->port);
    g_free(s->desc);
}

static void socket_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend = "socket";
    cc->help = "path=PATH | [host=HOST,]port=PORT "
               "[,server=on|off][,wait=on|off]";
    cc->parse = socket_chr_parse;
    cc->open = socket_chr_open;
    cc->write = qemu_chr_out_write;
    cc->disconnect = socket_chr_drop_peer;
}

static const TypeInfo socket_chr_type = {
    .name = TYPE_CHARDEV_SOCKET,
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(SocketChardev),
    .instance_init = socket_chr_instance_init,
    .instance_finalize = socket_chr_finalize,
    .class_init = socket_chr_class_init,
};

static void socket_chr_register_types(void)
{
    type_register_static(&socket_chr_type);
}

type_init(socket_chr_register_types)
