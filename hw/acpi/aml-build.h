/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small AML builder (ACPI 6.4, chapter 20 "ACPI Machine Language
 * Specification") and the helpers every ACPI table needs: the common header,
 * checksums and Generic Address Structures (5.2.3.2).
 *
 * Ownership: every Aml * handed to a builder function or to aml_append() is
 * consumed by it (encoded and freed), so a tree is built bottom-up and
 * ends in aml_emit(), which writes the encoded bytes into a table and frees
 * the whole tree.  Nothing is global: there is no list of live nodes.
 *
 *     Aml *dev = aml_device("COM1");
 *     aml_append(dev, aml_name_decl("_HID", aml_eisaid("PNP0501")));
 *     aml_append(scope, dev);
 *     aml_emit(dsdt, scope);
 */
#ifndef KEMU_HW_ACPI_AML_BUILD_H
#define KEMU_HW_ACPI_AML_BUILD_H

#include "util/osdep.h"

typedef struct Aml Aml;

/* ---- Data objects ---- */

/**
 * aml_int - an integer in its shortest encoding: ZeroOp, OneOp, OnesOp
 * (all 64 bits set: tables built here are DSDT revision 2, 64-bit
 * integers), or a Byte/Word/DWord/QWord prefix and the value.
 */
Aml *aml_int(uint64_t val);
/** aml_dword - a DWordConst whatever the value (fixed-size fields). */
Aml *aml_dword(uint32_t val);
/** aml_string - a String (StringPrefix, the characters, a NUL). */
Aml *aml_string(const char *fmt, ...) KEMU_PRINTF(1, 2);
/**
 * aml_eisaid - the compressed 32-bit EISA id of "PNP0A03" (three letters,
 * four hex digits), as a DWordConst (what ASL's EisaId() makes).
 */
Aml *aml_eisaid(const char *id);
/** aml_eisaid_value - the same id as a number (tests, tables). */
uint32_t aml_eisaid_value(const char *id);
/**
 * aml_name - a reference to a named object: a NameString such as "_SB",
 * "\\_SB.PCI0" or "^LNKA"; segments shorter than four characters are padded
 * with '_'.
 */
Aml *aml_name(const char *fmt, ...) KEMU_PRINTF(1, 2);
/** aml_arg - ArgN (0..6); aml_local - LocalN (0..7). */
Aml *aml_arg(int n);
Aml *aml_local(int n);
/**
 * aml_package - a Package whose NumElements counts the elements appended
 * to it (at most 255).
 */
Aml *aml_package(void);
/** aml_buffer - a Buffer holding len bytes of data (NULL: zeroes). */
Aml *aml_buffer(const uint8_t *data, size_t len);

/* ---- Named objects and blocks ---- */

/** aml_name_decl - Name(name, val). */
Aml *aml_name_decl(const char *name, Aml *val);
/** aml_scope - Scope(path) { appended terms }. */
Aml *aml_scope(const char *fmt, ...) KEMU_PRINTF(1, 2);
/** aml_device - Device(name) { appended terms }. */
Aml *aml_device(const char *fmt, ...) KEMU_PRINTF(1, 2);
/**
 * aml_method - Method(name, argc, Serialized|NotSerialized) { terms }.
 * A method that creates named objects (Name, CreateDWordField) should be
 * serialized.
 */
Aml *aml_method(const char *name, int argc, bool serialized);
/** aml_if - If (predicate) { terms }; aml_else - Else { terms }. */
Aml *aml_if(Aml *predicate);
Aml *aml_else(void);

typedef enum AmlRegionSpace {
    AML_SYSTEM_MEMORY = 0x00,
    AML_SYSTEM_IO = 0x01,
    AML_PCI_CONFIG = 0x02,
} AmlRegionSpace;

/** aml_operation_region - OperationRegion(name, space, offset, len). */
Aml *aml_operation_region(const char *name, AmlRegionSpace space, Aml *offset,
                          uint32_t len);

typedef enum AmlFieldAccess {
    AML_ANY_ACC = 0,
    AML_BYTE_ACC = 1,
    AML_WORD_ACC = 2,
    AML_DWORD_ACC = 3,
    AML_QWORD_ACC = 4,
} AmlFieldAccess;

typedef enum AmlFieldUpdate {
    AML_PRESERVE = 0,
    AML_WRITE_AS_ONES = 1,
    AML_WRITE_AS_ZEROS = 2,
} AmlFieldUpdate;

/**
 * aml_field - Field(region, access, NoLock|Lock, update) { elements }:
 * append aml_named_field() and aml_reserved_field() elements to it.
 */
Aml *aml_field(const char *region, AmlFieldAccess access, bool lock,
               AmlFieldUpdate update);
/** aml_named_field - a field element NAME, bits. */
Aml *aml_named_field(const char *name, unsigned bits);
/** aml_reserved_field - Offset()-style padding of bits. */
Aml *aml_reserved_field(unsigned bits);
/** aml_create_dword_field - CreateDWordField(buf, byte_index, name). */
Aml *aml_create_dword_field(Aml *buf, Aml *byte_index, const char *name);

/* ---- Statements and expressions (target NULL: no target) ---- */

Aml *aml_return(Aml *val);
/** aml_store - Store(src, dst). */
Aml *aml_store(Aml *src, Aml *dst);
/** aml_and / aml_or - And(a, b, target) / Or(a, b, target). */
Aml *aml_and(Aml *a, Aml *b, Aml *target);
Aml *aml_or(Aml *a, Aml *b, Aml *target);
/** aml_shiftleft - ShiftLeft(a, count) (no target). */
Aml *aml_shiftleft(Aml *a, Aml *count);
/** aml_notify - Notify(obj, value). */
Aml *aml_notify(Aml *obj, Aml *value);
/** aml_mutex - Mutex(name, sync_level) (0..15). */
Aml *aml_mutex(const char *name, uint8_t sync_level);
/** aml_acquire - Acquire(mutex, timeout): timeout in ms, 0xFFFF forever. */
Aml *aml_acquire(Aml *mutex, uint16_t timeout);
/** aml_release - Release(mutex). */
Aml *aml_release(Aml *mutex);
/** aml_lequal - LEqual(a, b); aml_lnot - LNot(a). */
Aml *aml_lequal(Aml *a, Aml *b);
Aml *aml_lnot(Aml *a);
/** aml_call - invoke method name with argc arguments (the Aml * after). */
Aml *aml_call(const char *name, int argc, ...);

/* ---- Resource templates (ACPI 6.4, 6.4 "Resource Data Types") ---- */

/**
 * aml_resource_template - ResourceTemplate() { descriptors }: a Buffer of
 * the appended descriptors and an End Tag whose checksum makes the
 * template's bytes sum to zero.
 */
Aml *aml_resource_template(void);
/**
 * aml_resource_template_mutable - a template that methods patch at run
 * time (CreateDWordField on it): its End Tag checksum is 0, "treat as
 * valid" (6.4.2.9), since a computed sum would go stale.
 */
Aml *aml_resource_template_mutable(void);

/** aml_io - IO(Decode16 or Decode10, min, max, align, len) (6.4.2.5). */
Aml *aml_io(bool decode16, uint16_t min, uint16_t max, uint8_t align,
            uint8_t len);
/** aml_irq_no_flags - IRQNoFlags() { irq } (6.4.2.1): edge, active high. */
Aml *aml_irq_no_flags(uint8_t irq);

/**
 * aml_interrupt - Interrupt(ResourceConsumer, Level|Edge,
 * ActiveHigh|ActiveLow, Shared|Exclusive) { irqs } (6.4.3.6).
 */
Aml *aml_interrupt(bool level, bool active_low, bool shared,
                   const uint32_t *irqs, int nirqs);

typedef enum AmlAddrSpaceType {
    AML_MEMORY_RANGE = 0,
    AML_IO_RANGE = 1,
    AML_BUS_NUMBER_RANGE = 2,
} AmlAddrSpaceType;

/*
 * Address space descriptors (6.4.3.5): a resource the bridge produces for
 * its children, with fixed min and max, positive decode.
 */

/** aml_word_bus_number - WordBusNumber(ResourceProducer, ...). */
Aml *aml_word_bus_number(uint16_t min, uint16_t max);
/** aml_word_io / aml_dword_io - WordIO / DWordIO, EntireRange. */
Aml *aml_word_io(uint16_t min, uint16_t max);
Aml *aml_dword_io(uint32_t min, uint32_t max);
/** aml_dword_memory / aml_qword_memory - read-write memory windows. */
Aml *aml_dword_memory(bool cacheable, uint32_t min, uint32_t max);
Aml *aml_qword_memory(bool cacheable, uint64_t min, uint64_t max);

/* ---- Building ---- */

/**
 * aml_append - encode child and append it to parent (a block, a package,
 * a field, a resource template), consuming child.
 */
void aml_append(Aml *parent, Aml *child);
/** aml_emit - encode a and append its bytes to out, consuming a. */
void aml_emit(GByteArray *out, Aml *a);
/** aml_free - free a tree that will not be emitted. */
void aml_free(Aml *a);

/**
 * aml_pkglen_encode - the PkgLength (20.2.4) of a package whose contents
 * after the PkgLength are len bytes: 1 to 4 bytes at out, counting
 * themselves.  Returns how many; len must leave the total under 2^28.
 */
int aml_pkglen_encode(uint8_t out[4], uint32_t len);

/* ---- Table helpers ---- */

#define ACPI_TABLE_HEADER_SIZE 36
#define ACPI_OEM_ID            "KEMU  "   /* 6 characters */
#define ACPI_OEM_TABLE_ID      "KEMUPC  " /* 8 characters */
#define ACPI_CREATOR_ID        "KEMU"
#define ACPI_CREATOR_REVISION  1

/**
 * acpi_table_begin - append a System Description Table Header (5.2.6) with
 * signature sig (4 characters) and revision to t; returns its offset for
 * acpi_table_end.
 */
size_t acpi_table_begin(GByteArray *t, const char *sig, uint8_t rev);
/**
 * acpi_table_end - set the Length of the table that starts at offset start
 * to the bytes appended since, and its Checksum so they sum to zero.
 */
void acpi_table_end(GByteArray *t, size_t start);

/** acpi_checksum - the byte that makes len bytes at p sum to zero. */
uint8_t acpi_checksum(const uint8_t *p, size_t len);

/** build_append_int_noprefix - append the size (1..8) low bytes of val, LE. */
void build_append_int_noprefix(GByteArray *t, uint64_t val, int size);
/** build_append_padded_str - append str, padded with pad to len bytes. */
void build_append_padded_str(GByteArray *t, const char *str, size_t len,
                             char pad);

/* Generic Address Structure (5.2.3.2) */
#define ACPI_GAS_SIZE        12
#define AML_AS_SYSTEM_MEMORY 0
#define AML_AS_SYSTEM_IO     1
#define AML_ACCESS_UNDEFINED 0
#define AML_ACCESS_BYTE      1
#define AML_ACCESS_WORD      2
#define AML_ACCESS_DWORD     3

/** build_append_gas - append a GAS; address 0 means "not present". */
void build_append_gas(GByteArray *t, uint8_t space_id, uint8_t bit_width,
                      uint8_t bit_offset, uint8_t access_width,
                      uint64_t address);

#endif
