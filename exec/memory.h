/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's memory map, after QEMU's memory API: MemoryRegions (RAM, ROM,
 * I/O callbacks, containers, aliases) arranged in a tree, AddressSpaces that
 * render a tree to a FlatView (sorted, non-overlapping ranges), listeners
 * that see the FlatView's changes (KVM memslots), and the dispatch that every
 * PIO/MMIO exit, qtest command and device DMA goes through.
 * Little-endian hosts only.  Guide: docs/devel/memory.md.
 *
 * Contract:
 * - Every function here is called with the machine lock held (in unit tests,
 *   from the one thread).  The memory map changes only under that lock.
 * - Dispatch never allocates.  An access holds a reference on the FlatView it
 *   started with, so a device callback may change the memory map (a BAR
 *   write, a PAM register) in the middle of an access.
 * - A region must not be destroyed while an access to it is in progress or
 *   while a dma_memory_map() pointer into it is outstanding.
 * - Results of an access made of several pieces are OR-ed together, as in
 *   QEMU: compare with MEMTX_OK rather than with one enumerator.
 */
#ifndef KEMU_EXEC_MEMORY_H
#define KEMU_EXEC_MEMORY_H

#include "util/osdep.h"
#include "util/error.h"

typedef uint64_t hwaddr;
#define HWADDR_PRIx PRIx64

typedef enum {
    MEMTX_OK = 0,
    MEMTX_ERROR = 1,        /* the device reported an error */
    MEMTX_DECODE_ERROR = 2, /* nothing there, or an access it does not take */
} MemTxResult;

typedef struct MemoryRegion MemoryRegion;
typedef struct MemoryRegionOps MemoryRegionOps;
typedef struct MemoryRegionSection MemoryRegionSection;
typedef struct MemoryListener MemoryListener;
typedef struct AddressSpace AddressSpace;
typedef struct FlatView FlatView;
typedef struct MemoryRegionIoeventfd MemoryRegionIoeventfd;
typedef struct MemoryRegionCoalesced MemoryRegionCoalesced;
typedef struct CoalescedZone CoalescedZone;

/*
 * A device's register callbacks.  .valid is what the guest may do: an access
 * of another size, or misaligned when .valid.unaligned is false, is rejected
 * (logged under guest-errors; reads return all-ones; MEMTX_DECODE_ERROR) and
 * the callbacks never see it.  .impl is what the callbacks handle: the core
 * splits a wider access into several callbacks (lowest address first) and
 * widens a narrower one to an aligned impl.min_access_size window (reads are
 * shifted and masked; writes become read-modify-write).  Sizes are powers of
 * two from 1 to 8; zero means the default: valid 1..4, impl = valid.
 * .impl.unaligned true lets the callbacks see accesses that are not aligned
 * to their size; otherwise the core splits them into aligned pieces.
 *
 * The callback's addr is the offset within the region.  A read returns the
 * value in the low size bytes.  A NULL read reads 0; a NULL write is ignored.
 */
struct MemoryRegionOps {
    uint64_t (*read)(void *opaque, hwaddr addr, unsigned size);
    void (*write)(void *opaque, hwaddr addr, uint64_t data, unsigned size);
    struct {
        unsigned min_access_size;
        unsigned max_access_size;
        bool unaligned;
    } valid;
    struct {
        unsigned min_access_size;
        unsigned max_access_size;
        bool unaligned;
    } impl;
};

typedef enum {
    MEMORY_REGION_NONE = 0, /* zeroed or destroyed: destroy is a no-op */
    MEMORY_REGION_CONTAINER,
    MEMORY_REGION_IO,
    MEMORY_REGION_RAM, /* RAM and ROM */
    MEMORY_REGION_ALIAS,
} MemoryRegionKind;

/*
 * A region, embedded in its device's state.  The fields are private to
 * memory.c: use the functions below.  A size of UINT64_MAX means 2^64 (the
 * whole address space), as in QEMU.
 */
