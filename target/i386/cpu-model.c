/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 CPU models, the logic: looking flags up, the -cpu parser (a model
 * from cpu-model-table.c, its version, QEMU's KVM defaults, the user's
 * flags and properties), -cpu help, and the CPUID table a model yields
 * against what the accelerator supports.
 */
#include "util/osdep.h"
#include "target/i386/cpu-model-table.h"

/* ---- Feature words and flag names ---- */

#define FLAG_NAME_MAX 32

/*
 * The name of bit @bit of word @w, copied to @buf (NULL if it has none).
 */
static const char *bit_name(int w, unsigned bit, char *buf, size_t size)
{
    const char *p = x86_feature_words[w].names;

    for (unsigned i = 0; *p; i++) {
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        if (i == bit) {
            if (len == 1 && *p == '-') {
                return NULL;
            }
            g_strlcpy(buf, p, MIN(len + 1, size));
            return buf;
        }
        p += len;
        while (*p == ' ') {
            p++;
        }
    }
    return NULL;
}

/* CPUID.1:EDX bits that AMD repeats in CPUID.80000001H:EDX. */
#define AMD_EDX_ALIASES 0x0183f3ffu

/* XSAVE state components (CPUID.0DH sub-leaf numbers). */
#define XSTATE_X87        0
#define XSTATE_SSE        1
#define XSTATE_YMM        2
#define XSTATE_BNDREGS    3
#define XSTATE_BNDCSR     4
#define XSTATE_OPMASK     5
#define XSTATE_ZMM_HI256  6
#define XSTATE_HI16_ZMM   7
#define XSTATE_PKRU       9
#define XSTATE_XTILECFG   17
#define XSTATE_XTILEDATA  18
#define XSAVE_LEGACY_SIZE 576       /* legacy area + header */
#define SVM_BIT           (1u << 2) /* CPUID.80000001H:ECX */

/* QEMU's warning texts. */
#define UNSUPPORTED_TEXT "host doesn't support requested feature"
#define DEPENDS_TEXT                                                           \
    "This feature depends on other features that were not requested"

#define KVM_SIG "KVMKVMKVM\0\0\0"

/* ---- Looking flags up ---- */

/* QEMU's spelling rules: '_' is '-', and "sse4_2" is "sse4.2". */
static bool flag_name_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char ca = (*a == '_' || *a == '.') ? '-' : *a;
        char cb = (*b == '_' || *b == '.') ? '-' : *b;

        if (ca != cb) {
            return false;
        }
    }
    return !*a && !*b;
}

/* Every bit @name names (kvmclock is two), per word; false if none. */
static bool feature_lookup(const char *name, uint32_t mask[X86_FEAT_WORDS])
{
    bool found = false;

    for (size_t i = 0; i < x86_feature_aliases_count; i++) {
        if (flag_name_eq(name, x86_feature_aliases[i].alias)) {
            name = x86_feature_aliases[i].name;
        }
    }
    memset(mask, 0, sizeof(uint32_t) * X86_FEAT_WORDS);
    for (int w = 0; w < X86_FEAT_WORDS; w++) {
        for (unsigned b = 0; b < 32; b++) {
            char buf[FLAG_NAME_MAX];
            const char *n = bit_name(w, b, buf, sizeof(buf));

            if (n && flag_name_eq(name, n)) {
                mask[w] |= 1u << b;
                found = true;
            }
        }
    }
    return found;
}

bool x86_cpu_feature_bit(const char *name, X86FeatureWord *w, unsigned *bit)
{
    uint32_t mask[X86_FEAT_WORDS];

    if (!feature_lookup(name, mask)) {
        return false;
    }
    for (int i = 0; i < X86_FEAT_WORDS; i++) {
        if (mask[i]) {
            *w = i;
            *bit = __builtin_ctz(mask[i]);
            return true;
        }
    }
    return false;
}

/* ---- Parsing ---- */

static void set_flags(X86CPUConfig *cfg, const uint32_t *mask, bool on,
                      bool user)
{
    for (int w = 0; w < X86_FEAT_WORDS; w++) {
        if (on) {
            cfg->features[w] |= mask[w];
        } else {
            cfg->features[w] &= ~mask[w];
        }
        if (user) {
            cfg->user_on[w] =
                on ? cfg->user_on[w] | mask[w] : cfg->user_on[w] & ~mask[w];
            cfg->user_off[w] =
                on ? cfg->user_off[w] & ~mask[w] : cfg->user_off[w] | mask[w];
        }
    }
}

