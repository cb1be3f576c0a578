/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kemu-system-x86_64: QEMU's command line to a running machine.
 * Options are read into a KemuConfig first (help requests answered, bad
 * flags refused with one line), then, as in QEMU, everything the user
 * wrote is checked before the accelerator opens /dev/kvm, so a mistake
 * reads the same on every host: the machine object and its -machine
 * properties, -global values, the files -kernel/-initrd/-bios name,
 * chardevs, netdevs, monitors and the qtest server (created: they need no
 * accelerator), and every -device with its properties (created, not
 * realized, then dropped).  Then the accelerator, the board, the -device
 * devices for real, reset, vCPUs, main loop.  SIGTERM, SIGINT and SIGHUP
 * are handled from main()'s first line (util/termsig.h): at any moment
 * they end kemu with status 0, cleaning up as after `quit`.
 */
#include "util/osdep.h"
#include "util/error.h"
#include "util/log.h"
#include "util/module.h"
#include "util/option.h"
#include "util/cutils.h"
#include "util/main-loop.h"
#include "util/termsig.h"
#include "util/timer.h"
#include "qom/object.h"
#include "hw/core/qdev.h"
#include "hw/core/qdev-global.h"
#include "hw/core/machine.h"
#include "accel/accel.h"
#include "system/qemu-version.h"
#include "target/i386/cpu-model.h"
#include "chardev/chardev.h"
#include "hw/rtc/mc146818rtc.h"
#include "system/device-add.h"
#include "monitor/monitor.h"
#include "system/qtest.h"
#include "net/net.h"

#define MAX_SERIAL_PORTS  4
#define NIC_DEFAULT_MODEL "e1000" /* -nic without model=, as QEMU's pc */

typedef struct KemuConfig {
    KemuOpts *machine_opts;    /* every -machine, merged: the last value wins */
    GPtrArray *accels;         /* accelerator names, in order */
    const char *accel_irqchip; /* -accel kvm,kernel-irqchip= */
    GPtrArray *globals;        /* QdevGlobal * */
    uint64_t ram_size;         /* 0: the machine's default */
    int smp_cpus;
    const char *kernel, *initrd, *append, *bios, *name, *cpu;
    bool no_reboot, no_shutdown, nographic, start_paused, no_defaults;
    GPtrArray *devices;  /* KemuOpts * */
    GPtrArray *chardevs; /* KemuOpts * */
    GPtrArray *netdevs;  /* KemuOpts * */
    GPtrArray *nics;     /* KemuOpts * */
    GPtrArray *objects;  /* KemuOpts * */
    GPtrArray *mons;     /* KemuOpts * */
    GPtrArray *serials;  /* spec strings */
    GPtrArray *qmps;     /* spec strings, pretty flag ignored */
    const char *monitor; /* -monitor spec */
    const char *qtest, *qtest_log;
    const char *log_items, *log_file, *pidfile;
    KemuOpts *rtc_opts;
} KemuConfig;

typedef enum {
    ARG_NONE,
    ARG_REQUIRED,
} ArgKind;

typedef bool (*OptHandler)(KemuConfig *cfg, const char *opt, const char *arg,
                           Error **errp);

typedef struct OptionDef {
    const char *name;
    ArgKind arg;
    OptHandler handler;
    const char *help;
} OptionDef;

static void print_version(void)
{
    printf("kemu-system-x86_64 version %s\n"
           "A QEMU-style machine emulator for x86-64 guests on KVM\n"
           "QEMU emulator version %s compatible (its command line, QMP and "
           "qtest)\n",
           KEMU_VERSION, KEMU_QEMU_VERSION);
}

static const OptionDef *option_table(void);

static void print_usage(void)
{
    /* Launchers written for QEMU read its version from this first line. */
    printf("QEMU emulator version %s (kemu %s)\n", KEMU_QEMU_VERSION,
           KEMU_VERSION);
    printf("usage: kemu-system-x86_64 [options]\n\n");
    for (const OptionDef *o = option_table(); o->name; o++) {
        g_autofree char *left = g_strdup_printf(
            "-%s%s", o->name, o->arg == ARG_REQUIRED ? " ARG" : "");
        printf("  %-22s %s\n", left, o->help);
    }
    printf("\nAn option kemu does not implement is refused, never "
           "ignored.\n");
}

/* ---- Option handlers ---- */

static bool opt_help(KemuConfig *cfg, const char *opt, const char *arg,
                     Error **errp)
{
    print_usage();
    exit(0);
}

static bool opt_version(KemuConfig *cfg, const char *opt, const char *arg,
                        Error **errp)
{
    print_version();
    exit(0);
}

/*
 * Repeated -machine options merge as QEMU's do: each key's last value
 * wins (a later -machine without accel= keeps the accelerator), and
 * "-machine help" lists the machines, "-machine pc,help" pc's properties.
 */
static bool opt_machine(KemuConfig *cfg, const char *opt, const char *arg,
                        Error **errp)
{
    g_autoptr(KemuOpts) opts = kemu_opts_parse_full(opt, arg, "type", 0, errp);
    const char *type;
    KemuOptsIter it;
    const char *key, *value;

    if (!opts) {
        return false;
    }
    type = kemu_opts_get(opts, "type");
    if (!g_strcmp0(type, "help") || !g_strcmp0(type, "?") ||
        (!type && kemu_opts_has_help(opts))) {
        machine_print_help(stdout);
        exit(0);
    }
    if (kemu_opts_has_help(opts)) {
        MachineClass *mc = machine_class_find(type);

        if (!mc) {
            error_setg(errp,
                       "%s %s: unsupported machine type (use -machine help "
                       "to list them)",
                       opt, type);
            return false;
        }
        machine_print_props(stdout, mc);
        exit(0);
    }
    if (!cfg->machine_opts) {
        cfg->machine_opts = g_steal_pointer(&opts);
        return true;
    }
    kemu_opts_iter_init(&it, opts, NULL);
    while (kemu_opts_iter_next(&it, &key, &value)) {
        kemu_opts_set(cfg->machine_opts, key, value);
    }
    return true;
}

