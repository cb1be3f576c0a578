/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stream sockets from an address, the one home of listen and connect for
 * the socket chardev and -netdev socket (QEMU's util/qemu-sockets.c in
 * shape): a TCP "HOST:PORT" or a UNIX path, listened on or connected to.
 *
 * Every socket returned is close-on-exec and blocking; a caller that polls
 * it makes it non-blocking with qemu_socket_set_nonblock().  Errors name the
 * reason only ("Connection refused", "'PATH' exists and is not a socket"):
 * the caller puts what it was doing in front (error_prepend()), so that
 * each user keeps its own wording.
 */
#ifndef KEMU_UTIL_SOCKETS_H
#define KEMU_UTIL_SOCKETS_H

#include "util/osdep.h"
#include "util/error.h"

typedef enum SocketAddressType {
    SOCKET_ADDRESS_TYPE_INET,
    SOCKET_ADDRESS_TYPE_UNIX,
} SocketAddressType;

/**
 * SocketAddress - where a stream socket listens or connects.
 * @host: INET: a name or numeric address; NULL or "" is every address when
 *        listening and the loopback address when connecting.
 * @port: INET: a number or a service name.
 * @path: UNIX: the socket file.
 * The strings belong to whoever filled the struct: inet_parse() allocates
 * them (free with socket_address_clear()); a caller may also point them at
 * strings it keeps.
 */
typedef struct SocketAddress {
    SocketAddressType type;
    char *host;
    char *port;
    char *path;
} SocketAddress;

/** How long socket_connect() waits for a TCP peer to answer. */
#define SOCKET_CONNECT_TIMEOUT_MS 10000

/**
 * inet_parse - fill @addr (type INET) from "HOST:PORT", "[V6ADDR]:PORT" or
 * ":PORT" (no host: every address when listening).  Nothing is resolved yet.
 *
 * Return: true, or false with @errp set ("invalid address 'x' (use
 * HOST:PORT)"); @addr is then untouched.
 */
bool inet_parse(SocketAddress *addr, const char *str, Error **errp);

/** socket_address_clear - free what inet_parse() allocated in @addr. */
void socket_address_clear(SocketAddress *addr);

/**
 * socket_listen - a socket bound to @addr and listening with @backlog.
 * INET: the first resolved address that binds, with SO_REUSEADDR.  UNIX:
 * a socket file left at the path by an earlier run is replaced, any other
 * file is refused and kept (a typo must not delete a file); the socket
 * file is made owner-only (0600) before listen(), whatever the umask, so
 * no other local user can connect (whoever reaches a monitor or qtest
 * socket drives the machine).
 *
 * Return: the socket, or -1 with @errp set.
 */
int socket_listen(const SocketAddress *addr, int backlog, Error **errp);

/**
 * socket_connect - a socket connected to @addr: each resolved TCP address
 * in turn, each given SOCKET_CONNECT_TIMEOUT_MS to answer.
 *
 * Return: the socket, or -1 with @errp set.
 */
int socket_connect(const SocketAddress *addr, Error **errp);

/** qemu_socket_set_nonblock - make @fd non-blocking (O_NONBLOCK). */
void qemu_socket_set_nonblock(int fd);

#endif