/* A list of flag names, all turned @on (model tables: names are known). */
static void set_flag_list(X86CPUConfig *cfg, const char *list, bool on)
{
    g_auto(GStrv) names = g_strsplit(list, " ", -1);
    uint32_t mask[X86_FEAT_WORDS];

    for (int i = 0; names[i]; i++) {
        if (!*names[i]) {
            continue;
        }
        if (!feature_lookup(names[i], mask)) {
            /* A table bug, caught by the unit test of every model. */
            g_warning("cpu model table: unknown flag '%s'", names[i]);
            continue;
        }
        set_flags(cfg, mask, on, false);
    }
}

static bool parse_bool(const char *key, const char *val, bool *out,
                       Error **errp)
{
    if (!strcmp(val, "on") || !strcmp(val, "true") || !strcmp(val, "yes")) {
        *out = true;
    } else if (!strcmp(val, "off") || !strcmp(val, "false") ||
               !strcmp(val, "no")) {
        *out = false;
    } else {
        error_setg(errp, "CPU property '%s': '%s' is not on or off", key, val);
        return false;
    }
    return true;
}

static bool parse_u32(const char *key, const char *val, uint32_t max,
                      uint32_t *out, Error **errp)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(val, &end, 0);
    if (!*val || *end || errno || v > max) {
        error_setg(errp,
                   "CPU property '%s': '%s' is not a number from 0 to %" PRIu32,
                   key, val, max);
        return false;
    }
    *out = v;
    return true;
}

/* Properties QEMU has that kemu refuses (not silently ignored). */
static bool refused_property(const char *key, Error **errp)
{
    static const char *const msr_flags[] = {
        "rdctl-no",           "ibrs-all",         "rsba",
        "skip-l1dfl-vmentry", "ssb-no",           "mds-no",
        "pschange-mc-no",     "tsx-ctrl",         "taa-no",
        "split-lock-detect",  "full-width-write",
    };

    if (g_str_has_prefix(key, "hv-") || g_str_has_prefix(key, "hv_")) {
        error_setg(errp,
                   "CPU flag '%s': Hyper-V enlightenments are not supported "
                   "by kemu",
                   key);
        return true;
    }
    if (g_str_has_prefix(key, "vmx-") || g_str_has_prefix(key, "vmx_")) {
        error_setg(errp,
                   "CPU flag '%s': VMX capability controls are not supported "
                   "by kemu (the vmx flag is)",
                   key);
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(msr_flags); i++) {
        if (flag_name_eq(key, msr_flags[i])) {
            error_setg(errp,
                       "CPU flag '%s': MSR-only features are not supported by "
                       "kemu",
                       key);
            return true;
        }
    }
    return false;
}

/* One key=value setting (a model version's or the user's). */
static bool apply_property(X86CPUConfig *cfg, const char *key, const char *val,
                           bool user, Error **errp)
{
    uint32_t mask[X86_FEAT_WORDS];
    bool on;

    if (!strcmp(key, "vendor")) {
        if (strlen(val) != X86_VENDOR_LEN) {
            error_setg(errp,
                       "CPU property 'vendor': '%s' is not 12 characters "
                       "(e.g. GenuineIntel, AuthenticAMD)",
                       val);
            return false;
        }
        g_strlcpy(cfg->vendor, val, sizeof(cfg->vendor));
        cfg->vendor_set = true;
    } else if (!strcmp(key, "model-id")) {
        g_strlcpy(cfg->model_id, val, sizeof(cfg->model_id));
        cfg->model_id_set = true;
    } else if (!strcmp(key, "family")) {
        /* Base family 0xf plus an 8-bit extended family. */
        if (!parse_u32(key, val, 0xff + 0xf, &cfg->family, errp)) {
            return false;
        }
        cfg->family_set = true;
    } else if (!strcmp(key, "model")) {
        if (!parse_u32(key, val, 0xff, &cfg->model, errp)) {
            return false;
        }
        cfg->model_set = true;
    } else if (!strcmp(key, "stepping")) {
        if (!parse_u32(key, val, 0xf, &cfg->stepping, errp)) {
            return false;
        }
        cfg->stepping_set = true;
    } else if (!strcmp(key, "level")) {
        return parse_u32(key, val, UINT32_MAX - 1, &cfg->level, errp);
    } else if (!strcmp(key, "xlevel")) {
        return parse_u32(key, val, UINT32_MAX - 1, &cfg->xlevel, errp);
    } else if (!strcmp(key, "min-level")) {
        return parse_u32(key, val, UINT32_MAX - 1, &cfg->min_level, errp);
    } else if (!strcmp(key, "min-xlevel")) {
        return parse_u32(key, val, UINT32_MAX - 1, &cfg->min_xlevel, errp);
    } else if (!strcmp(key, "pmu")) {
        return parse_bool(key, val, &cfg->pmu, errp);
    } else if (!strcmp(key, "check")) {
        return parse_bool(key, val, &cfg->check, errp);
    } else if (!strcmp(key, "enforce")) {
        return parse_bool(key, val, &cfg->enforce, errp);
    } else if (!strcmp(key, "kvm")) {
        return parse_bool(key, val, &cfg->kvm, errp);
    } else if (!strcmp(key, "migratable")) {
        return parse_bool(key, val, &on, errp); /* kemu does not migrate */
    } else if (refused_property(key, errp)) {
        return false;
    } else if (feature_lookup(key, mask)) {
        if (!parse_bool(key, val, &on, errp)) {
            return false;
        }
        set_flags(cfg, mask, on, user);
    } else {
        error_setg(errp, "CPU flag or property '%s' not found (see -cpu help)",
                   key);
        return false;
    }
    return true;
}

