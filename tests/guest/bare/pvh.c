/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Check "pvh": the PVH boot contract (Xen's x86/HVM direct boot ABI) as a
 * guest sees it: the entry state (CR0.PE set, paging off, CR4 clear, IF/TF/VM
 * clear) and struct hvm_start_info (version, memory map covering the image).
 */
#include "lib.h"

#define CR0_PG        0x80000000u
#define EFLAGS_TF     0x100
#define EFLAGS_IF     0x200
#define EFLAGS_VM     0x20000
#define MIB           (1024u * 1024u)
#define KIB_SHIFT     10
#define GUEST_RAM_MIB 128 /* run.sh passes -m 128M */
/* Low memory holes (VGA, BIOS) may be reported as reserved. */
#define RAM_SLACK_MIB     1
#define CMDLINE_PRINT_MAX 80

const char test_name[] = "pvh";

void test_main(void)
{
    const struct hvm_start_info *si = start_info();
    const struct hvm_memmap_table_entry *map;
    uint64_t image_start = (uint32_t)(uintptr_t)__image_start;
    uint64_t image_end = (uint32_t)(uintptr_t)__image_end;
    uint64_t ram = 0;
    int image_in_ram = 0;

    printf("entry: cr0=%08x cr4=%08x eflags=%08x ebx=%08x\n", boot_cr0,
           boot_cr4, boot_eflags, boot_ebx);
    if (!(boot_cr0 & CR0_PE) || (boot_cr0 & CR0_PG)) {
        test_fail("entry CR0 %08x: want PE set and PG clear", boot_cr0);
    }
    if (boot_cr4 != 0) {
        test_fail("entry CR4 %08x: want 0", boot_cr4);
    }
    if (boot_eflags & (EFLAGS_TF | EFLAGS_IF | EFLAGS_VM)) {
        test_fail("entry EFLAGS %08x: want IF, TF, VM clear", boot_eflags);
    }

    printf("start info: version %u flags %x modules %u cmdline %llx "
           "rsdp %llx memmap %llx (%u entries)\n",
           si->version, si->flags, si->nr_modules, si->cmdline_paddr,
           si->rsdp_paddr, si->memmap_paddr, si->memmap_entries);
    if (si->version < 1) {
        test_fail("hvm_start_info version %u: want >= 1 (memory map)",
                  si->version);
    }
    if (si->cmdline_paddr) {
        const char *cmdline = (const char *)(uintptr_t)si->cmdline_paddr;
        unsigned n = 0;

        serial_puts("cmdline: '");
        while (cmdline[n] && n < CMDLINE_PRINT_MAX) {
            serial_putc(cmdline[n++]);
        }
        serial_puts("'\n");
    }
    if (!si->memmap_paddr || !si->memmap_entries) {
        test_fail("no memory map in hvm_start_info");
    }

    map = (const struct hvm_memmap_table_entry *)(uintptr_t)si->memmap_paddr;
    for (uint32_t i = 0; i < si->memmap_entries; i++) {
        printf("memmap[%u]: %llx-%llx type %u\n", i, map[i].addr,
               map[i].addr + map[i].size - 1, map[i].type);
        if (map[i].type != HVM_MEMMAP_TYPE_RAM) {
            continue;
        }
        ram += map[i].size;
        if (map[i].addr <= image_start &&
            map[i].addr + map[i].size >= image_end) {
            image_in_ram = 1;
        }
    }
    if (!image_in_ram) {
        test_fail("no RAM entry covers the image %llx-%llx", image_start,
                  image_end);
    }
    if (ram > (uint64_t)GUEST_RAM_MIB * MIB ||
        ram < (uint64_t)(GUEST_RAM_MIB - RAM_SLACK_MIB) * MIB) {
        test_fail("memory map RAM total %llx, want about %u MiB", ram,
                  GUEST_RAM_MIB);
    }
    printf("RAM %u KiB in the memory map\n", (uint32_t)(ram >> KIB_SHIFT));
}
