/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PVH direct boot of an ELF kernel, without firmware: Xen's x86/HVM direct
 * boot ABI (xen/include/public/arch-x86/hvm/start_info.h, and Linux's
 * Documentation/arch/x86/boot.rst for how Linux takes it).  The ELF is
 * untrusted input: every offset and size is checked before use.
 */
#include "util/osdep.h"
#include "hw/i386/e820.h"
#include "hw/i386/x86-boot.h"
#include <elf.h>

#define XEN_NOTE_NAME            "Xen"
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define HVM_START_MAGIC          0x336ec578u
#define HVM_START_INFO_VERSION   1 /* with a memory map */
#define ELF_NOTE_ALIGN           4

struct hvm_start_info {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;
    uint32_t memmap_entries;
    uint32_t reserved;
};

struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;
    uint64_t reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
    uint32_t reserved;
};

G_STATIC_ASSERT(sizeof(struct hvm_start_info) == 56);
G_STATIC_ASSERT(sizeof(struct hvm_memmap_table_entry) == 24);
G_STATIC_ASSERT(PVH_START_INFO_ADDR + sizeof(struct hvm_start_info) <=
                PVH_MODLIST_ADDR);
G_STATIC_ASSERT(PVH_MODLIST_ADDR + sizeof(struct hvm_modlist_entry) <=
                PVH_MEMMAP_ADDR);

#define PVH_MEMMAP_MAX                                                         \
    ((PVH_CMDLINE_ADDR - PVH_MEMMAP_ADDR) /                                    \
     sizeof(struct hvm_memmap_table_entry))
#define PVH_CMDLINE_MAX (PVH_BOOT_DATA_END - PVH_CMDLINE_ADDR)

/* One program header, whatever the class. */
typedef struct ElfSegment {
    uint32_t type;
    uint64_t offset;
    uint64_t paddr;
    uint64_t filesz;
    uint64_t memsz;
} ElfSegment;

bool x86_elf_open(ElfFile *elf, const char *path, GBytes *image, Error **errp)
{
    Elf64_Ehdr h64;
    Elf32_Ehdr h32;
    gsize size;

    elf->path = path;
    elf->image = image;
    elf->data = g_bytes_get_data(image, &size);
    elf->size = size;
    if (size < EI_NIDENT || memcmp(elf->data, ELFMAG, SELFMAG)) {
        error_setg(errp, "-kernel %s: not an ELF file", path);
        return false;
    }
    if (elf->data[EI_DATA] != ELFDATA2LSB ||
        (elf->data[EI_CLASS] != ELFCLASS32 &&
         elf->data[EI_CLASS] != ELFCLASS64)) {
        error_setg(errp, "-kernel %s: not a little-endian ELF32/ELF64 file",
                   path);
        return false;
    }
    elf->is64 = elf->data[EI_CLASS] == ELFCLASS64;
    if (elf->is64) {
        if (size < sizeof(h64)) {
            goto truncated;
        }
        memcpy(&h64, elf->data, sizeof(h64));
        elf->entry = h64.e_entry;
        elf->phoff = h64.e_phoff;
        elf->phnum = h64.e_phnum;
        elf->phentsize = h64.e_phentsize;
        if (h64.e_machine != EM_X86_64 || h64.e_type != ET_EXEC ||
            elf->phentsize < sizeof(Elf64_Phdr)) {
            goto unsupported;
        }
    } else {
        if (size < sizeof(h32)) {
            goto truncated;
        }
        memcpy(&h32, elf->data, sizeof(h32));
        elf->entry = h32.e_entry;
        elf->phoff = h32.e_phoff;
        elf->phnum = h32.e_phnum;
        elf->phentsize = h32.e_phentsize;
        if (h32.e_machine != EM_386 || h32.e_type != ET_EXEC ||
            elf->phentsize < sizeof(Elf32_Phdr)) {
            goto unsupported;
        }
    }
    if (elf->phoff > size ||
        (uint64_t)elf->phnum * elf->phentsize > size - elf->phoff) {
        goto truncated;
    }
    return true;

truncated:
    error_setg(errp, "-kernel %s: truncated ELF headers", path);
    return false;
unsupported:
    error_setg(errp,
               "-kernel %s: not an x86 executable ELF (ET_EXEC for "
               "EM_386 or EM_X86_64)",
               path);
    return false;
}

