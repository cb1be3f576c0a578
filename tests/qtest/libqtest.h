/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqtest: drive a kemu (or QEMU) process running with -accel qtest.  The
 * names and semantics follow QEMU's tests/qtest/libqtest.h, so tests read
 * the same; QMP messages are json-glib JsonObjects instead of QDicts.
 *
 * qtest_init() listens on two unix sockets, starts $QTEST_QEMU_BINARY
 * (default build/kemu-system-x86_64) with exactly QEMU's libqtest command
 * line, accepts the emulator's connections (qtest and QMP), reads the QMP
 * greeting and negotiates capabilities.  Every blocking read has a timeout
 * (QTEST_TIMEOUT seconds, default 60): a hung emulator fails the test, it
 * never hangs it.  A protocol failure (a FAIL reply where OK is expected,
 * the emulator gone) prints what happened and aborts the test program.
 */
#ifndef KEMU_TESTS_LIBQTEST_H
#define KEMU_TESTS_LIBQTEST_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <glib.h>
#include <json-glib/json-glib.h>

typedef struct QTestState QTestState;

/* ---- Starting and stopping ---------------------------------------------- */

/**
 * qtest_init - start the emulator with @extra_args appended to the standard
 * command line (before the final "-accel qtest"), connect, and negotiate
 * QMP capabilities.
 */
QTestState *qtest_init(const char *extra_args);

/** qtest_initf - qtest_init() with printf-style arguments. */
QTestState *qtest_initf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
QTestState *qtest_vinitf(const char *fmt, va_list ap) G_GNUC_PRINTF(1, 0);

/**
 * qtest_init_without_qmp_handshake - like qtest_init(), but the QMP greeting
 * is left unread and capabilities are not negotiated (QMP protocol tests).
 */
QTestState *qtest_init_without_qmp_handshake(const char *extra_args);

/**
 * qtest_quit - end the emulator (SIGTERM unless it already exited), check
 * its exit status against the expected one (0 unless
 * qtest_set_expected_status() said otherwise), and free @s.
 */
void qtest_quit(QTestState *s);

/** qtest_kill_qemu - SIGTERM the emulator and reap it (status checked). */
void qtest_kill_qemu(QTestState *s);

/**
 * qtest_wait_qemu - wait for the emulator to exit by itself (within the
 * timeout) and check its exit status like qtest_quit().
 */
void qtest_wait_qemu(QTestState *s);

/** qtest_set_expected_status - the exit status qtest_quit() expects. */
void qtest_set_expected_status(QTestState *s, int status);

/**
 * qtest_probe_child - whether the emulator is still running (reaps it and
 * records its status if not).
 */
bool qtest_probe_child(QTestState *s);

/** qtest_pid - the emulator's process id. */
pid_t qtest_pid(QTestState *s);

/**
 * qtest_wait_status - kemu extension: wait (within the timeout) for the
 * emulator to exit by itself and return its waitpid() status, which
 * qtest_quit() will then not check.  Returns -1 on timeout.
 */
int qtest_wait_status(QTestState *s);

/**
 * qtest_socket_server - a unix socket listening at @socket_path (an old
 * file there is removed); fails the test on error.
 */
int qtest_socket_server(const char *socket_path);

/**
 * qtest_socket_client - connect to the unix socket at @server_socket_path,
 * retrying until it exists (within the timeout); fails the test on error.
 */
int qtest_socket_client(char *server_socket_path);

/** qtest_get_arch - the target of $QTEST_QEMU_BINARY ("x86_64"). */
const char *qtest_get_arch(void);

/** qtest_qemu_binary - the emulator libqtest starts. */
const char *qtest_qemu_binary(void);

/**
 * qtest_cleanup_all - kemu extension: end every emulator this program
 * started and did not quit yet (the test runner calls it after each test,
 * so a failed test leaves nothing behind).
 */
void qtest_cleanup_all(void);

/* ---- The qtest protocol ---------------------------------------------------
 */

void qtest_outb(QTestState *s, uint16_t addr, uint8_t value);
void qtest_outw(QTestState *s, uint16_t addr, uint16_t value);
void qtest_outl(QTestState *s, uint16_t addr, uint32_t value);
uint8_t qtest_inb(QTestState *s, uint16_t addr);
uint16_t qtest_inw(QTestState *s, uint16_t addr);
uint32_t qtest_inl(QTestState *s, uint16_t addr);

