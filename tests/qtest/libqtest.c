/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqtest: spawn the emulator under -accel qtest, speak the qtest text
 * protocol on one socket and QMP on another (see libqtest.h).  The start
 * line, the socket roles and the protocol are QEMU's, so the same library
 * drives kemu and QEMU alike.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <CUnit/CUnit.h>
#include "tests/qtest/libqtest.h"

#define MAX_IRQ        256
#define DEFAULT_BINARY "build/kemu-system-x86_64"

struct QTestState {
    int fd;      /* the qtest protocol socket */
    int qmp_fd;  /* the QMP socket */
    pid_t pid;   /* the emulator; 0 once reaped */
    int wstatus; /* its waitpid() status once reaped */
    int expected_status;
    bool status_checked; /* qtest_wait_status() handed it to the caller */
    bool irq_level[MAX_IRQ];
    bool big_endian;
    char *sock_path; /* the sockets we listen on until kemu connects */
    char *qmp_path;
    int listen_fd, qmp_listen_fd;
    GString *rx;     /* qtest bytes not yet consumed */
    GString *qmp_rx; /* QMP bytes not yet consumed */
    GList *pending_events;
};

/* Emulators this program started and has not quit (for cleanup). */
static GList *live_states;

/* ---- Failure ---------------------------------------------------------------
 */

/*
 * A broken protocol exchange fails the running CUnit test (and leaves it
 * through CUnit's fatal-assert path) or, outside CUnit, aborts.
 */
void qtest_fail_at(const char *file, int line, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "libqtest: %s\n", msg);
    fflush(stderr);
    if (CU_get_current_test()) {
        CU_assertImplementation(CU_FALSE, line, msg, file, "", CU_TRUE);
    }
    abort();
}

static int timeout_ms(void)
{
    const char *env = getenv("QTEST_TIMEOUT");
    int secs = env ? atoi(env) : 60;

    return (secs > 0 ? secs : 60) * 1000;
}

static int64_t now_ms(void)
{
    return g_get_monotonic_time() / 1000;
}

/* ---- The binary -------------------------------------------------------------
 */

const char *qtest_qemu_binary(void)
{
    const char *bin = getenv("QTEST_QEMU_BINARY");

    return bin && *bin ? bin : DEFAULT_BINARY;
}

const char *qtest_get_arch(void)
{
    const char *bin = qtest_qemu_binary();
    const char *end = strrchr(bin, '-');

    if (!end) {
        fprintf(stderr, "libqtest: can't tell the target of '%s'\n", bin);
        abort();
    }
    return end + 1;
}

/* ---- Process control --------------------------------------------------------
 */

static bool reap(QTestState *s, bool block_ms_budget, int budget_ms)
{
    int64_t deadline = now_ms() + budget_ms;

    if (!s->pid) {
        return true;
    }
    for (;;) {
        pid_t r = waitpid(s->pid, &s->wstatus, WNOHANG);

        if (r == s->pid) {
            s->pid = 0;
            return true;
        }
        if (r < 0 && errno != EINTR) {
            s->pid = 0;
            s->wstatus = 0;
            return true;
        }
        if (!block_ms_budget || now_ms() >= deadline) {
            return false;
        }
        g_usleep(10 * 1000);
    }
}

bool qtest_probe_child(QTestState *s)
{
    return !reap(s, false, 0);
}

pid_t qtest_pid(QTestState *s)
{
    return s->pid;
}

void qtest_set_expected_status(QTestState *s, int status)
{
    s->expected_status = status;
}

static void check_status(QTestState *s)
{
    int st = s->wstatus;

    if (s->status_checked) {
        return;
    }
    s->status_checked = true;
    if (WIFEXITED(st) && WEXITSTATUS(st) == s->expected_status) {
        return;
    }
    if (WIFEXITED(st)) {
        qtest_fail("the emulator exited with status %d (expected %d)",
                   WEXITSTATUS(st), s->expected_status);
    }
    qtest_fail("the emulator was killed by signal %d%s", WTERMSIG(st),
               WCOREDUMP(st) ? " (core dumped)" : "");
}

static void terminate(QTestState *s)
{
    if (!s->pid) {
        return;
    }
    kill(s->pid, SIGTERM);
    if (!reap(s, true, timeout_ms())) {
        kill(s->pid, SIGKILL);
        reap(s, true, timeout_ms());
        s->status_checked = true;
        qtest_fail("the emulator did not exit on SIGTERM (killed)");
    }
}

void qtest_kill_qemu(QTestState *s)
{
    terminate(s);
    check_status(s);
}

int qtest_wait_status(QTestState *s)
{
    if (!reap(s, true, timeout_ms())) {
        return -1;
    }
    s->status_checked = true;
    return s->wstatus;
}

void qtest_wait_qemu(QTestState *s)
{
    if (!reap(s, true, timeout_ms())) {
        qtest_fail("the emulator did not exit in time");
    }
    check_status(s);
}