static bool apply_props_list(X86CPUConfig *cfg, const char *props, Error **errp)
{
    g_auto(GStrv) items = g_strsplit(props, " ", -1);

    for (int i = 0; items[i]; i++) {
        char *eq = strchr(items[i], '=');

        if (!*items[i]) {
            continue;
        }
        assert(eq);
        *eq = '\0';
        if (!apply_property(cfg, items[i], eq + 1, false, errp)) {
            return false;
        }
    }
    return true;
}

static unsigned model_version_count(const X86CPUModelDef *m)
{
    unsigned n = 0;

    while (m->versions && m->versions[n].props) {
        n++;
    }
    return n + 1;
}

/* Which model and version @name names: "Haswell", "Haswell-noTSX", "-v3". */
static const X86CPUModelDef *find_model(const char *name, unsigned *version)
{
    for (size_t i = 0; i < x86_cpu_models_count; i++) {
        const X86CPUModelDef *m = &x86_cpu_models[i];
        size_t len = strlen(m->name);
        unsigned nver = model_version_count(m);

        if (!strcmp(name, m->name)) {
            *version = 1;
            return m;
        }
        for (unsigned v = 2; v <= nver; v++) {
            const char *alias = m->versions[v - 2].alias;

            if (alias && !strcmp(name, alias)) {
                *version = v;
                return m;
            }
        }
        if (!strncmp(name, m->name, len) && name[len] == '-' &&
            name[len + 1] == 'v') {
            char *end;
            unsigned long v = strtoul(name + len + 2, &end, 10);

            if (!*end && v >= 1 && v <= nver && name[len + 2] != '0') {
                *version = v;
                return m;
            }
        }
    }
    return NULL;
}

static bool load_model(X86CPUConfig *cfg, const char *name, Error **errp)
{
    const X86CPUModelDef *m;
    unsigned version;

    if (!strcmp(name, "host") || !strcmp(name, "max")) {
        cfg->passthrough = true;
        cfg->pmu = true;
        return true;
    }
    if (!strcmp(name, "base")) {
        /* No vendor, no features: only what KVM's defaults add. */
        set_flag_list(cfg, KVM_DEFAULTS_ON, true);
        return true;
    }
    m = find_model(name, &version);
    if (!m) {
        error_setg(errp, "unable to find CPU model '%s' (see -cpu help)", name);
        return false;
    }
    g_strlcpy(cfg->vendor, m->vendor, sizeof(cfg->vendor));
    cfg->family = m->family;
    cfg->model = m->model;
    cfg->stepping = m->stepping;
    cfg->min_level = m->level;
    cfg->min_xlevel = m->xlevel;
    g_strlcpy(cfg->model_id, m->model_id, sizeof(cfg->model_id));
    set_flag_list(cfg, m->features, true);
    for (unsigned v = 2; v <= version; v++) {
        const X86CPUVersion *ver = &m->versions[v - 2];

        if (!apply_props_list(cfg, ver->props, errp)) {
            return false;
        }
        if (ver->model_id) {
            g_strlcpy(cfg->model_id, ver->model_id, sizeof(cfg->model_id));
        }
    }
    /* Model values are not the user's. */
    cfg->vendor_set = cfg->family_set = cfg->model_set = false;
    cfg->stepping_set = cfg->model_id_set = false;
    set_flag_list(cfg, KVM_DEFAULTS_ON, true);
    set_flag_list(cfg, KVM_DEFAULTS_OFF, false);
    return true;
}