void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value);
void qtest_writew(QTestState *s, uint64_t addr, uint16_t value);
void qtest_writel(QTestState *s, uint64_t addr, uint32_t value);
void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value);
uint8_t qtest_readb(QTestState *s, uint64_t addr);
uint16_t qtest_readw(QTestState *s, uint64_t addr);
uint32_t qtest_readl(QTestState *s, uint64_t addr);
uint64_t qtest_readq(QTestState *s, uint64_t addr);

/** qtest_memread - read @size bytes of guest memory ("read", hex). */
void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size);
/** qtest_memwrite - write @size bytes of guest memory ("write", hex). */
void qtest_memwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size);
/** qtest_bufread - like qtest_memread, in base64 ("b64read"). */
void qtest_bufread(QTestState *s, uint64_t addr, void *data, size_t size);
/** qtest_bufwrite - like qtest_memwrite, in base64 ("b64write"). */
void qtest_bufwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size);
/** qtest_memset - fill @size bytes at @addr with @patt ("memset"). */
void qtest_memset(QTestState *s, uint64_t addr, uint8_t patt, size_t size);

/**
 * qtest_clock_step_next - advance the virtual clock to the next timer
 * deadline; returns the new time in ns.
 */
int64_t qtest_clock_step_next(QTestState *s);
/** qtest_clock_step - advance the virtual clock by @step ns; new time. */
int64_t qtest_clock_step(QTestState *s, int64_t step);
/** qtest_clock_set - advance the virtual clock to @val ns; new time. */
int64_t qtest_clock_set(QTestState *s, int64_t val);

/**
 * qtest_irq_intercept_in - report the input lines of the device at QOM
 * path @string ("ioapic" on pc) as "IRQ raise/lower N".
 */
void qtest_irq_intercept_in(QTestState *s, const char *string);
/** qtest_irq_intercept_out - the same for the device's output lines. */
void qtest_irq_intercept_out(QTestState *s, const char *string);
/** qtest_irq_intercept_out_named - output lines of list @name only. */
void qtest_irq_intercept_out_named(QTestState *s, const char *qom_path,
                                   const char *name);
/**
 * qtest_set_irq_in - drive input line @irq of list @name
 * ("unnamed-gpio-in" for the unnamed list) of device @string to @level.
 */
void qtest_set_irq_in(QTestState *s, const char *string, const char *name,
                      int irq, int level);

/**
 * qtest_get_irq - the last level reported for intercepted line @num (after
 * a round trip, so every IRQ message sent so far has been seen).
 */
bool qtest_get_irq(QTestState *s, int num);

/**
 * qtest_irq_wait - kemu extension: step the virtual clock by @step_ns at a
 * time, at most @max_ns in all, until line @num is at @level.  Returns
 * whether it got there.
 */
bool qtest_irq_wait(QTestState *s, int num, bool level, int64_t max_ns,
                    int64_t step_ns);

/** qtest_big_endian - whether the target is big-endian ("endianness"). */
bool qtest_big_endian(QTestState *s);

/** qtest_module_load - "module_load PREFIX LIBNAME" (asserts OK). */
void qtest_module_load(QTestState *s, const char *prefix, const char *libname);

/**
 * qtest_raw_cmd - kemu extension: send one protocol line (printf-style, no
 * newline) and return the reply line without its newline (g_free it).
 * Asynchronous IRQ lines are consumed on the way.  For protocol tests that
 * expect FAIL.
 */