struct MemoryRegion {
    MemoryRegionKind kind;
    void *owner;
    char *name;
    uint64_t size;
    hwaddr addr; /* offset in the container */
    int priority;
    bool enabled;
    bool readonly;
    bool ram_mmapped; /* ram_ptr came from our mmap */
    const MemoryRegionOps *ops;
    void *opaque;
    uint8_t valid_min, valid_max, impl_min, impl_max;
    bool valid_unaligned, impl_unaligned;
    void *ram_ptr;
    size_t ram_mapped_size;
    MemoryRegion *alias;
    hwaddr alias_offset;
    unsigned alias_users; /* aliases pointing here */
    unsigned as_users;    /* address spaces rooted here */
    MemoryRegion *container;
    MemoryRegion *subregions; /* highest priority first, newest first */
    MemoryRegion *subregion_next;
    MemoryRegionIoeventfd *ioeventfds; /* memory_region_add_eventfd */
    unsigned ioeventfd_nb;
    MemoryRegionCoalesced *coalesced; /* memory_region_add_coalescing */
    unsigned coalesced_nb;
};

/*
 * A range of an I/O region (@addr its offset in the region, @size bytes)
 * whose guest writes the accelerator may buffer and deliver later, in
 * order (memory_region_add_coalescing).
 */
struct MemoryRegionCoalesced {
    hwaddr addr;
    uint64_t size;
};

/*
 * An ioeventfd: "signal eventfd @fd instead of dispatching a guest write of
 * @size bytes at @addr" (@size 0: a write of any size), only of the value
 * @data when @match_data.  Registered on a region with @addr its offset in
 * the region; listeners get it with @addr the address in the address space,
 * once for every place the region is seen.
 */
struct MemoryRegionIoeventfd {
    hwaddr addr;
    unsigned size;
    bool match_data;
    uint64_t data;
    int fd;
};

/*
 * A piece of the FlatView: size bytes of mr, starting at offset_within_region,
 * seen at offset_within_address_space.  mr is never an alias or a container.
 * readonly is true for ROM (and for aliases of ROM).  A section that covers
 * all 2^64 bytes reports size UINT64_MAX (never the case for RAM).
 */
struct MemoryRegionSection {
    MemoryRegion *mr;
    hwaddr offset_within_region;
    hwaddr offset_within_address_space;
    uint64_t size;
    bool readonly;
};

/*
 * Listener of an AddressSpace's FlatView.  On each change the listener gets
 * begin, then region_del for every section that vanished or changed, then
 * region_add for every new one (all dels before any add), then commit.
 * Sections of every kind are reported (RAM, ROM, I/O): a memslot listener
 * filters with memory_region_is_ram(section->mr).  Listeners are called in
 * ascending priority, region_del in descending.  Callbacks may be NULL.
 * Nothing is called when a change leaves the FlatView as it was.
 */
struct MemoryListener {
    void (*begin)(MemoryListener *listener);
    void (*region_add)(MemoryListener *listener, MemoryRegionSection *section);
    void (*region_del)(MemoryListener *listener, MemoryRegionSection *section);
    void (*commit)(MemoryListener *listener);
    /*
     * The address space's ioeventfds (absolute addresses) as they appear
     * and vanish: after the sections of the same change, deletions first.
     * An accelerator that can take them signals the eventfd itself; with
     * none (qtest), the writes reach the region's ops as any other write.
     */
    void (*eventfd_add)(MemoryListener *listener,
                        const MemoryRegionIoeventfd *ioeventfd);
    void (*eventfd_del)(MemoryListener *listener,
                        const MemoryRegionIoeventfd *ioeventfd);
    /*
     * The address space's coalesced ranges as they appear and vanish:
     * @len bytes at @addr (absolute), which lie in @section.  A region's
     * range is reported once for each place it is seen, clipped to what is
     * seen there (a range split by an overlay is two calls).  Called after
     * the sections of the same change, deletions first, before the
     * ioeventfds.  An accelerator that buffers such writes (KVM's
     * coalesced MMIO ring) also sets coalesced_io_flush, which must deliver
     * every buffered write, in order, through the address spaces' dispatch:
     * it is called by qemu_flush_coalesced_mmio_buffer().
     */
    void (*coalesced_io_add)(MemoryListener *listener,
                             MemoryRegionSection *section, hwaddr addr,
                             hwaddr len);
    void (*coalesced_io_del)(MemoryListener *listener,
                             MemoryRegionSection *section, hwaddr addr,
                             hwaddr len);
    void (*coalesced_io_flush)(MemoryListener *listener);
    int priority;
    /* private */
    AddressSpace *address_space;
    MemoryListener *next;
};

