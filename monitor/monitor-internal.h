/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Between the monitor files: the QMP command table (qmp-cmds.c), the HMP
 * commands (monitor-hmp.c) and the sessions that run them (monitor.c).
 *
 * A command runs on the main thread with the machine lock held, gets its
 * arguments already checked against its table entry, and either returns
 * its "return" value or sets errp (and, for a class other than
 * GenericError, ctx->error_class).  Work that must follow the reply (quit)
 * is queued with qmp_ctx_defer(); device_del only asks the guest, and
 * DEVICE_DELETED comes when the device is gone (system/device-add.h).
 */
#ifndef KEMU_MONITOR_MONITOR_INTERNAL_H
#define KEMU_MONITOR_MONITOR_INTERNAL_H

#include "util/option.h"
#include "monitor/monitor.h"
#include "monitor/qmp-json.h"

typedef struct MonitorQMP MonitorQMP;

#define QMP_CLASS_GENERIC           "GenericError"
#define QMP_CLASS_COMMAND_NOT_FOUND "CommandNotFound"
#define QMP_CLASS_DEVICE_NOT_FOUND  "DeviceNotFound"

typedef void QmpDeferredFn(MachineState *ms, void *opaque);

typedef struct QmpDeferred {
    QmpDeferredFn *fn;
    void *opaque;
    struct QmpDeferred *next;
} QmpDeferred;

typedef struct QmpCtx {
    MachineState *ms;
    MonitorQMP *mon;         /* the QMP session, NULL under HMP */
    const char *error_class; /* NULL: GenericError */
    QmpDeferred *deferred;   /* run after the reply, in order */
} QmpCtx;

typedef enum QmpArgType {
    QMP_ARG_STR,
    QMP_ARG_BOOL,
    QMP_ARG_INT,
    QMP_ARG_ANY,
    QMP_ARG_STR_LIST,
} QmpArgType;

typedef struct QmpArg {
    const char *name;
    QmpArgType type;
    bool optional;
} QmpArg;

#define QMP_MAX_ARGS 6

typedef struct QmpCommand {
    const char *name;
    JsonNode *(*fn)(QmpCtx *ctx, JsonObject *args, Error **errp);
    QmpArg args[QMP_MAX_ARGS + 1]; /* ends with a NULL name */
    bool extra_args;               /* device_add: any further keys */
} QmpCommand;

/** qmp_command_find - the command @name, or NULL. */
const QmpCommand *qmp_command_find(const char *name);

/** qmp_command_foreach - @fn for every command, in table order. */
void qmp_command_foreach(void (*fn)(const QmpCommand *cmd, void *opaque),
                         void *opaque);

/**
 * qmp_check_args - QEMU's argument errors: "Parameter 'x' is missing",
 * "Invalid parameter type for 'x', expected: string", "Parameter 'x' is
 * unexpected".
 */
bool qmp_check_args(const QmpCommand *cmd, JsonObject *args, Error **errp);

/** qmp_ctx_defer - run @fn(@ms, @opaque) once the reply is sent. */
void qmp_ctx_defer(QmpCtx *ctx, QmpDeferredFn *fn, void *opaque);

/** qmp_ctx_run_deferred - run and free what was deferred. */
void qmp_ctx_run_deferred(QmpCtx *ctx);

/* Data the monitors share. */
JsonNode *qmp_version_info(void); /* query-version's return */
const char *qmp_runstate_name(RunState state);

/* Implemented in monitor.c: the session state qmp_capabilities changes. */
bool monitor_qmp_negotiate(MonitorQMP *mon, JsonArray *enable, QmpCtx *ctx,
                           Error **errp);

/**
 * qmp_device_add_opts - device_add: qdev_device_add() for a device class
 * that is hotpluggable ("Device 'TYPE' does not support hotplugging"
 * otherwise, as QEMU says once the machine is built).
 */
DeviceState *qmp_device_add_opts(QmpCtx *ctx, KemuOpts *opts, Error **errp);

/* QMP commands the HMP reuses. */
JsonNode *qmp_query_pci(MachineState *ms);
JsonNode *qmp_query_status(MachineState *ms);

/**
 * hmp_run - run one human monitor command line; returns its output
 * (QEMU's text, "\n"-terminated lines; g_free it).  Errors are part of
 * the output, as in QEMU.
 */
char *hmp_run(QmpCtx *ctx, const char *cmdline);

#endif