bool x86_cpu_config_parse(const char *spec, X86CPUConfig *cfg, Error **errp)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    g_autoptr(GPtrArray) plus = g_ptr_array_new();
    g_autoptr(GPtrArray) minus = g_ptr_array_new();

    memset(cfg, 0, sizeof(*cfg));
    cfg->level = cfg->xlevel = X86_LEVEL_AUTO;
    cfg->check = true;
    cfg->kvm = true;
    if (!parts[0] || !*parts[0]) {
        error_setg(errp, "no CPU model given (see -cpu help)");
        return false;
    }
    g_strlcpy(cfg->model_name, parts[0], sizeof(cfg->model_name));
    if (!load_model(cfg, parts[0], errp)) {
        return false;
    }
    /* As QEMU: key=value in order, then every +flag, then every -flag. */
    for (int i = 1; parts[i]; i++) {
        char *item = parts[i], *eq;

        if (!*item) {
            continue;
        }
        if (item[0] == '+' || item[0] == '-') {
            g_ptr_array_add(item[0] == '+' ? plus : minus, item + 1);
            continue;
        }
        eq = strchr(item, '=');
        if (eq) {
            *eq = '\0';
        }
        if (!apply_property(cfg, item, eq ? eq + 1 : "on", true, errp)) {
            return false;
        }
    }
    for (guint i = 0; i < plus->len; i++) {
        if (!apply_property(cfg, plus->pdata[i], "on", true, errp)) {
            return false;
        }
    }
    for (guint i = 0; i < minus->len; i++) {
        if (!apply_property(cfg, minus->pdata[i], "off", true, errp)) {
            return false;
        }
    }
    return true;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void x86_cpu_print_help(FILE *out)
{
    g_autoptr(GPtrArray) flags = g_ptr_array_new_with_free_func(g_free);
    unsigned col = 0;

    fprintf(out, "Available CPUs:\n");
    for (size_t i = 0; i < x86_cpu_models_count; i++) {
        const X86CPUModelDef *m = &x86_cpu_models[i];
        const char *id = m->model_id;

        fprintf(out, "x86 %-26s %s\n", m->name, id);
        for (unsigned v = 2; v <= model_version_count(m); v++) {
            const X86CPUVersion *ver = &m->versions[v - 2];

            if (ver->model_id) {
                id = ver->model_id;
            }
            if (ver->alias) {
                fprintf(out, "x86 %-26s %s\n", ver->alias, id);
            }
        }
    }
    fprintf(out, "x86 %-26s %s\n", "base",
            "base CPU model type with no features enabled");
    fprintf(out, "x86 %-26s %s\n", "host",
            "KVM processor with all supported host features");
    fprintf(out, "x86 %-26s %s\n", "max",
            "Enables all features supported by the accelerator in the "
            "current host");
    fprintf(out, "(each model also answers to NAME-v1, NAME-v2, ... for "
                 "QEMU's versions)\n\nRecognized CPUID flags:\n");
    for (int w = 0; w < X86_FEAT_WORDS; w++) {
        for (unsigned b = 0; b < 32; b++) {
            char buf[FLAG_NAME_MAX];
            const char *n = bit_name(w, b, buf, sizeof(buf));

            if (n && !(w == X86_FEAT_KVM && b == 3)) {
                g_ptr_array_add(flags, g_strdup(n));
            }
        }
    }
    g_ptr_array_sort(flags, compare_names);
    for (guint i = 0; i < flags->len; i++) {
        const char *n = flags->pdata[i];

        if (col + strlen(n) + 1 > 76) {
            fputc('\n', out);
            col = 0;
        }
        col += fprintf(out, "%s%s", col ? " " : "  ", n);
    }
    fprintf(out, "\n\nProperties: vendor=, family=, model=, stepping=, "
                 "model-id=, level=, xlevel=, pmu=, check=, enforce=, kvm=\n");
}

/* ---- CPUID computation ---- */

X86CPUIDEntry *x86_cpuid_find(X86CPUIDEntry *e, size_t n, uint32_t function,
                              uint32_t index)
{
    for (size_t i = 0; i < n; i++) {
        if (e[i].function == function &&
            (!(e[i].flags & X86_CPUID_FLAG_INDEXED) || e[i].index == index)) {
            return &e[i];
        }
    }
    return NULL;
}

static uint32_t *entry_reg(X86CPUIDEntry *e, char reg)
{
    switch (reg) {
    case 'a':
        return &e->eax;
    case 'b':
        return &e->ebx;
    case 'c':
        return &e->ecx;
    default:
        return &e->edx;
    }
}

static uint32_t supported_word(const X86CPUIDEntry *sup, size_t nsup,
                               X86FeatureWord w)
{
    const X86FeatureWordInfo *fw = &x86_feature_words[w];
    X86CPUIDEntry *e =
        x86_cpuid_find((X86CPUIDEntry *)sup, nsup, fw->leaf, fw->subleaf);

    return e ? *entry_reg(e, fw->reg) : 0;
}

static X86CPUIDEntry *table_get(GArray *t, uint32_t function, uint32_t index,
                                bool indexed)
{
    X86CPUIDEntry *e =
        x86_cpuid_find((X86CPUIDEntry *)t->data, t->len, function, index);
    X86CPUIDEntry ne = {
        .function = function,
        .index = indexed ? index : 0,
        .flags = indexed ? X86_CPUID_FLAG_INDEXED : 0,
    };

    if (e) {
        return e;
    }
    g_array_append_val(t, ne);
    return &g_array_index(t, X86CPUIDEntry, t->len - 1);
}