static bool add_accels(KemuConfig *cfg, const char *list)
{
    g_auto(GStrv) names = g_strsplit(list, ":", -1);

    for (char **n = names; *n; n++) {
        if (**n) {
            g_ptr_array_add(cfg->accels, g_strdup(*n));
        }
    }
    return true;
}

static bool opt_accel(KemuConfig *cfg, const char *opt, const char *arg,
                      Error **errp)
{
    g_autoptr(KemuOpts) opts = kemu_opts_parse_full(opt, arg, "accel", 0, errp);
    const char *name;
    KemuOptsIter it;
    const char *key, *value;

    if (!opts) {
        return false;
    }
    name = kemu_opts_get(opts, "accel");
    if (kemu_opts_has_help(opts) || !g_strcmp0(name, "help")) {
        accel_print_help(stdout);
        exit(0);
    }
    if (!name) {
        error_setg(errp, "%s: parameter 'accel' is missing", opt);
        return false;
    }
    /* kernel-irqchip goes to the machine's property of that name. */
    if (kemu_opts_get(opts, "kernel-irqchip")) {
        cfg->accel_irqchip =
            g_intern_string(kemu_opts_get(opts, "kernel-irqchip"));
    }
    /* thread= picks TCG's threading, which changes nothing here. */
    kemu_opts_iter_init(&it, opts, NULL);
    while (kemu_opts_iter_next(&it, &key, &value)) {
        if (strcmp(key, "accel") && strcmp(key, "thread") &&
            strcmp(key, "kernel-irqchip")) {
            error_setg(errp, "%s: invalid parameter '%s'",
                       kemu_opts_context(opts), key);
            return false;
        }
    }
    return add_accels(cfg, name);
}

/* QEMU's -enable-kvm is "-machine accel=kvm", so the two may be given. */
static bool opt_enable_kvm(KemuConfig *cfg, const char *opt, const char *arg,
                           Error **errp)
{
    return opt_machine(cfg, "-machine", "accel=kvm", errp);
}

static bool opt_m(KemuConfig *cfg, const char *opt, const char *arg,
                  Error **errp)
{
    g_autoptr(KemuOpts) opts = kemu_opts_parse_full(opt, arg, "size", 0, errp);
    uint64_t size;

    if (!opts || !kemu_opts_get_size_unit(opts, "size", 'M', 0, &size, errp)) {
        return false;
    }
    /* slots/maxmem describe hotplug memory, which kemu does not have. */
    if (!kemu_opts_check_unused(opts, errp)) {
        return false;
    }
    if (size < 1 * MiB) {
        error_setg(errp, "%s: at least 1 MiB of RAM is needed, got '%s'", opt,
                   arg);
        return false;
    }
    cfg->ram_size = ROUND_UP(size, 8 * KiB);
    return true;
}

static bool opt_smp(KemuConfig *cfg, const char *opt, const char *arg,
                    Error **errp)
{
    g_autoptr(KemuOpts) opts = kemu_opts_parse_full(opt, arg, "cpus", 0, errp);
    uint64_t cpus, sockets, cores, threads, maxcpus;

    if (!opts || !kemu_opts_get_number(opts, "cpus", 0, &cpus, errp) ||
        !kemu_opts_get_number(opts, "sockets", 1, &sockets, errp) ||
        !kemu_opts_get_number(opts, "cores", 1, &cores, errp) ||
        !kemu_opts_get_number(opts, "threads", 1, &threads, errp) ||
        !kemu_opts_get_number(opts, "maxcpus", 0, &maxcpus, errp) ||
        !kemu_opts_check_unused(opts, errp)) {
        return false;
    }
    if (!cpus) {
        cpus = sockets * cores * threads;
    }
    if (cpus < 1 || cpus > 255 || (maxcpus && maxcpus < cpus)) {
        error_setg(errp, "%s: invalid number of CPUs in '%s' (1 to 255)", opt,
                   arg);
        return false;
    }
    cfg->smp_cpus = cpus;
    return true;
}

/* -cpu MODEL[,flags]: checked now, applied by the accelerator. */
static bool opt_cpu(KemuConfig *cfg, const char *opt, const char *arg,
                    Error **errp)
{
    X86CPUConfig model;

    if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
        x86_cpu_print_help(stdout);
        exit(0);
    }
    if (!x86_cpu_config_parse(arg, &model, errp)) {
        error_prepend(errp, "%s: ", opt);
        return false;
    }
    cfg->cpu = arg;
    return true;
}

#define STRING_OPTION(fn, field)                                               \
    static bool fn(KemuConfig *cfg, const char *opt, const char *arg,          \
                   Error **errp)                                               \
    {                                                                          \
        cfg->field = arg;                                                      \
        return true;                                                           \
    }

STRING_OPTION(opt_kernel, kernel)
STRING_OPTION(opt_initrd, initrd)
STRING_OPTION(opt_append, append)
STRING_OPTION(opt_bios, bios)
STRING_OPTION(opt_qtest_log, qtest_log)
STRING_OPTION(opt_log_file, log_file)
STRING_OPTION(opt_pidfile, pidfile)
STRING_OPTION(opt_monitor, monitor)

#define FLAG_OPTION(fn, field)                                                 \
    static bool fn(KemuConfig *cfg, const char *opt, const char *arg,          \
                   Error **errp)                                               \
    {                                                                          \
        cfg->field = true;                                                     \
        return true;                                                           \
    }

