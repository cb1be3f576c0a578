/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The AML builder: each node holds the encoded bytes of its contents and
 * how to wrap them (an opcode, a PkgLength, a Buffer), and is encoded into
 * its parent when appended.  ACPI 6.4 chapter 20 (grammar) and 6.4
 * (resource descriptors); the table header, checksum and GAS of 5.2.
 */
#include "util/osdep.h"
#include "hw/acpi/aml-build.h"

/* Opcodes (20.3) */
#define AML_ZERO_OP               0x00
#define AML_ONE_OP                0x01
#define AML_NAME_OP               0x08
#define AML_BYTE_PREFIX           0x0a
#define AML_WORD_PREFIX           0x0b
#define AML_DWORD_PREFIX          0x0c
#define AML_STRING_PREFIX         0x0d
#define AML_QWORD_PREFIX          0x0e
#define AML_SCOPE_OP              0x10
#define AML_BUFFER_OP             0x11
#define AML_PACKAGE_OP            0x12
#define AML_METHOD_OP             0x14
#define AML_DUAL_NAME_PREFIX      0x2e
#define AML_MULTI_NAME_PREFIX     0x2f
#define AML_EXT_OP_PREFIX         0x5b
#define AML_LOCAL0_OP             0x60
#define AML_ARG0_OP               0x68
#define AML_STORE_OP              0x70
#define AML_SHIFT_LEFT_OP         0x79
#define AML_AND_OP                0x7b
#define AML_OR_OP                 0x7d
#define AML_NOTIFY_OP             0x86
#define AML_CREATE_DWORD_FIELD_OP 0x8a
#define AML_LNOT_OP               0x92
#define AML_LEQUAL_OP             0x93
#define AML_IF_OP                 0xa0
#define AML_ELSE_OP               0xa1
#define AML_RETURN_OP             0xa4
#define AML_ONES_OP               0xff
#define AML_NULL_NAME             0x00
/* after AML_EXT_OP_PREFIX */
#define AML_EXT_MUTEX     0x01
#define AML_EXT_ACQUIRE   0x23
#define AML_EXT_RELEASE   0x27
#define AML_EXT_OP_REGION 0x80
#define AML_EXT_FIELD     0x81
#define AML_EXT_DEVICE    0x82

/* Resource descriptor tags (6.4) */
#define ACPI_RES_IRQ_NO_FLAGS 0x22 /* small, 2 bytes of data */
#define ACPI_RES_IO           0x47 /* small, 7 bytes of data */
#define ACPI_RES_END_TAG      0x79 /* small, 1 byte: the checksum */
#define ACPI_RES_DWORD_ADDR   0x87
#define ACPI_RES_WORD_ADDR    0x88
#define ACPI_RES_EXT_IRQ      0x89
#define ACPI_RES_QWORD_ADDR   0x8a

/* How a node's bytes are wrapped when it is appended to its parent. */
typedef enum AmlBlock {
    AML_RAW,                /* the bytes as they are */
    AML_OPCODE,             /* op, bytes */
    AML_PKG,                /* op, PkgLength, bytes */
    AML_EXT_PKG,            /* ExtOpPrefix, op, PkgLength, bytes */
    AML_PKG_ELEMENTS,       /* PackageOp, PkgLength, NumElements, bytes */
    AML_BUFFER,             /* BufferOp, PkgLength, BufferSize, bytes */
    AML_RES_TEMPLATE,       /* an AML_BUFFER ending in an End Tag */
    AML_RES_TEMPLATE_NOSUM, /* the same, End Tag checksum 0 */
} AmlBlock;

struct Aml {
    GByteArray *buf;
    AmlBlock block;
    uint8_t op;
    unsigned elements; /* AML_PKG_ELEMENTS: children appended */
};

static Aml *aml_new(AmlBlock block, uint8_t op)
{
    Aml *a = g_new0(Aml, 1);

    a->buf = g_byte_array_new();
    a->block = block;
    a->op = op;
    return a;
}

void aml_free(Aml *a)
{
    if (a) {
        g_byte_array_free(a->buf, TRUE);
        g_free(a);
    }
}

static void append_byte(GByteArray *b, uint8_t v)
{
    g_byte_array_append(b, &v, 1);
}

void build_append_int_noprefix(GByteArray *t, uint64_t val, int size)
{
    assert(size >= 1 && size <= 8);
    for (int i = 0; i < size; i++) {
        append_byte(t, val >> (8 * i));
    }
}