static void table_remove_if(GArray *t,
                            bool (*drop)(const X86CPUIDEntry *e,
                                         const void *opaque),
                            const void *opaque)
{
    for (guint i = 0; i < t->len;) {
        if (drop(&g_array_index(t, X86CPUIDEntry, i), opaque)) {
            g_array_remove_index(t, i);
        } else {
            i++;
        }
    }
}

static void put_string(X86CPUIDEntry *e, const char *s12)
{
    memcpy(&e->ebx, s12, 4);
    memcpy(&e->edx, s12 + 4, 4);
    memcpy(&e->ecx, s12 + 8, 4);
}

static uint32_t cpuid_signature(uint32_t family, uint32_t model,
                                uint32_t stepping)
{
    uint32_t eax = stepping & 0xf;

    eax |= (model & 0xf) << 4 | (model >> 4) << 16;
    if (family > 0xf) {
        eax |= 0xf << 8 | (family - 0xf) << 20;
    } else {
        eax |= family << 8;
    }
    return eax;
}

static void warn_features(GPtrArray *warnings, const char *why,
                          X86FeatureWord w, uint32_t bits)
{
    const X86FeatureWordInfo *fw = &x86_feature_words[w];

    for (unsigned b = 0; b < 32; b++) {
        if (bits & (1u << b)) {
            char buf[FLAG_NAME_MAX];
            const char *n = bit_name(w, b, buf, sizeof(buf));

            g_ptr_array_add(
                warnings,
                g_strdup_printf("%s: CPUID.%02" PRIX32 "H:E%cX%s%s [bit %u]",
                                why, fw->leaf, g_ascii_toupper(fw->reg),
                                n ? "." : "", n ? n : "", b));
        }
    }
}

/* The XSAVE components the enabled features need. */
static uint64_t xsave_components(const uint32_t *f)
{
    uint64_t c = 0;

    if (!(f[X86_FEAT_1_ECX] & (1u << 26))) { /* xsave */
        return 0;
    }
    c |= 1ull << XSTATE_X87 | 1ull << XSTATE_SSE;
    if (f[X86_FEAT_1_ECX] & (1u << 28)) { /* avx */
        c |= 1ull << XSTATE_YMM;
    }
    if (f[X86_FEAT_7_0_EBX] & (1u << 14)) { /* mpx */
        c |= 1ull << XSTATE_BNDREGS | 1ull << XSTATE_BNDCSR;
    }
    if (f[X86_FEAT_7_0_EBX] & (1u << 16)) { /* avx512f */
        c |= 1ull << XSTATE_OPMASK | 1ull << XSTATE_ZMM_HI256 |
             1ull << XSTATE_HI16_ZMM;
    }
    if (f[X86_FEAT_7_0_ECX] & (1u << 3)) { /* pku */
        c |= 1ull << XSTATE_PKRU;
    }
    if (f[X86_FEAT_7_0_EDX] & (1u << 24)) { /* amx-tile */
        c |= 1ull << XSTATE_XTILECFG | 1ull << XSTATE_XTILEDATA;
    }
    return c;
}

/* Leaf 0xD from the supported one, for components @comps only. */
static void fill_xsave_leaf(GArray *t, const X86CPUIDEntry *sup, size_t nsup,
                            uint64_t comps, uint32_t xsave_features,
                            bool keep_xss)
{
    X86CPUIDEntry *s0 = x86_cpuid_find((X86CPUIDEntry *)sup, nsup, 0xd, 0);
    X86CPUIDEntry *s1 = x86_cpuid_find((X86CPUIDEntry *)sup, nsup, 0xd, 1);
    uint64_t sup_comps = s0 ? ((uint64_t)s0->edx << 32 | s0->eax) : 0;
    uint64_t xss = (keep_xss && s1) ? ((uint64_t)s1->edx << 32 | s1->ecx) : 0;
    uint32_t size = XSAVE_LEGACY_SIZE;
    X86CPUIDEntry *e;

    comps &= sup_comps;
    if (!comps) {
        return;
    }
    for (unsigned i = 2; i < 64; i++) {
        X86CPUIDEntry *si;

        if (!((comps | xss) & (1ull << i))) {
            continue;
        }
        si = x86_cpuid_find((X86CPUIDEntry *)sup, nsup, 0xd, i);
        if (!si) {
            continue;
        }
        *table_get(t, 0xd, i, true) = *si;
        if ((comps & (1ull << i)) && si->ebx + si->eax > size) {
            size = si->ebx + si->eax;
        }
    }
    e = table_get(t, 0xd, 0, true);
    e->eax = (uint32_t)comps;
    e->edx = comps >> 32;
    e->ebx = e->ecx = size;
    e = table_get(t, 0xd, 1, true);
    e->eax = xsave_features;
    if (keep_xss && s1) {
        e->ebx = s1->ebx;
        e->ecx = s1->ecx;
        e->edx = s1->edx;
    }
}