FLAG_OPTION(opt_no_reboot, no_reboot)
FLAG_OPTION(opt_no_shutdown, no_shutdown)
FLAG_OPTION(opt_nographic, nographic)
FLAG_OPTION(opt_start_paused, start_paused)
FLAG_OPTION(opt_nodefaults, no_defaults)

static bool opt_log_items(KemuConfig *cfg, const char *opt, const char *arg,
                          Error **errp)
{
    if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
        kemu_log_help(stdout);
        exit(0);
    }
    cfg->log_items = arg;
    return true;
}

static bool opt_name(KemuConfig *cfg, const char *opt, const char *arg,
                     Error **errp)
{
    g_autoptr(KemuOpts) opts = kemu_opts_parse_full(opt, arg, "guest", 0, errp);
    const char *name;

    if (!opts) {
        return false;
    }
    name = kemu_opts_get(opts, "guest");
    kemu_opts_get(opts, "debug-threads");
    kemu_opts_get(opts, "process");
    if (!kemu_opts_check_unused(opts, errp)) {
        return false;
    }
    cfg->name = name ? g_strdup(name) : NULL;
    return true;
}

static bool opt_display(KemuConfig *cfg, const char *opt, const char *arg,
                        Error **errp)
{
    if (strcmp(arg, "none") && !g_str_has_prefix(arg, "none,")) {
        error_setg(errp,
                   "%s: display '%s' is not supported (only 'none'; "
                   "use -nographic for a serial console)",
                   opt, arg);
        return false;
    }
    return true;
}

static bool opt_none_only(KemuConfig *cfg, const char *opt, const char *arg,
                          Error **errp)
{
    /* -audio none, -vga none: nothing to create, which is what kemu has. */
    if (strcmp(arg, "none")) {
        error_setg(errp, "%s: '%s' is not supported (only 'none')", opt, arg);
        return false;
    }
    return true;
}

static bool opt_ignored_firmware_dir(KemuConfig *cfg, const char *opt,
                                     const char *arg, Error **errp)
{
    /* -L names where firmware lives; kemu loads only what -bios names. */
    return true;
}

static bool opt_no_user_config(KemuConfig *cfg, const char *opt,
                               const char *arg, Error **errp)
{
    return true; /* kemu reads no config files */
}

static bool push_opts(GPtrArray *list, const char *opt, const char *arg,
                      const char *implied, unsigned flags, Error **errp)
{
    KemuOpts *opts = kemu_opts_parse_full(opt, arg, implied, flags, errp);

    if (!opts) {
        return false;
    }
    g_ptr_array_add(list, opts);
    return true;
}

static bool opt_device(KemuConfig *cfg, const char *opt, const char *arg,
                       Error **errp)
{
    return push_opts(cfg->devices, opt, arg, "driver", 0, errp);
}

/*
 * Push an option whose implied key may be "help" (or carry ",help"):
 * then print_help lists what that option takes, and kemu exits.
 */
static bool push_opts_or_help(GPtrArray *list, const char *opt, const char *arg,
                              const char *implied,
                              void (*print_help)(FILE *out), Error **errp)
{
    KemuOpts *opts;

    if (!push_opts(list, opt, arg, implied, 0, errp)) {
        return false;
    }
    opts = g_ptr_array_index(list, list->len - 1);
    if (kemu_opts_has_help(opts) ||
        !g_strcmp0(kemu_opts_get(opts, implied), "help")) {
        print_help(stdout);
        exit(0);
    }
    return true;
}

static bool opt_chardev(KemuConfig *cfg, const char *opt, const char *arg,
                        Error **errp)
{
    return push_opts_or_help(cfg->chardevs, opt, arg, "backend",
                             qemu_chr_print_help, errp);
}

static bool opt_netdev(KemuConfig *cfg, const char *opt, const char *arg,
                       Error **errp)
{
    return push_opts_or_help(cfg->netdevs, opt, arg, "type", net_print_help,
                             errp);
}

/* "-nic ...,model=help": the NIC models, as QEMU lists them. */
static void print_nic_models(void)
{
    GSList *list = object_class_get_list(TYPE_DEVICE, false);

    printf("Supported NIC models:\n");
    for (GSList *e = list; e; e = e->next) {
        DeviceClass *dc = DEVICE_CLASS(e->data);

        if (dc->user_creatable &&
            (dc->categories & (1ul << DEVICE_CATEGORY_NETWORK))) {
            printf("%s\n", object_class_get_name(e->data));
        }
    }
    g_slist_free(list);
}

static bool opt_nic(KemuConfig *cfg, const char *opt, const char *arg,
                    Error **errp)
{
    KemuOpts *opts;
    const char *model;

    if (!push_opts(cfg->nics, opt, arg, "type", 0, errp)) {
        return false;
    }
    opts = g_ptr_array_index(cfg->nics, cfg->nics->len - 1);
    model = kemu_opts_get(opts, "model");
    if (!g_strcmp0(model, "help") || !g_strcmp0(model, "?")) {
        print_nic_models();
        exit(0);
    }
    return true;
}

static bool opt_object(KemuConfig *cfg, const char *opt, const char *arg,
                       Error **errp)
{
    return push_opts(cfg->objects, opt, arg, "qom-type", 0, errp);
}

static bool opt_mon(KemuConfig *cfg, const char *opt, const char *arg,
                    Error **errp)
{
    return push_opts(cfg->mons, opt, arg, "chardev", KEMU_OPTS_ALLOW_FLAGS,
                     errp);
}

static bool opt_serial(KemuConfig *cfg, const char *opt, const char *arg,
                       Error **errp)
{
    if (cfg->serials->len >= MAX_SERIAL_PORTS) {
        error_setg(errp, "%s: too many serial ports (at most %d)", opt,
                   MAX_SERIAL_PORTS);
        return false;
    }
    g_ptr_array_add(cfg->serials, (gpointer)arg);
    return true;
}