/* Stop listening (once connected, or on failure). */
static void stop_listening(QTestState *s)
{
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
        s->listen_fd = -1;
    }
    if (s->qmp_listen_fd >= 0) {
        close(s->qmp_listen_fd);
        s->qmp_listen_fd = -1;
    }
    if (s->sock_path) {
        unlink(s->sock_path);
        g_clear_pointer(&s->sock_path, g_free);
    }
    if (s->qmp_path) {
        unlink(s->qmp_path);
        g_clear_pointer(&s->qmp_path, g_free);
    }
}

static void state_free(QTestState *s)
{
    live_states = g_list_remove(live_states, s);
    stop_listening(s);
    if (s->fd >= 0) {
        close(s->fd);
    }
    if (s->qmp_fd >= 0) {
        close(s->qmp_fd);
    }
    g_list_free_full(s->pending_events, (GDestroyNotify)json_object_unref);
    g_string_free(s->rx, TRUE);
    g_string_free(s->qmp_rx, TRUE);
    g_free(s);
}

void qtest_quit(QTestState *s)
{
    QTestState st;

    terminate(s);
    st = (QTestState){.wstatus = s->wstatus,
                      .expected_status = s->expected_status,
                      .status_checked = s->status_checked};
    state_free(s);
    check_status(&st);
}

void qtest_cleanup_all(void)
{
    while (live_states) {
        QTestState *s = live_states->data;

        if (s->pid) {
            kill(s->pid, SIGKILL);
            reap(s, true, timeout_ms());
        }
        state_free(s);
    }
}

/* ---- Sockets
 * -------------------------------------------------------------------- */

int qtest_socket_server(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        qtest_fail("socket: %s", strerror(errno));
    }
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    unlink(path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(fd, 1) < 0) {
        qtest_fail("listening on %s: %s", path, strerror(errno));
    }
    return fd;
}

int qtest_socket_client(char *server_socket_path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int64_t deadline = now_ms() + timeout_ms();

    g_strlcpy(addr.sun_path, server_socket_path, sizeof(addr.sun_path));
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (fd < 0) {
            qtest_fail("socket: %s", strerror(errno));
        }
        if (!connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
            return fd;
        }
        close(fd);
        if (now_ms() >= deadline) {
            qtest_fail("connecting to %s: %s", server_socket_path,
                       strerror(errno));
        }
        g_usleep(20 * 1000);
    }
}

/* Accept the emulator's connection; fail early if it exits instead. */
static int socket_accept(QTestState *s, int lfd, const char *what)
{
    int64_t deadline = now_ms() + timeout_ms();

    for (;;) {
        struct pollfd pfd = {.fd = lfd, .events = POLLIN};
        int r = poll(&pfd, 1, 100);

        if (r > 0) {
            int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

            if (fd >= 0) {
                return fd;
            }
            if (errno != EINTR && errno != EAGAIN) {
                qtest_fail("accept (%s): %s", what, strerror(errno));
            }
        }
        if (!qtest_probe_child(s)) {
            if (WIFEXITED(s->wstatus)) {
                qtest_fail("the emulator exited with status %d before "
                           "connecting the %s socket%s",
                           WEXITSTATUS(s->wstatus), what,
                           WEXITSTATUS(s->wstatus) == 127
                               ? " (is QTEST_QEMU_BINARY right?)"
                               : "");
            }
            qtest_fail("the emulator died (signal %d) before connecting the "
                       "%s socket",
                       WTERMSIG(s->wstatus), what);
        }
        if (now_ms() >= deadline) {
            qtest_fail("timed out waiting for the emulator to connect the "
                       "%s socket",
                       what);
        }
    }
}

static void socket_send(QTestState *s, int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            qtest_fail("sending to the emulator: %s", strerror(errno));
        }
        buf += n;
        len -= n;
    }
}

/* Read more bytes from fd into buf; fails on timeout or EOF. */
static void socket_fill(QTestState *s, int fd, GString *buf, const char *what)
{
    char tmp[4096];
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    ssize_t n;
    int r;

    do {
        r = poll(&pfd, 1, timeout_ms());
    } while (r < 0 && errno == EINTR);
    if (r == 0) {
        qtest_fail("timed out waiting for the emulator's %s reply", what);
    }
    do {
        n = read(fd, tmp, sizeof(tmp));
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
        if (!reap(s, true, 2000)) {
            qtest_fail("the emulator closed its %s socket", what);
        }
        if (WIFEXITED(s->wstatus)) {
            qtest_fail("the emulator exited (status %d) while a %s reply "
                       "was awaited",
                       WEXITSTATUS(s->wstatus), what);
        }
        qtest_fail("the emulator died (signal %d) while a %s reply was "
                   "awaited",
                   WTERMSIG(s->wstatus), what);
    }
    g_string_append_len(buf, tmp, n);
}

