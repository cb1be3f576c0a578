/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc machine without KVM: the RAM layout for several -m values, the
 * -bios mapping (reset vector bytes at 0xFFFFFFF0 and 0xFFFF0, ROM writes
 * ignored), the PVH ELF loader on crafted ELF32/ELF64 files (entry state,
 * hvm_start_info, memory map, command line, initrd, images put back by a
 * reset, refused images), GSI lines through the IOAPIC, and run-state
 * requests.
 */
#include "util/osdep.h"
#include "hw/core/machine.h"
#include "hw/i386/pc.h"
#include "util/main-loop.h"
#include "util/option.h"
#include "hw/core/hotplug.h"
#include "system/device-add.h"
#include "tests/unit/unit.h"
#include <elf.h>

#define TEST_RAM                 (128 * MiB)
#define KERNEL_ADDR              0x100000u
#define KERNEL_ENTRY             (KERNEL_ADDR + 0x10)
#define KERNEL_BSS               0x1000u
#define HVM_START_MAGIC          0x336ec578u
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define MAX_WAIT_ITERATIONS      100

static const uint8_t kernel_code[] = "KEMU kernel text and data";
static const char initrd_data[] = "INITRD-DATA";

/* ---- A machine per test ---- */

typedef struct TestAccel {
    int gsi;
    int level;
    int calls;
} TestAccel;

static void test_set_gsi(MachineState *ms, int gsi, int level)
{
    TestAccel *t = ms->accel_state;

    t->gsi = gsi;
    t->level = level;
    t->calls++;
}

/* An accelerator that runs guest code (so a board needs some). */
static const AccelOps test_accel_ops = {
    .name = "test",
    .set_gsi = test_set_gsi,
    .runs_guest_code = true,
};

static MachineState *pc_new(Object **root, uint64_t ram_size)
{
    MachineClass *mc = machine_class_find("pc");

    CU_ASSERT_FATAL(mc != NULL);
    *root = object_new(TYPE_CONTAINER);
    MachineState *ms = machine_create(*root, mc);
    ms->ram_size = ram_size;
    return ms;
}

static void pc_free(Object *root, MachineState *ms)
{
    machine_destroy(ms);
    object_unref(root);
}

static char *write_temp(const void *data, size_t len)
{
    GError *gerr = NULL;
    char *path = NULL;
    int fd = g_file_open_tmp("kemu-test-XXXXXX", &path, &gerr);

    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_FATAL(write(fd, data, len) == (ssize_t)len);
    close(fd);
    return path;
}

static bool is_ram_at(MachineState *ms, hwaddr addr)
{
    MemoryRegionSection sec;

    return address_space_lookup(ms->as_memory, addr, &sec) &&
           memory_region_is_ram(sec.mr) && !sec.readonly;
}

/* ---- Layout ---- */

static void test_ram_split(void)
{
    static const struct {
        uint64_t ram, max_below, below, above;
    } cases[] = {
        {128 * MiB, 0, 128 * MiB, 0},
        {3 * GiB, 0, 3 * GiB, 0},
        {0xdfffffffULL, 0, 0xdfffffffULL, 0},
        {0xe0000000ULL, 0, 3 * GiB, 512 * MiB},
        {4 * GiB, 0, 3 * GiB, 1 * GiB},
        {8 * GiB, 0, 3 * GiB, 5 * GiB},
        /* -machine max-ram-below-4g= */
        {4 * GiB, 2 * GiB, 2 * GiB, 2 * GiB},
        {1 * GiB, 2 * GiB, 1 * GiB, 0},
        {2 * GiB, 2 * GiB, 2 * GiB, 0},
        {1 * GiB, 512 * MiB, 512 * MiB, 512 * MiB},
        {3 * GiB, 0xe0000000ULL, 3 * GiB, 0},
        {4 * GiB, 0xe0000000ULL, 3 * GiB, 1 * GiB},
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint64_t below, above;

        pc_ram_split(cases[i].ram, cases[i].max_below, &below, &above);
        CU_ASSERT_EQUAL(below, cases[i].below);
        CU_ASSERT_EQUAL(above, cases[i].above);
    }
}