void build_append_padded_str(GByteArray *t, const char *str, size_t len,
                             char pad)
{
    size_t n = strlen(str);

    assert(n <= len);
    g_byte_array_append(t, (const guint8 *)str, n);
    for (; n < len; n++) {
        append_byte(t, pad);
    }
}

/* ---- PkgLength and NameString ---- */

int aml_pkglen_encode(uint8_t out[4], uint32_t len)
{
    int n;
    uint32_t total;

    /* One byte holds up to 63; n bytes hold 4 + 8 * (n - 1) bits. */
    if (len + 1 <= 0x3f) {
        out[0] = len + 1;
        return 1;
    }
    for (n = 2; n <= 4; n++) {
        total = len + n;
        if (total < (1u << (4 + 8 * (n - 1)))) {
            break;
        }
    }
    assert(n <= 4);
    out[0] = (n - 1) << 6 | (total & 0xf);
    for (int i = 1; i < n; i++) {
        out[i] = total >> (4 + 8 * (i - 1));
    }
    return n;
}

/*
 * The field-element length: the PkgLength encoding of a plain number,
 * which does not count its own bytes (20.2.5.2 NamedField).
 */
static void append_field_len(GByteArray *b, uint32_t bits)
{
    if (bits <= 0x3f) {
        append_byte(b, bits);
        return;
    }
    for (int n = 2; n <= 4; n++) {
        if (bits < (1u << (4 + 8 * (n - 1)))) {
            append_byte(b, (n - 1) << 6 | (bits & 0xf));
            for (int i = 1; i < n; i++) {
                append_byte(b, bits >> (4 + 8 * (i - 1)));
            }
            return;
        }
    }
    g_assert_not_reached();
}

static void append_pkglen(GByteArray *b, uint32_t len)
{
    uint8_t enc[4];
    int n = aml_pkglen_encode(enc, len);

    g_byte_array_append(b, enc, n);
}

static bool name_char_ok(char c, bool first)
{
    return (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

/* A NameSeg: up to four characters, padded with '_'. */
static void append_nameseg(GByteArray *b, const char *seg, size_t len)
{
    assert(len >= 1 && len <= 4);
    for (size_t i = 0; i < 4; i++) {
        char c = i < len ? seg[i] : '_';

        assert(name_char_ok(c, i == 0));
        append_byte(b, c);
    }
}

/* A NameString (20.2.2): prefixes, then one, two or more segments. */
static void append_namestring(GByteArray *b, const char *path)
{
    const char *p = path;
    const char *segs[255];
    size_t lens[255];
    int nseg = 0;

    while (*p == '\\' || *p == '^') {
        append_byte(b, *p++);
    }
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);

        assert(nseg < 255);
        segs[nseg] = p;
        lens[nseg++] = len;
        p += len;
        if (*p == '.') {
            p++;
            assert(*p);
        }
    }
    if (nseg == 0) {
        append_byte(b, AML_NULL_NAME);
        return;
    }
    if (nseg == 2) {
        append_byte(b, AML_DUAL_NAME_PREFIX);
    } else if (nseg > 2) {
        append_byte(b, AML_MULTI_NAME_PREFIX);
        append_byte(b, nseg);
    }
    for (int i = 0; i < nseg; i++) {
        append_nameseg(b, segs[i], lens[i]);
    }
}

/* ---- Encoding ---- */

static void encode(GByteArray *out, Aml *a)
{
    GByteArray *b = a->buf;

    switch (a->block) {
    case AML_RAW:
        g_byte_array_append(out, b->data, b->len);
        break;
    case AML_OPCODE:
        append_byte(out, a->op);
        g_byte_array_append(out, b->data, b->len);
        break;
    case AML_EXT_PKG:
        append_byte(out, AML_EXT_OP_PREFIX);
        /* fall through */
    case AML_PKG:
        append_byte(out, a->op);
        append_pkglen(out, b->len);
        g_byte_array_append(out, b->data, b->len);
        break;
    case AML_PKG_ELEMENTS:
        assert(a->elements <= 255);
        append_byte(out, AML_PACKAGE_OP);
        append_pkglen(out, b->len + 1);
        append_byte(out, a->elements);
        g_byte_array_append(out, b->data, b->len);
        break;
    case AML_RES_TEMPLATE:
    case AML_RES_TEMPLATE_NOSUM: {
        uint8_t sum = 0;

        append_byte(b, ACPI_RES_END_TAG);
        for (guint i = 0; i < b->len; i++) {
            sum += b->data[i];
        }
        append_byte(b, a->block == AML_RES_TEMPLATE ? -sum : 0);
    }
        /* fall through */
    case AML_BUFFER: {
        Aml *size = aml_int(b->len);

        append_byte(out, AML_BUFFER_OP);
        append_pkglen(out, size->buf->len + b->len);
        g_byte_array_append(out, size->buf->data, size->buf->len);
        g_byte_array_append(out, b->data, b->len);
        aml_free(size);
        break;
    }
    }
}

