/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line as a user meets it: help outputs, and every kind of bad
 * input (unknown flag, bad value, unknown device or property, bad backend,
 * -global, -machine property) answered with exactly one line naming the
 * problem and exit status 1 -- the same line whatever the accelerator, and
 * whether or not the host has /dev/kvm, because kemu checks all of it
 * before the accelerator starts.  To check a host without KVM on one that
 * has it:
 *   unshare -m sh -c 'touch /tmp/nokvm; mount --bind /tmp/nokvm /dev/kvm;
 *                     build/tests/qtest/cmdline-test'
 */
#include "util/osdep.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

typedef struct RunResult {
    int status; /* exit status, or 128 + signal */
    char *out;
    char *err;
} RunResult;

static const char *emulator(void)
{
    const char *bin = getenv("QTEST_QEMU_BINARY");

    return bin ? bin : "build/kemu-system-x86_64";
}

/*
 * Run the emulator with @args (NULL-terminated), under timeout(1) so that
 * an emulator that reads or waits for ever fails the test (status 137)
 * instead of hanging it.
 */
static RunResult run_kemu_argv(const char *const *args)
{
    GPtrArray *argv = g_ptr_array_new();
    RunResult r = {-1, NULL, NULL};
    GError *gerr = NULL;
    int wait_status = 0;

    g_ptr_array_add(argv, (gpointer) "timeout");
    g_ptr_array_add(argv, (gpointer) "-s");
    g_ptr_array_add(argv, (gpointer) "KILL");
    g_ptr_array_add(argv, (gpointer) "60");
    g_ptr_array_add(argv, (gpointer)emulator());
    for (const char *const *a = args; *a; a++) {
        g_ptr_array_add(argv, (gpointer)*a);
    }
    g_ptr_array_add(argv, NULL);
    if (g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH,
                     NULL, NULL, &r.out, &r.err, &wait_status, &gerr)) {
        r.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status)
                                          : 128 + WTERMSIG(wait_status);
    } else {
        fprintf(stderr, "spawn failed: %s\n", gerr->message);
        g_error_free(gerr);
    }
    g_ptr_array_free(argv, true);
    return r;
}

/* Run the emulator with a whitespace-separated argument string. */
static RunResult run_kemu(const char *args)
{
    g_auto(GStrv) split = g_strsplit(args, " ", -1);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();

    for (char **a = split; *a; a++) {
        if (**a) {
            g_ptr_array_add(argv, *a);
        }
    }
    g_ptr_array_add(argv, NULL);
    return run_kemu_argv((const char *const *)argv->pdata);
}

static void run_result_free(RunResult *r)
{
    g_free(r->out);
    g_free(r->err);
}

static void check_one_line_error(RunResult r, const char *args,
                                 const char *want);

/* args must fail with one stderr line that starts with want_prefix. */
static void expect_one_line_error_as_is(const char *args, const char *want)
{
    check_one_line_error(run_kemu(args), args, want);
}

static void check_one_line_error(RunResult r, const char *args,
                                 const char *want)
{
    g_autofree char *expected = g_strdup_printf("kemu-system-x86_64: %s", want);
    int lines = 0;

    for (const char *p = r.err; p && *p; p++) {
        lines += *p == '\n';
    }
    if (r.status != 1 || lines != 1 || !g_str_has_prefix(r.err, expected)) {
        fprintf(stderr, "\n  args: %s\n  status %d, stderr: %s  want: %s\n",
                args, r.status, r.err, expected);
    }
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_EQUAL(lines, 1);
    CU_ASSERT_TRUE(g_str_has_prefix(r.err, expected));
    run_result_free(&r);
}

/*
 * The same, with no accelerator named (kvm, the default), with -accel kvm
 * and with -accel qtest: a user error never depends on the accelerator.
 * args that choose an accelerator themselves run as they are.
 */