/* One line (without the newline) from fd; g_free it. */
static char *socket_read_line(QTestState *s, int fd, GString *buf,
                              const char *what)
{
    for (;;) {
        char *nl = memchr(buf->str, '\n', buf->len);

        if (nl) {
            size_t len = nl - buf->str;
            char *line = g_strndup(buf->str, len);

            g_string_erase(buf, 0, len + 1);
            if (len && line[len - 1] == '\r') {
                line[len - 1] = '\0';
            }
            return line;
        }
        socket_fill(s, fd, buf, what);
    }
}

/* ---- The qtest protocol
 * ---------------------------------------------------------- */

static void G_GNUC_PRINTF(2, 3) qtest_sendf(QTestState *s, const char *fmt, ...)
{
    g_autofree char *str = NULL;
    va_list ap;

    va_start(ap, fmt);
    str = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    socket_send(s, s->fd, str, strlen(str));
}

/* The next reply line, after handling "IRQ raise/lower N" lines. */
static char *qtest_reply_line(QTestState *s)
{
    for (;;) {
        char *line = socket_read_line(s, s->fd, s->rx, "qtest");
        int n;

        if (!strncmp(line, "IRQ ", 4)) {
            bool raise = !strncmp(line + 4, "raise ", 6);
            bool lower = !strncmp(line + 4, "lower ", 6);

            if (!raise && !lower) {
                qtest_fail("bad IRQ line '%s'", line);
            }
            n = atoi(line + 10);
            if (n >= 0 && n < MAX_IRQ) {
                s->irq_level[n] = raise;
            }
            g_free(line);
            continue;
        }
        return line;
    }
}

/* The reply as words; asserts it starts with OK. */
static char **qtest_rsp(QTestState *s, const char *cmd)
{
    g_autofree char *line = qtest_reply_line(s);
    char **words = g_strsplit(line, " ", 0);

    if (!words[0] || strcmp(words[0], "OK")) {
        g_strfreev(words);
        qtest_fail("'%s' failed: %s", cmd, line);
    }
    return words;
}

static void qtest_cmd_ok(QTestState *s, const char *cmd)
{
    g_strfreev(qtest_rsp(s, cmd));
}

static uint64_t qtest_cmd_value(QTestState *s, const char *cmd)
{
    g_auto(GStrv) words = qtest_rsp(s, cmd);
    char *end;
    uint64_t v;

    if (!words[1]) {
        qtest_fail("'%s' returned no value", cmd);
    }
    errno = 0;
    v = g_ascii_strtoull(words[1], &end, 0);
    if (errno || *end) {
        qtest_fail("'%s' returned a bad value '%s'", cmd, words[1]);
    }
    return v;
}

char *qtest_raw_cmd(QTestState *s, const char *fmt, ...)
{
    g_autofree char *cmd = NULL;
    va_list ap;

    va_start(ap, fmt);
    cmd = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qtest_sendf(s, "%s\n", cmd);
    return qtest_reply_line(s);
}

static void out_cmd(QTestState *s, const char *cmd, uint16_t addr,
                    uint32_t value)
{
    qtest_sendf(s, "%s 0x%x 0x%x\n", cmd, addr, value);
    qtest_cmd_ok(s, cmd);
}

void qtest_outb(QTestState *s, uint16_t addr, uint8_t value)
{
    out_cmd(s, "outb", addr, value);
}

void qtest_outw(QTestState *s, uint16_t addr, uint16_t value)
{
    out_cmd(s, "outw", addr, value);
}

void qtest_outl(QTestState *s, uint16_t addr, uint32_t value)
{
    out_cmd(s, "outl", addr, value);
}

static uint32_t in_cmd(QTestState *s, const char *cmd, uint16_t addr)
{
    qtest_sendf(s, "%s 0x%x\n", cmd, addr);
    return qtest_cmd_value(s, cmd);
}

uint8_t qtest_inb(QTestState *s, uint16_t addr)
{
    return in_cmd(s, "inb", addr);
}

uint16_t qtest_inw(QTestState *s, uint16_t addr)
{
    return in_cmd(s, "inw", addr);
}

uint32_t qtest_inl(QTestState *s, uint16_t addr)
{
    return in_cmd(s, "inl", addr);
}

static void write_cmd(QTestState *s, const char *cmd, uint64_t addr,
                      uint64_t value)
{
    qtest_sendf(s, "%s 0x%" PRIx64 " 0x%" PRIx64 "\n", cmd, addr, value);
    qtest_cmd_ok(s, cmd);
}

void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value)
{
    write_cmd(s, "writeb", addr, value);
}

void qtest_writew(QTestState *s, uint64_t addr, uint16_t value)
{
    write_cmd(s, "writew", addr, value);
}