void aml_emit(GByteArray *out, Aml *a)
{
    encode(out, a);
    aml_free(a);
}

void aml_append(Aml *parent, Aml *child)
{
    aml_emit(parent->buf, child);
    parent->elements++;
}

/* ---- Data objects ---- */

Aml *aml_int(uint64_t val)
{
    Aml *a = aml_new(AML_RAW, 0);

    if (val == 0) {
        append_byte(a->buf, AML_ZERO_OP);
    } else if (val == 1) {
        append_byte(a->buf, AML_ONE_OP);
    } else if (val == UINT64_MAX) {
        append_byte(a->buf, AML_ONES_OP);
    } else if (val <= 0xff) {
        append_byte(a->buf, AML_BYTE_PREFIX);
        build_append_int_noprefix(a->buf, val, 1);
    } else if (val <= 0xffff) {
        append_byte(a->buf, AML_WORD_PREFIX);
        build_append_int_noprefix(a->buf, val, 2);
    } else if (val <= 0xffffffff) {
        append_byte(a->buf, AML_DWORD_PREFIX);
        build_append_int_noprefix(a->buf, val, 4);
    } else {
        append_byte(a->buf, AML_QWORD_PREFIX);
        build_append_int_noprefix(a->buf, val, 8);
    }
    return a;
}

Aml *aml_dword(uint32_t val)
{
    Aml *a = aml_new(AML_OPCODE, AML_DWORD_PREFIX);

    build_append_int_noprefix(a->buf, val, 4);
    return a;
}

Aml *aml_string(const char *fmt, ...)
{
    Aml *a = aml_new(AML_OPCODE, AML_STRING_PREFIX);
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_byte_array_append(a->buf, (const guint8 *)s, strlen(s) + 1);
    g_free(s);
    return a;
}

uint32_t aml_eisaid_value(const char *id)
{
    uint32_t v;

    assert(strlen(id) == 7);
    v = (uint32_t)((id[0] - 0x40) & 0x1f) << 26 |
        (uint32_t)((id[1] - 0x40) & 0x1f) << 21 |
        (uint32_t)((id[2] - 0x40) & 0x1f) << 16 |
        (uint32_t)strtoul(id + 3, NULL, 16);
    /* Stored big-endian: the letters come first in memory. */
    return GUINT32_SWAP_LE_BE(v);
}

Aml *aml_eisaid(const char *id)
{
    return aml_dword(aml_eisaid_value(id));
}

static Aml *aml_namestring_va(AmlBlock block, uint8_t op, const char *fmt,
                              va_list ap)
{
    Aml *a = aml_new(block, op);
    char *s = g_strdup_vprintf(fmt, ap);

    append_namestring(a->buf, s);
    g_free(s);
    return a;
}

Aml *aml_name(const char *fmt, ...)
{
    va_list ap;
    Aml *a;

    va_start(ap, fmt);
    a = aml_namestring_va(AML_RAW, 0, fmt, ap);
    va_end(ap);
    return a;
}

Aml *aml_arg(int n)
{
    Aml *a = aml_new(AML_RAW, 0);

    assert(n >= 0 && n <= 6);
    append_byte(a->buf, AML_ARG0_OP + n);
    return a;
}

Aml *aml_local(int n)
{
    Aml *a = aml_new(AML_RAW, 0);

    assert(n >= 0 && n <= 7);
    append_byte(a->buf, AML_LOCAL0_OP + n);
    return a;
}

Aml *aml_package(void)
{
    return aml_new(AML_PKG_ELEMENTS, AML_PACKAGE_OP);
}

Aml *aml_buffer(const uint8_t *data, size_t len)
{
    Aml *a = aml_new(AML_BUFFER, AML_BUFFER_OP);

    if (data) {
        g_byte_array_append(a->buf, data, len);
    } else {
        g_byte_array_set_size(a->buf, len);
        memset(a->buf->data, 0, len);
    }
    return a;
}

