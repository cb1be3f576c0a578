/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fd chardev backends: stdio (the terminal in raw mode, restored on
 * every way out of the process), file (output to a host file) and pipe
 * (PATH.in/PATH.out FIFOs, or PATH read-write).  Input is read only while
 * the frontend has room; EOF stops reading.
 */
#include "util/osdep.h"
#include "chardev/chardev.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <termios.h>

#define FD_CHR_READ_LEN 4096

#define TYPE_CHARDEV_FD "chardev-fd"
OBJECT_DECLARE_SIMPLE_TYPE(FdChardev, CHARDEV_FD)

struct FdChardev {
    Chardev parent_obj;
    char *path;        /* file, pipe */
    bool append;       /* file */
    bool allow_signal; /* stdio: Ctrl-C and friends raise signals */
    int fd_in;         /* -1: no input */
    int fd_out;
    bool own_fds; /* close them at finalize (not stdio's 0 and 1) */
    bool stdio;
    GSource *watch;
};

/*
 * The terminal's saved mode.  The one piece of process-wide state here: a
 * fatal signal's handler has to reach it, and there is only one terminal
 * (so only one stdio chardev at a time).
 */
static struct {
    bool in_use;                 /* a stdio chardev exists */
    volatile sig_atomic_t saved; /* tio holds the mode to restore */
    bool hooks_installed;
    struct termios tio;
} stdio_term;

/* ---- Input -------------------------------------------------------------- */

static GIOCondition fd_chr_want(Chardev *chr)
{
    return qemu_chr_be_can_write(chr) > 0 ? G_IO_IN : 0;
}

static gboolean fd_chr_ready(Chardev *chr, GIOCondition revents)
{
    FdChardev *s = CHARDEV_FD(chr);
    uint8_t buf[FD_CHR_READ_LEN];
    int room = qemu_chr_be_can_write(chr);
    ssize_t n;

    if (room <= 0) {
        if (!(revents & (G_IO_HUP | G_IO_ERR))) {
            return G_SOURCE_CONTINUE;
        }
        room = 0;
    }
    n = read(s->fd_in, buf, MIN(room, (int)sizeof(buf)));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return G_SOURCE_CONTINUE;
    }
    if (n <= 0 && (room > 0 || (revents & (G_IO_HUP | G_IO_ERR)))) {
        /* EOF or a dead fd: no more input from here. */
        g_source_unref(s->watch);
        s->watch = NULL;
        return G_SOURCE_REMOVE;
    }
    qemu_chr_be_write(chr, buf, n);
    return G_SOURCE_CONTINUE;
}

/*
 * Start watching fd_in (if any) and writing fd_out (never blocking: see
 * qemu_chr_out_set_fd()); the backend is open from now on.
 */
static void fd_chr_start(FdChardev *s)
{
    if (s->fd_in >= 0) {
        s->watch = qemu_chr_fd_watch_add(CHARDEV(s), s->fd_in, fd_chr_want,
                                         fd_chr_ready);
    }
    qemu_chr_out_set_fd(CHARDEV(s), s->fd_out);
    CHARDEV(s)->be_open = true;
}

/*
 * fds of our own that may block (a FIFO, a terminal) are switched to
 * O_NONBLOCK: the open file description is ours alone, unlike stdio's.
 */
static void fd_chr_set_nonblock(int fd)
{
    struct stat st;
    int flags = fcntl(fd, F_GETFL);

    if (fd >= 0 && flags >= 0 && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }
}

static void fd_chr_instance_init(Object *obj)
{
    FdChardev *s = CHARDEV_FD(obj);

    s->fd_in = -1;
    s->fd_out = -1;
}