/*
 * -qmp and -qtest need a chardev: "none" (which -serial and -monitor
 * take) is refused, as QEMU refuses it.
 */
static bool check_not_none(const char *opt, const char *arg, const char *what,
                           Error **errp)
{
    if (!strcmp(arg, "none")) {
        error_setg(errp,
                   "%s none: 'none' is not a valid chardev for %s (give one, "
                   "e.g. unix:PATH,server=on,wait=off)",
                   opt, what);
        return false;
    }
    return true;
}

static bool opt_qmp(KemuConfig *cfg, const char *opt, const char *arg,
                    Error **errp)
{
    if (!check_not_none(opt, arg, "a QMP monitor", errp)) {
        return false;
    }
    g_ptr_array_add(cfg->qmps, (gpointer)arg);
    return true;
}

static bool opt_qtest(KemuConfig *cfg, const char *opt, const char *arg,
                      Error **errp)
{
    if (!check_not_none(opt, arg, "the qtest server", errp)) {
        return false;
    }
    cfg->qtest = arg;
    return true;
}

static bool opt_rtc(KemuConfig *cfg, const char *opt, const char *arg,
                    Error **errp)
{
    KemuOpts *opts = kemu_opts_parse_full(opt, arg, NULL, 0, errp);

    if (!opts) {
        return false;
    }
    kemu_opts_free(cfg->rtc_opts);
    cfg->rtc_opts = opts;
    return true;
}

static bool opt_global(KemuConfig *cfg, const char *opt, const char *arg,
                       Error **errp)
{
    QdevGlobal *g = qdev_global_parse(arg, errp);

    if (!g) {
        return false;
    }
    g_ptr_array_add(cfg->globals, g);
    return true;
}

static bool opt_unsupported(KemuConfig *cfg, const char *opt, const char *arg,
                            Error **errp)
{
    error_setg(errp, "%s: not supported by kemu yet", opt);
    return false;
}

static const OptionDef options[] = {
    {"h", ARG_NONE, opt_help, "print this help and exit"},
    {"help", ARG_NONE, opt_help, "print this help and exit"},
    {"version", ARG_NONE, opt_version, "print the version and exit"},
    {"machine", ARG_REQUIRED, opt_machine,
     "the machine and its properties: pc[,accel=kvm,pit=off,...] "
     "(help lists them, pc,help their properties)"},
    {"M", ARG_REQUIRED, opt_machine, "same as -machine"},
    {"accel", ARG_REQUIRED, opt_accel,
     "kvm or qtest; repeat to try several, the first that works is used"},
    {"enable-kvm", ARG_NONE, opt_enable_kvm, "same as -machine accel=kvm"},
    {"cpu", ARG_REQUIRED, opt_cpu,
     "MODEL[,+flag,-flag,flag=on|off,vendor=...] (help lists them)"},
    {"m", ARG_REQUIRED, opt_m, "RAM size, e.g. 512M or 2G (default 128M)"},
    {"smp", ARG_REQUIRED, opt_smp, "number of vCPUs: N or cpus=N,..."},
    {"bios", ARG_REQUIRED, opt_bios,
     "a flat firmware image mapped below 4 GiB"},
    {"L", ARG_REQUIRED, opt_ignored_firmware_dir,
     "firmware directory (kemu loads only -bios)"},
    {"kernel", ARG_REQUIRED, opt_kernel,
     "a Linux bzImage or an ELF with a PVH entry"},
    {"initrd", ARG_REQUIRED, opt_initrd, "an initial ramdisk"},
    {"append", ARG_REQUIRED, opt_append, "the kernel command line"},
    {"device", ARG_REQUIRED, opt_device,
     "add a device: DRIVER[,prop=value,...] (help lists them)"},
    {"chardev", ARG_REQUIRED, opt_chardev,
     "a character device: BACKEND,id=ID,..."},
    {"serial", ARG_REQUIRED, opt_serial,
     "connect the next serial port: stdio, null, file:PATH, unix:PATH..."},
    {"netdev", ARG_REQUIRED, opt_netdev,
     "a network backend: user|tap|socket|hubport,id=ID,..."},
    {"nic", ARG_REQUIRED, opt_nic,
     "a backend and a NIC at once: user[,model=e1000]"},
    {"object", ARG_REQUIRED, opt_object,
     "an object: filter-dump,id=ID,netdev=ID,file=PATH"},
    {"qmp", ARG_REQUIRED, opt_qmp,
     "a QMP monitor on a chardev spec: unix:PATH,server=on,wait=off"},
    {"qmp-pretty", ARG_REQUIRED, opt_qmp, "same as -qmp"},
    {"mon", ARG_REQUIRED, opt_mon,
     "a monitor on a chardev: chardev=ID,mode=control|readline"},
    {"monitor", ARG_REQUIRED, opt_monitor,
     "a human monitor on a chardev spec (stdio, none)"},
    {"qtest", ARG_REQUIRED, opt_qtest,
     "the qtest protocol on a chardev spec: unix:PATH"},
    {"qtest-log", ARG_REQUIRED, opt_qtest_log, "log qtest traffic to FILE"},
    {"rtc", ARG_REQUIRED, opt_rtc, "base=utc|localtime|DATE,clock=host|rt|vm"},
    {"name", ARG_REQUIRED, opt_name, "the guest's name"},
    {"S", ARG_NONE, opt_start_paused, "do not start the vCPUs (QMP cont)"},
    {"no-reboot", ARG_NONE, opt_no_reboot, "exit instead of rebooting"},
    {"no-shutdown", ARG_NONE, opt_no_shutdown,
     "stop instead of exiting on guest shutdown"},
    {"nographic", ARG_NONE, opt_nographic,
     "serial and monitor on stdio (Ctrl-A h for help)"},
    {"display", ARG_REQUIRED, opt_display, "none"},
    {"vga", ARG_REQUIRED, opt_none_only, "none"},
    {"audio", ARG_REQUIRED, opt_none_only, "none"},
    {"nodefaults", ARG_NONE, opt_nodefaults, "no default devices"},
    {"no-user-config", ARG_NONE, opt_no_user_config,
     "accepted (kemu reads no config files)"},
    {"d", ARG_REQUIRED, opt_log_items,
     "log items: guest-errors,unimp,... (help lists them)"},
    {"D", ARG_REQUIRED, opt_log_file, "log to FILE instead of stderr"},
    {"pidfile", ARG_REQUIRED, opt_pidfile, "write the process id to FILE"},
    {"drive", ARG_REQUIRED, opt_unsupported, "not supported yet"},
    {"blockdev", ARG_REQUIRED, opt_unsupported, "not supported yet"},
    {"daemonize", ARG_NONE, opt_unsupported, "not supported"},
    {"global", ARG_REQUIRED, opt_global,
     "a default for every device of a type: DRIVER.PROP=VALUE"},
    {NULL},
};