char *qtest_raw_cmd(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* ---- QMP
 * --------------------------------------------------------------------- */

/*
 * QMP format strings are JSON in QEMU's dialect: strings may be in single
 * quotes, and %-directives interpolate arguments.  Outside a string, %s
 * becomes a JSON string (quoted and escaped), %d %i %u %ld %lu %lld %llu
 * %" PRId64 " etc. a number, %f %g a number, and %% a '%'.  Inside a quoted
 * string a directive is expanded printf-style (escaped for JSON), so both
 * "{'id': %s}" and "{'id': '%s'}" do what they look like.
 *
 * Returned objects belong to the caller: json_object_unref() them (or use
 * g_autoptr(JsonObject)).
 */

/**
 * qtest_qmp - send a QMP command and return its response (events that
 * arrive first are kept for qtest_qmp_eventwait()).
 */
JsonObject *qtest_qmp(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
JsonObject *qtest_vqmp(QTestState *s, const char *fmt, va_list ap)
    G_GNUC_PRINTF(2, 0);

/** qtest_qmp_send - send a QMP command without waiting for the response. */
void qtest_qmp_send(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void qtest_qmp_vsend(QTestState *s, const char *fmt, va_list ap)
    G_GNUC_PRINTF(2, 0);

/** qtest_qmp_send_raw - send printf-style text as it is (no JSON). */
void qtest_qmp_send_raw(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/**
 * qtest_qmp_receive - the next QMP response (a message without "event");
 * events before it are kept for qtest_qmp_eventwait().
 */
JsonObject *qtest_qmp_receive(QTestState *s);

/** qtest_qmp_receive_dict - the next QMP message of any kind. */
JsonObject *qtest_qmp_receive_dict(QTestState *s);

/**
 * qtest_qmp_eventwait - wait for event @event (kept ones first); other
 * messages received meanwhile are dropped.
 */
void qtest_qmp_eventwait(QTestState *s, const char *event);
/** qtest_qmp_eventwait_ref - the same, returning the event. */
JsonObject *qtest_qmp_eventwait_ref(QTestState *s, const char *event);
/**
 * qtest_qmp_event_ref - the first kept event @event (removed from the
 * kept ones), or NULL.  Never waits.
 */
JsonObject *qtest_qmp_event_ref(QTestState *s, const char *event);

/** qtest_qmp_assert_success - qtest_qmp() and assert a "return". */
void qtest_qmp_assert_success(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/** qtest_qmp_assert_success_ref - the same, returning the response. */
JsonObject *qtest_qmp_assert_success_ref(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/**
 * qtest_hmp - run a human monitor command (printf-style) through QMP's
 * human-monitor-command; returns its output (g_free it).
 */
char *qtest_hmp(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/**
 * qtest_qmp_device_add - device_add with driver @driver, id @id and the
 * further arguments in @fmt (a JSON object, e.g. "{'addr': '04.0'}");
 * asserts success.
 */
void qtest_qmp_device_add(QTestState *s, const char *driver, const char *id,
                          const char *fmt, ...) G_GNUC_PRINTF(4, 5);
/** qtest_qmp_device_del_send - send device_del for @id, assert success. */
void qtest_qmp_device_del_send(QTestState *s, const char *id);
/**
 * qtest_qmp_device_del - device_del for @id, then wait for its
 * DEVICE_DELETED event.
 */
void qtest_qmp_device_del(QTestState *s, const char *id);

/** qmp_rsp_is_err - whether @rsp is an error response. */
bool qmp_rsp_is_err(JsonObject *rsp);
/**
 * qmp_expect_error_and_unref - assert @rsp is an error of class @class
 * (and has a "desc"), then unref it.
 */
void qmp_expect_error_and_unref(JsonObject *rsp, const char *class);

/* ---- Failing a test --------------------------------------------------------
 */

/**
 * qtest_fail_at - print "libqtest: MESSAGE" and fail the running CUnit test
 * (leaving it through CUnit's fatal-assertion path), or abort outside one.
 * For libqos and helpers; tests use CU_ASSERT*.
 */
void qtest_fail_at(const char *file, int line, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4) G_GNUC_NORETURN;

#define qtest_fail(...) qtest_fail_at(__FILE__, __LINE__, __VA_ARGS__)

/** QTEST_ASSERT - fail the test (qtest_fail) unless @cond holds. */
#define QTEST_ASSERT(cond)                                                     \
    do {                                                                       \
        if (!(cond)) {                                                         \
            qtest_fail_at(__FILE__, __LINE__, "assertion failed: %s", #cond);  \
        }                                                                      \
    } while (0)

/* ---- JSON helpers ---------------------------------------------------------
 */

/**
 * qdict_get_path - the node at a dotted path in @obj ("return.status",
 * "return.0.name" for an array index), or NULL.  Borrowed from @obj.
 */
JsonNode *qdict_get_path(JsonObject *obj, const char *path);
/** qdict_get_path_str - the string at @path, or NULL if absent/not one. */
const char *qdict_get_path_str(JsonObject *obj, const char *path);
/** qdict_get_path_int - the integer at @path (asserts it is one). */
int64_t qdict_get_path_int(JsonObject *obj, const char *path);
/** qdict_get_path_bool - the boolean at @path (asserts it is one). */
bool qdict_get_path_bool(JsonObject *obj, const char *path);
/** qdict_get_path_object - the object at @path (borrowed), or NULL. */
JsonObject *qdict_get_path_object(JsonObject *obj, const char *path);
/** qdict_get_path_array - the array at @path (borrowed), or NULL. */
JsonArray *qdict_get_path_array(JsonObject *obj, const char *path);
/** qjson_to_string - @obj as compact JSON text (g_free it). */
char *qjson_to_string(JsonObject *obj);

#endif