static void fd_chr_finalize(Object *obj)
{
    FdChardev *s = CHARDEV_FD(obj);

    if (s->watch) {
        g_source_destroy(s->watch);
        g_source_unref(s->watch);
    }
    qemu_chr_out_close(CHARDEV(obj));
    if (s->own_fds) {
        if (s->fd_in >= 0 && s->fd_in != s->fd_out) {
            close(s->fd_in);
        }
        if (s->fd_out >= 0) {
            close(s->fd_out);
        }
    }
    g_free(s->path);
}

static bool fd_chr_parse_path(Chardev *chr, KemuOpts *opts, const char *ctx,
                              Error **errp)
{
    FdChardev *s = CHARDEV_FD(chr);
    const char *path = kemu_opts_get(opts, "path");

    if (!path || !*path) {
        qemu_chr_error(errp, ctx, "parameter 'path' is missing");
        return false;
    }
    s->path = g_strdup(path);
    return true;
}

/* ---- stdio -------------------------------------------------------------- */

static void stdio_term_restore(void)
{
    if (stdio_term.saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &stdio_term.tio);
    }
}

/* A fatal or terminating signal: put the terminal back, then die of it. */
static void stdio_term_signal(int sig)
{
    stdio_term_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void stdio_term_install_hooks(void)
{
    /* Faults and abort(): always (the default action would skip atexit). */
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
    /* Terminating signals: only where nobody else handles them already. */
    static const int term[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};
    struct sigaction sa = {.sa_handler = stdio_term_signal};

    if (stdio_term.hooks_installed) {
        return;
    }
    stdio_term.hooks_installed = true;
    atexit(stdio_term_restore);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    for (size_t i = 0; i < ARRAY_SIZE(fatal); i++) {
        sigaction(fatal[i], &sa, NULL);
    }
    for (size_t i = 0; i < ARRAY_SIZE(term); i++) {
        struct sigaction old;

        if (sigaction(term[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
            !(old.sa_flags & SA_SIGINFO)) {
            sigaction(term[i], &sa, NULL);
        }
    }
}

/* Raw mode as QEMU sets it: no echo, no line editing, output processing. */
static void stdio_term_set_raw(bool allow_signal)
{
    struct termios tio;

    if (tcgetattr(STDIN_FILENO, &tio) < 0) {
        return;
    }
    if (!stdio_term.saved) {
        stdio_term.tio = tio;
        stdio_term.saved = 1;
    }
    stdio_term_install_hooks();
    tio.c_iflag &=
        ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    tio.c_oflag |= OPOST;
    tio.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!allow_signal) {
        tio.c_lflag &= ~ISIG;
    }
    tio.c_cflag &= ~(CSIZE | PARENB);
    tio.c_cflag |= CS8;
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    tcsetattr(STDIN_FILENO, TCSANOW, &tio);
}

static bool stdio_chr_parse(Chardev *chr, KemuOpts *opts, const char *ctx,
                            Error **errp)
{
    return qemu_chr_opt_bool(opts, "signal", true,
                             &CHARDEV_FD(chr)->allow_signal, ctx, errp);
}

static bool stdio_chr_open(Chardev *chr, const char *ctx, Error **errp)
{
    FdChardev *s = CHARDEV_FD(chr);

    if (stdio_term.in_use) {
        qemu_chr_error(errp, ctx,
                       "stdio is already used by another chardev "
                       "(share it with mux=on or mon:stdio)");
        return false;
    }
    stdio_term.in_use = true;
    s->stdio = true;
    s->fd_in = STDIN_FILENO;
    s->fd_out = STDOUT_FILENO;
    if (isatty(STDIN_FILENO)) {
        stdio_term_set_raw(s->allow_signal);
    }
    fd_chr_start(s);
    return true;
}

static void stdio_chr_finalize(Object *obj)
{
    if (CHARDEV_FD(obj)->stdio) {
        stdio_term_restore();
        stdio_term.saved = 0;
        stdio_term.in_use = false;
    }
}

/* ---- file --------------------------------------------------------------- */

static bool file_chr_parse(Chardev *chr, KemuOpts *opts, const char *ctx,
                           Error **errp)
{
    return fd_chr_parse_path(chr, opts, ctx, errp) &&
           qemu_chr_opt_bool(opts, "append", false, &CHARDEV_FD(chr)->append,
                             ctx, errp);
}

static bool file_chr_open(Chardev *chr, const char *ctx, Error **errp)
{
    FdChardev *s = CHARDEV_FD(chr);
    int flags =
        O_WRONLY | O_CREAT | O_CLOEXEC | (s->append ? O_APPEND : O_TRUNC);

    s->fd_out = open(s->path, flags, 0666);
    if (s->fd_out < 0) {
        qemu_chr_error(errp, ctx, "could not open '%s': %s", s->path,
                       g_strerror(errno));
        return false;
    }
    s->own_fds = true;
    fd_chr_set_nonblock(s->fd_out);
    fd_chr_start(s);
    return true;
}

/* ---- pipe --------------------------------------------------------------- */

static bool pipe_chr_open(Chardev *chr, const char *ctx, Error **errp)
{
    FdChardev *s = CHARDEV_FD(chr);
    g_autofree char *in = g_strdup_printf("%s.in", s->path);
    g_autofree char *out = g_strdup_printf("%s.out", s->path);

    s->own_fds = true;
    s->fd_in = open(in, O_RDWR | O_CLOEXEC);
    s->fd_out = open(out, O_RDWR | O_CLOEXEC);
    if (s->fd_in < 0 || s->fd_out < 0) {
        if (s->fd_in >= 0) {
            close(s->fd_in);
        }
        if (s->fd_out >= 0) {
            close(s->fd_out);
        }
        s->fd_in = s->fd_out = open(s->path, O_RDWR | O_CLOEXEC);
        if (s->fd_in < 0) {
            qemu_chr_error(errp, ctx,
                           "could not open '%s' (nor %s and %s): "
                           "%s",
                           s->path, in, out, g_strerror(errno));
            return false;
        }
    }
    fd_chr_set_nonblock(s->fd_in);
    fd_chr_set_nonblock(s->fd_out);
    fd_chr_start(s);
    return true;
}

/* ---- Types -------------------------------------------------------------- */

static void fd_chr_class_init(ObjectClass *oc, void *data)
{
    CHARDEV_CLASS(oc)->write = qemu_chr_out_write;
}

static void stdio_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend = "stdio";
    cc->help = "the terminal [,signal=on|off]";
    cc->parse = stdio_chr_parse;
    cc->open = stdio_chr_open;
}

static void file_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend = "file";
    cc->help = "output to a file: path=PATH[,append=on|off]";
    cc->parse = file_chr_parse;
    cc->open = file_chr_open;
}

static void pipe_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend = "pipe";
    cc->help = "FIFOs path=PATH: PATH.in and PATH.out, or PATH";
    cc->parse = fd_chr_parse_path;
    cc->open = pipe_chr_open;
}

static const TypeInfo fd_chr_types[] = {
    {
        .name = TYPE_CHARDEV_FD,
        .parent = TYPE_CHARDEV,
        .instance_size = sizeof(FdChardev),
        .instance_init = fd_chr_instance_init,
        .instance_finalize = fd_chr_finalize,
        .class_init = fd_chr_class_init,
        .abstract = true,
    },
    {
        .name = TYPE_CHARDEV_STDIO,
        .parent = TYPE_CHARDEV_FD,
        .instance_finalize = stdio_chr_finalize,
        .class_init = stdio_chr_class_init,
    },
    {
        .name = TYPE_CHARDEV_FILE,
        .parent = TYPE_CHARDEV_FD,
        .class_init = file_chr_class_init,
    },
    {
        .name = TYPE_CHARDEV_PIPE,
        .parent = TYPE_CHARDEV_FD,
        .class_init = pipe_chr_class_init,
    },
};

DEFINE_TYPES(fd_chr_types)