static void check_layout(uint64_t ram, uint64_t below, uint64_t above)
{
    Object *root;
    MachineState *ms = pc_new(&root, ram);

    CU_ASSERT_FATAL(machine_init_board(ms, NULL));
    CU_ASSERT(is_ram_at(ms, 0));
    CU_ASSERT(is_ram_at(ms, below - 1));
    CU_ASSERT(!is_ram_at(ms, below));
    CU_ASSERT(!is_ram_at(ms, 4 * GiB - 1));
    CU_ASSERT_EQUAL(is_ram_at(ms, 4 * GiB), above != 0);
    if (above) {
        CU_ASSERT(is_ram_at(ms, 4 * GiB + above - 1));
        CU_ASSERT(!is_ram_at(ms, 4 * GiB + above));
    }
    pc_free(root, ms);
}

static void test_layout(void)
{
    check_layout(128 * MiB, 128 * MiB, 0);
    check_layout(3 * GiB, 3 * GiB, 0);
    check_layout(4 * GiB, 3 * GiB, 1 * GiB);
    check_layout(6 * GiB, 3 * GiB, 3 * GiB);
}

static void test_no_firmware(void)
{
    Object *root;
    MachineState *ms = pc_new(&root, TEST_RAM);
    TestAccel t = {0};
    Error *err = NULL;

    ms->accel = &test_accel_ops;
    ms->accel_state = &t;
    CU_ASSERT(!machine_init_board(ms, &err));
    CU_ASSERT_FATAL(err != NULL);
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err),
                           "no -kernel and no -bios: kemu has no default "
                           "firmware yet");
    error_free(err);
    ms->accel = NULL;
    pc_free(root, ms);
}

/* ---- -bios ---- */

static void check_bios(size_t size)
{
    g_autofree uint8_t *image = g_malloc(size);
    g_autofree char *path = NULL;
    size_t isa = MIN(size, 128 * KiB);
    uint8_t buf[16], junk[16];
    Object *root;
    MachineState *ms;

    for (size_t i = 0; i < size; i++) {
        image[i] = (uint8_t)(i * 7 + (i >> 12));
    }
    /* The reset vector: jmp far f000:e05b, then a marker. */
    memcpy(image + size - 16, "\xea\x5b\xe0\x00\xf0RESETVECTOR", 16);
    path = write_temp(image, size);

    ms = pc_new(&root, TEST_RAM);
    ms->firmware = g_strdup(path);
    CU_ASSERT_FATAL(machine_init_board(ms, NULL));
    CU_ASSERT_FALSE(ms->boot_cpu.flat32);

    address_space_read(ms->as_memory, 0xfffffff0, buf, sizeof(buf));
    CU_ASSERT(!memcmp(buf, image + size - 16, 16));
    address_space_read(ms->as_memory, 0xffff0, buf, sizeof(buf));
    CU_ASSERT(!memcmp(buf, image + size - 16, 16));
    memset(buf, 0, sizeof(buf));
    CU_ASSERT(dma_memory_read(ms->as_memory, 0xfffffff0, buf, sizeof(buf)) ==
              MEMTX_OK);
    CU_ASSERT(!memcmp(buf, image + size - 16, 16));
    address_space_read(ms->as_memory, 4 * GiB - size, buf, sizeof(buf));
    CU_ASSERT(!memcmp(buf, image, 16));
    address_space_read(ms->as_memory, 1 * MiB - isa, buf, sizeof(buf));
    CU_ASSERT(!memcmp(buf, image + size - isa, 16));

    /* ROM: the guest's writes are dropped. */
    memset(junk, 0x5a, sizeof(junk));
    address_space_write(ms->as_memory, 0xffff0, junk, sizeof(junk));
    address_space_write(ms->as_memory, 0xfffffff0, junk, sizeof(junk));
    address_space_read(ms->as_memory, 0xffff0, buf, sizeof(buf));
    CU_ASSERT(!memcmp(buf, image + size - 16, 16));
    address_space_read(ms->as_memory, 0xfffffff0, buf, sizeof(buf));
    CU_ASSERT(!memcmp(buf, image + size - 16, 16));
    /* RAM below the isa-bios window is still RAM. */
    CU_ASSERT(is_ram_at(ms, 1 * MiB - isa - 1));
    pc_free(root, ms);
    unlink(path);
}

static void test_bios(void)
{
    check_bios(64 * KiB);
    check_bios(256 * KiB);
}