/* An address space: system memory, I/O ports, a device's DMA view. */
struct AddressSpace {
    /* private */
    char *name;
    MemoryRegion *root;
    FlatView *current_map;
    MemoryListener *listeners;         /* ascending priority */
    MemoryRegionIoeventfd *ioeventfds; /* absolute addresses, sorted */
    unsigned ioeventfd_nb;
    CoalescedZone *coalesced; /* absolute ranges, sorted */
    unsigned coalesced_nb;
    AddressSpace *next;
    unsigned dma_maps; /* dma_memory_map()s not yet unmapped */
};

/* ---- Regions ------------------------------------------------------------- */

/**
 * memory_region_init - make mr a container of size bytes (UINT64_MAX: 2^64)
 * that holds subregions and maps nothing itself.  @name is copied.  @owner
 * (the device) is recorded for the caller; the memory core never
 * dereferences it.
 */
void memory_region_init(MemoryRegion *mr, void *owner, const char *name,
                        uint64_t size);

/**
 * memory_region_init_io - make mr an I/O region whose accesses go to
 * ops->read / ops->write with @opaque.  ops must outlive mr; invalid sizes
 * in ops (not a power of two, above 8, min > max) abort.
 */
void memory_region_init_io(MemoryRegion *mr, void *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size);

/**
 * memory_region_init_ram - make mr a RAM region backed by a zeroed anonymous
 * mmap (page aligned, MAP_NORESERVE, MADV_DONTFORK; from 2 MiB up, 2 MiB
 * aligned and MADV_HUGEPAGE) that the accelerator can map into the guest.
 * Returns false with errp set on failure, leaving mr zeroed.
 */
bool memory_region_init_ram(MemoryRegion *mr, void *owner, const char *name,
                            uint64_t size, Error **errp);

/**
 * memory_region_init_ram_ptr - make mr a RAM region backed by the caller's
 * host memory @ptr (size bytes, page aligned if it is to be KVM-mapped),
 * which the caller frees after destroying mr.
 */
void memory_region_init_ram_ptr(MemoryRegion *mr, void *owner, const char *name,
                                uint64_t size, void *ptr);

/**
 * memory_region_init_rom - like memory_region_init_ram, but the guest's
 * writes are ignored (KVM maps it read-only; a write exits and is dropped).
 * Fill it through memory_region_get_ram_ptr() or address_space_write_rom().
 */
bool memory_region_init_rom(MemoryRegion *mr, void *owner, const char *name,
                            uint64_t size, Error **errp);

/**
 * memory_region_init_alias - make mr a window of size bytes onto @orig
 * starting at @offset within it.  Where the window passes the end of orig,
 * nothing is mapped.  orig must outlive mr.
 */
void memory_region_init_alias(MemoryRegion *mr, void *owner, const char *name,
                              MemoryRegion *orig, hwaddr offset, uint64_t size);

/**
 * memory_region_destroy - unmap mr from its container, remove its
 * subregions, free its name and the RAM it allocated.  mr must not be an
 * address space's root nor the target of a live alias.  Leaves mr zeroed;
 * destroying a zeroed region does nothing.
 */
void memory_region_destroy(MemoryRegion *mr);

/**
 * memory_region_add_subregion - map @subregion at @offset in container
 * @mr with priority 0.  subregion must not be mapped elsewhere.
 */
void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion);