static void expect_one_line_error(const char *args, const char *want)
{
    static const char *const accels[] = {"", " -accel kvm", " -accel qtest"};

    if (strstr(args, "-accel") || strstr(args, "accel=")) {
        expect_one_line_error_as_is(args, want);
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(accels); i++) {
        g_autofree char *full = g_strdup_printf("%s%s", args, accels[i]);

        expect_one_line_error_as_is(full, want);
    }
}

/* The same for an argument list that may hold empty arguments. */
static void expect_one_line_error_argv(const char *const *args,
                                       const char *want)
{
    g_autofree char *shown = g_strjoinv(" ", (char **)args);

    check_one_line_error(run_kemu_argv(args), shown, want);
}

static void test_version_and_help(void)
{
    RunResult r = run_kemu("--version");

    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_TRUE(g_str_has_prefix(r.out, "kemu-system-x86_64 version "));
    run_result_free(&r);
    r = run_kemu("-h");
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "-device"));
    run_result_free(&r);
    r = run_kemu("-machine help");
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "pc "));
    run_result_free(&r);
    /* QEMU 7.2's models, then the flags. */
    r = run_kemu("-cpu help");
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "x86 Haswell-noTSX "));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "x86 EPYC-Milan "));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, " tsc-deadline "));
    run_result_free(&r);
}

static void test_device_help(void)
{
    RunResult r = run_kemu("-device help");

    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Network devices:\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "name \"e1000\", bus PCI"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "name \"isa-serial\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "name \"isa-debug-exit\""));
    run_result_free(&r);
    r = run_kemu("-device e1000,help");
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "e1000 options:\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "mac=<str>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "netdev=<str>"));
    run_result_free(&r);
}

static void test_bad_flags(void)
{
    expect_one_line_error("-foo", "-foo: invalid option");
    expect_one_line_error("--bar", "--bar: invalid option");
    expect_one_line_error("disk.img", "disk.img: invalid argument");
    expect_one_line_error_as_is("-m", "-m: requires an argument");
    expect_one_line_error("-m abc", "-m: invalid size 'abc' for 'size'");
    expect_one_line_error("-smp cpus=300", "-smp: invalid number of CPUs");
    expect_one_line_error("-machine foo", "-machine foo: unsupported machine");
    expect_one_line_error("-accel foo", "-accel foo: invalid accelerator");
    /* pentium is one of QEMU 7.2's models; pentium9 is none. */
    expect_one_line_error("-cpu pentium9", "-cpu: unable to find CPU model "
                                           "'pentium9'");
    expect_one_line_error("-cpu qemu64,+nosuchflag",
                          "-cpu: CPU flag or property 'nosuchflag' not found");
    expect_one_line_error("-cpu qemu64,hv_relaxed",
                          "-cpu: CPU flag 'hv_relaxed': Hyper-V");
    expect_one_line_error("-cpu Nehalem,family=x",
                          "-cpu: CPU property 'family': 'x' is not a number");
    expect_one_line_error("-d nope", "-d: unknown log item 'nope'");
    expect_one_line_error("-drive file=x.img", "-drive: not supported");
    expect_one_line_error("-display gtk", "-display: display 'gtk' is not");
    expect_one_line_error("-rtc base=yesterday", "-rtc base=yesterday: "
                                                 "invalid base");
}

static void test_bad_devices(void)
{
    expect_one_line_error("-device nosuch",
                          "-device nosuch: 'nosuch' is not a valid device "
                          "model name");
    expect_one_line_error("-device i440FX", "-device i440FX: device 'i440FX' "
                                            "can't be added");
    expect_one_line_error("-device e1000,foo=1",
                          "-device e1000: invalid parameter 'foo'");
    expect_one_line_error("-device e1000,mac=zz",
                          "-device e1000: property 'e1000.mac' doesn't take "
                          "value 'zz' (expected a MAC address");
    expect_one_line_error("-device e1000,netdev=nope",
                          "-device e1000: Property 'e1000.netdev' can't find "
                          "value 'nope'");
    expect_one_line_error("-device isa-debug-exit,iosize=x",
                          "-device isa-debug-exit: property "
                          "'isa-debug-exit.iosize' doesn't take value 'x'");
    expect_one_line_error("-device e1000,addr=40",
                          "-device e1000: property 'e1000.addr' doesn't "
                          "take value '40'");
    expect_one_line_error("-device isa-serial,id=a "
                          "-device isa-serial,id=a,iobase=0x2f8",
                          "-device isa-serial: duplicate device id 'a'");
}