static void test_bios_missing(void)
{
    Object *root;
    MachineState *ms = pc_new(&root, TEST_RAM);
    Error *err = NULL;

    ms->firmware = g_strdup("/nonexistent/kemu-bios.bin");
    CU_ASSERT(!machine_init_board(ms, &err));
    CU_ASSERT_FATAL(err != NULL);
    CU_ASSERT(g_str_has_prefix(error_get_pretty(err),
                               "-bios /nonexistent/kemu-bios.bin: "));
    error_free(err);
    pc_free(root, ms);
}

/* ---- PVH ---- */

/* An ELF with one PT_LOAD at KERNEL_ADDR (text, then bss) and a note. */
static GByteArray *make_elf(bool is64, uint32_t load_addr, bool with_note)
{
    GByteArray *out = g_byte_array_new();
    size_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
    size_t phsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
    size_t note_off = ehsize + 2 * phsize;
    size_t desc_size = is64 ? 8 : 4;
    size_t note_size = 12 + 4 + desc_size;
    size_t text_off = note_off + note_size;
    uint32_t note_hdr[3] = {4, desc_size, XEN_ELFNOTE_PHYS32_ENTRY};
    uint64_t entry = KERNEL_ENTRY;
    unsigned phnum = with_note ? 2 : 1;

    if (is64) {
        Elf64_Ehdr eh = {.e_type = ET_EXEC,
                         .e_machine = EM_X86_64,
                         .e_version = EV_CURRENT,
                         .e_entry = entry,
                         .e_phoff = ehsize,
                         .e_ehsize = ehsize,
                         .e_phentsize = phsize,
                         .e_phnum = phnum};
        Elf64_Phdr ph[2] = {
            {.p_type = PT_LOAD,
             .p_offset = text_off,
             .p_vaddr = 0xffffffff80000000ULL + load_addr,
             .p_paddr = load_addr,
             .p_filesz = sizeof(kernel_code),
             .p_memsz = sizeof(kernel_code) + KERNEL_BSS},
            {.p_type = PT_NOTE, .p_offset = note_off, .p_filesz = note_size},
        };

        memcpy(eh.e_ident, ELFMAG, SELFMAG);
        eh.e_ident[EI_CLASS] = ELFCLASS64;
        eh.e_ident[EI_DATA] = ELFDATA2LSB;
        eh.e_ident[EI_VERSION] = EV_CURRENT;
        g_byte_array_append(out, (void *)&eh, sizeof(eh));
        g_byte_array_append(out, (void *)ph, sizeof(ph));
    } else {
        Elf32_Ehdr eh = {.e_type = ET_EXEC,
                         .e_machine = EM_386,
                         .e_version = EV_CURRENT,
                         .e_entry = entry,
                         .e_phoff = ehsize,
                         .e_ehsize = ehsize,
                         .e_phentsize = phsize,
                         .e_phnum = phnum};
        Elf32_Phdr ph[2] = {
            {.p_type = PT_LOAD,
             .p_offset = text_off,
             .p_vaddr = load_addr,
             .p_paddr = load_addr,
             .p_filesz = sizeof(kernel_code),
             .p_memsz = sizeof(kernel_code) + KERNEL_BSS},
            {.p_type = PT_NOTE, .p_offset = note_off, .p_filesz = note_size},
        };

        memcpy(eh.e_ident, ELFMAG, SELFMAG);
        eh.e_ident[EI_CLASS] = ELFCLASS32;
        eh.e_ident[EI_DATA] = ELFDATA2LSB;
        eh.e_ident[EI_VERSION] = EV_CURRENT;
        g_byte_array_append(out, (void *)&eh, sizeof(eh));
        g_byte_array_append(out, (void *)ph, sizeof(ph));
    }
    g_byte_array_append(out, (void *)note_hdr, sizeof(note_hdr));
    g_byte_array_append(out, (const uint8_t *)"Xen", 4);
    g_byte_array_append(out, (void *)&entry, desc_size);
    g_byte_array_append(out, kernel_code, sizeof(kernel_code));
    return out;
}

struct start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};

struct memmap_entry {
    uint64_t addr, size;
    uint32_t type, reserved;
};

struct module_entry {
    uint64_t paddr, size, cmdline_paddr, reserved;
};