static const OptionDef *option_table(void)
{
    return options;
}

static const OptionDef *find_option(const char *name)
{
    for (const OptionDef *o = options; o->name; o++) {
        if (!strcmp(o->name, name)) {
            return o;
        }
    }
    return NULL;
}

static void config_init(KemuConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->accels = g_ptr_array_new_with_free_func(g_free);
    cfg->globals =
        g_ptr_array_new_with_free_func((GDestroyNotify)qdev_global_free);
    cfg->devices =
        g_ptr_array_new_with_free_func((GDestroyNotify)kemu_opts_free);
    cfg->chardevs =
        g_ptr_array_new_with_free_func((GDestroyNotify)kemu_opts_free);
    cfg->netdevs =
        g_ptr_array_new_with_free_func((GDestroyNotify)kemu_opts_free);
    cfg->nics = g_ptr_array_new_with_free_func((GDestroyNotify)kemu_opts_free);
    cfg->objects =
        g_ptr_array_new_with_free_func((GDestroyNotify)kemu_opts_free);
    cfg->mons = g_ptr_array_new_with_free_func((GDestroyNotify)kemu_opts_free);
    cfg->serials = g_ptr_array_new();
    cfg->qmps = g_ptr_array_new();
}

static void config_free(KemuConfig *cfg)
{
    kemu_opts_free(cfg->machine_opts);
    kemu_opts_free(cfg->rtc_opts);
    g_ptr_array_free(cfg->accels, true);
    g_ptr_array_unref(cfg->globals);
    g_ptr_array_free(cfg->devices, true);
    g_ptr_array_free(cfg->chardevs, true);
    g_ptr_array_free(cfg->netdevs, true);
    g_ptr_array_free(cfg->nics, true);
    g_ptr_array_free(cfg->objects, true);
    g_ptr_array_free(cfg->mons, true);
    g_ptr_array_free(cfg->serials, true);
    g_ptr_array_free(cfg->qmps, true);
    g_free((char *)cfg->name);
}

/* Read argv into cfg.  Help requests print and exit 0. */
static bool parse_args(KemuConfig *cfg, int argc, char **argv, Error **errp)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *name;
        const OptionDef *o;

        if (arg[0] != '-' || !arg[1]) {
            error_setg(errp,
                       "%s: invalid argument (options start with '-'; "
                       "a disk image needs -drive)",
                       arg);
            return false;
        }
        name = arg + 1;
        if (name[0] == '-') {
            name++; /* --option works as -option */
        }
        o = find_option(name);
        if (!o) {
            error_setg(errp, "%s: invalid option", arg);
            return false;
        }
        if (o->arg == ARG_REQUIRED) {
            if (i + 1 >= argc) {
                error_setg(errp, "%s: requires an argument", arg);
                return false;
            }
            if (!o->handler(cfg, arg, argv[++i], errp)) {
                return false;
            }
        } else if (!o->handler(cfg, arg, NULL, errp)) {
            return false;
        }
    }
    return true;
}

/* ---- Building the machine ---- */

static MachineClass *select_machine(KemuConfig *cfg, Error **errp)
{
    const char *type =
        cfg->machine_opts ? kemu_opts_get(cfg->machine_opts, "type") : NULL;
    MachineClass *mc;

    if (!type) {
        mc = machine_class_default();
        if (!mc) {
            error_setg(errp, "no default machine");
        }
        return mc;
    }
    mc = machine_class_find(type);
    if (!mc) {
        error_setg(errp,
                   "-machine %s: unsupported machine type (use "
                   "-machine help to list them)",
                   type);
    }
    return mc;
}

/*
 * -machine's keys besides the type, in command-line order: accel= (sugar
 * for -accel, which QEMU does not let both be given) and the machine's
 * properties; then -accel's kernel-irqchip=.
 */
static bool apply_machine_opts(MachineState *ms, KemuConfig *cfg, Error **errp)
{
    KemuOpts *opts = cfg->machine_opts;
    const char *accel = NULL;
    KemuOptsIter it;
    const char *key, *value;

    kemu_opts_iter_init(&it, opts, NULL);
    while (opts && kemu_opts_iter_next(&it, &key, &value)) {
        if (!strcmp(key, "type")) {
            continue;
        }
        if (!strcmp(key, "accel")) {
            accel = value;
            continue;
        }
        if (!object_property_find(OBJECT(ms), key)) {
            error_setg(
                errp, "%s: invalid parameter '%s' (see -machine %s,help)",
                kemu_opts_context(opts), key, MACHINE_GET_CLASS(ms)->name);
            return false;
        }
        if (!object_property_parse(OBJECT(ms), key, value, errp)) {
            error_prepend(errp, "%s: ", kemu_opts_context(opts));
            return false;
        }
    }
    if (cfg->accel_irqchip &&
        !object_property_parse(OBJECT(ms), "kernel-irqchip", cfg->accel_irqchip,
                               errp)) {
        error_prepend(errp, "-accel: ");
        return false;
    }
    if (accel && cfg->accels->len) {
        error_setg(errp,
                   "-machine accel=%s: -accel and -machine accel= "
                   "are incompatible (use one of them)",
                   accel);
        return false;
    }
    return !accel || add_accels(cfg, accel);
}