/* The lowest level/xlevel that holds every enabled feature (QEMU's rule). */
static void auto_levels(const uint32_t *f, uint32_t *level, uint32_t *xlevel)
{
    for (int w = 0; w < X86_FEAT_WORDS; w++) {
        uint32_t leaf = x86_feature_words[w].leaf;

        if (!f[w] || w == X86_FEAT_KVM) {
            continue;
        }
        if (leaf >= 0x80000000u) {
            *xlevel = MAX(*xlevel, leaf);
        } else {
            *level = MAX(*level, leaf);
        }
    }
}

typedef struct DropRange {
    uint32_t level, xlevel;
    bool intel, pmu, keep_kvm;
} DropRange;

/* Named models: which supported leaves pass through unchanged. */
static bool keep_supported_leaf(uint32_t fn, const DropRange *r)
{
    switch (fn) {
    case 2:
    case 4:
        return r->intel && fn <= r->level; /* Intel's cache leaves */
    case 0xa:
        return r->pmu && fn <= r->level;
    case 0xb:
    case 0x1f:
        return fn <= r->level; /* topology: the caller fills it per vCPU */
    case 0x80000005:
    case 0x80000006:
        return fn <= r->xlevel; /* caches */
    case 0x8000001d:
    case 0x8000001e:
        return !r->intel && fn <= r->xlevel;
    default:
        return false;
    }
}

static bool drop_out_of_range(const X86CPUIDEntry *e, const void *opaque)
{
    const DropRange *r = opaque;

    if (e->function >= 0x40000000u && e->function < 0x40000100u) {
        return true; /* rebuilt below */
    }
    if (e->function >= 0x80000000u) {
        return e->function > r->xlevel;
    }
    if (e->function == 0xa && !r->pmu) {
        return true;
    }
    return e->function < 0x40000000u && e->function > r->level;
}

