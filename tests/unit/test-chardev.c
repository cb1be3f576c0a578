/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chardev unit tests: creation from -chardev options and legacy specs with
 * their one-line errors, the file and pipe backends, unix and tcp sockets
 * (server re-accepting after a disconnect, one client at a time, wait=on,
 * client mode) with OPENED/CLOSED events, the mux with its Ctrl-A keys and
 * buffering, and the stdio backend restoring the terminal on exit, on a
 * fatal signal and on abort (in a child on a pseudo-terminal).
 */
#include "util/osdep.h"
#include "util/log.h"
#include "tests/unit/devtest.h"
#include "tests/unit/unit.h"
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define PUMP_TIMEOUT_US (5 * G_USEC_PER_SEC)

typedef struct TestFe {
    CharBackend be;
    GString *in;
    int room;
    int opened, closed, mux_in, mux_out, breaks;
} TestFe;

static int fe_can_read(void *opaque)
{
    return ((TestFe *)opaque)->room;
}

static void fe_read(void *opaque, const uint8_t *buf, int size)
{
    g_string_append_len(((TestFe *)opaque)->in, (const char *)buf, size);
}

static void fe_event(void *opaque, ChrEvent event)
{
    TestFe *fe = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        fe->opened++;
        break;
    case CHR_EVENT_CLOSED:
        fe->closed++;
        break;
    case CHR_EVENT_MUX_IN:
        fe->mux_in++;
        break;
    case CHR_EVENT_MUX_OUT:
        fe->mux_out++;
        break;
    case CHR_EVENT_BREAK:
        fe->breaks++;
        break;
    }
}

static void fe_attach(TestFe *fe, Chardev *chr, bool monitor)
{
    memset(fe, 0, sizeof(*fe));
    fe->in = g_string_new(NULL);
    fe->room = 4096;
    if (monitor) {
        CU_ASSERT_TRUE(qemu_chr_mux_attach_monitor(&fe->be, chr, &error_abort));
    } else {
        CU_ASSERT_TRUE(qemu_chr_fe_init(&fe->be, chr, &error_abort));
    }
    qemu_chr_fe_set_handlers(&fe->be, fe_can_read, fe_read, fe_event, fe);
}

static void fe_detach(TestFe *fe)
{
    qemu_chr_fe_deinit(&fe->be, false);
    g_string_free(fe->in, TRUE);
}

static void fe_write(TestFe *fe, const char *s)
{
    CU_ASSERT_EQUAL(
        qemu_chr_fe_write_all(&fe->be, (const uint8_t *)s, strlen(s)),
        (int)strlen(s));
}

/* Run the default context until *count reaches want (or time runs out). */
static bool pump_until_count(int *count, int want)
{
    gint64 end = g_get_monotonic_time() + PUMP_TIMEOUT_US;

    while (*count < want && g_get_monotonic_time() < end) {
        if (!g_main_context_iteration(NULL, FALSE)) {
            g_usleep(1000);
        }
    }
    return *count >= want;
}

static bool pump_until_input(TestFe *fe, size_t len)
{
    gint64 end = g_get_monotonic_time() + PUMP_TIMEOUT_US;

    while (fe->in->len < len && g_get_monotonic_time() < end) {
        if (!g_main_context_iteration(NULL, FALSE)) {
            g_usleep(1000);
        }
    }
    return fe->in->len >= len;
}

static void pump_briefly(void)
{
    for (int i = 0; i < 20; i++) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
}

static Chardev *chr_from_opts(Object *root, const char *str, Error **errp)
{
    g_autoptr(KemuOpts) opts =
        kemu_opts_parse("-chardev", str, "backend", errp);

    return opts ? qemu_chr_new_from_opts(root, NULL, opts, errp) : NULL;
}

static void assert_error(Error *err, const char *msg)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    if (strcmp(error_get_pretty(err), msg)) {
        fprintf(stderr, "\n  got: %s\n  want: %s\n", error_get_pretty(err),
                msg);
    }
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err), msg);
    error_free(err);
}

