/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util/sockets.c: "HOST:PORT" parsing, TCP and UNIX listen and connect,
 * close-on-exec and blocking sockets, the owner-only UNIX socket file that
 * replaces only a stale socket, and the reasons errors give.
 */
#include "util/osdep.h"
#include "util/sockets.h"
#include "tests/unit/unit.h"
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

static void assert_error(Error *err, const char *msg)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    if (strcmp(error_get_pretty(err), msg)) {
        fprintf(stderr, "\n  got: %s\n  want: %s\n", error_get_pretty(err),
                msg);
        CU_FAIL("wrong error message");
    }
    error_free(err);
}

static void assert_parses(const char *str, const char *host, const char *port)
{
    SocketAddress addr;

    CU_ASSERT_TRUE_FATAL(inet_parse(&addr, str, &error_abort));
    CU_ASSERT_EQUAL(addr.type, SOCKET_ADDRESS_TYPE_INET);
    CU_ASSERT_STRING_EQUAL(addr.host, host);
    CU_ASSERT_STRING_EQUAL(addr.port, port);
    CU_ASSERT_PTR_NULL(addr.path);
    socket_address_clear(&addr);
}

static void assert_parse_fails(const char *str, const char *msg)
{
    SocketAddress addr = {0};
    Error *err = NULL;

    CU_ASSERT_FALSE(inet_parse(&addr, str, &err));
    CU_ASSERT_PTR_NULL(addr.host);
    assert_error(err, msg);
}

static void test_inet_parse(void)
{
    assert_parses("127.0.0.1:5555", "127.0.0.1", "5555");
    assert_parses("localhost:ssh", "localhost", "ssh");
    assert_parses(":4444", "", "4444");
    assert_parses("[::1]:22", "::1", "22");
    assert_parses("[]:22", "", "22");
    assert_parse_fails("5555", "invalid address '5555' (use HOST:PORT)");
    assert_parse_fails("host:", "invalid address 'host:' (use HOST:PORT)");
    assert_parse_fails("[::1:22",
                       "invalid address '[::1:22' (use [V6ADDR]:PORT)");
}

static int local_port(int fd)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);

    CU_ASSERT_EQUAL(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
    return ntohs(sin.sin_port);
}

static void assert_cloexec_blocking(int fd)
{
    CU_ASSERT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    CU_ASSERT_FALSE(fcntl(fd, F_GETFL) & O_NONBLOCK);
}

/* One byte each way between a connected pair. */
static void assert_talks(int a, int b)
{
    char c = 0;

    CU_ASSERT_EQUAL(send(a, "x", 1, 0), 1);
    CU_ASSERT_EQUAL(recv(b, &c, 1, 0), 1);
    CU_ASSERT_EQUAL(c, 'x');
    CU_ASSERT_EQUAL(send(b, "y", 1, 0), 1);
    CU_ASSERT_EQUAL(recv(a, &c, 1, 0), 1);
    CU_ASSERT_EQUAL(c, 'y');
}

static void test_tcp(void)
{
    SocketAddress addr;
    g_autofree char *port = NULL;
    int lfd, cfd, afd;

    CU_ASSERT_TRUE_FATAL(inet_parse(&addr, "127.0.0.1:0", &error_abort));
    lfd = socket_listen(&addr, 1, &error_abort);
    socket_address_clear(&addr);
    CU_ASSERT_TRUE_FATAL(lfd >= 0);
    assert_cloexec_blocking(lfd);
    port = g_strdup_printf("%d", local_port(lfd));

    /* No host: the loopback address when connecting. */
    addr = (SocketAddress){.type = SOCKET_ADDRESS_TYPE_INET, .port = port};
    cfd = socket_connect(&addr, &error_abort);
    CU_ASSERT_TRUE_FATAL(cfd >= 0);
    assert_cloexec_blocking(cfd);
    afd = accept(lfd, NULL, NULL);
    CU_ASSERT_TRUE_FATAL(afd >= 0);
    assert_talks(cfd, afd);

    qemu_socket_set_nonblock(cfd);
    CU_ASSERT_TRUE(fcntl(cfd, F_GETFL) & O_NONBLOCK);
    close(afd);
    close(cfd);

    /* The port is taken: the reason is errno's. */
    addr = (SocketAddress){
        .type = SOCKET_ADDRESS_TYPE_INET, .host = "127.0.0.1", .port = port};
    {
        Error *err = NULL;

        CU_ASSERT_EQUAL(socket_listen(&addr, 1, &err), -1);
        assert_error(err, g_strerror(EADDRINUSE));
    }
    close(lfd);
}