/* ---- Named objects and blocks ---- */

Aml *aml_name_decl(const char *name, Aml *val)
{
    Aml *a = aml_new(AML_OPCODE, AML_NAME_OP);

    append_namestring(a->buf, name);
    aml_emit(a->buf, val);
    return a;
}

Aml *aml_scope(const char *fmt, ...)
{
    va_list ap;
    Aml *a;

    va_start(ap, fmt);
    a = aml_namestring_va(AML_PKG, AML_SCOPE_OP, fmt, ap);
    va_end(ap);
    return a;
}

Aml *aml_device(const char *fmt, ...)
{
    va_list ap;
    Aml *a;

    va_start(ap, fmt);
    a = aml_namestring_va(AML_EXT_PKG, AML_EXT_DEVICE, fmt, ap);
    va_end(ap);
    return a;
}

Aml *aml_method(const char *name, int argc, bool serialized)
{
    Aml *a = aml_new(AML_PKG, AML_METHOD_OP);

    assert(argc >= 0 && argc <= 7);
    append_namestring(a->buf, name);
    /* MethodFlags: ArgCount in bits 0-2, SerializeFlag bit 3, SyncLevel 0 */
    append_byte(a->buf, argc | (serialized ? 1 << 3 : 0));
    return a;
}

Aml *aml_if(Aml *predicate)
{
    Aml *a = aml_new(AML_PKG, AML_IF_OP);

    aml_emit(a->buf, predicate);
    return a;
}

Aml *aml_else(void)
{
    return aml_new(AML_PKG, AML_ELSE_OP);
}

Aml *aml_operation_region(const char *name, AmlRegionSpace space, Aml *offset,
                          uint32_t len)
{
    Aml *a = aml_new(AML_RAW, 0);

    append_byte(a->buf, AML_EXT_OP_PREFIX);
    append_byte(a->buf, AML_EXT_OP_REGION);
    append_namestring(a->buf, name);
    append_byte(a->buf, space);
    aml_emit(a->buf, offset);
    aml_emit(a->buf, aml_int(len));
    return a;
}

Aml *aml_field(const char *region, AmlFieldAccess access, bool lock,
               AmlFieldUpdate update)
{
    Aml *a = aml_new(AML_EXT_PKG, AML_EXT_FIELD);

    append_namestring(a->buf, region);
    /* FieldFlags: AccessType bits 0-3, LockRule bit 4, UpdateRule 5-6 */
    append_byte(a->buf, access | (lock ? 1 << 4 : 0) | update << 5);
    return a;
}

Aml *aml_named_field(const char *name, unsigned bits)
{
    Aml *a = aml_new(AML_RAW, 0);

    append_nameseg(a->buf, name, strlen(name));
    append_field_len(a->buf, bits);
    return a;
}

Aml *aml_reserved_field(unsigned bits)
{
    Aml *a = aml_new(AML_RAW, 0);

    append_byte(a->buf, 0x00); /* ReservedField := 0x00 PkgLength */
    append_field_len(a->buf, bits);
    return a;
}

Aml *aml_create_dword_field(Aml *buf, Aml *byte_index, const char *name)
{
    Aml *a = aml_new(AML_OPCODE, AML_CREATE_DWORD_FIELD_OP);

    aml_emit(a->buf, buf);
    aml_emit(a->buf, byte_index);
    append_namestring(a->buf, name);
    return a;
}

/* ---- Statements and expressions ---- */

static void append_target(GByteArray *b, Aml *target)
{
    if (target) {
        aml_emit(b, target);
    } else {
        append_byte(b, AML_NULL_NAME);
    }
}

Aml *aml_return(Aml *val)
{
    Aml *a = aml_new(AML_OPCODE, AML_RETURN_OP);

    aml_emit(a->buf, val);
    return a;
}

Aml *aml_store(Aml *src, Aml *dst)
{
    Aml *a = aml_new(AML_OPCODE, AML_STORE_OP);

    aml_emit(a->buf, src);
    aml_emit(a->buf, dst);
    return a;
}

static Aml *binop(uint8_t op, Aml *x, Aml *y, Aml *target)
{
    Aml *a = aml_new(AML_OPCODE, op);

    aml_emit(a->buf, x);
    aml_emit(a->buf, y);
    append_target(a->buf, target);
    return a;
}

Aml *aml_and(Aml *x, Aml *y, Aml *target)
{
    return binop(AML_AND_OP, x, y, target);
}