static void test_creation_errors(void)
{
    Object *root = object_new(TYPE_CONTAINER);
    Error *err = NULL;
    Chardev *chr;

    CU_ASSERT_PTR_NULL(chr_from_opts(root, "foo,id=x", &err));
    assert_error(err, "-chardev foo: unknown chardev backend 'foo' (see "
                      "-chardev help)");
    err = NULL;
    CU_ASSERT_PTR_NULL(chr_from_opts(root, "null", &err));
    assert_error(err, "-chardev null: parameter 'id' is missing");
    err = NULL;
    CU_ASSERT_PTR_NULL(
        chr_from_opts(root, "socket,id=s,path=/tmp/x,bogus=1", &err));
    assert_error(err, "-chardev socket: invalid parameter 'bogus'");
    err = NULL;
    CU_ASSERT_PTR_NULL(chr_from_opts(root, "null,id=1x", &err));
    assert_error(err, "-chardev null: invalid id '1x' (use letters, digits, "
                      "'-', '.', '_', starting with a letter)");
    err = NULL;
    CU_ASSERT_PTR_NULL(chr_from_opts(root,
                                     "socket,id=s,server=maybe,"
                                     "path=/tmp/x",
                                     &err));
    assert_error(err, "-chardev socket: invalid boolean 'maybe' for 'server' "
                      "(use on or off)");
    err = NULL;
    CU_ASSERT_PTR_NULL(chr_from_opts(root,
                                     "socket,id=s,path=/tmp/x,"
                                     "wait=off",
                                     &err));
    assert_error(err, "-chardev socket: 'wait' option is incompatible with "
                      "socket in client connect mode");
    err = NULL;
    CU_ASSERT_PTR_NULL(chr_from_opts(root, "socket,id=s", &err));
    assert_error(err, "-chardev socket: needs path=PATH (unix) or "
                      "[host=HOST,]port=PORT (tcp)");
    err = NULL;
    CU_ASSERT_PTR_NULL(chr_from_opts(root, "file,id=f", &err));
    assert_error(err, "-chardev file: parameter 'path' is missing");
    err = NULL;

    chr = chr_from_opts(root, "null,id=n0", &error_abort);
    CU_ASSERT_PTR_EQUAL(qemu_chr_find(root, "n0"), chr);
    CU_ASSERT_PTR_NULL(chr_from_opts(root, "null,id=n0", &err));
    assert_error(err, "-chardev null: duplicate chardev id 'n0'");
    err = NULL;

    /* Legacy specs. */
    CU_ASSERT_PTR_NULL(qemu_chr_new(root, NULL, "x", "none", &error_abort));
    CU_ASSERT_PTR_EQUAL(qemu_chr_new(root, NULL, "x", "chardev:n0", NULL), chr);
    CU_ASSERT_PTR_NULL(qemu_chr_new(root, NULL, "x", "chardev:nope", &err));
    assert_error(err, "chardev 'nope' not found");
    err = NULL;
    CU_ASSERT_PTR_NULL(qemu_chr_new(root, NULL, "x", "vc:80x24", &err));
    assert_error(err, "unknown chardev backend 'vc' (use stdio, null, none, "
                      "file:PATH, pipe:PATH, unix:PATH, tcp:HOST:PORT, "
                      "mon:stdio or chardev:ID)");
    err = NULL;
    CU_ASSERT_PTR_NULL(
        qemu_chr_new(root, NULL, "x", "unix:/tmp/x,bogus=1", &err));
    assert_error(err, "invalid parameter 'bogus'");
    err = NULL;
    CU_ASSERT_PTR_NULL(qemu_chr_new(root, NULL, "x", "tcp:4444", &err));
    assert_error(err, "'tcp:4444' needs tcp:HOST:PORT");
    err = NULL;
    CU_ASSERT_PTR_NULL(
        qemu_chr_new(root, NULL, "x", "unix:/nonexistent/kemu.sock", &err));
    assert_error(err, "could not connect to unix:/nonexistent/kemu.sock: No "
                      "such file or directory");
    err = NULL;

    /* An unbound frontend's writes go nowhere: 0 bytes, as in QEMU. */
    {
        CharBackend be = {0};

        CU_ASSERT_EQUAL(qemu_chr_fe_write_all(&be, (const uint8_t *)"ab", 2),
                        0);
        CU_ASSERT_EQUAL(qemu_chr_fe_write(&be, (const uint8_t *)"ab", 2), 0);
    }
    /* Only a mux takes two frontends. */
    {
        TestFe a, b = {0};

        fe_attach(&a, chr, false);
        CU_ASSERT_FALSE(qemu_chr_fe_init(&b.be, chr, &err));
        assert_error(err, "chardev 'n0' is already in use");
        fe_detach(&a);
    }
    object_unref(root);
}

static void test_help(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);

    qemu_chr_print_help(out);
    fclose(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "socket"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "stdio"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "file"));
    free(buf);
}

static void test_file_backend(void)
{
    Object *root = object_new(TYPE_CONTAINER);
    g_autofree char *dir = g_dir_make_tmp("kemu-chr-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "out.txt", NULL);
    g_autofree char *spec = g_strdup_printf("file:%s", path);
    g_autofree char *opts = NULL;
    g_autofree char *content = NULL;
    Chardev *chr;
    TestFe fe;

    chr = qemu_chr_new(root, NULL, "f0", spec, &error_abort);
    fe_attach(&fe, chr, false);
    CU_ASSERT_EQUAL(fe.opened, 1);
    fe_write(&fe, "line one\n");
    fe_detach(&fe);
    qemu_chr_delete(chr);
    /* -chardev file,append=on adds to it. */
    opts = g_strdup_printf("file,id=f1,path=%s,append=on", path);
    chr = chr_from_opts(root, opts, &error_abort);
    fe_attach(&fe, chr, false);
    fe_write(&fe, "line two\n");
    fe_detach(&fe);
    object_unref(root);
    CU_ASSERT_TRUE(g_file_get_contents(path, &content, NULL, NULL));
    CU_ASSERT_STRING_EQUAL(content, "line one\nline two\n");
    unlink(path);
    rmdir(dir);
}

static void test_pipe_backend(void)
{
    Object *root = object_new(TYPE_CONTAINER);
    g_autofree char *dir = g_dir_make_tmp("kemu-chr-XXXXXX", NULL);
    g_autofree char *base = g_build_filename(dir, "p", NULL);
    g_autofree char *in = g_strdup_printf("%s.in", base);
    g_autofree char *out = g_strdup_printf("%s.out", base);
    g_autofree char *spec = g_strdup_printf("pipe:%s", base);
    char buf[16] = "";
    int wfd, rfd;
    Chardev *chr;
    TestFe fe;

    CU_ASSERT_EQUAL(mkfifo(in, 0600), 0);
    CU_ASSERT_EQUAL(mkfifo(out, 0600), 0);
    chr = qemu_chr_new(root, NULL, "p0", spec, &error_abort);
    fe_attach(&fe, chr, false);
    rfd = open(out, O_RDONLY | O_NONBLOCK);
    wfd = open(in, O_WRONLY | O_NONBLOCK);
    CU_ASSERT_TRUE(rfd >= 0 && wfd >= 0);
    fe_write(&fe, "to host");
    CU_ASSERT_EQUAL(read(rfd, buf, sizeof(buf)), 7);
    CU_ASSERT_EQUAL(memcmp(buf, "to host", 7), 0);
    CU_ASSERT_EQUAL(write(wfd, "to guest", 8), 8);
    CU_ASSERT_TRUE(pump_until_input(&fe, 8));
    CU_ASSERT_STRING_EQUAL(fe.in->str, "to guest");
    fe_detach(&fe);
    close(rfd);
    close(wfd);
    object_unref(root);
    unlink(in);
    unlink(out);
    rmdir(dir);
}

static int unix_connect(const char *path)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int unix_listen(const char *path)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
        listen(fd, 1) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool recv_exact(int fd, char *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = recv(fd, buf + done, len - done, 0);

        if (n <= 0) {
            return false;
        }
        done += n;
    }
    return true;
}