/**
 * memory_region_add_subregion_overlap - map @subregion at @offset in @mr
 * with @priority: where siblings overlap, the higher priority is seen, and
 * among equal priorities the one added last.  Priorities only compare
 * siblings: a container's subregions all sit at the container's priority.
 * A region with its own contents (RAM, I/O) may have subregions too; they
 * cover it.
 */
void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion, int priority);

/** memory_region_del_subregion - unmap @subregion from its container @mr. */
void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion);

/** memory_region_set_enabled - show or hide mr (and its subregions). */
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);

/** memory_region_set_address - move mr to @addr within its container. */
void memory_region_set_address(MemoryRegion *mr, hwaddr addr);

/** memory_region_set_alias_offset - move alias mr's window in its target. */
void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset);

/**
 * memory_region_set_size - resize mr.  A RAM region cannot grow past what
 * was allocated for it.
 */
void memory_region_set_size(MemoryRegion *mr, uint64_t size);

/**
 * memory_region_transaction_begin - batch memory-map changes: until the
 * matching outermost memory_region_transaction_commit(), FlatViews are not
 * re-rendered and listeners hear nothing.  Nests.
 */
void memory_region_transaction_begin(void);

/**
 * memory_region_transaction_commit - end a batch; the outermost commit
 * re-renders each address space once and notifies its listeners once.
 */
void memory_region_transaction_commit(void);

/**
 * memory_region_add_eventfd - ask the accelerator to turn guest writes of
 * @size bytes (0: any size) at offset @addr of I/O region @mr -- only of
 * the value @data if @match_data -- into a signal on eventfd @fd, wherever
 * mr is mapped (a BAR that moves takes its ioeventfds along).  Where the
 * accelerator has no such path (qtest), or refuses one, those writes reach
 * mr's ops as usual: a device handles both the same way.  The caller owns
 * @fd and keeps it open until memory_region_del_eventfd.
 */
void memory_region_add_eventfd(MemoryRegion *mr, hwaddr addr, unsigned size,
                               bool match_data, uint64_t data, int fd);

/**
 * memory_region_del_eventfd - undo memory_region_add_eventfd with the
 * same arguments (which must have been added).
 */
void memory_region_del_eventfd(MemoryRegion *mr, hwaddr addr, unsigned size,
                               bool match_data, uint64_t data, int fd);

/**
 * memory_region_add_coalescing - let the accelerator buffer guest writes to
 * @size bytes at offset @offset of I/O region @mr and deliver them later,
 * in order (KVM_REGISTER_COALESCED_MMIO): for registers whose writes need
 * not act at once.  Reads are never buffered.  Before any access to a
 * region with coalesced ranges, and at every memory transaction, buffered
 * writes are delivered first (qemu_flush_coalesced_mmio_buffer), so the
 * device sees the guest's accesses to it in order.  A hint: with no
 * accelerator that buffers (qtest), nothing changes.  Ranges follow the
 * region wherever it is mapped, like ioeventfds.
 */
void memory_region_add_coalescing(MemoryRegion *mr, hwaddr offset,
                                  uint64_t size);

/**
 * memory_region_set_coalescing - the whole of @mr is coalesced (any
 * earlier ranges are replaced).
 */
void memory_region_set_coalescing(MemoryRegion *mr);

/**
 * memory_region_clear_coalescing - @mr has no coalesced range any more;
 * writes buffered so far are delivered first.
 */
void memory_region_clear_coalescing(MemoryRegion *mr);

/**
 * qemu_flush_coalesced_mmio_buffer - deliver every guest write the
 * accelerator has buffered (each listener's coalesced_io_flush), in the
 * order the guest made them.  Machine lock held.  Nothing to do (and cheap)
 * when no listener buffers writes.  The vCPU exit path, the main loop's
 * wake-up and the memory core call it; a device never needs to.
 */
void qemu_flush_coalesced_mmio_buffer(void);

/** memory_region_size - size in bytes (UINT64_MAX for 2^64). */
uint64_t memory_region_size(const MemoryRegion *mr);

