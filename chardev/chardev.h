/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Character devices (chardevs): the host side of a byte stream that a
 * device (a UART) or a monitor (QMP, HMP, qtest) talks through.  Backends:
 * null, stdio, file, pipe, socket (unix/tcp, client or server) and mux (one
 * backend shared by several frontends, switched with Ctrl-A c).  Each
 * chardev is a QOM object at /chardevs/<id>.
 *
 * Contract between a backend and its frontend:
 * - A frontend embeds a CharBackend, binds it to a chardev with
 *   qemu_chr_fe_init() and installs handlers with
 *   qemu_chr_fe_set_handlers().  Only a mux takes more than one frontend.
 * - Input is pulled, never pushed: the backend polls its host fd only while
 *   the frontend's can_read() returns > 0, and hands read() at most that many
 *   bytes.  A frontend that frees room (a UART's guest read the RX FIFO)
 *   calls qemu_chr_fe_accept_input() so the backend looks again.
 * - Output never blocks the caller (a vCPU, the main loop): the fd
 *   backends (stdio, file, pipe, socket) write what the host fd takes now
 *   and queue the rest, up to CHR_OUT_LIMIT bytes, for the main loop to
 *   flush.  qemu_chr_fe_write_all() accepts every byte (queued); past the
 *   limit a socket's peer is disconnected (it is not reading) and the other
 *   backends drop output until the queue drains, each with one warning line.
 *   qemu_chr_fe_write() writes only what the host takes now, as in QEMU,
 *   and qemu_chr_fe_add_watch() says when to try again.  A disconnected
 *   socket drops output, as a cable would; a failing write (a full disk) is
 *   reported once and its output dropped.
 * - Events: CHR_EVENT_OPENED when the backend connects (a socket's peer
 *   arrives; the others are open from the start) and CHR_EVENT_CLOSED when it
 *   goes away.  A frontend that installs an event handler on an open backend
 *   gets CHR_EVENT_OPENED at once, so a QMP monitor greets every connection.
 * - Handlers run on the main thread, inside the main loop, which holds the
 *   machine lock while it dispatches (util/main-loop.h); writes come from
 *   any thread holding the machine lock.
 */
#ifndef KEMU_CHARDEV_CHARDEV_H
#define KEMU_CHARDEV_CHARDEV_H

#include "util/osdep.h"
#include "util/error.h"
#include "util/option.h"
#include "qom/object.h"

typedef struct MainLoop MainLoop;
typedef struct CharBackend CharBackend;

#define TYPE_CHARDEV        "chardev"
#define TYPE_CHARDEV_NULL   "chardev-null"
#define TYPE_CHARDEV_STDIO  "chardev-stdio"
#define TYPE_CHARDEV_FILE   "chardev-file"
#define TYPE_CHARDEV_PIPE   "chardev-pipe"
#define TYPE_CHARDEV_SOCKET "chardev-socket"
#define TYPE_CHARDEV_MUX    "chardev-mux"

/* Mux frontends a chardev can carry (serial, monitor, ...). */
#define MAX_MUX 4

/* Output an fd backend queues for a peer that is not reading (see above). */
#define CHR_OUT_LIMIT (1024 * 1024)
/* How long closing a chardev (at exit) waits for its queue to drain. */
#define CHR_OUT_DRAIN_MS 2000

typedef enum ChrEvent {
    CHR_EVENT_BREAK,   /* a serial break arrived (Ctrl-A b on a mux) */
    CHR_EVENT_OPENED,  /* the backend is connected */
    CHR_EVENT_MUX_IN,  /* this mux frontend got the focus */
    CHR_EVENT_MUX_OUT, /* this mux frontend lost the focus */
    CHR_EVENT_CLOSED,  /* the backend's connection went away */
} ChrEvent;

/* How many bytes the frontend takes now (0: none; the backend waits). */
typedef int IOCanReadHandler(void *opaque);
/* size bytes of input, size <= what can_read last returned. */
typedef void IOReadHandler(void *opaque, const uint8_t *buf, int size);
typedef void IOEventHandler(void *opaque, ChrEvent event);

OBJECT_DECLARE_TYPE(Chardev, ChardevClass, CHARDEV)

/*
 * The output side of an fd backend (qemu_chr_out_*): the host fd, how it is
 * written without blocking, and the bytes it has not taken yet.  Touched
 * with the machine lock held (writers) or by the main loop (the flush).
 */
typedef struct ChrOutput {
    int fd;            /* -1: nobody to write to; output is dropped */
    int mode;          /* ChrOutMode of fd */
    GByteArray *queue; /* bytes the fd has not taken, from head on */
    size_t head;
    GSource *watch;   /* flushes queue when fd is writable */
    GSource *closing; /* a deferred cc->disconnect */
    bool broken;      /* overflowed or failed, disconnect pending */
    bool dropping;    /* overflow reported; until the queue drains */
    bool failed;      /* write error reported; until a write succeeds */
} ChrOutput;

struct Chardev {
    Object parent_obj;
    char *label;           /* the id: /chardevs/<label> */
    GMainContext *context; /* where the backend's fds are watched (a ref) */
    CharBackend *be;       /* the frontend (a mux: the mux's own) or NULL */
    bool be_open;          /* connected: OPENED sent, CLOSED not since */
    bool wants_monitor;    /* "mon:" spec: main attaches an HMP monitor */
    ChrOutput out;         /* fd backends: see qemu_chr_out_set_fd() */
};

struct ChardevClass {
    ObjectClass parent_class;
    const char *backend; /* the -chardev BACKEND name; NULL: not listed */
    const char *help;    /* the options, for -chardev help */
    /*
     * Read the backend's options from opts into chr (each lookup marks the
     * key used; the caller then refuses leftovers).  Errors start with "ctx: "
     * (no prefix when ctx is NULL).
     */
    bool (*parse)(Chardev *chr, KemuOpts *opts, const char *ctx, Error **errp);
    /* Open the backend (files, sockets, the terminal). */
    bool (*open)(Chardev *chr, const char *ctx, Error **errp);
    /*
     * Take all of buf without blocking (write, queue or drop it); return
     * len, or -1 on error.  fd backends use qemu_chr_out_write().
     */
    int (*write)(Chardev *chr, const uint8_t *buf, int len);
    /*
     * Drop the peer (a socket's client).  Called from the main loop, never
     * from inside a write: output that overflows CHR_OUT_LIMIT or fails
     * schedules it.  NULL: output past the limit is dropped instead.
     */
    void (*disconnect)(Chardev *chr);
    /* The chardev whose fd carries this one's output (a mux: its backend). */
    Chardev *(*out_target)(Chardev *chr);
    /* Bind be to this chardev (a mux: one more frontend). */
    bool (*fe_attach)(Chardev *chr, CharBackend *be, bool monitor,
                      Error **errp);
    void (*fe_detach)(Chardev *chr, CharBackend *be);
};

/**
 * CharBackend - a frontend's end of a chardev, embedded in the device or
 * monitor state.  Fields are private: use the qemu_chr_fe_* functions.
 */
struct CharBackend {
    Chardev *chr;
    IOCanReadHandler *chr_can_read;
    IOReadHandler *chr_read;
    IOEventHandler *chr_event;
    void *opaque;
    int tag; /* index among a mux's frontends */
};

/* ---- Creation (main) ---------------------------------------------------- */

/**
 * qemu_chr_new_from_opts - create the chardev of `-chardev BACKEND,id=ID,...`
 * at /chardevs/ID under @root.  @opts were parsed with the implied key
 * "backend" (kemu_opts_parse(..., "backend", ...)); every option must be
 * known to the backend (common ones: id, mux=on|off).  With mux=on the
 * backend is created as ID-base and a mux named ID is put on top, so that
 * several frontends (serial, -mon) share it.  @loop watches its fds (NULL in
 * unit tests: the thread-default GMainContext).
 *
 * Errors are one line, e.g. "-chardev foo: unknown chardev backend 'foo'",
 * "-chardev socket: invalid parameter 'bogus'".  The caller handles
 * kemu_opts_has_help() first (qemu_chr_print_help()).
 *
 * Return: the new chardev (owned by the tree), or NULL with @errp set.
 */
Chardev *qemu_chr_new_from_opts(Object *root, MainLoop *loop, KemuOpts *opts,
                                Error **errp);

/**
 * qemu_chr_new - create a chardev from a legacy spec, as -serial, -qmp,
 * -qtest and -monitor take:
 *   stdio | null | file:PATH | pipe:PATH
 *   unix:PATH[,server=on|off][,wait=on|off]
 *   tcp:[HOST]:PORT[,server=on|off][,wait=on|off]
 *   mon:SPEC      SPEC behind a mux; qemu_chr_wants_monitor() is then true
 *                 and main attaches an HMP monitor (mon:stdio: Ctrl-C goes
 *                 to the guest, as in QEMU)
 *   chardev:ID    the existing chardev ID, not created again: callers must
 *                 name it by its label (chr->label), not by @id
 *   none          no chardev: returns NULL without an error
 * ("server" and "nowait" alone are accepted as QEMU's old spellings.)  The
 * chardev is /chardevs/@id.  Errors do not name the option: the caller
 * prepends it ("-serial foo: unknown chardev backend 'foo'").
 *
 * Return: the chardev, or NULL (with @errp set unless the spec was "none").
 */
Chardev *qemu_chr_new(Object *root, MainLoop *loop, const char *id,
                      const char *spec, Error **errp);

/* What the chardevs ask of the emulator: to quit (a mux's C-a x). */
typedef void ChrQuitHandler(void *opaque);

/**
 * qemu_chr_set_quit_handler - the chardevs under @root call @fn(@opaque)
 * when the user asks the emulator to quit (a mux's C-a x); NULL: nobody
 * to ask, C-a x only prints.  The machine sets one when it is created
 * (machine_create()) and clears it when it is destroyed: the chardev layer
 * knows no machine.  Creates /chardevs if it does not exist yet.
 */
void qemu_chr_set_quit_handler(Object *root, ChrQuitHandler *fn, void *opaque);

/** qemu_chr_find - the chardev /chardevs/@id under @root, or NULL. */
Chardev *qemu_chr_find(Object *root, const char *id);

/** qemu_chr_print_help - "-chardev help": the backends and their options. */
void qemu_chr_print_help(FILE *out);

/**
 * qemu_chr_wants_monitor - whether @chr came from a "mon:" spec and has no
 * monitor yet: main then creates an HMP monitor on it, which binds itself
 * with qemu_chr_mux_attach_monitor().
 */
bool qemu_chr_wants_monitor(Chardev *chr);

/** qemu_chr_is_mux - whether @chr is a mux (takes several frontends). */
bool qemu_chr_is_mux(Chardev *chr);

/**
 * qemu_chr_delete - unparent @chr from /chardevs; it is closed once the
 * last reference goes (its frontends' included).
 */
void qemu_chr_delete(Chardev *chr);

/* ---- Frontend (devices, monitors) --------------------------------------- */

/**
 * qemu_chr_fe_init - bind @be to @chr, which it keeps a reference on until
 * qemu_chr_fe_deinit().  A chardev other than a mux takes one frontend: a
 * second gets "chardev 'ID' is already in use".  On a mux the frontend
 * joins the ones switched with Ctrl-A c; the first frontend that is not a
 * monitor has the focus at start.
 */
bool qemu_chr_fe_init(CharBackend *be, Chardev *chr, Error **errp);

/**
 * qemu_chr_mux_attach_monitor - qemu_chr_fe_init() for a monitor: on a mux
 * it is the frontend that Ctrl-A c switches to, not focused at start while
 * another frontend (the serial port) exists.  On other chardevs it is
 * qemu_chr_fe_init().  Clears qemu_chr_wants_monitor().
 */
bool qemu_chr_mux_attach_monitor(CharBackend *be, Chardev *chr, Error **errp);

/**
 * qemu_chr_fe_deinit - unbind @be (handlers removed first); with @del also
 * delete the chardev (qemu_chr_delete()).  An unbound @be is fine.
 */
void qemu_chr_fe_deinit(CharBackend *be, bool del);

/**
 * qemu_chr_fe_set_handlers - install the frontend's handlers (any may be
 * NULL; all NULL stops input).  If the backend is open and @fd_event is set,
 * @fd_event(@opaque, CHR_EVENT_OPENED) is called before this returns.
 */
void qemu_chr_fe_set_handlers(CharBackend *be, IOCanReadHandler *fd_can_read,
                              IOReadHandler *fd_read, IOEventHandler *fd_event,
                              void *opaque);

/**
 * qemu_chr_fe_write_all - send @len bytes.  All are taken without
 * blocking: written, queued for the main loop, or (past CHR_OUT_LIMIT, to a
 * disconnected socket, after a host I/O error) dropped.
 *
 * Return: @len (also when dropped), 0 when @be is unbound (as QEMU), or -1
 * on an error of a backend that reports one.
 */
int qemu_chr_fe_write_all(CharBackend *be, const uint8_t *buf, int len);

/**
 * qemu_chr_fe_write - send what the host takes now, without queuing (QEMU's
 * non-blocking write).  A frontend with its own pacing (a UART keeping THR
 * busy) writes the rest later, from qemu_chr_fe_add_watch().
 *
 * Return: the bytes taken (1..@len; @len also when dropped), -1 with errno
 * EAGAIN when none could be, 0 when @be is unbound.
 */
int qemu_chr_fe_write(CharBackend *be, const uint8_t *buf, int len);

/* A qemu_chr_fe_add_watch() callback; the first argument is always NULL. */
typedef gboolean FEWatchFunc(void *do_not_use, GIOCondition cond, void *data);

/**
 * qemu_chr_fe_add_watch - call @func(NULL, G_IO_OUT, @opaque) from the main
 * loop once the backend can take output again (its queue is empty and its
 * fd is writable, or it drops output anyway).  @cond must include G_IO_OUT.
 * @func returns G_SOURCE_REMOVE to stop or G_SOURCE_CONTINUE to be called
 * again when the backend is writable next.
 *
 * Return: a source id (for qemu_chr_fe_remove_watch()), 0 when @be is
 * unbound.
 */
guint qemu_chr_fe_add_watch(CharBackend *be, GIOCondition cond,
                            FEWatchFunc *func, void *opaque);

/** qemu_chr_fe_remove_watch - remove a source from qemu_chr_fe_add_watch. */
void qemu_chr_fe_remove_watch(CharBackend *be, guint tag);

/**
 * qemu_chr_fe_accept_input - the frontend can read again (its can_read went
 * from 0 to > 0): make the backend poll its input.  Any thread.
 */
void qemu_chr_fe_accept_input(CharBackend *be);

/** qemu_chr_fe_get_driver - the chardev @be is bound to, or NULL. */
Chardev *qemu_chr_fe_get_driver(CharBackend *be);

/** qemu_chr_fe_backend_connected - whether @be is bound to a chardev. */
bool qemu_chr_fe_backend_connected(CharBackend *be);

/** qemu_chr_fe_backend_open - whether the bound backend is connected. */
bool qemu_chr_fe_backend_open(CharBackend *be);

/* ---- Backend implementation (chardev/char-*.c) -------------------------- */

/**
 * qemu_chr_be_can_write - how many bytes the frontend takes now (0 when
 * there is none or it has no can_read handler).
 */
int qemu_chr_be_can_write(Chardev *chr);

/** qemu_chr_be_write - hand @len bytes of input to the frontend. */
void qemu_chr_be_write(Chardev *chr, const uint8_t *buf, int len);

/**
 * qemu_chr_be_event - tell the frontend; OPENED and CLOSED also track
 * chr->be_open (a repeated one is not passed on).
 */
void qemu_chr_be_event(Chardev *chr, ChrEvent event);

/**
 * qemu_chr_write_all - write to @chr itself (a mux writes to its backend
 * so).  Return: @len, or -1 on error.
 */
int qemu_chr_write_all(Chardev *chr, const uint8_t *buf, int len);

/**
 * qemu_chr_init_common - set a new chardev's id and take a reference on the
 * context of @loop (the thread-default one when NULL), so a chardev never
 * needs the MainLoop again (it may be freed first at exit).
 */
void qemu_chr_init_common(Chardev *chr, MainLoop *loop, const char *id);

/** qemu_chr_context - the GMainContext the backend's sources attach to. */
GMainContext *qemu_chr_context(Chardev *chr);

/**
 * qemu_chr_fd_watch_add - a source on @chr's context that calls
 * @ready(@chr, revents) when @fd shows a condition @want(@chr) asks for.
 * @want is evaluated before every poll; while it is 0 the fd is not polled
 * at all (not even for a hang-up), so input waits while the frontend is
 * full and data before a hang-up is not lost.  @ready returns false to
 * remove the source.  Returns the source (g_source_destroy +
 * g_source_unref it).
 */
typedef GIOCondition ChrWantFn(Chardev *chr);
typedef gboolean ChrReadyFn(Chardev *chr, GIOCondition revents);
GSource *qemu_chr_fd_watch_add(Chardev *chr, int fd, ChrWantFn *want,
                               ChrReadyFn *ready);

/**
 * qemu_chr_out_set_fd - write @chr's output to @fd from now on (-1: to
 * nobody; output is dropped).  What was queued for the previous fd is
 * dropped.  @fd is written without blocking: a socket with MSG_DONTWAIT, an
 * O_NONBLOCK fd or a regular file as is, anything else (a FIFO or terminal
 * shared with other processes, e.g. stdout) only when poll() says it takes
 * PIPE_BUF bytes.  The caller keeps owning @fd.
 */
void qemu_chr_out_set_fd(Chardev *chr, int fd);

/**
 * qemu_chr_out_write - ChardevClass.write of an fd backend: write, queue up
 * to CHR_OUT_LIMIT, or drop (see the contract above).  Return: @len.
 */
int qemu_chr_out_write(Chardev *chr, const uint8_t *buf, int len);

/**
 * qemu_chr_out_write_now - what qemu_chr_fe_write() does: write what @chr's
 * fd takes now, queue nothing (a chardev without fd output takes it all
 * through ChardevClass.write).  Return: as qemu_chr_fe_write().
 */
int qemu_chr_out_write_now(Chardev *chr, const uint8_t *buf, int len);

/**
 * qemu_chr_out_close - the backend closes its fd: write what is still
 * queued, waiting at most CHR_OUT_DRAIN_MS for the reader (the guest's
 * last words before it powered off), then stop writing to it.
 */
void qemu_chr_out_close(Chardev *chr);

/**
 * qemu_chr_out_pending - bytes of output queued and not written yet.
 */
size_t qemu_chr_out_pending(Chardev *chr);

/**
 * qemu_chr_out_add_watch - qemu_chr_fe_add_watch() on @chr itself (for a
 * chardev without fd output: ready at once).  Return: the source id.
 */
guint qemu_chr_out_add_watch(Chardev *chr, FEWatchFunc *func, void *opaque);

/** qemu_chr_error - set an error "CTX: message" ("message" if ctx is NULL). */
void qemu_chr_error(Error **errp, const char *ctx, const char *fmt, ...)
    KEMU_PRINTF(3, 4);

/**
 * qemu_chr_opt_bool - option @key as on/off (QEMU's spellings), @defval
 * when absent; errors name ctx, the value and the key.
 */
bool qemu_chr_opt_bool(KemuOpts *opts, const char *key, bool defval, bool *out,
                       const char *ctx, Error **errp);

/**
 * qemu_chr_container - /chardevs under @root (where every chardev lives and
 * the quit handler is kept), created if it does not exist yet.
 */
Object *qemu_chr_container(Object *root);

/**
 * qemu_chr_request_quit - ask the emulator to quit through the handler set
 * for @chr's tree (qemu_chr_set_quit_handler()); nothing when none is set.
 */
void qemu_chr_request_quit(Chardev *chr);

/**
 * qemu_chr_mux_new - a mux (id @id) over @drv, which becomes its backend.
 * Used by mux=on and "mon:".
 */
Chardev *qemu_chr_mux_new(Object *root, MainLoop *loop, const char *id,
                          Chardev *drv, Error **errp);

#endif