void qtest_writel(QTestState *s, uint64_t addr, uint32_t value)
{
    write_cmd(s, "writel", addr, value);
}

void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value)
{
    write_cmd(s, "writeq", addr, value);
}

static uint64_t read_cmd(QTestState *s, const char *cmd, uint64_t addr)
{
    qtest_sendf(s, "%s 0x%" PRIx64 "\n", cmd, addr);
    return qtest_cmd_value(s, cmd);
}

uint8_t qtest_readb(QTestState *s, uint64_t addr)
{
    return read_cmd(s, "readb", addr);
}

uint16_t qtest_readw(QTestState *s, uint64_t addr)
{
    return read_cmd(s, "readw", addr);
}

uint32_t qtest_readl(QTestState *s, uint64_t addr)
{
    return read_cmd(s, "readl", addr);
}

uint64_t qtest_readq(QTestState *s, uint64_t addr)
{
    return read_cmd(s, "readq", addr);
}

static int hex_nibble(char c)
{
    return g_ascii_xdigit_value(c);
}

void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    uint8_t *ptr = data;
    g_auto(GStrv) words = NULL;

    if (!size) {
        return;
    }
    qtest_sendf(s, "read 0x%" PRIx64 " 0x%zx\n", addr, size);
    words = qtest_rsp(s, "read");
    if (!words[1] || strncmp(words[1], "0x", 2) ||
        strlen(words[1]) != 2 + 2 * size) {
        qtest_fail("'read' returned bad data");
    }
    for (size_t i = 0; i < size; i++) {
        int hi = hex_nibble(words[1][2 + 2 * i]);
        int lo = hex_nibble(words[1][3 + 2 * i]);

        if (hi < 0 || lo < 0) {
            qtest_fail("'read' returned bad hex");
        }
        ptr[i] = hi << 4 | lo;
    }
}

void qtest_memwrite(QTestState *s, uint64_t addr, const void *data, size_t size)
{
    const uint8_t *ptr = data;
    g_autoptr(GString) hex = NULL;

    if (!size) {
        return;
    }
    hex = g_string_sized_new(size * 2 + 1);
    for (size_t i = 0; i < size; i++) {
        g_string_append_printf(hex, "%02x", ptr[i]);
    }
    qtest_sendf(s, "write 0x%" PRIx64 " 0x%zx 0x%s\n", addr, size, hex->str);
    qtest_cmd_ok(s, "write");
}

void qtest_bufread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    g_auto(GStrv) words = NULL;
    g_autofree guchar *bytes = NULL;
    gsize len = 0;

    if (!size) {
        return;
    }
    qtest_sendf(s, "b64read 0x%" PRIx64 " 0x%zx\n", addr, size);
    words = qtest_rsp(s, "b64read");
    if (!words[1]) {
        qtest_fail("'b64read' returned no data");
    }
    bytes = g_base64_decode(words[1], &len);
    if (len != size) {
        qtest_fail("'b64read' returned %zu bytes, not %zu", (size_t)len, size);
    }
    memcpy(data, bytes, size);
}

void qtest_bufwrite(QTestState *s, uint64_t addr, const void *data, size_t size)
{
    g_autofree char *b64 = NULL;

    if (!size) {
        return;
    }
    b64 = g_base64_encode(data, size);
    qtest_sendf(s, "b64write 0x%" PRIx64 " 0x%zx %s\n", addr, size, b64);
    qtest_cmd_ok(s, "b64write");
}

void qtest_memset(QTestState *s, uint64_t addr, uint8_t patt, size_t size)
{
    qtest_sendf(s, "memset 0x%" PRIx64 " 0x%zx 0x%02x\n", addr, size, patt);
    qtest_cmd_ok(s, "memset");
}

static int64_t clock_cmd(QTestState *s, const char *cmd)
{
    g_auto(GStrv) words = NULL;

    qtest_sendf(s, "%s\n", cmd);
    words = qtest_rsp(s, cmd);
    if (!words[1]) {
        qtest_fail("'%s' returned no time", cmd);
    }
    return g_ascii_strtoll(words[1], NULL, 0);
}

int64_t qtest_clock_step_next(QTestState *s)
{
    return clock_cmd(s, "clock_step");
}

int64_t qtest_clock_step(QTestState *s, int64_t step)
{
    g_autofree char *cmd = g_strdup_printf("clock_step %" PRIi64, step);

    return clock_cmd(s, cmd);
}

int64_t qtest_clock_set(QTestState *s, int64_t val)
{
    g_autofree char *cmd = g_strdup_printf("clock_set %" PRIi64, val);

    return clock_cmd(s, cmd);
}

void qtest_irq_intercept_in(QTestState *s, const char *string)
{
    qtest_sendf(s, "irq_intercept_in %s\n", string);
    qtest_cmd_ok(s, "irq_intercept_in");
}