static void check_pvh(bool is64)
{
    g_autoptr(GByteArray) elf = make_elf(is64, KERNEL_ADDR, true);
    g_autofree char *kpath = write_temp(elf->data, elf->len);
    g_autofree char *ipath = write_temp(initrd_data, sizeof(initrd_data));
    static const struct memmap_entry want[] = {
        {0, 0xa0000, 1, 0},
        {0x100000, TEST_RAM - 0x100000, 1, 0},
        {0xfeffc000, 0x4000, 2, 0},
    };
    struct memmap_entry map[ARRAY_SIZE(want)];
    uint8_t text[sizeof(kernel_code)], bss[KERNEL_BSS], zero[KERNEL_BSS];
    char cmdline[64], initrd[sizeof(initrd_data)];
    struct module_entry mod;
    struct start_info si;
    Object *root;
    MachineState *ms = pc_new(&root, TEST_RAM);

    ms->kernel_filename = g_strdup(kpath);
    ms->initrd_filename = g_strdup(ipath);
    ms->kernel_cmdline = g_strdup("console=ttyS0 hello");
    CU_ASSERT_FATAL(machine_init_board(ms, NULL));

    CU_ASSERT(ms->boot_cpu.flat32);
    CU_ASSERT_EQUAL(ms->boot_cpu.eip, KERNEL_ENTRY);
    CU_ASSERT_EQUAL(ms->boot_cpu.ebx, PVH_START_INFO_ADDR);

    address_space_read(ms->as_memory, ms->boot_cpu.ebx, &si, sizeof(si));
    CU_ASSERT_EQUAL(si.magic, HVM_START_MAGIC);
    CU_ASSERT_EQUAL(si.version, 1);
    CU_ASSERT_EQUAL(si.nr_modules, 1);
    /* The board's ACPI tables, RSDP first, in the BIOS area. */
    CU_ASSERT_EQUAL(si.rsdp_paddr, 0xe0000);
    address_space_read(ms->as_memory, si.rsdp_paddr, cmdline, 8);
    CU_ASSERT(!memcmp(cmdline, "RSD PTR ", 8));
    CU_ASSERT_EQUAL(si.memmap_entries, ARRAY_SIZE(want));

    address_space_read(ms->as_memory, si.cmdline_paddr, cmdline,
                       sizeof(cmdline));
    CU_ASSERT_STRING_EQUAL(cmdline, "console=ttyS0 hello");

    address_space_read(ms->as_memory, si.memmap_paddr, map, sizeof(map));
    CU_ASSERT(!memcmp(map, want, sizeof(want)));

    address_space_read(ms->as_memory, si.modlist_paddr, &mod, sizeof(mod));
    CU_ASSERT_EQUAL(mod.size, sizeof(initrd_data));
    CU_ASSERT_EQUAL(mod.paddr, TEST_RAM - 4096);
    address_space_read(ms->as_memory, mod.paddr, initrd, sizeof(initrd));
    CU_ASSERT(!memcmp(initrd, initrd_data, sizeof(initrd_data)));

    address_space_read(ms->as_memory, KERNEL_ADDR, text, sizeof(text));
    CU_ASSERT(!memcmp(text, kernel_code, sizeof(kernel_code)));

    /* The guest scribbles over its image; a reset puts it back. */
    memset(zero, 0, sizeof(zero));
    memset(bss, 0xcc, sizeof(bss));
    address_space_write(ms->as_memory, KERNEL_ADDR, bss, sizeof(bss));
    address_space_write(ms->as_memory, KERNEL_ADDR + sizeof(kernel_code), bss,
                        sizeof(bss));
    address_space_write(ms->as_memory, PVH_START_INFO_ADDR, bss, 16);
    machine_reset(ms);
    address_space_read(ms->as_memory, KERNEL_ADDR, text, sizeof(text));
    CU_ASSERT(!memcmp(text, kernel_code, sizeof(kernel_code)));
    address_space_read(ms->as_memory, KERNEL_ADDR + sizeof(kernel_code), bss,
                       sizeof(bss));
    CU_ASSERT(!memcmp(bss, zero, sizeof(zero)));
    address_space_read(ms->as_memory, PVH_START_INFO_ADDR, &si, sizeof(si));
    CU_ASSERT_EQUAL(si.magic, HVM_START_MAGIC);
    pc_free(root, ms);
    unlink(kpath);
    unlink(ipath);
}

static void test_pvh_elf32(void)
{
    check_pvh(false);
}

static void test_pvh_elf64(void)
{
    check_pvh(true);
}

