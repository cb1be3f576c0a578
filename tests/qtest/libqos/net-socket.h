/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host side of a test's network: its end of a `-netdev socket,fd=N`
 * stream (a socketpair), where every frame goes with QEMU's 4-byte
 * big-endian length in front; a network namespace of its own for a
 * `-netdev tap` that kemu creates there; and the Internet checksum for
 * building and checking frames.
 */
#ifndef KEMU_LIBQOS_NET_SOCKET_H
#define KEMU_LIBQOS_NET_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * qnet_sock_read_all - read exactly @len bytes of @fd into @buf, waiting
 * up to @timeout_ms for each piece; false on timeout or end of stream.
 */
bool qnet_sock_read_all(int fd, void *buf, size_t len, int timeout_ms);

/**
 * qnet_sock_recv - the next frame on @fd (at most @max bytes: a longer one
 * fails the test) into @buf.
 *
 * Return: its length, or -1 when none began within @timeout_ms.
 */
ssize_t qnet_sock_recv(int fd, uint8_t *buf, size_t max, int timeout_ms);

/** qnet_sock_send - write @frame with its length prefix (all of it). */
void qnet_sock_send(int fd, const uint8_t *frame, size_t len);

/**
 * qnet_make_frame - an Ethernet frame of @len (>= 14) bytes at @p: @dst,
 * @src, EtherType 0x88b5 (local experimental) and a payload derived from
 * @seed, so that frames of different seeds differ.  Return: @len.
 */
size_t qnet_make_frame(uint8_t *p, const uint8_t *dst, const uint8_t *src,
                       size_t len, uint8_t seed);

/**
 * qnet_csum_add - add @len bytes at @p to the one's-complement sum @sum as
 * big-endian 16-bit words (RFC 1071; an odd last byte is padded).
 */
uint32_t qnet_csum_add(uint32_t sum, const uint8_t *p, size_t len);

/** qnet_csum_fold - fold the carries of @sum into 16 bits (not inverted). */
uint16_t qnet_csum_fold(uint32_t sum);

/**
 * qnet_netns_enter - move the calling thread into a new network namespace
 * (IPv6 off, so that its kernel stays quiet on a TAP): start kemu with a
 * tap netdev next, make the sockets that must live in the namespace, then
 * qnet_netns_leave().  Needs root and /dev/net/tun.
 *
 * Return: an fd of the namespace the thread was in, or -1 with *@why set
 * (g_free it) to the reason the test should be skipped.
 */
int qnet_netns_enter(char **why);

/** qnet_netns_leave - back to the namespace qnet_netns_enter() left. */
void qnet_netns_leave(int orig_ns);

#endif