void qtest_irq_intercept_out(QTestState *s, const char *string)
{
    qtest_sendf(s, "irq_intercept_out %s\n", string);
    qtest_cmd_ok(s, "irq_intercept_out");
}

void qtest_irq_intercept_out_named(QTestState *s, const char *qom_path,
                                   const char *name)
{
    qtest_sendf(s, "irq_intercept_out %s %s\n", qom_path, name);
    qtest_cmd_ok(s, "irq_intercept_out");
}

void qtest_set_irq_in(QTestState *s, const char *string, const char *name,
                      int irq, int level)
{
    qtest_sendf(s, "set_irq_in %s %s %d %d\n", string,
                name ? name : "unnamed-gpio-in", irq, level);
    qtest_cmd_ok(s, "set_irq_in");
}

bool qtest_get_irq(QTestState *s, int num)
{
    g_assert(num >= 0 && num < MAX_IRQ);
    /* A round trip, so that every IRQ message sent so far is seen. */
    qtest_inb(s, 0);
    return s->irq_level[num];
}

bool qtest_irq_wait(QTestState *s, int num, bool level, int64_t max_ns,
                    int64_t step_ns)
{
    int64_t waited = 0;

    for (;;) {
        if (qtest_get_irq(s, num) == level) {
            return true;
        }
        if (waited >= max_ns) {
            return false;
        }
        qtest_clock_step(s, step_ns);
        waited += step_ns;
    }
}

bool qtest_big_endian(QTestState *s)
{
    return s->big_endian;
}

void qtest_module_load(QTestState *s, const char *prefix, const char *libname)
{
    qtest_sendf(s, "module_load %s %s\n", prefix, libname);
    qtest_cmd_ok(s, "module_load");
}

static bool query_big_endian(QTestState *s)
{
    g_auto(GStrv) words = NULL;

    qtest_sendf(s, "endianness\n");
    words = qtest_rsp(s, "endianness");
    if (!words[1]) {
        qtest_fail("'endianness' returned nothing");
    }
    if (!strcmp(words[1], "big")) {
        return true;
    }
    if (!strcmp(words[1], "little")) {
        return false;
    }
    qtest_fail("'endianness' returned '%s'", words[1]);
}

/* ---- QMP: formatting
 * --------------------------------------------------------------- */

/* Append s to out as the inside of a JSON string. */
static void json_escape_into(GString *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (*p < 0x20) {
                g_string_append_printf(out, "\\u%04x", *p);
            } else {
                g_string_append_c(out, *p);
            }
        }
    }
}

/*
 * Expand one %-directive starting at *pp (just past the '%'), consuming
 * its argument; sets *is_str for %s.  Returns the text (g_free it).
 */
static char *format_directive(const char **pp, va_list *ap, bool *is_str)
{
    const char *p = *pp;
    GString *spec = g_string_new("%");
    int longs = 0;
    char *text;
    char conv;

    *is_str = false;
    while (*p && strchr("-+ #0", *p)) {
        g_string_append_c(spec, *p++);
    }
    while (g_ascii_isdigit(*p) || *p == '.') {
        g_string_append_c(spec, *p++);
    }
    if (!strncmp(p, "I64", 3)) {
        longs = 2;
        p += 3;
    } else if (*p == 'z' || *p == 'j' || *p == 't') {
        longs = 2; /* all 64-bit on the hosts kemu supports */
        p++;
    } else {
        while (*p == 'l' || *p == 'h') {
            longs += *p == 'l';
            p++;
        }
    }
    conv = *p++;
    if (longs) {
        g_string_append(spec, longs == 1 ? "l" : "ll");
    }
    g_string_append_c(spec, conv);

    switch (conv) {
    case 'd':
    case 'i':
        text = longs == 2   ? g_strdup_printf(spec->str, va_arg(*ap, long long))
               : longs == 1 ? g_strdup_printf(spec->str, va_arg(*ap, long))
                            : g_strdup_printf(spec->str, va_arg(*ap, int));
        break;
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        text = longs == 2
                   ? g_strdup_printf(spec->str, va_arg(*ap, unsigned long long))
               : longs == 1
                   ? g_strdup_printf(spec->str, va_arg(*ap, unsigned long))
                   : g_strdup_printf(spec->str, va_arg(*ap, unsigned int));
        break;
    case 'f':
    case 'g':
    case 'e':
    case 'F':
    case 'G':
    case 'E':
        text = g_strdup_printf(spec->str, va_arg(*ap, double));
        break;
    case 'c':
        text = g_strdup_printf(spec->str, va_arg(*ap, int));
        break;
    case 's': {
        const char *str = va_arg(*ap, const char *);

        if (!str) {
            g_string_free(spec, TRUE);
            qtest_fail("QMP format: NULL for %%s");
        }
        text = g_strdup_printf(spec->str, str);
        *is_str = true;
        break;
    }
    default:
        g_string_free(spec, TRUE);
        qtest_fail("QMP format: unsupported directive '%%%c'", conv);
    }
    g_string_free(spec, TRUE);
    *pp = p;
    return text;
}