/* Boot with a bad kernel; the error must start with @want. */
static void check_pvh_refused(GByteArray *elf, const char *want_part)
{
    g_autofree char *path = write_temp(elf->data, elf->len);
    Object *root;
    MachineState *ms = pc_new(&root, TEST_RAM);
    Error *err = NULL;

    ms->kernel_filename = g_strdup(path);
    CU_ASSERT(!machine_init_board(ms, &err));
    CU_ASSERT_FATAL(err != NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(error_get_pretty(err), want_part));
    error_free(err);
    pc_free(root, ms);
    unlink(path);
}

static void test_pvh_refused(void)
{
    g_autoptr(GByteArray) no_note = make_elf(false, KERNEL_ADDR, false);
    g_autoptr(GByteArray) high = make_elf(true, 0x10000000, true);
    g_autoptr(GByteArray) low = make_elf(false, 0x1000, true);
    g_autoptr(GByteArray) cut = make_elf(false, KERNEL_ADDR, true);
    static const uint8_t junk[] = "not a kernel at all";
    g_autoptr(GByteArray) text = g_byte_array_new();

    check_pvh_refused(no_note, "no PVH entry point");
    check_pvh_refused(high, "is outside RAM below 4 GiB");
    check_pvh_refused(low, "overlaps -kernel");
    g_byte_array_set_size(cut, 60);
    check_pvh_refused(cut, "truncated ELF headers");
    g_byte_array_append(text, junk, sizeof(junk));
    check_pvh_refused(text, "not an ELF image");
}

/* ---- Interrupt lines, object tree, requests ---- */

static void test_ioapic_lines(void)
{
    Object *root;
    MachineState *ms = pc_new(&root, TEST_RAM);
    TestAccel t = {.gsi = -1};
    Object *ioapic;

    CU_ASSERT_FATAL(machine_init_board(ms, NULL));
    ms->accel = &test_accel_ops;
    ms->accel_state = &t;
    ioapic = object_resolve_path(root, "ioapic");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ioapic);
    CU_ASSERT_EQUAL(ms->sysbus->num_irqs, 24);
    qemu_set_irq(ms->sysbus->irqs[4], 1);
    CU_ASSERT_EQUAL(t.gsi, 4);
    CU_ASSERT_EQUAL(t.level, 1);
    qemu_set_irq(qdev_get_gpio_in(DEVICE(ioapic), 23), 0);
    CU_ASSERT_EQUAL(t.gsi, 23);
    CU_ASSERT_EQUAL(t.level, 0);
    ms->accel = NULL;
    pc_free(root, ms);
}

typedef struct TestNotifier {
    MachineNotifier n;
    MachineEvent last;
    char *reason;
    int count;
} TestNotifier;

static void test_notify(MachineNotifier *n, MachineEvent event,
                        const char *reason, bool guest)
{
    TestNotifier *tn = container_of(n, TestNotifier, n);

    tn->last = event;
    g_free(tn->reason);
    tn->reason = g_strdup(reason);
    tn->count++;
}

static void wait_for_events(MachineState *ms, TestNotifier *tn, int count)
{
    for (int i = 0; i < MAX_WAIT_ITERATIONS && tn->count < count; i++) {
        main_loop_wait(ms->main_loop, true);
    }
}

static void test_requests(void)
{
    Object *root;
    MachineState *ms = pc_new(&root, TEST_RAM);
    TestNotifier tn = {.n.notify = test_notify};

    CU_ASSERT_FATAL(machine_init_board(ms, NULL));
    machine_add_notifier(ms, &tn.n);
    CU_ASSERT(machine_start(ms, NULL));
    CU_ASSERT_EQUAL(ms->runstate, RUN_STATE_RUNNING);

    machine_request_reset(ms, "guest-reset", true);
    wait_for_events(ms, &tn, 2);
    CU_ASSERT_EQUAL(tn.last, MACHINE_EVENT_RESET);
    CU_ASSERT_STRING_EQUAL(tn.reason, "guest-reset");
    CU_ASSERT_EQUAL(ms->runstate, RUN_STATE_RUNNING);

    ms->no_reboot = true;
    machine_request_reset(ms, "guest-reset", true);
    wait_for_events(ms, &tn, 3);
    CU_ASSERT_EQUAL(tn.last, MACHINE_EVENT_SHUTDOWN);
    CU_ASSERT_EQUAL(ms->runstate, RUN_STATE_SHUTDOWN);
    CU_ASSERT_EQUAL(ms->exit_status, 0);

    /* The first shutdown wins. */
    machine_request_shutdown(ms, 35, "guest-shutdown", true);
    main_loop_wait(ms->main_loop, true);
    CU_ASSERT_EQUAL(ms->exit_status, 0);
    CU_ASSERT_EQUAL(tn.count, 3);
    machine_remove_notifier(ms, &tn.n);
    g_free(tn.reason);
    pc_free(root, ms);
}