static void test_bad_backends(void)
{
    expect_one_line_error("-netdev user", "-netdev user: Parameter 'id' is "
                                          "missing");
    expect_one_line_error("-netdev user,id=n0,foo=1",
                          "-netdev user: invalid parameter 'foo'");
    expect_one_line_error("-netdev bogus,id=x",
                          "-netdev bogus: unknown netdev type 'bogus'");
    expect_one_line_error("-chardev foo,id=x",
                          "-chardev foo: unknown chardev backend 'foo'");
    expect_one_line_error("-serial bogus:x",
                          "-serial bogus:x: unknown chardev backend");
}

static void test_bad_images(void)
{
    expect_one_line_error("-kernel /nonexistent", "-kernel /nonexistent: ");
    expect_one_line_error("-kernel /etc/hostname",
                          "-kernel /etc/hostname: not a");
    expect_one_line_error("-kernel /etc", "-kernel /etc: is a directory");
    expect_one_line_error("-bios /nonexistent", "-bios /nonexistent: ");
    expect_one_line_error("-bios /etc", "-bios /etc: not a regular file");
    expect_one_line_error("-initrd /etc/hostname",
                          "-initrd is only allowed with -kernel");
    expect_one_line_error("-append quiet", "-append is only allowed with "
                                           "-kernel");
    expect_one_line_error("-kernel /etc/hostname -bios /etc/hostname",
                          "-kernel with -bios");
}

/*
 * A smallest multiboot kernel (a.out kludge: the header says where the
 * file goes), so that -initrd is read too.
 */
static char *write_multiboot_kernel(const char *dir)
{
    uint32_t h[16] = {0x1badb002, 0x00010000, 0, 0x100000,
                      0x100000,   0,          0, 0x100000};
    char *path = g_build_filename(dir, "mb.bin", NULL);

    h[2] = -(h[0] + h[1]);
    CU_ASSERT_TRUE(g_file_set_contents(path, (char *)h, sizeof(h), NULL));
    return path;
}

/* A sparse file of @size bytes. */
static char *write_sparse(const char *dir, const char *name, off_t size)
{
    char *path = g_build_filename(dir, name, NULL);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    CU_ASSERT_TRUE(fd >= 0 && ftruncate(fd, size) == 0);
    close(fd);
    return path;
}

/*
 * -kernel, -initrd and -bios read files only: a device or a FIFO (which
 * would be read, or waited for, for ever) and a file larger than RAM are
 * refused at once with one line.
 */