/*
 * QEMU's JSON dialect to plain JSON: single-quoted strings become
 * double-quoted ones and %-directives are expanded (see libqtest.h).
 */
static char *qmp_vformat(const char *fmt, va_list ap)
{
    GString *out = g_string_new(NULL);
    char quote = 0;
    va_list aq;

    va_copy(aq, ap);
    for (const char *p = fmt; *p;) {
        char c = *p;

        if (c == '%' && p[1] == '%') {
            g_string_append_c(out, '%');
            p += 2;
            continue;
        }
        if (c == '%') {
            bool is_str;
            const char *q = p + 1;
            g_autofree char *text = format_directive(&q, &aq, &is_str);

            p = q;
            if (quote) {
                json_escape_into(out, text);
            } else if (is_str) {
                g_string_append_c(out, '"');
                json_escape_into(out, text);
                g_string_append_c(out, '"');
            } else {
                g_string_append(out, text);
            }
            continue;
        }
        if (!quote) {
            if (c == '\'' || c == '"') {
                quote = c;
                g_string_append_c(out, '"');
            } else {
                g_string_append_c(out, c);
            }
            p++;
            continue;
        }
        if (c == '\\' && p[1]) {
            if (p[1] == '\'') {
                g_string_append_c(out, '\'');
            } else {
                g_string_append_c(out, '\\');
                g_string_append_c(out, p[1]);
            }
            p += 2;
            continue;
        }
        if (c == quote) {
            quote = 0;
            g_string_append_c(out, '"');
        } else if (c == '"') {
            g_string_append(out, "\\\"");
        } else {
            g_string_append_c(out, c);
        }
        p++;
    }
    va_end(aq);
    return g_string_free(out, FALSE);
}

/* ---- QMP: messages
 * ----------------------------------------------------------------- */

static JsonObject *parse_object(const char *text)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) err = NULL;
    JsonNode *root;

    if (!json_parser_load_from_data(parser, text, -1, &err)) {
        qtest_fail("QMP: bad JSON from the emulator (%s): %s", err->message,
                   text);
    }
    root = json_parser_get_root(parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        qtest_fail("QMP: a message that is not an object: %s", text);
    }
    return json_object_ref(json_node_get_object(root));
}

JsonObject *qtest_qmp_receive_dict(QTestState *s)
{
    for (;;) {
        g_autofree char *line =
            socket_read_line(s, s->qmp_fd, s->qmp_rx, "QMP");

        if (line[strspn(line, " \t\r")]) {
            return parse_object(line);
        }
    }
}

static bool is_event(JsonObject *msg)
{
    return json_object_has_member(msg, "event");
}

JsonObject *qtest_qmp_receive(QTestState *s)
{
    for (;;) {
        JsonObject *msg = qtest_qmp_receive_dict(s);

        if (!is_event(msg)) {
            return msg;
        }
        s->pending_events = g_list_append(s->pending_events, msg);
    }
}

void qtest_qmp_vsend(QTestState *s, const char *fmt, va_list ap)
{
    g_autofree char *text = qmp_vformat(fmt, ap);
    g_autofree char *line = g_strconcat(text, "\n", NULL);

    /*
     * One send: the emulator acts on a command as soon as its JSON is
     * complete, so after "quit" a separate newline could meet a closed
     * socket (EPIPE).
     */
    socket_send(s, s->qmp_fd, line, strlen(line));
}

void qtest_qmp_send(QTestState *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qtest_qmp_vsend(s, fmt, ap);
    va_end(ap);
}

void qtest_qmp_send_raw(QTestState *s, const char *fmt, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    socket_send(s, s->qmp_fd, text, strlen(text));
}

JsonObject *qtest_vqmp(QTestState *s, const char *fmt, va_list ap)
{
    qtest_qmp_vsend(s, fmt, ap);
    return qtest_qmp_receive(s);
}

JsonObject *qtest_qmp(QTestState *s, const char *fmt, ...)
{
    JsonObject *rsp;
    va_list ap;

    va_start(ap, fmt);
    rsp = qtest_vqmp(s, fmt, ap);
    va_end(ap);
    return rsp;
}

JsonObject *qtest_qmp_event_ref(QTestState *s, const char *event)
{
    for (GList *l = s->pending_events; l; l = l->next) {
        JsonObject *msg = l->data;

        if (!g_strcmp0(json_object_get_string_member(msg, "event"), event)) {
            s->pending_events = g_list_delete_link(s->pending_events, l);
            return msg;
        }
    }
    return NULL;
}

