/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Check "cpuid": what CPUID says to the guest under the VMM's -cpu.  The
 * expectation comes on the kernel command line (-append, no spaces), a
 * comma-separated list:
 *   name=NAME           the name in the verdict line (default "cpuid")
 *   vendor=GenuineIntel family=N model=N stepping=N level=N xlevel=N
 *   +FLAG / -FLAG       the flag is / is not set (QEMU's flag names)
 *   brand=TEXT          the model-id (CPUID 0x80000002..4) is TEXT, where
 *                       a '-' also stands for a space
 *   ~FLAG               only print the flag (kvm_pvm cannot hide some)
 *   *FLAG               a flag of the -cpu model: set, unless KVM cannot
 *                       give it; then the VMM drops it with QEMU's warning
 *                       ("host doesn't support requested feature:
 *                       CPUID.80000001H:ECX.topoext [bit 22]"), so the guest
 *                       prints "KEMU-DROPPED: CPUID.80000001H:ECX [bit 22]"
 *                       and run.sh fails it unless the VMM's output has
 *                       that warning
 * The guest prints the leaves it read, then PASS or the first mismatch.
 */
#include "lib.h"

#define CPUID_EXT_BASE 0x80000000u
#define CPUID_KVM_BASE 0x40000000u
#define NAME_MAX_LEN   48
#define BRAND_LEN      48
#define FAMILY_EXT     0xf
#define ITEM_MAX_LEN   63

const char test_name[] = "cpuid";

struct regs {
    uint32_t eax, ebx, ecx, edx;
};

/* The flags a -append line may name: where CPUID keeps each. */
struct flag {
    const char *name;
    uint32_t leaf, subleaf;
    char reg;
    uint8_t bit;
};

static const struct flag flags[] = {
    {"fpu", 1, 0, 'd', 0},
    {"tsc", 1, 0, 'd', 4},
    {"apic", 1, 0, 'd', 9},
    {"mtrr", 1, 0, 'd', 12},
    {"clflush", 1, 0, 'd', 19},
    {"sse", 1, 0, 'd', 25},
    {"sse2", 1, 0, 'd', 26},
    {"pni", 1, 0, 'c', 0},
    {"sse3", 1, 0, 'c', 0},
    {"pclmulqdq", 1, 0, 'c', 1},
    {"monitor", 1, 0, 'c', 3},
    {"vmx", 1, 0, 'c', 5},
    {"ssse3", 1, 0, 'c', 9},
    {"fma", 1, 0, 'c', 12},
    {"cx16", 1, 0, 'c', 13},
    {"pcid", 1, 0, 'c', 17},
    {"sse4.1", 1, 0, 'c', 19},
    {"sse4.2", 1, 0, 'c', 20},
    {"x2apic", 1, 0, 'c', 21},
    {"movbe", 1, 0, 'c', 22},
    {"popcnt", 1, 0, 'c', 23},
    {"tsc-deadline", 1, 0, 'c', 24},
    {"aes", 1, 0, 'c', 25},
    {"xsave", 1, 0, 'c', 26},
    {"avx", 1, 0, 'c', 28},
    {"f16c", 1, 0, 'c', 29},
    {"rdrand", 1, 0, 'c', 30},
    {"hypervisor", 1, 0, 'c', 31},
    {"arat", 6, 0, 'a', 2},
    {"fsgsbase", 7, 0, 'b', 0},
    {"bmi1", 7, 0, 'b', 3},
    {"hle", 7, 0, 'b', 4},
    {"avx2", 7, 0, 'b', 5},
    {"smep", 7, 0, 'b', 7},
    {"bmi2", 7, 0, 'b', 8},
    {"erms", 7, 0, 'b', 9},
    {"invpcid", 7, 0, 'b', 10},
    {"rtm", 7, 0, 'b', 11},
    {"avx512f", 7, 0, 'b', 16},
    {"sha-ni", 7, 0, 'b', 29},
    {"xsaveopt", 0xd, 1, 'a', 0},
    {"kvmclock", CPUID_KVM_BASE + 1, 0, 'a', 3},
    {"syscall", CPUID_EXT_BASE + 1, 0, 'd', 11},
    {"nx", CPUID_EXT_BASE + 1, 0, 'd', 20},
    {"pdpe1gb", CPUID_EXT_BASE + 1, 0, 'd', 26},
    {"rdtscp", CPUID_EXT_BASE + 1, 0, 'd', 27},
    {"lm", CPUID_EXT_BASE + 1, 0, 'd', 29},
    {"mmxext", CPUID_EXT_BASE + 1, 0, 'd', 22},
    {"fxsr-opt", CPUID_EXT_BASE + 1, 0, 'd', 25},
    {"lahf-lm", CPUID_EXT_BASE + 1, 0, 'c', 0},
    {"cr8legacy", CPUID_EXT_BASE + 1, 0, 'c', 4},
    {"misalignsse", CPUID_EXT_BASE + 1, 0, 'c', 7},
    {"3dnowprefetch", CPUID_EXT_BASE + 1, 0, 'c', 8},
    {"svm", CPUID_EXT_BASE + 1, 0, 'c', 2},
    {"abm", CPUID_EXT_BASE + 1, 0, 'c', 5},
    {"sse4a", CPUID_EXT_BASE + 1, 0, 'c', 6},
    {"topoext", CPUID_EXT_BASE + 1, 0, 'c', 22},
};

static struct regs cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct regs r;

    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

static char verdict_name[NAME_MAX_LEN + 1] = "cpuid";

static void fail(const char *fmt, ...) __attribute__((noreturn));
static void fail(const char *fmt, ...)
{
    va_list ap;

    printf("KEMU-TEST %s: FAIL ", verdict_name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    serial_putc('\n');
    debug_exit(DEBUG_EXIT_FAIL);
}

/* Decimal or 0x-hex; sets *ok to 0 on junk. */
static uint32_t parse_num(const char *s, size_t len, int *ok)
{
    uint32_t v = 0, base = 10;
    size_t i = 0;

    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    if (i == len) {
        *ok = 0;
    }
    for (; i < len; i++) {
        char c = s[i];
        uint32_t d;

        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (base == 16 && c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        } else if (base == 16 && c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        } else {
            *ok = 0;
            return 0;
        }
        v = v * base + d;
    }
    return v;
}

static int word_eq(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && !memcmp(s, word, len);
}

static uint32_t reg_of(const struct regs *r, char reg)
{
    switch (reg) {
    case 'a':
        return r->eax;
    case 'b':
        return r->ebx;
    case 'c':
        return r->ecx;
    default:
        return r->edx;
    }
}

struct seen {
    char vendor[13];
    char brand[BRAND_LEN + 1];
    uint32_t family, model, stepping, level, xlevel;
};

#define WANT_PRINT   -1 /* ~FLAG */
#define WANT_OR_WARN 2  /* *FLAG */

/* want: 1 set, 0 clear, WANT_PRINT, WANT_OR_WARN (set, or warned about). */
static void check_flag(const char *name, int want, const struct seen *s)
{
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        const struct flag *f = &flags[i];
        uint32_t max;
        int have = 0;

        if (strcmp(name, f->name)) {
            continue;
        }
        max = f->leaf >= CPUID_EXT_BASE   ? s->xlevel
              : f->leaf >= CPUID_KVM_BASE ? cpuid(CPUID_KVM_BASE, 0).eax
                                          : s->level;
        if (f->leaf <= max) {
            struct regs r = cpuid(f->leaf, f->subleaf);

            have = (reg_of(&r, f->reg) >> f->bit) & 1;
        }
        printf("flag %s: %s (CPUID.%xH.%u:E%cX bit %u)\n", f->name,
               have ? "set" : "clear", f->leaf, f->subleaf, f->reg - 32,
               f->bit);
        if (want == WANT_OR_WARN) {
            if (!have) {
                printf("KEMU-DROPPED: CPUID.%02XH:E%cX [bit %u] (%s)\n",
                       f->leaf, f->reg - 32, f->bit, f->name);
            }
            return;
        }
        if (want >= 0 && have != want) {
            fail("flag %s is %s, want %s", f->name, have ? "set" : "clear",
                 want ? "set" : "clear");
        }
        return;
    }
    fail("the check knows no flag '%s'", name);
}

static int brand_eq(const char *have, const char *want)
{
    for (; *have && *want; have++, want++) {
        if (*have != *want && !(*want == '-' && *have == ' ')) {
            return 0;
        }
    }
    return !*have && !*want;
}

/* One expectation, NUL-terminated; "key" is cut at the '='. */
static void check_item(char *item, const struct seen *s)
{
    char *val = NULL;
    size_t len = strlen(item), klen;
    uint32_t want, have;
    int ok = 1;

    if (item[0] == '+' || item[0] == '-' || item[0] == '~' || item[0] == '*') {
        check_flag(item + 1,
                   item[0] == '~'   ? WANT_PRINT
                   : item[0] == '*' ? WANT_OR_WARN
                                    : item[0] == '+',
                   s);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        if (item[i] == '=') {
            item[i] = '\0';
            val = item + i + 1;
            break;
        }
    }
    if (!val) {
        fail("bad expectation '%s'", item);
    }
    klen = val - 1 - item;
    if (word_eq(item, klen, "name")) {
        return;
    }
    if (word_eq(item, klen, "brand")) {
        if (!brand_eq(s->brand, val)) {
            fail("brand '%s', want '%s'", s->brand, val);
        }
        return;
    }
    if (word_eq(item, klen, "vendor")) {
        if (strcmp(val, s->vendor)) {
            fail("vendor '%s', want '%s'", s->vendor, val);
        }
        return;
    }
    want = parse_num(val, strlen(val), &ok);
    if (!ok) {
        fail("bad number in '%s=%s'", item, val);
    }
    if (word_eq(item, klen, "family")) {
        have = s->family;
    } else if (word_eq(item, klen, "model")) {
        have = s->model;
    } else if (word_eq(item, klen, "stepping")) {
        have = s->stepping;
    } else if (word_eq(item, klen, "level")) {
        have = s->level;
    } else if (word_eq(item, klen, "xlevel")) {
        have = s->xlevel;
    } else {
        fail("bad expectation '%s'", item);
    }
    if (have != want) {
        fail("%s %u (0x%x), want %u (0x%x)", item, have, have, want, want);
    }
}

/* The name= item, before anything can fail. */
static void take_name(const char *cmdline)
{
    const char *p = cmdline;

    while (*p) {
        const char *end = p;
        size_t len;

        while (*end && *end != ',' && *end != ' ') {
            end++;
        }
        len = end - p;
        if (len > 5 && !memcmp(p, "name=", 5) && len - 5 <= NAME_MAX_LEN) {
            memcpy(verdict_name, p + 5, len - 5);
            verdict_name[len - 5] = '\0';
        }
        p = *end ? end + 1 : end;
    }
}

void test_main(void)
{
    const struct hvm_start_info *si = start_info();
    const char *cmdline =
        si->cmdline_paddr ? (const char *)(uintptr_t)si->cmdline_paddr : "";
    struct seen s;
    struct regs r0 = cpuid(0, 0), r1, r7, rx, rx1, rk;
    char sig[13] = {0};
    const char *p;

    take_name(cmdline);
    memset(&s, 0, sizeof(s));
    memcpy(s.vendor, &r0.ebx, 4);
    memcpy(s.vendor + 4, &r0.edx, 4);
    memcpy(s.vendor + 8, &r0.ecx, 4);
    s.vendor[12] = '\0';
    s.level = r0.eax;
    r1 = cpuid(1, 0);
    s.family = (r1.eax >> 8) & 0xf;
    s.model = (r1.eax >> 4) & 0xf;
    s.stepping = r1.eax & 0xf;
    if (s.family == FAMILY_EXT) {
        s.family += (r1.eax >> 20) & 0xff;
    }
    if (s.family == 6 || s.family >= FAMILY_EXT) {
        s.model |= ((r1.eax >> 16) & 0xf) << 4;
    }
    r7 = s.level >= 7 ? cpuid(7, 0) : (struct regs){0, 0, 0, 0};
    rx = cpuid(CPUID_EXT_BASE, 0);
    s.xlevel = (rx.eax & CPUID_EXT_BASE) ? rx.eax : 0;
    rx1 = s.xlevel >= CPUID_EXT_BASE + 1 ? cpuid(CPUID_EXT_BASE + 1, 0)
                                         : (struct regs){0, 0, 0, 0};
    for (uint32_t i = 0; i < 3 && s.xlevel >= CPUID_EXT_BASE + 2 + i; i++) {
        struct regs b = cpuid(CPUID_EXT_BASE + 2 + i, 0);

        memcpy(s.brand + 16 * i, &b, sizeof(b));
    }
    rk = cpuid(CPUID_KVM_BASE, 0);

    printf("cmdline: '%s'\n", cmdline);
    printf("vendor %s family %u model %u stepping %u level 0x%x xlevel 0x%x\n",
           s.vendor, s.family, s.model, s.stepping, s.level, s.xlevel);
    printf("brand '%s'\n", s.brand);
    printf("leaf 1: eax %08x ebx %08x ecx %08x edx %08x\n", r1.eax, r1.ebx,
           r1.ecx, r1.edx);
    printf("leaf 7: ebx %08x ecx %08x edx %08x\n", r7.ebx, r7.ecx, r7.edx);
    printf("leaf 80000001: ecx %08x edx %08x\n", rx1.ecx, rx1.edx);
    memcpy(sig, &rk.ebx, 4);
    memcpy(sig + 4, &rk.ecx, 4);
    memcpy(sig + 8, &rk.edx, 4);
    printf("leaf 40000000: eax %08x sig '%s'\n", rk.eax, sig);

    for (p = cmdline; *p;) {
        const char *end = p;

        while (*end && *end != ',' && *end != ' ') {
            end++;
        }
        if (end > p) {
            char item[ITEM_MAX_LEN + 1];
            size_t n = end - p;

            if (n > ITEM_MAX_LEN) {
                fail("expectation too long");
            }
            memcpy(item, p, n);
            item[n] = '\0';
            check_item(item, &s);
        }
        p = *end ? end + 1 : end;
    }
    printf("KEMU-TEST %s: PASS\n", verdict_name);
    debug_exit(DEBUG_EXIT_PASS);
}