static bool start_accel(MachineState *ms, KemuConfig *cfg, Error **errp)
{
    Error *last = NULL;

    if (cfg->accels->len == 0) {
        g_ptr_array_add(cfg->accels, g_strdup("kvm"));
    }
    for (guint i = 0; i < cfg->accels->len; i++) {
        const char *name = cfg->accels->pdata[i];
        const AccelOps *ops = accel_find(name);

        if (!ops) {
            error_free(last);
            last = NULL;
            error_setg(&last,
                       "-accel %s: invalid accelerator (kvm or "
                       "qtest)",
                       name);
            continue;
        }
        ms->accel = ops;
        error_free(last);
        last = NULL;
        if (!ops->init || ops->init(ms, &last)) {
            return true;
        }
        ms->accel = NULL;
    }
    error_propagate(errp, last);
    return false;
}

static bool create_chardevs(MachineState *ms, Object *root, KemuConfig *cfg,
                            Error **errp)
{
    for (guint i = 0; i < cfg->chardevs->len; i++) {
        if (!qemu_chr_new_from_opts(root, ms->main_loop,
                                    cfg->chardevs->pdata[i], errp)) {
            return false;
        }
    }
    if (cfg->serials->len == 0 && cfg->nographic) {
        g_ptr_array_add(cfg->serials, (gpointer) "mon:stdio");
    }
    for (guint i = 0; i < cfg->serials->len; i++) {
        const char *spec = cfg->serials->pdata[i];
        g_autofree char *id = g_strdup_printf("serial%u", i);
        Chardev *chr;

        if (!strcmp(spec, "none")) {
            continue;
        }
        chr = qemu_chr_new(root, ms->main_loop, id, spec, errp);
        if (!chr) {
            error_prepend(errp, "-serial %s: ", spec);
            return false;
        }
        /* chardev:ID names an existing chardev with its own label. */
        ms->serial_chardev[i] = g_strdup(chr->label);
        /* mon:stdio (and -nographic): a human monitor shares the mux. */
        if (qemu_chr_wants_monitor(chr) && !monitor_hmp_new(ms, chr, errp)) {
            return false;
        }
    }
    return true;
}

static bool create_netdevs(MachineState *ms, KemuConfig *cfg, Error **errp)
{
    for (guint i = 0; i < cfg->netdevs->len; i++) {
        if (!net_client_init(ms->net, cfg->netdevs->pdata[i], true, errp)) {
            return false;
        }
    }
    for (guint i = 0; i < cfg->nics->len; i++) {
        if (!net_client_init(ms->net, cfg->nics->pdata[i], false, errp)) {
            return false;
        }
    }
    return true;
}

/*
 * The device a -nic model= names: QEMU's pc also takes "virtio" for
 * virtio-net-pci (its PCI NIC alias table); absent, the board's default.
 */
static const char *nic_model_driver(const char *model)
{
    if (!model) {
        return NIC_DEFAULT_MODEL;
    }
    return !strcmp(model, "virtio") ? "virtio-net-pci" : model;
}

/* The NICs -nic asked for, on the board's PCI bus. */
static bool create_pending_nics(MachineState *ms, Error **errp)
{
    GList *nics = net_state_take_pending_nics(ms->net);
    bool ok = true;

    for (GList *e = nics; e && ok; e = e->next) {
        NetPendingNic *nic = e->data;
        g_autoptr(KemuOpts) opts = kemu_opts_new("-nic", "driver");

        kemu_opts_set(opts, "driver", nic_model_driver(nic->model));
        kemu_opts_set(opts, "netdev", nic->netdev);
        if (nic->mac) {
            kemu_opts_set(opts, "mac", nic->mac);
        }
        ok = qdev_device_add(ms, opts, errp) != NULL;
    }
    g_list_free_full(nics, net_pending_nic_free);
    return ok;
}

/* Frames wait in the net queues while the machine is stopped. */
typedef struct NetRunNotifier {
    MachineNotifier n;
    NetState *net;
} NetRunNotifier;

static void net_run_notify(MachineNotifier *n, MachineEvent event,
                           const char *reason, bool guest)
{
    NetRunNotifier *rn = container_of(n, NetRunNotifier, n);

    if (event == MACHINE_EVENT_STOP) {
        net_state_set_running(rn->net, false);
    } else if (event == MACHINE_EVENT_RESUME) {
        net_state_set_running(rn->net, true);
    }
}

static bool create_devices(MachineState *ms, KemuConfig *cfg, Error **errp)
{
    for (guint i = 0; i < cfg->devices->len; i++) {
        if (!qdev_device_add(ms, cfg->devices->pdata[i], errp)) {
            return false;
        }
    }
    return true;
}

/*
 * Every -device as it will be created, its properties set but not
 * realized; all are dropped again before the board is built.
 */
static bool check_devices(MachineState *ms, KemuConfig *cfg, Error **errp)
{
    g_autoptr(GPtrArray) devs = g_ptr_array_new();
    bool ok = true;

    for (guint i = 0; i < cfg->devices->len && ok; i++) {
        DeviceState *dev = qdev_device_check(ms, cfg->devices->pdata[i], errp);

        if (dev) {
            g_ptr_array_add(devs, dev);
        }
        ok = dev != NULL;
    }
    for (guint i = 0; i < devs->len; i++) {
        object_unparent(devs->pdata[i]);
    }
    return ok;
}