JsonObject *qtest_qmp_eventwait_ref(QTestState *s, const char *event)
{
    JsonObject *msg = qtest_qmp_event_ref(s, event);

    while (!msg) {
        msg = qtest_qmp_receive_dict(s);
        if (!is_event(msg) ||
            g_strcmp0(json_object_get_string_member(msg, "event"), event)) {
            json_object_unref(msg);
            msg = NULL;
        }
    }
    return msg;
}

void qtest_qmp_eventwait(QTestState *s, const char *event)
{
    json_object_unref(qtest_qmp_eventwait_ref(s, event));
}

static JsonObject *assert_success(JsonObject *rsp, const char *what)
{
    if (!json_object_has_member(rsp, "return")) {
        g_autofree char *text = qjson_to_string(rsp);

        json_object_unref(rsp);
        qtest_fail("QMP %s failed: %s", what, text);
    }
    return rsp;
}

JsonObject *qtest_qmp_assert_success_ref(QTestState *s, const char *fmt, ...)
{
    JsonObject *rsp;
    va_list ap;

    va_start(ap, fmt);
    rsp = qtest_vqmp(s, fmt, ap);
    va_end(ap);
    return assert_success(rsp, fmt);
}

void qtest_qmp_assert_success(QTestState *s, const char *fmt, ...)
{
    JsonObject *rsp;
    va_list ap;

    va_start(ap, fmt);
    rsp = qtest_vqmp(s, fmt, ap);
    va_end(ap);
    json_object_unref(assert_success(rsp, fmt));
}

char *qtest_hmp(QTestState *s, const char *fmt, ...)
{
    g_autofree char *cmd = NULL;
    g_autoptr(JsonObject) rsp = NULL;
    const char *out;
    va_list ap;

    va_start(ap, fmt);
    cmd = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    rsp = qtest_qmp(s,
                    "{'execute': 'human-monitor-command',"
                    " 'arguments': {'command-line': %s}}",
                    cmd);
    out = qdict_get_path_str(rsp, "return");
    if (!out) {
        g_autofree char *text = qjson_to_string(rsp);

        qtest_fail("human-monitor-command '%s' failed: %s", cmd, text);
    }
    return g_strdup(out);
}

void qtest_qmp_device_add(QTestState *s, const char *driver, const char *id,
                          const char *fmt, ...)
{
    g_autofree char *extra = NULL;
    g_autoptr(JsonObject) args = NULL;
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *args_text = NULL;
    va_list ap;

    va_start(ap, fmt);
    extra = qmp_vformat(fmt && *fmt ? fmt : "{}", ap);
    va_end(ap);
    args = parse_object(extra);
    json_object_set_string_member(args, "driver", driver);
    json_object_set_string_member(args, "id", id);
    args_text = qjson_to_string(args);
    qtest_qmp_send_raw(s, "{\"execute\": \"device_add\", \"arguments\": %s}\n",
                       args_text);
    json_object_unref(assert_success(qtest_qmp_receive(s), "device_add"));
}

void qtest_qmp_device_del_send(QTestState *s, const char *id)
{
    qtest_qmp_assert_success(s,
                             "{'execute': 'device_del',"
                             " 'arguments': {'id': %s}}",
                             id);
}

void qtest_qmp_device_del(QTestState *s, const char *id)
{
    qtest_qmp_device_del_send(s, id);
    for (;;) {
        g_autoptr(JsonObject) ev = qtest_qmp_eventwait_ref(s, "DEVICE_DELETED");

        if (!g_strcmp0(qdict_get_path_str(ev, "data.device"), id)) {
            return;
        }
    }
}

bool qmp_rsp_is_err(JsonObject *rsp)
{
    return json_object_has_member(rsp, "error");
}

void qmp_expect_error_and_unref(JsonObject *rsp, const char *class)
{
    const char *got = qdict_get_path_str(rsp, "error.class");
    const char *desc = qdict_get_path_str(rsp, "error.desc");

    if (g_strcmp0(got, class) || !desc) {
        g_autofree char *text = qjson_to_string(rsp);

        json_object_unref(rsp);
        qtest_fail("expected a QMP error of class %s, got %s", class, text);
    }
    json_object_unref(rsp);
}

/* ---- JSON helpers
 * ----------------------------------------------------------------- */

JsonNode *qdict_get_path(JsonObject *obj, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, ".", 0);
    JsonNode *node = NULL;

    for (int i = 0; parts[i]; i++) {
        if (i == 0) {
            node = json_object_get_member(obj, parts[i]);
        } else if (JSON_NODE_HOLDS_OBJECT(node)) {
            node = json_object_get_member(json_node_get_object(node), parts[i]);
        } else if (JSON_NODE_HOLDS_ARRAY(node)) {
            JsonArray *arr = json_node_get_array(node);
            char *end;
            guint64 idx = g_ascii_strtoull(parts[i], &end, 10);

            if (*end || idx >= json_array_get_length(arr)) {
                return NULL;
            }
            node = json_array_get_element(arr, idx);
        } else {
            return NULL;
        }
        if (!node) {
            return NULL;
        }
    }
    return node;
}