/** memory_region_name - the name given at init. */
const char *memory_region_name(const MemoryRegion *mr);

/** memory_region_is_ram - true for RAM and ROM regions (not aliases). */
bool memory_region_is_ram(const MemoryRegion *mr);

/** memory_region_is_rom - true for ROM regions. */
bool memory_region_is_rom(const MemoryRegion *mr);

/** memory_region_is_mapped - whether mr is in a container or is a root. */
bool memory_region_is_mapped(const MemoryRegion *mr);

/**
 * memory_region_get_ram_ptr - host address of a RAM/ROM region's first byte
 * (of the target's window for an alias of RAM); NULL for other regions.
 * For a section: memory_region_get_ram_ptr(s->mr) + s->offset_within_region.
 */
void *memory_region_get_ram_ptr(MemoryRegion *mr);

/**
 * memory_region_dispatch_read - one access of @size (1..8) bytes at offset
 * @addr of mr, with the .valid checks and .impl splitting of a guest access.
 * Aliases are followed; RAM is read directly.  Unit tests drive devices'
 * registers with it.
 */
MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr addr,
                                        uint64_t *pval, unsigned size);

/** memory_region_dispatch_write - the write counterpart. */
MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr addr,
                                         uint64_t val, unsigned size);

/* ---- Address spaces ------------------------------------------------------ */

/**
 * address_space_init - make @as show @root (which must stay alive until
 * address_space_destroy) and render its FlatView.  @name is copied.
 */
void address_space_init(AddressSpace *as, MemoryRegion *root, const char *name);

/**
 * address_space_destroy - unregister as's listeners (each gets region_del
 * for every section) and free its FlatView.  No dma_memory_map() may be
 * outstanding.
 */
void address_space_destroy(AddressSpace *as);

/** address_space_name - the name given at init. */
const char *address_space_name(const AddressSpace *as);

/**
 * address_space_lookup - fill *section with the whole FlatView range that
 * holds @addr; false if addr falls in a hole.  No allocation.
 */
bool address_space_lookup(AddressSpace *as, hwaddr addr,
                          MemoryRegionSection *section);

/**
 * address_space_dump - print as's FlatView (one line per range: addresses,
 * region, kind, offset) to @out.
 */
void address_space_dump(AddressSpace *as, FILE *out);

/* ---- Listeners ----------------------------------------------------------- */

/**
 * memory_listener_register - attach @listener to @as and replay the current
 * FlatView to it: begin, region_add for each section, commit, then
 * coalesced_io_add for each coalesced range, then eventfd_add for each
 * ioeventfd.
 */
void memory_listener_register(MemoryListener *listener, AddressSpace *as);

/**
 * memory_listener_unregister - eventfd_del for each ioeventfd,
 * coalesced_io_del for each coalesced range, then begin, region_del for
 * each section, commit, then detach.
 * Unregistering an unregistered listener does nothing.
 */
void memory_listener_unregister(MemoryListener *listener);

/* ---- Dispatch ------------------------------------------------------------ */

/**
 * address_space_rw - copy @len bytes between @buf and the guest's @addr.
 * RAM is copied directly; I/O regions get the largest accesses their .valid
 * allows, lowest address first; a range of several regions is done piece by
 * piece.  Holes (and addresses past 2^64) read as 0xff, ignore writes and
 * give MEMTX_DECODE_ERROR; ROM ignores writes.  Problems are logged under
 * guest-errors.
 */
MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, void *buf,
                             hwaddr len, bool is_write);

/** address_space_read - address_space_rw(as, addr, buf, len, false). */
MemTxResult address_space_read(AddressSpace *as, hwaddr addr, void *buf,
                               hwaddr len);

/** address_space_write - address_space_rw(as, addr, buf, len, true). */
MemTxResult address_space_write(AddressSpace *as, hwaddr addr, const void *buf,
                                hwaddr len);

/**
 * address_space_write_rom - for loaders: write @len bytes into RAM or ROM.
 * Writes nothing and returns MEMTX_DECODE_ERROR unless all of the range is
 * RAM or ROM.
 */