/* -global: a known driver's property and value (unknown: a warning). */
static bool check_globals(KemuConfig *cfg, Error **errp)
{
    for (guint i = 0; i < cfg->globals->len; i++) {
        bool known;

        if (!qdev_global_check(cfg->globals->pdata[i], &known, errp)) {
            return false;
        }
    }
    return true;
}

/* -nic model=: a device -nic can create (the NIC itself comes later). */
static bool check_nics(KemuConfig *cfg, Error **errp)
{
    for (guint i = 0; i < cfg->nics->len; i++) {
        const char *model = kemu_opts_get(cfg->nics->pdata[i], "model");
        g_autoptr(KemuOpts) opts = kemu_opts_new("-nic", "driver");

        kemu_opts_set(opts, "driver", nic_model_driver(model));
        if (!qdev_device_check_driver(opts, errp)) {
            return false;
        }
    }
    return true;
}

static bool check_objects(KemuConfig *cfg, Error **errp)
{
    for (guint i = 0; i < cfg->objects->len; i++) {
        KemuOpts *opts = cfg->objects->pdata[i];
        const char *type = kemu_opts_get(opts, "qom-type");

        if (g_strcmp0(type, "filter-dump")) {
            error_setg(errp,
                       "%s: object type '%s' is not supported "
                       "(kemu has filter-dump)",
                       kemu_opts_context(opts), type ? type : "");
            return false;
        }
    }
    return true;
}

static bool create_objects(MachineState *ms, KemuConfig *cfg, Error **errp)
{
    for (guint i = 0; i < cfg->objects->len; i++) {
        KemuOpts *opts = cfg->objects->pdata[i];

        if (!net_object_add(ms->net, opts, errp)) {
            return false;
        }
    }
    return true;
}

static bool create_monitors(MachineState *ms, Object *root, KemuConfig *cfg,
                            Error **errp)
{
    for (guint i = 0; i < cfg->qmps->len; i++) {
        const char *spec = cfg->qmps->pdata[i];
        g_autofree char *id = g_strdup_printf("compat_monitor%u", i);
        Chardev *chr = qemu_chr_new(root, ms->main_loop, id, spec, errp);

        if (!chr) {
            error_prepend(errp, "-qmp %s: ", spec);
            return false;
        }
        if (!monitor_qmp_new(ms, chr, errp)) {
            return false;
        }
    }
    for (guint i = 0; i < cfg->mons->len; i++) {
        KemuOpts *opts = cfg->mons->pdata[i];
        const char *id = kemu_opts_get(opts, "chardev");
        const char *mode = kemu_opts_get(opts, "mode");
        bool pretty;
        Chardev *chr;

        if (!kemu_opts_get_bool(opts, "pretty", false, &pretty, errp) ||
            !kemu_opts_check_unused(opts, errp)) {
            return false;
        }
        chr = id ? qemu_chr_find(root, id) : NULL;
        if (!chr) {
            error_setg(errp, "%s: chardev '%s' not found",
                       kemu_opts_context(opts), id ? id : "");
            return false;
        }
        if (!mode || !strcmp(mode, "readline")) {
            if (!monitor_hmp_new(ms, chr, errp)) {
                return false;
            }
        } else if (!strcmp(mode, "control")) {
            if (!monitor_qmp_new(ms, chr, errp)) {
                return false;
            }
        } else {
            error_setg(errp, "%s: invalid mode '%s' (control or readline)",
                       kemu_opts_context(opts), mode);
            return false;
        }
    }
    if (cfg->monitor && strcmp(cfg->monitor, "none")) {
        Chardev *chr =
            qemu_chr_new(root, ms->main_loop, "monitor0", cfg->monitor, errp);

        if (!chr || !monitor_hmp_new(ms, chr, errp)) {
            return false;
        }
    }
    return true;
}

static bool create_qtest(MachineState *ms, Object *root, KemuConfig *cfg,
                         Error **errp)
{
    Chardev *chr;

    if (!cfg->qtest) {
        return true;
    }
    chr = qemu_chr_new(root, ms->main_loop, "qtest", cfg->qtest, errp);
    if (!chr) {
        error_prepend(errp, "-qtest %s: ", cfg->qtest);
        return false;
    }
    return qtest_server_init(ms, chr, cfg->qtest_log, errp);
}

typedef struct TermsigWatch {
    MachineState *ms;
    guint id; /* 0 once it fired */
} TermsigWatch;

/* A termination signal (util/termsig.h): shut down with status 0. */
static gboolean on_termsig(int fd, GIOCondition cond, void *opaque)
{
    TermsigWatch *w = opaque;

    termsig_report();
    machine_request_shutdown(w->ms, 0, "host-signal", false);
    /* The fd stays readable: one request is all a signal makes. */
    w->id = 0;
    return G_SOURCE_REMOVE;
}

static bool write_pidfile(const char *path, Error **errp)
{
    g_autofree char *pid = g_strdup_printf("%d\n", (int)getpid());
    GError *gerr = NULL;

    if (!g_file_set_contents(path, pid, -1, &gerr)) {
        error_setg(errp, "-pidfile %s: %s", path, gerr->message);
        g_error_free(gerr);
        return false;
    }
    return true;
}

