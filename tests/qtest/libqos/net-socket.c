/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The test's end of a socket netdev (see net-socket.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include "tests/qtest/libqos/net-socket.h"

/* The whole frame once its length came. */
#define QNET_FRAME_WAIT_MS 10000

bool qnet_sock_read_all(int fd, void *buf, size_t len, int timeout_ms)
{
    uint8_t *p = buf;

    while (len) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        ssize_t n;

        if (poll(&pfd, 1, timeout_ms) <= 0) {
            return false;
        }
        n = read(fd, p, len);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            return false;
        }
        p += n;
        len -= n;
    }
    return true;
}

ssize_t qnet_sock_recv(int fd, uint8_t *buf, size_t max, int timeout_ms)
{
    uint8_t hdr[4];
    uint32_t len;

    if (!qnet_sock_read_all(fd, hdr, 4, timeout_ms)) {
        return -1;
    }
    len = (uint32_t)hdr[0] << 24 | hdr[1] << 16 | hdr[2] << 8 | hdr[3];
    g_assert_cmpuint(len, <=, max);
    g_assert(qnet_sock_read_all(fd, buf, len, QNET_FRAME_WAIT_MS));
    return len;
}

void qnet_sock_send(int fd, const uint8_t *frame, size_t len)
{
    uint8_t hdr[4] = {len >> 24, len >> 16, len >> 8, len};

    g_assert(write(fd, hdr, 4) == 4);
    g_assert(write(fd, frame, len) == (ssize_t)len);
}

uint32_t qnet_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i += 2) {
        sum += p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
    }
    return sum;
}

size_t qnet_make_frame(uint8_t *p, const uint8_t *dst, const uint8_t *src,
                       size_t len, uint8_t seed)
{
    memcpy(p, dst, 6);
    memcpy(p + 6, src, 6);
    p[12] = 0x88;
    p[13] = 0xb5;
    for (size_t i = 14; i < len; i++) {
        p[i] = seed + i * 7;
    }
    return len;
}

uint16_t qnet_csum_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

int qnet_netns_enter(char **why)
{
    int orig_ns, fd;

    if (geteuid() != 0) {
        *why = g_strdup("needs root to make a network namespace and a TAP");
        return -1;
    }
    if (access("/dev/net/tun", R_OK | W_OK) != 0) {
        *why = g_strdup_printf("no /dev/net/tun (%s)", strerror(errno));
        return -1;
    }
    orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    g_assert(orig_ns >= 0);
    if (unshare(CLONE_NEWNET) != 0) {
        *why = g_strdup_printf("cannot make a network namespace: %s",
                               strerror(errno));
        close(orig_ns);
        return -1;
    }
    fd = open("/proc/sys/net/ipv6/conf/default/disable_ipv6",
              O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        g_assert(write(fd, "1", 1) == 1);
        close(fd);
    }
    return orig_ns;
}

void qnet_netns_leave(int orig_ns)
{
    g_assert(setns(orig_ns, CLONE_NEWNET) == 0);
    close(orig_ns);
}