static void elf_segment(const ElfFile *elf, unsigned i, ElfSegment *seg)
{
    const uint8_t *p = elf->data + elf->phoff + (uint64_t)i * elf->phentsize;

    if (elf->is64) {
        Elf64_Phdr ph;

        memcpy(&ph, p, sizeof(ph));
        *seg = (ElfSegment){ph.p_type, ph.p_offset, ph.p_paddr, ph.p_filesz,
                            ph.p_memsz};
    } else {
        Elf32_Phdr ph;

        memcpy(&ph, p, sizeof(ph));
        *seg = (ElfSegment){ph.p_type, ph.p_offset, ph.p_paddr, ph.p_filesz,
                            ph.p_memsz};
    }
}

/* Whether the segment's file bytes are inside the file. */
static bool elf_segment_in_file(const ElfFile *elf, const ElfSegment *seg)
{
    return seg->offset <= elf->size && seg->filesz <= elf->size - seg->offset;
}

/* Find Xen's PHYS32_ENTRY note in the PT_NOTE segments. */
static bool elf_pvh_entry(const ElfFile *elf, uint32_t *entry, Error **errp)
{
    for (unsigned i = 0; i < elf->phnum; i++) {
        ElfSegment seg;
        const uint8_t *p;
        uint64_t left;

        elf_segment(elf, i, &seg);
        if (seg.type != PT_NOTE || !elf_segment_in_file(elf, &seg)) {
            continue;
        }
        p = elf->data + seg.offset;
        left = seg.filesz;
        while (left >= 3 * sizeof(uint32_t)) {
            uint32_t namesz, descsz, type;
            uint64_t name_len, desc_len;
            const uint8_t *desc;

            memcpy(&namesz, p, sizeof(namesz));
            memcpy(&descsz, p + 4, sizeof(descsz));
            memcpy(&type, p + 8, sizeof(type));
            name_len = ROUND_UP((uint64_t)namesz, ELF_NOTE_ALIGN);
            desc_len = ROUND_UP((uint64_t)descsz, ELF_NOTE_ALIGN);
            if (12 + name_len + desc_len > left) {
                break;
            }
            desc = p + 12 + name_len;
            if (type == XEN_ELFNOTE_PHYS32_ENTRY &&
                namesz == sizeof(XEN_NOTE_NAME) &&
                !memcmp(p + 12, XEN_NOTE_NAME, sizeof(XEN_NOTE_NAME))) {
                uint64_t value = 0;

                if (descsz != 4 && descsz != 8) {
                    error_setg(errp,
                               "-kernel %s: PVH entry note of %u "
                               "bytes (want 4 or 8)",
                               elf->path, descsz);
                    return false;
                }
                memcpy(&value, desc, descsz);
                if (value >= X86_4G) {
                    error_setg(errp,
                               "-kernel %s: PVH entry 0x%" PRIx64
                               " is above 4 GiB",
                               elf->path, value);
                    return false;
                }
                *entry = value;
                return true;
            }
            p += 12 + name_len + desc_len;
            left -= 12 + name_len + desc_len;
        }
    }
    error_setg(errp,
               "-kernel %s: no PVH entry point (ELF note \"Xen\" type %d, "
               "XEN_ELFNOTE_PHYS32_ENTRY) and no multiboot header; kemu "
               "boots ELF kernels through PVH or multiboot",
               elf->path, XEN_ELFNOTE_PHYS32_ENTRY);
    return false;
}