Aml *aml_or(Aml *x, Aml *y, Aml *target)
{
    return binop(AML_OR_OP, x, y, target);
}

Aml *aml_shiftleft(Aml *x, Aml *count)
{
    return binop(AML_SHIFT_LEFT_OP, x, count, NULL);
}

Aml *aml_notify(Aml *obj, Aml *value)
{
    Aml *a = aml_new(AML_OPCODE, AML_NOTIFY_OP);

    aml_emit(a->buf, obj);
    aml_emit(a->buf, value);
    return a;
}

Aml *aml_mutex(const char *name, uint8_t sync_level)
{
    Aml *a = aml_new(AML_RAW, 0);

    assert(sync_level <= 15);
    append_byte(a->buf, AML_EXT_OP_PREFIX);
    append_byte(a->buf, AML_EXT_MUTEX);
    append_namestring(a->buf, name);
    append_byte(a->buf, sync_level); /* SyncFlags: SyncLevel in bits 0-3 */
    return a;
}

Aml *aml_acquire(Aml *mutex, uint16_t timeout)
{
    Aml *a = aml_new(AML_RAW, 0);

    append_byte(a->buf, AML_EXT_OP_PREFIX);
    append_byte(a->buf, AML_EXT_ACQUIRE);
    aml_emit(a->buf, mutex);
    build_append_int_noprefix(a->buf, timeout, 2);
    return a;
}

Aml *aml_release(Aml *mutex)
{
    Aml *a = aml_new(AML_RAW, 0);

    append_byte(a->buf, AML_EXT_OP_PREFIX);
    append_byte(a->buf, AML_EXT_RELEASE);
    aml_emit(a->buf, mutex);
    return a;
}

Aml *aml_lequal(Aml *x, Aml *y)
{
    Aml *a = aml_new(AML_OPCODE, AML_LEQUAL_OP);

    aml_emit(a->buf, x);
    aml_emit(a->buf, y);
    return a;
}

Aml *aml_lnot(Aml *x)
{
    Aml *a = aml_new(AML_OPCODE, AML_LNOT_OP);

    aml_emit(a->buf, x);
    return a;
}

Aml *aml_call(const char *name, int argc, ...)
{
    Aml *a = aml_new(AML_RAW, 0);
    va_list ap;

    append_namestring(a->buf, name);
    va_start(ap, argc);
    for (int i = 0; i < argc; i++) {
        aml_emit(a->buf, va_arg(ap, Aml *));
    }
    va_end(ap);
    return a;
}

/* ---- Resource templates ---- */

Aml *aml_resource_template(void)
{
    return aml_new(AML_RES_TEMPLATE, AML_BUFFER_OP);
}

Aml *aml_resource_template_mutable(void)
{
    return aml_new(AML_RES_TEMPLATE_NOSUM, AML_BUFFER_OP);
}

Aml *aml_io(bool decode16, uint16_t min, uint16_t max, uint8_t align,
            uint8_t len)
{
    Aml *a = aml_new(AML_RAW, 0);

    append_byte(a->buf, ACPI_RES_IO);
    append_byte(a->buf, decode16 ? 1 : 0);
    build_append_int_noprefix(a->buf, min, 2);
    build_append_int_noprefix(a->buf, max, 2);
    append_byte(a->buf, align);
    append_byte(a->buf, len);
    return a;
}

Aml *aml_irq_no_flags(uint8_t irq)
{
    Aml *a = aml_new(AML_RAW, 0);

    assert(irq < 16);
    append_byte(a->buf, ACPI_RES_IRQ_NO_FLAGS);
    build_append_int_noprefix(a->buf, 1u << irq, 2);
    return a;
}

Aml *aml_interrupt(bool level, bool active_low, bool shared,
                   const uint32_t *irqs, int nirqs)
{
    Aml *a = aml_new(AML_RAW, 0);

    assert(nirqs >= 1 && nirqs <= 255);
    append_byte(a->buf, ACPI_RES_EXT_IRQ);
    build_append_int_noprefix(a->buf, 2 + 4 * nirqs, 2);
    /* Flags: consumer bit 0, edge bit 1, active low bit 2, shared bit 3 */
    append_byte(a->buf, 1 | (level ? 0 : 1 << 1) | (active_low ? 1 << 2 : 0) |
                            (shared ? 1 << 3 : 0));
    append_byte(a->buf, nirqs);
    for (int i = 0; i < nirqs; i++) {
        build_append_int_noprefix(a->buf, irqs[i], 4);
    }
    return a;
}