static void test_unbounded_images(void)
{
    g_autofree char *dir = g_dir_make_tmp("kemu-cmdline-XXXXXX", NULL);
    g_autofree char *mb = write_multiboot_kernel(dir);
    g_autofree char *fifo = g_build_filename(dir, "fifo", NULL);
    g_autofree char *big = write_sparse(dir, "big", 129 * MiB);
    g_autofree char *args = NULL, *want = NULL;

    CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
    expect_one_line_error("-kernel /dev/zero",
                          "-kernel /dev/zero: not a regular file");
    /* mb loads: the error is the -initrd file's. */
    args = g_strdup_printf("-kernel %s -initrd /dev/zero", mb);
    expect_one_line_error(args, "-initrd /dev/zero: not a regular file");
    expect_one_line_error("-bios /dev/zero", "-bios /dev/zero: not a regular "
                                             "file");
    g_free(args);
    args = g_strdup_printf("-kernel %s", fifo);
    want = g_strdup_printf("-kernel %s: not a regular file", fifo);
    expect_one_line_error(args, want);
    g_free(args);
    g_free(want);
    args = g_strdup_printf("-kernel %s -initrd %s", mb, fifo);
    want = g_strdup_printf("-initrd %s: not a regular file", fifo);
    expect_one_line_error(args, want);
    g_free(args);
    g_free(want);
    args = g_strdup_printf("-kernel %s -initrd %s -m 128", mb, big);
    want = g_strdup_printf("-initrd %s: %llu bytes, more than the guest's "
                           "%llu bytes of RAM (try a larger -m)",
                           big, 129 * MiB, 128 * MiB);
    expect_one_line_error(args, want);
    g_free(args);
    g_free(want);
    args = g_strdup_printf("-kernel %s -m 128", big);
    want = g_strdup_printf("-kernel %s: %llu bytes, more than the guest's ",
                           big, 129 * MiB);
    expect_one_line_error(args, want);
    g_free(args);
    g_free(want);
    args = g_strdup_printf("-bios %s", big);
    want = g_strdup_printf("-bios %s: %llu bytes; a firmware image has", big,
                           129 * MiB);
    expect_one_line_error(args, want);
    unlink(mb);
    unlink(fifo);
    unlink(big);
    rmdir(dir);
}

/* -cpu '' (once NULL to strcmp); -qmp none and -qtest none: no monitor. */
static void test_empty_and_none(void)
{
    static const char *const cpu_empty[] = {"-accel", "qtest", "-cpu", "",
                                            NULL};

    expect_one_line_error_argv(cpu_empty, "-cpu: no CPU model given");
    expect_one_line_error("-qmp none", "-qmp none: 'none' is not a valid "
                                       "chardev for a QMP monitor");
    expect_one_line_error("-qtest none", "-qtest none: 'none' is not a valid "
                                         "chardev for the qtest server");
}

/* What the machine is built from, checked before the accelerator too. */
static void test_bad_frontends(void)
{
    expect_one_line_error("-device isa-serial,chardev=nope",
                          "-device isa-serial: Property 'isa-serial.chardev' "
                          "can't find value 'nope'");
    expect_one_line_error("-chardev null,id=c0 "
                          "-device isa-serial,chardev=c0 "
                          "-device isa-serial,chardev=c0,iobase=0x2f8",
                          "-device isa-serial: Property 'isa-serial.chardev' "
                          "can't take value 'c0', it's in use");
    expect_one_line_error("-device isa-serial,id=1a",
                          "-device isa-serial: invalid id '1a'");
    expect_one_line_error("-mon chardev=nope", "-mon nope: chardev 'nope' not "
                                               "found");
    expect_one_line_error("-object foo,id=x",
                          "-object foo: object type 'foo' is not supported");
    expect_one_line_error("-qmp bogus:x", "-qmp bogus:x: unknown chardev "
                                          "backend");
    expect_one_line_error("-nic user,model=bogus",
                          "-nic bogus: 'bogus' is not a valid device model "
                          "name");
}

static void test_nic_models(void)
{
    RunResult r = run_kemu("-nic user,model=help");

    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_TRUE(g_str_has_prefix(r.out, "Supported NIC models:\ne1000\n"));
    run_result_free(&r);
}

/* -nic model=virtio is virtio-net-pci, as on QEMU's pc. */
static void test_nic_model_virtio(void)
{
    QTestState *qts = qtest_init("-nic user,model=virtio");
    g_autofree char *info = qtest_hmp(qts, "info network");

    CU_ASSERT_PTR_NOT_NULL(strstr(info, "model=virtio-net-pci,"));
    qtest_quit(qts);
}