static void test_exit_status(void)
{
    Object *root;
    MachineState *ms = pc_new(&root, TEST_RAM);

    CU_ASSERT_FATAL(machine_init_board(ms, NULL));
    CU_ASSERT(machine_start(ms, NULL));
    ms->no_shutdown = true; /* does not hold back a chosen status */
    machine_request_shutdown(ms, 33, "guest-shutdown", true);
    for (int i = 0;
         i < MAX_WAIT_ITERATIONS && ms->runstate != RUN_STATE_SHUTDOWN; i++) {
        main_loop_wait(ms->main_loop, true);
    }
    CU_ASSERT_EQUAL(ms->runstate, RUN_STATE_SHUTDOWN);
    CU_ASSERT_EQUAL(ms->exit_status, 33);
    pc_free(root, ms);
}

/*
 * A host shutdown (SIGTERM) and a guest's (isa-debug-exit) pending in the
 * same turn: the guest's status wins, as in QEMU.  A request still pending
 * when the machine goes is freed with it (it leaked from the main loop's
 * queue: the sanitizer build exited 23).
 */
static void test_shutdown_guest_status_wins(void)
{
    Object *root;
    MachineState *ms = pc_new(&root, TEST_RAM);

    CU_ASSERT_FATAL(machine_init_board(ms, NULL));
    CU_ASSERT(machine_start(ms, NULL));
    machine_request_shutdown(ms, 0, "host-signal", false);
    machine_request_shutdown(ms, 33, "guest-shutdown", true);
    for (int i = 0;
         i < MAX_WAIT_ITERATIONS && ms->runstate != RUN_STATE_SHUTDOWN; i++) {
        main_loop_wait(ms->main_loop, true);
    }
    CU_ASSERT_EQUAL(ms->runstate, RUN_STATE_SHUTDOWN);
    CU_ASSERT_EQUAL(ms->exit_status, 33);
    /* Too late for this run, and never carried out: must not leak. */
    machine_request_shutdown(ms, 35, "guest-shutdown", true);
    pc_free(root, ms);
}

static void test_machine_classes(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);

    CU_ASSERT_PTR_NOT_NULL(machine_class_find("pc"));
    CU_ASSERT_PTR_NULL(machine_class_find("q35-nonexistent"));
    CU_ASSERT_PTR_EQUAL(machine_class_default(), machine_class_find("pc"));
    machine_print_help(out);
    fclose(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\npc "));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "(default)"));
    free(buf);
}

/*
 * A device_add'ed device the guest ejects from a vCPU thread: its
 * DEVICE_DELETED event is queued to the main loop.  The machine goes
 * before the loop ran it: the event is freed with the loop (LSan reported
 * it leaked before).
 */
static void test_deleted_event_unsent(void)
{
    Object *root;
    MachineState *ms = pc_new(&root, TEST_RAM);
    g_autoptr(KemuOpts) opts = NULL;
    DeviceState *dev;

    CU_ASSERT_FATAL(machine_init_board(ms, NULL));
    opts = kemu_opts_parse_full("-device", "pci-testdev,id=t0", "driver", 0,
                                &error_abort);
    dev = qdev_device_add(ms, opts, &error_abort);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dev);
    /* Not inside the loop: as on a vCPU thread, the event is queued. */
    CU_ASSERT_FALSE(
        g_main_context_is_owner(main_loop_get_context(ms->main_loop)));
    qdev_unplug_complete(dev);
    pc_free(root, ms);
}

UNIT_SUITE(machine, NULL, NULL, UNIT_TEST(test_ram_split),
           UNIT_TEST(test_layout), UNIT_TEST(test_no_firmware),
           UNIT_TEST(test_bios), UNIT_TEST(test_bios_missing),
           UNIT_TEST(test_pvh_elf32), UNIT_TEST(test_pvh_elf64),
           UNIT_TEST(test_pvh_refused), UNIT_TEST(test_ioapic_lines),
           UNIT_TEST(test_requests), UNIT_TEST(test_exit_status),
           UNIT_TEST(test_shutdown_guest_status_wins),
           UNIT_TEST(test_machine_classes),
           UNIT_TEST(test_deleted_event_unsent));