const char *qdict_get_path_str(JsonObject *obj, const char *path)
{
    JsonNode *node = qdict_get_path(obj, path);

    if (!node || !JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != G_TYPE_STRING) {
        return NULL;
    }
    return json_node_get_string(node);
}

int64_t qdict_get_path_int(JsonObject *obj, const char *path)
{
    JsonNode *node = qdict_get_path(obj, path);

    if (!node || !JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != G_TYPE_INT64) {
        g_autofree char *text = qjson_to_string(obj);

        qtest_fail("no integer at '%s' in %s", path, text);
    }
    return json_node_get_int(node);
}

bool qdict_get_path_bool(JsonObject *obj, const char *path)
{
    JsonNode *node = qdict_get_path(obj, path);

    if (!node || !JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != G_TYPE_BOOLEAN) {
        g_autofree char *text = qjson_to_string(obj);

        qtest_fail("no boolean at '%s' in %s", path, text);
    }
    return json_node_get_boolean(node);
}

JsonObject *qdict_get_path_object(JsonObject *obj, const char *path)
{
    JsonNode *node = qdict_get_path(obj, path);

    return node && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node)
                                                : NULL;
}

JsonArray *qdict_get_path_array(JsonObject *obj, const char *path)
{
    JsonNode *node = qdict_get_path(obj, path);

    return node && JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node)
                                               : NULL;
}

char *qjson_to_string(JsonObject *obj)
{
    g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);

    json_node_set_object(node, obj);
    return json_to_string(node, FALSE);
}

/* ---- Starting
 * ------------------------------------------------------------------------ */

static QTestState *qtest_spawn(const char *extra_args)
{
    QTestState *s = g_new0(QTestState, 1);
    g_autofree char *cmd = NULL;

    s->fd = s->qmp_fd = -1;
    s->listen_fd = s->qmp_listen_fd = -1;
    s->rx = g_string_new(NULL);
    s->qmp_rx = g_string_new(NULL);
    /* Tracked from here on, so a failure below cleans up. */
    live_states = g_list_prepend(live_states, s);
    s->sock_path =
        g_strdup_printf("%s/qtest-%d.sock", g_get_tmp_dir(), getpid());
    s->qmp_path = g_strdup_printf("%s/qtest-%d.qmp", g_get_tmp_dir(), getpid());
    s->listen_fd = qtest_socket_server(s->sock_path);
    s->qmp_listen_fd = qtest_socket_server(s->qmp_path);

    /* QEMU's libqtest start line; QEMU before 8.2 lacks -audio. */
    cmd = g_strdup_printf("exec %s -qtest unix:%s -qtest-log %s "
                          "-chardev socket,path=%s,id=char0 "
                          "-mon chardev=char0,mode=control "
                          "-display none %s%s -accel qtest",
                          qtest_qemu_binary(), s->sock_path,
                          getenv("QTEST_LOG") ? "/dev/fd/2" : "/dev/null",
                          s->qmp_path,
                          getenv("QTEST_NO_AUDIO") ? "" : "-audio none ",
                          extra_args ? extra_args : "");
    if (getenv("QTEST_LOG")) {
        fprintf(stderr, "libqtest: starting %s\n", cmd + 5);
    }
    fflush(stdout);
    fflush(stderr);
    s->pid = fork();
    if (s->pid < 0) {
        s->pid = 0;
        qtest_fail("fork: %s", strerror(errno));
    }
    if (s->pid == 0) {
        /* The emulator must not outlive a crashed or killed test. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        execlp("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }

    s->fd = socket_accept(s, s->listen_fd, "qtest");
    s->qmp_fd = socket_accept(s, s->qmp_listen_fd, "QMP");
    stop_listening(s);

    s->big_endian = query_big_endian(s);
    return s;
}

QTestState *qtest_init_without_qmp_handshake(const char *extra_args)
{
    return qtest_spawn(extra_args);
}

QTestState *qtest_init(const char *extra_args)
{
    QTestState *s = qtest_spawn(extra_args);
    g_autoptr(JsonObject) greeting = qtest_qmp_receive(s);

    if (!json_object_has_member(greeting, "QMP")) {
        g_autofree char *text = qjson_to_string(greeting);

        qtest_fail("no QMP greeting: %s", text);
    }
    qtest_qmp_assert_success(s, "{'execute': 'qmp_capabilities'}");
    return s;
}

QTestState *qtest_vinitf(const char *fmt, va_list ap)
{
    g_autofree char *args = g_strdup_vprintf(fmt, ap);

    return qtest_init(args);
}

QTestState *qtest_initf(const char *fmt, ...)
{
    QTestState *s;
    va_list ap;

    va_start(ap, fmt);
    s = qtest_vinitf(fmt, ap);
    va_end(ap);
    return s;
}