/* -nic mac= reads addresses with -device's grammar: ':' or '-' between. */
static void test_nic_mac(void)
{
    QTestState *qts = qtest_init("-nic user,mac=52-54-00-ab-cd-ef");
    g_autofree char *info = qtest_hmp(qts, "info network");

    CU_ASSERT_PTR_NOT_NULL(strstr(info, "macaddr=52:54:00:ab:cd:ef"));
    qtest_quit(qts);
    expect_one_line_error("-nic user,mac=52.54.00.ab.cd.ef",
                          "-nic user: invalid MAC address '52.54.00.ab.cd.ef'");
}

static void test_bad_globals(void)
{
    expect_one_line_error("-global isa-serial", "-global isa-serial: expected "
                                                "driver.property=value or "
                                                "driver=D,property=P,value=V");
    expect_one_line_error("-global driver=isa-serial,property=iobase",
                          "-global driver=isa-serial,property=iobase: "
                          "parameter 'value' is missing");
    expect_one_line_error("-global driver=isa-serial,property=iobase,value=1,"
                          "foo=2",
                          "-global: invalid parameter 'foo'");
    expect_one_line_error("-global isa-serial.nope=1",
                          "-global isa-serial.nope=1: property "
                          "'isa-serial.nope' not found");
    expect_one_line_error("-global isa-serial.iobase=xyz",
                          "-global isa-serial.iobase=xyz: property "
                          "'isa-serial.iobase' doesn't take value 'xyz'");
    expect_one_line_error("-global driver=isa-serial,property=iobase,"
                          "value=xyz",
                          "-global isa-serial.iobase=xyz: property "
                          "'isa-serial.iobase' doesn't take value 'xyz'");
    expect_one_line_error("-global kvm-pit.lost_tick_policy=foo",
                          "-global kvm-pit.lost_tick_policy=foo: property "
                          "'kvm-pit.lost_tick_policy' doesn't take value "
                          "'foo' (expected discard or delay)");
    expect_one_line_error("-global kvm-pit.lost_tick_policy=slew",
                          "-global kvm-pit.lost_tick_policy=slew: property "
                          "'kvm-pit.lost_tick_policy' doesn't take value "
                          "'slew' (expected discard or delay)");
    /* An abstract driver: the value is tried on a concrete subclass. */
    expect_one_line_error("-global pci-device.addr=zz",
                          "-global pci-device.addr=zz: property ");
}

static void test_bad_machine_props(void)
{
    /* -enable-kvm is -machine accel=kvm, as in QEMU: it merges with one. */
    expect_one_line_error("-enable-kvm -accel qtest",
                          "-machine accel=kvm: -accel and -machine accel= "
                          "are incompatible");
    expect_one_line_error("-enable-kvm -machine accel=kvm -machine pc,foo=1",
                          "-machine pc: invalid parameter 'foo'");
    expect_one_line_error("-machine pc,pit=maybe",
                          "-machine pc: property 'pit' doesn't take value "
                          "'maybe' (expected auto, on or off)");
    expect_one_line_error("-machine pc,foo=1",
                          "-machine pc: invalid parameter 'foo' (see "
                          "-machine pc,help)");
    expect_one_line_error("-machine pc,hpet=on",
                          "-machine pc: hpet=on is not supported: kemu has "
                          "no HPET");
    expect_one_line_error("-machine pc,acpi=maybe",
                          "-machine pc: property 'acpi' doesn't take value");
    expect_one_line_error("-machine pc,i8042=2",
                          "-machine pc: property 'i8042' doesn't take value "
                          "'2' (expected on or off)");
    expect_one_line_error("-machine smm=on", "-machine: smm=on is not "
                                             "supported");
    expect_one_line_error("-machine vmport=on", "-machine: vmport=on is not "
                                                "supported");
    expect_one_line_error("-machine pic=off", "-machine: pic=off is not "
                                              "supported");
    expect_one_line_error("-machine usb=on", "-machine: usb=on is not "
                                             "supported");
    expect_one_line_error("-machine sata=on", "-machine: sata=on is not "
                                              "supported");
    expect_one_line_error("-machine smbus=on", "-machine: smbus=on is not "
                                               "supported");
    expect_one_line_error("-machine graphics=on", "-machine: graphics=on is "
                                                  "not supported");
    expect_one_line_error("-machine max-ram-below-4g=lots",
                          "-machine: property 'max-ram-below-4g' doesn't "
                          "take value 'lots'");
    expect_one_line_error("-machine max-ram-below-4g=5G",
                          "-machine max-ram-below-4g=5368709120: at most "
                          "3584M");
    expect_one_line_error("-machine kernel-irqchip=split",
                          "-machine: kernel-irqchip=split is not supported");
    expect_one_line_error("-accel kvm,kernel-irqchip=off",
                          "-accel: kernel-irqchip=off is not supported");
    expect_one_line_error("-machine accel=qtest -accel qtest",
                          "-machine accel=qtest: -accel and -machine accel= "
                          "are incompatible");
}