static void test_tcp_errors(void)
{
    SocketAddress addr;
    Error *err = NULL;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET};
    g_autofree char *str = NULL;

    /* A port that was just free: nothing listens there. */
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CU_ASSERT_EQUAL_FATAL(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    str = g_strdup_printf("127.0.0.1:%d", local_port(fd));
    close(fd);
    CU_ASSERT_TRUE_FATAL(inet_parse(&addr, str, &error_abort));
    CU_ASSERT_EQUAL(socket_connect(&addr, &err), -1);
    assert_error(err, g_strerror(ECONNREFUSED));
    socket_address_clear(&addr);

    /* A service name that does not resolve (no DNS needed). */
    addr = (SocketAddress){.type = SOCKET_ADDRESS_TYPE_INET,
                           .host = "127.0.0.1",
                           .port = "no-such-service-kemu"};
    err = NULL;
    CU_ASSERT_EQUAL(socket_connect(&addr, &err), -1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_TRUE(
        g_str_has_prefix(error_get_pretty(err), "address resolution failed: "));
    error_free(err);
}

static void test_unix(void)
{
    g_autofree char *dir = g_dir_make_tmp("kemu-sock-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "s.sock", NULL);
    g_autofree char *content = NULL;
    g_autofree char *want = NULL;
    SocketAddress addr = {.type = SOCKET_ADDRESS_TYPE_UNIX, .path = path};
    struct stat st;
    Error *err = NULL;
    mode_t old_umask;
    int lfd, cfd, afd;

    /* Owner-only whatever the umask. */
    old_umask = umask(022);
    lfd = socket_listen(&addr, 1, &error_abort);
    umask(old_umask);
    CU_ASSERT_TRUE_FATAL(lfd >= 0);
    assert_cloexec_blocking(lfd);
    CU_ASSERT_EQUAL(lstat(path, &st), 0);
    CU_ASSERT_TRUE(S_ISSOCK(st.st_mode));
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);

    cfd = socket_connect(&addr, &error_abort);
    CU_ASSERT_TRUE_FATAL(cfd >= 0);
    assert_cloexec_blocking(cfd);
    afd = accept(lfd, NULL, NULL);
    assert_talks(cfd, afd);
    close(afd);
    close(cfd);
    close(lfd);

    /* The socket file left behind is stale: it is replaced. */
    lfd = socket_listen(&addr, 1, &error_abort);
    CU_ASSERT_TRUE(lfd >= 0);
    close(lfd);
    unlink(path);

    /* Any other file is kept, and named in the reason. */
    CU_ASSERT_TRUE(g_file_set_contents(path, "keep me", -1, NULL));
    CU_ASSERT_EQUAL(socket_listen(&addr, 1, &err), -1);
    want = g_strdup_printf("'%s' exists and is not a socket", path);
    assert_error(err, want);
    CU_ASSERT_TRUE(g_file_get_contents(path, &content, NULL, NULL));
    CU_ASSERT_STRING_EQUAL(content, "keep me");
    unlink(path);

    /* Nobody there. */
    err = NULL;
    CU_ASSERT_EQUAL(socket_connect(&addr, &err), -1);
    assert_error(err, g_strerror(ENOENT));
    rmdir(dir);
}

static void test_unix_path_too_long(void)
{
    g_autofree char *path = g_strnfill(200, 'p');
    g_autofree char *want = NULL;
    SocketAddress addr = {.type = SOCKET_ADDRESS_TYPE_UNIX, .path = path};
    Error *err = NULL;

    want = g_strdup_printf("socket path '%s' is too long (at most 107 bytes)",
                           path);
    CU_ASSERT_EQUAL(socket_listen(&addr, 1, &err), -1);
    assert_error(err, want);
    err = NULL;
    CU_ASSERT_EQUAL(socket_connect(&addr, &err), -1);
    assert_error(err, want);
}

UNIT_SUITE(sockets, NULL, NULL, UNIT_TEST(test_inet_parse), UNIT_TEST(test_tcp),
           UNIT_TEST(test_tcp_errors), UNIT_TEST(test_unix),
           UNIT_TEST(test_unix_path_too_long))