GArray *x86_cpu_compute_cpuid(const X86CPUConfig *cfg, const X86CPUIDEntry *sup,
                              size_t nsup, GPtrArray *warnings, Error **errp)
{
    g_autoptr(GArray) t = g_array_new(false, true, sizeof(X86CPUIDEntry));
    uint32_t f[X86_FEAT_WORDS], supw[X86_FEAT_WORDS];
    uint32_t level, xlevel;
    bool unavailable = false, intel;
    char vendor[X86_VENDOR_LEN + 1] = {0};
    char model_id[X86_MODEL_ID_LEN + 1] = {0};
    uint32_t signature;
    X86CPUIDEntry *e;
    DropRange range;

    for (int w = 0; w < X86_FEAT_WORDS; w++) {
        supw[w] = supported_word(sup, nsup, w);
        if (cfg->passthrough) {
            /* Everything supported but what the user turned off. */
            f[w] = (supw[w] & ~cfg->user_off[w]) | cfg->user_on[w];
        } else {
            f[w] = cfg->features[w];
        }
    }
    /* SVM's own features mean nothing without svm (QEMU's dependency). */
    if (!(f[X86_FEAT_8000_0001_ECX] & SVM_BIT)) {
        uint32_t lost = f[X86_FEAT_SVM] & cfg->user_on[X86_FEAT_SVM];

        if (lost && warnings) {
            warn_features(warnings, DEPENDS_TEXT, X86_FEAT_SVM, lost);
        }
        f[X86_FEAT_SVM] = 0;
    }
    /* kemu offers the deadline timer wherever it is there (fewer exits). */
    f[X86_FEAT_1_ECX] |= supw[X86_FEAT_1_ECX] & X86_1_ECX_TSC_DEADLINE &
                         ~cfg->user_off[X86_FEAT_1_ECX];
    f[X86_FEAT_1_ECX] |= X86_1_ECX_HYPERVISOR & ~cfg->user_off[X86_FEAT_1_ECX];
    for (int w = 0; w < X86_FEAT_WORDS; w++) {
        uint32_t missing = f[w] & ~supw[w];

        if (w == X86_FEAT_1_ECX) {
            missing &= ~X86_1_ECX_HYPERVISOR; /* always possible */
        }
        if (missing) {
            unavailable = true;
            if ((cfg->check || cfg->enforce) && warnings) {
                warn_features(warnings, UNSUPPORTED_TEXT, w, missing);
            }
            f[w] &= ~missing;
        }
    }
    if (cfg->enforce && unavailable) {
        error_setg(errp, "Host doesn't support requested features");
        return NULL;
    }
    if (!cfg->kvm) {
        f[X86_FEAT_KVM] = 0;
    }

    /* Identity: the model's, or the host's for host/max. */
    if (cfg->passthrough) {
        X86CPUIDEntry *s0 = x86_cpuid_find((X86CPUIDEntry *)sup, nsup, 0, 0);
        X86CPUIDEntry *s1 = x86_cpuid_find((X86CPUIDEntry *)sup, nsup, 1, 0);
        uint32_t sig = s1 ? s1->eax : 0;
        uint32_t fam = (sig >> 8) & 0xf, mod = (sig >> 4) & 0xf;

        if (fam == 0xf) {
            fam += (sig >> 20) & 0xff;
        }
        if (fam == 0x6 || fam >= 0xf) {
            mod |= ((sig >> 16) & 0xf) << 4;
        }
        if (s0) {
            memcpy(vendor, &s0->ebx, 4);
            memcpy(vendor + 4, &s0->edx, 4);
            memcpy(vendor + 8, &s0->ecx, 4);
        }
        signature =
            cpuid_signature(cfg->family_set ? cfg->family : fam,
                            cfg->model_set ? cfg->model : mod,
                            cfg->stepping_set ? cfg->stepping : sig & 0xf);
        if (cfg->vendor_set) {
            memcpy(vendor, cfg->vendor, X86_VENDOR_LEN);
        }
        for (uint32_t i = 0; i < 3; i++) {
            X86CPUIDEntry *s =
                x86_cpuid_find((X86CPUIDEntry *)sup, nsup, 0x80000002 + i, 0);

            if (s) {
                memcpy(model_id + 16 * i, &s->eax, 4);
                memcpy(model_id + 16 * i + 4, &s->ebx, 4);
                memcpy(model_id + 16 * i + 8, &s->ecx, 4);
                memcpy(model_id + 16 * i + 12, &s->edx, 4);
            }
        }
        if (cfg->model_id_set) {
            g_strlcpy(model_id, cfg->model_id, sizeof(model_id));
        }
        level = cfg->level != X86_LEVEL_AUTO ? cfg->level : (s0 ? s0->eax : 1);
        e = x86_cpuid_find((X86CPUIDEntry *)sup, nsup, 0x80000000, 0);
        xlevel = cfg->xlevel != X86_LEVEL_AUTO ? cfg->xlevel : (e ? e->eax : 0);
        g_array_append_vals(t, sup, nsup);
    } else {
        X86CPUIDEntry *s0 = x86_cpuid_find((X86CPUIDEntry *)sup, nsup, 0, 0);

        /*
         * As QEMU under KVM: a model has the host's vendor unless vendor=
         * says otherwise ("base", which has none, keeps none).
         */
        memcpy(vendor, cfg->vendor, X86_VENDOR_LEN);
        if (!cfg->vendor_set && cfg->vendor[0] && s0) {
            memcpy(vendor, &s0->ebx, 4);
            memcpy(vendor + 4, &s0->edx, 4);
            memcpy(vendor + 8, &s0->ecx, 4);
        }
        g_strlcpy(model_id, cfg->model_id, sizeof(model_id));
        signature = cpuid_signature(cfg->family, cfg->model, cfg->stepping);
        level = cfg->min_level;
        xlevel = cfg->min_xlevel;
        auto_levels(f, &level, &xlevel);
        if (cfg->level != X86_LEVEL_AUTO) {
            level = cfg->level;
        }
        if (cfg->xlevel != X86_LEVEL_AUTO) {
            xlevel = cfg->xlevel;
        }
        intel = !strcmp(vendor, VENDOR_INTEL);
        range = (DropRange){level, xlevel, intel, cfg->pmu, cfg->kvm};
        for (size_t i = 0; i < nsup; i++) {
            if (keep_supported_leaf(sup[i].function, &range)) {
                g_array_append_val(t, sup[i]);
            }
        }
    }
    if (!strcmp(vendor, VENDOR_AMD)) {
        f[X86_FEAT_8000_0001_EDX] &= ~AMD_EDX_ALIASES;
        f[X86_FEAT_8000_0001_EDX] |= f[X86_FEAT_1_EDX] & AMD_EDX_ALIASES;
    }
    if (!(f[X86_FEAT_1_ECX] & (1u << 26))) {
        f[X86_FEAT_XSAVE] = 0; /* the xsave flags need xsave */
    }
    range = (DropRange){level, xlevel, false, cfg->pmu, cfg->kvm};
    table_remove_if(t, drop_out_of_range, &range);

    /* Leaf 0 and 1. */
    e = table_get(t, 0, 0, false);
    e->eax = level;
    put_string(e, vendor);
    if (level >= 1) {
        e = table_get(t, 1, 0, false);
        e->eax = signature;
        if (!cfg->passthrough) {
            e->ebx =
                (f[X86_FEAT_1_EDX] & (1u << 19)) ? 8 << 8 : 0; /* clflush */
        }
        e->ecx = f[X86_FEAT_1_ECX];
        e->edx = f[X86_FEAT_1_EDX];
    }
    if (level >= 6) {
        e = table_get(t, 6, 0, false);
        e->eax = cfg->passthrough
                     ? (e->eax & ~supw[X86_FEAT_6_EAX]) | f[X86_FEAT_6_EAX]
                     : f[X86_FEAT_6_EAX];
    }
    if (level >= 7) {
        bool sub1 = f[X86_FEAT_7_1_EAX] != 0;

        e = table_get(t, 7, 0, true);
        if (!cfg->passthrough) {
            e->eax = sub1 ? 1 : 0; /* the last sub-leaf */
        }
        e->ebx = f[X86_FEAT_7_0_EBX];
        e->ecx = f[X86_FEAT_7_0_ECX];
        e->edx = f[X86_FEAT_7_0_EDX];
        if (sub1 || (cfg->passthrough && e->eax >= 1)) {
            e = table_get(t, 7, 1, true);
            e->eax = f[X86_FEAT_7_1_EAX];
        } else {
            for (guint i = 0; i < t->len; i++) {
                X86CPUIDEntry *x = &g_array_index(t, X86CPUIDEntry, i);

                if (x->function == 7 && x->index > 0) {
                    g_array_remove_index(t, i--);
                }
            }
        }
    }
    if (level >= 0xd) {
        for (guint i = 0; i < t->len; i++) {
            if (g_array_index(t, X86CPUIDEntry, i).function == 0xd) {
                g_array_remove_index(t, i--);
            }
        }
        fill_xsave_leaf(t, sup, nsup, xsave_components(f), f[X86_FEAT_XSAVE],
                        cfg->passthrough);
    }

    /* The extended range. */
    if (xlevel >= 0x80000000u) {
        e = table_get(t, 0x80000000, 0, false);
        e->eax = xlevel;
        put_string(e, vendor);
    }
    if (xlevel >= 0x80000001u) {
        e = table_get(t, 0x80000001, 0, false);
        e->eax = signature;
        e->ecx = f[X86_FEAT_8000_0001_ECX];
        e->edx = f[X86_FEAT_8000_0001_EDX];
    }
    for (uint32_t i = 0; i < 3 && xlevel >= 0x80000002u + i; i++) {
        char chunk[16] = {0};
        size_t len = strlen(model_id);

        if (len > 16 * i) {
            memcpy(chunk, model_id + 16 * i, MIN(len - 16 * i, sizeof(chunk)));
        }
        e = table_get(t, 0x80000002 + i, 0, false);
        memcpy(&e->eax, chunk, 4);
        memcpy(&e->ebx, chunk + 4, 4);
        memcpy(&e->ecx, chunk + 8, 4);
        memcpy(&e->edx, chunk + 12, 4);
    }
    if (xlevel >= 0x80000007u) {
        e = table_get(t, 0x80000007, 0, false);
        e->edx = f[X86_FEAT_8000_0007_EDX];
    }
    if (xlevel >= 0x80000008u) {
        X86CPUIDEntry *s =
            x86_cpuid_find((X86CPUIDEntry *)sup, nsup, 0x80000008, 0);

        e = table_get(t, 0x80000008, 0, false);
        if (s && !cfg->passthrough) {
            e->eax = s->eax; /* address sizes: the host's */
            e->ecx = s->ecx;
        }
        e->ebx = f[X86_FEAT_8000_0008_EBX];
    }
    if (xlevel >= 0x8000000au) {
        e = table_get(t, 0x8000000a, 0, false);
        if (f[X86_FEAT_8000_0001_ECX] & SVM_BIT) {
            if (!cfg->passthrough) {
                e->eax = 1;    /* SVM revision */
                e->ebx = 0x10; /* ASIDs */
            }
            e->edx = f[X86_FEAT_SVM];
        } else {
            memset(&e->eax, 0, 4 * sizeof(uint32_t));
        }
    }

    /* KVM's signature and paravirt features. */
    if (cfg->kvm) {
        e = table_get(t, 0x40000000, 0, false);
        e->eax = 0x40000001;
        /* Unlike a vendor string, in the order ebx, ecx, edx. */
        memcpy(&e->ebx, KVM_SIG, 4);
        memcpy(&e->ecx, KVM_SIG + 4, 4);
        memcpy(&e->edx, KVM_SIG + 8, 4);
        e = table_get(t, 0x40000001, 0, false);
        e->eax = f[X86_FEAT_KVM];
    }
    return g_steal_pointer(&t);
}