/*
 * An address space descriptor of width bytes per field: producer, positive
 * decode, min and max fixed (general flags 0x0c), granularity 0, no
 * translation, length max - min + 1.
 */
static Aml *addr_space(uint8_t tag, int width, AmlAddrSpaceType type,
                       uint8_t type_flags, uint64_t min, uint64_t max)
{
    Aml *a = aml_new(AML_RAW, 0);

    assert(max >= min);
    append_byte(a->buf, tag);
    build_append_int_noprefix(a->buf, 3 + 5 * width, 2);
    append_byte(a->buf, type);
    append_byte(a->buf, 1 << 2 | 1 << 3); /* MinFixed, MaxFixed */
    append_byte(a->buf, type_flags);
    build_append_int_noprefix(a->buf, 0, width); /* granularity */
    build_append_int_noprefix(a->buf, min, width);
    build_append_int_noprefix(a->buf, max, width);
    build_append_int_noprefix(a->buf, 0, width); /* translation */
    build_append_int_noprefix(a->buf, max - min + 1, width);
    return a;
}

#define IO_ENTIRE_RANGE 0x03 /* I/O type flags: ISA and non-ISA ranges */
#define MEM_READ_WRITE  0x01
#define MEM_CACHEABLE   (1 << 1)

Aml *aml_word_bus_number(uint16_t min, uint16_t max)
{
    return addr_space(ACPI_RES_WORD_ADDR, 2, AML_BUS_NUMBER_RANGE, 0, min, max);
}

Aml *aml_word_io(uint16_t min, uint16_t max)
{
    return addr_space(ACPI_RES_WORD_ADDR, 2, AML_IO_RANGE, IO_ENTIRE_RANGE, min,
                      max);
}

Aml *aml_dword_io(uint32_t min, uint32_t max)
{
    return addr_space(ACPI_RES_DWORD_ADDR, 4, AML_IO_RANGE, IO_ENTIRE_RANGE,
                      min, max);
}

Aml *aml_dword_memory(bool cacheable, uint32_t min, uint32_t max)
{
    return addr_space(ACPI_RES_DWORD_ADDR, 4, AML_MEMORY_RANGE,
                      MEM_READ_WRITE | (cacheable ? MEM_CACHEABLE : 0), min,
                      max);
}

Aml *aml_qword_memory(bool cacheable, uint64_t min, uint64_t max)
{
    return addr_space(ACPI_RES_QWORD_ADDR, 8, AML_MEMORY_RANGE,
                      MEM_READ_WRITE | (cacheable ? MEM_CACHEABLE : 0), min,
                      max);
}

/* ---- Table helpers ---- */

uint8_t acpi_checksum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++) {
        sum += p[i];
    }
    return -sum;
}

size_t acpi_table_begin(GByteArray *t, const char *sig, uint8_t rev)
{
    size_t start = t->len;

    assert(strlen(sig) == 4);
    build_append_padded_str(t, sig, 4, ' ');
    build_append_int_noprefix(t, 0, 4); /* Length: acpi_table_end */
    build_append_int_noprefix(t, rev, 1);
    build_append_int_noprefix(t, 0, 1); /* Checksum: acpi_table_end */
    build_append_padded_str(t, ACPI_OEM_ID, 6, ' ');
    build_append_padded_str(t, ACPI_OEM_TABLE_ID, 8, ' ');
    build_append_int_noprefix(t, 1, 4); /* OEM Revision */
    build_append_padded_str(t, ACPI_CREATOR_ID, 4, ' ');
    build_append_int_noprefix(t, ACPI_CREATOR_REVISION, 4);
    return start;
}

void acpi_table_end(GByteArray *t, size_t start)
{
    uint8_t *h = t->data + start;
    uint32_t len = t->len - start;

    for (int i = 0; i < 4; i++) {
        h[4 + i] = len >> (8 * i);
    }
    h[9] = 0;
    h[9] = acpi_checksum(h, len);
}

void build_append_gas(GByteArray *t, uint8_t space_id, uint8_t bit_width,
                      uint8_t bit_offset, uint8_t access_width,
                      uint64_t address)
{
    build_append_int_noprefix(t, space_id, 1);
    build_append_int_noprefix(t, bit_width, 1);
    build_append_int_noprefix(t, bit_offset, 1);
    build_append_int_noprefix(t, access_width, 1);
    build_append_int_noprefix(t, address, 8);
}