static void test_unix_server(void)
{
    Object *root = object_new(TYPE_CONTAINER);
    g_autofree char *dir = g_dir_make_tmp("kemu-chr-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "s.sock", NULL);
    g_autofree char *spec = g_strdup_printf("unix:%s,server=on,wait=off", path);
    char buf[16] = "";
    int c1, c2, c3;
    Chardev *chr;
    TestFe fe;

    chr = qemu_chr_new(root, NULL, "s0", spec, &error_abort);
    fe_attach(&fe, chr, false);
    CU_ASSERT_EQUAL(fe.opened, 0);
    /* Output with nobody connected is dropped. */
    fe_write(&fe, "lost");

    c1 = unix_connect(path);
    CU_ASSERT_TRUE(pump_until_count(&fe.opened, 1));
    fe_write(&fe, "hello");
    CU_ASSERT_TRUE(recv_exact(c1, buf, 5));
    CU_ASSERT_EQUAL(memcmp(buf, "hello", 5), 0);
    CU_ASSERT_EQUAL(send(c1, "abc", 3, 0), 3);
    CU_ASSERT_TRUE(pump_until_input(&fe, 3));
    CU_ASSERT_STRING_EQUAL(fe.in->str, "abc");

    /* A second client waits while the first is connected. */
    c2 = unix_connect(path);
    CU_ASSERT_TRUE(c2 >= 0);
    CU_ASSERT_EQUAL(send(c2, "second", 6, 0), 6);
    pump_briefly();
    CU_ASSERT_EQUAL(fe.opened, 1);
    CU_ASSERT_STRING_EQUAL(fe.in->str, "abc");

    /* The first leaves: CLOSED, then the second is taken. */
    close(c1);
    CU_ASSERT_TRUE(pump_until_count(&fe.closed, 1));
    CU_ASSERT_TRUE(pump_until_count(&fe.opened, 2));
    CU_ASSERT_TRUE(pump_until_input(&fe, 9));
    CU_ASSERT_STRING_EQUAL(fe.in->str, "abcsecond");
    fe_write(&fe, "hi2");
    CU_ASSERT_TRUE(recv_exact(c2, buf, 3));
    CU_ASSERT_EQUAL(memcmp(buf, "hi2", 3), 0);

    /* Input waits while the frontend has no room. */
    fe.room = 0;
    CU_ASSERT_EQUAL(send(c2, "later", 5, 0), 5);
    pump_briefly();
    CU_ASSERT_EQUAL(fe.in->len, 9);
    fe.room = 2;
    qemu_chr_fe_accept_input(&fe.be);
    pump_briefly();
    fe.room = 4096;
    qemu_chr_fe_accept_input(&fe.be);
    CU_ASSERT_TRUE(pump_until_input(&fe, 14));
    CU_ASSERT_STRING_EQUAL(fe.in->str, "abcsecondlater");

    close(c2);
    CU_ASSERT_TRUE(pump_until_count(&fe.closed, 2));
    c3 = unix_connect(path);
    CU_ASSERT_TRUE(pump_until_count(&fe.opened, 3));
    close(c3);
    CU_ASSERT_TRUE(pump_until_count(&fe.closed, 3));
    fe_detach(&fe);
    object_unref(root);
    /* The server removes its socket. */
    CU_ASSERT_FALSE(g_file_test(path, G_FILE_TEST_EXISTS));
    rmdir(dir);
}

static gpointer connect_later(gpointer data)
{
    const char *path = data;

    for (int i = 0; i < 500; i++) {
        int fd = unix_connect(path);

        if (fd >= 0) {
            return GINT_TO_POINTER(fd);
        }
        g_usleep(10000);
    }
    return GINT_TO_POINTER(-1);
}

static void test_unix_server_wait(void)
{
    Object *root = object_new(TYPE_CONTAINER);
    g_autofree char *dir = g_dir_make_tmp("kemu-chr-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "w.sock", NULL);
    g_autofree char *opts =
        g_strdup_printf("socket,id=w0,path=%s,server=on", path);
    GThread *thread = g_thread_new("connect", connect_later, path);
    Chardev *chr;
    TestFe fe;
    int fd;

    /* wait=on (the default): creation returns once the client is in. */
    chr = chr_from_opts(root, opts, &error_abort);
    fd = GPOINTER_TO_INT(g_thread_join(thread));
    CU_ASSERT_TRUE(fd >= 0);
    CU_ASSERT_TRUE(chr->be_open);
    fe_attach(&fe, chr, false);
    CU_ASSERT_EQUAL(fe.opened, 1);
    close(fd);
    CU_ASSERT_TRUE(pump_until_count(&fe.closed, 1));
    fe_detach(&fe);
    object_unref(root);
    rmdir(dir);
}

static void test_unix_client(void)
{
    Object *root = object_new(TYPE_CONTAINER);
    g_autofree char *dir = g_dir_make_tmp("kemu-chr-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "c.sock", NULL);
    g_autofree char *spec = g_strdup_printf("unix:%s", path);
    int lfd = unix_listen(path), fd;
    char buf[8];
    Chardev *chr;
    TestFe fe;

    chr = qemu_chr_new(root, NULL, "c0", spec, &error_abort);
    fd = accept(lfd, NULL, NULL);
    CU_ASSERT_TRUE(fd >= 0);
    /* Connected before the frontend came: it still gets OPENED. */
    fe_attach(&fe, chr, false);
    CU_ASSERT_EQUAL(fe.opened, 1);
    fe_write(&fe, "ping");
    CU_ASSERT_TRUE(recv_exact(fd, buf, 4));
    CU_ASSERT_EQUAL(memcmp(buf, "ping", 4), 0);
    CU_ASSERT_EQUAL(send(fd, "pong", 4, 0), 4);
    CU_ASSERT_TRUE(pump_until_input(&fe, 4));
    CU_ASSERT_STRING_EQUAL(fe.in->str, "pong");
    /* Data sent just before a hang-up all arrives, a byte at a time. */
    fe.room = 1;
    CU_ASSERT_EQUAL(send(fd, "bye!", 4, 0), 4);
    close(fd);
    CU_ASSERT_TRUE(pump_until_input(&fe, 8));
    CU_ASSERT_STRING_EQUAL(fe.in->str, "pongbye!");
    CU_ASSERT_TRUE(pump_until_count(&fe.closed, 1));
    fe_write(&fe, "dropped");
    fe_detach(&fe);
    object_unref(root);
    close(lfd);
    unlink(path);
    rmdir(dir);
}

static void test_tcp_client(void)
{
    Object *root = object_new(TYPE_CONTAINER);
    struct sockaddr_in sin = {.sin_family = AF_INET};
    socklen_t len = sizeof(sin);
    int lfd = socket(AF_INET, SOCK_STREAM, 0), fd;
    g_autofree char *spec = NULL;
    char buf[4];
    Chardev *chr;
    TestFe fe;

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CU_ASSERT_EQUAL(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    CU_ASSERT_EQUAL(listen(lfd, 1), 0);
    getsockname(lfd, (struct sockaddr *)&sin, &len);
    spec = g_strdup_printf("tcp:127.0.0.1:%d", ntohs(sin.sin_port));
    chr = qemu_chr_new(root, NULL, "t0", spec, &error_abort);
    fd = accept(lfd, NULL, NULL);
    fe_attach(&fe, chr, false);
    CU_ASSERT_EQUAL(fe.opened, 1);
    fe_write(&fe, "tcp!");
    CU_ASSERT_TRUE(recv_exact(fd, buf, 4));
    CU_ASSERT_EQUAL(memcmp(buf, "tcp!", 4), 0);
    fe_detach(&fe);
    object_unref(root);
    close(fd);
    close(lfd);
}

static void test_mux(void)
{
    DevTest *t = devtest_new(0);
    DevTestChardev *base;
    TestFe serial, mon;
    Chardev *chr;

    chr = chr_from_opts(t->root, "devtest,id=m0,mux=on", &error_abort);
    base = (DevTestChardev *)qemu_chr_find(t->root, "m0-base");
    CU_ASSERT_PTR_NOT_NULL_FATAL(base);
    CU_ASSERT_TRUE(qemu_chr_is_mux(chr));
    /* The monitor attaches first, yet the serial port gets the focus. */
    fe_attach(&mon, chr, true);
    fe_attach(&serial, chr, false);
    CU_ASSERT_EQUAL(serial.opened, 1);
    CU_ASSERT_EQUAL(mon.opened, 1);

    devtest_chr_input(base, "ab", 2);
    CU_ASSERT_STRING_EQUAL(serial.in->str, "ab");
    CU_ASSERT_EQUAL(mon.in->len, 0);
    /* Both frontends' output reaches the backend. */
    fe_write(&serial, "[guest]");
    fe_write(&mon, "(kemu) ");
    CU_ASSERT_STRING_EQUAL(base->out->str, "[guest](kemu) ");

    /* C-a c switches to the monitor. */
    devtest_chr_input(base,
                      "\x01"
                      "c"
                      "info\r",
                      7);
    CU_ASSERT_EQUAL(serial.mux_out, 1);
    CU_ASSERT_EQUAL(mon.mux_in, 1);
    CU_ASSERT_STRING_EQUAL(mon.in->str, "info\r");
    CU_ASSERT_STRING_EQUAL(serial.in->str, "ab");
    /* C-a C-a is a literal C-a; C-a h prints help. */
    devtest_chr_input(base, "\x01\x01", 2);
    CU_ASSERT_STRING_EQUAL(mon.in->str, "info\r\x01");
    g_string_truncate(base->out, 0);
    devtest_chr_input(base, "\x01h", 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(base->out->str, "C-a x    exit emulator"));
    CU_ASSERT_PTR_NOT_NULL(strstr(base->out->str, "C-a c    switch"));
    /* Back to the serial port; C-a b is a break there. */
    devtest_chr_input(base,
                      "\x01"
                      "c"
                      "\x01"
                      "b",
                      4);
    CU_ASSERT_EQUAL(serial.mux_in, 1);
    CU_ASSERT_EQUAL(serial.breaks, 1);

    /* A frontend that reads nothing: input is kept, C-a x still quits. */
    serial.room = 0;
    devtest_chr_input(base, "123", 3);
    CU_ASSERT_STRING_EQUAL(serial.in->str, "ab");
    g_string_truncate(base->out, 0);
    devtest_chr_input(base, "\x01x", 2);
    CU_ASSERT_STRING_EQUAL(base->out->str, "kemu: Terminated\r\n");
    devtest_run_pending(t);
    CU_ASSERT_EQUAL(t->ms->runstate, RUN_STATE_SHUTDOWN);
    CU_ASSERT_EQUAL(t->ms->exit_status, 0);
    serial.room = 100;
    qemu_chr_fe_accept_input(&serial.be);
    devtest_run_pending(t);
    CU_ASSERT_STRING_EQUAL(serial.in->str, "ab123");

    fe_detach(&serial);
    fe_detach(&mon);
    devtest_free(t);
}

static void count_quit(void *opaque)
{
    (*(int *)opaque)++;
}

/* C-a x reaches the emulator only through the handler given to the tree. */
static void test_mux_quit_handler(void)
{
    Object *root = object_new(TYPE_CONTAINER);
    DevTestChardev *base;
    TestFe serial;
    Chardev *chr;
    int quits = 0;

    chr = chr_from_opts(root, "devtest,id=q0,mux=on", &error_abort);
    base = (DevTestChardev *)qemu_chr_find(root, "q0-base");
    CU_ASSERT_PTR_NOT_NULL_FATAL(base);
    fe_attach(&serial, chr, false);
    /* Nobody to ask (no machine): C-a x only prints. */
    devtest_chr_input(base, "\x01x", 2);
    CU_ASSERT_STRING_EQUAL(base->out->str, "kemu: Terminated\r\n");
    qemu_chr_set_quit_handler(root, count_quit, &quits);
    devtest_chr_input(base, "\x01x", 2);
    CU_ASSERT_EQUAL(quits, 1);
    /* Cleared, as machine_destroy() clears it: not called again. */
    qemu_chr_set_quit_handler(root, NULL, NULL);
    devtest_chr_input(base, "\x01x", 2);
    CU_ASSERT_EQUAL(quits, 1);
    fe_detach(&serial);
    object_unref(root);
}

static void test_mon_spec(void)
{
    Object *root = object_new(TYPE_CONTAINER);
    Chardev *chr =
        qemu_chr_new(root, NULL, "compat_monitor0", "mon:null", &error_abort);
    TestFe mon, serial;

    CU_ASSERT_TRUE(qemu_chr_is_mux(chr));
    CU_ASSERT_TRUE(qemu_chr_wants_monitor(chr));
    CU_ASSERT_PTR_NOT_NULL(qemu_chr_find(root, "compat_monitor0-base"));
    fe_attach(&serial, chr, false);
    CU_ASSERT_TRUE(qemu_chr_wants_monitor(chr));
    fe_attach(&mon, chr, true);
    CU_ASSERT_FALSE(qemu_chr_wants_monitor(chr));
    /* A plain spec wants no monitor. */
    CU_ASSERT_FALSE(qemu_chr_wants_monitor(
        qemu_chr_new(root, NULL, "n1", "null", &error_abort)));
    fe_detach(&serial);
    fe_detach(&mon);
    object_unref(root);
}

/* In a child on a pty: make stdio raw, then leave by @how. */
static void stdio_child(int how)
{
    Object *root = object_new(TYPE_CONTAINER);
    struct termios tio;

    qemu_chr_new(root, NULL, "st", "mon:stdio", &error_abort);
    tcgetattr(STDIN_FILENO, &tio);
    if (tio.c_lflag & (ICANON | ECHO | ISIG)) {
        _exit(10); /* not raw */
    }
    switch (how) {
    case 0:
        exit(0);
    case 1:
        raise(SIGTERM);
        break;
    case 2:
        abort();
    case 3:
        raise(SIGSEGV);
        break;
    }
    _exit(11);
}

static void test_stdio_terminal_restored(void)
{
    static const int expect_sig[] = {0, SIGTERM, SIGABRT, SIGSEGV};

    for (int how = 0; how < 4; how++) {
        int master, slave, status;
        struct termios before, after;
        pid_t pid;

        CU_ASSERT_EQUAL_FATAL(openpty(&master, &slave, NULL, NULL, NULL), 0);
        tcgetattr(slave, &before);
        CU_ASSERT_TRUE(before.c_lflag & ICANON);
        pid = fork();
        if (pid == 0) {
            struct rlimit no_core = {0, 0};

            setrlimit(RLIMIT_CORE, &no_core);
            signal(SIGTERM, SIG_DFL);
            dup2(slave, STDIN_FILENO);
            dup2(slave, STDOUT_FILENO);
            stdio_child(how);
        }
        CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
        if (expect_sig[how]) {
            CU_ASSERT_TRUE(WIFSIGNALED(status) &&
                           WTERMSIG(status) == expect_sig[how]);
        } else {
            CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
        tcgetattr(slave, &after);
        CU_ASSERT_EQUAL(after.c_lflag, before.c_lflag);
        CU_ASSERT_EQUAL(after.c_iflag, before.c_iflag);
        close(master);
        close(slave);
    }
}

/* ---- Output that the host does not take ---- */

/* Send fd 2 to a temporary file until stderr_end(), which returns it. */
static int stderr_begin(void)
{
    FILE *tmp = tmpfile();
    int saved = dup(STDERR_FILENO);

    fflush(stderr);
    dup2(fileno(tmp), STDERR_FILENO);
    fclose(tmp);
    return saved;
}

static char *stderr_end(int saved)
{
    GString *text = g_string_new(NULL);
    char buf[1024];
    ssize_t n;

    fflush(stderr);
    lseek(STDERR_FILENO, 0, SEEK_SET);
    while ((n = read(STDERR_FILENO, buf, sizeof(buf))) > 0) {
        g_string_append_len(text, buf, n);
    }
    dup2(saved, STDERR_FILENO);
    close(saved);
    return g_string_free(text, FALSE);
}

static int count_lines(const char *text, const char *needle)
{
    int n = 0;

    for (const char *p = text; (p = strstr(p, needle)); p++) {
        n++;
    }
    return n;
}

/* A file chardev on a full disk: one line about it, not one per write. */
static void test_output_full_disk(void)
{
    Object *root = object_new(TYPE_CONTAINER);
    g_autofree char *log = NULL;
    Chardev *chr;
    TestFe fe;
    int saved;

    chr = qemu_chr_new(root, NULL, "full", "file:/dev/full", &error_abort);
    fe_attach(&fe, chr, false);
    saved = stderr_begin();
    for (int i = 0; i < 1000; i++) {
        fe_write(&fe, "x");
    }
    log = stderr_end(saved);
    CU_ASSERT_EQUAL(count_lines(log, "\n"), 1);
    CU_ASSERT_EQUAL(count_lines(log, "chardev 'full': write failed: No space "
                                     "left on device"),
                    1);
    fe_detach(&fe);
    object_unref(root);
}

/* A FIFO of @size bytes whose reader (returned in *rfd) reads nothing yet. */
static char *fifo_with_reader(const char *dir, int size, int *rfd)
{
    char *path = g_build_filename(dir, "fifo", NULL);

    CU_ASSERT_EQUAL(mkfifo(path, 0600), 0);
    *rfd = open(path, O_RDONLY | O_NONBLOCK);
    CU_ASSERT_TRUE(*rfd >= 0);
    CU_ASSERT_EQUAL(fcntl(*rfd, F_SETPIPE_SZ, size), size);
    return path;
}

/*
 * -serial file:FIFO that nobody reads: writes return at once, the output
 * is queued up to CHR_OUT_LIMIT, then dropped with one line; once the
 * reader catches up, the queued bytes arrive in order and output flows.
 */
static void test_output_fifo_not_read(void)
{
    Object *root = object_new(TYPE_CONTAINER);
    g_autofree char *dir = g_dir_make_tmp("kemu-chr-XXXXXX", NULL);
    g_autofree char *log = NULL;
    g_autofree char *path = NULL;
    g_autofree char *spec = NULL;
    g_autofree uint8_t *got = g_malloc(2 * CHR_OUT_LIMIT);
    char chunk[4096];
    size_t total = 0, sent = 0;
    gint64 start, end;
    Chardev *chr;
    TestFe fe;
    int rfd, saved;

    path = fifo_with_reader(dir, 4096, &rfd);
    spec = g_strdup_printf("file:%s", path);
    chr = qemu_chr_new(root, NULL, "ff", spec, &error_abort);
    fe_attach(&fe, chr, false);
    saved = stderr_begin();
    start = g_get_monotonic_time();
    while (sent < CHR_OUT_LIMIT + 64 * 1024) {
        memset(chunk, 'a' + (sent / sizeof(chunk)) % 26, sizeof(chunk));
        CU_ASSERT_EQUAL(
            qemu_chr_fe_write_all(&fe.be, (uint8_t *)chunk, sizeof(chunk)),
            (int)sizeof(chunk));
        sent += sizeof(chunk);
    }
    CU_ASSERT_TRUE(g_get_monotonic_time() - start < 2 * G_USEC_PER_SEC);
    log = stderr_end(saved);
    CU_ASSERT_EQUAL(count_lines(log, "chardev 'ff': output is not being "
                                     "read"),
                    1);
    CU_ASSERT_TRUE(qemu_chr_out_pending(chr) <= CHR_OUT_LIMIT);

    /* The reader catches up: everything queued arrives, in order. */
    end = g_get_monotonic_time() + PUMP_TIMEOUT_US;
    for (;;) {
        bool drained = !qemu_chr_out_pending(chr);
        ssize_t n = read(rfd, got + total, 2 * CHR_OUT_LIMIT - total);

        if (n > 0) {
            total += n;
        } else if (drained || g_get_monotonic_time() > end) {
            break;
        }
        g_main_context_iteration(NULL, FALSE);
    }
    CU_ASSERT_EQUAL(qemu_chr_out_pending(chr), 0);
    CU_ASSERT_TRUE(total >= CHR_OUT_LIMIT && total <= CHR_OUT_LIMIT + 4096);
    for (size_t i = 0; i < total; i += sizeof(chunk)) {
        CU_ASSERT_EQUAL(got[i], 'a' + (i / sizeof(chunk)) % 26);
    }
    /* Output goes through again. */
    fe_write(&fe, "again");
    CU_ASSERT_EQUAL(read(rfd, chunk, sizeof(chunk)), 5);

    fe_detach(&fe);
    object_unref(root);
    close(rfd);
    unlink(path);
    rmdir(dir);
}

static gboolean count_watch(void *unused, GIOCondition cond, void *opaque)
{
    (*(int *)opaque)++;
    return G_SOURCE_REMOVE;
}

/* qemu_chr_fe_write takes what the host takes now; the watch says when. */
static void test_output_fe_write_partial(void)
{
    Object *root = object_new(TYPE_CONTAINER);
    g_autofree char *dir = g_dir_make_tmp("kemu-chr-XXXXXX", NULL);
    g_autofree char *path = NULL;
    g_autofree char *spec = NULL;
    uint8_t buf[8192];
    Chardev *chr;
    TestFe fe;
    int rfd, fired = 0;

    path = fifo_with_reader(dir, 4096, &rfd);
    spec = g_strdup_printf("file:%s", path);
    chr = qemu_chr_new(root, NULL, "fw", spec, &error_abort);
    fe_attach(&fe, chr, false);
    memset(buf, 'z', sizeof(buf));
    CU_ASSERT_EQUAL(qemu_chr_fe_write(&fe.be, buf, sizeof(buf)), 4096);
    errno = 0;
    CU_ASSERT_EQUAL(qemu_chr_fe_write(&fe.be, buf, 1), -1);
    CU_ASSERT_EQUAL(errno, EAGAIN);
    CU_ASSERT_EQUAL(qemu_chr_out_pending(chr), 0);
    CU_ASSERT_NOT_EQUAL(
        qemu_chr_fe_add_watch(&fe.be, G_IO_OUT | G_IO_HUP, count_watch, &fired),
        0);
    pump_briefly();
    CU_ASSERT_EQUAL(fired, 0);
    CU_ASSERT_EQUAL(read(rfd, buf, sizeof(buf)), 4096);
    CU_ASSERT_TRUE(pump_until_count(&fired, 1));
    CU_ASSERT_EQUAL(qemu_chr_fe_write(&fe.be, buf, 10), 10);
    fe_detach(&fe);
    object_unref(root);
    close(rfd);
    unlink(path);
    rmdir(dir);
}

/*
 * A socket client that never reads: the chardev queues up to
 * CHR_OUT_LIMIT, then drops that client with one line (from the main
 * loop, not inside the write) and takes the next one.
 */
static void test_output_socket_not_read(void)
{
    Object *root = object_new(TYPE_CONTAINER);
    g_autofree char *dir = g_dir_make_tmp("kemu-chr-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "s.sock", NULL);
    g_autofree char *spec = g_strdup_printf("unix:%s,server=on,wait=off", path);
    g_autofree char *log = NULL;
    char chunk[65536], buf[8];
    size_t sent = 0;
    Chardev *chr;
    TestFe fe;
    int c1, c2, saved;

    chr = qemu_chr_new(root, NULL, "sn", spec, &error_abort);
    fe_attach(&fe, chr, false);
    c1 = unix_connect(path);
    CU_ASSERT_TRUE(pump_until_count(&fe.opened, 1));
    memset(chunk, 'q', sizeof(chunk));
    saved = stderr_begin();
    while (sent < 4 * CHR_OUT_LIMIT) {
        CU_ASSERT_EQUAL(
            qemu_chr_fe_write_all(&fe.be, (uint8_t *)chunk, sizeof(chunk)),
            (int)sizeof(chunk));
        sent += sizeof(chunk);
    }
    /* Not inside the write: the frontend hears of it from the loop. */
    CU_ASSERT_EQUAL(fe.closed, 0);
    CU_ASSERT_TRUE(pump_until_count(&fe.closed, 1));
    log = stderr_end(saved);
    CU_ASSERT_EQUAL(count_lines(log, "chardev 'sn': the peer is not reading "
                                     "its output"),
                    1);
    c2 = unix_connect(path);
    CU_ASSERT_TRUE(pump_until_count(&fe.opened, 2));
    fe_write(&fe, "next");
    CU_ASSERT_TRUE(recv_exact(c2, buf, 4));
    CU_ASSERT_EQUAL(memcmp(buf, "next", 4), 0);
    close(c1);
    close(c2);
    fe_detach(&fe);
    object_unref(root);
    unlink(path);
    rmdir(dir);
}

typedef struct SlowReader {
    int fd;
    size_t total;
} SlowReader;

static gpointer slow_reader(gpointer opaque)
{
    SlowReader *r = opaque;
    gint64 end = g_get_monotonic_time() + PUMP_TIMEOUT_US;
    char buf[4096];

    g_usleep(200 * 1000);
    while (r->total < 10240 && g_get_monotonic_time() < end) {
        ssize_t n = read(r->fd, buf, sizeof(buf));

        if (n > 0) {
            r->total += n;
        } else {
            g_usleep(1000);
        }
    }
    return NULL;
}

/* What is still queued when the chardev closes (at exit) is written out. */
static void test_output_drained_at_close(void)
{
    Object *root = object_new(TYPE_CONTAINER);
    g_autofree char *dir = g_dir_make_tmp("kemu-chr-XXXXXX", NULL);
    g_autofree char *path = NULL;
    g_autofree char *spec = NULL;
    uint8_t buf[10240];
    SlowReader r = {0};
    GThread *thread;
    Chardev *chr;
    TestFe fe;

    path = fifo_with_reader(dir, 4096, &r.fd);
    spec = g_strdup_printf("file:%s", path);
    chr = qemu_chr_new(root, NULL, "fd", spec, &error_abort);
    fe_attach(&fe, chr, false);
    memset(buf, 'd', sizeof(buf));
    CU_ASSERT_EQUAL(qemu_chr_fe_write_all(&fe.be, buf, sizeof(buf)),
                    (int)sizeof(buf));
    CU_ASSERT_TRUE(qemu_chr_out_pending(chr) > 0);
    thread = g_thread_new("reader", slow_reader, &r);
    fe_detach(&fe);
    object_unref(root); /* closes the chardev */
    g_thread_join(thread);
    CU_ASSERT_EQUAL(r.total, sizeof(buf));
    close(r.fd);
    unlink(path);
    rmdir(dir);
}

/* ---- Files a server socket touches ---- */

/*
 * -chardev socket,path=F,server=on: a regular file at F is refused and
 * kept; a stale socket is replaced; the new socket is 0600 whatever the
 * umask, and only our own socket is removed at the end.
 */
static void test_unix_server_path(void)
{
    Object *root = object_new(TYPE_CONTAINER);
    g_autofree char *dir = g_dir_make_tmp("kemu-chr-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "notes.txt", NULL);
    g_autofree char *spec = g_strdup_printf("unix:%s,server=on,wait=off", path);
    g_autofree char *content = NULL;
    g_autofree char *want = NULL;
    struct stat st;
    Error *err = NULL;
    mode_t old_umask;
    Chardev *chr;
    int stale;

    CU_ASSERT_TRUE(g_file_set_contents(path, "keep me", -1, NULL));
    CU_ASSERT_PTR_NULL(qemu_chr_new(root, NULL, "s1", spec, &err));
    want = g_strdup_printf("could not listen on unix:%s,server=on: '%s' "
                           "exists and is not a socket",
                           path, path);
    assert_error(err, want);
    CU_ASSERT_TRUE(g_file_get_contents(path, &content, NULL, NULL));
    CU_ASSERT_STRING_EQUAL(content, "keep me");
    unlink(path);

    /* A stale socket (its server gone) is replaced. */
    stale = unix_listen(path);
    close(stale);
    old_umask = umask(022);
    chr = qemu_chr_new(root, NULL, "s2", spec, &error_abort);
    umask(old_umask);
    CU_ASSERT_EQUAL(lstat(path, &st), 0);
    CU_ASSERT_TRUE(S_ISSOCK(st.st_mode));
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    qemu_chr_delete(chr);
    CU_ASSERT_NOT_EQUAL(lstat(path, &st), 0);

    /* Our socket replaced by someone else's file: that is left alone. */
    chr = qemu_chr_new(root, NULL, "s3", spec, &error_abort);
    unlink(path);
    CU_ASSERT_TRUE(g_file_set_contents(path, "theirs", -1, NULL));
    qemu_chr_delete(chr);
    CU_ASSERT_EQUAL(lstat(path, &st), 0);
    object_unref(root);
    unlink(path);
    rmdir(dir);
}

/* Whether this process has @path open with close-on-exec. */
static int fd_of_path_cloexec(const char *path)
{
    g_autoptr(GDir) fds = g_dir_open("/proc/self/fd", 0, NULL);
    const char *name;

    while ((name = g_dir_read_name(fds))) {
        g_autofree char *link = g_strdup_printf("/proc/self/fd/%s", name);
        g_autofree char *target = g_file_read_link(link, NULL);

        if (target && !strcmp(target, path)) {
            return !!(fcntl(atoi(name), F_GETFD) & FD_CLOEXEC);
        }
    }
    return -1;
}

/* -D: the log file is not inherited by children (a tap script). */
static void test_log_file_cloexec(void)
{
    g_autofree char *dir = g_dir_make_tmp("kemu-log-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "log.txt", NULL);

    CU_ASSERT_TRUE(kemu_log_set_file(path, &error_abort));
    CU_ASSERT_EQUAL(fd_of_path_cloexec(path), 1);
    CU_ASSERT_TRUE(kemu_log_set_file(NULL, &error_abort));
    unlink(path);
    rmdir(dir);
}

UNIT_SUITE(chardev, NULL, NULL, UNIT_TEST(test_creation_errors),
           UNIT_TEST(test_help), UNIT_TEST(test_file_backend),
           UNIT_TEST(test_pipe_backend), UNIT_TEST(test_unix_server),
           UNIT_TEST(test_unix_server_wait), UNIT_TEST(test_unix_client),
           UNIT_TEST(test_tcp_client), UNIT_TEST(test_mux),
           UNIT_TEST(test_mux_quit_handler), UNIT_TEST(test_mon_spec),
           UNIT_TEST(test_stdio_terminal_restored),
           UNIT_TEST(test_output_full_disk),
           UNIT_TEST(test_output_fifo_not_read),
           UNIT_TEST(test_output_fe_write_partial),
           UNIT_TEST(test_output_socket_not_read),
           UNIT_TEST(test_output_drained_at_close),
           UNIT_TEST(test_unix_server_path), UNIT_TEST(test_log_file_cloexec))