static void configure_machine(MachineState *ms, MachineClass *mc,
                              KemuConfig *cfg)
{
    ms->ram_size = cfg->ram_size ? cfg->ram_size : mc->default_ram_size;
    ms->smp_cpus = cfg->smp_cpus ? cfg->smp_cpus : 1;
    ms->kernel_filename = g_strdup(cfg->kernel);
    ms->initrd_filename = g_strdup(cfg->initrd);
    ms->kernel_cmdline = g_strdup(cfg->append ? cfg->append : "");
    ms->firmware = g_strdup(cfg->bios);
    ms->name = g_strdup(cfg->name);
    ms->cpu_model = g_strdup(cfg->cpu);
    ms->no_reboot = cfg->no_reboot;
    ms->no_shutdown = cfg->no_shutdown;
    ms->nographic = cfg->nographic;
    ms->start_paused = cfg->start_paused;
    if (cfg->rtc_opts) {
        ms->rtc_base = g_strdup(kemu_opts_get(cfg->rtc_opts, "base"));
        ms->rtc_clock = g_strdup(kemu_opts_get(cfg->rtc_opts, "clock"));
    }
}

static int run(KemuConfig *cfg, Error **errp)
{
    Object *root = object_new(TYPE_CONTAINER);
    MachineClass *mc;
    MachineState *ms = NULL;
    NetRunNotifier net_notifier = {{NULL}, NULL};
    TermsigWatch termsig_watch = {NULL, 0};
    int status = 1;

    if ((cfg->log_items && !kemu_log_parse(cfg->log_items, errp)) ||
        (cfg->log_file && !kemu_log_set_file(cfg->log_file, errp))) {
        goto out;
    }
    if (cfg->rtc_opts &&
        (!rtc_check_options(kemu_opts_get(cfg->rtc_opts, "base"),
                            kemu_opts_get(cfg->rtc_opts, "clock"), errp) ||
         (kemu_opts_get(cfg->rtc_opts, "driftfix"),
          !kemu_opts_check_unused(cfg->rtc_opts, errp)))) {
        goto out;
    }
    mc = select_machine(cfg, errp);
    if (!mc) {
        goto out;
    }
    if (cfg->smp_cpus > mc->max_cpus && mc->max_cpus) {
        error_setg(errp, "-smp %d: the %s machine supports at most %d CPUs",
                   cfg->smp_cpus, mc->name, mc->max_cpus);
        goto out;
    }
    ms = machine_create(root, mc);
    /*
     * The main loop serves a termination signal once it runs; until then
     * start-up checks termsig_received() after the steps that can block.
     */
    termsig_watch.ms = ms;
    termsig_watch.id = main_loop_add_fd(ms->main_loop, termsig_fd(), G_IO_IN,
                                        on_termsig, &termsig_watch);
    configure_machine(ms, mc, cfg);
    ms->net = net_state_new(ms->main_loop);
    ms->globals = g_ptr_array_ref(cfg->globals);

    /* Everything the user wrote, before the accelerator (see the top). */
    if (!apply_machine_opts(ms, cfg, errp) || !check_globals(cfg, errp) ||
        !machine_check(ms, errp) || !create_chardevs(ms, root, cfg, errp) ||
        !create_netdevs(ms, cfg, errp) || !create_qtest(ms, root, cfg, errp) ||
        !create_monitors(ms, root, cfg, errp) || !check_nics(cfg, errp) ||
        !check_objects(cfg, errp) || !check_devices(ms, cfg, errp)) {
        goto out;
    }
    if (termsig_received()) {
        /* Asked to stop before the machine ran: no accelerator, no vCPUs. */
        status = 0;
        goto out;
    }
    if (!start_accel(ms, cfg, errp) || !machine_init_board(ms, errp) ||
        !create_devices(ms, cfg, errp) || !create_pending_nics(ms, errp) ||
        !create_objects(ms, cfg, errp)) {
        goto out;
    }
    qdev_globals_warn_unused(ms->globals);
    net_state_check_clients(ms->net);
    net_notifier.net = ms->net;
    net_notifier.n.notify = net_run_notify;
    machine_add_notifier(ms, &net_notifier.n);
    if (cfg->pidfile && !write_pidfile(cfg->pidfile, errp)) {
        goto out;
    }
    if (!machine_start(ms, errp)) {
        goto out;
    }
    status = main_loop_run(ms->main_loop);

out:
    if (ms) {
        main_loop_remove_fd(ms->main_loop, termsig_watch.id);
        if (net_notifier.net) {
            machine_remove_notifier(ms, &net_notifier.n);
        }
        machine_destroy(ms);
    }
    object_unref(root);
    if (cfg->pidfile) {
        unlink(cfg->pidfile);
    }
    return status;
}

int main(int argc, char **argv)
{
    KemuConfig cfg;
    Error *err = NULL;
    int status;

    /* First: from here on SIGTERM, SIGINT and SIGHUP cannot kill us. */
    termsig_init();
    error_set_progname(argv[0]);
    module_call_init(MODULE_INIT_QOM);
    config_init(&cfg);

    if (!parse_args(&cfg, argc, argv, &err)) {
        error_report_err(err);
        config_free(&cfg);
        return 1;
    }
    for (guint i = 0; i < cfg.devices->len; i++) {
        if (qdev_device_help(cfg.devices->pdata[i], &err)) {
            config_free(&cfg);
            if (err) {
                error_report_err(err);
                return 1;
            }
            return 0;
        }
        /* A bad device type is the user's first error, not the board's. */
        if (!qdev_device_check_driver(cfg.devices->pdata[i], &err)) {
            error_report_err(err);
            config_free(&cfg);
            return 1;
        }
    }
    status = run(&cfg, &err);
    if (termsig_received()) {
        /*
         * Start-up asked to stop ends as a running machine would: status
         * 0; what the signal interrupted (a wait=on socket) is no error.
         */
        termsig_report();
        if (err) {
            error_free(err);
            err = NULL;
            status = 0;
        }
    }
    if (err) {
        error_report_err(err);
        status = 1;
    }
    config_free(&cfg);
    return status;
}