/* Repeated -machine options merge; a later one keeps what it leaves out. */
static void test_machine_merge(void)
{
    RunResult r;

    expect_one_line_error("-machine accel=bogus -M pc",
                          "-accel bogus: invalid accelerator");
    expect_one_line_error("-M pc -machine accel=bogus",
                          "-accel bogus: invalid accelerator");
    expect_one_line_error("-M pc -machine pit=maybe",
                          "-M pc: property 'pit' doesn't take value");
    expect_one_line_error("-machine pit=off -machine pc,pit=maybe",
                          "-machine pc: property 'pit' doesn't take value");
    expect_one_line_error("-machine pc,foo=1 -machine acpi=on",
                          "-machine pc: invalid parameter 'foo'");
    expect_one_line_error("-machine foo -machine pc,hpet=on",
                          "-machine pc: hpet=on is not supported");
    r = run_kemu("-M pc -machine pc,help");
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "pc-machine options:\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "pit=<OnOffAuto>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "max-ram-below-4g=<size>"));
    run_result_free(&r);
}

/*
 * QEMU 7.2 warns about a -global for an unknown driver, and one no device
 * used, instead of failing; the machine runs.
 */
static void test_global_warnings(void)
{
    g_autofree char *cmd = g_strdup_printf(
        "printf '%%s\\n' '{\"execute\": \"qmp_capabilities\"}' "
        "'{\"execute\": \"quit\"}' | %s -machine pc -accel qtest "
        "-display none -qmp stdio -global nosuch.prop=1 "
        "-global isa-debug-exit.iosize=2",
        emulator());
    g_autofree char *out = NULL, *err = NULL;
    GError *gerr = NULL;
    int wait_status = 0;
    const char *argv[] = {"/bin/sh", "-c", cmd, NULL};

    CU_ASSERT_FATAL(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT,
                                 NULL, NULL, &out, &err, &wait_status, &gerr));
    CU_ASSERT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);
    CU_ASSERT_STRING_EQUAL(err,
                           "kemu-system-x86_64: warning: global nosuch.prop "
                           "has invalid class name\n"
                           "kemu-system-x86_64: warning: global "
                           "isa-debug-exit.iosize=2 not used\n");
}

QTEST_SUITE(cmdline, QTEST_CASE(test_version_and_help),
            QTEST_CASE(test_device_help), QTEST_CASE(test_bad_flags),
            QTEST_CASE(test_bad_devices), QTEST_CASE(test_bad_backends),
            QTEST_CASE(test_bad_images), QTEST_CASE(test_unbounded_images),
            QTEST_CASE(test_empty_and_none), QTEST_CASE(test_bad_frontends),
            QTEST_CASE(test_nic_models), QTEST_CASE(test_nic_model_virtio),
            QTEST_CASE(test_nic_mac), QTEST_CASE(test_bad_globals),
            QTEST_CASE(test_bad_machine_props), QTEST_CASE(test_machine_merge),
            QTEST_CASE(test_global_warnings));