bool x86_elf_load(X86Loader *l, const ElfFile *elf, uint64_t *lo, uint64_t *hi,
                  Error **errp)
{
    *lo = UINT64_MAX;
    *hi = 0;
    for (unsigned i = 0; i < elf->phnum; i++) {
        g_autofree char *name = NULL;
        g_autoptr(GBytes) bytes = NULL;
        ElfSegment seg;

        elf_segment(elf, i, &seg);
        if (seg.type != PT_LOAD || !seg.memsz) {
            continue;
        }
        name = g_strdup_printf("-kernel %s segment %u", elf->path, i);
        if (!elf_segment_in_file(elf, &seg) || seg.filesz > seg.memsz) {
            error_setg(errp, "%s: file offsets outside the file", name);
            return false;
        }
        if (seg.paddr >= l->below_4g || seg.memsz > l->below_4g - seg.paddr) {
            error_setg(errp,
                       "%s at 0x%" PRIx64 "-0x%" PRIx64 " is outside RAM "
                       "below 4 GiB (0-0x%" PRIx64 "; try a larger -m)",
                       name, seg.paddr, seg.paddr + seg.memsz - 1,
                       l->below_4g - 1);
            return false;
        }
        /* The file's bytes without a copy, then the zeros after them. */
        bytes = g_bytes_new_from_bytes(elf->image, seg.offset, seg.filesz);
        if (!x86_loader_add(l, name, seg.paddr, bytes, errp) ||
            !x86_loader_add_zeros(l, name, seg.paddr + seg.filesz,
                                  seg.memsz - seg.filesz, errp)) {
            return false;
        }
        *lo = MIN(*lo, seg.paddr);
        *hi = MAX(*hi, seg.paddr + seg.memsz);
    }
    if (*hi == 0) {
        error_setg(errp, "-kernel %s: no PT_LOAD segment", elf->path);
        return false;
    }
    return true;
}

bool x86_load_pvh(X86Loader *l, const char *kernel, GBytes *image,
                  const char *initrd, const char *cmdline, MachineBootCPU *boot,
                  Error **errp)
{
    size_t info_size = PVH_BOOT_DATA_END - PVH_START_INFO_ADDR;
    g_autofree uint8_t *info = g_malloc0(info_size);
    g_autoptr(GArray) map = NULL;
    g_autoptr(GBytes) info_bytes = NULL;
    struct hvm_start_info si = {
        .magic = HVM_START_MAGIC,
        .version = HVM_START_INFO_VERSION,
    };
    struct hvm_modlist_entry mod = {0};
    ElfFile elf;
    uint32_t entry;
    uint64_t lo, hi;

    if (!x86_elf_open(&elf, kernel, image, errp) ||
        !elf_pvh_entry(&elf, &entry, errp) ||
        !x86_elf_load(l, &elf, &lo, &hi, errp)) {
        return false;
    }
    if (initrd) {
        /* At the top of RAM below 4 GiB, above the kernel. */
        if (!x86_load_initrd(l, initrd, hi, l->below_4g, &mod.paddr, &mod.size,
                             errp)) {
            return false;
        }
        si.nr_modules = 1;
        si.modlist_paddr = PVH_MODLIST_ADDR;
        memcpy(info + PVH_MODLIST_ADDR - PVH_START_INFO_ADDR, &mod,
               sizeof(mod));
    }
    if (cmdline && *cmdline) {
        size_t len = strlen(cmdline) + 1;

        if (len > PVH_CMDLINE_MAX) {
            error_setg(errp,
                       "-append: the command line has %zu bytes; PVH boot "
                       "takes at most %d",
                       len - 1, PVH_CMDLINE_MAX - 1);
            return false;
        }
        memcpy(info + PVH_CMDLINE_ADDR - PVH_START_INFO_ADDR, cmdline, len);
        si.cmdline_paddr = PVH_CMDLINE_ADDR;
    }

    map = e820_with_hole(l->e820, X86_LEGACY_HOLE_START, X86_LEGACY_HOLE_END);
    if (map->len > PVH_MEMMAP_MAX) {
        error_setg(errp, "PVH boot: %u memory map entries, at most %zu",
                   map->len, (size_t)PVH_MEMMAP_MAX);
        return false;
    }
    for (guint i = 0; i < map->len; i++) {
        const E820Entry *e = &g_array_index(map, E820Entry, i);
        struct hvm_memmap_table_entry m = {
            .addr = e->addr,
            .size = e->size,
            .type = e->type,
        };

        memcpy(info + PVH_MEMMAP_ADDR - PVH_START_INFO_ADDR + i * sizeof(m), &m,
               sizeof(m));
    }
    si.memmap_paddr = PVH_MEMMAP_ADDR;
    si.rsdp_paddr = l->rsdp_addr;
    si.memmap_entries = map->len;
    memcpy(info, &si, sizeof(si));

    info_bytes = g_bytes_new_take(g_steal_pointer(&info), info_size);
    if (!x86_loader_add(l, "the PVH boot data", PVH_START_INFO_ADDR, info_bytes,
                        errp)) {
        return false;
    }
    *boot = (MachineBootCPU){
        .flat32 = true,
        .eip = entry,
        .ebx = PVH_START_INFO_ADDR,
    };
    return true;
}
