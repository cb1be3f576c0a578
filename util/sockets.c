/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stream sockets from an address: parse, listen, connect (see sockets.h).
 */
#include "util/osdep.h"
#include "util/sockets.h"
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

bool inet_parse(SocketAddress *addr, const char *str, Error **errp)
{
    const char *colon = strrchr(str, ':');
    g_autofree char *host = NULL;
    size_t len;

    if (!colon || !colon[1]) {
        error_setg(errp, "invalid address '%s' (use HOST:PORT)", str);
        return false;
    }
    host = g_strndup(str, colon - str);
    len = strlen(host);
    if (len && host[0] == '[') {
        if (len < 2 || host[len - 1] != ']') {
            error_setg(errp, "invalid address '%s' (use [V6ADDR]:PORT)", str);
            return false;
        }
        memmove(host, host + 1, len - 2);
        host[len - 2] = '\0';
    }
    *addr = (SocketAddress){
        .type = SOCKET_ADDRESS_TYPE_INET,
        .host = g_steal_pointer(&host),
        .port = g_strdup(colon + 1),
    };
    return true;
}

void socket_address_clear(SocketAddress *addr)
{
    g_free(addr->host);
    g_free(addr->port);
    g_free(addr->path);
    memset(addr, 0, sizeof(*addr));
}

void qemu_socket_set_nonblock(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags >= 0) {
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }
}

/* ---- UNIX --------------------------------------------------------------- */

static bool unix_sockaddr(const char *path, struct sockaddr_un *sun,
                          Error **errp)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun->sun_path)) {
        error_setg(errp, "socket path '%s' is too long (at most %zu bytes)",
                   path, sizeof(sun->sun_path) - 1);
        return false;
    }
    strcpy(sun->sun_path, path);
    return true;
}

/* A socket an earlier run left at path goes; any other file stays. */
static bool unix_unlink_stale(const char *path, Error **errp)
{
    struct stat st;

    if (lstat(path, &st) < 0) {
        return true;
    }
    if (!S_ISSOCK(st.st_mode)) {
        error_setg(errp, "'%s' exists and is not a socket", path);
        return false;
    }
    unlink(path);
    return true;
}

static int unix_listen(const char *path, int backlog, Error **errp)
{
    struct sockaddr_un sun;
    int fd;

    if (!unix_sockaddr(path, &sun, errp) || !unix_unlink_stale(path, errp)) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg(errp, "%s", g_strerror(errno));
        return -1;
    }
    /* No client can connect before listen(): chmod first leaves no window. */
    if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
        chmod(path, S_IRUSR | S_IWUSR) < 0 || listen(fd, backlog) < 0) {
        error_setg(errp, "%s", g_strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int unix_connect(const char *path, Error **errp)
{
    struct sockaddr_un sun;
    int fd;

    if (!unix_sockaddr(path, &sun, errp)) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        error_setg(errp, "%s", g_strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

/* ---- INET --------------------------------------------------------------- */

static struct addrinfo *inet_resolve(const SocketAddress *addr, bool passive,
                                     Error **errp)
{
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = passive ? AI_PASSIVE : 0,
    };
    const char *host = addr->host && *addr->host ? addr->host : NULL;
    struct addrinfo *res = NULL;
    int rc;

    if (!addr->port || !*addr->port) {
        error_setg(errp, "no port given");
        return NULL;
    }
    rc = getaddrinfo(host, addr->port, &hints, &res);
    if (rc != 0) {
        error_setg(errp, "address resolution failed: %s", gai_strerror(rc));
        return NULL;
    }
    return res;
}

/* Bind @fd to @ai and listen: 0 or an errno. */
static int inet_listen_one(int fd, const struct addrinfo *ai, int backlog)
{
    int one = 1;

    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, backlog) < 0) {
        return errno;
    }
    return 0;
}

/* Connect @fd to @ai, waiting at most SOCKET_CONNECT_TIMEOUT_MS: 0 or errno. */
static int inet_connect_one(int fd, const struct addrinfo *ai, int unused)
{
    struct pollfd pfd = {.fd = fd, .events = POLLOUT};
    socklen_t len = sizeof(int);
    int flags = fcntl(fd, F_GETFL), err = 0, rc;

    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        err = errno;
    }
    if (err == EINPROGRESS) {
        do {
            rc = poll(&pfd, 1, SOCKET_CONNECT_TIMEOUT_MS);
        } while (rc < 0 && errno == EINTR);
        if (rc == 0) {
            err = ETIMEDOUT;
        } else if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)) {
            err = errno;
        }
    }
    fcntl(fd, F_SETFL, flags);
    return err;
}

/*
 * A socket for each address @addr resolves to, in turn, until @setup(fd,
 * ai, @arg) succeeds on one: that socket, or -1 with the last reason.
 */
static int inet_socket(const SocketAddress *addr, bool passive,
                       int (*setup)(int fd, const struct addrinfo *ai, int arg),
                       int arg, Error **errp)
{
    struct addrinfo *res = inet_resolve(addr, passive, errp);
    int fd = -1, err = EADDRNOTAVAIL;

    if (!res) {
        return -1;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        err = fd < 0 ? errno : setup(fd, ai, arg);
        if (!err) {
            break;
        }
        if (fd >= 0) {
            close(fd);
        }
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_setg(errp, "%s", g_strerror(err));
    }
    return fd;
}

/* ---- Either ------------------------------------------------------------- */

int socket_listen(const SocketAddress *addr, int backlog, Error **errp)
{
    if (addr->type == SOCKET_ADDRESS_TYPE_UNIX) {
        return unix_listen(addr->path, backlog, errp);
    }
    return inet_socket(addr, true, inet_listen_one, backlog, errp);
}

int socket_connect(const SocketAddress *addr, Error **errp)
{
    if (addr->type == SOCKET_ADDRESS_TYPE_UNIX) {
        return unix_connect(addr->path, errp);
    }
    return inet_socket(addr, false, inet_connect_one, 0, errp);
}