MemTxResult address_space_write_rom(AddressSpace *as, hwaddr addr,
                                    const void *buf, hwaddr len);

/**
 * address_space_dispatch_io - the vCPU exit path: one access of @size
 * (1..8) bytes at @addr, *val in the low bytes (zero-extended on reads).
 * One lookup: an access whose first byte is in an I/O region goes whole to
 * that region (with the .valid/.impl rules) as long as it fits in the
 * region, even if another region covers its later bytes in the FlatView
 * (0xCF8 dword vs. the 0xCF9 byte register); RAM accesses inside one range
 * are copied directly; anything else is done piecewise like
 * address_space_rw.
 */
MemTxResult address_space_dispatch_io(AddressSpace *as, hwaddr addr,
                                      uint64_t *val, unsigned size,
                                      bool is_write);

/*
 * Loads and stores of one little-endian value, as a CPU access (see
 * address_space_dispatch_io).  @res may be NULL.  A load returns all-ones
 * in the bytes that nothing answered (holes, rejected accesses).
 */
uint32_t address_space_ldub(AddressSpace *as, hwaddr addr, MemTxResult *res);
uint32_t address_space_lduw_le(AddressSpace *as, hwaddr addr, MemTxResult *res);
uint32_t address_space_ldl_le(AddressSpace *as, hwaddr addr, MemTxResult *res);
uint64_t address_space_ldq_le(AddressSpace *as, hwaddr addr, MemTxResult *res);
void address_space_stb(AddressSpace *as, hwaddr addr, uint32_t val,
                       MemTxResult *res);
void address_space_stw_le(AddressSpace *as, hwaddr addr, uint32_t val,
                          MemTxResult *res);
void address_space_stl_le(AddressSpace *as, hwaddr addr, uint32_t val,
                          MemTxResult *res);
void address_space_stq_le(AddressSpace *as, hwaddr addr, uint64_t val,
                          MemTxResult *res);

/* ---- DMA ----------------------------------------------------------------- */

/*
 * The DMA rule: an address a guest hands a device (a descriptor, a ring
 * base) is only ever turned into a host memory access when all of it is RAM.
 * These helpers never reach an I/O callback.
 */

/**
 * dma_memory_read - copy @len bytes of guest RAM at @addr into @buf.  If any
 * part of [addr, addr + len) is not RAM (a hole, an I/O region, or past
 * 2^64) nothing is copied, buf is untouched, and the result is
 * MEMTX_DECODE_ERROR (logged under guest-errors).  len 0 is MEMTX_OK.
 */
MemTxResult dma_memory_read(AddressSpace *as, hwaddr addr, void *buf,
                            hwaddr len);

/**
 * dma_memory_write - copy @len bytes from @buf into guest RAM at @addr, all
 * or nothing: MEMTX_DECODE_ERROR if any part is not RAM, MEMTX_ERROR if any
 * part is ROM.
 */
MemTxResult dma_memory_write(AddressSpace *as, hwaddr addr, const void *buf,
                             hwaddr len);

/**
 * dma_memory_map - a host pointer to the guest's [addr, addr + *plen) when
 * all of it is RAM (writable RAM if @is_write) contiguous in host memory,
 * for zero-copy.  Otherwise NULL and *plen = 0 (also for *plen == 0); the
 * caller then falls back to dma_memory_read/write, which also handle RAM
 * made of several regions.  The pointer stays valid until the RAM region
 * is destroyed; pair each map with dma_memory_unmap().
 */
void *dma_memory_map(AddressSpace *as, hwaddr addr, hwaddr *plen,
                     bool is_write);

/**
 * dma_memory_unmap - end a dma_memory_map() of @len bytes at @buffer, of
 * which @access_len were accessed.  Bookkeeping only.
 */
void dma_memory_unmap(AddressSpace *as, void *buffer, hwaddr len, bool is_write,
                      hwaddr access_len);

#endif
